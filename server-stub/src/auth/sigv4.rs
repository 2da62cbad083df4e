//! SigV4 verification of one request: the settings ([`SigV4Config`]); then parse `Authorization`,
//! check scope and clock skew, look up the secret, recompute the signature (`awsjson-sigv4`) and
//! compare in constant time.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use awsjson_sigv4::{CredentialScope, Payload, SignedRequest, expected_signature as recompute};
use awsjson_sigv4::{constant_time_eq, format_amz_date, parse_amz_date};
use http::HeaderMap;
use http::request::Parts;

use super::error::AuthError;
use super::store::CredentialStore;

/// How signatures are checked.
///
/// ```
/// use std::time::Duration;
/// use awsjson_server::{InMemoryCredentials, SigV4Config};
///
/// let config = SigV4Config::new(InMemoryCredentials::new().with_key("AKIDEXAMPLE", "secret"))
///     .region("us-west-2")
///     .max_skew(Duration::from_secs(300));
/// assert_eq!(config.region.as_deref(), Some("us-west-2"));
/// ```
#[derive(Clone)]
pub struct SigV4Config {
    /// Where secrets come from.
    pub store: Arc<dyn CredentialStore>,
    /// The region a credential scope must name; `None` accepts any.
    pub region: Option<String>,
    /// How far `X-Amz-Date` may be from the server's clock (AWS allows 5 minutes).
    pub max_skew: Duration,
    /// The server's clock (replaceable to replay recorded requests or to test skew).
    pub clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl SigV4Config {
    /// Verification against `store`, any region, 5 minutes of skew, the system clock.
    pub fn new(store: impl CredentialStore) -> Self {
        SigV4Config {
            store: Arc::new(store),
            region: None,
            max_skew: Duration::from_secs(300),
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Requires credential scopes to name `region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the allowed clock skew.
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Replaces the clock.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }
}

impl fmt::Debug for SigV4Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Config")
            .field("region", &self.region)
            .field("max_skew", &self.max_skew)
            .finish_non_exhaustive()
    }
}

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`
/// header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization<'a> {
    pub access_key_id: &'a str,
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    pub signed_headers: Vec<&'a str>,
    pub signature: &'a str,
}

/// Parses an `Authorization` header value; what is missing is reported as AWS reports it.
pub(crate) fn parse_authorization(value: &str) -> Result<Authorization<'_>, AuthError> {
    let (algorithm, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::Incomplete(format!("Unsupported AWS 'algorithm': '{algorithm}'")));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    let mut missing = String::new();
    for (name, found) in [("Credential", credential), ("Signature", signature), ("SignedHeaders", signed_headers)] {
        if found.is_none() {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(AuthError::Incomplete(missing.trim_end().to_string()));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(AuthError::Incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term".into(),
        ));
    };
    if terminator != "aws4_request" {
        return Err(AuthError::Scope(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'."
        )));
    }
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

/// Refuses a request time more than `max` away from `now`, with AWS's messages.
pub(crate) fn check_skew(request: SystemTime, now: SystemTime, max: Duration) -> Result<(), AuthError> {
    let minutes = max.as_secs() / 60;
    if request + max < now {
        return Err(AuthError::Expired {
            request: format_amz_date(request),
            limit: format_amz_date(now - max),
            now: format_amz_date(now),
            minutes,
        });
    }
    if request > now + max {
        return Err(AuthError::NotYetCurrent {
            request: format_amz_date(request),
            limit: format_amz_date(now + max),
            now: format_amz_date(now),
            minutes,
        });
    }
    Ok(())
}

/// Verifies the request's signature; answers the access key id it was made with.
pub(crate) async fn verify(
    config: &SigV4Config,
    signing_name: &str,
    parts: &Parts,
    body: &[u8],
) -> Result<String, AuthError> {
    let headers = &parts.headers;
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Err(AuthError::MissingToken);
    };
    let auth = parse_authorization(value.to_str().map_err(|_| AuthError::SignatureMismatch)?)?;
    let Some(amz_date) = header_str(headers, "x-amz-date") else {
        return Err(AuthError::Incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".into(),
        ));
    };
    let time = parse_amz_date(amz_date)
        .ok_or_else(|| AuthError::Incomplete(format!("Date must be in ISO-8601 'basic format'. Got '{amz_date}'.")))?;
    if auth.service != signing_name {
        return Err(AuthError::Scope(format!("Credential should be scoped to correct service: '{signing_name}'.")));
    }
    if config.region.as_deref().is_some_and(|r| r != auth.region) || auth.region.is_empty() {
        return Err(AuthError::Scope("Credential should be scoped to a valid region.".into()));
    }
    if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(AuthError::Scope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', \
             from '{amz_date}'.",
            auth.date,
            &amz_date[..8]
        )));
    }
    check_skew(time, (config.clock)(), config.max_skew)?;

    let stored = config.store.lookup(auth.access_key_id).await.ok_or(AuthError::UnrecognizedClient)?;
    let sent_token = header_str(headers, "x-amz-security-token");
    let token_ok = match (&stored.session_token, sent_token) {
        (None, None) => true,
        (Some(expected), Some(sent)) => constant_time_eq(expected.as_bytes(), sent.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return Err(AuthError::UnrecognizedClient);
    }
    let expected = expected_signature(parts, body, &auth, amz_date, &stored.secret_access_key)?;
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(auth.access_key_id.to_string())
    } else {
        Err(AuthError::SignatureMismatch)
    }
}

/// The signature the client computed for the request as received, over exactly the headers it
/// listed in `SignedHeaders`.
fn expected_signature(
    parts: &Parts,
    body: &[u8],
    auth: &Authorization<'_>,
    amz_date: &str,
    secret: &str,
) -> Result<String, AuthError> {
    let request = SignedRequest {
        method: parts.method.as_str(),
        path_and_query: parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        headers: &parts.headers,
        signed_headers: &auth.signed_headers,
        payload: Payload::Bytes(body),
        amz_date,
    };
    let scope = CredentialScope { date: auth.date, region: auth.region, service: auth.service };
    // A signed header that did not arrive (or is not text) cannot verify.
    recompute(&request, &scope, secret).map_err(|_| AuthError::SignatureMismatch)
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
