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
//!
//! The modules, each importing only from the ones listed after it:
//!
//! * `router`: puts the pieces below together as an axum router;
//! * `front`: the outermost service (request id, span, CORS, panics);
//! * `config`: [`ServerConfig`];
//! * `endpoint`: the innermost service (protocol checks, starting the operation);
//! * `auth`: the SigV4 layer, its settings and credential stores;
//! * `spec`: what generated code hands over ([`ServiceSpec`], [`Dispatch`], [`AuthLookup`]);
//! * `invoke`: one operation's body, input, handler and answer;
//! * `cors`: [`Cors`], preflights and CORS headers;
//! * `target`: the operation `X-Amz-Target` names, and what the front found out;
//! * `context`, `response`, `future`: [`RequestContext`], AWS-shaped responses, [`BoxFuture`].

#![warn(missing_docs)]

mod auth;
mod config;
mod context;
mod cors;
mod endpoint;
mod front;
mod future;
mod invoke;
mod response;
mod router;
mod spec;
mod target;

pub use auth::{
    AuthError, AuthLayer, AuthService, CredentialStore, InMemoryCredentials, SigV4Config, StoredCredential,
    VerifiedCaller,
};
pub use awsjson_types::AuthScheme;
pub use axum;
pub use bytes::Bytes;
pub use config::{DEFAULT_MAX_BODY, ServerConfig};
pub use context::{RequestContext, RequestId, new_request_id};
pub use cors::Cors;
pub use future::BoxFuture;
pub use invoke::{InputError, RequestBody, invoke, parse_input};
pub use response::{ERROR_TYPE, REQUEST_ID, Response, client_error, error_response, internal_error, unknown_operation};
pub use router::router;
pub use spec::{AuthLookup, Dispatch, ServiceSpec};
