//! SigV4 verification of one request: parse `Authorization`, check scope and clock skew, look up
//! the secret, recompute the signature with AWS's signer, compare in constant time.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use http::HeaderMap;
use http::request::Parts;

use super::{AuthError, SigV4Config};

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

/// Parses `YYYYMMDDTHHMMSSZ` (the form of `X-Amz-Date`).
pub(crate) fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(range)?;
        if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let month = time::Month::try_from(num(4..6)? as u8).ok()?;
    let date = time::Date::from_calendar_date(num(0..4)? as i32, month, num(6..8)? as u8).ok()?;
    let clock = time::Time::from_hms(num(9..11)? as u8, num(11..13)? as u8, num(13..15)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc().into())
}

/// Formats a time as `YYYYMMDDTHHMMSSZ`.
pub(crate) fn format_amz_date(at: SystemTime) -> String {
    let t = time::OffsetDateTime::from(at);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
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

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    let expected = expected_signature(parts, body, &auth, &stored.secret_access_key, stored.session_token, time)?;
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(auth.access_key_id.to_string())
    } else {
        Err(AuthError::SignatureMismatch)
    }
}

/// The signature AWS's signer computes for the request as received, over exactly the headers the
/// client listed in `SignedHeaders`.
fn expected_signature(
    parts: &Parts,
    body: &[u8],
    auth: &Authorization<'_>,
    secret: &str,
    session_token: Option<String>,
    time: SystemTime,
) -> Result<String, AuthError> {
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let mut values = parts.headers.get_all(*name).iter().peekable();
        // A header the client signed but that did not arrive cannot verify.
        values.peek().ok_or(AuthError::SignatureMismatch)?;
        for value in values {
            signed.push((name, value.to_str().map_err(|_| AuthError::SignatureMismatch)?));
        }
    }
    let host = header_str(&parts.headers, "host").unwrap_or("localhost");
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri = format!("http://{host}{path_and_query}");
    let request = SignableRequest::new(parts.method.as_str(), uri, signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|_| AuthError::SignatureMismatch)?;
    let identity = aws_credential_types::Credentials::new(
        auth.access_key_id,
        secret.to_string(),
        session_token,
        None,
        "awsjson-server",
    )
    .into();
    let mut settings = SigningSettings::default();
    // Sign exactly what the client listed, whatever it is (the default leaves some out).
    settings.excluded_headers = None;
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|_| AuthError::SignatureMismatch)?
        .into();
    let output = sign(request, &params).map_err(|_| AuthError::SignatureMismatch)?;
    Ok(output.signature().to_string())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
