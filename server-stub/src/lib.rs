//! Server runtime for generated AWS JSON 1.0/1.1 service traits.
//!
//! Generated code calls [`invoke`] once per request with the operation's marker type: it parses
//! and validates the body against the model, runs the handler, and encodes the answer or error
//! exactly as AWS does (`{"__type": ..., "message": ...}`, `x-amzn-RequestId`). [`router`]
//! serves a generated dispatch function at `POST /`, routed on `X-Amz-Target`.

mod context;
mod invoke;
mod response;
mod router;

pub use axum;
pub use bytes::Bytes;
pub use context::RequestContext;
pub use invoke::invoke;
pub use response::{Response, error_response, unknown_operation};
pub use router::{Dispatch, router};

/// A boxed, sendable future (what a generated dispatch function returns).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
