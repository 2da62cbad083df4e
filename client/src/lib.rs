//! Client runtime for generated AWS JSON 1.0/1.1 SDKs.
//!
//! A generated builder's `send` calls [`Client::send_built`] with the operation's marker type:
//! the typed input becomes a `POST /` with the service's `X-Amz-Target`, signed with SigV4 when
//! the operation is not public, retried as AWS SDKs do in standard mode, and the response becomes
//! the typed output or the operation's error enum. Paginated operations also get a
//! [`Paginator`] of pages and items.
//!
//! The modules, each importing only from the ones listed after it: `paginate` ([`Paginator`]),
//! `client` ([`Client`]), `config` ([`Config`]), `chain` ([`DefaultCredentialsChain`]),
//! `aws_config_chain` (feature `aws-config`), `error` ([`SdkError`]), `sign` ([`sign_request`]),
//! `credentials` ([`Credentials`], [`ProvideCredentials`] and two providers), and the leaves
//! `retry`, `token`, `wire`, `event_stream`, `host`, `profile` and `future`.

#![warn(missing_docs)]

#[cfg(feature = "aws-config")]
mod aws_config_chain;
mod chain;
mod client;
mod config;
mod credentials;
mod error;
pub mod event_stream;
mod future;
pub mod host;
mod paginate;
mod profile;
mod retry;
mod sign;
mod token;
pub mod wire;

pub use awsjson_types::Operation;
pub use chain::DefaultCredentialsChain;
pub use client::{Client, RawError, RawResponse, SendFuture, first_unset};
pub use config::{Config, TimeoutConfig};
pub use credentials::{Credentials, CredentialsError, EnvironmentCredentials, ProfileCredentials, ProvideCredentials};
pub use error::{SdkError, TimeoutKind};
pub use future::BoxFuture;
pub use paginate::{BoxStream, PageLinks, Paginator};
pub use retry::{RetryConfig, RetryKind, RetryQuota, classify};
pub use sign::{SigningError, SigningScope, sign_request};
pub use token::idempotency_token;
