//! Why an SRP step failed.

/// Why an SRP step failed. Nothing in [`srp`](crate::srp) panics on bad input; it returns one of
/// these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// The user pool id has no `_` separating the region from the pool name.
    #[error("user pool id {0:?} is not REGION_NAME (e.g. us-east-1_AbCdEf123)")]
    InvalidPoolId(String),
    /// A challenge parameter or challenge response is absent.
    #[error("{0} is missing")]
    MissingParameter(&'static str),
    /// A value that should be hexadecimal (at most 1024 digits) is not.
    #[error("{0} is not hexadecimal of at most 1024 digits")]
    InvalidHex(&'static str),
    /// A value that should be standard Base64 is not.
    #[error("{0} is not valid Base64")]
    InvalidBase64(&'static str),
    /// The server's public value B is zero modulo N, which would let it learn the session key
    /// without the password; the exchange must be abandoned.
    #[error("SRP_B is zero modulo N; refusing to continue")]
    InvalidServerB,
    /// The client's public value A is zero modulo N (a server rejects such a client).
    #[error("SRP_A is zero modulo N; refusing to continue")]
    InvalidClientA,
    /// u = H(A | B) is zero, which SRP-6a forbids.
    #[error("the SRP scrambling parameter u is zero; refusing to continue")]
    ZeroU,
    /// A fixed ephemeral secret (a or b) is zero modulo N.
    #[error("the ephemeral secret is zero modulo N")]
    InvalidEphemeral,
    /// A timestamp is not in Cognito's format, or outside the years 1970 to 9999.
    #[error("timestamp {0:?} is not in Cognito's format (e.g. `Mon Jan 2 03:04:05 UTC 2006`)")]
    InvalidTimestamp(String),
    /// Server side: the claim carries another secret block than the one issued.
    #[error("PASSWORD_CLAIM_SECRET_BLOCK is not the secret block that was issued")]
    SecretBlockMismatch,
    /// Server side: the claim's signature does not match, i.e. the password is wrong.
    #[error("PASSWORD_CLAIM_SIGNATURE does not match: incorrect username or password")]
    SignatureMismatch,
    /// AWS-LC's bignum arithmetic failed: in practice only when memory runs out. `code` is
    /// AWS-LC's packed error code (`ERR_get_error`), 0 if it recorded none.
    #[error("AWS-LC's {function} failed (error code {code:#x})")]
    Arithmetic {
        /// The AWS-LC function that failed.
        function: &'static str,
        /// AWS-LC's packed error code.
        code: u32,
    },
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
}
