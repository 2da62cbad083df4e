//! What every request goes through first: a request id, a tracing span, CORS, and a last
//! defence that turns a panic into an AWS-shaped 500 instead of a dropped connection.

use std::convert::Infallible;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use awsjson_types::ServiceInfo;
use axum::extract::Request;
use http::{HeaderValue, header};

use crate::auth::AuthService;
use crate::context::RequestId;
use crate::cors::{self, Cors};
use crate::endpoint::{Endpoint, EndpointService, Handled};
use crate::future::BoxFuture;
use crate::response::{REQUEST_ID_HEADER, Response, internal_error};
use crate::spec::AuthLookup;
use crate::target::{Routed, operation_of};

/// Settings of the front.
#[derive(Clone)]
pub(crate) struct Front {
    pub info: &'static ServiceInfo,
    pub lookup: AuthLookup,
    pub cors: Option<Arc<Cors>>,
}

/// The outermost service: runs each request inside an `aws_request` span (fields `operation`,
/// `request_id`, `status`, `latency_ms`), answers CORS preflights, and stamps `x-amzn-RequestId`
/// and CORS headers on whatever answers.
pub(crate) struct FrontService<S> {
    pub front: Arc<Front>,
    pub inner: Inner<S>,
}

/// What runs behind the front: the endpoint itself, called directly (no boxing, no extensions),
/// or the endpoint behind SigV4 verification.
pub(crate) enum Inner<S> {
    Plain(Arc<Endpoint<S>>),
    Signed(AuthService<EndpointService<S>>),
}

impl<S> Clone for FrontService<S> {
    fn clone(&self) -> Self {
        let inner = match &self.inner {
            Inner::Plain(endpoint) => Inner::Plain(Arc::clone(endpoint)),
            Inner::Signed(service) => Inner::Signed(service.clone()),
        };
        FrontService { front: Arc::clone(&self.front), inner }
    }
}

impl<S: Send + Sync + 'static> tower_service::Service<Request> for FrontService<S> {
    type Response = Response;
    type Error = Infallible;
    type Future = FrontFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Neither the endpoint nor the auth layer ever applies back-pressure.
        Poll::Ready(Ok(()))
    }

    /// Routes the request at once and returns a small future around the operation's own: without
    /// SigV4 a request costs one boxed future (the operation's) and no async layers of the
    /// runtime's.
    fn call(&mut self, mut request: Request) -> FrontFuture {
        let front = &self.front;
        let request_id = RequestId::new();
        // Only names of real operations go in the span: anything else is caller-controlled text.
        let operation = operation_of(front.info, request.headers()).and_then(front.lookup).map(|(name, _)| name);
        let span = tracing::info_span!(
            "aws_request",
            operation = operation.unwrap_or(""),
            request_id = request_id.as_str(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Without a subscriber that wants the span, the clock is not read.
        let started = (!span.is_disabled()).then(Instant::now);
        // CORS headers matter only to browsers, which always send `Origin` on cross-origin calls.
        let origin = front.cors.as_ref().and_then(|_| request.headers().get(header::ORIGIN).cloned());
        // A UUID is always a valid header value.
        let id_header = HeaderValue::from_bytes(request_id.as_bytes()).ok();
        let routed = Routed { request_id, operation };
        let running = match (&front.cors, &mut self.inner) {
            (Some(cors), _) if cors::is_preflight(request.method(), request.headers()) => {
                Running::Answered(Some(cors::preflight(cors, request.headers())))
            }
            (_, Inner::Plain(endpoint)) => {
                // Only the runtime's own code runs here (the handler runs when polled), but a
                // panic must not escape to the connection either way.
                let handled =
                    span.in_scope(|| catch_unwind(AssertUnwindSafe(|| endpoint.handle(request, Some(routed)))));
                match handled {
                    Ok(Handled::Answered(response)) => Running::Answered(Some(response)),
                    Ok(Handled::Running(future)) => Running::Plain(future),
                    Err(_) => Running::Answered(Some(panicked(&span, front.info))),
                }
            }
            (_, Inner::Signed(service)) => {
                request.extensions_mut().insert(routed);
                Running::Signed(service.call(request))
            }
        };
        // CORS settings travel with the answer only for browser requests.
        let cors = origin.as_ref().and(front.cors.clone());
        FrontFuture { running, info: front.info, cors, span, started, origin, id_header }
    }
}

/// The future [`FrontService`] returns: the operation's answer, stamped with the request id and
/// CORS headers, with a panic while polling turned into a 500.
pub(crate) struct FrontFuture {
    running: Running,
    info: &'static ServiceInfo,
    cors: Option<Arc<Cors>>,
    span: tracing::Span,
    started: Option<Instant>,
    origin: Option<HeaderValue>,
    id_header: Option<HeaderValue>,
}

enum Running {
    /// Answered without running an operation (taken once polled).
    Answered(Option<Response>),
    Plain(BoxFuture<'static, Response>),
    Signed(BoxFuture<'static, Result<Response, Infallible>>),
}

impl Future for FrontFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (the operation's future is boxed).
        let this = self.get_mut();
        let polled = {
            let _entered = this.span.enter();
            // After a panic the inner future is never polled again, so no broken state is observed.
            catch_unwind(AssertUnwindSafe(|| match &mut this.running {
                Running::Answered(response) => Poll::Ready(response.take()),
                Running::Plain(future) => future.as_mut().poll(cx).map(Some),
                Running::Signed(future) => future.as_mut().poll(cx).map(|r| Some(r.unwrap_or_else(|e| match e {}))),
            }))
        };
        let response = match polled {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(Some(response))) => response,
            // Polled again after it answered: a contract breach of the caller's, answered as a fault.
            Ok(Poll::Ready(None)) => internal_error(this.info.content_type, "The service failed to answer the request"),
            Err(_) => panicked(&this.span, this.info),
        };
        this.running = Running::Answered(None);
        Poll::Ready(Ok(this.finish(response)))
    }
}

impl FrontFuture {
    fn finish(&mut self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        if let Some(id) = self.id_header.take() {
            headers.insert(REQUEST_ID_HEADER, id);
        }
        if let (Some(cors), Some(origin)) = (&self.cors, &self.origin) {
            cors::decorate(cors, Some(origin), headers);
        }
        if let Some(started) = self.started {
            let status = response.status().as_u16();
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            self.span.record("status", status);
            self.span.record("latency_ms", latency_ms);
            self.span.in_scope(|| tracing::info!(status, latency_ms, "answered"));
        }
        response
    }
}

/// The answer when the handler panicked: a 500 that reveals nothing of the request.
fn panicked(span: &tracing::Span, info: &ServiceInfo) -> Response {
    span.in_scope(|| tracing::error!("the handler panicked"));
    internal_error(info.content_type, "The service failed to answer the request")
}
