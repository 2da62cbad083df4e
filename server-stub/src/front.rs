//! What every request goes through first: a request id, a tracing span, CORS, and a last
//! defence that turns a panic into an AWS-shaped 500 instead of a dropped connection.

use std::any::Any;
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
use tower_service::Service as _;
use tracing::Instrument as _;

use crate::auth::{AuthLookup, AuthService};
use crate::config::Cors;
use crate::context::new_request_id;
use crate::response::{REQUEST_ID, Response, internal_error};
use crate::router::{Endpoint, EndpointService, operation_of};
use crate::{BoxFuture, cors};

/// What the front found out, handed to the inner services in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Routed {
    /// The id of this request.
    pub request_id: String,
    /// The operation the target names, when it is one of the service's.
    pub operation: Option<String>,
}

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
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Neither the endpoint nor the auth layer ever applies back-pressure.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Box::pin(front(self.clone(), request))
    }
}

async fn front<S: Send + Sync + 'static>(service: FrontService<S>, mut request: Request) -> Result<Response, Infallible> {
    let FrontService { front, inner } = service;
    let started = Instant::now();
    let request_id = new_request_id();
    // Only names of real operations go in the span: anything else is caller-controlled text.
    let operation = operation_of(front.info, request.headers()).filter(|op| (front.lookup)(op).is_some());
    let span = tracing::info_span!(
        "aws_request",
        operation = operation.unwrap_or(""),
        request_id = request_id.as_str(),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let origin = request.headers().get(header::ORIGIN).cloned();
    let routed = Routed { request_id: request_id.clone(), operation: operation.map(str::to_string) };
    let answer = match (&front.cors, inner) {
        (Some(cors), _) if cors::is_preflight(request.method(), request.headers()) => {
            Ok(cors::preflight(cors, request.headers()))
        }
        (_, Inner::Plain(endpoint)) => {
            let handling = std::pin::pin!(endpoint.handle(request, Some(routed)));
            CatchUnwind { inner: handling }.instrument(span.clone()).await
        }
        (_, Inner::Signed(mut service)) => {
            request.extensions_mut().insert(routed);
            let handling = service.call(request);
            CatchUnwind { inner: handling }.instrument(span.clone()).await.map(|r| r.unwrap_or_else(|e| match e {}))
        }
    };
    let mut response = answer.unwrap_or_else(|_| {
        span.in_scope(|| tracing::error!("the handler panicked"));
        internal_error(front.info.content_type, "The service failed to answer the request")
    });
    let headers = response.headers_mut();
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, id);
    }
    // CORS headers matter only to browsers, which always send `Origin` on cross-origin calls;
    // SDKs and the CLI do not, and their answers stay as small as AWS's.
    if let (Some(cors), Some(origin)) = (&front.cors, &origin) {
        cors::decorate(cors, Some(origin), headers);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    span.in_scope(|| tracing::info!(status, latency_ms, "answered"));
    Ok(response)
}

/// A future that reports a panic while polling its inner future as an error.
struct CatchUnwind<F> {
    inner: F,
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // After a panic the inner future is never polled again, so no broken state is observed.
        match catch_unwind(AssertUnwindSafe(|| Pin::new(&mut self.inner).poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
