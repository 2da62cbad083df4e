//! AWS JSON responses: results and `__type` errors, each with its request id.

use awsjson_types::Fault;
use http::{HeaderValue, StatusCode, header};

use crate::RequestContext;

/// The HTTP response type of the runtime.
pub type Response = axum::response::Response;

/// Header carrying the request id, as AWS names it.
pub const REQUEST_ID: &str = "x-amzn-RequestId";

/// A JSON response with the request id and AWS's content type.
pub fn json_response(ctx: &RequestContext, status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(&ctx.request_id) {
        headers.insert(REQUEST_ID, id);
    }
    response
}

/// An AWS-shaped error: `{"__type": code, "message": message, ...members}` with 400 for client
/// faults and 500 for server faults.
pub fn error_response(
    ctx: &RequestContext,
    content_type: &'static str,
    fault: Fault,
    code: &str,
    members: serde_json::Value,
) -> Response {
    let mut body = match members {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    body.insert("__type".into(), serde_json::Value::String(code.to_string()));
    let status = match fault {
        Fault::Client => StatusCode::BAD_REQUEST,
        Fault::Server => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response =
        json_response(ctx, status, content_type, serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec()));
    if let Ok(code) = HeaderValue::from_str(code) {
        response.headers_mut().insert("x-amzn-ErrorType", code);
    }
    response
}

/// A client error with just a message.
pub fn client_error(ctx: &RequestContext, content_type: &'static str, code: &str, message: impl Into<String>) -> Response {
    error_response(ctx, content_type, Fault::Client, code, serde_json::json!({ "message": message.into() }))
}

/// The answer for a target naming no operation of the service.
pub fn unknown_operation(ctx: &RequestContext, operation: &str) -> Response {
    client_error(
        ctx,
        "application/x-amz-json-1.1",
        "UnknownOperationException",
        format!("Unknown operation: {operation}"),
    )
}
