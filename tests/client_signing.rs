//! Our SigV4 signatures equal botocore's, byte for byte, for fixed requests, times and keys.
//! The vectors come from botocore's own signer (`tests/sigv4/make_vectors.py`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsjson_client::{Credentials, SigningScope, sign_request};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

fn parse_time(text: &str) -> SystemTime {
    let t = awsjson_types::Timestamp::parse_rfc3339(text).unwrap();
    UNIX_EPOCH + Duration::from_secs(t.secs() as u64)
}

#[test]
fn authorization_headers_match_botocore() {
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string("tests/sigv4/vectors.json").unwrap()).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    for case in cases {
        let s = |k: &str| case[k].as_str().unwrap();
        let mut creds = Credentials::new(s("access_key"), s("secret_key"));
        if let Some(token) = case["token"].as_str() {
            creds = creds.with_session_token(token);
        }
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"));
        headers.insert("x-amz-target", HeaderValue::from_str(s("target")).unwrap());
        let scope = SigningScope { region: s("region"), service: "cognito-idp", time: parse_time(s("time")) };
        sign_request("POST", s("url"), &mut headers, s("body").as_bytes(), &creds, scope).unwrap();
        assert_eq!(headers["x-amz-date"], s("x_amz_date"), "case {}", s("name"));
        assert_eq!(headers["authorization"], s("authorization"), "case {}", s("name"));
        if let Some(token) = case["token"].as_str() {
            assert_eq!(headers["x-amz-security-token"], token);
        }
    }
}
