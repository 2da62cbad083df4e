//! SigV4 verification as a tower layer: signed operations must carry a valid signature made with
//! a key of a [`CredentialStore`]; public operations pass untouched.

mod error;
mod sigv4;
mod store;

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use awsjson_types::{AuthScheme, ServiceInfo};
use axum::body::Body;
use axum::extract::Request;

pub use error::AuthError;
pub use store::{CredentialStore, InMemoryCredentials, StoredCredential};

use crate::response::{Response, body_too_large, client_error};
use crate::front::Routed;
use crate::{BoxFuture, router::operation_of};

/// A service's operations by name: the name as a `'static` string and how the operation
/// authenticates (`None` for names that are not operations). Generated per service.
pub type AuthLookup = fn(&str) -> Option<(&'static str, AuthScheme)>;

/// How signatures are checked.
///
/// ```
/// use std::time::Duration;
/// use awsjson_server::{InMemoryCredentials, SigV4Config};
///
/// let config = SigV4Config::new(InMemoryCredentials::new().with_key("AKIDEXAMPLE", "secret"))
///     .region("us-west-2")
///     .max_skew(Duration::from_secs(300));
/// assert_eq!(config.region.as_deref(), Some("us-west-2"));
/// ```
#[derive(Clone)]
pub struct SigV4Config {
    /// Where secrets come from.
    pub store: Arc<dyn CredentialStore>,
    /// The region a credential scope must name; `None` accepts any.
    pub region: Option<String>,
    /// How far `X-Amz-Date` may be from the server's clock (AWS allows 5 minutes).
    pub max_skew: Duration,
    /// The server's clock (replaceable to replay recorded requests or to test skew).
    pub clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl SigV4Config {
    /// Verification against `store`, any region, 5 minutes of skew, the system clock.
    pub fn new(store: impl CredentialStore) -> Self {
        SigV4Config {
            store: Arc::new(store),
            region: None,
            max_skew: Duration::from_secs(300),
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Requires credential scopes to name `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the allowed clock skew.
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Replaces the clock.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }
}

impl fmt::Debug for SigV4Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Config").field("region", &self.region).field("max_skew", &self.max_skew).finish_non_exhaustive()
    }
}

/// The access key id whose signature was verified, put in the request's extensions by
/// [`AuthLayer`] (the router copies it to [`RequestContext::caller`](crate::RequestContext::caller)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCaller(pub String);

/// A tower layer that verifies SigV4 on the signed operations of a service.
///
/// A refused request is answered here with AWS's error (see [`AuthError`]); an accepted one goes
/// on with a [`VerifiedCaller`] extension and its body already read (up to `max_body` bytes).
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
