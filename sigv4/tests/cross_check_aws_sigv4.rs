//! Our signer against `aws-sigv4` (the signer of AWS's Rust SDK) with its default settings, over
//! a spread of requests: odd paths and queries, repeated and untidy headers, bodies, session
//! tokens, regions, services and times. Every case must give the same headers; every signed
//! request must then pass our verifier.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings};
use aws_smithy_runtime_api::client::identity::Identity;
use awsjson_sigv4::{CredentialScope, Credentials, Payload, Scope, SignedRequest, expected_signature, sign};
use http::{HeaderMap, HeaderName, HeaderValue};

const URLS: &[&str] = &[
    "https://example.amazonaws.com/",
    "https://example.amazonaws.com",
    "http://localhost:8080/a/b",
    "https://h.example:443/x",
    "http://h.example:80/",
    "https://h.example:8443/",
    "http://[::1]:9000/ipv6",
    "https://h.example/my%20doc/caf%C3%A9/%E2%82%AC",
    "https://h.example/a/./b/../c//d/",
    "https://h.example/..",
    "https://h.example/a/b/.",
    "https://h.example/%2F%25%7E/sub~dir/-_.",
    "https://h.example/a:b@c!$&'()*+,;=/",
    "https://h.example/?b=2&a=1&a=0&c",
    "https://h.example/path?x=a+b&y=%20&z=%2B&k=%E2%82%AC&k=$",
    "https://h.example/?&&a=&=b&%zz=1&bad=%4",
    "https://h.example/list?item=a&item=b&item=a&Item=A&_=1",
    "https://h.example/q?eq=a=b&slash=/&q=?&col=:&at=@&star=*&tilde=~",
    "https://h.example/q?utf=%C3%A9t%C3%A9&raw=%ff%fe",
];

const HEADER_SETS: &[&[(&str, &str)]] = &[
    &[],
    &[("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "AWSCognitoIdentityProviderService.ListUsers")],
    &[("X-Custom", "  a   b  "), ("x-custom", "c"), ("X-CUSTOM", " d"), ("x-tab", "a\tb"), ("x-empty", "")],
    &[
        ("user-agent", "ua/1"),
        ("x-amzn-trace-id", "Root=1-abc"),
        ("transfer-encoding", "chunked"),
        ("authorization", "old"),
    ],
    &[("expect", "100-continue"), ("content-length", "12"), ("accept-encoding", "gzip, deflate")],
    &[("host", "other.example:1234"), ("x-b", "2"), ("x-a", "1")],
    &[("x-amz-date", "20000101T000000Z"), ("x-amz-security-token", "stale"), ("x-amz-content-sha256", "abc")],
    &[("x-latin", "caf\u{e9}"), ("x-punct", "!#$%&'*+-.^_`|~,;=\"()")],
];

const BODIES: &[&[u8]] = &[b"", b"{}", "{\"Username\":\"Zo\u{eb}\"}".as_bytes(), &[0u8, 255, 10, 13, 32]];

const SCOPES: &[(&str, &str, u64, u32)] = &[
    ("us-east-1", "service", 1_440_938_160, 0),
    ("eu-central-1", "cognito-idp", 1_709_251_199, 999_999_999),
    ("ap-southeast-2", "execute-api", 946_684_799, 500),
    ("us-gov-west-1", "sts", 4_102_444_800, 0),
    ("cn-north-1", "iam", 0, 1),
];

struct Case {
    method: &'static str,
    url: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
    token: Option<&'static str>,
    region: &'static str,
    service: &'static str,
    time: SystemTime,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut n = 0usize;
    for url in URLS {
        for headers in HEADER_SETS {
            for variant in 0..3 {
                n += 1;
                let (region, service, secs, nanos) = SCOPES[n % SCOPES.len()];
                cases.push(Case {
                    method: ["GET", "POST", "PUT", "DELETE", "PATCH"][n % 5],
                    url,
                    headers,
                    body: BODIES[(n / 3 + variant) % BODIES.len()],
                    token: [None, Some("FQoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN"), None][variant],
                    region,
                    service,
                    time: UNIX_EPOCH + Duration::new(secs, nanos),
                });
            }
        }
    }
    cases
}

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The headers aws-sigv4 adds, sorted by name.
fn reference(case: &Case) -> Vec<(String, String)> {
    let identity: Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, case.token.map(str::to_string), None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name(case.service)
        .time(case.time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let request =
        SignableRequest::new(case.method, case.url, case.headers.iter().copied(), SignableBody::Bytes(case.body))
            .unwrap();
    let (instructions, _) = aws_sigv4::http_request::sign(request, &params).unwrap().into_parts();
    let mut out: Vec<(String, String)> =
        instructions.headers().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
    out.sort();
    out
}

fn ours(case: &Case) -> awsjson_sigv4::Signed {
    let credentials = Credentials { access_key_id: AKID, secret_access_key: SECRET, session_token: case.token };
    let scope = Scope { region: case.region, service: case.service, time: case.time };
    sign(case.method, case.url, case.headers.iter().copied(), Payload::Bytes(case.body), &credentials, &scope).unwrap()
}

#[test]
fn same_headers_as_aws_sigv4() {
    let cases = cases();
    assert!(cases.len() > 400);
    for case in &cases {
        let signed = ours(case);
        let mut mine: Vec<(String, String)> = signed.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        mine.sort();
        assert_eq!(
            mine,
            reference(case),
            "{} {} {:?} token={:?}\ncanonical request:\n{}",
            case.method,
            case.url,
            case.headers,
            case.token.is_some(),
            signed.canonical_request
        );
    }
}

/// What a server receives: the request's headers (later ones of a name after earlier ones), the
/// signing headers replacing any of theirs, and `host` as the client sends it.
fn received_headers(case: &Case, signed: &awsjson_sigv4::Signed) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in case.headers {
        map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    for (name, value) in signed.headers() {
        map.insert(name, HeaderValue::from_str(value).unwrap());
    }
    if !map.contains_key("host") {
        let uri: http::Uri = case.url.parse().unwrap();
        let host = signed.canonical_request.lines().find_map(|l| l.strip_prefix("host:")).unwrap();
        assert!(uri.authority().unwrap().as_str().starts_with(uri.host().unwrap()));
        map.insert("host", HeaderValue::from_str(host).unwrap());
    }
    map
}

#[test]
fn our_verifier_accepts_every_signed_request_and_only_it() {
    for case in &cases() {
        let signed = ours(case);
        let headers = received_headers(case, &signed);
        let uri: http::Uri = case.url.parse().unwrap();
        let names: Vec<&str> = signed.signed_headers.split(';').collect();
        let request = SignedRequest {
            method: case.method,
            path_and_query: uri.path_and_query().map_or("/", |p| p.as_str()),
            headers: &headers,
            signed_headers: &names,
            payload: Payload::Bytes(case.body),
            amz_date: &signed.x_amz_date,
        };
        let scope = CredentialScope { date: &signed.x_amz_date[..8], region: case.region, service: case.service };
        assert_eq!(
            expected_signature(&request, &scope, SECRET).unwrap(),
            signed.signature,
            "{} {}",
            case.method,
            case.url
        );
        let other_method = SignedRequest { method: "HEAD", ..request };
        assert_ne!(expected_signature(&other_method, &scope, SECRET).unwrap(), signed.signature);
        let other_region = CredentialScope { region: "xx-nowhere-1", ..scope };
        assert_ne!(expected_signature(&request, &other_region, SECRET).unwrap(), signed.signature);
    }
}
