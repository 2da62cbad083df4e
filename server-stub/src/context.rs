//! What a handler knows about the request besides its input.

use std::net::SocketAddr;

/// The request's context, handed to every trait method.
///
/// The router fills it in before the handler runs; a handler reads it (for example to scope
/// data by [`caller`](Self::caller)) and never has to touch headers or status codes.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The id sent back in `x-amzn-RequestId` (a UUID, as AWS uses).
    pub request_id: String,
    /// The operation's name, e.g. `AdminCreateUser`.
    pub operation: String,
    /// The access key id whose SigV4 signature was verified; `None` when verification is off
    /// or the operation is public.
    pub caller: Option<String>,
    /// The client's address, when the server runs with connect info
    /// (`into_make_service_with_connect_info::<SocketAddr>()`).
    pub source: Option<SocketAddr>,
    /// The request's headers as received (including `Authorization`: do not log them).
    pub headers: http::HeaderMap,
}

impl RequestContext {
    /// A context with a fresh request id.
    ///
    /// ```
    /// let ctx = awsjson_server::RequestContext::new("AdminCreateUser");
    /// assert_eq!(ctx.request_id.len(), 36);
    /// assert_eq!(ctx.operation, "AdminCreateUser");
    /// ```
    pub fn new(operation: impl Into<String>) -> Self {
        RequestContext { request_id: new_request_id(), operation: operation.into(), ..Default::default() }
    }
}

/// A fresh request id: a random UUID in its hyphenated form, as AWS sends them.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
