//! Endpoint host prefixes: some operations go to a host name with a prefix before the endpoint's
//! (`data-`, `sync-`, `{Bucket}.data.`), as AWS models say in `endpoint.hostPrefix`.
//!
//! A `{Member}` label takes the value of that input member, read from the request body. As in
//! botocore, a value must be non-empty and hold only ASCII letters, digits, hyphens and periods:
//! anything else could change which host the request goes to.

use serde_json::Value;

/// The prefix with its labels filled from `body` (the request's JSON).
///
/// ```
/// use awsjson_client::host::expand_prefix;
///
/// assert_eq!(expand_prefix("data-", b"{}").unwrap(), "data-");
/// assert_eq!(expand_prefix("{Bucket}.data.", br#"{"Bucket": "my-bucket"}"#).unwrap(), "my-bucket.data.");
/// assert!(expand_prefix("{Bucket}.data.", br#"{"Bucket": "a/b"}"#).is_err());
/// assert!(expand_prefix("{Bucket}.data.", b"{}").is_err());
/// ```
pub fn expand_prefix(prefix: &str, body: &[u8]) -> Result<String, String> {
    if !prefix.contains('{') {
        return Ok(prefix.to_owned());
    }
    let input: Value = serde_json::from_slice(body).map_err(|e| format!("host prefix: the input is not JSON: {e}"))?;
    let mut out = String::with_capacity(prefix.len() + 16);
    let mut rest = prefix;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| c + open)
            .ok_or_else(|| format!("host prefix `{prefix}`: `{{` not closed"))?;
        let label = &rest[open + 1..close];
        let value = input
            .get(label)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("host prefix `{prefix}`: input member `{label}` (a host label) is not set"))?;
        if !is_host_label(value) {
            return Err(format!(
                "input member `{label}` is a host label: its value must be letters, digits, hyphens or periods"
            ));
        }
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// botocore's rule for a host label's value: one or more ASCII letters, digits, `-` or `.`.
fn is_host_label(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `endpoint` with `prefix` put before its host name.
///
/// ```
/// use awsjson_client::host::prefixed_url;
///
/// assert_eq!(
///     prefixed_url("https://states.us-east-1.amazonaws.com/", "sync-").unwrap(),
///     "https://sync-states.us-east-1.amazonaws.com/"
/// );
/// assert_eq!(prefixed_url("http://localhost:4566", "data-").unwrap(), "http://data-localhost:4566/");
/// assert!(prefixed_url("http://127.0.0.1:4566/", "data-").is_err());
/// ```
pub fn prefixed_url(endpoint: &str, prefix: &str) -> Result<String, String> {
    let mut url = reqwest::Url::parse(endpoint).map_err(|e| format!("endpoint URL `{endpoint}`: {e}"))?;
    // A prefix before an IP address is no host name at all; local endpoints are usually one.
    let Some(host) = url.domain() else {
        return Err(format!(
            "cannot put the operation's host prefix `{prefix}` before the host of `{endpoint}` (not a domain name); \
             turn host prefixes off with Config::disable_host_prefix(true)"
        ));
    };
    let host = format!("{prefix}{host}");
    url.set_host(Some(&host)).map_err(|e| format!("host `{host}`: {e}"))?;
    Ok(url.into())
}
