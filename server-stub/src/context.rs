//! What a handler knows about the request besides its input.

use std::net::SocketAddr;

/// The request's context, handed to every trait method.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The id sent back in `x-amzn-RequestId` (a UUID, as AWS uses).
    pub request_id: String,
    /// The operation's name, e.g. `AdminCreateUser`.
    pub operation: String,
    /// The access key id whose SigV4 signature was verified, if any.
    pub caller: Option<String>,
    /// The client's address, when the server was started with connect info.
    pub source: Option<SocketAddr>,
    pub headers: http::HeaderMap,
}

impl RequestContext {
    /// A context with a fresh request id.
    pub fn new(operation: impl Into<String>) -> Self {
        RequestContext { request_id: uuid::Uuid::new_v4().to_string(), operation: operation.into(), ..Default::default() }
    }
}
