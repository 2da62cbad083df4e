//! AWS JSON responses: results and `{"__type", "message"}` errors.
//!
//! The request id header is not set here: the router's front service stamps `x-amzn-RequestId`
//! on every response, whichever part of the pipeline produced it.

use awsjson_types::{Fault, ServiceInfo};
use http::{HeaderValue, StatusCode, header};

/// The HTTP response type of the runtime.
pub type Response = axum::response::Response;

/// Header carrying the request id, as AWS names it.
pub const REQUEST_ID: &str = "x-amzn-RequestId";

/// [`REQUEST_ID`] as a header name, parsed once.
pub(crate) const REQUEST_ID_HEADER: http::HeaderName = http::HeaderName::from_static("x-amzn-requestid");

/// Header carrying an error's code, as AWS names it.
pub const ERROR_TYPE: &str = "x-amzn-ErrorType";

/// A JSON response with the service's content type.
pub fn json_response(status: StatusCode, content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An AWS-shaped error: `{"__type": code, ...members}` with 400 for client faults and 500 for
/// server faults, and the code in `x-amzn-ErrorType`.
///
/// ```
/// use awsjson_server::error_response;
/// use awsjson_types::Fault;
///
/// let members = serde_json::json!({"message": "Try again later", "reasonCode": "THROTTLED"});
/// let response = error_response("application/x-amz-json-1.1", Fault::Server, "InternalErrorException", members);
/// assert_eq!(response.status(), 500);
/// ```
pub fn error_response(content_type: &'static str, fault: Fault, code: &str, members: serde_json::Value) -> Response {
    let mut body = match members {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    body.insert("__type".into(), serde_json::Value::String(code.to_string()));
    let status = match fault {
        Fault::Client => StatusCode::BAD_REQUEST,
        Fault::Server => StatusCode::INTERNAL_SERVER_ERROR,
    };
    // A map of strings and JSON values always encodes.
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = json_response(status, content_type, bytes);
    if let Ok(code) = HeaderValue::from_str(code) {
        response.headers_mut().insert(ERROR_TYPE, code);
    }
    response
}

/// A client error (HTTP 400) with just a message.
///
/// ```
/// use awsjson_server::{ERROR_TYPE, client_error};
///
/// let response = client_error("application/x-amz-json-1.1", "NotAuthorizedException", "Incorrect username or password.");
/// assert_eq!(response.status(), 400);
/// assert_eq!(response.headers()[ERROR_TYPE], "NotAuthorizedException");
/// ```
pub fn client_error(content_type: &'static str, code: &str, message: impl Into<String>) -> Response {
    error_response(content_type, Fault::Client, code, serde_json::json!({ "message": message.into() }))
}

/// The answer for a target naming no operation of `service`: `UnknownOperationException`, 400.
pub fn unknown_operation(service: &ServiceInfo, operation: &str) -> Response {
    client_error(service.content_type, "UnknownOperationException", format!("Unknown operation: {operation}"))
}

/// The answer for a body larger than the router accepts (or one that could not be read).
pub fn body_too_large(content_type: &'static str, max: usize) -> Response {
    client_error(
        content_type,
        "SerializationException",
        format!("The request body is unreadable or larger than {max} bytes"),
    )
}

/// The answer for a fault of the server itself (a handler panicked, an output could not be
/// encoded): `InternalErrorException`, 500, with a message that reveals nothing of the request.
pub fn internal_error(content_type: &'static str, message: &str) -> Response {
    error_response(content_type, Fault::Server, "InternalErrorException", serde_json::json!({ "message": message }))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn client_errors_are_400_with_type_and_message() {
        let response = client_error("application/x-amz-json-1.1", "SerializationException", "bad");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[ERROR_TYPE], "SerializationException");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/x-amz-json-1.1");
        assert_eq!(body_of(response).await, serde_json::json!({"__type": "SerializationException", "message": "bad"}));
    }

    #[tokio::test]
    async fn server_faults_are_500_and_members_are_kept() {
        let response = error_response(
            "application/x-amz-json-1.0",
            Fault::Server,
            "InternalErrorException",
            serde_json::json!({"message": "m", "reasonCode": "X"}),
        );
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/x-amz-json-1.0");
        let body = body_of(response).await;
        assert_eq!(body, serde_json::json!({"__type": "InternalErrorException", "message": "m", "reasonCode": "X"}));
    }

    #[tokio::test]
    async fn non_object_members_become_an_empty_object() {
        let response = error_response("application/x-amz-json-1.1", Fault::Client, "X", serde_json::json!(3));
        assert_eq!(body_of(response).await, serde_json::json!({"__type": "X"}));
    }
}
