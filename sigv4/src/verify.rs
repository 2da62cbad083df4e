//! Verifying a received request: recompute the signature its `Authorization` header claims.

use std::fmt;

use http::HeaderMap;

use crate::canonical::{CanonicalHeaders, Payload, canonical_request};
use crate::key::SigningKey;
use crate::sign::string_to_sign;

/// A request as the server received it, with what its `Authorization` header lists.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The request target as received (`/path?query`, still percent-encoded).
    pub path_and_query: &'a str,
    /// The headers as received.
    pub headers: &'a HeaderMap,
    /// The names in `SignedHeaders=`: exactly these headers are signed.
    pub signed_headers: &'a [&'a str],
    /// The body as received (or the hash the client says it signed).
    pub payload: Payload<'a>,
    /// The `X-Amz-Date` header's value (`YYYYMMDDTHHMMSSZ`), as sent.
    pub amz_date: &'a str,
}

/// The scope in `Credential=<key id>/<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    /// `YYYYMMDD`
    pub date: &'a str,
    /// The region the client signed for.
    pub region: &'a str,
    /// The service's signing name the client signed for.
    pub service: &'a str,
}

/// Why no signature could be computed for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// A header listed in `SignedHeaders` is not in the request.
    MissingSignedHeader(String),
    /// A signed header's value is not UTF-8.
    InvalidHeaderValue(String),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingSignedHeader(name) => write!(f, "signed header {name:?} is missing from the request"),
            VerifyError::InvalidHeaderValue(name) => write!(f, "signed header {name:?} has a value that is not UTF-8"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// The signature (lowercase hex) that a client holding `secret_access_key` computed for this
/// request, if the request is what it signed. Compare it with the claimed one using
/// [`constant_time_eq`].
///
/// ```
/// use awsjson_sigv4::{CredentialScope, Payload, SignedRequest, constant_time_eq, expected_signature};
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("host", HeaderValue::from_static("example.amazonaws.com"));
/// headers.insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
/// let request = SignedRequest {
///     method: "GET",
///     path_and_query: "/",
///     headers: &headers,
///     signed_headers: &["host", "x-amz-date"],
///     payload: Payload::Bytes(b""),
///     amz_date: "20150830T123600Z",
/// };
/// let scope = CredentialScope { date: "20150830", region: "us-east-1", service: "service" };
/// let expected = expected_signature(&request, &scope, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
/// let claimed = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
/// assert!(constant_time_eq(expected.as_bytes(), claimed.as_bytes()));
/// ```
pub fn expected_signature(
    request: &SignedRequest<'_>,
    scope: &CredentialScope<'_>,
    secret_access_key: &str,
) -> Result<String, VerifyError> {
    let mut canonical = CanonicalHeaders::default();
    for name in request.signed_headers {
        let name = name.to_ascii_lowercase();
        if canonical.contains(&name) {
            continue;
        }
        let mut values = request.headers.get_all(name.as_str()).iter().peekable();
        if values.peek().is_none() {
            return Err(VerifyError::MissingSignedHeader(name));
        }
        for value in values {
            let value =
                std::str::from_utf8(value.as_bytes()).map_err(|_| VerifyError::InvalidHeaderValue(name.clone()))?;
            canonical.append(&name, value);
        }
    }
    let (path, query) = request.path_and_query.split_once('?').unwrap_or((request.path_and_query, ""));
    let canonical_request = canonical_request(request.method, path, query, &canonical, &request.payload.hash());
    let credential_scope = format!("{}/{}/{}/aws4_request", scope.date, scope.region, scope.service);
    let string_to_sign = string_to_sign(request.amz_date, &credential_scope, &canonical_request);
    Ok(SigningKey::derive(secret_access_key, scope.date, scope.region, scope.service).sign(&string_to_sign))
}

/// Whether two byte strings are equal, in time that depends only on their lengths.
///
/// ```
/// assert!(awsjson_sigv4::constant_time_eq(b"abc", b"abc"));
/// assert!(!awsjson_sigv4::constant_time_eq(b"abc", b"abd"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
