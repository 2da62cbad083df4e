//! The sign-in and confirmation triggers through the Invoke API (a test-owned endpoint,
//! `common::lambda`): PreAuthentication (`validationData` from `InitiateAuth`'s
//! `ClientMetadata`, `userNotFound` for clients that hide unknown users, refusals before any
//! password is counted), PostAuthentication (after the sign-in, before tokens;
//! `RespondToAuthChallenge`'s `ClientMetadata`), and PostConfirmation (`ConfirmSignUp`,
//! `AdminConfirmSignUp`, `ConfirmForgotPassword`; the confirmation stands when the function
//! fails).

mod common;

use std::collections::BTreeMap;

use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient};
use cognito_idp::Client;
use cognito_idp::types::LambdaConfigType;
use common::lambda::{FakeLambda, Reply, arn};
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, attr, failure, incorrect,
    outcome, pair, password_auth,
};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "N3w-passw0rd!";

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

/// A pool with these triggers whose users sign in with their (verified) email too.
async fn pool_with(client: &Client, config: LambdaConfigType) -> String {
    PoolBuilder::new("triggered")
        .alias_attributes("email")
        .auto_verify(&["email"])
        .with(move |p| p.lambda_config(config))
        .create(client)
        .await
}

fn user_attributes(sub: &str, email: &str, status: &str) -> Value {
    json!({
        "sub": sub,
        "cognito:email_alias": email,
        "cognito:user_status": status,
        "email": email,
        "email_verified": "true",
    })
}

async fn sub_of(client: &Client, pool: &str, username: &str) -> String {
    common::value_of(&common::attributes_of(client, pool, username).await, "sub").expect("a sub")
}

/// Checks the envelope every event shares.
fn assert_envelope(event: &Value, source: &str, pool: &str, user_name: &str, client_id: &str) {
    assert_eq!(event["version"], "1", "{event}");
    assert_eq!(event["triggerSource"], source, "{event}");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], pool);
    assert_eq!(event["userName"], user_name);
    assert_eq!(event["callerContext"]["clientId"], client_id);
    assert!(event["callerContext"]["awsSdkVersion"].is_string());
}

#[tokio::test]
async fn a_password_sign_in_calls_pre_then_post_authentication_with_aws_events() {
    let lambda = FakeLambda::start().await;
    lambda.returns("pre", |_| {});
    lambda.returns("post", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType {
        pre_authentication: Some(arn("pre")),
        post_authentication: Some(arn("post")),
        ..Default::default()
    };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &pool).await;
    let sub = sub_of(&client, &pool, "ana").await;

    let signed_in = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "ana@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .client_metadata("captcha", "ok")
        .send()
        .await
        .unwrap();
    assert!(signed_in.authentication_result.unwrap().access_token.is_some());

    let calls = lambda.calls();
    assert_eq!(
        calls.iter().map(|c| c.function.clone()).collect::<Vec<_>>(),
        [arn("pre"), arn("post")],
        "PreAuthentication, then PostAuthentication"
    );
    let pre = &calls[0].event;
    assert_envelope(pre, "PreAuthentication_Authentication", &pool, "ana", &app);
    assert_eq!(pre["request"]["userAttributes"], user_attributes(&sub, "ana@example.com", "CONFIRMED"));
    assert_eq!(pre["request"]["validationData"], json!({"captcha": "ok"}), "InitiateAuth's ClientMetadata");
    assert!(pre["request"].get("userNotFound").is_none(), "only for clients that hide unknown users");
    assert!(pre["request"].get("clientMetadata").is_none(), "{pre}");
    assert_eq!(pre["response"], json!({}));

    let post = &calls[1].event;
    assert_envelope(post, "PostAuthentication_Authentication", &pool, "ana", &app);
    assert_eq!(post["request"]["newDeviceUsed"], false);
    assert_eq!(post["request"]["userAttributes"], user_attributes(&sub, "ana@example.com", "CONFIRMED"));
    assert_eq!(post["request"]["clientMetadata"], json!({}), "InitiateAuth's ClientMetadata is not passed");
    assert_eq!(post["response"], json!({}));

    // The administrators' flow passes its ClientMetadata the same way.
    client
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "ana")
        .auth_parameters("PASSWORD", PASSWORD)
        .client_metadata("from", "admin")
        .send()
        .await
        .unwrap();
    let pre = lambda.events("pre").pop().unwrap();
    assert_eq!(pre["request"]["validationData"], json!({"from": "admin"}));

    // Refreshing is not a sign-in: neither trigger runs.
    let before = lambda.calls().len();
    let refresh = signed_in_refresh_token(&client, &app).await;
    common::refresh_auth(&client, &app, &refresh).await.unwrap();
    assert_eq!(lambda.calls().len(), before + 2, "only the sign-in that made the refresh token");
}

async fn signed_in_refresh_token(client: &Client, app: &str) -> String {
    let out = password_auth(client, app, "ana", PASSWORD).await.unwrap();
    out.authentication_result.unwrap().refresh_token.unwrap()
}

#[tokio::test]
async fn srp_sign_ins_reach_pre_authentication_first_and_post_authentication_with_the_answers_metadata() {
    let lambda = FakeLambda::start().await;
    lambda.returns("pre", |_| {});
    lambda.returns("post", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType {
        pre_authentication: Some(arn("pre")),
        post_authentication: Some(arn("post")),
        ..Default::default()
    };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("sam").verified_email().password(PASSWORD).create(&client, &pool).await;

    let srp = SrpClient::new(&pool, "sam", PASSWORD).unwrap();
    let started = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .client_metadata("step", "initiate")
        .send()
        .await
        .unwrap();
    assert_eq!(lambda.events("pre").len(), 1, "PreAuthentication runs when the SRP sign-in starts");
    assert!(lambda.events("post").is_empty());
    assert_eq!(lambda.events("pre")[0]["request"]["validationData"], json!({"step": "initiate"}));
    let challenge = PasswordVerifierChallenge::from_parameters(&started.challenge_parameters.unwrap()).unwrap();
    let answer: BTreeMap<String, String> = srp.respond(&challenge).unwrap();
    let done = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(started.session)
        .set_challenge_responses(Some(answer))
        .client_metadata("step", "respond")
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    let post = lambda.events("post");
    assert_eq!(post.len(), 1);
    assert_eq!(post[0]["request"]["clientMetadata"], json!({"step": "respond"}), "RespondToAuthChallenge's");
    assert_eq!(lambda.events("pre").len(), 1, "once per sign-in");

    // A refusal ends the SRP sign-in before any challenge.
    lambda.on("pre", |_| Reply::FunctionError("SRP is closed".into()));
    let refused = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(SrpClient::new(&pool, "sam", PASSWORD).unwrap().auth_parameters()))
        .send()
        .await;
    assert_eq!(
        failure(refused),
        pair("UserLambdaValidationException", "PreAuthentication failed with error SRP is closed.")
    );
}

#[tokio::test]
async fn a_pre_authentication_refusal_fails_the_sign_in_before_the_password_counts() {
    let lambda = FakeLambda::start().await;
    lambda.on("pre", |_| Reply::FunctionError("Sign-ins are closed".into()));
    lambda.returns("post", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType {
        pre_authentication: Some(arn("pre")),
        post_authentication: Some(arn("post")),
        ..Default::default()
    };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("bo").verified_email().password(PASSWORD).create(&client, &pool).await;

    let refused = pair("UserLambdaValidationException", "PreAuthentication failed with error Sign-ins are closed.");
    assert_eq!(failure(password_auth(&client, &app, "bo", PASSWORD).await), refused);
    // A wrong password is not even looked at, so it is not counted: seven of them would lock
    // the user out if they were.
    for _ in 0..7 {
        assert_eq!(failure(password_auth(&client, &app, "bo", "Wrong-passw0rd!").await), refused);
    }
    assert!(lambda.events("post").is_empty(), "no sign-in completed");
    assert_eq!(lambda.events("pre").len(), 8);

    lambda.returns("pre", |_| {});
    let out = password_auth(&client, &app, "bo", PASSWORD).await.expect("no lockout: nothing was counted");
    assert!(out.authentication_result.is_some());

    // A function that does not answer with an event, or cannot be reached.
    lambda.on("pre", |_| Reply::Raw("yes".into()));
    assert_eq!(
        failure(password_auth(&client, &app, "bo", PASSWORD).await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    lambda.on("pre", |_| Reply::ApiError(429, "TooManyRequestsException".into()));
    assert_eq!(
        failure(password_auth(&client, &app, "bo", PASSWORD).await),
        pair("UnexpectedLambdaException", "PreAuthentication invocation failed due to error TooManyRequestsException.")
    );
}

#[tokio::test]
async fn unknown_users_reach_pre_authentication_only_when_the_client_hides_them() {
    let lambda = FakeLambda::start().await;
    lambda.returns("pre", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType { pre_authentication: Some(arn("pre")), ..Default::default() };
    let pool = pool_with(&client, config).await;
    let open = ClientBuilder::new("open").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let hiding = ClientBuilder::new("hiding").flows(&PASSWORD_FLOWS).hide_users().create(&client, &pool).await.id;
    UserBuilder::new("cy").verified_email().password(PASSWORD).create(&client, &pool).await;
    let sub = sub_of(&client, &pool, "cy").await;

    // Without PreventUserExistenceErrors: the user is unknown, nothing is invoked.
    assert_eq!(failure(password_auth(&client, &open, "Ghost", PASSWORD).await).0, "UserNotFoundException");
    assert!(lambda.calls().is_empty());

    // With it: the function hears of the name as typed, and the answer stays the usual one.
    let out = client
        .initiate_auth()
        .client_id(&hiding)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "Ghost")
        .auth_parameters("PASSWORD", PASSWORD)
        .client_metadata("k", "v")
        .send()
        .await;
    assert_eq!(failure(out), incorrect());
    let event = lambda.events("pre").pop().unwrap();
    assert_envelope(&event, "PreAuthentication_Authentication", &pool, "Ghost", &hiding);
    assert_eq!(event["request"]["userNotFound"], true);
    assert_eq!(event["request"]["userAttributes"], json!({}));
    assert_eq!(event["request"]["validationData"], json!({"k": "v"}));

    // A known user through that client: `userNotFound` is false.
    password_auth(&client, &hiding, "cy", PASSWORD).await.unwrap();
    let event = lambda.events("pre").pop().unwrap();
    assert_eq!(event["request"]["userNotFound"], false);
    assert_eq!(event["request"]["userAttributes"], user_attributes(&sub, "cy@example.com", "CONFIRMED"));

    // The function may refuse the unknown name too: its error is the answer.
    lambda.on("pre", |event| {
        if event["request"]["userNotFound"] == true {
            Reply::FunctionError("Who?".into())
        } else {
            Reply::Value(event.clone())
        }
    });
    assert_eq!(
        failure(password_auth(&client, &hiding, "Ghost", PASSWORD).await),
        pair("UserLambdaValidationException", "PreAuthentication failed with error Who?.")
    );
}

#[tokio::test]
async fn a_post_authentication_failure_fails_the_sign_in_without_tokens() {
    let lambda = FakeLambda::start().await;
    lambda.on("post", |_| Reply::FunctionError("Audit log unavailable".into()));
    lambda.returns("tokens", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType {
        post_authentication: Some(arn("post")),
        pre_token_generation: Some(arn("tokens")),
        ..Default::default()
    };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("di").verified_email().password(PASSWORD).create(&client, &pool).await;

    assert_eq!(
        failure(password_auth(&client, &app, "di", PASSWORD).await),
        pair("UserLambdaValidationException", "PostAuthentication failed with error Audit log unavailable.")
    );
    assert!(lambda.events("tokens").is_empty(), "no tokens were made");

    // A user who must choose a password signs in through RespondToAuthChallenge, whose
    // ClientMetadata reaches the function.
    lambda.returns("post", |_| {});
    UserBuilder::new("ed").verified_email().temporary_password(PASSWORD).create(&client, &pool).await;
    let before = lambda.events("post").len();
    let started = password_auth(&client, &app, "ed", PASSWORD).await.unwrap();
    assert_eq!(started.challenge_name.unwrap().as_str(), "NEW_PASSWORD_REQUIRED");
    assert_eq!(lambda.events("post").len(), before, "not signed in yet");
    let done = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .set_session(started.session)
        .challenge_responses("USERNAME", "ed")
        .challenge_responses("NEW_PASSWORD", NEW_PASSWORD)
        .client_metadata("screen", "welcome")
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    let post = lambda.events("post").pop().unwrap();
    assert_envelope(&post, "PostAuthentication_Authentication", &pool, "ed", &app);
    assert_eq!(post["request"]["clientMetadata"], json!({"screen": "welcome"}));
    assert_eq!(post["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
}

#[tokio::test]
async fn post_confirmation_follows_confirm_sign_up_admin_confirm_sign_up_and_confirm_forgot_password() {
    let lambda = FakeLambda::start().await;
    lambda.returns("confirmed", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType { post_confirmation: Some(arn("confirmed")), ..Default::default() };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;

    // ConfirmSignUp.
    let signed_up = client
        .sign_up()
        .client_id(&app)
        .username("ana")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .user_attributes(attr("name", "Ana"))
        .send()
        .await
        .unwrap();
    assert!(lambda.calls().is_empty(), "signing up confirms nothing");
    let code = server.outbox_code(&pool, "ana", Some("SIGN_UP")).await;
    client
        .confirm_sign_up()
        .client_id(&app)
        .username("ana")
        .confirmation_code(&code)
        .client_metadata("campaign", "spring")
        .send()
        .await
        .unwrap();
    let event = lambda.events("confirmed").pop().unwrap();
    assert_envelope(&event, "PostConfirmation_ConfirmSignUp", &pool, "ana", &app);
    let mut expected = user_attributes(&signed_up.user_sub, "ana@example.com", "CONFIRMED");
    expected["name"] = json!("Ana");
    assert_eq!(event["request"]["userAttributes"], expected, "the user as confirmed");
    assert_eq!(event["request"]["clientMetadata"], json!({"campaign": "spring"}));
    assert_eq!(event["response"], json!({}));

    // AdminConfirmSignUp: no app client; the unverified email is no alias yet.
    let bo = client
        .sign_up()
        .client_id(&app)
        .username("bo")
        .password(PASSWORD)
        .user_attributes(attr("email", "bo@example.com"))
        .send()
        .await
        .unwrap();
    client
        .admin_confirm_sign_up()
        .user_pool_id(&pool)
        .username("bo")
        .client_metadata("by", "support")
        .send()
        .await
        .unwrap();
    let event = lambda.events("confirmed").pop().unwrap();
    assert_envelope(&event, "PostConfirmation_ConfirmSignUp", &pool, "bo", "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(
        event["request"]["userAttributes"],
        json!({"sub": bo.user_sub, "cognito:user_status": "CONFIRMED", "email": "bo@example.com"})
    );
    assert_eq!(event["request"]["clientMetadata"], json!({"by": "support"}));

    // ConfirmForgotPassword.
    client.forgot_password().client_id(&app).username("ana").send().await.unwrap();
    let code = server.outbox_code(&pool, "ana", Some("FORGOT_PASSWORD")).await;
    client
        .confirm_forgot_password()
        .client_id(&app)
        .username("ana@example.com")
        .confirmation_code(&code)
        .password(NEW_PASSWORD)
        .client_metadata("reason", "forgot")
        .send()
        .await
        .unwrap();
    let event = lambda.events("confirmed").pop().unwrap();
    assert_envelope(&event, "PostConfirmation_ConfirmForgotPassword", &pool, "ana", &app);
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(event["request"]["userAttributes"]["cognito:email_alias"], "ana@example.com");
    assert_eq!(event["request"]["clientMetadata"], json!({"reason": "forgot"}));
    assert_eq!(lambda.events("confirmed").len(), 3);
}

#[tokio::test]
async fn a_failing_post_confirmation_fails_the_call_but_the_confirmation_stands() {
    let lambda = FakeLambda::start().await;
    lambda.on("confirmed", |_| Reply::FunctionError("CRM down".into()));
    let server = server_with(&lambda).await;
    let client = server.client();
    let config = LambdaConfigType { post_confirmation: Some(arn("confirmed")), ..Default::default() };
    let pool = pool_with(&client, config).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    client
        .sign_up()
        .client_id(&app)
        .username("fay")
        .password(PASSWORD)
        .user_attributes(attr("email", "fay@example.com"))
        .send()
        .await
        .unwrap();
    let code = server.outbox_code(&pool, "fay", Some("SIGN_UP")).await;
    let confirm = || client.confirm_sign_up().client_id(&app).username("fay").confirmation_code(&code).send();
    let failed = pair("UserLambdaValidationException", "PostConfirmation failed with error CRM down.");
    assert_eq!(failure(confirm().await), failed);
    let user = client.admin_get_user().user_pool_id(&pool).username("fay").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "CONFIRMED", "confirmed before the function ran");
    assert_eq!(
        failure(confirm().await),
        pair("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
    );
    password_auth(&client, &app, "fay", PASSWORD).await.expect("the confirmed user signs in");

    // ConfirmForgotPassword: the new password is set all the same.
    client.forgot_password().client_id(&app).username("fay").send().await.unwrap();
    let code = server.outbox_code(&pool, "fay", Some("FORGOT_PASSWORD")).await;
    let reset = client
        .confirm_forgot_password()
        .client_id(&app)
        .username("fay")
        .confirmation_code(&code)
        .password(NEW_PASSWORD)
        .send()
        .await;
    assert_eq!(failure(reset), failed);
    assert_eq!(outcome(password_auth(&client, &app, "fay", PASSWORD).await).unwrap_err(), incorrect());
    password_auth(&client, &app, "fay", NEW_PASSWORD).await.expect("the new password is set");

    // AdminConfirmSignUp likewise.
    client
        .sign_up()
        .client_id(&app)
        .username("hal")
        .password(PASSWORD)
        .user_attributes(attr("email", "hal@example.com"))
        .send()
        .await
        .unwrap();
    let admin = client.admin_confirm_sign_up().user_pool_id(&pool).username("hal").send().await;
    assert_eq!(failure(admin), failed);
    let user = client.admin_get_user().user_pool_id(&pool).username("hal").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "CONFIRMED");
}
