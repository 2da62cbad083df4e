//! Passkeys in Chromium: its virtual authenticator (DevTools protocol `WebAuthn` domain) on a
//! page served from `http://localhost:PORT` that calls the API with fetch (so through the
//! server's CORS): registration, then `USER_AUTH` sign-in with `WEB_AUTHN`, with the
//! attestation the authenticator gives when asked for none (`none`) and when asked for it
//! (`direct`: its `packed` attestation); and the managed login's passkey sign-in, from the
//! authorization request to the app's callback with a code. Driven by
//! `tests/browser/passkeys.py` (Playwright).

mod common;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::chromium::{browser_available, python};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder, app_client};
use serde_json::{Value, json};

async fn pool(client: &Client) -> (String, String) {
    let pool = PoolBuilder::new("browser-passkeys").sign_in_factors(&["PASSWORD", "WEB_AUTHN"]).create(client).await;
    let config = WebAuthnConfigurationType {
        relying_party_id: Some("localhost".into()),
        user_verification: Some(UserVerificationType::Required),
        ..Default::default()
    };
    client.set_user_pool_mfa_config().user_pool_id(&pool).web_authn_configuration(config).send().await.unwrap();
    let flows = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    let app = app_client(client, &pool, &flows).await;
    (pool, app)
}

/// Registers and signs in `username` in Chromium with the attestation preference `attestation`
/// (then on the managed login pages, with `login`); what the page saw.
async fn in_chromium(
    server: &InProcessServer,
    client: &Client,
    app: &str,
    username: &str,
    attestation: &str,
    login: Option<Value>,
) -> Value {
    let tokens = common::sign_in(client, app, username, PASSWORD).await;
    let scenario = json!({
        "login": login,
        "api": server.url(),
        "client_id": app,
        "username": username,
        "access_token": tokens.access_token.unwrap(),
        "attestation": attestation,
    });
    let out = python("passkeys.py", &scenario).await.unwrap_or_else(|e| panic!("the browser failed:\n{e}"));
    assert!(out.get("error").is_none(), "{out:#}");
    out
}

#[tokio::test]
async fn chromium_registers_a_passkey_and_signs_in_with_it() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app) = pool(&client).await;

    for (username, attestation, format) in [("ana", "none", "none"), ("bo", "direct", "packed")] {
        UserBuilder::new(username).verified_email().password(PASSWORD).create(&client, &pool).await;
        let out = in_chromium(&server, &client, &app, username, attestation, None).await;
        let register = &out["register"];
        assert_eq!(register["started"]["status"], 200, "{out:#}");
        assert_eq!(register["started"]["body"]["CredentialCreationOptions"]["rp"]["id"], "localhost");
        assert_eq!(register["completed"]["status"], 200, "{out:#}");
        assert_eq!(out["format"], format, "{out:#}");

        // The passkey is the user's, and signs in: tokens for the user.
        let answered = &out["sign_in"]["answered"];
        assert_eq!(answered["status"], 200, "{out:#}");
        let access = answered["body"]["AuthenticationResult"]["AccessToken"].as_str().expect("an access token");
        let user = client.get_user().access_token(access).send().await.unwrap();
        assert_eq!(user.username, username);
        let listed = client.list_web_authn_credentials().access_token(access).send().await.unwrap();
        assert_eq!(listed.credentials.len(), 1);
        assert_eq!(listed.credentials[0].credential_id, register["credential"]["id"].as_str().unwrap());
        let factors = client.get_user_auth_factors().access_token(access).send().await.unwrap();
        assert!(factors.configured_user_auth_factors.unwrap_or_default().contains(&AuthFactorType::WebAuthn));

        // The browser's second assertion, sent by the generated client: tokens again; the same
        // answer once more is refused (its session is spent).
        let unsent = &out["unsent"];
        let (session, credential) = (unsent["session"].as_str().unwrap(), unsent["credential"].as_str().unwrap());
        let respond = || {
            client
                .respond_to_auth_challenge()
                .client_id(&app)
                .challenge_name("WEB_AUTHN")
                .session(session)
                .challenge_responses("USERNAME", username)
                .challenge_responses("CREDENTIAL", credential)
                .send()
        };
        let tokens = respond().await.expect("the browser's assertion signs in").authentication_result.unwrap();
        assert!(tokens.access_token.is_some());
        assert_eq!(common::failure(respond().await).0, "NotAuthorizedException");
    }
}

#[tokio::test]
async fn the_managed_login_signs_in_with_a_passkey_in_chromium() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("LoginPasskeys").sign_in_factors(&["PASSWORD", "WEB_AUTHN"]);
    let setup = common::oauth::OAuthSetup::new("LoginPasskeys").pool(pool).managed_login_version(2).explicit_flows(&[
        "ALLOW_USER_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]);
    // The app's callback: a page on localhost.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback = format!("http://localhost:{}/callback", listener.local_addr().unwrap().port());
    let web = axum::Router::new()
        .route("/callback", axum::routing::get(|| async { axum::response::Html("<p>Welcome back to the app</p>") }));
    tokio::spawn(async move { axum::serve(listener, web).await.unwrap() });
    // The pages on `localhost`, the relying party id a browser accepts over plain HTTP.
    let url = server.url().replace("127.0.0.1", "localhost");
    let app = setup.app_urls(&callback, &callback).create(&client, &url).await;
    let config = WebAuthnConfigurationType { relying_party_id: Some("localhost".into()), ..Default::default() };
    client.set_user_pool_mfa_config().user_pool_id(&app.pool).web_authn_configuration(config).send().await.unwrap();
    UserBuilder::new("cy").verified_email().password(PASSWORD).create(&client, &app.pool).await;

    let login = json!({ "url": app.authorize_url(&[("scope", "openid aws.cognito.signin.user.admin")]), "callback": app.callback });
    let out = in_chromium(&server, &client, &app.client_id, "cy", "none", Some(login)).await;
    assert_eq!(out["register"]["completed"]["status"], 200, "{out:#}");
    let landed = out["login_url"].as_str().expect("the browser reached the app");
    let query = landed.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let code = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "code").map(|(_, v)| v.into_owned());
    let code = code.unwrap_or_else(|| panic!("no code in {landed}"));
    // The code is the user's: its tokens read the user back.
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", app.callback.as_str()),
        ("client_id", app.client_id.as_str()),
    ];
    let tokens: Value = reqwest::Client::new()
        .post(format!("{}/oauth2/token", app.base))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}"));
    assert_eq!(client.get_user().access_token(access).send().await.unwrap().username, "cy");
}
