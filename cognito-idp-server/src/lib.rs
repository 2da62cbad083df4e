//! A local Amazon Cognito user-pools server (`cognito-idp`): the reference implementation of
//! the generated `CognitoIdp` trait, on a durable SQLite store.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cognito_idp_server::{Options, serve};
//! let options = Options { port: 0, in_memory: true, ..Options::default() };
//! let server = serve(options).await?;
//! println!("listening on {}", server.address);
//! server.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod app;
pub mod clock;
pub mod domain;
pub mod errors;
pub mod federation;
pub mod handlers;
pub mod limits;
pub mod local;
pub mod log_delivery;
pub mod oauth;
pub mod options;
pub mod pages;
pub mod request_region;
pub mod service;
pub mod state;
pub mod store;
pub mod tokens;
pub mod triggers;
pub mod user_import;

pub use app::{Running, serve};
pub use options::Options;
