//! `POST /` routed on `X-Amz-Target` to a generated dispatch function.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};

use awsjson_types::ServiceInfo;
use axum::extract::{ConnectInfo, Request};
use http::{HeaderMap, Method, header};
use tower_layer::Layer as _;

use crate::auth::{AuthLayer, AuthLookup, VerifiedCaller};
use crate::config::ServerConfig;
use crate::front::{Front, FrontService, Inner, Routed};
use crate::response::client_error;
use crate::{BoxFuture, RequestBody, RequestContext, Response};

/// A generated dispatch function: runs the context's operation on the service with a request body.
pub type Dispatch<S> = fn(Arc<S>, RequestContext, RequestBody) -> BoxFuture<'static, Response>;

/// What generated code tells the runtime about a service.
pub struct ServiceSpec<S> {
    /// The service's protocol facts.
    pub info: &'static ServiceInfo,
    /// Runs the operation the request context names.
    pub dispatch: Dispatch<S>,
    /// Each operation's `'static` name and auth scheme (`None` for names that are not
    /// operations).
    pub auth: AuthLookup,
}

/// An axum router serving `state` through `spec` at `POST /`.
///
/// Every response carries `x-amzn-RequestId` and, for browser requests (with `Origin`) when CORS
/// is on, the CORS headers. Requests
/// that are not `POST /`, lack a known `X-Amz-Target`, have an unsupported content type or a
/// body over the limit are answered with AWS-shaped 400 errors before any handler runs; with
/// SigV4 configured, signed operations are verified first (see [`AuthLayer`]).
pub fn router<S: Send + Sync + 'static>(spec: ServiceSpec<S>, state: Arc<S>, config: ServerConfig) -> axum::Router {
    let front = Arc::new(Front { info: spec.info, lookup: spec.auth, cors: config.cors.map(Arc::new) });
    let (info, lookup) = (spec.info, spec.auth);
    let endpoint = EndpointService { endpoint: Arc::new(Endpoint { spec, state, max_body: config.max_body_bytes }) };
    // One service per request path, no per-layer routing: the stub's overhead is measured
    // against a bare handler (bench/server.sh).
    let inner = match config.sigv4 {
        None => Inner::Plain(endpoint.endpoint),
        Some(sigv4) => Inner::Signed(AuthLayer::new(info, lookup, sigv4, config.max_body_bytes).layer(endpoint)),
    };
    let service = FrontService { front, inner };
    // `POST /` is the one real route; other paths reach the same service, which answers them
    // with AWS's error. Matching `/` directly costs less per request than falling back.
    axum::Router::new().route_service("/", service.clone()).fallback_service(service)
}

/// `X-Amz-Target`, parsed once.
const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");

/// The operation an `X-Amz-Target` header names, when it has the service's prefix.
pub(crate) fn operation_of<'h>(service: &ServiceInfo, headers: &'h HeaderMap) -> Option<&'h str> {
    let target = headers.get(X_AMZ_TARGET)?.to_str().ok()?;
    target.strip_prefix(service.target_prefix)?.strip_prefix('.')
}

/// Whether a `Content-Type` is one the service reads: its own, `application/json`, or none.
fn accepted_content_type(service: &ServiceInfo, headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else { return true };
    // What SDKs send, exactly: no parsing needed.
    if value.as_bytes() == service.content_type.as_bytes() {
        return true;
    }
    let Ok(value) = value.to_str() else { return false };
    let media = value.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case(service.content_type) || media.eq_ignore_ascii_case("application/json")
}

pub(crate) struct Endpoint<S> {
    spec: ServiceSpec<S>,
    state: Arc<S>,
    max_body: usize,
}

/// The innermost service: checks what is left of the protocol and runs the operation.
pub(crate) struct EndpointService<S> {
    endpoint: Arc<Endpoint<S>>,
}

impl<S> Clone for EndpointService<S> {
    fn clone(&self) -> Self {
        EndpointService { endpoint: Arc::clone(&self.endpoint) }
    }
}

impl<S: Send + Sync + 'static> tower_service::Service<Request> for EndpointService<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.endpoint.handle(request, None) {
            Handled::Answered(response) => Box::pin(std::future::ready(Ok(response))),
            Handled::Running(running) => Box::pin(async move { Ok(running.await) }),
        }
    }
}

/// What [`Endpoint::handle`] did with a request.
pub(crate) enum Handled {
    /// Answered at once (a protocol error).
    Answered(Response),
    /// Handed to the operation, which answers when this future completes.
    Running(BoxFuture<'static, Response>),
}

impl<S: Send + Sync + 'static> Endpoint<S> {
    /// Checks what is left of the protocol and starts the operation. `routed` is what the front
    /// found (`None`: look in the extensions, where the front leaves it when a layer runs in
    /// between, or route here).
    ///
    /// Nothing here waits: the body is read by the operation's own future, so a request costs
    /// one boxed future (the operation's) and no more.
    pub(crate) fn handle(&self, mut request: Request, routed: Option<Routed>) -> Handled {
        let info = self.spec.info;
        let content_type = info.content_type;
        let unknown = |message: String| Handled::Answered(client_error(content_type, "UnknownOperationException", message));
        if request.method() != Method::POST || request.uri().path() != "/" {
            return unknown(format!("Operations are called with POST / and an X-Amz-Target header, not {}", request.method()));
        }
        // The front has routed the request already; without it (a custom stack), route here.
        let routed = routed.or_else(|| request.extensions_mut().remove::<Routed>()).unwrap_or_else(|| Routed {
            request_id: crate::RequestId::new(),
            operation: operation_of(info, request.headers()).and_then(self.spec.auth).map(|(name, _)| name),
        });
        let Some(operation) = routed.operation else {
            return Handled::Answered(match operation_of(info, request.headers()) {
                Some(op) => crate::response::unknown_operation(info, op),
                None if request.headers().contains_key(X_AMZ_TARGET) => client_error(
                    content_type,
                    "UnknownOperationException",
                    format!("X-Amz-Target must be {}.<Operation>", info.target_prefix),
                ),
                None => client_error(content_type, "UnknownOperationException", "Missing X-Amz-Target header"),
            });
        };
        if !accepted_content_type(info, request.headers()) {
            return unknown(format!("Unsupported Content-Type: send {content_type}"));
        }
        let (mut parts, body) = request.into_parts();
        let ctx = RequestContext {
            request_id: routed.request_id,
            caller: parts.extensions.remove::<VerifiedCaller>().map(|c| c.0),
            source: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0),
            headers: parts.headers,
            operation,
        };
        Handled::Running((self.spec.dispatch)(Arc::clone(&self.state), ctx, RequestBody::new(body, self.max_body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    static INFO: ServiceInfo = ServiceInfo {
        name: "svc",
        title: "Svc",
        api_version: None,
        target_prefix: "SvcPrefix",
        signing_name: "svc",
        endpoint_prefix: "svc",
        content_type: "application/x-amz-json-1.1",
        validation_error: "ValidationException",
    };

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (http::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn targets_need_the_prefix_and_a_dot() {
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "SvcPrefix.Op")])), Some("Op"));
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "SvcPrefixOp")])), None);
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "Other.Op")])), None);
        assert_eq!(operation_of(&INFO, &headers(&[])), None);
    }

    #[test]
    fn content_types() {
        assert!(accepted_content_type(&INFO, &headers(&[])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "application/x-amz-json-1.1")])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "application/json; charset=utf-8")])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "Application/X-Amz-Json-1.1")])));
        assert!(!accepted_content_type(&INFO, &headers(&[("content-type", "text/plain")])));
        assert!(!accepted_content_type(&INFO, &headers(&[("content-type", "application/x-www-form-urlencoded")])));
    }
}
