//! The innermost service: checks what is left of the protocol (method, path, target, content
//! type) and starts the operation.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};

use awsjson_types::ServiceInfo;
use axum::extract::{ConnectInfo, Request};
use http::{HeaderMap, Method, header};

use crate::auth::VerifiedCaller;
use crate::context::{RequestContext, RequestId};
use crate::future::BoxFuture;
use crate::invoke::RequestBody;
use crate::response::{Response, client_error, unknown_operation};
use crate::spec::ServiceSpec;
use crate::target::{Routed, X_AMZ_TARGET, operation_of};

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

/// A service with its state and body limit: what runs an operation.
pub(crate) struct Endpoint<S> {
    spec: ServiceSpec<S>,
    state: Arc<S>,
    max_body: usize,
}

/// The endpoint as a tower service, for stacks with layers in between (the SigV4 layer).
pub(crate) struct EndpointService<S> {
    pub endpoint: Arc<Endpoint<S>>,
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
    /// The endpoint of `spec` over `state`, reading bodies up to `max_body` bytes.
    pub(crate) fn new(spec: ServiceSpec<S>, state: Arc<S>, max_body: usize) -> Self {
        Endpoint { spec, state, max_body }
    }

    /// Checks what is left of the protocol and starts the operation. `routed` is what the front
    /// found (`None`: look in the extensions, where the front leaves it when a layer runs in
    /// between, or route here).
    ///
    /// Nothing here waits: the body is read by the operation's own future, so a request costs
    /// one boxed future (the operation's) and no more.
    pub(crate) fn handle(&self, mut request: Request, routed: Option<Routed>) -> Handled {
        let info = self.spec.info;
        let content_type = info.content_type;
        let unknown =
            |message: String| Handled::Answered(client_error(content_type, "UnknownOperationException", message));
        if request.method() != Method::POST || request.uri().path() != "/" {
            return unknown(format!(
                "Operations are called with POST / and an X-Amz-Target header, not {}",
                request.method()
            ));
        }
        // The front has routed the request already; without it (a custom stack), route here.
        let routed = routed.or_else(|| request.extensions_mut().remove::<Routed>()).unwrap_or_else(|| Routed {
            request_id: RequestId::new(),
            operation: operation_of(info, request.headers()).and_then(self.spec.auth).map(|(name, _)| name),
        });
        let Some(operation) = routed.operation else {
            return Handled::Answered(match operation_of(info, request.headers()) {
                Some(op) => unknown_operation(info, op),
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
    use http::HeaderValue;

    use super::*;

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
    fn content_types() {
        assert!(accepted_content_type(&INFO, &headers(&[])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "application/x-amz-json-1.1")])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "application/json; charset=utf-8")])));
        assert!(accepted_content_type(&INFO, &headers(&[("content-type", "Application/X-Amz-Json-1.1")])));
        assert!(!accepted_content_type(&INFO, &headers(&[("content-type", "text/plain")])));
        assert!(!accepted_content_type(&INFO, &headers(&[("content-type", "application/x-www-form-urlencoded")])));
    }
}
