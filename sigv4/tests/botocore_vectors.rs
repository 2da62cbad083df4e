//! The botocore-signed vectors of the repository (`tests/sigv4/vectors.json`, made by
//! `tests/sigv4/make_vectors.py`): our signer produces the same headers, and our verifier accepts them.

use awsjson_sigv4::{
    CredentialScope, Credentials, Payload, Scope, SignedRequest, expected_signature, parse_amz_date, sign,
};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sigv4/vectors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 4, "the vector file has its cases");
    cases
}

/// `2019-01-21T19:38:15Z` -> `20190121T193815Z`.
fn amz_date(rfc3339: &str) -> String {
    rfc3339.chars().filter(|c| *c != '-' && *c != ':').collect()
}

#[test]
fn signatures_equal_botocore() {
    for case in vectors() {
        let s = |k: &str| case[k].as_str().unwrap();
        let credentials = Credentials {
            access_key_id: s("access_key"),
            secret_access_key: s("secret_key"),
            session_token: case["token"].as_str(),
        };
        let time = parse_amz_date(&amz_date(s("time"))).unwrap();
        let scope = Scope { region: s("region"), service: "cognito-idp", time };
        let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", s("target"))];
        let signed =
            sign("POST", s("url"), headers, Payload::Bytes(s("body").as_bytes()), &credentials, &scope).unwrap();
        assert_eq!(signed.x_amz_date, s("x_amz_date"), "case {}", s("name"));
        assert_eq!(signed.authorization, s("authorization"), "case {}", s("name"));
        assert_eq!(signed.security_token.as_deref(), case["token"].as_str());
    }
}

#[test]
fn botocore_signatures_verify() {
    for case in vectors() {
        let s = |k: &str| case[k].as_str().unwrap();
        let authorization = s("authorization");
        let signed_headers: Vec<&str> =
            authorization.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap().split(';').collect();
        let claimed = authorization.rsplit("Signature=").next().unwrap();
        let url: http::Uri = s("url").parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_str(url.authority().unwrap().as_str()).unwrap());
        headers.insert("content-type", HeaderValue::from_static("application/x-amz-json-1.1"));
        headers.insert("x-amz-target", HeaderValue::from_str(s("target")).unwrap());
        headers.insert("x-amz-date", HeaderValue::from_str(s("x_amz_date")).unwrap());
        if let Some(token) = case["token"].as_str() {
            headers.insert("x-amz-security-token", HeaderValue::from_str(token).unwrap());
        }
        let request = SignedRequest {
            method: "POST",
            path_and_query: url.path_and_query().unwrap().as_str(),
            headers: &headers,
            signed_headers: &signed_headers,
            payload: Payload::Bytes(s("body").as_bytes()),
            amz_date: s("x_amz_date"),
        };
        let scope = CredentialScope { date: &s("x_amz_date")[..8], region: s("region"), service: "cognito-idp" };
        assert_eq!(expected_signature(&request, &scope, s("secret_key")).unwrap(), claimed, "case {}", s("name"));
        let tampered = SignedRequest { payload: Payload::Bytes(b"{}x"), ..request };
        assert_ne!(expected_signature(&tampered, &scope, s("secret_key")).unwrap(), claimed);
    }
}
