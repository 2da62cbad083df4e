//! SigV4 signing with the `aws-sigv4` crate (the signer AWS's own Rust SDK uses).

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::Credentials;

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
    pub region: &'a str,
    /// The service's signing name, e.g. `cognito-idp`.
    pub service: &'a str,
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
    let identity = credentials.to_identity();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(scope.time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SigningError(e.to_string()))?
        .into();
    let pairs: Vec<(&str, &str)> =
        headers.iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v))).collect();
    let signable = SignableRequest::new(method, url, pairs.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| SigningError(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| SigningError(e.to_string()))?.into_parts();
    for (name, value) in instructions.headers() {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| SigningError(e.to_string()))?;
        let value = HeaderValue::from_str(value).map_err(|e| SigningError(e.to_string()))?;
        headers.insert(name, value);
    }
    Ok(())
}
