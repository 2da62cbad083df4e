//! `POST /` routed on `X-Amz-Target` to a generated dispatch function.

use std::net::SocketAddr;
use std::sync::Arc;

use awsjson_types::ServiceInfo;
use axum::extract::{ConnectInfo, Request};
use bytes::Bytes;

use crate::response::client_error;
use crate::{BoxFuture, RequestContext, Response};

/// A generated dispatch function: runs `operation` on the service with a request body.
pub type Dispatch<S> = for<'a> fn(&'a S, RequestContext, &str, Bytes) -> BoxFuture<'a, Response>;

/// Largest request body accepted (AWS JSON services refuse larger ones).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// An axum router serving `state` through `dispatch` at `POST /`.
pub fn router<S: Send + Sync + 'static>(service: &'static ServiceInfo, state: Arc<S>, dispatch: Dispatch<S>) -> axum::Router {
    let handler = move |request: Request| {
        let state = Arc::clone(&state);
        async move { handle(service, &*state, dispatch, request).await }
    };
    axum::Router::new().route("/", axum::routing::post(handler))
}

async fn handle<S>(service: &'static ServiceInfo, state: &S, dispatch: Dispatch<S>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut ctx = RequestContext::new("");
    ctx.source = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    ctx.headers = parts.headers;
    let Some(operation) = target.strip_prefix(service.target_prefix).and_then(|t| t.strip_prefix('.')) else {
        let message = if target.is_empty() { "Missing X-Amz-Target header".to_string() } else { format!("Unknown target: {target}") };
        return client_error(&ctx, service.content_type, "UnknownOperationException", message);
    };
    ctx.operation = operation.to_string();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return client_error(&ctx, service.content_type, "SerializationException", "The request body is too large or unreadable");
        }
    };
    let operation = ctx.operation.clone();
    dispatch(state, ctx, &operation, body).await
}
