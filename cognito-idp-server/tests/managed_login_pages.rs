//! The managed login pages beyond sign-in, driven over HTTP as a browser would (common::oauth's
//! browser: redirects not followed, cookies kept and sent back): sign-up and its confirmation code, password recovery and
//! sign-in with a one-time code, each ending in an authorization code sent to the app's
//! callback; refusals shown with the API's own messages; forms without their CSRF token refused
//! without effect.

mod common;

use cognito_idp::Client;
use cognito_idp::types::SchemaAttributeType;
use common::oauth::{CALLBACK, Page};
use common::pages::{Pages, Read, pairs};
use common::{ClientBuilder, InProcessServer, PASSWORD, PoolBuilder, UserBuilder, attr, error_message, outbox_code};
use serde_json::Value;

/// What the pages say when a form comes without its CSRF token.
const EXPIRED_FORM: &str = "This form has expired. Please try again.";

/// A pool's domain and app client, ready for a browser.
struct Site {
    url: String,
    pool: String,
    client_id: String,
    domain: String,
}

/// A pool (email required and auto-verified, as `adjust` adds), a domain `myapp` of managed
/// login version `version`, and an OAuth client (authorization code, `openid email`, the
/// callback) allowing `flows` (a secret when `secret`).
async fn setup(server: &InProcessServer, pool: PoolBuilder, version: i32, flows: &[&str], secret: bool) -> Site {
    let client = server.client();
    let email = SchemaAttributeType {
        name: Some("email".into()),
        attribute_data_type: Some("String".into()),
        mutable: Some(true),
        required: Some(true),
        ..Default::default()
    };
    let pool = pool.auto_verify(&["email"]).with(move |p| p.schema(email)).create(&client).await;
    client
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("myapp")
        .managed_login_version(version)
        .send()
        .await
        .unwrap();
    let app = ClientBuilder::new("web").flows(flows).secret_if(secret).create(&client, &pool).await;
    let app_id = app.id.clone();
    oauth(&client, &pool, &app_id).await;
    Site { url: server.url(), pool, client_id: app.id, domain: "myapp".into() }
}

/// Makes `client_id` an OAuth client of the managed login pages (UpdateUserPoolClient replaces
/// the OAuth settings, so the flows are given again).
async fn oauth(client: &Client, pool: &str, client_id: &str) {
    let current = client.describe_user_pool_client().user_pool_id(pool).client_id(client_id).send().await.unwrap();
    let flows = current.user_pool_client.unwrap().explicit_auth_flows;
    client
        .update_user_pool_client()
        .user_pool_id(pool)
        .client_id(client_id)
        .set_explicit_auth_flows(flows)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows("code")
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_ur_ls(CALLBACK)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
}

/// Pages of `site` for its client, with an authorization request (code, `openid email`, state
/// `xyz`).
fn pages(site: &Site) -> Pages {
    pages_for(site, &site.client_id)
}

/// The same for client `client_id` of `site`'s pool.
fn pages_for(site: &Site, client_id: &str) -> Pages {
    let request = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid email"),
        ("state", "xyz"),
    ];
    Pages::new(&site.url, &site.domain, &request)
}

/// The authorization code a redirect brings the app, checked to go to the callback with the
/// request's state.
fn app_code(answer: &Page) -> String {
    let location = answer.redirect();
    let query = location.strip_prefix(&format!("{CALLBACK}?")).unwrap_or_else(|| panic!("{location}"));
    let pairs = pairs(query);
    assert_eq!(pairs.get("state").map(String::as_str), Some("xyz"), "{location}");
    pairs.get("code").cloned().unwrap_or_else(|| panic!("no code in {location}"))
}

/// The status a user has, or `None` when there is none.
async fn status_of(client: &Client, pool: &str, username: &str) -> Option<String> {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.ok()?;
    user.user_status.map(|s| s.as_str().to_owned())
}

#[tokio::test]
async fn sign_up_confirm_and_sign_in_end_with_a_code_for_the_app() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("pages"), 1, &[], false).await;
    let mut browser = pages(&site);

    // The sign-in page links the sign-up page, which asks for the required email.
    let login = browser.get("/login").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("/signup?"), "{}", login.body);
    let form = browser.get("/signup").await;
    assert_eq!(form.status, 200);
    for input in
        ["name=\"username\"", "name=\"password\"", "name=\"requiredAttributes[email]\"", "name=\"signUpButton\""]
    {
        assert!(form.body.contains(input), "{input} in {}", form.body);
    }
    assert!(form.body.contains("for=\"signUpFormAttribute-email\""), "labelled inputs");
    let fields = [("username", "diego"), ("password", PASSWORD), ("requiredAttributes[email]", "diego@example.com")];
    let confirm = browser.post("/signup", &fields).await;
    assert_eq!(confirm.status, 200);
    assert_eq!(confirm.error(), None);
    assert_eq!(
        confirm.info().as_deref(),
        Some("We have sent a code by email to d***@e***.com. Enter it below to confirm your account.")
    );
    assert!(!confirm.body.contains(PASSWORD), "the password never appears in a page");
    assert_eq!(status_of(&client, &site.pool, "diego").await.as_deref(), Some("UNCONFIRMED"));

    // A wrong code: ConfirmSignUp's message, and the same form for another try.
    let code = outbox_code(&site.url, &site.pool, "diego", Some("SIGN_UP")).await;
    let wrong = common::wrong_code(&code);
    let again = browser.submit(&confirm, "/confirm", &[("code", &wrong)]).await;
    let expected = client.confirm_sign_up().client_id(&site.client_id).username("diego").confirmation_code(&wrong);
    assert_eq!(again.error(), error_message(&expected.send().await.unwrap_err()));
    assert_eq!(status_of(&client, &site.pool, "diego").await.as_deref(), Some("UNCONFIRMED"));

    // Signing in before confirming (with the right password) leads to the confirmation form.
    let early = browser.post("/login", &[("username", "diego"), ("password", PASSWORD)]).await;
    assert!(early.body.contains("name=\"confirm\""), "{}", early.body);
    assert_eq!(
        early.info().as_deref(),
        Some("Your account is not confirmed yet. Enter the code we sent you, or ask for a new one.")
    );
    let wrong_password = browser.post("/login", &[("username", "diego"), ("password", "Wr0ng-password!")]).await;
    assert_eq!(wrong_password.error().as_deref(), Some("Incorrect username or password."));

    // A new code, then the right one: the sign-in page says so.
    let resent = browser.submit(&again, "/resendcode", &[]).await;
    assert!(resent.info().unwrap().starts_with("We have sent a code by email to d***@e***"), "{:?}", resent.info());
    let code = outbox_code(&site.url, &site.pool, "diego", Some("RESEND_CODE")).await;
    let confirmed = browser.submit(&resent, "/confirm", &[("code", &code)]).await;
    assert_eq!(confirmed.error(), None, "{}", confirmed.body);
    assert_eq!(confirmed.info().as_deref(), Some("Your account is confirmed. Please sign in."));
    assert!(confirmed.body.contains("name=\"signInSubmitButton\""));
    assert_eq!(status_of(&client, &site.pool, "diego").await.as_deref(), Some("CONFIRMED"));

    // Signing in sends the app a code, which the token endpoint exchanges for the user's tokens.
    let signed_in = browser.post("/login", &[("username", "diego"), ("password", PASSWORD)]).await;
    let code = app_code(&signed_in);
    let tokens: Value = reqwest::Client::new()
        .post(format!("{}/domain/myapp/oauth2/token", site.url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", site.client_id.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["id_token"].is_string() && tokens["access_token"].is_string(), "{tokens}");
}

#[tokio::test]
async fn a_client_with_a_secret_signs_up_through_the_pages() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("secret"), 1, &[], true).await;
    let mut browser = pages(&site);
    browser.get("/signup").await;
    let fields = [("username", "ana"), ("password", PASSWORD), ("requiredAttributes[email]", "ana@example.com")];
    let confirm = browser.post("/signup", &fields).await;
    assert_eq!(confirm.error(), None, "the page computes SecretHash: {}", confirm.body);
    let code = outbox_code(&site.url, &site.pool, "ana", Some("SIGN_UP")).await;
    let confirmed = browser.submit(&confirm, "/confirm", &[("code", &code)]).await;
    assert_eq!(confirmed.error(), None);
    assert_eq!(status_of(&client, &site.pool, "ana").await.as_deref(), Some("CONFIRMED"));
}

#[tokio::test]
async fn sign_up_refusals_are_the_apis_and_keep_what_was_typed() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("refusals"), 1, &[], false).await;
    let mut browser = pages(&site);
    browser.get("/signup").await;

    // A password the policy refuses: SignUp's message for the same request.
    let short = [("username", "diego"), ("password", "short"), ("requiredAttributes[email]", "diego@example.com")];
    let refused = browser.post("/signup", &short).await;
    let api = client
        .sign_up()
        .client_id(&site.client_id)
        .username("diego")
        .password("short")
        .user_attributes(attr("email", "diego@example.com"))
        .send()
        .await
        .unwrap_err();
    assert!(refused.error().is_some());
    assert_eq!(refused.error(), error_message(&api));
    assert!(refused.body.contains("value=\"diego@example.com\""), "the email is kept");
    assert!(!refused.body.contains("value=\"short\""), "the password is not");
    assert_eq!(status_of(&client, &site.pool, "diego").await, None);

    // A username that is taken.
    UserBuilder::new("maria").verified_email().password(PASSWORD).create(&client, &site.pool).await;
    let taken = [("username", "maria"), ("password", PASSWORD), ("requiredAttributes[email]", "m2@example.com")];
    let refused = browser.post("/signup", &taken).await;
    let api = client
        .sign_up()
        .client_id(&site.client_id)
        .username("maria")
        .password(PASSWORD)
        .user_attributes(attr("email", "m2@example.com"))
        .send()
        .await
        .unwrap_err();
    assert!(refused.error().is_some());
    assert_eq!(refused.error(), error_message(&api));
    assert_eq!(common::error_code(&api).as_deref(), Some("UsernameExistsException"));

    // A required attribute left out.
    let refused = browser.post("/signup", &[("username", "lucia"), ("password", PASSWORD)]).await;
    assert!(refused.error().unwrap().contains("email"), "{:?}", refused.error());
    assert_eq!(status_of(&client, &site.pool, "lucia").await, None);

    // A pool where only administrators create users shows SignUp's refusal, and no form.
    let admin_only = PoolBuilder::new("admins").with(|p| {
        p.admin_create_user_config(cognito_idp::types::AdminCreateUserConfigType {
            allow_admin_create_user_only: Some(true),
            ..Default::default()
        })
    });
    let server2 = InProcessServer::start().await;
    let site2 = setup(&server2, admin_only, 1, &[], false).await;
    let mut browser = pages(&site2);
    let login = browser.get("/login").await;
    assert!(!login.body.contains("/signup?"), "no sign-up link");
    let page = browser.get("/signup").await;
    assert_eq!(page.error().as_deref(), Some("SignUp is not permitted for this user pool"));
    assert!(!page.body.contains("signUpButton"));
    let posted = browser.post("/signup", &short).await;
    assert_eq!(posted.error().as_deref(), Some("SignUp is not permitted for this user pool"));
}

#[tokio::test]
async fn forms_without_their_csrf_token_do_nothing() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("csrf"), 1, &[], false).await;
    UserBuilder::new("maria").verified_email().password(PASSWORD).create(&client, &site.pool).await;
    let mut browser = pages(&site);
    browser.get("/signup").await;
    let fields = |csrf: &'static str| {
        [
            ("username", "diego"),
            ("password", PASSWORD),
            ("requiredAttributes[email]", "diego@example.com"),
            ("_csrf", csrf),
        ]
    };

    // Without the field, with a token that is not the cookie's, and from a browser without the
    // cookie (a cross-site form): the form again, nothing done.
    let missing = browser.post("/signup", &fields("")).await;
    assert_eq!(missing.status, 200);
    assert_eq!(missing.error().as_deref(), Some(EXPIRED_FORM));
    let forged = browser.post("/signup", &fields("forged-token")).await;
    assert_eq!(forged.error().as_deref(), Some(EXPIRED_FORM));
    let token = browser.csrf();
    let mut stranger = pages(&site);
    let leaked: Vec<(&str, &str)> = vec![
        ("username", "diego"),
        ("password", PASSWORD),
        ("requiredAttributes[email]", "diego@example.com"),
        ("_csrf", &token),
    ];
    let cross_site = stranger.post("/signup", &leaked).await;
    assert_eq!(cross_site.error().as_deref(), Some(EXPIRED_FORM));
    assert_eq!(status_of(&client, &site.pool, "diego").await, None);
    assert!(common::outbox(&site.url, Some(&site.pool), Some("diego")).await.is_empty());

    // Password recovery: no code sent, no password changed.
    browser.get("/forgotPassword").await;
    let refused = browser.post("/forgotPassword", &[("username", "maria"), ("_csrf", "")]).await;
    assert_eq!(refused.error().as_deref(), Some(EXPIRED_FORM));
    assert!(common::outbox(&site.url, Some(&site.pool), Some("maria")).await.is_empty());
    let refused = browser
        .post(
            "/confirmForgotPassword",
            &[
                ("username", "maria"),
                ("code", "123456"),
                ("password", "N3w-Passw0rd!"),
                ("confirmPassword", "N3w-Passw0rd!"),
                ("_csrf", "x"),
            ],
        )
        .await;
    assert_eq!(refused.error().as_deref(), Some(EXPIRED_FORM));
    // With its token, the same browser's form works.
    let sent = browser.post("/forgotPassword", &[("username", "maria")]).await;
    assert_eq!(sent.error(), None, "{}", sent.body);
    assert_eq!(common::outbox(&site.url, Some(&site.pool), Some("maria")).await.len(), 1);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("recovery"), 1, &[], false).await;
    UserBuilder::new("maria").verified_email().password(PASSWORD).create(&client, &site.pool).await;
    let mut browser = pages(&site);

    let login = browser.get("/login").await;
    assert!(login.body.contains("/forgotPassword?"), "the sign-in page links recovery");
    let form = browser.get("/forgotPassword").await;
    assert!(form.body.contains("name=\"reset_my_password\"") && form.body.contains("name=\"username\""));
    let sent = browser.post("/forgotPassword", &[("username", "maria")]).await;
    assert_eq!(sent.error(), None, "{}", sent.body);
    assert_eq!(
        sent.info().as_deref(),
        Some("We have sent a password reset code by email to m***@e***.com. Enter it below to reset your password.")
    );
    for input in ["name=\"code\"", "name=\"password\"", "name=\"confirmPassword\""] {
        assert!(sent.body.contains(input), "{input}");
    }
    let code = outbox_code(&site.url, &site.pool, "maria", Some("FORGOT_PASSWORD")).await;
    let new_password = "N3w-Passw0rd!";

    // Two different passwords, then one the policy refuses: the code is still good after both.
    let mismatch = browser
        .submit(
            &sent,
            "/confirmForgotPassword",
            &[("code", &code), ("password", new_password), ("confirmPassword", "Other-Passw0rd!")],
        )
        .await;
    assert_eq!(mismatch.error().as_deref(), Some("Password confirmation must match."));
    let weak = browser
        .submit(
            &mismatch,
            "/confirmForgotPassword",
            &[("code", &code), ("password", "weak"), ("confirmPassword", "weak")],
        )
        .await;
    let api = client
        .confirm_forgot_password()
        .client_id(&site.client_id)
        .username("maria")
        .confirmation_code(&code)
        .password("weak")
        .send()
        .await
        .unwrap_err();
    assert_eq!(weak.error(), error_message(&api));
    let done = browser
        .submit(
            &weak,
            "/confirmForgotPassword",
            &[("code", &code), ("password", new_password), ("confirmPassword", new_password)],
        )
        .await;
    assert_eq!(done.error(), None, "{}", done.body);
    assert_eq!(done.info().as_deref(), Some("Your password has been reset. Please sign in with your new password."));

    // The old password no longer signs in; the new one does.
    let old = browser.post("/login", &[("username", "maria"), ("password", PASSWORD)]).await;
    assert_eq!(old.status, 200);
    assert_eq!(old.error().as_deref(), Some("Incorrect username or password."));
    app_code(&browser.post("/login", &[("username", "maria"), ("password", new_password)]).await);
}

#[tokio::test]
async fn a_one_time_code_by_email_signs_in_and_a_wrong_one_may_be_retried() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("codes").sign_in_factors(&["PASSWORD", "EMAIL_OTP"]);
    let site = setup(&server, pool, 2, &["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], false).await;
    UserBuilder::new("diego").verified_email().password(PASSWORD).create(&client, &site.pool).await;
    let mut browser = pages(&site);

    let login = browser.get("/login").await;
    assert!(login.body.contains("/passwordless?"), "the sign-in page offers a code: {}", login.body);
    let form = browser.get("/passwordless").await;
    assert_eq!(form.status, 200);
    let challenge = browser.post("/passwordless", &[("username", "diego")]).await;
    assert_eq!(challenge.error(), None, "{}", challenge.body);
    assert!(challenge.info().unwrap().contains("d***@e***"), "{:?}", challenge.info());
    let code = outbox_code(&site.url, &site.pool, "diego", Some("EMAIL_OTP")).await;

    let wrong = browser.submit(&challenge, "/challenge", &[("code", "00000000")]).await;
    assert_eq!(wrong.status, 200);
    assert_eq!(wrong.error().as_deref(), Some("Invalid code or auth state for the user."));
    app_code(&browser.submit(&wrong, "/challenge", &[("code", &code)]).await);

    // The choice of factor when the pool allows both codes: the password is one of them.
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("choice").sign_in_factors(&["PASSWORD", "EMAIL_OTP", "SMS_OTP"]);
    let site = setup(&server, pool, 2, &["ALLOW_USER_AUTH"], false).await;
    UserBuilder::new("diego").verified_email().password(PASSWORD).create(&client, &site.pool).await;
    let mut browser = pages(&site);
    browser.get("/passwordless").await;
    let select = browser.post("/passwordless", &[("username", "diego")]).await;
    assert!(select.body.contains("value=\"EMAIL_OTP\"") && select.body.contains("value=\"PASSWORD\""));
    assert!(!select.body.contains("value=\"SMS_OTP\""), "diego has no phone number");
    let wrong = browser
        .submit(&select, "/challenge", &[("challengeChoice", "PASSWORD"), ("password", "Wrong-Passw0rd!")])
        .await;
    assert_eq!(wrong.error().as_deref(), Some("Incorrect username or password."));
    let select = browser.post("/passwordless", &[("username", "diego")]).await;
    app_code(&browser.submit(&select, "/challenge", &[("challengeChoice", "PASSWORD"), ("password", PASSWORD)]).await);
}

#[tokio::test]
async fn one_time_codes_need_managed_login_a_user_auth_client_and_a_code_factor() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("codes").sign_in_factors(&["PASSWORD", "EMAIL_OTP"]);
    let site = setup(&server, pool, 2, &["ALLOW_USER_AUTH"], false).await;
    let offered = |page: &Page| page.body.contains("/passwordless?");
    assert!(offered(&pages(&site).get("/login").await));

    // A client without ALLOW_USER_AUTH.
    let other = ClientBuilder::new("password-only").flows(&["ALLOW_USER_SRP_AUTH"]).create(&client, &site.pool).await;
    oauth(&client, &site.pool, &other.id).await;
    let mut browser = pages_for(&site, &other.id);
    assert!(!offered(&browser.get("/login").await));
    let away = browser.get("/passwordless").await;
    assert_eq!(away.status, 302);
    assert!(away.location.unwrap().starts_with("/domain/myapp/login?"));

    // The classic hosted UI.
    client
        .update_user_pool_domain()
        .user_pool_id(&site.pool)
        .domain("myapp")
        .managed_login_version(1)
        .send()
        .await
        .unwrap();
    let mut browser = pages(&site);
    assert!(!offered(&browser.get("/login").await));
    browser.get("/login").await;
    let refused = browser.post("/passwordless", &[("username", "diego")]).await;
    assert_eq!(refused.status, 302, "no code sent");

    // A pool allowing passwords only.
    let server = InProcessServer::start().await;
    let site = setup(&server, PoolBuilder::new("passwords"), 2, &["ALLOW_USER_AUTH"], false).await;
    assert!(!offered(&pages(&site).get("/login").await));
}

#[tokio::test]
async fn the_sign_up_page_links_the_clients_terms_once_both_exist() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let site = setup(&server, PoolBuilder::new("terms"), 2, &[], false).await;
    let terms = |name: &str| {
        client
            .create_terms()
            .user_pool_id(&site.pool)
            .client_id(&site.client_id)
            .terms_name(name)
            .terms_source("LINK")
            .enforcement("NONE")
    };
    let shown = |page: &Page| page.body.contains("id=\"termsLinks\"");
    assert!(!shown(&pages(&site).get("/signup").await));

    // Terms of use alone are not shown: AWS waits for both documents.
    terms("terms-of-use")
        .links("cognito:default", "https://example.com/terms")
        .links("cognito:spanish", "https://example.com/es/terms")
        .send()
        .await
        .unwrap();
    assert!(!shown(&pages(&site).get("/signup").await));
    terms("privacy-policy").links("cognito:default", "https://example.com/privacy").send().await.unwrap();
    let page = pages(&site).get("/signup").await;
    assert!(shown(&page), "{}", page.body);
    assert!(page.body.contains("href=\"https://example.com/terms\""));
    assert!(page.body.contains("href=\"https://example.com/privacy\""));

    // In Spanish: the Spanish terms, and the default privacy policy.
    let page = pages(&site).in_language("es").get("/signup").await;
    assert!(page.body.contains("href=\"https://example.com/es/terms\""), "{}", page.body);
    assert!(page.body.contains("href=\"https://example.com/privacy\""));
}
