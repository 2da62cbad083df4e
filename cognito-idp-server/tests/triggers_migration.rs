//! The UserMigration trigger over HTTP, against a test-owned Invoke endpoint
//! (`common::lambda`): `UserMigration_Authentication` on a password sign-in of an unknown user
//! (`USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`, `USER_AUTH` with `PASSWORD`; never SRP or a
//! passwordless factor), `UserMigration_ForgotPassword`
//! on `ForgotPassword`, the user created from the answer (`userAttributes`, `finalUserStatus`,
//! `messageAction`, `desiredDeliveryMediums`, `forceAliasCreation`, a `username` for an alias)
//! and the operation going on; an answer that knows nobody, a failing function.

mod common;

use cognito_auth::srp::SrpClient;
use cognito_idp::Client;
use cognito_idp::types::LambdaConfigType;
use common::lambda::{FakeLambda, Reply, arn};
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, failure, incorrect, pair,
    password_auth,
};
use serde_json::{Value, json};

const LEGACY_PASSWORD: &str = "legacy";

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

fn with_trigger(pool: PoolBuilder, name: &str) -> PoolBuilder {
    let config = LambdaConfigType { user_migration: Some(arn(name)), ..Default::default() };
    pool.with(move |p| p.lambda_config(config))
}

/// A legacy directory: `ana` and `bo` exist with password `legacy`; a sign-in with another
/// password, or an unknown name, is answered without attributes.
fn legacy(event: &mut Value) {
    let name = event["userName"].as_str().unwrap().to_owned();
    if !["ana", "bo", "mia@example.com"].contains(&name.as_str()) {
        return;
    }
    if event["triggerSource"] == "UserMigration_Authentication" && event["request"]["password"] != LEGACY_PASSWORD {
        return;
    }
    let local = name.split('@').next().unwrap().to_owned();
    event["response"]["userAttributes"] =
        json!({"email": format!("{local}@example.com"), "email_verified": "true", "name": local.to_uppercase()});
    if name == "mia@example.com" {
        event["response"]["userAttributes"]["username"] = json!("mia");
    }
    if name == "ana" || name == "mia@example.com" {
        event["response"]["finalUserStatus"] = json!("CONFIRMED");
        event["response"]["messageAction"] = json!("SUPPRESS");
    } else {
        event["response"]["desiredDeliveryMediums"] = json!(["EMAIL"]);
    }
}

async fn status(client: &Client, pool: &str, username: &str) -> String {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.unwrap();
    user.user_status.unwrap().as_str().to_owned()
}

#[tokio::test]
async fn a_password_sign_in_migrates_the_user_with_its_password_and_signs_it_in() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("migration"), "migrate").create(&client).await;
    let flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    let app = ClientBuilder::new("web").flows(&flows).create(&client, &pool).await.id;

    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "ana")
        .auth_parameters("PASSWORD", LEGACY_PASSWORD)
        .client_metadata("app_version", "7")
        .send()
        .await
        .expect("migrated and signed in");
    let tokens = out.authentication_result.expect("tokens");
    assert!(tokens.access_token.is_some());

    let events = lambda.events("migrate");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["triggerSource"], "UserMigration_Authentication");
    assert_eq!(event["userName"], "ana");
    assert_eq!(event["userPoolId"], pool.as_str());
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert_eq!(event["request"]["password"], LEGACY_PASSWORD);
    assert_eq!(event["request"]["validationData"], json!({"app_version": "7"}), "the sign-in's ClientMetadata");
    assert!(event["request"].get("clientMetadata").is_none());
    assert_eq!(
        event["response"],
        json!({"userAttributes": {}, "finalUserStatus": null, "messageAction": null,
               "desiredDeliveryMediums": null, "forceAliasCreation": null, "enableSMSMFA": null})
    );

    // The user is there, as the answer described it; the password is its own now.
    assert_eq!(status(&client, &pool, "ana").await, "CONFIRMED");
    let attributes = common::attributes_of(&client, &pool, "ana").await;
    assert_eq!(common::value_of(&attributes, "email").as_deref(), Some("ana@example.com"));
    assert_eq!(common::value_of(&attributes, "email_verified").as_deref(), Some("true"));
    assert_eq!(common::value_of(&attributes, "name").as_deref(), Some("ANA"));
    assert!(server.outbox(Some(&pool), Some("ana")).await.is_empty(), "SUPPRESS sends nothing");
    common::sign_in(&client, &app, "ana", LEGACY_PASSWORD).await;
    assert_eq!(failure(password_auth(&client, &app, "ana", "Wrong-Passw0rd").await), incorrect());
    // SRP works for the migrated user too (the verifier was made with the password).
    let srp = SrpClient::new(&pool, "ana", LEGACY_PASSWORD).unwrap();
    let challenge = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .send()
        .await
        .unwrap();
    let params = challenge.challenge_parameters.unwrap();
    let proof = srp.respond(&cognito_auth::srp::PasswordVerifierChallenge::from_parameters(&params).unwrap()).unwrap();
    let done = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(challenge.session)
        .set_challenge_responses(Some(proof))
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    assert_eq!(lambda.events("migrate").len(), 1, "a known user is never migrated again");

    // SRP never migrates: the function would need the password.
    let srp = SrpClient::new(&pool, "bo", LEGACY_PASSWORD).unwrap();
    let unknown = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .send()
        .await;
    assert_eq!(failure(unknown), pair("UserNotFoundException", "User does not exist."));
    assert_eq!(lambda.events("migrate").len(), 1);
}

#[tokio::test]
async fn an_administrators_sign_in_migrates_a_user_who_must_reset_and_gets_the_welcome() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("migration"), "migrate").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;

    let out = client
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "bo")
        .auth_parameters("PASSWORD", LEGACY_PASSWORD)
        .send()
        .await;
    assert_eq!(failure(out), pair("PasswordResetRequiredException", "Password reset required for the user"));
    let event = lambda.events("migrate").pop().unwrap();
    assert_eq!(event["triggerSource"], "UserMigration_Authentication");
    assert!(event["request"].get("validationData").is_none(), "no ClientMetadata, none sent: {event}");
    assert_eq!(status(&client, &pool, "bo").await, "RESET_REQUIRED", "no finalUserStatus: RESET_REQUIRED");
    let welcome = server.outbox(Some(&pool), Some("bo")).await;
    assert_eq!(welcome.len(), 1, "{welcome:?}");
    assert_eq!(
        (welcome[0]["kind"].as_str(), welcome[0]["medium"].as_str(), welcome[0]["destination"].as_str()),
        (Some("USER_MIGRATION"), Some("EMAIL"), Some("bo@example.com"))
    );

    // The reset that the answer asked for works, and the new password signs in.
    client.forgot_password().client_id(&app).username("bo").send().await.unwrap();
    let code = server.outbox_code(&pool, "bo", Some("FORGOT_PASSWORD")).await;
    client
        .confirm_forgot_password()
        .client_id(&app)
        .username("bo")
        .confirmation_code(code)
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    common::sign_in(&client, &app, "bo", PASSWORD).await;
    assert_eq!(lambda.events("migrate").len(), 1);
}

#[tokio::test]
async fn forgot_password_migrates_without_a_password_and_sends_the_code() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("migration"), "migrate").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;

    let out = client
        .forgot_password()
        .client_id(&app)
        .username("ana")
        .client_metadata("from", "reset-page")
        .send()
        .await
        .unwrap();
    let details = out.code_delivery_details.unwrap();
    assert_eq!(details.destination.as_deref(), Some("a***@e***.com"));
    let event = lambda.events("migrate").pop().unwrap();
    assert_eq!(event["triggerSource"], "UserMigration_ForgotPassword");
    assert!(event["request"].get("password").is_none(), "no password in a reset: {event}");
    assert_eq!(event["request"]["clientMetadata"], json!({"from": "reset-page"}));
    assert_eq!(status(&client, &pool, "ana").await, "CONFIRMED", "as the answer said");
    let code = server.outbox_code(&pool, "ana", Some("FORGOT_PASSWORD")).await;
    client
        .confirm_forgot_password()
        .client_id(&app)
        .username("ana")
        .confirmation_code(code)
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    common::sign_in(&client, &app, "ana", PASSWORD).await;
}

#[tokio::test]
async fn a_function_that_knows_nobody_or_fails_leaves_nobody() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("migration"), "migrate").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let hiding = ClientBuilder::new("hiding").flows(&PASSWORD_FLOWS).hide_users().create(&client, &pool).await.id;
    let nobody = |client_id: String| {
        client
            .initiate_auth()
            .client_id(client_id)
            .auth_flow("USER_PASSWORD_AUTH")
            .auth_parameters("USERNAME", "zed")
            .auth_parameters("PASSWORD", LEGACY_PASSWORD)
            .send()
    };
    let not_migrated = pair("UserNotFoundException", &format!("Exception migrating user in app client {app}"));
    assert_eq!(failure(nobody(app.clone()).await), not_migrated);
    assert_eq!(failure(nobody(hiding.clone()).await), incorrect());
    // A wrong legacy password: the function answers nothing either.
    assert_eq!(failure(password_auth(&client, &app, "ana", "not-legacy").await), not_migrated);
    let reset = client.forgot_password().client_id(&app).username("zed").send().await;
    assert_eq!(failure(reset), not_migrated);
    let hidden = client.forgot_password().client_id(&hiding).username("zed").send().await.unwrap();
    assert!(hidden.code_delivery_details.is_some(), "a simulated delivery");

    lambda.on("migrate", |_| Reply::FunctionError("Legacy DB down".into()));
    assert_eq!(
        failure(password_auth(&client, &app, "ana", LEGACY_PASSWORD).await),
        pair("UserLambdaValidationException", "UserMigration failed with error Legacy DB down.")
    );
    for name in ["zed", "ana"] {
        let gone = client.admin_get_user().user_pool_id(&pool).username(name).send().await;
        assert_eq!(failure(gone).0, "UserNotFoundException");
    }

    // A pool without the trigger: the unknown user is just unknown.
    let plain = PoolBuilder::new("plain").create(&client).await;
    let plain_app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &plain).await.id;
    let calls = lambda.calls().len();
    assert_eq!(
        failure(password_auth(&client, &plain_app, "ana", LEGACY_PASSWORD).await),
        pair("UserNotFoundException", "User does not exist.")
    );
    assert_eq!(lambda.calls().len(), calls);
}

#[tokio::test]
async fn aliases_are_kept_unique_unless_the_answer_forces_them() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("aliases").alias_attributes("email"), "migrate").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    // ana@example.com belongs to someone else already.
    UserBuilder::new("other")
        .attr("email", "ana@example.com")
        .attr("email_verified", "true")
        .password(PASSWORD)
        .create(&client, &pool)
        .await;
    assert_eq!(
        failure(password_auth(&client, &app, "ana", LEGACY_PASSWORD).await),
        pair("AliasExistsException", "An account with the given email already exists.")
    );
    assert_eq!(
        failure(client.admin_get_user().user_pool_id(&pool).username("ana").send().await).0,
        "UserNotFoundException"
    );
    lambda.returns("migrate", |event| {
        legacy(event);
        event["response"]["forceAliasCreation"] = json!(true);
    });
    common::sign_in(&client, &app, "ana", LEGACY_PASSWORD).await;
    let previous = common::attributes_of(&client, &pool, "other").await;
    assert_eq!(common::value_of(&previous, "email_verified").as_deref(), Some("false"), "the alias moved");

    // Signing in with an email alias: the answer's `username` names the new user.
    lambda.returns("migrate", legacy);
    common::sign_in(&client, &app, "mia@example.com", LEGACY_PASSWORD).await;
    let user = client.admin_get_user().user_pool_id(&pool).username("mia").send().await.unwrap();
    assert_eq!(common::value_of(&user.user_attributes.unwrap(), "email").as_deref(), Some("mia@example.com"));
}

#[tokio::test]
async fn choice_based_password_sign_ins_migrate_too_and_passwordless_ones_never_do() {
    let lambda = FakeLambda::start().await;
    lambda.returns("migrate", legacy);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool =
        with_trigger(PoolBuilder::new("choice").ses_email().sign_in_factors(&["PASSWORD", "EMAIL_OTP"]), "migrate")
            .create(&client)
            .await;
    let app = ClientBuilder::new("web").flows(&["ALLOW_USER_AUTH"]).create(&client, &pool).await.id;
    let user_auth = |username: &'static str, preferred: Option<&'static str>, password: Option<&'static str>| {
        let mut call =
            client.initiate_auth().client_id(&app).auth_flow("USER_AUTH").auth_parameters("USERNAME", username);
        if let Some(preferred) = preferred {
            call = call.auth_parameters("PREFERRED_CHALLENGE", preferred);
        }
        if let Some(password) = password {
            call = call.auth_parameters("PASSWORD", password);
        }
        call.send()
    };

    // PASSWORD as the preferred challenge, with the password: migrated and signed in.
    let out = user_auth("ana", Some("PASSWORD"), Some(LEGACY_PASSWORD)).await.expect("migrated and signed in");
    assert!(out.authentication_result.is_some());
    let event = lambda.events("migrate").pop().unwrap();
    assert_eq!(event["triggerSource"], "UserMigration_Authentication");
    assert_eq!(event["request"]["password"], LEGACY_PASSWORD);
    assert_eq!(status(&client, &pool, "ana").await, "CONFIRMED");

    // PASSWORD picked at SELECT_CHALLENGE: the same.
    let out = user_auth("bo", None, None).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SELECT_CHALLENGE");
    assert_eq!(lambda.events("migrate").len(), 1, "nothing asked before a password is given");
    let answer = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("SELECT_CHALLENGE")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "bo")
        .challenge_responses("ANSWER", "PASSWORD")
        .challenge_responses("PASSWORD", LEGACY_PASSWORD)
        .send()
        .await;
    // bo's directory entry leaves him RESET_REQUIRED, which stops the sign-in as AWS does.
    assert_eq!(failure(answer).0, "PasswordResetRequiredException");
    assert_eq!(lambda.events("migrate").len(), 2);
    assert_eq!(status(&client, &pool, "bo").await, "RESET_REQUIRED");

    // Somebody the directory does not know: never disclosed in a choice-based sign-in.
    let out = user_auth("zed", Some("PASSWORD"), Some(LEGACY_PASSWORD)).await;
    assert_eq!(failure(out), incorrect());

    // A passwordless factor never asks the function.
    let before = lambda.events("migrate").len();
    let out = user_auth("mia@example.com", Some("EMAIL_OTP"), None).await.unwrap();
    assert_eq!(
        out.challenge_name.unwrap().as_str(),
        "SELECT_CHALLENGE",
        "an unknown user is offered the pool's factors"
    );
    assert_eq!(lambda.events("migrate").len(), before);
}
