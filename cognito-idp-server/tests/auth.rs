//! Sign-in over HTTP with the generated client: the password flows (public and admin), refresh,
//! the client's `ExplicitAuthFlows` and `SECRET_HASH`, AWS's answers for every account state,
//! `NEW_PASSWORD_REQUIRED`, challenge sessions (single use, bound to their client, expiring),
//! the temporary lockout, and choice-based sign-in (`USER_AUTH`). SRP has its own file
//! (`tests/srp.rs`). Time moves through `/_local/clock` instead of waiting.

mod common;

use std::collections::BTreeMap;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::{
    ClientBuilder, InProcessServer, PASSWORD_FLOWS, PoolBuilder, UserBuilder, app_client, failure, incorrect, invalid,
    pair, password_auth, secret_hash_unverified, secret_not_received,
};
use serde_json::{Value, json};

const PASSWORD: &str = "Correct-Horse-9";

/// A confirmed user with `PASSWORD` and a verified email.
async fn confirmed_user(client: &Client, pool: &str, username: &str) {
    common::confirmed_user(client, pool, username, PASSWORD).await;
}

fn tokens_of(result: Option<AuthenticationResultType>) -> AuthenticationResultType {
    let result = result.expect("an AuthenticationResult");
    assert!(result.access_token.as_deref().is_some_and(|t| t.split('.').count() == 3), "{result:?}");
    assert!(result.id_token.as_deref().is_some_and(|t| t.split('.').count() == 3));
    assert_eq!(result.token_type.as_deref(), Some("Bearer"));
    assert_eq!(result.expires_in, Some(3600));
    result
}

#[tokio::test]
async fn password_flows_sign_in_and_refresh() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "signin").await;
    let app = app_client(&client, &pool, &PASSWORD_FLOWS).await;
    confirmed_user(&client, &pool, "diego").await;

    let out = password_auth(&client, &app, "diego", PASSWORD).await.expect("USER_PASSWORD_AUTH");
    assert!(out.challenge_name.is_none());
    assert_eq!(out.challenge_parameters, Some(BTreeMap::new()));
    let tokens = tokens_of(out.authentication_result);
    let refresh = tokens.refresh_token.expect("a refresh token");

    // Signs in with the email alias? Not in a pool without aliases: the username only.
    assert_eq!(
        failure(password_auth(&client, &app, "diego@example.com", PASSWORD).await),
        pair("UserNotFoundException", "User does not exist.")
    );

    for flow in ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] {
        let out = client
            .admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(&app)
            .auth_flow(flow)
            .auth_parameters("USERNAME", "diego")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{flow}: {e:?}"));
        tokens_of(out.authentication_result);
    }

    for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
        let out = client
            .initiate_auth()
            .client_id(&app)
            .auth_flow(flow)
            .auth_parameters("REFRESH_TOKEN", &refresh)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{flow}: {e:?}"));
        let result = out.authentication_result.expect("tokens");
        assert!(result.access_token.is_some() && result.id_token.is_some());
    }
    let bad = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", "not-a-refresh-token")
        .send()
        .await;
    assert_eq!(failure(bad), pair("NotAuthorizedException", "Invalid Refresh Token"));

    // The access token works with the self-service operations.
    let access = tokens.access_token.unwrap();
    let me = client.get_user().access_token(&access).send().await.expect("GetUser");
    assert_eq!(me.username, "diego");

    // Missing parameters, and an unknown client.
    let missing = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "diego")
        .send()
        .await;
    assert_eq!(failure(missing), invalid("Missing required parameter PASSWORD"));
    let missing = client.initiate_auth().client_id(&app).auth_flow("USER_PASSWORD_AUTH").send().await;
    assert_eq!(failure(missing), invalid("Missing required parameter USERNAME"));
    assert_eq!(
        failure(password_auth(&client, "nosuchclient1234567890abcd", "diego", PASSWORD).await),
        pair("ResourceNotFoundException", "User pool client nosuchclient1234567890abcd does not exist.")
    );
    let other_pool = common::create_pool(&client, "other").await;
    let wrong_pool = common::admin_password_auth(&client, &other_pool, &app, "diego", PASSWORD).await;
    assert_eq!(
        failure(wrong_pool),
        pair("ResourceNotFoundException", &format!("User pool client {app} does not exist."))
    );
}

#[tokio::test]
async fn flows_must_be_allowed_by_the_client_and_taken_by_the_operation() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "flows").await;
    confirmed_user(&client, &pool, "diego").await;
    let srp_only = app_client(&client, &pool, &["ALLOW_USER_SRP_AUTH"]).await;
    let password_only = app_client(&client, &pool, &["ALLOW_USER_PASSWORD_AUTH"]).await;
    let defaults = app_client(&client, &pool, &[]).await;

    assert_eq!(
        failure(password_auth(&client, &srp_only, "diego", PASSWORD).await),
        invalid("USER_PASSWORD_AUTH flow not enabled for this client")
    );
    assert_eq!(
        failure(password_auth(&client, &defaults, "diego", PASSWORD).await),
        invalid("USER_PASSWORD_AUTH flow not enabled for this client")
    );
    let admin = |app: &str, flow: &str| {
        client
            .admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(app)
            .auth_flow(flow)
            .auth_parameters("USERNAME", "diego")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
    };
    assert_eq!(
        failure(admin(&srp_only, "ADMIN_USER_PASSWORD_AUTH").await),
        invalid("Auth flow not enabled for this client")
    );
    assert_eq!(failure(admin(&srp_only, "ADMIN_NO_SRP_AUTH").await), invalid("Auth flow not enabled for this client"));
    // Each operation takes its own password flow only.
    assert_eq!(
        failure(admin(&password_only, "USER_PASSWORD_AUTH").await),
        invalid("Initiate Auth method not supported.")
    );
    let public = |app: &str, flow: &str| {
        client
            .initiate_auth()
            .client_id(app)
            .auth_flow(flow)
            .auth_parameters("USERNAME", "diego")
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("SRP_A", "2")
            .auth_parameters("REFRESH_TOKEN", "x")
            .send()
    };
    for flow in ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] {
        assert_eq!(failure(public(&password_only, flow).await), invalid("Initiate Auth method not supported."));
    }
    assert_eq!(
        failure(public(&password_only, "USER_SRP_AUTH").await),
        invalid("USER_SRP_AUTH is not enabled for the client.")
    );
    assert_eq!(
        failure(public(&password_only, "REFRESH_TOKEN_AUTH").await),
        invalid("Refresh Token flow not enabled for this client")
    );
    assert_eq!(failure(public(&defaults, "USER_AUTH").await), invalid("USER_AUTH flow not enabled for this client"));
    assert_eq!(
        failure(public(&defaults, "CUSTOM_AUTH").await),
        invalid("Custom auth lambda trigger is not configured for the user pool.")
    );
    // The legacy value USER_PASSWORD_AUTH allows the flow too.
    let legacy = app_client(&client, &pool, &["USER_PASSWORD_AUTH"]).await;
    tokens_of(password_auth(&client, &legacy, "diego", PASSWORD).await.expect("legacy flow").authentication_result);
}

#[tokio::test]
async fn account_states_get_aws_answers() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "states").await;
    let app = app_client(&client, &pool, &PASSWORD_FLOWS).await;
    let hiding = ClientBuilder::new("app").flows(&PASSWORD_FLOWS).hide_users().create(&client, &pool).await.id;
    confirmed_user(&client, &pool, "diego").await;

    assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), incorrect());
    assert_eq!(
        failure(password_auth(&client, &app, "nobody", PASSWORD).await),
        pair("UserNotFoundException", "User does not exist.")
    );
    // PreventUserExistenceErrors: an unknown user answers like a wrong password.
    assert_eq!(failure(password_auth(&client, &hiding, "nobody", PASSWORD).await), incorrect());
    let admin_unknown = common::admin_password_auth(&client, &pool, &hiding, "nobody", PASSWORD).await;
    assert_eq!(failure(admin_unknown), incorrect());

    // Disabled.
    client.admin_disable_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(
        failure(password_auth(&client, &app, "diego", PASSWORD).await),
        pair("NotAuthorizedException", "User is disabled.")
    );
    client.admin_enable_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    tokens_of(password_auth(&client, &app, "diego", PASSWORD).await.unwrap().authentication_result);

    // Reset by an administrator.
    client
        .admin_reset_user_password()
        .user_pool_id(&pool)
        .username("diego")
        .send()
        .await
        .expect("AdminResetUserPassword");
    assert_eq!(
        failure(password_auth(&client, &app, "diego", PASSWORD).await),
        pair("PasswordResetRequiredException", "Password reset required for the user")
    );

    // Signed up, not confirmed: told so once the password is right.
    client.sign_up().client_id(&app).username("maria").password(PASSWORD).send().await.expect("SignUp");
    assert_eq!(failure(password_auth(&client, &app, "maria", "Wrong-Horse-9").await), incorrect());
    assert_eq!(
        failure(password_auth(&client, &app, "maria", PASSWORD).await),
        pair("UserNotConfirmedException", "User is not confirmed.")
    );
    client.admin_confirm_sign_up().user_pool_id(&pool).username("maria").send().await.unwrap();
    tokens_of(password_auth(&client, &app, "maria", PASSWORD).await.unwrap().authentication_result);

    // A user created with a suppressed, generated password has none that works.
    common::create_user(&client, &pool, "nopass", "nopass@example.com").await;
    assert_eq!(failure(password_auth(&client, &app, "nopass", PASSWORD).await), incorrect());
}

#[tokio::test]
async fn aliases_and_username_attributes_sign_in() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let by_alias = PoolBuilder::new("aliases").alias_attributes("email").create(&client).await;
    let app = app_client(&client, &by_alias, &PASSWORD_FLOWS).await;
    confirmed_user(&client, &by_alias, "diego").await;
    tokens_of(password_auth(&client, &app, "diego@example.com", PASSWORD).await.expect("alias").authentication_result);

    let by_email = PoolBuilder::new("emails").username_attributes("email").create(&client).await;
    let app = app_client(&client, &by_email, &PASSWORD_FLOWS).await;
    UserBuilder::new("ana@example.com").temporary_password("Temp-Pass-123").create(&client, &by_email).await;
    let out = password_auth(&client, &app, "ana@example.com", "Temp-Pass-123").await.expect("email as username");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));
    let params = out.challenge_parameters.unwrap();
    // The username in such pools is the sub.
    let user_id = &params["USER_ID_FOR_SRP"];
    assert_eq!(user_id.len(), 36, "{params:?}");
}

#[tokio::test]
async fn secret_hash_is_required_and_checked() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "secrets").await;
    let created = ClientBuilder::new("app").flows(&PASSWORD_FLOWS).secret().create(&client, &pool).await;
    let (app, secret) = (created.id, created.secret.expect("a secret"));
    confirmed_user(&client, &pool, "diego").await;

    assert_eq!(failure(password_auth(&client, &app, "diego", PASSWORD).await), secret_not_received(&app));
    let admin = |hash: Option<String>| {
        client
            .admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(&app)
            .auth_flow("ADMIN_USER_PASSWORD_AUTH")
            .auth_parameters("USERNAME", "diego")
            .auth_parameters("PASSWORD", PASSWORD)
            .set_auth_parameters(None)
            .auth_parameters("USERNAME", "diego")
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("SECRET_HASH", hash.unwrap_or_default())
            .send()
    };
    assert_eq!(failure(admin(None).await), secret_not_received(&app));
    let wrong = cognito_auth::secret_hash("maria", &app, &secret);
    assert_eq!(failure(admin(Some(wrong)).await), secret_hash_unverified(&app));
    let right = cognito_auth::secret_hash("diego", &app, &secret);
    tokens_of(admin(Some(right.clone())).await.expect("right hash").authentication_result);
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", &right)
        .send()
        .await
        .expect("right hash");
    let refresh = tokens_of(out.authentication_result).refresh_token.unwrap();
    let refreshed = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .auth_parameters("SECRET_HASH", &right)
        .auth_parameters("USERNAME", "diego")
        .send()
        .await
        .expect("refresh with the hash");
    assert!(refreshed.authentication_result.is_some());
    let no_hash = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", &refresh)
        .send()
        .await;
    assert_eq!(failure(no_hash), secret_not_received(&app));
}

/// A pool whose users must have a `name`, and a user of it on a temporary password.
async fn new_password_setup(client: &Client) -> (String, String, String) {
    let name = SchemaAttributeType {
        name: Some("name".into()),
        attribute_data_type: Some("String".into()),
        mutable: Some(true),
        required: Some(true),
        ..Default::default()
    };
    let pool = PoolBuilder::new("newpass").with(|p| p.schema(name)).create(client).await;
    let app = app_client(client, &pool, &PASSWORD_FLOWS).await;
    let other = app_client(client, &pool, &PASSWORD_FLOWS).await;
    UserBuilder::new("diego").temporary_password("Temp-Pass-123").email().create(client, &pool).await;
    (pool, app, other)
}

#[tokio::test]
async fn new_password_required_completes_sign_in() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, other) = new_password_setup(&client).await;

    let out = password_auth(&client, &app, "diego", "Temp-Pass-123").await.expect("temporary password");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));
    assert!(out.authentication_result.is_none());
    let params = out.challenge_parameters.clone().unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], "diego");
    let shown: Value = serde_json::from_str(&params["userAttributes"]).expect("userAttributes is JSON");
    assert_eq!(shown, json!({ "email": "diego@example.com" }));
    let required: Value = serde_json::from_str(&params["requiredAttributes"]).expect("requiredAttributes is JSON");
    assert_eq!(required, json!(["userAttributes.name"]));
    let session = out.session.expect("a session");
    assert!(session.len() >= 64);

    let respond = |session: &str, app: &str, responses: &[(&str, &str)]| {
        let mut request =
            client.respond_to_auth_challenge().client_id(app).challenge_name("NEW_PASSWORD_REQUIRED").session(session);
        for (k, v) in responses {
            request = request.challenge_responses(*k, *v);
        }
        request.send()
    };
    // Another client's session.
    assert_eq!(
        failure(
            respond(
                &session,
                &other,
                &[("USERNAME", "diego"), ("NEW_PASSWORD", "New-Pass-456"), ("userAttributes.name", "Diego")]
            )
            .await
        ),
        pair("NotAuthorizedException", "Invalid session for the user.")
    );
    // The session was used up by that attempt: a fresh one for the rest.
    let fresh = || async { password_auth(&client, &app, "diego", "Temp-Pass-123").await.unwrap().session.unwrap() };
    let session = fresh().await;
    assert_eq!(
        failure(respond(&session, &app, &[("USERNAME", "diego"), ("NEW_PASSWORD", "New-Pass-456")]).await),
        invalid("Attributes did not conform to the schema: name: The attribute is required\n")
    );
    let session = fresh().await;
    assert_eq!(
        failure(
            respond(
                &session,
                &app,
                &[("USERNAME", "diego"), ("NEW_PASSWORD", "short"), ("userAttributes.name", "Diego")]
            )
            .await
        ),
        pair("InvalidPasswordException", "Password did not conform with policy: Password not long enough")
    );
    let session = fresh().await;
    let done = respond(
        &session,
        &app,
        &[("USERNAME", "diego"), ("NEW_PASSWORD", "New-Pass-456"), ("userAttributes.name", "Diego")],
    )
    .await
    .expect("NEW_PASSWORD_REQUIRED answered");
    tokens_of(done.authentication_result);
    // Single use.
    assert_eq!(
        failure(
            respond(
                &session,
                &app,
                &[("USERNAME", "diego"), ("NEW_PASSWORD", "New-Pass-789"), ("userAttributes.name", "Diego")]
            )
            .await
        ),
        pair("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );
    let user = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(user.user_status.as_ref().map(|s| s.as_str()), Some("CONFIRMED"));
    assert_eq!(common::value_of(user.user_attributes.as_deref().unwrap_or_default(), "name").as_deref(), Some("Diego"));
    assert_eq!(failure(password_auth(&client, &app, "diego", "Temp-Pass-123").await), incorrect());
    tokens_of(password_auth(&client, &app, "diego", "New-Pass-456").await.unwrap().authentication_result);
}

#[tokio::test]
async fn sessions_expire_and_temporary_passwords_too() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app, _) = new_password_setup(&client).await;
    let session = password_auth(&client, &app, "diego", "Temp-Pass-123").await.unwrap().session.unwrap();
    // AuthSessionValidity: 3 minutes by default.
    server.advance_clock(181).await;
    let late = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .session(&session)
        .challenge_responses("USERNAME", "diego")
        .challenge_responses("NEW_PASSWORD", "New-Pass-456")
        .challenge_responses("userAttributes.name", "Diego")
        .send()
        .await;
    assert_eq!(failure(late), pair("NotAuthorizedException", "Invalid session for the user, session is expired."));

    // The admin operation answers the same challenge.
    let out = common::admin_password_auth(&client, &pool, &app, "diego", "Temp-Pass-123").await.unwrap();
    let done = client
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "diego")
        .challenge_responses("NEW_PASSWORD", "New-Pass-456")
        .challenge_responses("userAttributes.name", "Diego")
        .send()
        .await
        .expect("AdminRespondToAuthChallenge");
    tokens_of(done.authentication_result);

    // A temporary password stops working after TemporaryPasswordValidityDays (7).
    UserBuilder::new("late").temporary_password("Temp-Pass-123").attr("name", "Late").create(&client, &pool).await;
    server.advance_clock(8 * 24 * 3600).await;
    assert_eq!(
        failure(password_auth(&client, &app, "late", "Temp-Pass-123").await),
        pair("NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_user_out_for_growing_times() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "lockout").await;
    let app = app_client(&client, &pool, &PASSWORD_FLOWS).await;
    confirmed_user(&client, &pool, "diego").await;
    let exceeded = pair("NotAuthorizedException", "Password attempts exceeded");

    for _ in 0..5 {
        assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), incorrect());
    }
    // Locked for 1 s: even the right password is refused, and such attempts do not count.
    assert_eq!(failure(password_auth(&client, &app, "diego", PASSWORD).await), exceeded);
    assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), exceeded);
    server.advance_clock(1).await;
    // The sixth failure locks for 2 s.
    assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), incorrect());
    server.advance_clock(1).await;
    assert_eq!(failure(password_auth(&client, &app, "diego", PASSWORD).await), exceeded);
    server.advance_clock(1).await;
    // A success after the lockout starts over.
    tokens_of(password_auth(&client, &app, "diego", PASSWORD).await.unwrap().authentication_result);
    for _ in 0..5 {
        assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), incorrect());
    }
    assert_eq!(failure(password_auth(&client, &app, "diego", PASSWORD).await), exceeded);
    // 15 quiet minutes forget the failures too.
    server.advance_clock(15 * 60).await;
    assert_eq!(failure(password_auth(&client, &app, "diego", "Wrong-Horse-9").await), incorrect());
    tokens_of(password_auth(&client, &app, "diego", PASSWORD).await.unwrap().authentication_result);
}

/// A pool allowing password and email-code first factors, with an app client allowing
/// `USER_AUTH`.
async fn choice_setup(client: &Client) -> (String, String) {
    let pool = PoolBuilder::new("choice").sign_in_factors(&["PASSWORD", "EMAIL_OTP"]).create(client).await;
    let app = app_client(client, &pool, &["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]).await;
    confirmed_user(client, &pool, "diego").await;
    (pool, app)
}

fn names(challenges: Option<Vec<ChallengeNameType>>) -> Vec<String> {
    challenges.unwrap_or_default().iter().map(|c| c.as_str().to_owned()).collect()
}

#[tokio::test]
async fn user_auth_offers_the_factors_and_signs_in_with_each() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app) = choice_setup(&client).await;
    let start = |username: &str| {
        client.initiate_auth().client_id(&app).auth_flow("USER_AUTH").auth_parameters("USERNAME", username).send()
    };

    let out = start("diego").await.expect("USER_AUTH");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("SELECT_CHALLENGE"));
    assert_eq!(names(out.available_challenges), ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
    let select = |session: String, answer: &str, extra: &[(&str, &str)]| {
        let mut request = client
            .respond_to_auth_challenge()
            .client_id(&app)
            .challenge_name("SELECT_CHALLENGE")
            .session(session)
            .challenge_responses("USERNAME", "diego")
            .challenge_responses("ANSWER", answer);
        for (k, v) in extra {
            request = request.challenge_responses(*k, *v);
        }
        request.send()
    };
    tokens_of(
        select(out.session.unwrap(), "PASSWORD", &[("PASSWORD", PASSWORD)])
            .await
            .expect("PASSWORD")
            .authentication_result,
    );

    // An email code: sent through the outbox, a wrong one may be retried with the same session.
    let out = start("diego").await.unwrap();
    let challenge = select(out.session.unwrap(), "EMAIL_OTP", &[]).await.expect("EMAIL_OTP chosen");
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("EMAIL_OTP"));
    let params = challenge.challenge_parameters.unwrap();
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "d***@e***.com");
    let code = server.outbox_code(&pool, "diego", None).await;
    assert_eq!(code.len(), 8);
    let session = challenge.session.unwrap();
    let answer = |code: &str| {
        client
            .respond_to_auth_challenge()
            .client_id(&app)
            .challenge_name("EMAIL_OTP")
            .session(&session)
            .challenge_responses("USERNAME", "diego")
            .challenge_responses("EMAIL_OTP_CODE", code)
            .send()
    };
    assert_eq!(
        failure(answer("00000000").await),
        pair("CodeMismatchException", "Invalid code or auth state for the user.")
    );
    tokens_of(answer(&code).await.expect("the right code").authentication_result);

    // Straight to a factor with PREFERRED_CHALLENGE.
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("preferred PASSWORD");
    tokens_of(out.authentication_result);
    let wrong = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
        .auth_parameters("PASSWORD", "Wrong-Horse-9")
        .send()
        .await;
    assert_eq!(failure(wrong), incorrect());

    // An answer that was not offered.
    let out = start("diego").await.unwrap();
    assert_eq!(
        failure(select(out.session.unwrap(), "SMS_OTP", &[]).await),
        invalid("The challenge SMS_OTP is not available for this user.")
    );

    // An unknown user is offered the pool's factors and fails at the answer.
    let out = start("nobody").await.expect("unknown users are not disclosed");
    assert_eq!(names(out.available_challenges), ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
    let failed = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("SELECT_CHALLENGE")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "nobody")
        .challenge_responses("ANSWER", "PASSWORD")
        .challenge_responses("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(failure(failed), incorrect());
}
