use std::time::{Duration, SystemTime};

use http::Request;

use super::*;
use crate::auth::store::InMemoryCredentials;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn at(text: &str) -> SystemTime {
    parse_amz_date(text).unwrap()
}

fn config(now: &'static str) -> SigV4Config {
    SigV4Config::new(InMemoryCredentials::new().with_key(AKID, SECRET).with_session("ASIAEXAMPLE", SECRET, "tok"))
        .clock(move || at(now))
}

fn parts(headers: &[(&str, &str)]) -> Parts {
    let mut builder = Request::builder().method("GET").uri("/");
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(()).unwrap().into_parts().0
}

/// The "get-vanilla" case of AWS's published SigV4 test suite.
fn vanilla(signature: &str) -> Parts {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={signature}"
    );
    parts(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"), ("authorization", &auth)])
}

const VANILLA_SIGNATURE: &str = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
}

#[test]
fn verifies_the_aws_test_suite_vector() {
    let caller = run(verify(&config("20150830T123600Z"), "service", &vanilla(VANILLA_SIGNATURE), b""));
    assert_eq!(caller.as_deref(), Ok(AKID));
}

#[test]
fn refuses_a_changed_signature_or_body() {
    let mut bad = VANILLA_SIGNATURE.to_string();
    bad.replace_range(0..1, "6");
    let cfg = config("20150830T123600Z");
    assert_eq!(run(verify(&cfg, "service", &vanilla(&bad), b"")), Err(AuthError::SignatureMismatch));
    assert_eq!(run(verify(&cfg, "service", &vanilla(VANILLA_SIGNATURE), b"{}")), Err(AuthError::SignatureMismatch));
}

#[test]
fn refuses_wrong_service_region_and_unknown_keys() {
    let cfg = config("20150830T123600Z");
    let wrong_service = run(verify(&cfg, "cognito-idp", &vanilla(VANILLA_SIGNATURE), b"")).unwrap_err();
    assert_eq!(wrong_service.to_string(), "Credential should be scoped to correct service: 'cognito-idp'.");
    let regional = cfg.clone().region("us-west-2");
    let wrong_region = run(verify(&regional, "service", &vanilla(VANILLA_SIGNATURE), b"")).unwrap_err();
    assert_eq!(wrong_region.code(), "InvalidSignatureException");
    let unknown = SigV4Config { store: std::sync::Arc::new(InMemoryCredentials::new()), ..cfg };
    assert_eq!(run(verify(&unknown, "service", &vanilla(VANILLA_SIGNATURE), b"")), Err(AuthError::UnrecognizedClient));
}

#[test]
fn refuses_missing_and_incomplete_headers() {
    let cfg = config("20150830T123600Z");
    assert_eq!(run(verify(&cfg, "service", &parts(&[]), b"")), Err(AuthError::MissingToken));
    let no_date = parts(&[(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=A/20150830/r/service/aws4_request, SignedHeaders=host, Signature=00",
    )]);
    assert_eq!(run(verify(&cfg, "service", &no_date, b"")).unwrap_err().code(), "IncompleteSignatureException");
}

#[test]
fn session_tokens_must_match_the_store() {
    let cfg = config("20150830T123600Z");
    let auth = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
    let base = [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"), ("authorization", auth)];
    assert_eq!(run(verify(&cfg, "service", &parts(&base), b"")), Err(AuthError::UnrecognizedClient));
    let mut wrong = base.to_vec();
    wrong.push(("x-amz-security-token", "other"));
    assert_eq!(run(verify(&cfg, "service", &parts(&wrong), b"")), Err(AuthError::UnrecognizedClient));
    let mut right = base.to_vec();
    right.push(("x-amz-security-token", "tok"));
    // The token is accepted; the made-up signature then fails.
    assert_eq!(run(verify(&cfg, "service", &parts(&right), b"")), Err(AuthError::SignatureMismatch));
}

#[test]
fn stale_and_future_requests_get_aws_messages() {
    let expired = run(verify(&config("20150830T124200Z"), "service", &vanilla(VANILLA_SIGNATURE), b"")).unwrap_err();
    assert_eq!(
        expired.to_string(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)"
    );
    let early = run(verify(&config("20150830T123000Z"), "service", &vanilla(VANILLA_SIGNATURE), b"")).unwrap_err();
    assert_eq!(
        early.to_string(),
        "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)"
    );
    assert!(check_skew(at("20150830T123600Z"), at("20150830T124100Z"), Duration::from_secs(300)).is_ok());
}

#[test]
fn parses_authorization_headers() {
    let a = parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AK/20240101/us-west-2/cognito-idp/aws4_request,SignedHeaders=host;x-amz-date,Signature=ab",
    )
    .unwrap();
    assert_eq!((a.access_key_id, a.date, a.region, a.service), ("AK", "20240101", "us-west-2", "cognito-idp"));
    assert_eq!(a.signed_headers, ["host", "x-amz-date"]);
    assert_eq!(a.signature, "ab");
    let missing = parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20240101/r/s/aws4_request").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
    );
    assert_eq!(parse_authorization("Basic abc").unwrap_err().code(), "IncompleteSignatureException");
    assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=a").is_err());
    assert!(
        parse_authorization("AWS4-HMAC-SHA256 Credential=AK/1/r/s/other, SignedHeaders=host, Signature=a").is_err()
    );
}

#[test]
fn amz_dates_round_trip_and_reject_garbage() {
    assert_eq!(format_amz_date(at("20240229T235959Z")), "20240229T235959Z");
    for bad in
        ["", "20240230T000000Z", "2024-01-01T00:00:00Z", "20240101T000000", "2024010aT000000Z", "20240101T250000Z"]
    {
        assert!(parse_amz_date(bad).is_none(), "{bad}");
    }
}

#[test]
fn constant_time_comparison() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}
