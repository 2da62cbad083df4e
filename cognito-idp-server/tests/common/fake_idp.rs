//! A small OpenID Connect provider on 127.0.0.1 whose id tokens a test can spoil (another
//! audience, an expired token, another nonce or issuer), to see the server refuse them. Its
//! authorization endpoint signs the user in at once (no page) and sends the browser back with
//! a code; its tokens are RS256, signed with a key of its JWKS.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp_server::tokens::key_pairs::SigningKey;
use serde_json::{Value, json};

/// How the next id token is spoiled.
#[derive(Debug, Clone, Default)]
pub struct Spoil {
    /// `aud` instead of the client's id.
    pub audience: Option<String>,
    /// `exp` an hour ago.
    pub expired: bool,
    /// `nonce` instead of the one asked for.
    pub nonce: Option<String>,
    /// `iss` instead of the provider's.
    pub issuer: Option<String>,
}

struct Inner {
    key: SigningKey,
    base: String,
    subject: Mutex<String>,
    spoil: Mutex<Spoil>,
    /// Code → (client id, nonce).
    codes: Mutex<HashMap<String, (String, String)>>,
    /// The token requests' forms, for the test to read.
    token_requests: Mutex<Vec<HashMap<String, String>>>,
}

/// The running provider.
#[derive(Clone)]
pub struct FakeIdp {
    inner: Arc<Inner>,
}

impl FakeIdp {
    /// Starts it; its issuer is [`issuer`](Self::issuer).
    pub async fn start() -> FakeIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Inner {
            key: SigningKey::generate().unwrap(),
            base,
            subject: Mutex::new("fake-subject".into()),
            spoil: Mutex::new(Spoil::default()),
            codes: Mutex::new(HashMap::new()),
            token_requests: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .route("/userinfo", get(userinfo).post(userinfo))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeIdp { inner }
    }

    /// Its issuer (and base URL).
    pub fn issuer(&self) -> String {
        self.inner.base.clone()
    }

    /// The subject of the next sign-ins.
    pub fn set_subject(&self, subject: &str) {
        *self.inner.subject.lock().unwrap() = subject.to_owned();
    }

    /// Spoils the next id tokens so.
    pub fn spoil(&self, spoil: Spoil) {
        *self.inner.spoil.lock().unwrap() = spoil;
    }

    /// An id token for `client_id` of the current subject, spoiled as set, without a nonce: what
    /// an app holding the provider's token presents to the pool (token exchange).
    pub fn id_token(&self, client_id: &str) -> String {
        mint(&self.inner, client_id, None)
    }

    /// The forms of the token requests so far.
    pub fn token_requests(&self) -> Vec<HashMap<String, String>> {
        self.inner.token_requests.lock().unwrap().clone()
    }
}

async fn discovery(State(inner): State<Arc<Inner>>) -> Json<Value> {
    let base = &inner.base;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
    }))
}

async fn authorize(State(inner): State<Arc<Inner>>, Query(q): Query<HashMap<String, String>>) -> impl IntoResponse {
    let code = uuid::Uuid::new_v4().simple().to_string();
    let client = q.get("client_id").cloned().unwrap_or_default();
    let nonce = q.get("nonce").cloned().unwrap_or_default();
    inner.codes.lock().unwrap().insert(code.clone(), (client, nonce));
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let state = q.get("state").cloned().unwrap_or_default();
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.append_pair("code", &code).append_pair("state", &state);
    Redirect::to(&format!("{redirect}?{}", serializer.finish()))
}

async fn token(State(inner): State<Arc<Inner>>, Form(form): Form<HashMap<String, String>>) -> impl IntoResponse {
    inner.token_requests.lock().unwrap().push(form.clone());
    let code = form.get("code").cloned().unwrap_or_default();
    let Some((client, nonce)) = inner.codes.lock().unwrap().remove(&code) else {
        return (axum::http::StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    };
    let id_token = mint(&inner, &client, Some(&nonce));
    Json(json!({"access_token": "fake-access", "id_token": id_token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

/// An id token for `client` of the current subject, spoiled as set; with `nonce` when given.
fn mint(inner: &Inner, client: &str, nonce: Option<&str>) -> String {
    let spoil = inner.spoil.lock().unwrap().clone();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut claims = json!({
        "iss": spoil.issuer.clone().unwrap_or_else(|| inner.base.clone()),
        "sub": inner.subject.lock().unwrap().clone(),
        "aud": spoil.audience.clone().unwrap_or_else(|| client.to_owned()),
        "exp": if spoil.expired { now - 3600 } else { now + 3600 },
        "iat": now,
        "email": "fake.user@corp.example.com",
    });
    if let Some(nonce) = spoil.nonce.as_deref().or(nonce) {
        claims["nonce"] = json!(nonce);
    }
    let header = json!({"alg": "RS256", "kid": inner.key.kid, "typ": "JWT"});
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = inner.key.sign(signing_input.as_bytes()).unwrap();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

async fn jwks(State(inner): State<Arc<Inner>>) -> Json<Value> {
    Json(json!({"keys": [inner.key.jwk()]}))
}

async fn userinfo(State(inner): State<Arc<Inner>>) -> Json<Value> {
    Json(
        json!({"sub": inner.subject.lock().unwrap().clone(), "name": "Fake User", "email": "fake.user@corp.example.com"}),
    )
}
