//! Sign-in helpers for Amazon Cognito user pools that the AWS SDKs leave to the application.
//!
//! - [`secret_hash`]: the `SECRET_HASH` parameter that app clients with a client secret must send.
//! - [`srp`] (feature `srp`): `USER_SRP_AUTH`, the SRP-6a exchange Cognito uses so the password
//!   never leaves the device, answering the `PASSWORD_VERIFIER` challenge; plus the server side
//!   (password verifier, `SRP_B`, claim check) for servers that emulate Cognito.
//! - [`jwt`] (feature `jwt`): verification of Cognito ID and access tokens against the pool's
//!   JWKS, with the keys cached.
//!
//! Both features are on by default; `default-features = false, features = ["srp"]` takes only
//! what a sign-in client needs.
//!
//! ```
//! let hash = cognito_auth::secret_hash("diego", "3n4b5urk1ft4fl3mg5e62d9ado", "client-secret");
//! assert_eq!(hash.len(), 44); // Base64 of a 32-byte HMAC-SHA256
//! ```
// The only unsafe code is the AWS-LC bignum wrapper, `srp::bn`, which allows it for itself.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod secret_hash;

pub use secret_hash::secret_hash;

#[cfg(feature = "srp")]
pub mod srp;

#[cfg(feature = "jwt")]
pub mod jwt;
