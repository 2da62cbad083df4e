//! A managed login started on one instance finishes on another, as behind a round-robin
//! balancer: the CSRF token, the challenge session, the authorization code, the browser
//! session and the refresh token are all in the store. Two instances on one SQLite file, and
//! (when PostgreSQL is here) two on one PostgreSQL database.

mod common;

use common::oauth::{Browser, CALLBACK, OAuthApp, OAuthSetup, absolute};
use common::pg;
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder};

/// The same app on another instance: its URLs point there.
fn on(app: &OAuthApp, server: &InProcessServer) -> OAuthApp {
    let mut other = app.clone();
    other.base = app.base.replace(&app.url, &server.url());
    other.url = server.url();
    other
}

async fn every_step_on_the_other_instance(one: &InProcessServer, two: &InProcessServer) {
    let pool = PoolBuilder::new("Balanced").mfa("ON").ses_email().email_mfa();
    let a = OAuthSetup::new("Balanced").pool(pool).secret().create(&one.client(), &one.url()).await;
    let b = on(&a, two);
    UserBuilder::new("rita").verified_email().password(PASSWORD).create(&two.client(), &a.pool).await;
    let browser = Browser::new();

    // authorize on A, the form from B, the password to A, the email code to B.
    let to_login = browser.get(&a.authorize_url(&[("state", "rr")])).await;
    let login_on_b = absolute(&b, to_login.location.as_deref().unwrap());
    let form = browser.get(&login_on_b).await;
    let csrf = form.input("_csrf").unwrap();
    let login_on_a = login_on_b.replace(&two.url(), &one.url());
    let code_page = browser.post(&login_on_a, &[("_csrf", &csrf), ("username", "rita"), ("password", PASSWORD)]).await;
    assert!(code_page.body.contains("Enter your code"), "{}", code_page.body);
    let code = one.outbox_code(&a.pool, "rita", None).await;
    let query = login_on_b.split_once('?').unwrap().1;
    let fields = [
        ("_csrf", csrf.as_str()),
        ("challenge", "EMAIL_OTP"),
        ("session", &code_page.input("session").unwrap()),
        ("username", "rita"),
        ("code", &code),
    ];
    let done = browser.post(&format!("{}/challenge?{query}", b.base), &fields).await;
    assert_eq!(done.status, 302, "{}", done.body);
    let params = done.location_params();
    assert_eq!(params["state"], "rr");

    // The code from B is exchanged on A, the refresh token on B.
    let exchange =
        [("grant_type", "authorization_code"), ("code", params["code"].as_str()), ("redirect_uri", CALLBACK)];
    let tokens = Browser::new()
        .post_with(&format!("{}/oauth2/token", a.base), &exchange, &[("authorization", &a.basic())])
        .await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let refresh = tokens.json()["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = Browser::new()
        .post_with(
            &format!("{}/oauth2/token", b.base),
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            &[("authorization", &b.basic())],
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);

    // The browser session made on B lets the browser through on A, and a code is single use
    // across instances.
    let again = browser.get(&a.authorize_url(&[])).await;
    assert!(again.location.as_deref().unwrap().starts_with(&format!("{CALLBACK}?code=")), "{again:?}");
    let code = again.location_params()["code"].clone();
    let exchange = [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", CALLBACK)];
    let (browser_a, browser_b) = (Browser::new(), Browser::new());
    let (url_a, url_b) = (format!("{}/oauth2/token", a.base), format!("{}/oauth2/token", b.base));
    let (basic_a, basic_b) = (a.basic(), b.basic());
    let (headers_a, headers_b) = ([("authorization", basic_a.as_str())], [("authorization", basic_b.as_str())]);
    let (first, second) = tokio::join!(
        browser_b.post_with(&url_b, &exchange, &headers_b),
        browser_a.post_with(&url_a, &exchange, &headers_a)
    );
    let statuses = [first.status, second.status];
    assert!(statuses.contains(&200) && statuses.contains(&400), "exactly one exchange wins: {statuses:?}");
}

#[tokio::test]
async fn a_managed_login_crosses_instances_on_one_sqlite_file() {
    let one = InProcessServer::start().await;
    let db = one.db.clone();
    let two = InProcessServer::start_with(move |o| o.db = db).await;
    every_step_on_the_other_instance(&one, &two).await;
}

#[tokio::test]
async fn a_managed_login_crosses_instances_on_one_postgresql_database() {
    let Some(url) = pg::api::database().await else { return };
    let (one, two) = tokio::join!(pg::api::server_on(&url), pg::api::server_on(&url));
    every_step_on_the_other_instance(&one, &two).await;
}
