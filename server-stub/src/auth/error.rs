//! The errors AWS answers when a request's signature does not check out.

use std::fmt;

/// Why a request was refused before reaching its handler. Each is answered as AWS answers it:
/// `{"__type": code, "message": ...}` with HTTP 400 (Coral-based JSON services such as Cognito
/// send these with 400, not the 403 of REST services).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// A signed operation came without an `Authorization` header.
    MissingToken,
    /// The `Authorization` header names another algorithm or lacks parts, or `X-Amz-Date` is
    /// missing or malformed (the message says which).
    Incomplete(String),
    /// The access key id is unknown, or the session token is missing, wrong, or sent with a
    /// long-term key.
    UnrecognizedClient,
    /// The recomputed signature differs from the one sent, or cannot be recomputed (a signed
    /// header is missing, a header is not text).
    SignatureMismatch,
    /// The credential scope names another service, region or date, or ends in another
    /// terminator than `aws4_request` (the message says which).
    Scope(String),
    /// The request's `X-Amz-Date` is more than the allowed skew before the server's clock.
    Expired {
        /// The request's time, `YYYYMMDDTHHMMSSZ`.
        request: String,
        /// The earliest time accepted.
        limit: String,
        /// The server's time.
        now: String,
        /// The allowed skew in minutes.
        minutes: u64,
    },
    /// The request's `X-Amz-Date` is more than the allowed skew after the server's clock.
    NotYetCurrent {
        /// The request's time, `YYYYMMDDTHHMMSSZ`.
        request: String,
        /// The latest time accepted.
        limit: String,
        /// The server's time.
        now: String,
        /// The allowed skew in minutes.
        minutes: u64,
    },
}

impl AuthError {
    /// The error code sent in `__type`.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "MissingAuthenticationTokenException",
            AuthError::Incomplete(_) => "IncompleteSignatureException",
            AuthError::UnrecognizedClient => "UnrecognizedClientException",
            AuthError::SignatureMismatch
            | AuthError::Scope(_)
            | AuthError::Expired { .. }
            | AuthError::NotYetCurrent { .. } => "InvalidSignatureException",
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::MissingToken => f.write_str("Missing Authentication Token"),
            AuthError::Incomplete(m) | AuthError::Scope(m) => f.write_str(m),
            AuthError::UnrecognizedClient => f.write_str("The security token included in the request is invalid."),
            AuthError::SignatureMismatch => f.write_str(
                "The request signature we calculated does not match the signature you provided. Check your AWS \
                 Secret Access Key and signing method. Consult the service documentation for details.",
            ),
            AuthError::Expired { request, limit, now, minutes } => {
                write!(f, "Signature expired: {request} is now earlier than {limit} ({now} - {minutes} min.)")
            }
            AuthError::NotYetCurrent { request, limit, now, minutes } => {
                write!(f, "Signature not yet current: {request} is still later than {limit} ({now} + {minutes} min.)")
            }
        }
    }
}

impl std::error::Error for AuthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages_are_aws_words() {
        assert_eq!(AuthError::MissingToken.code(), "MissingAuthenticationTokenException");
        assert_eq!(AuthError::MissingToken.to_string(), "Missing Authentication Token");
        assert_eq!(AuthError::UnrecognizedClient.code(), "UnrecognizedClientException");
        assert_eq!(AuthError::SignatureMismatch.code(), "InvalidSignatureException");
        let expired = AuthError::Expired {
            request: "20240101T000000Z".into(),
            limit: "20240101T000500Z".into(),
            now: "20240101T001000Z".into(),
            minutes: 5,
        };
        assert_eq!(expired.code(), "InvalidSignatureException");
        assert_eq!(
            expired.to_string(),
            "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)"
        );
    }
}
