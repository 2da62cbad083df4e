//! The generated client against a local recording server on 127.0.0.1: the wire, signing,
//! errors, retries, timeouts, pagination, builders and client-side validation.

mod common;

use std::time::{Duration, Instant};

use awsjson_client::{Credentials, RetryConfig, SdkError, TimeoutConfig, TimeoutKind};
use cognito_idp::operation::{AdminGetUserError, ListUsersError};
use cognito_idp::types::{AttributeType, UserStatusType};
use cognito_idp::{Client, Config};
use common::recorder::{Recorder, Reply};
use futures_util::StreamExt;
use serde_json::json;

fn config(server: &Recorder) -> Config {
    Config::new()
        .region("us-west-2")
        .endpoint_url(&server.url)
        .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
        .retry(RetryConfig::standard().initial_backoff(Duration::from_millis(5)))
}

#[tokio::test]
async fn requests_carry_the_protocol_headers_and_a_sigv4_signature() {
    let server = Recorder::start().await;
    server.reply([Reply::ok(
        json!({"User": {"Username": "diego", "UserCreateDate": 1548099495.428, "UserStatus": "FORCE_CHANGE_PASSWORD"}}),
    )]);
    let client = Client::new(config(&server));
    let out = client
        .admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("diego")
        .user_attributes(AttributeType { name: "email".into(), value: Some("diego@example.com".into()) })
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    assert_eq!(out.user.unwrap().user_status, Some(UserStatusType::ForceChangePassword));

    let request = &server.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(request.header("x-amz-target"), Some("AWSCognitoIdentityProviderService.AdminCreateUser"));
    assert_eq!(
        request.json(),
        json!({"UserPoolId": "us-west-2_aaaaaaaaa", "Username": "diego", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "diego@example.com"}]})
    );
    let auth = request.header("authorization").expect("a signed operation is signed");
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
    assert!(auth.contains("/us-west-2/cognito-idp/aws4_request"), "{auth}");
    assert!(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"), "{auth}");
    assert!(request.header("x-amz-date").is_some());
}

#[tokio::test]
async fn public_operations_are_not_signed_and_session_tokens_are_sent() {
    let server = Recorder::start().await;
    let client =
        Client::new(config(&server).credentials(Credentials::new("AKID", "secret").with_session_token("TOKEN")));
    client
        .initiate_auth()
        .auth_flow("USER_PASSWORD_AUTH")
        .client_id("client")
        .auth_parameters("USERNAME", "diego")
        .send()
        .await
        .unwrap();
    client.admin_delete_user().user_pool_id("p_1").username("diego").send().await.unwrap();
    let requests = server.requests();
    assert!(requests[0].header("authorization").is_none(), "InitiateAuth is public");
    assert!(requests[0].header("x-amz-security-token").is_none());
    assert_eq!(requests[1].header("x-amz-security-token"), Some("TOKEN"));
    assert!(requests[1].header("authorization").unwrap().contains("x-amz-security-token"));
}

#[tokio::test]
async fn empty_bodies_work_both_ways() {
    let server = Recorder::start().await;
    server.reply([Reply::raw(200, "")]);
    let client = Client::new(config(&server));
    // AdminAddUserToGroup has no output: an empty body and `{}` both parse.
    client.admin_add_user_to_group().user_pool_id("p_1").username("u").group_name("g").send().await.unwrap();
    client.admin_add_user_to_group().user_pool_id("p_1").username("u").group_name("g").send().await.unwrap();
    // An input with only optional members is sent as `{}`.
    client.list_user_pools().max_results(10).send().await.unwrap();
    assert_eq!(server.requests()[2].json(), json!({"MaxResults": 10}));
}

#[tokio::test]
async fn errors_are_parsed_in_every_shape_aws_sends() {
    let server = Recorder::start().await;
    server.reply([
        Reply::error(400, "com.amazonaws.cognito.identity.idp.model#UserNotFoundException", "User does not exist."),
        Reply::raw(
            400,
            r#"{"__type":"UserNotFoundException:http://internal.amazon.com/coral/","Message":"capital M"}"#,
        ),
        Reply::raw(400, r#"{"message":"no code in the body"}"#)
            .header("x-amzn-ErrorType", "NotAuthorizedException:http://x/"),
        Reply::error(400, "BrandNewException", "from the future"),
        Reply::raw(403, "<html>proxy says no</html>"),
    ]);
    let client = Client::new(config(&server));
    let call = || client.admin_get_user().user_pool_id("p_1").username("diego").send();

    let e = call().await.unwrap_err();
    assert_eq!(e.request_id(), Some("11111111-2222-3333-4444-555555555555"));
    assert_eq!(e.status(), Some(400));
    let service = e.service_error().unwrap();
    assert!(service.is_user_not_found());
    assert_eq!(
        e.to_string(),
        "UserNotFoundException: User does not exist. (HTTP 400, request id 11111111-2222-3333-4444-555555555555)"
    );

    let e = call().await.unwrap_err().into_service_error().unwrap();
    assert!(e.is_user_not_found());
    assert_eq!(awsjson_types::ModeledError::message(&e), Some("capital M"));

    let e = call().await.unwrap_err().into_service_error().unwrap();
    assert!(e.is_not_authorized());
    assert_eq!(awsjson_types::ModeledError::message(&e), Some("no code in the body"));

    let e = call().await.unwrap_err().into_service_error().unwrap();
    assert!(matches!(&e, AdminGetUserError::Unhandled(u) if u.code() == "BrandNewException"));

    let e = call().await.unwrap_err();
    assert!(matches!(&e, SdkError::Response { status: 403, message } if message.contains("proxy says no")), "{e}");
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_up_to_three_attempts() {
    let server = Recorder::start().await;
    server.reply([
        Reply::error(400, "TooManyRequestsException", "slow down"),
        Reply::error(500, "InternalErrorException", "oops"),
        Reply::ok(json!({"Username": "diego", "UserAttributes": []})),
    ]);
    let client = Client::new(config(&server));
    let user = client.admin_get_user().user_pool_id("p_1").username("diego").send().await.unwrap();
    assert_eq!(user.username, "diego");
    assert_eq!(server.requests().len(), 3);

    server.reply((0..5).map(|_| Reply::error(503, "ServiceUnavailable", "")));
    let e = client.admin_get_user().user_pool_id("p_1").username("diego").send().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.requests().len(), 6, "3 more attempts, then the last error");
}

#[tokio::test]
async fn client_errors_are_not_retried_and_attempts_are_configurable() {
    let server = Recorder::start().await;
    server.reply([Reply::error(400, "UserNotFoundException", "no")]);
    let client = Client::new(config(&server));
    assert!(client.admin_get_user().user_pool_id("p_1").username("x").send().await.is_err());
    assert_eq!(server.requests().len(), 1);

    server.reply((0..9).map(|_| Reply::error(400, "TooManyRequestsException", "")));
    let five = Client::new(
        config(&server).retry(RetryConfig::standard().max_attempts(5).initial_backoff(Duration::from_millis(1))),
    );
    assert!(five.admin_get_user().user_pool_id("p_1").username("x").send().await.is_err());
    assert_eq!(server.requests().len(), 1 + 5);

    let once = Client::new(config(&server).retry(RetryConfig::disabled()));
    assert!(once.admin_get_user().user_pool_id("p_1").username("x").send().await.is_err());
    assert_eq!(server.requests().len(), 1 + 5 + 1);
}

#[tokio::test]
async fn backoff_waits_between_attempts() {
    let server = Recorder::start().await;
    server.reply([Reply::error(500, "InternalErrorException", ""), Reply::ok(json!({}))]);
    // Full jitter makes single waits random, so bound the total from above only, and show
    // that a long base delays more than a short one over many calls.
    let fast = Client::new(config(&server).retry(RetryConfig::standard().initial_backoff(Duration::from_millis(1))));
    let started = Instant::now();
    fast.list_user_pools().max_results(1).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(RetryConfig::standard().backoff(3, 1.0), Duration::from_secs(4));
}

#[tokio::test]
async fn transport_failures_are_retried_then_reported() {
    // A port nobody listens on: every attempt fails to connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::new(
        Config::new()
            .region("us-west-2")
            .endpoint_url(url)
            .credentials(Credentials::new("AKID", "secret"))
            .retry(RetryConfig::standard().initial_backoff(Duration::from_millis(1))),
    );
    let e = client.list_user_pools().max_results(1).send().await.unwrap_err();
    assert!(matches!(e, SdkError::Transport(_)), "{e}");
}

#[tokio::test]
async fn attempt_and_operation_timeouts() {
    let server = Recorder::start().await;
    let slow = || Reply::ok(json!({})).delayed(Duration::from_millis(300));
    server.reply([slow(), slow(), slow()]);
    let timeouts = TimeoutConfig { attempt: Some(Duration::from_millis(50)), ..TimeoutConfig::default() };
    let client = Client::new(config(&server).timeouts(timeouts));
    let e = client.list_user_pools().max_results(1).send().await.unwrap_err();
    assert!(matches!(e, SdkError::Timeout(TimeoutKind::Attempt)), "{e}");
    assert_eq!(server.requests().len(), 3, "a timed-out attempt is retried");

    server.reply([slow()]);
    let timeouts = TimeoutConfig { operation: Some(Duration::from_millis(100)), ..TimeoutConfig::default() };
    let client = Client::new(config(&server).timeouts(timeouts));
    let started = Instant::now();
    let e = client.list_user_pools().max_results(1).send().await.unwrap_err();
    assert!(matches!(e, SdkError::Timeout(TimeoutKind::Operation)), "{e}");
    assert!(started.elapsed() < Duration::from_millis(290));
}

#[tokio::test]
async fn paginators_stream_pages_and_items() {
    let server = Recorder::start().await;
    let user = |name: &str| json!({"Username": name, "UserStatus": "CONFIRMED"});
    server.reply([
        Reply::ok(json!({"Users": [user("a"), user("b")], "PaginationToken": "t1"})),
        Reply::ok(json!({"Users": [user("c")], "PaginationToken": "t2"})),
        Reply::ok(json!({"Users": [user("d")]})),
    ]);
    let client = Client::new(config(&server));
    let names: Vec<String> = client
        .list_users()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .limit(2)
        .into_paginator()
        .items()
        .map(|u| u.unwrap().username.unwrap())
        .collect()
        .await;
    assert_eq!(names, ["a", "b", "c", "d"]);
    let tokens: Vec<Option<String>> =
        server.requests().iter().map(|r| r.json()["PaginationToken"].as_str().map(str::to_owned)).collect();
    assert_eq!(tokens, [None, Some("t1".into()), Some("t2".into())]);
    assert!(server.requests().iter().all(|r| r.json()["Limit"] == 2));

    // A service that repeats its token does not make the paginator loop forever.
    server.reply([
        Reply::ok(json!({"Users": [], "PaginationToken": "same"})),
        Reply::ok(json!({"Users": [], "PaginationToken": "same"})),
    ]);
    let pages = client.list_users().user_pool_id("p_1").into_paginator().pages().collect::<Vec<_>>().await;
    assert_eq!(pages.len(), 2);
    // Errors come through the stream.
    server.reply([Reply::error(400, "ResourceNotFoundException", "no pool")]);
    let first = client.list_users().user_pool_id("p_1").into_paginator().items().next().await.unwrap();
    assert!(matches!(first.unwrap_err().into_service_error(), Some(ListUsersError::ResourceNotFoundException(_))));
}

#[tokio::test]
async fn missing_required_members_fail_before_sending() {
    let server = Recorder::start().await;
    let client = Client::new(config(&server));
    let builder = client.admin_create_user().username("diego");
    let debug = format!("{builder:?}");
    assert!(debug.starts_with("AdminCreateUserBuilder { input: AdminCreateUserRequest {"), "{debug}");
    assert!(debug.contains("required: [false, true]") && !debug.contains("diego"), "redacted: {debug}");
    let e = builder.send().await.unwrap_err();
    assert_eq!(e.to_string(), "cannot build the request: AdminCreateUser: required member `UserPoolId` is not set");
    let page = client.list_users().into_paginator().pages().next().await.unwrap();
    assert!(matches!(page, Err(SdkError::Construction(_))));
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn client_side_validation_is_opt_in() {
    let server = Recorder::start().await;
    let lenient = Client::new(config(&server));
    lenient.admin_get_user().user_pool_id("p_1").username("a b").send().await.unwrap();
    assert_eq!(server.requests().len(), 1, "off by default: the service decides");

    let strict = Client::new(config(&server).validate_requests(true));
    let e = strict.admin_get_user().user_pool_id("p_1").username("a b").send().await.unwrap_err();
    assert!(matches!(&e, SdkError::InvalidInput(_)));
    assert!(e.to_string().contains("Value at 'username' failed to satisfy constraint"), "{e}");
    assert_eq!(server.requests().len(), 1, "nothing more was sent");
}

#[tokio::test]
async fn signed_operations_need_a_region_and_credentials() {
    let server = Recorder::start().await;
    let no_region = Client::new(Config::new().endpoint_url(&server.url).credentials(Credentials::new("A", "B")));
    let e = no_region.list_user_pools().max_results(1).send().await.unwrap_err();
    assert!(e.to_string().contains("needs a region"), "{e}");
    // A public operation needs neither.
    no_region.sign_up().client_id("c").username("u").password("p@ssW0rd").send().await.unwrap();
}
