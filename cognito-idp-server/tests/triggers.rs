//! Lambda triggers through the Invoke API (a test-owned endpoint, `common::lambda`): the
//! request Cognito sends (path, SigV4 for `lambda`, invocation type, the event's envelope),
//! the failures AWS answers, the journal under `/_local/triggers`, and PreSignUp's answers.

mod common;

use cognito_idp::types::{AttributeType, LambdaConfigType};
use common::lambda::{FakeLambda, Reply, arn};
use common::{InProcessServer, PASSWORD, failure, pair};
use serde_json::{Value, json};

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

/// A pool whose PreSignUp trigger is function `name`, and a public client of it.
async fn pool_with_pre_sign_up(server: &InProcessServer, name: &str) -> (String, String) {
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("triggered")
        .auto_verified_attributes("email")
        .lambda_config(LambdaConfigType { pre_sign_up: Some(arn(name)), ..Default::default() })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let app = common::create_app_client(&client, &pool, "web").await;
    (pool, app)
}

fn email(value: &str) -> AttributeType {
    AttributeType { name: "email".into(), value: Some(value.into()) }
}

#[tokio::test]
async fn pre_sign_up_gets_aws_event_through_a_signed_invoke_and_its_answer_confirms() {
    let lambda = FakeLambda::start().await;
    lambda.returns("confirm", |event| {
        event["response"]["autoConfirmUser"] = json!(true);
        event["response"]["autoVerifyEmail"] = json!(true);
    });
    let server = server_with(&lambda).await;
    let (pool, app) = pool_with_pre_sign_up(&server, "confirm").await;
    let client = server.client();
    let signed_up = client
        .sign_up()
        .client_id(&app)
        .username("ana")
        .password(PASSWORD)
        .user_attributes(email("ana@example.com"))
        .validation_data(AttributeType { name: "captcha".into(), value: Some("ok".into()) })
        .client_metadata("source", "web")
        .send()
        .await
        .unwrap();
    assert!(signed_up.user_confirmed, "autoConfirmUser");
    assert!(signed_up.code_delivery_details.is_none(), "no code for a confirmed user");
    let user = client.admin_get_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "CONFIRMED");
    assert_eq!(common::value_of(&user.user_attributes.unwrap(), "email_verified").as_deref(), Some("true"));

    let calls = lambda.calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.function, arn("confirm"), "the ARN is the function name");
    assert_eq!(call.headers["x-amz-invocation-type"], "RequestResponse");
    let authorization = &call.headers["authorization"];
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential="), "{authorization}");
    assert!(authorization.contains("/us-east-1/lambda/aws4_request"), "{authorization}");
    let event = &call.event;
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], pool.as_str());
    assert_eq!(event["userName"], "ana");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert!(event["callerContext"]["awsSdkVersion"].is_string());
    assert_eq!(event["request"]["userAttributes"], json!({"email": "ana@example.com"}));
    assert_eq!(event["request"]["validationData"], json!({"captcha": "ok"}));
    assert_eq!(event["request"]["clientMetadata"], json!({"source": "web"}));
    assert_eq!(
        event["response"],
        json!({"autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false})
    );

    // The journal lists it.
    let journal: Value = reqwest::get(format!("{}/_local/triggers?userPoolId={pool}", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &journal["invocations"][0];
    assert_eq!((entry["triggerSource"].as_str(), entry["outcome"].as_str()), (Some("PreSignUp_SignUp"), Some("ok")));
}

#[tokio::test]
async fn a_refusing_or_broken_function_fails_the_sign_up_as_aws_does_and_creates_nobody() {
    let lambda = FakeLambda::start().await;
    lambda.on("refuse", |_| Reply::FunctionError("Domain not allowed".into()));
    let server = server_with(&lambda).await;
    let client = server.client();
    let (pool, app) = pool_with_pre_sign_up(&server, "refuse").await;
    let sign_up = |name: &'static str| {
        client
            .sign_up()
            .client_id(&app)
            .username(name)
            .password(PASSWORD)
            .user_attributes(email("x@example.com"))
            .send()
    };
    assert_eq!(
        failure(sign_up("bob").await),
        pair("UserLambdaValidationException", "PreSignUp failed with error Domain not allowed.")
    );
    let nobody = client.admin_get_user().user_pool_id(&pool).username("bob").send().await;
    assert_eq!(failure(nobody).0, "UserNotFoundException");

    lambda.on("refuse", |_| Reply::Raw("not json".into()));
    assert_eq!(failure(sign_up("bob").await), pair("InvalidLambdaResponseException", "Unrecognizable lambda output"));
    lambda.on("refuse", |_| Reply::ApiError(403, "AccessDeniedException".into()));
    assert_eq!(
        failure(sign_up("bob").await),
        pair("UnexpectedLambdaException", "PreSignUp invocation failed due to error AccessDeniedException.")
    );
    // An unknown function is the Invoke API's 404.
    let (_, other) = pool_with_pre_sign_up(&server, "missing").await;
    let missing = client
        .sign_up()
        .client_id(&other)
        .username("cy")
        .password(PASSWORD)
        .user_attributes(email("c@example.com"))
        .send()
        .await;
    assert_eq!(
        failure(missing),
        pair("UnexpectedLambdaException", "PreSignUp invocation failed due to error ResourceNotFoundException.")
    );
}

#[tokio::test]
async fn admin_create_user_sends_its_own_source_and_a_pool_without_triggers_invokes_nothing() {
    let lambda = FakeLambda::start().await;
    lambda.returns("verify", |event| event["response"]["autoVerifyEmail"] = json!(true));
    let server = server_with(&lambda).await;
    let client = server.client();
    let (pool, _) = pool_with_pre_sign_up(&server, "verify").await;
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("dee")
        .user_attributes(email("dee@example.com"))
        .message_action("SUPPRESS")
        .client_metadata("by", "admin")
        .send()
        .await
        .unwrap();
    let event = lambda.events("verify").pop().unwrap();
    assert_eq!(event["triggerSource"], "PreSignUp_AdminCreateUser");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(event["request"]["clientMetadata"], json!({"by": "admin"}));
    let user = client.admin_get_user().user_pool_id(&pool).username("dee").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "FORCE_CHANGE_PASSWORD");
    assert_eq!(common::value_of(&user.user_attributes.unwrap(), "email_verified").as_deref(), Some("true"));

    let plain = common::create_pool(&client, "plain").await;
    let before = lambda.calls().len();
    common::create_user(&client, &plain, "eve", "eve@example.com").await;
    assert_eq!(lambda.calls().len(), before, "no LambdaConfig, no invocation");
}
