//! The user pool domain's OAuth 2.0 / OpenID Connect endpoints over HTTP: the authorization
//! code grant with PKCE through the sign-in page, the browser session, the token endpoint's
//! grants and refusals, userInfo, revocation, logout, the implicit grant, `prompt`, Host
//! routing and the discovery document.

mod common;

use common::oauth::{Browser, CALLBACK, OAuthSetup, SIGNED_OUT, absolute, claims, pkce};
use common::{InProcessServer, PASSWORD, UserBuilder, advance_clock};

async fn token(app: &common::oauth::OAuthApp, fields: &[(&str, &str)]) -> common::oauth::Page {
    let browser = Browser::new();
    match &app.secret {
        Some(_) => {
            browser.post_with(&format!("{}/oauth2/token", app.base), fields, &[("authorization", &app.basic())]).await
        }
        None => browser.post(&format!("{}/oauth2/token", app.base), fields).await,
    }
}

#[tokio::test]
async fn code_with_pkce_signs_in_through_the_page_and_exchanges_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Shop").secret().create(&client, &server.url()).await;
    UserBuilder::new("diego").verified_email().password(PASSWORD).create(&client, &app.pool).await;
    let (verifier, challenge) = pkce();
    let browser = Browser::new();
    let url = app.authorize_url(&[
        ("scope", "openid email orders/read"),
        ("state", "xyz 1"),
        ("nonce", "n-0S6"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let signed_in = browser.sign_in(&app, &url, "diego", PASSWORD).await;
    assert_eq!(signed_in.status, 302, "{}", signed_in.body);
    assert!(signed_in.location.as_deref().unwrap().starts_with(&format!("{CALLBACK}?code=")));
    let params = signed_in.location_params();
    assert_eq!(params["state"], "xyz 1");
    let code = params["code"].clone();
    assert_eq!(code.len(), 36, "a UUID, as Cognito's codes are");
    assert!(browser.cookie("cognito").is_some(), "the browser session");

    // Without the verifier, with a wrong one, or with another redirect URI: refused, and the
    // code is spent by the attempt (single use).
    let refused =
        token(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)]).await;
    assert_eq!((refused.status, refused.json()["error"].as_str()), (400, Some("invalid_grant")));
    let again = browser.get(&url).await;
    assert_eq!(again.status, 302, "a signed-in browser is not asked again");
    let code = again.location_params()["code"].clone();
    let wrong = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", "x".repeat(43).as_str()),
        ],
    )
    .await;
    assert_eq!(wrong.json()["error"], "invalid_grant");

    let code = browser.get(&url).await.location_params()["code"].clone();
    let exchanged = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(exchanged.status, 200, "{}", exchanged.body);
    assert_eq!(exchanged.headers["cache-control"], "no-cache, no-store, max-age=0, must-revalidate");
    let body = exchanged.json();
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("Bearer"), Some(3600)));
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email orders/read");
    assert_eq!(access["client_id"], app.client_id.as_str());
    assert_eq!(access["username"], "diego");
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6");
    assert_eq!(id["aud"], app.client_id.as_str());
    assert_eq!(id["email"], "diego@example.com");
    assert!(id["at_hash"].as_str().is_some_and(|h| h.len() == 22));

    let replay = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!((replay.status, replay.json()["error"].as_str()), (400, Some("invalid_grant")), "single use");

    // The refresh token keeps the scopes; a new access token, an id token, no new refresh token.
    let refresh = body["refresh_token"].as_str().unwrap();
    let refreshed = token(&app, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let refreshed = refreshed.json();
    assert!(refreshed.get("refresh_token").is_none());
    assert_eq!(claims(refreshed["access_token"].as_str().unwrap())["scope"], "openid email orders/read");

    // userInfo: what the scopes authorize, strings throughout.
    let info = Browser::new()
        .get_with(
            &format!("{}/oauth2/userInfo", app.base),
            &[("authorization", &format!("Bearer {}", body["access_token"].as_str().unwrap()))],
        )
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    let info = info.json();
    assert_eq!(info["username"], "diego");
    assert_eq!(info["email"], "diego@example.com");
    assert_eq!(info["email_verified"], "true");
    assert!(info.get("phone_number").is_none());

    // The API refuses a token without aws.cognito.signin.user.admin.
    let api = client.get_user().access_token(body["access_token"].as_str().unwrap()).send().await;
    assert_eq!(
        common::failure(api),
        common::pair("NotAuthorizedException", "Access Token does not have required scopes")
    );

    // Revocation ends the family: the refresh token and its access tokens.
    let revoke = Browser::new()
        .post_with(&format!("{}/oauth2/revoke", app.base), &[("token", refresh)], &[("authorization", &app.basic())])
        .await;
    assert_eq!(revoke.status, 200, "{}", revoke.body);
    let after = token(&app, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(after.json()["error"], "invalid_grant");
    let info = Browser::new()
        .get_with(
            &format!("{}/oauth2/userInfo", app.base),
            &[("authorization", &format!("Bearer {}", body["access_token"].as_str().unwrap()))],
        )
        .await;
    assert_eq!(info.status, 401);
    assert!(info.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer error=\"invalid_token\""));
}

#[tokio::test]
async fn the_authorization_endpoint_refuses_as_aws_does() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Refusals").create(&client, &server.url()).await;
    let browser = Browser::new();
    let error_page = |page: &common::oauth::Page| page.location.clone().unwrap_or_default();

    let mismatch = browser.get(&app.authorize_url(&[]).replace("localhost%3A3000", "evil.example")).await;
    assert_eq!(mismatch.status, 302);
    assert_eq!(
        error_page(&mismatch),
        format!("/domain/{}/error?error=redirect_mismatch&client_id={}", app.domain, app.client_id)
    );
    let shown = browser.get(&absolute(&app, &error_page(&mismatch))).await;
    assert_eq!(shown.status, 400);
    assert!(shown.body.contains("An error was encountered with the requested page."));

    let unknown = browser.get(&app.authorize_url(&[]).replace(&app.client_id, "nosuchclient")).await;
    assert!(error_page(&unknown).contains("error=invalid_request&client_id=nosuchclient"), "{unknown:?}");

    // Once the client and redirect URI are verified, errors go back to the app with the state.
    let scope = browser.get(&app.authorize_url(&[("scope", "openid orders/write"), ("state", "s1")])).await;
    let params = scope.location_params();
    assert!(scope.location.unwrap().starts_with(CALLBACK));
    assert_eq!((params["error"].as_str(), params["state"].as_str()), ("invalid_scope", "s1"));
    let implicit = browser.get(&app.authorize_url(&[]).replace("response_type=code", "response_type=token")).await;
    assert_eq!(implicit.location_params()["error"], "unauthorized_client");
    let bogus = browser.get(&app.authorize_url(&[]).replace("response_type=code", "response_type=id_token")).await;
    assert_eq!(bogus.location_params()["error"], "unsupported_response_type");
    let plain = browser
        .get(&app.authorize_url(&[("code_challenge", &"a".repeat(43)), ("code_challenge_method", "plain")]))
        .await;
    assert_eq!(plain.location_params()["error"], "invalid_request");
    let idp = browser.get(&app.authorize_url(&[("identity_provider", "Google")])).await;
    assert_eq!(idp.location_params()["error"], "invalid_request");
    let none = browser.get(&app.authorize_url(&[("prompt", "none"), ("state", "p")])).await;
    assert_eq!(
        (none.location_params()["error"].as_str(), none.location_params()["state"].as_str()),
        ("login_required", "p")
    );

    // An unknown domain does not exist.
    let nowhere = browser.get(&format!("{}/domain/nosuchdomain/oauth2/authorize", app.url)).await;
    assert_eq!(nowhere.status, 404);
}

#[tokio::test]
async fn the_sign_in_page_checks_csrf_passwords_and_asks_what_the_api_asks() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Pages").create(&client, &server.url()).await;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &app.pool).await;
    UserBuilder::new("temp").verified_email().temporary_password("Temp0rary!").create(&client, &app.pool).await;
    let browser = Browser::new();
    let url = app.authorize_url(&[("state", "st")]);
    let login = absolute(&app, browser.get(&url).await.location.as_deref().unwrap());
    let form = browser.get(&login).await;
    assert!(form.body.contains(r#"name="username""#) && form.body.contains(r#"name="password""#));
    assert!(form.body.contains(r#"<label class="label-customizable" for="signInFormUsername">"#));

    // No CSRF field, or another one: nothing happens but the form again.
    let forged = browser.post(&login, &[("username", "ana"), ("password", PASSWORD)]).await;
    assert_eq!(forged.status, 200);
    assert!(forged.body.contains("This form has expired"));
    assert!(browser.cookie("cognito").is_none());
    let csrf = form.input("_csrf").unwrap();
    let wrong = browser.post(&login, &[("_csrf", "not-the-token"), ("username", "ana"), ("password", PASSWORD)]).await;
    assert!(wrong.body.contains("This form has expired"));

    let bad = browser.post(&login, &[("_csrf", &csrf), ("username", "ana"), ("password", "wrong")]).await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("Incorrect username or password."), "{}", bad.body);
    let unknown = browser.post(&login, &[("_csrf", &csrf), ("username", "nobody"), ("password", "wrong")]).await;
    assert!(unknown.body.contains("User does not exist."));

    // A temporary password leads to the new-password page, whose answer signs in.
    let temp = browser.post(&login, &[("_csrf", &csrf), ("username", "temp"), ("password", "Temp0rary!")]).await;
    assert!(temp.body.contains("Change Password"), "{}", temp.body);
    let session = temp.input("session").unwrap();
    let challenge = absolute(&app, &format!("/domain/{}/challenge?{}", app.domain, login.split_once('?').unwrap().1));
    let fields = |new: &'static str, confirm: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("challenge", "NEW_PASSWORD_REQUIRED".to_owned()),
            ("session", session.clone()),
            ("username", "temp".to_owned()),
            ("password", new.to_owned()),
            ("confirmPassword", confirm.to_owned()),
        ]
    };
    let as_refs = |f: &Vec<(&'static str, String)>| f.iter().map(|(n, v)| (*n, v.clone())).collect::<Vec<_>>();
    let weak = as_refs(&fields("short", "short"));
    let weak: Vec<(&str, &str)> = weak.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let weak = browser.post(&challenge, &weak).await;
    assert!(weak.body.contains("Password did not conform with policy"), "{}", weak.body);
    let good = as_refs(&fields("N3w-Passw0rd!", "N3w-Passw0rd!"));
    let good: Vec<(&str, &str)> = good.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let done = browser.post(&challenge, &good).await;
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(done.location.unwrap().starts_with(&format!("{CALLBACK}?code=")));
    let status = client.admin_get_user().user_pool_id(&app.pool).username("temp").send().await.unwrap();
    assert_eq!(status.user_status.unwrap().as_str(), "CONFIRMED");
}

#[tokio::test]
async fn the_token_endpoint_authenticates_clients_and_grants_machine_tokens() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let machine =
        OAuthSetup::new("Machine").secret().flows(&["client_credentials"]).scopes(&["orders/read", "orders/write"]);
    let app = machine.create(&client, &server.url()).await;
    let secret = app.secret.clone().unwrap();

    let granted = token(&app, &[("grant_type", "client_credentials"), ("scope", "orders/write")]).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    let body = granted.json();
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        (access["sub"].as_str(), access["scope"].as_str()),
        (Some(app.client_id.as_str()), Some("orders/write"))
    );
    let all = token(&app, &[("grant_type", "client_credentials")]).await.json();
    assert_eq!(claims(all["access_token"].as_str().unwrap())["scope"], "orders/read orders/write");

    // client_secret_post works too; a wrong secret, no secret, an unknown client do not.
    let browser = Browser::new();
    let url = format!("{}/oauth2/token", app.base);
    let post = browser
        .post(&url, &[("grant_type", "client_credentials"), ("client_id", &app.client_id), ("client_secret", &secret)])
        .await;
    assert_eq!(post.status, 200, "{}", post.body);
    for fields in [
        vec![("grant_type", "client_credentials"), ("client_id", app.client_id.as_str()), ("client_secret", "wrong")],
        vec![("grant_type", "client_credentials"), ("client_id", app.client_id.as_str())],
        vec![("grant_type", "client_credentials"), ("client_id", "nosuchclient"), ("client_secret", secret.as_str())],
    ] {
        let refused = browser.post(&url, &fields).await;
        assert_eq!((refused.status, refused.json()["error"].as_str()), (400, Some("invalid_client")), "{fields:?}");
    }
    let both = browser
        .post_with(
            &url,
            &[("grant_type", "client_credentials"), ("client_secret", &secret)],
            &[("authorization", &app.basic())],
        )
        .await;
    assert_eq!(both.json()["error"], "invalid_request");
    let scope = token(&app, &[("grant_type", "client_credentials"), ("scope", "openid")]).await;
    assert_eq!(scope.json()["error"], "invalid_scope");
    let grant = token(&app, &[("grant_type", "password")]).await;
    assert_eq!(grant.json()["error"], "unsupported_grant_type");
    let missing = token(&app, &[("scope", "orders/read")]).await;
    assert_eq!(missing.json()["error"], "invalid_request");
    let code = token(&app, &[("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", CALLBACK)]).await;
    assert_eq!(code.json()["error"], "unauthorized_client", "the client may not use codes");
    let json =
        browser.post_with(&url, &[], &[("authorization", &app.basic()), ("content-type", "application/json")]).await;
    assert_eq!(json.json()["error"], "invalid_request");

    // A public client may not use client_credentials.
    let public = OAuthSetup::new("Public").flows(&["code"]).create(&client, &server.url()).await;
    let refused = token(&public, &[("grant_type", "client_credentials"), ("client_id", &public.client_id)]).await;
    assert_eq!(refused.json()["error"], "unauthorized_client");
}

#[tokio::test]
async fn codes_expire_after_five_minutes_and_belong_to_their_client() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Expiry").create(&client, &server.url()).await;
    UserBuilder::new("lee").verified_email().password(PASSWORD).create(&client, &app.pool).await;
    let browser = Browser::new();
    let url = app.authorize_url(&[]);
    let code = browser.sign_in(&app, &url, "lee", PASSWORD).await.location_params()["code"].clone();
    advance_clock(&server.url(), 301).await;
    let late = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
        ],
    )
    .await;
    assert_eq!(late.json()["error"], "invalid_grant");

    let code = browser.get(&url).await.location_params()["code"].clone();
    let other = OAuthSetup::new("Other").create(&client, &server.url()).await;
    let stolen = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &other.client_id),
        ],
    )
    .await;
    assert_eq!(stolen.json()["error"], "invalid_client", "another pool's client is unknown on this domain");
    let code = browser.get(&url).await.location_params()["code"].clone();
    let fine = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
        ],
    )
    .await;
    assert_eq!(fine.status, 200, "{}", fine.body);

    // The browser session lasts an hour.
    advance_clock(&server.url(), 3601).await;
    let asked = browser.get(&url).await;
    assert!(asked.location.unwrap().contains("/login?"), "the session expired");
}

#[tokio::test]
async fn implicit_grant_logout_prompt_and_host_routing() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Implicit").flows(&["code", "implicit"]).create(&client, &server.url()).await;
    UserBuilder::new("kim").verified_email().password(PASSWORD).create(&client, &app.pool).await;
    let browser = Browser::new();
    let url = app
        .authorize_url(&[("state", "i"), ("scope", "openid profile")])
        .replace("response_type=code", "response_type=token");
    let signed_in = browser.sign_in(&app, &url, "kim", PASSWORD).await;
    let location = signed_in.location.clone().unwrap();
    assert!(location.starts_with(&format!("{CALLBACK}#id_token=")), "{location}");
    let params = signed_in.location_params();
    assert_eq!(
        (params["token_type"].as_str(), params["expires_in"].as_str(), params["state"].as_str()),
        ("Bearer", "3600", "i")
    );
    assert!(!params.contains_key("refresh_token"));
    assert_eq!(claims(&params["access_token"])["scope"], "openid profile");

    // prompt=login asks again despite the session.
    let again = browser.get(&app.authorize_url(&[("prompt", "login")])).await;
    assert!(again.location.unwrap().contains("/login?"));

    // Logout: the session ends and the browser goes to a listed logout URL only.
    let bad =
        browser.get(&format!("{}/logout?client_id={}&logout_uri=https://evil.example/", app.base, app.client_id)).await;
    assert!(bad.location.unwrap().contains("error=redirect_mismatch"));
    let out = browser.get(&format!("{}/logout?client_id={}&logout_uri={}", app.base, app.client_id, SIGNED_OUT)).await;
    assert_eq!((out.status, out.location.as_deref()), (302, Some(SIGNED_OUT)));
    assert!(browser.cookie("cognito").is_none());
    let asked = browser.get(&app.authorize_url(&[])).await;
    assert!(asked.location.unwrap().contains("/login?"), "signed out");

    // The same endpoints on the domain's own host name, at AWS's paths.
    let host = format!("{}.auth.localhost:{}", app.domain, server.addr.port());
    let on_host = Browser::with_host(&host);
    let root = app.authorize_url(&[]).replace(&format!("/domain/{}", app.domain), "");
    let redirected = on_host.get(&root).await;
    assert_eq!(redirected.status, 302, "{}", redirected.body);
    assert!(redirected.location.unwrap().starts_with("/login?"), "root-relative on the domain's host");
    let aws_host = Browser::with_host(&format!("{}.auth.us-east-1.amazoncognito.com", app.domain));
    assert!(aws_host.get(&root).await.location.unwrap().starts_with("/login?"));
}

#[tokio::test]
async fn the_discovery_document_names_the_domains_endpoints() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let bare = common::create_pool(&client, "bare").await;
    let document: serde_json::Value = reqwest::get(format!("{}/{bare}/.well-known/openid-configuration", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document.get("token_endpoint").is_none(), "no domain, no endpoints");
    let app = OAuthSetup::new("Discovery").create(&client, &server.url()).await;
    let document: serde_json::Value =
        reqwest::get(format!("{}/{}/.well-known/openid-configuration", server.url(), app.pool))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    for (member, path) in [
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userInfo"),
        ("revocation_endpoint", "/oauth2/revoke"),
        ("end_session_endpoint", "/logout"),
    ] {
        assert_eq!(document[member], format!("{}{path}", app.base), "{member}");
    }
    assert_eq!(document["issuer"], format!("{}/{}", server.url(), app.pool));
}
