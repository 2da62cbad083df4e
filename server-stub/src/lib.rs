//! Server runtime for generated AWS JSON 1.0/1.1 service traits.
//!
//! Generated code builds a [`ServiceSpec`] (dispatch by operation name, each operation's auth
//! scheme) and hands it to [`router`], which serves `POST /` routed on `X-Amz-Target`:
//!
//! * every response carries `x-amzn-RequestId`; errors are `{"__type", "message"}` with 400
//!   (500 only for server faults such as `InternalErrorException`);
//! * the body is parsed and validated against the model before the handler runs ([`invoke`]),
//!   with AWS's exact validation messages, which never quote sensitive values;
//! * SigV4 is verified on signed operations when configured ([`SigV4Config`], [`AuthLayer`]);
//! * CORS preflights are answered, for browser SDKs ([`Cors`]);
//! * each request runs in a `tracing` span `aws_request` with `operation`, `request_id`,
//!   `status` and `latency_ms`.

#![warn(missing_docs)]

mod auth;
mod config;
mod context;
mod cors;
mod front;
mod invoke;
mod response;
mod router;

pub use auth::{
    AuthError, AuthLayer, AuthLookup, AuthService, CredentialStore, InMemoryCredentials, SigV4Config, StoredCredential,
    VerifiedCaller,
};
pub use awsjson_types::AuthScheme;
pub use axum;
pub use bytes::Bytes;
pub use config::{Cors, DEFAULT_MAX_BODY, ServerConfig};
pub use context::{RequestContext, RequestId, new_request_id};
pub use invoke::{InputError, RequestBody, invoke, parse_input};
pub use response::{ERROR_TYPE, REQUEST_ID, Response, client_error, error_response, internal_error, unknown_operation};
pub use router::{Dispatch, ServiceSpec, router};

/// A boxed, sendable future (what a generated dispatch function returns).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
