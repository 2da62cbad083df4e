//! The managed login pages in a real browser: Debian's Chromium driven by Playwright
//! (`tests/browser/driver.py`), against a web app owned by the test (an HTTP endpoint on
//! 127.0.0.1 that records the callbacks it gets), and an independent OpenID Connect client
//! (authlib, `tests/browser/oidc_authlib.py`) that finds everything through the discovery
//! document. The browser selects inputs by their labels and buttons by their names.
//!
//! Needs `/usr/bin/chromium` and Playwright (`pip install -r tests/requirements.txt`; `.ci/run`
//! installs both); without them each test prints SKIPPED and passes, except in CI (`CI` set).

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::routing::get;
use base64::Engine;
use common::chromium::{browser_available, drive, python};
use common::oauth::{Browser, OAuthApp, OAuthSetup, claims, pkce, query_of};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder, advance_clock};
use serde_json::{Value, json};

/// The test's web app: `/callback` and `/signed-out` answer a page and record the URLs
/// they were called with.
struct WebApp {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl WebApp {
    async fn start() -> WebApp {
        let seen = Arc::new(Mutex::new(Vec::new()));
        async fn record(
            State(seen): State<Arc<Mutex<Vec<String>>>>,
            OriginalUri(uri): OriginalUri,
        ) -> axum::response::Html<&'static str> {
            seen.lock().unwrap().push(uri.to_string());
            axum::response::Html("<!doctype html><title>App</title><p>Welcome back to the app</p>")
        }
        let app =
            Router::new().route("/callback", get(record)).route("/signed-out", get(record)).with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        WebApp { base: format!("http://localhost:{port}"), seen }
    }

    fn callback(&self) -> String {
        format!("{}/callback", self.base)
    }

    fn signed_out(&self) -> String {
        format!("{}/signed-out", self.base)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

async fn setup(server: &InProcessServer, web: &WebApp, setup: OAuthSetup) -> OAuthApp {
    setup.app_urls(&web.callback(), &web.signed_out()).create(&server.client(), &server.url()).await
}

fn sign_in_steps(url: &str, username: &str, password: &str) -> Vec<Value> {
    vec![
        json!({ "goto": url }),
        json!({ "expect_text": "Sign in with your username and password" }),
        json!({ "fill": "Username", "value": username }),
        json!({ "fill": "Password", "value": password }),
        json!({ "click": "Sign in" }),
    ]
}

async fn exchange(app: &OAuthApp, code: &str, verifier: &str) -> Value {
    let mut fields =
        vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", app.callback.as_str())];
    fields.push(("code_verifier", verifier));
    let page = match &app.secret {
        Some(_) => {
            Browser::new()
                .post_with(&format!("{}/oauth2/token", app.base), &fields, &[("authorization", &app.basic())])
                .await
        }
        None => {
            fields.push(("client_id", app.client_id.as_str()));
            Browser::new().post(&format!("{}/oauth2/token", app.base), &fields).await
        }
    };
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()
}

#[tokio::test]
async fn a_web_app_signs_in_with_code_and_pkce_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let app = setup(&server, &web, OAuthSetup::new("WebApp").secret()).await;
    UserBuilder::new("maria").verified_email().password(PASSWORD).create(&server.client(), &app.pool).await;
    let (verifier, challenge) = pkce();
    let url = app.authorize_url(&[
        ("scope", "openid email"),
        ("state", "st-1"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let mut steps = sign_in_steps(&url, "maria", PASSWORD);
    steps.extend([
        json!({ "wait_url": web.callback() }),
        json!({ "expect_text": "Welcome back to the app" }),
        json!({ "url": true }),
        // The browser session lets a second request through without the form.
        json!({ "goto": url }),
        json!({ "wait_url": web.callback() }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    let (first, second) = (query_of(results[0].as_str().unwrap()), query_of(results[1].as_str().unwrap()));
    assert_eq!(first["state"], "st-1");
    assert_ne!(first["code"], second["code"]);
    assert_eq!(web.seen().len(), 2, "the app got both callbacks: {:?}", web.seen());
    let tokens = exchange(&app, &second["code"], &verifier).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!((id["cognito:username"].as_str(), id["email"].as_str()), (Some("maria"), Some("maria@example.com")));
    assert_eq!(claims(tokens["access_token"].as_str().unwrap())["scope"], "openid email");
}

#[tokio::test]
async fn errors_show_on_the_pages_or_go_back_to_the_app_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let app = setup(&server, &web, OAuthSetup::new("Errors")).await;
    UserBuilder::new("ivan").verified_email().password(PASSWORD).create(&server.client(), &app.pool).await;
    let mut steps = sign_in_steps(&app.authorize_url(&[]), "ivan", "not-the-password");
    steps.extend([
        json!({ "expect_text": "Incorrect username or password." }),
        json!({ "text": "[role=alert]" }),
        json!({ "goto": app.authorize_url(&[]).replace("callback", "elsewhere") }),
        json!({ "expect_text": "An error was encountered with the requested page." }),
        json!({ "text": "#errorCode" }),
        json!({ "goto": app.authorize_url(&[("scope", "orders/write"), ("state", "s")]) }),
        json!({ "wait_url": web.callback() }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    assert_eq!(results[0], "Incorrect username or password.");
    assert_eq!(results[1], "redirect_mismatch");
    let refused = query_of(results[2].as_str().unwrap());
    assert_eq!((refused["error"].as_str(), refused["state"].as_str()), ("invalid_scope", "s"));
}

#[tokio::test]
async fn new_password_then_totp_set_up_with_a_qr_code_then_totp_sign_in_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let pool = PoolBuilder::new("Totp").mfa("ON").totp_mfa();
    let app = setup(&server, &web, OAuthSetup::new("Totp").pool(pool)).await;
    UserBuilder::new("zoe").verified_email().temporary_password("Temp0rary!").create(&server.client(), &app.pool).await;
    let url = app.authorize_url(&[]);
    let mut steps = sign_in_steps(&url, "zoe", "Temp0rary!");
    steps.extend([
        json!({ "expect_text": "Change Password" }),
        json!({ "fill": "New Password", "value": "N3w-Passw0rd!" }),
        json!({ "fill": "Enter New Password Again", "value": "N3w-Passw0rd!" }),
        json!({ "click": "Continue" }),
        json!({ "expect_text": "Set up your authenticator app" }),
        json!({ "count": "#totpQrCode svg" }),
        json!({ "totp": "Code from your authenticator app", "secret_from": "#totpSecret", "server": server.url() }),
        json!({ "click": "Continue" }),
        json!({ "wait_url": web.callback() }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    assert_eq!(results[0], 1, "one QR code");
    let secret = results[1].as_str().unwrap().to_owned();
    assert!(query_of(results[2].as_str().unwrap()).contains_key("code"));

    // A new browser, 30 seconds later (a TOTP code is accepted once): the code page.
    advance_clock(&server.url(), 30).await;
    let mut steps = sign_in_steps(&url, "zoe", "N3w-Passw0rd!");
    steps.extend([
        json!({ "expect_text": "Enter the code from your authenticator app." }),
        json!({ "fill": "Code", "value": "000000" }),
        json!({ "click": "Continue" }),
        json!({ "expect_text": "Invalid code or auth state for the user." }),
        json!({ "totp_secret": secret, "label": "Code", "server": server.url() }),
        json!({ "click": "Continue" }),
        json!({ "wait_url": web.callback() }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    assert!(query_of(results[0].as_str().unwrap()).contains_key("code"));
}

#[tokio::test]
async fn email_mfa_the_implicit_grant_and_sign_out_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let pool = PoolBuilder::new("Email").ses_email().mfa("ON").email_mfa();
    let setup_ = OAuthSetup::new("Email").pool(pool).flows(&["code", "implicit"]);
    let app = setup(&server, &web, setup_).await;
    UserBuilder::new("eva").verified_email().password(PASSWORD).create(&server.client(), &app.pool).await;
    let url = app.authorize_url(&[("state", "imp")]).replace("response_type=code", "response_type=token");
    let mut steps = sign_in_steps(&url, "eva", PASSWORD);
    steps.extend([
        json!({ "expect_text": "Enter your code" }),
        json!({ "outbox_code": "Code", "server": server.url(), "pool": app.pool, "username": "eva" }),
        json!({ "click": "Continue" }),
        json!({ "wait_url": web.callback() }),
        json!({ "url": true }),
        json!({ "goto": format!("{}/logout?client_id={}&logout_uri={}", app.base, app.client_id, web.signed_out()) }),
        json!({ "wait_url": web.signed_out() }),
        json!({ "goto": url }),
        json!({ "expect_text": "Sign in with your username and password" }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    let implicit = results[0].as_str().unwrap();
    assert!(implicit.contains("#id_token="), "tokens in the fragment: {implicit}");
    let fragment = query_of(implicit);
    assert_eq!((fragment["token_type"].as_str(), fragment["state"].as_str()), ("Bearer", "imp"));
    assert!(results[1].as_str().unwrap().contains("/login?"), "signed out: the form again");
}

#[tokio::test]
async fn an_oidc_library_signs_in_from_the_discovery_document_alone() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let app = setup(&server, &web, OAuthSetup::new("Authlib").secret()).await;
    UserBuilder::new("olga").verified_email().password(PASSWORD).create(&server.client(), &app.pool).await;
    let input = json!({
        "issuer": format!("{}/{}", server.url(), app.pool),
        "client_id": app.client_id,
        "client_secret": app.secret,
        "redirect_uri": web.callback(),
        "username": "olga",
        "password": PASSWORD,
    });
    let out = python("oidc_authlib.py", &input).await.unwrap_or_else(|e| panic!("authlib failed:\n{e}"));
    assert_eq!(out["claims"]["cognito:username"], "olga");
    assert_eq!(out["claims"]["token_use"], "id");
    assert_eq!(out["userinfo"]["email"], "olga@example.com");
    assert_eq!(out["userinfo"]["username"], "olga");
    assert_eq!(out["state_matched"], true);
}

#[tokio::test]
async fn the_pages_wear_the_clients_ui_customization_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let app = setup(&server, &web, OAuthSetup::new("Styled")).await;
    // A 1x1 PNG.
    let png = base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
        .unwrap();
    server
        .client()
        .set_ui_customization()
        .user_pool_id(&app.pool)
        .client_id(&app.client_id)
        .css(".submitButton-customizable { background-color: rgb(200, 30, 40); }")
        .image_file(png)
        .send()
        .await
        .expect("SetUICustomization");
    let steps = json!([
        { "goto": app.authorize_url(&[]) },
        { "expect_text": "Sign in with your username and password" },
        { "style": "input[name=signInSubmitButton]", "property": "background-color" },
        { "image_loaded": "img.logo-customizable" },
    ]);
    let results = drive(steps).await;
    assert_eq!(results[0], "rgb(200, 30, 40)");
    assert_eq!(results[1], true, "the logo is shown");
}

#[tokio::test]
async fn sign_up_password_reset_and_one_time_codes_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let web = WebApp::start().await;
    let pool = PoolBuilder::new("Pages")
        .with(|p| {
            p.auto_verified_attributes("email").schema(cognito_idp::types::SchemaAttributeType {
                name: Some("email".into()),
                attribute_data_type: Some("String".into()),
                required: Some(true),
                mutable: Some(true),
                ..Default::default()
            })
        })
        .ses_email()
        .sign_in_factors(&["PASSWORD", "EMAIL_OTP"]);
    let setup_ = OAuthSetup::new("Pages").pool(pool).managed_login_version(2).explicit_flows(&[
        "ALLOW_USER_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]);
    let app = setup(&server, &web, setup_).await;
    let url = app.authorize_url(&[]);
    let code = |user: &str| json!({ "outbox_code": "", "server": server.url(), "pool": app.pool, "username": user });
    let with_label = |mut step: Value, label: &str| {
        step["outbox_code"] = json!(label);
        step
    };
    // Sign up from the sign-in page, confirm with the emailed code, then sign in.
    let steps = json!([
        { "goto": url },
        { "click": "Sign up" },
        { "expect_text": "Sign up with a new account" },
        { "fill": "Username", "value": "nova" },
        { "fill": "Password", "value": PASSWORD },
        { "fill": "Email", "value": "nova@example.com" },
        { "click": "Sign up" },
        { "expect_text": "Confirm your account" },
        with_label(code("nova"), "Verification code"),
        { "click": "Confirm account" },
        { "expect_text": "Your account is confirmed. Please sign in." },
        { "fill": "Username", "value": "nova" },
        { "fill": "Password", "value": PASSWORD },
        { "click": "Sign in" },
        { "wait_url": web.callback() },
        { "url": true },
    ]);
    let results = drive(steps).await;
    assert!(query_of(results[0].as_str().unwrap()).contains_key("code"));

    // A new browser: forgotten password, a reset code, the new password.
    let steps = json!([
        { "goto": url },
        { "click": "Forgot your password?" },
        { "fill": "Username", "value": "nova" },
        { "click": "Reset my password" },
        with_label(code("nova"), "Code"),
        { "fill": "New Password", "value": "An0ther-Passw0rd!" },
        { "fill": "Enter New Password Again", "value": "An0ther-Passw0rd!" },
        { "click": "Change Password" },
        { "expect_text": "Your password has been reset. Please sign in with your new password." },
        { "fill": "Username", "value": "nova" },
        { "fill": "Password", "value": "An0ther-Passw0rd!" },
        { "click": "Sign in" },
        { "wait_url": web.callback() },
        { "url": true },
    ]);
    let results = drive(steps).await;
    assert!(query_of(results[0].as_str().unwrap()).contains_key("code"));

    // And a sign-in with an emailed one-time code, no password.
    let steps = json!([
        { "goto": url },
        { "click": "Sign in with a one-time code" },
        { "fill": "Username", "value": "nova" },
        { "click": "Send me a code" },
        { "expect_text": "Enter your code" },
        with_label(code("nova"), "Code"),
        { "click": "Continue" },
        { "wait_url": web.callback() },
        { "url": true },
    ]);
    let results = drive(steps).await;
    assert!(query_of(results[0].as_str().unwrap()).contains_key("code"));
}
