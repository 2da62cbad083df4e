//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`, signature in the `Authorization` header) for
//! clients that sign requests and servers that verify them.
//!
//! Only the SigV4 rules live here (canonical request, string to sign, key derivation, dates);
//! HMAC-SHA256 and SHA-256 come from `ring`. The signer signs what AWS's SDKs sign by default
//! (double-encoded, normalized path; every header but [`UNSIGNED_HEADERS`]; the session token
//! included), and is cross-checked against `aws-sigv4` and botocore in the tests.
//!
//! - [`sign`]: the `Authorization`, `X-Amz-Date` (and `X-Amz-Security-Token`) headers of a request.
//! - [`expected_signature`]: what a received request's signature must be, for a verifier.
//! - [`SigningKey`], [`format_amz_date`], [`parse_amz_date`], [`canonical_uri`], [`canonical_query`]:
//!   the building blocks.

#![warn(missing_docs)]

mod canonical;
mod date;
mod key;
mod sign;
mod verify;

pub use canonical::{Payload, canonical_query, canonical_uri, trim_header_value};
pub use date::{format_amz_date, parse_amz_date};
pub use key::SigningKey;
pub use sign::{ALGORITHM, Credentials, Scope, SignError, Signed, UNSIGNED_HEADERS, sign};
pub use verify::{CredentialScope, SignedRequest, VerifyError, constant_time_eq, expected_signature};
