//! `USER_SRP_AUTH` over HTTP: the `PASSWORD_VERIFIER` challenge answered by cognito-auth's
//! `SrpClient` (the client side written from Cognito's published protocol, independently of the
//! server's use of the same crate's verifier) and by `pycognito` (PyPI), which signs in with
//! its own SRP and then verifies the tokens against the pool's JWKS.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient};
use cognito_idp::Client;
use cognito_idp::types::*;
use common::{
    ClientBuilder, InProcessServer, PoolBuilder, UserBuilder, app_client, failure, incorrect, invalid, pair,
    secret_hash_not_received,
};

const PASSWORD: &str = "Correct-Horse-9";
const FLOWS: [&str; 3] = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"];

/// A confirmed user with `PASSWORD` and a verified email.
async fn confirmed_user(client: &Client, pool: &str, username: &str) {
    common::confirmed_user(client, pool, username, PASSWORD).await;
}

/// `InitiateAuth` with `USER_SRP_AUTH` and `srp`'s parameters.
async fn initiate(
    client: &Client,
    app: &str,
    srp: &SrpClient,
) -> Result<InitiateAuthResponse, cognito_idp::SdkError<cognito_idp::operation::InitiateAuthError>> {
    client
        .initiate_auth()
        .client_id(app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .send()
        .await
}

/// `RespondToAuthChallenge` with `PASSWORD_VERIFIER`.
async fn respond(
    client: &Client,
    app: &str,
    session: Option<String>,
    responses: BTreeMap<String, String>,
) -> Result<RespondToAuthChallengeResponse, cognito_idp::SdkError<cognito_idp::operation::RespondToAuthChallengeError>>
{
    client
        .respond_to_auth_challenge()
        .client_id(app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(session)
        .set_challenge_responses(Some(responses))
        .send()
        .await
}

/// A full SRP sign-in of `username` with `password`.
async fn sign_in(
    client: &Client,
    pool: &str,
    app: &str,
    secret: Option<&str>,
    username: &str,
    password: &str,
) -> Result<RespondToAuthChallengeResponse, cognito_idp::SdkError<cognito_idp::operation::RespondToAuthChallengeError>>
{
    let mut srp = SrpClient::new(pool, username, password).unwrap();
    if let Some(secret) = secret {
        srp = srp.with_client_secret(app, secret);
    }
    let out = initiate(client, app, &srp).await.expect("USER_SRP_AUTH");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("PASSWORD_VERIFIER"));
    let params = out.challenge_parameters.unwrap();
    for key in ["SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"] {
        assert!(params.contains_key(key), "{key} missing from {params:?}");
    }
    let challenge = PasswordVerifierChallenge::from_parameters(&params).unwrap();
    respond(client, app, out.session, srp.respond(&challenge).unwrap()).await
}

fn assert_tokens(result: Option<AuthenticationResultType>) -> AuthenticationResultType {
    let result = result.expect("tokens");
    assert!(result.access_token.is_some() && result.id_token.is_some() && result.refresh_token.is_some());
    result
}

#[tokio::test]
async fn srp_signs_in_and_rejects_a_wrong_password() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "srp").await;
    let app = app_client(&client, &pool, &FLOWS).await;
    confirmed_user(&client, &pool, "diego").await;

    assert_tokens(sign_in(&client, &pool, &app, None, "diego", PASSWORD).await.expect("SRP").authentication_result);
    assert_eq!(failure(sign_in(&client, &pool, &app, None, "diego", "Wrong-Horse-9").await), incorrect());

    // The session is single use.
    let srp = SrpClient::new(&pool, "diego", PASSWORD).unwrap();
    let out = initiate(&client, &app, &srp).await.unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(out.challenge_parameters.as_ref().unwrap()).unwrap();
    let responses = srp.respond(&challenge).unwrap();
    assert_tokens(respond(&client, &app, out.session.clone(), responses.clone()).await.unwrap().authentication_result);
    assert_eq!(
        failure(respond(&client, &app, out.session, responses).await),
        pair("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );

    // A claim stamped an hour ago.
    let out = initiate(&client, &app, &srp).await.unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(out.challenge_parameters.as_ref().unwrap()).unwrap();
    let stale = srp.respond_at(&challenge, SystemTime::now() - Duration::from_secs(3600)).unwrap();
    let (code, _) = failure(respond(&client, &app, out.session, stale).await);
    assert_eq!(code, "NotAuthorizedException");

    // A claim without its parts.
    let out = initiate(&client, &app, &srp).await.unwrap();
    let bare = BTreeMap::from([("USERNAME".to_owned(), "diego".to_owned())]);
    assert_eq!(
        failure(respond(&client, &app, out.session, bare).await),
        invalid("Missing required parameter PASSWORD_CLAIM_SIGNATURE")
    );

    // A degenerate SRP_A.
    let zero = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("SRP_A", "0")
        .send()
        .await;
    assert_eq!(failure(zero), invalid("Invalid SRP_A value."));

    // The administrators' API runs the same exchange.
    let out = client
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .send()
        .await
        .expect("AdminInitiateAuth USER_SRP_AUTH");
    let challenge = PasswordVerifierChallenge::from_parameters(out.challenge_parameters.as_ref().unwrap()).unwrap();
    let done = client
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(out.session)
        .set_challenge_responses(Some(srp.respond(&challenge).unwrap()))
        .send()
        .await
        .expect("AdminRespondToAuthChallenge PASSWORD_VERIFIER");
    assert_tokens(done.authentication_result);

    // After a password change, the new password signs in with SRP and the old one does not.
    common::set_password(&client, &pool, "diego", "New-Horse-10").await;
    assert_eq!(failure(sign_in(&client, &pool, &app, None, "diego", PASSWORD).await), incorrect());
    assert_tokens(sign_in(&client, &pool, &app, None, "diego", "New-Horse-10").await.unwrap().authentication_result);
}

#[tokio::test]
async fn srp_with_a_client_secret_and_an_alias() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("alias").alias_attributes("email").create(&client).await;
    let created = ClientBuilder::new("app").flows(&FLOWS).secret().create(&client, &pool).await;
    let (app, secret) = (created.id, created.secret.unwrap());
    confirmed_user(&client, &pool, "diego").await;
    // Signed in by the alias: the challenge names the user ("diego"), which the proof and the
    // answer's SECRET_HASH use.
    let srp = SrpClient::new(&pool, "diego@example.com", PASSWORD).unwrap().with_client_secret(&app, &secret);
    let out = initiate(&client, &app, &srp).await.expect("USER_SRP_AUTH by alias");
    let params = out.challenge_parameters.unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], "diego");
    assert_eq!(params["USERNAME"], "diego");
    let challenge = PasswordVerifierChallenge::from_parameters(&params).unwrap();
    let done = respond(&client, &app, out.session, srp.respond(&challenge).unwrap()).await.expect("the proof");
    assert_tokens(done.authentication_result);

    let no_secret = SrpClient::new(&pool, "diego", PASSWORD).unwrap();
    assert_eq!(failure(initiate(&client, &app, &no_secret).await), secret_hash_not_received(&app));
}

#[tokio::test]
async fn srp_in_a_pool_whose_usernames_are_emails_uses_the_sub() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("emails").username_attributes("email").create(&client).await;
    let app = app_client(&client, &pool, &FLOWS).await;
    client.sign_up().client_id(&app).username("ana@example.com").password(PASSWORD).send().await.expect("SignUp");
    // Not confirmed yet: SRP says so before any proof (amplify-js issue 1464).
    let srp = SrpClient::new(&pool, "ana@example.com", PASSWORD).unwrap();
    assert_eq!(
        failure(initiate(&client, &app, &srp).await),
        pair("UserNotConfirmedException", "User is not confirmed.")
    );
    client.admin_confirm_sign_up().user_pool_id(&pool).username("ana@example.com").send().await.unwrap();
    let out = initiate(&client, &app, &srp).await.unwrap();
    let params = out.challenge_parameters.unwrap();
    let sub = params["USER_ID_FOR_SRP"].clone();
    assert_eq!(sub.len(), 36, "the sub: {params:?}");
    let challenge = PasswordVerifierChallenge::from_parameters(&params).unwrap();
    assert_tokens(
        respond(&client, &app, out.session, srp.respond(&challenge).unwrap()).await.unwrap().authentication_result,
    );
}

#[tokio::test]
async fn unknown_users_and_users_without_a_verifier() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "unknown").await;
    let app = app_client(&client, &pool, &FLOWS).await;
    let hiding = ClientBuilder::new("app").flows(&FLOWS).hide_users().create(&client, &pool).await.id;
    common::create_user(&client, &pool, "nopass", "nopass@example.com").await;

    let srp = SrpClient::new(&pool, "nobody", PASSWORD).unwrap();
    assert_eq!(failure(initiate(&client, &app, &srp).await), pair("UserNotFoundException", "User does not exist."));
    // Hidden: a challenge like any other, failing at the answer.
    assert_eq!(failure(sign_in(&client, &pool, &hiding, None, "nobody", PASSWORD).await), incorrect());
    // No password was ever set: no verifier, so SRP cannot succeed.
    assert_eq!(failure(sign_in(&client, &pool, &app, None, "nopass", PASSWORD).await), incorrect());

    // Disabled users are told so at once.
    client.admin_disable_user().user_pool_id(&pool).username("nopass").send().await.unwrap();
    let srp = SrpClient::new(&pool, "nopass", PASSWORD).unwrap();
    assert_eq!(failure(initiate(&client, &app, &srp).await), pair("NotAuthorizedException", "User is disabled."));
}

#[tokio::test]
async fn srp_leads_to_new_password_required_for_a_temporary_password() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "temporary").await;
    let app = app_client(&client, &pool, &FLOWS).await;
    UserBuilder::new("diego").temporary_password("Temp-Pass-123").create(&client, &pool).await;
    let out = sign_in(&client, &pool, &app, None, "diego", "Temp-Pass-123").await.expect("the temporary password");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));
    let done = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .set_session(out.session)
        .challenge_responses("USERNAME", "diego")
        .challenge_responses("NEW_PASSWORD", "New-Pass-456")
        .send()
        .await
        .expect("new password");
    assert_tokens(done.authentication_result);
    // The new password has a verifier too.
    assert_tokens(sign_in(&client, &pool, &app, None, "diego", "New-Pass-456").await.unwrap().authentication_result);
}

/// pycognito's `Cognito.authenticate()` runs USER_SRP_AUTH with its own SRP code through boto3,
/// then verifies the id and access tokens against `{endpoint}/{pool}/.well-known/jwks.json`.
const PYCOGNITO: &str = r#"
import json, sys
from pycognito import Cognito
url, pool, client_id, username, password = sys.argv[1:6]
user = Cognito(pool, client_id, username=username, boto3_client_kwargs={
    "endpoint_url": url, "aws_access_key_id": "AKIDPYCOGNITO", "aws_secret_access_key": "secret"})
user.authenticate(password=password)
print(json.dumps({"sub": user.id_claims["sub"], "username": user.access_claims["username"],
                  "refresh": bool(user.refresh_token)}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pycognito_signs_in_with_srp() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import pycognito"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(std::env::var("CI").is_err(), "pycognito is missing in CI (pip install -r tests/requirements.txt)");
        eprintln!("SKIPPED: python3 cannot import pycognito (pip install -r tests/requirements.txt)");
        return;
    }
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "pycognito").await;
    let app = app_client(&client, &pool, &FLOWS).await;
    confirmed_user(&client, &pool, "diego").await;
    let run = |password: &str| {
        tokio::process::Command::new("python3")
            .args(["-c", PYCOGNITO, &server.url(), &pool, &app, "diego", password])
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .output()
    };
    let output = run(PASSWORD).await.expect("python3 runs");
    assert!(output.status.success(), "pycognito failed: {}", String::from_utf8_lossy(&output.stderr));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["username"], "diego");
    assert_eq!(result["refresh"], true);
    assert_eq!(result["sub"].as_str().map(str::len), Some(36));

    let output = run("Wrong-Horse-9").await.expect("python3 runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("NotAuthorizedException") && stderr.contains("Incorrect username or password."),
        "{stderr}"
    );
}
