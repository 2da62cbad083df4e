//! Why a token was not accepted.

use super::token_use::TokenUse;

/// Why a token failed verification, or a verifier could not be built.
///
/// Every variant means "do not trust this token"; they are distinguished for logs and metrics.
/// Avoid echoing the details to the token's sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not a JWT: wrong number of parts, bad Base64url, bad JSON, or over the size limit.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The header's `alg` is not RS256, the only algorithm Cognito signs with (this rejects
    /// `none` and HMAC algorithms, which would let anyone forge tokens).
    #[error("token algorithm {0:?} is not accepted (only RS256)")]
    UnsupportedAlgorithm(String),
    /// The header has no `kid`, so no key of the pool can be chosen.
    #[error("token header has no kid")]
    MissingKeyId,
    /// No key of the pool's JWKS has the token's `kid`, even after refetching the JWKS (or a
    /// refetch was not allowed yet: see [`JwtVerifierBuilder::min_refetch_interval`](super::JwtVerifierBuilder::min_refetch_interval)).
    #[error("no key with kid {0:?} in the user pool's JWKS")]
    UnknownKeyId(String),
    /// The JWKS could not be fetched or read, and no keys are cached.
    #[error("the user pool's JWKS is unavailable: {0}")]
    KeysUnavailable(String),
    /// The signature does not verify with the pool's key.
    #[error("token signature is invalid")]
    InvalidSignature,
    /// `exp` is in the past (beyond the leeway).
    #[error("token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token is not valid yet")]
    NotYetValid,
    /// `iss` is not the user pool.
    #[error("token was not issued by this user pool")]
    WrongIssuer,
    /// `token_use` is not the kind of token asked for.
    #[error("token_use is {found:?}, expected {expected:?}")]
    WrongTokenUse {
        /// The kind asked for.
        expected: TokenUse,
        /// The token's `token_use`, if it has a string one.
        found: Option<String>,
    },
    /// The app client (`aud` of an ID token, `client_id` of an access token) is not one of the
    /// allowed ones.
    #[error("token was issued to an app client that is not allowed")]
    WrongAudience,
    /// A claim is missing or has the wrong type (e.g. no `sub`, a non-numeric `exp`).
    #[error("invalid claims: {0}")]
    InvalidClaims(String),
    /// The verifier's configuration is unusable (e.g. no app client allowed, a bad URL).
    #[error("verifier configuration: {0}")]
    Config(String),
}
