//! SigV4 verification as a tower layer: signed operations must carry a valid signature made with
//! a key of a [`CredentialStore`]; public operations pass untouched.

mod error;
mod sigv4;
mod store;

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use awsjson_types::{AuthScheme, ServiceInfo};
use axum::body::Body;
use axum::extract::Request;

pub use error::AuthError;
pub use sigv4::SigV4Config;
pub use store::{CredentialStore, InMemoryCredentials, StoredCredential};

use crate::future::BoxFuture;
use crate::response::{Response, body_too_large, client_error};
use crate::spec::AuthLookup;
use crate::target::{Routed, operation_of};

/// The access key id whose signature was verified, put in the request's extensions by
/// [`AuthLayer`] (the router copies it to [`RequestContext::caller`](crate::RequestContext::caller)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCaller(pub String);

/// A tower layer that verifies SigV4 on the signed operations of a service.
///
/// A refused request is answered here with AWS's error (see [`AuthError`]); an accepted one goes
/// on with a [`VerifiedCaller`] extension and its body already read (up to `max_body` bytes).
///
/// [`router`](crate::router) adds it by itself when [`ServerConfig::sigv4`] is set; on its own it
/// fits any axum router or tower stack:
///
/// ```
/// use awsjson_server::{AuthLayer, AuthScheme, InMemoryCredentials, SigV4Config, VerifiedCaller};
/// use awsjson_types::ServiceInfo;
///
/// static INFO: ServiceInfo = ServiceInfo {
///     name: "ping",
///     title: "Ping",
///     api_version: None,
///     target_prefix: "PingService",
///     signing_name: "ping",
///     endpoint_prefix: "ping",
///     content_type: "application/x-amz-json-1.1",
///     validation_error: "ValidationException",
/// };
///
/// /// `Ping` must be signed; every other name is no operation of the service.
/// fn lookup(name: &str) -> Option<(&'static str, AuthScheme)> {
///     (name == "Ping").then_some(("Ping", AuthScheme::SigV4))
/// }
///
/// async fn ping(request: axum::extract::Request) -> String {
///     match request.extensions().get::<VerifiedCaller>() {
///         Some(caller) => format!("pong, {}", caller.0),
///         None => "pong".to_string(),
///     }
/// }
///
/// let store = InMemoryCredentials::new().with_key("AKIDEXAMPLE", "secret");
/// let layer = AuthLayer::new(&INFO, lookup, SigV4Config::new(store), 1 << 20);
/// let app: axum::Router = axum::Router::new().route("/", axum::routing::post(ping)).layer(layer);
/// ```
///
/// [`ServerConfig::sigv4`]: crate::ServerConfig::sigv4
#[derive(Clone)]
pub struct AuthLayer {
    settings: Arc<Settings>,
}

struct Settings {
    service: &'static ServiceInfo,
    lookup: AuthLookup,
    config: SigV4Config,
    max_body: usize,
}

impl AuthLayer {
    /// Verification for `service`, whose operations' schemes `lookup` tells.
    pub fn new(service: &'static ServiceInfo, lookup: AuthLookup, config: SigV4Config, max_body: usize) -> Self {
        AuthLayer { settings: Arc::new(Settings { service, lookup, config, max_body }) }
    }
}

impl<S> tower_layer::Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService { inner, settings: Arc::clone(&self.settings) }
    }
}

/// The service [`AuthLayer`] wraps around an inner one.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    settings: Arc<Settings>,
}

impl<S> tower_service::Service<Request> for AuthService<S>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The ready inner service is the one to call; leave a fresh clone in its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let settings = Arc::clone(&self.settings);
        // The front has found the operation already; standing alone, the layer finds it itself.
        let operation = match request.extensions().get::<Routed>() {
            Some(routed) => routed.operation,
            None => operation_of(settings.service, request.headers()),
        };
        let signed = operation.and_then(settings.lookup).is_some_and(|(_, scheme)| scheme == AuthScheme::SigV4);
        if !signed {
            return Box::pin(inner.call(request));
        }
        Box::pin(async move {
            let content_type = settings.service.content_type;
            let (mut parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, settings.max_body).await else {
                return Ok(body_too_large(content_type, settings.max_body));
            };
            match sigv4::verify(&settings.config, settings.service.signing_name, &parts, &bytes).await {
                Ok(access_key_id) => {
                    parts.extensions.insert(VerifiedCaller(access_key_id));
                    inner.call(Request::from_parts(parts, Body::from(bytes))).await
                }
                Err(e) => {
                    tracing::info!(code = e.code(), "request refused: {e}");
                    Ok(client_error(content_type, e.code(), e.to_string()))
                }
            }
        })
    }
}
