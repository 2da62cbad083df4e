//! Client runtime for generated AWS JSON 1.0/1.1 SDKs.
//!
//! A generated client method calls [`Client::send`] with the operation's marker type; this crate
//! turns the typed input into a `POST /` with the service's `X-Amz-Target`, and the response
//! into the typed output or the operation's error enum.

mod client;
mod config;
mod error;
mod wire;

pub use awsjson_types::Operation;
pub use client::Client;
pub use config::Config;
pub use error::SdkError;
