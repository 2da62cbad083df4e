//! Signing a request: the headers to add to it.

use std::fmt;
use std::time::SystemTime;

use http::Uri;

use crate::canonical::{CanonicalHeaders, Payload, canonical_request, is_header_name, is_header_value, sha256_hex};
use crate::date::format_amz_date;
use crate::key::SigningKey;

/// The signing algorithm's name, first word of `Authorization` and of the string to sign.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Headers the signer leaves out of the signature even when the request has them: the
/// signature's own header, and ones that proxies or the transport may change. The same set as
/// AWS's Rust SDK signs without by default.
pub const UNSIGNED_HEADERS: [&str; 4] = ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];

/// The keys to sign with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Credentials<'a> {
    /// The access key id, sent in the clear in the credential scope (`AKIA...`, `ASIA...`).
    pub access_key_id: &'a str,
    /// The secret the signing key is derived from; never sent.
    pub secret_access_key: &'a str,
    /// For temporary credentials: sent and signed as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.map(|_| "** redacted **"))
            .finish()
    }
}

/// Where and when the signature is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    /// The region the request is for, e.g. `us-east-1`.
    pub region: &'a str,
    /// The service's signing name, e.g. `cognito-idp`.
    pub service: &'a str,
    /// The signing time (whole seconds count; it becomes `X-Amz-Date`).
    pub time: SystemTime,
}

/// A signed request's new headers, and what went into them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// `AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...`
    pub authorization: String,
    /// `YYYYMMDDTHHMMSSZ`
    pub x_amz_date: String,
    /// The session token, when the credentials have one.
    pub security_token: Option<String>,
    /// The signature, lowercase hex.
    pub signature: String,
    /// The signed header names, `;`-separated.
    pub signed_headers: String,
    /// The canonical request that was signed (for debugging a mismatch).
    pub canonical_request: String,
    /// The string to sign (for debugging a mismatch).
    pub string_to_sign: String,
}

impl Signed {
    /// The headers to set on the request (replacing any of the same name): `authorization`,
    /// `x-amz-date` and, for session credentials, `x-amz-security-token`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("authorization", Some(self.authorization.as_str())),
            ("x-amz-date", Some(self.x_amz_date.as_str())),
            ("x-amz-security-token", self.security_token.as_deref()),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The URL does not parse (the message says why).
    InvalidUrl(String),
    /// Neither a `host` header nor the URL names the host.
    MissingHost,
    /// A header name that is not an HTTP token.
    InvalidHeaderName(String),
    /// A header value with control characters (the header's name).
    InvalidHeaderValue(String),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::InvalidUrl(why) => write!(f, "invalid URL: {why}"),
            SignError::MissingHost => f.write_str("the request has no host: neither a Host header nor an absolute URL"),
            SignError::InvalidHeaderName(name) => write!(f, "invalid header name {name:?}"),
            SignError::InvalidHeaderValue(name) => write!(f, "invalid value of header {name:?}"),
        }
    }
}

impl std::error::Error for SignError {}

/// Signs a request in the `Authorization` header, as AWS SDKs do by default.
///
/// `url` is absolute (`https://host/path?query`), or a path and query when `headers` has `host`.
/// It is taken as it will be sent, already percent-encoded. Signed are the method, path, query,
/// the body's SHA-256, `host`, `x-amz-date`, `x-amz-security-token` (session credentials) and every
/// header given except [`UNSIGNED_HEADERS`]. A given `x-amz-date` is replaced by the scope's
/// time, and a given `x-amz-security-token` by the credentials' token when they have one.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use awsjson_sigv4::{Credentials, Payload, Scope, sign};
///
/// let credentials = Credentials {
///     access_key_id: "AKIDEXAMPLE",
///     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
///     session_token: None,
/// };
/// let scope = Scope { region: "us-east-1", service: "service", time: UNIX_EPOCH + Duration::from_secs(1_440_938_160) };
/// let signed = sign("GET", "https://example.amazonaws.com/", [], Payload::Bytes(b""), &credentials, &scope).unwrap();
/// assert_eq!(signed.x_amz_date, "20150830T123600Z");
/// assert_eq!(
///     signed.authorization,
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
/// );
/// let names: Vec<&str> = signed.headers().map(|(name, _)| name).collect();
/// assert_eq!(names, ["authorization", "x-amz-date"]);
/// ```
pub fn sign<'h>(
    method: &str,
    url: &str,
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    payload: Payload<'_>,
    credentials: &Credentials<'_>,
    scope: &Scope<'_>,
) -> Result<Signed, SignError> {
    let uri: Uri = url.parse().map_err(|e: http::uri::InvalidUri| SignError::InvalidUrl(e.to_string()))?;
    let mut canonical = CanonicalHeaders::default();
    for (name, value) in headers {
        if !is_header_name(name) {
            return Err(SignError::InvalidHeaderName(name.to_string()));
        }
        if !is_header_value(value) {
            return Err(SignError::InvalidHeaderValue(name.to_string()));
        }
        canonical.append(&name.to_ascii_lowercase(), value);
    }
    if !canonical.contains("host") {
        canonical.insert("host", &host_of(&uri).ok_or(SignError::MissingHost)?);
    }
    let x_amz_date = format_amz_date(scope.time);
    canonical.insert("x-amz-date", &x_amz_date);
    if let Some(token) = credentials.session_token {
        if !is_header_value(token) {
            return Err(SignError::InvalidHeaderValue("x-amz-security-token".into()));
        }
        canonical.insert("x-amz-security-token", token);
    }
    for name in UNSIGNED_HEADERS {
        canonical.remove(name);
    }

    let canonical_request =
        canonical_request(method, uri.path(), uri.query().unwrap_or(""), &canonical, &payload.hash());
    let date = &x_amz_date[..8];
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let string_to_sign = string_to_sign(&x_amz_date, &credential_scope, &canonical_request);
    let signature =
        SigningKey::derive(credentials.secret_access_key, date, scope.region, scope.service).sign(&string_to_sign);
    let signed_headers = canonical.signed_names();
    let authorization = format!(
        "{ALGORITHM} Credential={}/{credential_scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key_id
    );
    Ok(Signed {
        authorization,
        x_amz_date,
        security_token: credentials.session_token.map(str::to_string),
        signature,
        signed_headers,
        canonical_request,
        string_to_sign,
    })
}

/// `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<date/region/service/aws4_request>\n<hex SHA-256 of the canonical request>`
pub(crate) fn string_to_sign(amz_date: &str, credential_scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{credential_scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// The `host` header a client sends for this URL: the host, with the port as written unless it
/// is the scheme's default.
fn host_of(uri: &Uri) -> Option<String> {
    let host = uri.host()?;
    Some(match (uri.scheme_str(), uri.port()) {
        (Some("http"), Some(port)) if port.as_str() == "80" => host.to_string(),
        (Some("https"), Some(port)) if port.as_str() == "443" => host.to_string(),
        (_, Some(port)) => format!("{host}:{}", port.as_str()),
        (_, None) => host.to_string(),
    })
}
