//! JWT verification end to end: a JWKS server on 127.0.0.1 posing as the user pool (counting the
//! requests it gets), tokens signed with the committed test-only keys, and the public verifier.

#![cfg(feature = "jwt")]

use std::future::IntoFuture;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_auth::jwt::{JwtError, JwtVerifier, JwtVerifierBuilder, TokenUse};
use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_TestPool";
const CLIENT: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
const KEY_A: &str = include_str!("keys/test-only-rsa-a.pem");
const KEY_B: &str = include_str!("keys/test-only-rsa-b.pem");

/// What the fake pool serves at its JWKS URL, and how often it was asked.
struct Jwks {
    keys: Mutex<Vec<Value>>,
    status: AtomicU16,
    hits: AtomicUsize,
}

struct Pool {
    issuer: String,
    jwks: Arc<Jwks>,
}

impl Pool {
    /// Starts a JWKS server publishing key A as `kid` "a".
    async fn start() -> Self {
        let jwks = Arc::new(Jwks {
            keys: Mutex::new(vec![public_jwk(KEY_A, "a")]),
            status: AtomicU16::new(200),
            hits: AtomicUsize::new(0),
        });
        let app =
            Router::new().route(&format!("/{POOL}/.well-known/jwks.json"), get(serve_jwks)).with_state(jwks.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app).into_future());
        Pool { issuer: format!("http://{addr}/{POOL}"), jwks }
    }

    fn verifier(&self) -> JwtVerifierBuilder {
        JwtVerifier::builder("us-east-1", POOL).issuer(&self.issuer).client_id(CLIENT).client_id("another-client")
    }

    fn publish(&self, pem: &str, kid: &str) {
        self.jwks.keys.lock().unwrap().push(public_jwk(pem, kid));
    }

    fn hits(&self) -> usize {
        self.jwks.hits.load(Ordering::SeqCst)
    }

    fn id_claims(&self) -> Value {
        let now = now();
        json!({
            "sub": "7f1c2a9e-5d3b-4c8a-9e0f-1a2b3c4d5e6f",
            "aud": CLIENT,
            "token_use": "id",
            "cognito:username": "diego",
            "cognito:groups": ["admin", "staff"],
            "email": "diego@example.com",
            "email_verified": true,
            "iss": self.issuer,
            "auth_time": now - 10,
            "iat": now - 10,
            "exp": now + 3600,
        })
    }

    fn access_claims(&self) -> Value {
        let now = now();
        json!({
            "sub": "7f1c2a9e-5d3b-4c8a-9e0f-1a2b3c4d5e6f",
            "client_id": CLIENT,
            "token_use": "access",
            "username": "diego",
            "scope": "aws.cognito.signin.user.admin openid",
            "iss": self.issuer,
            "auth_time": now - 10,
            "iat": now - 10,
            "exp": now + 3600,
        })
    }
}

async fn serve_jwks(State(jwks): State<Arc<Jwks>>) -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    jwks.hits.fetch_add(1, Ordering::SeqCst);
    let status = StatusCode::from_u16(jwks.status.load(Ordering::SeqCst)).unwrap();
    let body = json!({ "keys": *jwks.keys.lock().unwrap() }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}

/// The signing key in a PKCS#1 PEM file: the Base64 between the armour lines is the DER.
fn private_key(pem: &str) -> EncodingKey {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    EncodingKey::from_rsa_der(&STANDARD.decode(body).unwrap())
}

fn public_jwk(pem: &str, kid: &str) -> Value {
    let mut jwk = Jwk::from_encoding_key(&private_key(pem), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    serde_json::to_value(jwk).unwrap()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn sign(pem: &str, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &private_key(pem)).unwrap()
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

fn b64(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

#[tokio::test]
async fn valid_id_and_access_tokens_pass_with_typed_claims() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();

    let id = verifier.verify_id_token(&sign(KEY_A, Some("a"), &pool.id_claims())).await.unwrap();
    assert_eq!(id.sub, "7f1c2a9e-5d3b-4c8a-9e0f-1a2b3c4d5e6f");
    assert_eq!(id.username.as_deref(), Some("diego"));
    assert_eq!(id.token_use, TokenUse::Id);
    assert_eq!(id.client_id, CLIENT);
    assert_eq!(id.groups, ["admin", "staff"]);
    assert!(id.scopes.is_empty());
    assert_eq!(id.iat, id.auth_time);
    assert!(id.exp > now());
    assert_eq!(id.raw["email"], "diego@example.com");

    let access = verifier.verify_access_token(&sign(KEY_A, Some("a"), &pool.access_claims())).await.unwrap();
    assert_eq!(access.token_use, TokenUse::Access);
    assert_eq!(access.client_id, CLIENT);
    assert_eq!(access.username.as_deref(), Some("diego"));
    assert!(access.groups.is_empty());
    assert_eq!(access.scopes, ["aws.cognito.signin.user.admin", "openid"]);

    // Any of the allowed clients will do; an `aud` list needs one allowed member.
    let other = with(pool.access_claims(), json!({ "client_id": "another-client" }));
    assert_eq!(
        verifier.verify_access_token(&sign(KEY_A, Some("a"), &other)).await.unwrap().client_id,
        "another-client"
    );
    let listed = with(pool.id_claims(), json!({ "aud": ["someone-else", CLIENT] }));
    assert_eq!(verifier.verify_id_token(&sign(KEY_A, Some("a"), &listed)).await.unwrap().client_id, CLIENT);
}

#[tokio::test]
async fn tokens_failing_a_claim_check_are_rejected() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    let id = |changes: Value| sign(KEY_A, Some("a"), &with(pool.id_claims(), changes));
    let access = |changes: Value| sign(KEY_A, Some("a"), &with(pool.access_claims(), changes));

    let other_pool = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool";
    assert_eq!(verifier.verify_id_token(&id(json!({ "iss": other_pool }))).await, Err(JwtError::WrongIssuer));
    assert!(matches!(verifier.verify_id_token(&id(json!({ "iss": null }))).await, Err(JwtError::InvalidClaims(_))));

    let expired = json!({ "exp": now() - 3600, "iat": now() - 7200 });
    assert_eq!(verifier.verify_id_token(&id(expired.clone())).await, Err(JwtError::Expired));
    assert_eq!(verifier.verify_access_token(&access(expired)).await, Err(JwtError::Expired));
    assert_eq!(verifier.verify_id_token(&id(json!({ "nbf": now() + 3600 }))).await, Err(JwtError::NotYetValid));

    assert_eq!(
        verifier.verify_access_token(&id(json!({}))).await,
        Err(JwtError::WrongTokenUse { expected: TokenUse::Access, found: Some("id".into()) })
    );
    assert_eq!(
        verifier.verify_id_token(&access(json!({}))).await,
        Err(JwtError::WrongTokenUse { expected: TokenUse::Id, found: Some("access".into()) })
    );
    assert!(matches!(
        verifier.verify_id_token(&id(json!({ "token_use": null }))).await,
        Err(JwtError::WrongTokenUse { found: None, .. })
    ));

    assert_eq!(verifier.verify_id_token(&id(json!({ "aud": "someone-else" }))).await, Err(JwtError::WrongAudience));
    assert_eq!(verifier.verify_id_token(&id(json!({ "aud": ["someone-else"] }))).await, Err(JwtError::WrongAudience));
    assert_eq!(verifier.verify_id_token(&id(json!({ "aud": null }))).await, Err(JwtError::WrongAudience));
    assert_eq!(
        verifier.verify_access_token(&access(json!({ "client_id": "someone-else" }))).await,
        Err(JwtError::WrongAudience)
    );
    // An access token's `aud` must not stand in for its `client_id`.
    let confused = access(json!({ "client_id": "someone-else", "aud": CLIENT }));
    assert_eq!(verifier.verify_access_token(&confused).await, Err(JwtError::WrongAudience));

    assert!(matches!(verifier.verify_id_token(&id(json!({ "sub": null }))).await, Err(JwtError::InvalidClaims(_))));
    assert!(matches!(verifier.verify_id_token(&id(json!({ "exp": "soon" }))).await, Err(JwtError::InvalidClaims(_))));
    assert!(matches!(
        verifier.verify_id_token(&id(json!({ "cognito:groups": "admin" }))).await,
        Err(JwtError::InvalidClaims(_))
    ));
}

#[tokio::test]
async fn leeway_is_small_by_default_and_configurable() {
    let pool = Pool::start().await;
    let token = sign(KEY_A, Some("a"), &with(pool.id_claims(), json!({ "exp": now() - 30 })));
    let strict = pool.verifier().build().unwrap();
    assert_eq!(strict.verify_id_token(&token).await, Err(JwtError::Expired));
    let lenient = pool.verifier().leeway(Duration::from_secs(120)).build().unwrap();
    assert!(lenient.verify_id_token(&token).await.is_ok());
}

#[tokio::test]
async fn forged_and_foreign_signatures_are_rejected() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    let claims = pool.id_claims();

    // Signed by a key that is not the pool's, claiming to be key "a".
    assert_eq!(verifier.verify_id_token(&sign(KEY_B, Some("a"), &claims)).await, Err(JwtError::InvalidSignature));

    // A real token with its payload changed.
    let token = sign(KEY_A, Some("a"), &claims);
    let parts: Vec<&str> = token.split('.').collect();
    let promoted = b64(&with(claims.clone(), json!({ "cognito:groups": ["admin", "root"] })));
    let tampered = format!("{}.{promoted}.{}", parts[0], parts[2]);
    assert_eq!(verifier.verify_id_token(&tampered).await, Err(JwtError::InvalidSignature));
    let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..parts[2].len() / 2]);
    assert!(verifier.verify_id_token(&truncated).await.is_err());

    // A key id the pool never published.
    let unknown = sign(KEY_A, Some("not-a-pool-key"), &claims);
    assert_eq!(verifier.verify_id_token(&unknown).await, Err(JwtError::UnknownKeyId("not-a-pool-key".into())));
    assert_eq!(verifier.verify_id_token(&sign(KEY_A, None, &claims)).await, Err(JwtError::MissingKeyId));
}

#[tokio::test]
async fn alg_none_and_hmac_tokens_are_rejected() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    let claims = pool.id_claims();

    let none = format!("{}.{}.", b64(&json!({ "alg": "none", "kid": "a" })), b64(&claims));
    assert_eq!(verifier.verify_id_token(&none).await, Err(JwtError::UnsupportedAlgorithm("none".into())));

    // The classic confusion: HMAC keyed with the pool's public key material.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("a".into());
    let public_n = pool.jwks.keys.lock().unwrap()[0]["n"].as_str().unwrap().to_owned();
    let hs256 = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(public_n.as_bytes())).unwrap();
    assert_eq!(verifier.verify_id_token(&hs256).await, Err(JwtError::UnsupportedAlgorithm("HS256".into())));

    let rs512 = format!("{}.{}.AAAA", b64(&json!({ "alg": "RS512", "kid": "a" })), b64(&claims));
    assert_eq!(verifier.verify_id_token(&rs512).await, Err(JwtError::UnsupportedAlgorithm("RS512".into())));
    assert_eq!(pool.hits(), 0, "rejected before any key lookup");
}

#[tokio::test]
async fn malformed_tokens_are_errors_not_panics() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    let header = b64(&json!({ "alg": "RS256", "kid": "a" }));
    let long = "a".repeat(70_000);
    for token in [
        "",
        ".",
        "..",
        "a.b",
        "a.b.c.d",
        "!!!.e30.AAAA",
        "e30.e30.AAAA",
        &format!("{}.e30.AAAA", b64(&json!([1, 2]))),
        &format!("{}.e30.AAAA", b64(&json!({ "alg": 7 }))),
        &format!("{header}.%%%.AAAA"),
        &format!("{header}.{}.AAAA", URL_SAFE_NO_PAD.encode("not json")),
        &format!("{header}.e30.!!!"),
        &long,
    ] {
        let verdict = verifier.verify_id_token(token).await;
        assert!(verdict.is_err(), "{token:.40}");
        assert!(!verdict.unwrap_err().to_string().is_empty());
    }
}

#[tokio::test]
async fn keys_are_fetched_once_and_refetched_once_for_a_new_kid() {
    let pool = Pool::start().await;
    let claims = pool.access_claims();
    // Signed up front: RSA signing in a debug build is slow enough to eat into the interval.
    let token_a = sign(KEY_A, Some("a"), &claims);
    let token_b = sign(KEY_B, Some("b"), &claims);
    // Made-up key ids need no valid signature: they are rejected at the key lookup.
    let bogus: Vec<String> = (0..50)
        .map(|i| format!("{}.{}.AAAA", b64(&json!({ "alg": "RS256", "kid": format!("bogus-{i}") })), b64(&claims)))
        .collect();
    let interval = Duration::from_secs(2);
    let verifier = pool.verifier().min_refetch_interval(interval).build().unwrap();

    // The steps that must happen within the interval after a fetch come right after it, so a
    // slow machine cannot stretch them past it.
    verifier.verify_access_token(&token_a).await.unwrap();
    assert_eq!(pool.hits(), 1);
    // The pool rotates in key "b". Right after a fetch, the rate limit holds the refetch back.
    pool.publish(KEY_B, "b");
    assert_eq!(verifier.verify_access_token(&token_b).await, Err(JwtError::UnknownKeyId("b".into())));
    assert_eq!(pool.hits(), 1);
    for _ in 0..20 {
        verifier.verify_access_token(&token_a).await.unwrap();
    }
    assert_eq!(pool.hits(), 1);

    tokio::time::sleep(interval + Duration::from_millis(200)).await;
    verifier.verify_access_token(&token_b).await.unwrap();
    assert_eq!(pool.hits(), 2);
    // An attacker sending made-up key ids gets nothing fetched for them.
    for (i, token) in bogus.iter().enumerate() {
        assert_eq!(verifier.verify_access_token(token).await, Err(JwtError::UnknownKeyId(format!("bogus-{i}"))));
    }
    assert_eq!(pool.hits(), 2);

    for _ in 0..10 {
        verifier.verify_access_token(&token_b).await.unwrap();
    }
    verifier.verify_access_token(&token_a).await.unwrap();
    // Clones share the cache.
    verifier.clone().verify_access_token(&token_b).await.unwrap();
    assert_eq!(pool.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_verifications_share_one_fetch() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    let token = sign(KEY_A, Some("a"), &pool.id_claims());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.clone());
            tokio::spawn(async move { verifier.verify_id_token(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(pool.hits(), 1);
}

#[tokio::test]
async fn an_unavailable_jwks_is_reported_and_not_hammered() {
    let pool = Pool::start().await;
    pool.jwks.status.store(503, Ordering::SeqCst);
    let token = sign(KEY_A, Some("a"), &pool.id_claims());
    let interval = Duration::from_secs(2);
    let verifier = pool.verifier().min_refetch_interval(interval).build().unwrap();

    for _ in 0..5 {
        let verdict = verifier.verify_id_token(&token).await;
        assert!(matches!(&verdict, Err(JwtError::KeysUnavailable(msg)) if msg.contains("503")), "{verdict:?}");
    }
    assert_eq!(pool.hits(), 1);

    pool.jwks.status.store(200, Ordering::SeqCst);
    tokio::time::sleep(interval + Duration::from_millis(200)).await;
    verifier.verify_id_token(&token).await.unwrap();
    assert_eq!(pool.hits(), 2);
}

#[tokio::test]
async fn prefetching_loads_the_keys_up_front() {
    let pool = Pool::start().await;
    let verifier = pool.verifier().build().unwrap();
    verifier.prefetch_keys().await.unwrap();
    assert_eq!(pool.hits(), 1);
    verifier.verify_id_token(&sign(KEY_A, Some("a"), &pool.id_claims())).await.unwrap();
    assert_eq!(pool.hits(), 1);

    let nowhere = JwtVerifier::builder("us-east-1", POOL)
        .any_client_id()
        .jwks_url(format!("{}/no-such-path", pool.issuer))
        .build()
        .unwrap();
    assert!(matches!(nowhere.prefetch_keys().await, Err(JwtError::KeysUnavailable(_))));
}

#[test]
fn a_verifier_needs_an_explicit_audience_policy() {
    assert!(matches!(JwtVerifier::builder("us-east-1", POOL).build(), Err(JwtError::Config(_))));
    let any = JwtVerifier::builder("us-east-1", POOL).any_client_id().build().unwrap();
    assert_eq!(any.issuer(), format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}"));
    assert_eq!(any.jwks_url(), format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}/.well-known/jwks.json"));
}
