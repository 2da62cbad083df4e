//! CustomEmailSender and CustomSMSSender over HTTP: the event handed to a test-owned Invoke
//! endpoint (`common::lambda`) as an asynchronous `Event` invocation, the code in it encrypted
//! through moto's KMS (started by the test) and decrypted by the AWS Encryption SDK for Python,
//! as a real function decrypts it; the decrypted code doing what the code does (confirming the
//! sign-up, signing in with the temporary password, answering MFA); CustomMessage not asked for
//! what a sender delivers; and failures that never reach the operation.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{
    CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType, CustomSmsLambdaVersionConfigType,
    CustomSmsSenderLambdaVersionType, LambdaConfigType,
};
use common::lambda::{FakeLambda, Reply, arn};
use common::moto::{self, Moto};
use common::tools::{run, stdout_json};
use common::{ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, attr};
use serde_json::{Value, json};
use tokio::process::Command;

async fn server_with(lambda: &FakeLambda, kms: &str) -> InProcessServer {
    let (lambda, kms) = (lambda.url(), kms.to_owned());
    InProcessServer::start_with(move |o| {
        o.lambda_endpoint = Some(lambda);
        o.kms_endpoint = Some(kms);
    })
    .await
}

/// Triggers: both senders, CustomMessage (which should not be asked), and the KMS key.
fn senders(key: &str, email: bool, sms: bool) -> LambdaConfigType {
    LambdaConfigType {
        custom_email_sender: email.then(|| CustomEmailLambdaVersionConfigType {
            lambda_version: CustomEmailSenderLambdaVersionType::V10,
            lambda_arn: arn("email-sender"),
        }),
        custom_sms_sender: sms.then(|| CustomSmsLambdaVersionConfigType {
            lambda_version: CustomSmsSenderLambdaVersionType::V10,
            lambda_arn: arn("sms-sender"),
        }),
        custom_message: Some(arn("msg")),
        kms_key_id: Some(key.to_owned()),
        ..Default::default()
    }
}

/// What the AWS Encryption SDK for Python makes of `code` with `key` through moto's KMS.
async fn decrypt(moto: &Moto, code: &str, key: &str) -> Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/triggers_senders/decrypt.py");
    let mut command = Command::new("python3");
    command
        .arg(script)
        .args([code, key])
        .env("AWS_ENDPOINT_URL_KMS", moto.url())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1");
    stdout_json(&run(command).await)
}

/// The only event function `name` got.
fn only_event(lambda: &FakeLambda, name: &str) -> Value {
    let calls: Vec<_> = lambda.calls().into_iter().filter(|c| c.function == arn(name)).collect();
    assert_eq!(calls.len(), 1, "{name}: {calls:?}");
    assert_eq!(calls[0].headers.get("x-amz-invocation-type").map(String::as_str), Some("Event"), "asynchronous");
    calls[0].event.clone()
}

#[tokio::test]
async fn sign_up_codes_reach_the_email_sender_encrypted_for_the_pools_kms_key() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    let key = moto.kms_key().await;
    let lambda = FakeLambda::start().await;
    lambda.returns("email-sender", |_| {});
    lambda.returns("msg", |_| {});
    let server = server_with(&lambda, &moto.url()).await;
    let client = server.client();
    let config = senders(&key, true, false);
    let pool = PoolBuilder::new("senders").auto_verify(&["email"]).with(move |p| p.lambda_config(config));
    let pool = pool.create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    client
        .sign_up()
        .client_id(&app)
        .username("ana")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .client_metadata("origin", "signup-page")
        .send()
        .await
        .unwrap();

    let event = only_event(&lambda, "email-sender");
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "CustomEmailSender_SignUp");
    assert_eq!(event["userPoolId"], pool.as_str());
    assert_eq!(event["userName"], "ana");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert!(event.get("response").is_none(), "nothing is read back: {event}");
    let request = &event["request"];
    assert_eq!(request["type"], "customEmailSenderRequestV1");
    assert_eq!(request["clientMetadata"], json!({"origin": "signup-page"}));
    assert_eq!(request["userAttributes"]["email"], "ana@example.com");
    assert_eq!(request["userAttributes"]["cognito:user_status"], "UNCONFIRMED");
    let code = request["code"].as_str().unwrap();
    // Message format 1, suite 0x0378: the bytes 01 80 03 78 read "AYAD" in base64, as real codes do.
    assert!(code.starts_with("AYAD"), "{code}");
    assert!(lambda.events("msg").is_empty(), "CustomMessage is not asked for what a sender delivers");

    // The outbox records the hand-off and its code, with no text of Cognito's.
    let sent = server.outbox(Some(&pool), Some("ana")).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["message"], Value::Null);
    let stored = sent[0]["code"].as_str().unwrap();

    let opened = decrypt(&moto, code, &key).await;
    assert_eq!(opened["plaintext"], stored);
    assert_eq!(opened["context"]["userpool-id"], pool.as_str());
    assert!(opened["context"]["aws-crypto-public-key"].is_string(), "{opened}");
    assert_eq!(opened["frameLength"], 4096);

    // Each message is encrypted anew: a resent code is another message, and it confirms.
    client.resend_confirmation_code().client_id(&app).username("ana").send().await.unwrap();
    let events = lambda.events("email-sender");
    let resent = events.last().unwrap();
    assert_eq!(resent["triggerSource"], "CustomEmailSender_ResendCode");
    assert_ne!(resent["request"]["code"], event["request"]["code"]);
    let opened = decrypt(&moto, resent["request"]["code"].as_str().unwrap(), &key).await;
    client
        .confirm_sign_up()
        .client_id(&app)
        .username("ana")
        .confirmation_code(opened["plaintext"].as_str().unwrap())
        .send()
        .await
        .expect("the decrypted code confirms the sign-up");
}

#[tokio::test]
async fn invitations_and_mfa_codes_reach_the_sms_sender() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    let key = moto.kms_key().await;
    let lambda = FakeLambda::start().await;
    lambda.returns("sms-sender", |_| {});
    lambda.returns("msg", |_| {});
    let server = server_with(&lambda, &moto.url()).await;
    let client = server.client();
    let config = senders(&key, false, true);
    let pool = PoolBuilder::new("sms").ses_email().mfa("OPTIONAL").sms_mfa().with(move |p| p.lambda_config(config));
    let pool = pool.create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let create = |name: &'static str| {
        client
            .admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .user_attributes(attr("phone_number", "+14155550101"))
            .desired_delivery_mediums("EMAIL")
            .desired_delivery_mediums("SMS")
            .send()
    };
    create("dee").await.unwrap();
    let event = only_event(&lambda, "sms-sender");
    assert_eq!(event["triggerSource"], "CustomSMSSender_AdminCreateUser");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(event["request"]["type"], "customSMSSenderRequestV1");
    assert_eq!(event["request"]["clientMetadata"], Value::Null, "none given: null, as in real events");
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "FORCE_CHANGE_PASSWORD");
    // The email has no sender of its own: CustomMessage writes it, once, for that medium only.
    assert_eq!(lambda.events("msg").len(), 1);
    let sent = server.outbox(Some(&pool), Some("dee")).await;
    let by = |medium: &str| sent.iter().find(|m| m["medium"] == medium).unwrap().clone();
    assert_eq!(by("SMS")["message"], Value::Null);
    assert!(by("EMAIL")["message"].is_string());
    let opened = decrypt(&moto, event["request"]["code"].as_str().unwrap(), &key).await;
    let password = opened["plaintext"].as_str().unwrap().to_owned();
    assert_eq!(by("SMS")["code"], password.as_str());
    let out = common::password_auth(&client, &app, "dee", &password).await.expect("the temporary password signs in");
    assert_eq!(out.challenge_name.unwrap().as_str(), "NEW_PASSWORD_REQUIRED");

    // A failed creation hands nothing off: the user exists already.
    assert!(create("dee").await.is_err());
    assert_eq!(lambda.events("sms-sender").len(), 1);

    // SMS MFA codes are CustomSMSSender_Authentication, and the decrypted code answers.
    UserBuilder::new("gus")
        .email()
        .attr("phone_number", "+14155550123")
        .password(PASSWORD)
        .create(&client, &pool)
        .await;
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("gus")
        .sms_mfa_settings(cognito_idp::types::SmsMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    let out = common::password_auth(&client, &app, "gus", PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SMS_MFA");
    let event = lambda.events("sms-sender").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomSMSSender_Authentication");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    let opened = decrypt(&moto, event["request"]["code"].as_str().unwrap(), &key).await;
    let signed_in = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("SMS_MFA")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "gus")
        .challenge_responses("SMS_MFA_CODE", opened["plaintext"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(signed_in.authentication_result.is_some());
}

async fn journal(server: &InProcessServer, pool: &str) -> Vec<Value> {
    let url = format!("{}/_local/triggers?userPoolId={pool}", server.url());
    let journal: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    journal["invocations"].as_array().cloned().unwrap_or_default()
}

async fn sign_up(client: &Client, app: &str, name: &str) {
    client
        .sign_up()
        .client_id(app)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .send()
        .await
        .expect("a custom sender's failure never fails the operation");
}

#[tokio::test]
async fn failures_of_the_sender_or_its_key_never_reach_the_operation() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    let key = moto.kms_key().await;
    let lambda = FakeLambda::start().await;
    let server = server_with(&lambda, &moto.url()).await;
    let client = server.client();

    // The function errs (queued all the same), then is missing (the Invoke API refuses).
    let config = senders(&key, true, false);
    let pool = PoolBuilder::new("failing").auto_verify(&["email"]).with(move |p| p.lambda_config(config));
    let pool = pool.create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    lambda.on("email-sender", |_| Reply::FunctionError("SES is down".into()));
    sign_up(&client, &app, "ana").await;
    lambda.on("email-sender", |_| Reply::ApiError(404, "ResourceNotFoundException".into()));
    sign_up(&client, &app, "ben").await;
    let entries = journal(&server, &pool).await;
    let outcomes: Vec<&str> = entries.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["ok", "unexpected"], "{entries:?}");
    assert_eq!(entries[0]["triggerSource"], "CustomEmailSender_SignUp");

    // A key KMS does not know: nothing is invoked, the journal says why.
    let missing = key.rsplit_once('/').map(|(head, _)| format!("{head}/00000000-0000-0000-0000-000000000000")).unwrap();
    let config = senders(&missing, true, false);
    let pool = PoolBuilder::new("no-key").auto_verify(&["email"]).with(move |p| p.lambda_config(config));
    let pool = pool.create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let before = lambda.calls().len();
    sign_up(&client, &app, "cat").await;
    assert_eq!(lambda.calls().len(), before, "no code, no event");
    let entries = journal(&server, &pool).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["outcome"], "unexpected");
    assert!(entries[0]["error"].as_str().unwrap().contains("NotFoundException"), "{:?}", entries[0]);
    // The code was stored all the same: the user can still be confirmed by an administrator.
    assert_eq!(server.outbox(Some(&pool), Some("cat")).await.len(), 1);
}
