//! The pre-signed URL of an import job, as AWS's are: an S3 URL signed with SigV4 in its query
//! (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
//! `X-Amz-SignedHeaders`, `X-Amz-Signature`) for an HTTP `PUT` of the file, valid for 15
//! minutes ("The PRE_SIGNED_URL returned in the response is valid for 15 minutes", AWS's guide,
//! "Creating a user import job"), with the `host` and `x-amz-server-side-encryption` headers
//! signed: the guide's upload command sends `x-amz-server-side-encryption:aws:kms`, which AWS's
//! URLs sign. Here the URL points at this server, which checks its own signature and the
//! expiry ([`check`]) when the file arrives.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsjson_sigv4::{
    ALGORITHM, CredentialScope, Payload, SignedRequest, constant_time_eq, expected_signature, format_amz_date,
    parse_amz_date,
};
use axum::http::{HeaderMap, HeaderValue};

/// How long a URL stays valid, in seconds.
pub const EXPIRES_SECS: u64 = 15 * 60;
/// The signing name in the credential scope: the file goes to S3 on AWS.
const SERVICE: &str = "s3";
/// The headers the URL signs, as `X-Amz-SignedHeaders` lists them.
const SIGNED_HEADERS: &str = "host;x-amz-server-side-encryption";
/// The server-side encryption header's value the upload must send.
pub const ENCRYPTION: &str = "aws:kms";

/// What a URL is made from.
pub struct Presign<'a> {
    /// `http://127.0.0.1:9229`: where this server is reached.
    pub base: &'a str,
    /// The path of the file (`/user-import/{pool}/{job}`).
    pub path: &'a str,
    /// The region of the credential scope.
    pub region: &'a str,
    /// The job's access key id.
    pub access_key_id: &'a str,
    /// The job's signing secret.
    pub secret: &'a str,
    /// When the URL is made (its validity starts then).
    pub now_ms: i64,
}

/// Why an upload is refused: S3's error code and message (HTTP 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// S3's `Code` (`AccessDenied`, `SignatureDoesNotMatch`, ...).
    pub code: &'static str,
    /// S3's `Message`.
    pub message: &'static str,
}

const MALFORMED: Refusal = Refusal {
    code: "AuthorizationQueryParametersError",
    message: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
};
const MISMATCH: Refusal = Refusal {
    code: "SignatureDoesNotMatch",
    message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
};
const EXPIRED: Refusal = Refusal { code: "AccessDenied", message: "Request has expired" };

/// Percent-encodes everything but RFC 3986's unreserved characters, as SigV4 encodes query
/// values.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn system_time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

/// The host (`127.0.0.1:9229`) of a base URL.
fn host_of(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// The headers a `PUT` of the URL signs, with the values an upload sends.
fn signed_headers(host: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(host) = HeaderValue::from_str(host) {
        headers.insert("host", host);
    }
    headers.insert("x-amz-server-side-encryption", HeaderValue::from_static(ENCRYPTION));
    headers
}

/// The signature of a `PUT` of `path` with query `query` (without the signature).
fn signature(
    path: &str,
    query: &str,
    headers: &HeaderMap,
    signed: &[&str],
    amz_date: &str,
    scope: &CredentialScope<'_>,
    secret: &str,
) -> Option<String> {
    let path_and_query = format!("{path}?{query}");
    let request = SignedRequest {
        method: "PUT",
        path_and_query: &path_and_query,
        headers,
        signed_headers: signed,
        payload: Payload::Hash("UNSIGNED-PAYLOAD"),
        amz_date,
    };
    expected_signature(&request, scope, secret).ok()
}

/// The pre-signed URL.
pub fn presign(p: &Presign<'_>) -> String {
    let amz_date = format_amz_date(system_time(p.now_ms));
    let date = &amz_date[..8];
    let credential = format!("{}/{date}/{}/{SERVICE}/aws4_request", p.access_key_id, p.region);
    let query = format!(
        "X-Amz-Algorithm={ALGORITHM}&X-Amz-Credential={}&X-Amz-Date={amz_date}&X-Amz-Expires={EXPIRES_SECS}&X-Amz-SignedHeaders={}",
        encode(&credential),
        encode(SIGNED_HEADERS),
    );
    let scope = CredentialScope { date, region: p.region, service: SERVICE };
    let headers = signed_headers(host_of(p.base));
    let signed: Vec<&str> = SIGNED_HEADERS.split(';').collect();
    let signature = signature(p.path, &query, &headers, &signed, &amz_date, &scope, p.secret).unwrap_or_default();
    format!("{}{}?{query}&X-Amz-Signature={signature}", p.base, p.path)
}

/// Checks a `PUT` of `path` with query string `query` and `headers` as received: signed with
/// `secret` for `access_key_id`, and not expired at `now_ms`.
pub fn check(
    path: &str,
    query: &str,
    headers: &HeaderMap,
    access_key_id: &str,
    secret: &str,
    now_ms: i64,
) -> Result<(), Refusal> {
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let (Some(algorithm), Some(credential), Some(amz_date), Some(expires), Some(signed), Some(claimed)) = (
        param("X-Amz-Algorithm"),
        param("X-Amz-Credential"),
        param("X-Amz-Date"),
        param("X-Amz-Expires"),
        param("X-Amz-SignedHeaders"),
        param("X-Amz-Signature"),
    ) else {
        return Err(MALFORMED);
    };
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, "aws4_request"] = parts.as_slice() else { return Err(MALFORMED) };
    if algorithm != ALGORITHM || *key != access_key_id || !amz_date.starts_with(date) {
        return Err(MISMATCH);
    }
    let (Some(signed_at), Ok(expires)) = (parse_amz_date(amz_date), expires.parse::<u64>()) else {
        return Err(MALFORMED);
    };
    if system_time(now_ms) > signed_at + Duration::from_secs(expires) {
        return Err(EXPIRED);
    }
    // The signature covers the query without itself, as the client saw it.
    let unsigned: Vec<&str> = query.split('&').filter(|pair| !pair.starts_with("X-Amz-Signature=")).collect();
    let scope = CredentialScope { date, region, service };
    let signed: Vec<&str> = signed.split(';').collect();
    let expected = signature(path, &unsigned.join("&"), headers, &signed, amz_date, &scope, secret).ok_or(MISMATCH)?;
    if constant_time_eq(expected.as_bytes(), claimed.as_bytes()) { Ok(()) } else { Err(MISMATCH) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn url() -> String {
        presign(&Presign {
            base: "http://127.0.0.1:9229",
            path: "/user-import/us-east-1_abc/import-x",
            region: "us-east-1",
            access_key_id: "AKIAIMPORT",
            secret: "s3cr3t",
            now_ms: NOW,
        })
    }

    fn query(url: &str) -> &str {
        url.split_once('?').unwrap().1
    }

    fn checked(query: &str, headers: &HeaderMap, now_ms: i64) -> Result<(), Refusal> {
        check("/user-import/us-east-1_abc/import-x", query, headers, "AKIAIMPORT", "s3cr3t", now_ms)
    }

    #[test]
    fn a_url_is_accepted_with_its_headers_until_it_expires() {
        let url = url();
        assert!(url.starts_with("http://127.0.0.1:9229/user-import/us-east-1_abc/import-x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIMPORT%2F20231114%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host%3Bx-amz-server-side-encryption&X-Amz-Signature="), "{url}");
        let headers = signed_headers("127.0.0.1:9229");
        assert_eq!(checked(query(&url), &headers, NOW + 899_000), Ok(()));
        assert_eq!(checked(query(&url), &headers, NOW + 901_000), Err(EXPIRED));
    }

    #[test]
    fn anything_changed_is_refused() {
        let url = url();
        let headers = signed_headers("127.0.0.1:9229");
        let other_job =
            check("/user-import/us-east-1_abc/import-y", query(&url), &headers, "AKIAIMPORT", "s3cr3t", NOW);
        assert_eq!(other_job, Err(MISMATCH));
        let other_secret =
            check("/user-import/us-east-1_abc/import-x", query(&url), &headers, "AKIAIMPORT", "other", NOW);
        assert_eq!(other_secret, Err(MISMATCH));
        let longer = query(&url).replace("X-Amz-Expires=900", "X-Amz-Expires=9000");
        assert_eq!(checked(&longer, &headers, NOW), Err(MISMATCH));
        let mut unencrypted = headers.clone();
        unencrypted.remove("x-amz-server-side-encryption");
        assert_eq!(checked(query(&url), &unencrypted, NOW), Err(MISMATCH));
        assert_eq!(checked(query(&url), &signed_headers("localhost:9229"), NOW), Err(MISMATCH));
        let unsigned = query(&url).split("&X-Amz-Signature").next().unwrap().to_owned();
        assert_eq!(checked(&unsigned, &headers, NOW), Err(MALFORMED));
    }
}
