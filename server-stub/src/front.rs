//! What every request goes through first: a request id, a tracing span, CORS, and a last
//! defence that turns a panic into an AWS-shaped 500 instead of a dropped connection.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use awsjson_types::ServiceInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use http::{HeaderValue, header};
use tracing::Instrument as _;

use crate::auth::AuthLookup;
use crate::config::Cors;
use crate::context::new_request_id;
use crate::response::{REQUEST_ID, Response, internal_error};
use crate::router::operation_of;
use crate::{BoxFuture, cors};

/// The request id the front assigned, in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

/// Settings of the front middleware.
#[derive(Clone)]
pub(crate) struct Front {
    pub info: &'static ServiceInfo,
    pub lookup: AuthLookup,
    pub cors: Option<Arc<Cors>>,
}

/// Runs one request inside an `aws_request` span (fields `operation`, `request_id`, `status`,
/// `latency_ms`) and stamps `x-amzn-RequestId` and CORS headers on whatever answers it.
pub(crate) async fn front(State(front): State<Front>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    // Only names of real operations go in the span: anything else is caller-controlled text.
    let operation = operation_of(front.info, request.headers()).filter(|op| (front.lookup)(op).is_some()).unwrap_or("");
    let span = tracing::info_span!(
        "aws_request",
        operation,
        request_id = request_id.as_str(),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = match &front.cors {
        Some(cors) if cors::is_preflight(request.method(), request.headers()) => cors::preflight(cors, request.headers()),
        _ => {
            request.extensions_mut().insert(RequestId(request_id.clone()));
            let run: BoxFuture<'static, Response> = Box::pin(next.run(request));
            match (CatchUnwind { inner: run }).instrument(span.clone()).await {
                Ok(response) => response,
                Err(_) => {
                    span.in_scope(|| tracing::error!("the handler panicked"));
                    internal_error(front.info.content_type, "The service failed to answer the request")
                }
            }
        }
    };
    let headers = response.headers_mut();
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, id);
    }
    if let Some(cors) = &front.cors {
        cors::decorate(cors, origin.as_ref(), headers);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    span.in_scope(|| tracing::info!(status, latency_ms, "answered"));
    response
}

/// A future that reports a panic while polling its inner future as an error.
struct CatchUnwind {
    inner: BoxFuture<'static, Response>,
}

impl Future for CatchUnwind {
    type Output = Result<Response, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // After a panic the inner future is never polled again, so no broken state is observed.
        match catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(response)) => Poll::Ready(Ok(response)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
