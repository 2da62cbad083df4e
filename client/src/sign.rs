//! SigV4 signing with our `awsjson-sigv4` crate (checked against botocore's and AWS's Rust signer).

use std::time::SystemTime;

use awsjson_sigv4::{Payload, Scope, sign};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::credentials::Credentials;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningError(pub String);

impl std::fmt::Display for SigningError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot sign the request: {}", self.0)
    }
}

impl std::error::Error for SigningError {}

/// What to sign a request for.
#[derive(Debug, Clone, Copy)]
pub struct SigningScope<'a> {
    /// The region, e.g. `us-west-2`.
    pub region: &'a str,
    /// The service's signing name, e.g. `cognito-idp`.
    pub service: &'a str,
    /// The signing time (it becomes `X-Amz-Date`).
    pub time: SystemTime,
}

/// Adds `Authorization`, `X-Amz-Date` (and `X-Amz-Security-Token` for session credentials) to
/// `headers`, signing the method, URL, the headers already present (the SigV4 default set:
/// everything but `user-agent` and a few hop-by-hop ones) and the body.
pub fn sign_request(
    method: &str,
    url: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    credentials: &Credentials,
    scope: SigningScope<'_>,
) -> Result<(), SigningError> {
    let credentials = awsjson_sigv4::Credentials {
        access_key_id: credentials.access_key_id(),
        secret_access_key: credentials.secret_access_key(),
        session_token: credentials.session_token(),
    };
    let scope = Scope { region: scope.region, service: scope.service, time: scope.time };
    // Values that are not visible ASCII are sent but not signed.
    let pairs = headers.iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)));
    let signed = sign(method, url, pairs, Payload::Bytes(body), &credentials, &scope)
        .map_err(|e| SigningError(e.to_string()))?;
    for (name, value) in signed.headers() {
        let value = HeaderValue::from_str(value).map_err(|e| SigningError(e.to_string()))?;
        headers.insert(HeaderName::from_static(name), value);
    }
    Ok(())
}
