//! Self-service sign-up over HTTP with the generated client: SignUp (with and without a client
//! secret), ConfirmSignUp with the code read from `/_local/outbox`, wrong, expired and
//! too-often-wrong codes, ResendConfirmationCode, and AWS's errors word for word.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{AdminCreateUserConfigType, AttributeType, SchemaAttributeType, UserStatusType};
use common::{ClientBuilder, InProcessServer, PoolBuilder, attr, error_code, error_message};
use serde_json::Value;

const PASSWORD: &str = "Passw0rd!";

fn email(value: &str) -> AttributeType {
    attr("email", value)
}

/// A pool that auto-verifies `verified` (`email`, `phone_number`), and an app client of it
/// (with a secret when `secret`): (pool id, client id, client secret).
async fn pool_and_client(client: &Client, verified: &[&str], secret: bool) -> (String, String, Option<String>) {
    let pool = PoolBuilder::new("signup").auto_verify(verified).create(client).await;
    let app = ClientBuilder::new("web").secret_if(secret).create(client, &pool).await;
    (pool, app.id, app.secret)
}

async fn status(client: &Client, pool: &str, username: &str) -> (UserStatusType, Vec<(String, String)>) {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.expect("AdminGetUser");
    let attributes =
        user.user_attributes.unwrap_or_default().into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect();
    (user.user_status.unwrap(), attributes)
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn sign_up_sends_a_code_that_confirms_the_user() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &["email"], false).await;

    let out = client
        .sign_up()
        .client_id(&app)
        .username("diego")
        .password(PASSWORD)
        .user_attributes(email("diego@example.com"))
        .send()
        .await
        .expect("SignUp");
    assert!(!out.user_confirmed);
    assert_eq!(uuid_version(&out.user_sub), Some('4'), "{}", out.user_sub);
    let details = out.code_delivery_details.expect("a code was sent");
    assert_eq!(details.destination.as_deref(), Some("d***@e***.com"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    assert_eq!(details.attribute_name.as_deref(), Some("email"));

    let (user_status, attributes) = status(&client, &pool, "diego").await;
    assert_eq!(user_status, UserStatusType::Unconfirmed);
    assert_eq!(attribute(&attributes, "sub"), Some(out.user_sub.as_str()));
    assert_eq!(attribute(&attributes, "email"), Some("diego@example.com"));

    let messages = server.outbox(Some(&pool), Some("diego")).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message["kind"], "SIGN_UP");
    assert_eq!(message["medium"], "EMAIL");
    assert_eq!(message["destination"], "diego@example.com");
    assert_eq!(message["userPoolId"], pool.as_str());
    assert!(message["timeMs"].as_i64().unwrap() > 0);
    let code = message["code"].as_str().unwrap();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e =
        client.confirm_sign_up().client_id(&app).username("diego").confirmation_code(wrong).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("CodeMismatchException"));
    assert_eq!(error_message(&e).as_deref(), Some("Invalid verification code provided, please try again."));
    assert_eq!(status(&client, &pool, "diego").await.0, UserStatusType::Unconfirmed);

    client.confirm_sign_up().client_id(&app).username("diego").confirmation_code(code).send().await.expect("confirm");
    let (user_status, attributes) = status(&client, &pool, "diego").await;
    assert_eq!(user_status, UserStatusType::Confirmed);
    assert_eq!(attribute(&attributes, "email_verified"), Some("true"));

    let e =
        client.confirm_sign_up().client_id(&app).username("diego").confirmation_code(code).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("NotAuthorizedException"));
    assert_eq!(error_message(&e).as_deref(), Some("User cannot be confirmed. Current status is CONFIRMED"));
    let e = client.resend_confirmation_code().client_id(&app).username("diego").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidParameterException"));
    assert_eq!(error_message(&e).as_deref(), Some("User is already confirmed."));
}

fn uuid_version(text: &str) -> Option<char> {
    let parts: Vec<&str> = text.split('-').collect();
    (parts.len() == 5 && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])).then(|| parts[2].chars().next())?
}

#[tokio::test]
async fn clients_with_a_secret_require_the_right_secret_hash() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, secret) = pool_and_client(&client, &["email"], true).await;
    let secret = secret.expect("GenerateSecret returns the secret");

    let sign_up = |hash: Option<String>| {
        let mut call = client
            .sign_up()
            .client_id(&app)
            .username("maria")
            .password(PASSWORD)
            .user_attributes(email("maria@example.com"));
        if let Some(hash) = hash {
            call = call.secret_hash(hash);
        }
        call.send()
    };
    let e = sign_up(None).await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("NotAuthorizedException"));
    assert_eq!(error_message(&e), Some(format!("Client {app} is configured for secret but secret was not received")));
    let e = sign_up(Some(cognito_auth::secret_hash("maria", &app, "not-the-secret"))).await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("NotAuthorizedException"));
    assert_eq!(error_message(&e), Some(format!("Unable to verify secret hash for client {app}")));
    // A hash of another username does not pass either.
    let e = sign_up(Some(cognito_auth::secret_hash("maria2", &app, &secret))).await.unwrap_err();
    assert_eq!(error_message(&e), Some(format!("Unable to verify secret hash for client {app}")));
    assert!(server.outbox(Some(&pool), None).await.is_empty(), "a refused sign-up sends nothing");

    let hash = cognito_auth::secret_hash("maria", &app, &secret);
    sign_up(Some(hash.clone())).await.expect("SignUp with the right hash");

    // ConfirmSignUp and ResendConfirmationCode check it too.
    let e = client.resend_confirmation_code().client_id(&app).username("maria").send().await.unwrap_err();
    assert_eq!(error_message(&e), Some(format!("Client {app} is configured for secret but secret was not received")));
    client.resend_confirmation_code().client_id(&app).username("maria").secret_hash(&hash).send().await.unwrap();
    let code = server.outbox_code(&pool, "maria", None).await;
    let e = client
        .confirm_sign_up()
        .client_id(&app)
        .username("maria")
        .confirmation_code(&code)
        .secret_hash(cognito_auth::secret_hash("maria", &app, "wrong"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_message(&e), Some(format!("Unable to verify secret hash for client {app}")));
    client
        .confirm_sign_up()
        .client_id(&app)
        .username("maria")
        .confirmation_code(&code)
        .secret_hash(&hash)
        .send()
        .await
        .expect("ConfirmSignUp with the right hash");
    assert_eq!(status(&client, &pool, "maria").await.0, UserStatusType::Confirmed);
}

#[tokio::test]
async fn codes_expire_and_a_resent_code_replaces_the_old_one() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &["email"], false).await;
    client
        .sign_up()
        .client_id(&app)
        .username("ana")
        .password(PASSWORD)
        .user_attributes(email("ana@example.com"))
        .send()
        .await
        .unwrap();
    let first = server.outbox_code(&pool, "ana", None).await;

    // 25 hours later the code (valid 24 hours) has expired.
    server.advance_clock(90_000).await;
    let e =
        client.confirm_sign_up().client_id(&app).username("ana").confirmation_code(&first).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("ExpiredCodeException"));
    assert_eq!(error_message(&e).as_deref(), Some("Invalid code provided, please request a code again."));

    let out = client.resend_confirmation_code().client_id(&app).username("ana").send().await.expect("resend");
    let details = out.code_delivery_details.expect("delivery details");
    assert_eq!(details.destination.as_deref(), Some("a***@e***.com"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    let messages = server.outbox(Some(&pool), Some("ana")).await;
    assert_eq!(messages.iter().map(|m| m["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["SIGN_UP", "RESEND_CODE"]);
    let second = messages[1]["code"].as_str().unwrap().to_owned();

    if second != first {
        let e = client
            .confirm_sign_up()
            .client_id(&app)
            .username("ana")
            .confirmation_code(&first)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&e).as_deref(), Some("CodeMismatchException"), "the old code no longer works");
    }
    client.confirm_sign_up().client_id(&app).username("ana").confirmation_code(&second).send().await.expect("new code");
    assert_eq!(status(&client, &pool, "ana").await.0, UserStatusType::Confirmed);
}

#[tokio::test]
async fn too_many_wrong_codes_lock_the_code_until_a_new_one_is_sent() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &["email"], false).await;
    client
        .sign_up()
        .client_id(&app)
        .username("bruno")
        .password(PASSWORD)
        .user_attributes(email("bruno@example.com"))
        .send()
        .await
        .unwrap();
    let code = server.outbox_code(&pool, "bruno", None).await;
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let confirm =
        |code: String| client.confirm_sign_up().client_id(&app).username("bruno").confirmation_code(code).send();
    for _ in 0..5 {
        let e = confirm(wrong.into()).await.unwrap_err();
        assert_eq!(error_code(&e).as_deref(), Some("CodeMismatchException"));
    }
    // The sixth attempt is refused even with the right code.
    let e = confirm(code.clone()).await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("LimitExceededException"));
    assert_eq!(error_message(&e).as_deref(), Some("Attempt limit exceeded, please try after some time."));
    assert_eq!(status(&client, &pool, "bruno").await.0, UserStatusType::Unconfirmed);

    client.resend_confirmation_code().client_id(&app).username("bruno").send().await.unwrap();
    let fresh = server.outbox_code(&pool, "bruno", None).await;
    confirm(fresh).await.expect("a new code works again");
    assert_eq!(status(&client, &pool, "bruno").await.0, UserStatusType::Confirmed);
}

#[tokio::test]
async fn phone_numbers_are_verified_by_sms_before_emails() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &["email", "phone_number"], false).await;
    let out = client
        .sign_up()
        .client_id(&app)
        .username("carla")
        .password(PASSWORD)
        .user_attributes(email("carla@example.com"))
        .user_attributes(attr("phone_number", "+14155550123"))
        .send()
        .await
        .unwrap();
    let details = out.code_delivery_details.unwrap();
    assert_eq!(details.destination.as_deref(), Some("+*******0123"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("SMS"));
    assert_eq!(details.attribute_name.as_deref(), Some("phone_number"));
    let messages = server.outbox(Some(&pool), Some("carla")).await;
    assert_eq!(
        (messages[0]["medium"].as_str(), messages[0]["destination"].as_str()),
        (Some("SMS"), Some("+14155550123"))
    );

    // Without a phone number the email gets the code.
    let out = client
        .sign_up()
        .client_id(&app)
        .username("dora")
        .password(PASSWORD)
        .user_attributes(email("dora@example.org"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details.unwrap().destination.as_deref(), Some("d***@e***.org"));

    let code = server.outbox_code(&pool, "carla", None).await;
    client.confirm_sign_up().client_id(&app).username("carla").confirmation_code(code).send().await.unwrap();
    let (_, attributes) = status(&client, &pool, "carla").await;
    assert_eq!(attribute(&attributes, "phone_number_verified"), Some("true"));
    assert_eq!(attribute(&attributes, "email_verified"), None, "only the phone number was verified");
}

#[tokio::test]
async fn pools_that_verify_nothing_send_nothing() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &[], false).await;
    let out = client
        .sign_up()
        .client_id(&app)
        .username("eva")
        .password(PASSWORD)
        .user_attributes(email("eva@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!out.user_confirmed);
    assert!(out.code_delivery_details.is_none());
    assert!(server.outbox(Some(&pool), None).await.is_empty());
    let e = client.resend_confirmation_code().client_id(&app).username("eva").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidParameterException"));
    assert_eq!(error_message(&e).as_deref(), Some("Cannot resend codes. Auto verification not turned on."));
    let e =
        client.confirm_sign_up().client_id(&app).username("eva").confirmation_code("123456").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("CodeMismatchException"));
    // An administrator confirms such users.
    client.admin_confirm_sign_up().user_pool_id(&pool).username("eva").send().await.unwrap();
    assert_eq!(status(&client, &pool, "eva").await.0, UserStatusType::Confirmed);
}

#[tokio::test]
async fn bad_sign_ups_get_aws_errors_and_store_nothing() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = pool_and_client(&client, &["email"], false).await;

    let e = client.sign_up().client_id("nosuchclient").username("x").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("ResourceNotFoundException"));
    assert_eq!(error_message(&e).as_deref(), Some("User pool client nosuchclient does not exist."));

    let e = client.sign_up().client_id(&app).username("x").password("short").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidPasswordException"));
    assert_eq!(error_message(&e).as_deref(), Some("Password did not conform with policy: Password not long enough"));

    let e = client.sign_up().client_id(&app).username("x").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidParameterException"));

    let e = client
        .sign_up()
        .client_id(&app)
        .username("x")
        .password(PASSWORD)
        .user_attributes(email("not-an-email"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_message(&e).as_deref(), Some("Invalid email address format."));

    let e = client
        .sign_up()
        .client_id(&app)
        .username("x")
        .password(PASSWORD)
        .user_attributes(attr("custom:nope", "1"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidParameterException"));
    assert_eq!(
        error_message(&e).as_deref(),
        Some("Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\n")
    );

    let e = client.admin_get_user().user_pool_id(&pool).username("x").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("UserNotFoundException"), "nothing was stored");

    client.sign_up().client_id(&app).username("x").password(PASSWORD).send().await.unwrap();
    let e = client.sign_up().client_id(&app).username("x").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("UsernameExistsException"));
    assert_eq!(error_message(&e).as_deref(), Some("User account already exists"));

    for call in ["confirm", "resend"] {
        let e = match call {
            "confirm" => client
                .confirm_sign_up()
                .client_id(&app)
                .username("nobody")
                .confirmation_code("123456")
                .send()
                .await
                .map(|_| ())
                .unwrap_err()
                .to_string(),
            _ => client
                .resend_confirmation_code()
                .client_id(&app)
                .username("nobody")
                .send()
                .await
                .unwrap_err()
                .to_string(),
        };
        assert!(e.contains("UserNotFoundException") && e.contains("Username/client id combination not found."), "{e}");
    }
}

#[tokio::test]
async fn required_attributes_and_admin_only_pools() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let email = SchemaAttributeType { name: Some("email".into()), required: Some(true), ..Default::default() };
    let pool = PoolBuilder::new("strict").with(|p| p.schema(email)).create(&client).await;
    let app = common::create_app_client(&client, &pool, "web").await;
    let e = client.sign_up().client_id(&app).username("x").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidParameterException"));
    assert_eq!(
        error_message(&e).as_deref(),
        Some("Attributes did not conform to the schema: email: The attribute is required\n")
    );

    let admin_only = AdminCreateUserConfigType { allow_admin_create_user_only: Some(true), ..Default::default() };
    let closed = PoolBuilder::new("closed").with(|p| p.admin_create_user_config(admin_only)).create(&client).await;
    let app = common::create_app_client(&client, &closed, "web").await;
    let e = client.sign_up().client_id(&app).username("x").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("NotAuthorizedException"));
    assert_eq!(error_message(&e).as_deref(), Some("SignUp is not permitted for this user pool"));
}

#[tokio::test]
async fn email_usernames_are_unique_and_confirm_by_email() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("by-email").username_attributes("email").auto_verify(&["email"]).create(&client).await;
    let app = common::create_app_client(&client, &pool, "web").await;

    let e = client.sign_up().client_id(&app).username("frida").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_message(&e).as_deref(), Some("Username should be an email."));

    let out = client.sign_up().client_id(&app).username("frida@example.com").password(PASSWORD).send().await.unwrap();
    // The username is the sub; the email is an attribute and signs the user in.
    let (_, attributes) = status(&client, &pool, "frida@example.com").await;
    assert_eq!(attribute(&attributes, "email"), Some("frida@example.com"));
    let messages = server.outbox(Some(&pool), Some(&out.user_sub)).await;
    assert_eq!(messages.len(), 1, "the outbox names the user by its username (the sub)");

    let e = client.sign_up().client_id(&app).username("frida@example.com").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("UsernameExistsException"));
    assert_eq!(error_message(&e).as_deref(), Some("An account with the given email already exists."));

    let code = messages[0]["code"].as_str().unwrap();
    client
        .confirm_sign_up()
        .client_id(&app)
        .username("frida@example.com")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    assert_eq!(status(&client, &pool, &out.user_sub).await.0, UserStatusType::Confirmed);
}

#[tokio::test]
async fn hidden_user_existence_answers_like_a_wrong_code() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, _, _) = pool_and_client(&client, &["email"], false).await;
    let app = ClientBuilder::new("private").hide_users().create(&client, &pool).await.id;
    let e = client
        .confirm_sign_up()
        .client_id(&app)
        .username("ghost")
        .confirmation_code("123456")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("CodeMismatchException"));
    let out = client.resend_confirmation_code().client_id(&app).username("ghost").send().await.unwrap();
    assert_eq!(out.code_delivery_details.unwrap().delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    let outbox: Vec<Value> = server.outbox(Some(&pool), None).await;
    assert!(outbox.is_empty(), "nothing is sent for an unknown user");
}
