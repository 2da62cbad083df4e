//! One request through one operation: parse, validate, handle, encode.

use std::future::Future;

use awsjson_types::{ModeledError, Operation, Validate, ValidationError};
use bytes::Bytes;
use http::StatusCode;

use crate::RequestContext;
use crate::response::{Response, client_error, error_response, json_response};

/// Runs `handler` for operation `O` on a raw request body.
///
/// The body must be a JSON object (an empty body counts as `{}`). It is checked against the
/// model before the handler runs: wrong JSON types answer `SerializationException`, broken
/// constraints answer the service's validation error listing every violation. The handler's
/// output is sent as JSON with 200; its error as `{"__type", "message", ...}` with 400 or 500.
pub async fn invoke<O, F, Fut>(ctx: RequestContext, body: Bytes, handler: F) -> Response
where
    O: Operation,
    F: FnOnce(RequestContext, O::Input) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    let service = O::service();
    let content_type = service.content_type;
    let value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return client_error(&ctx, content_type, "SerializationException", format!("Malformed JSON: {e}")),
        }
    };
    if !value.is_object() {
        return client_error(&ctx, content_type, "SerializationException", "The request body must be a JSON object");
    }
    match awsjson_types::validate(<O::Input as Validate>::shape(), &value) {
        Ok(()) => {}
        Err(ValidationError::Serialization(e)) => {
            return client_error(&ctx, content_type, "SerializationException", e.to_string());
        }
        Err(ValidationError::Constraints(v)) => {
            return client_error(&ctx, content_type, service.validation_error, v.to_string());
        }
    }
    let input: O::Input = match serde_json::from_value(value) {
        Ok(input) => input,
        Err(e) => return client_error(&ctx, content_type, "SerializationException", e.to_string()),
    };
    let reply_ctx = RequestContext { headers: Default::default(), ..ctx.clone() };
    match handler(ctx, input).await {
        Ok(output) => match serde_json::to_vec(&output) {
            Ok(bytes) => json_response(&reply_ctx, StatusCode::OK, content_type, bytes),
            Err(e) => error_response(
                &reply_ctx,
                content_type,
                awsjson_types::Fault::Server,
                "InternalErrorException",
                serde_json::json!({ "message": format!("cannot encode the output: {e}") }),
            ),
        },
        Err(error) => error_response(&reply_ctx, content_type, error.fault(), error.code(), error.to_body()),
    }
}
