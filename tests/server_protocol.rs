//! The generated server over real HTTP on 127.0.0.1: routing, validation, errors, request ids,
//! CORS, panics, tracing, and our own generated client calling it.

mod server_support;

use std::net::SocketAddr;

use cognito_idp::server::ServerConfig;
use serde_json::{Value, json};
use server_support::{CREATED, SUB, TestBackend, serve};

const TARGET: &str = "AWSCognitoIdentityProviderService";
const JSON_11: &str = "application/x-amz-json-1.1";
const POOL: &str = "us-west-2_aaaaaaaaa";

/// One raw answer: status, headers, body as JSON (`Null` when empty).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn error_type(&self) -> &str {
        self.body["__type"].as_str().unwrap_or("")
    }

    fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
    Answer { status, headers, body }
}

fn post(addr: SocketAddr, operation: &str, body: impl Into<reqwest::Body>) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("http://{addr}/"))
        .header("x-amz-target", format!("{TARGET}.{operation}"))
        .header("content-type", JSON_11)
        .body(body)
}

fn create_body(username: &str) -> String {
    json!({
        "UserPoolId": POOL,
        "Username": username,
        "UserAttributes": [{"Name": "email", "Value": "diego@example.com"}],
        "MessageAction": "SUPPRESS",
    })
    .to_string()
}

fn is_request_id(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn admin_create_user_answers_as_cognito_does() {
    let backend = TestBackend::default();
    let addr = serve(backend.clone(), ServerConfig::default()).await;
    let answer = send(post(addr, "AdminCreateUser", create_body("diego"))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), JSON_11);
    let id = answer.header("x-amzn-requestid").to_string();
    assert!(is_request_id(&id), "{id}");
    let user = &answer.body["User"];
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Username"], "diego");
    assert_eq!(user["UserCreateDate"].as_f64(), Some(CREATED.as_secs_f64()));
    assert_eq!(user["Attributes"][0], json!({"Name": "sub", "Value": SUB}));
    let seen = backend.calls();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].operation, "AdminCreateUser");
    assert_eq!(seen[0].request_id, id, "the handler sees the id the client gets");
    assert_eq!(seen[0].caller, None, "no signature checks by default");
    assert_eq!(seen[0].source.map(|s| s.ip().to_string()).as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn validation_lists_every_violation_in_aws_words_without_sensitive_values() {
    let backend = TestBackend::default();
    let addr = serve(backend.clone(), ServerConfig::default()).await;
    let body = json!({"Username": "a b", "UserAttributes": [{"Name": ""}], "MessageAction": "SHOUT"}).to_string();
    let answer = send(post(addr, "AdminCreateUser", body)).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_type(), "InvalidParameterException");
    assert_eq!(answer.header("x-amzn-errortype"), "InvalidParameterException");
    assert_eq!(
        answer.message(),
        "5 validation errors detected: \
         Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+; \
         Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+; \
         Value 'SHOUT' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]; \
         Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
    assert!(!answer.message().contains("a b"), "the username is sensitive");
    assert!(backend.calls().is_empty(), "the handler never runs on invalid input");
}

#[tokio::test]
async fn unimplemented_operations_answer_unsupported_operation_with_400() {
    let addr = serve(TestBackend::default(), ServerConfig::default()).await;
    // AdminDeleteUserAttributes does not model UnsupportedOperationException; InitiateAuth does.
    let body = json!({"UserPoolId": POOL, "Username": "diego", "UserAttributeNames": ["email"]}).to_string();
    let answer = send(post(addr, "AdminDeleteUserAttributes", body)).await;
    assert_eq!((answer.status, answer.error_type()), (400, "UnsupportedOperationException"));
    assert_eq!(answer.message(), "AdminDeleteUserAttributes is not implemented by this backend");
    let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "client1"}).to_string();
    let answer = send(post(addr, "InitiateAuth", body)).await;
    assert_eq!((answer.status, answer.error_type()), (400, "UnsupportedOperationException"));
    assert_eq!(answer.message(), "InitiateAuth is not implemented by this backend");
    assert!(is_request_id(answer.header("x-amzn-requestid")));
}

#[tokio::test]
async fn malformed_requests_get_aws_shaped_400s_and_never_a_panic() {
    let addr = serve(TestBackend::default(), ServerConfig::default().max_body_bytes(4096)).await;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/");
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, reqwest::RequestBuilder, &str)> = vec![
        ("no target", http.post(&url).header("content-type", JSON_11).body("{}"), "UnknownOperationException"),
        ("unknown operation", post(addr, "NoSuchOperation", "{}"), "UnknownOperationException"),
        (
            "another service's prefix",
            http.post(&url).header("x-amz-target", "DynamoDB_20120810.ListTables").body("{}"),
            "UnknownOperationException",
        ),
        ("GET /", http.get(&url).header("x-amz-target", format!("{TARGET}.AdminGetUser")), "UnknownOperationException"),
        (
            "another path",
            http.post(format!("{url}users")).header("x-amz-target", format!("{TARGET}.AdminGetUser")),
            "UnknownOperationException",
        ),
        (
            "text/plain",
            http.post(&url)
                .header("x-amz-target", format!("{TARGET}.AdminCreateUser"))
                .header("content-type", "text/plain")
                .body(create_body("d")),
            "UnknownOperationException",
        ),
        ("truncated JSON", post(addr, "AdminCreateUser", r#"{"UserPoolId": "#), "SerializationException"),
        ("not JSON", post(addr, "AdminCreateUser", "UserPoolId=x"), "SerializationException"),
        ("an array", post(addr, "AdminCreateUser", "[1, 2]"), "SerializationException"),
        (
            "a string member as a number",
            post(addr, "AdminCreateUser", r#"{"UserPoolId": 5, "Username": "d"}"#),
            "SerializationException",
        ),
        (
            "a list as an object",
            post(addr, "AdminCreateUser", r#"{"UserPoolId": "a_b", "Username": "d", "UserAttributes": {}}"#),
            "SerializationException",
        ),
        (
            "invalid UTF-8",
            post(addr, "AdminCreateUser", vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}']),
            "SerializationException",
        ),
        ("deep nesting", post(addr, "AdminCreateUser", deep), "SerializationException"),
        ("oversized body", post(addr, "AdminCreateUser", vec![b' '; 5000]), "SerializationException"),
        ("empty body", post(addr, "AdminCreateUser", ""), "InvalidParameterException"),
    ];
    for (name, request, code) in cases {
        let answer = send(request).await;
        assert_eq!((answer.status, answer.error_type()), (400, code), "{name}: {}", answer.body);
        assert!(!answer.message().is_empty(), "{name}: no message");
        assert!(is_request_id(answer.header("x-amzn-requestid")), "{name}: no request id");
        assert_eq!(answer.header("content-type"), JSON_11, "{name}");
    }
    // application/json is read too, and the server is still up after all of the above.
    let as_json = http
        .post(&url)
        .header("x-amz-target", format!("{TARGET}.AdminCreateUser"))
        .header("content-type", "application/json")
        .body(create_body("diego"));
    let answer = send(as_json).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn modeled_errors_keep_their_code_and_status() {
    let addr = serve(TestBackend::default(), ServerConfig::default()).await;
    let answer = send(post(addr, "AdminCreateUser", create_body("taken"))).await;
    assert_eq!((answer.status, answer.error_type()), (400, "UsernameExistsException"));
    assert_eq!(answer.message(), "User account already exists");
    let user = json!({"UserPoolId": POOL, "Username": "diego"}).to_string();
    let answer = send(post(addr, "AdminDisableUser", user.clone())).await;
    assert_eq!((answer.status, answer.error_type()), (400, "UserNotFoundException"));
    let answer = send(post(addr, "AdminDeleteUser", user)).await;
    assert_eq!((answer.status, answer.error_type()), (500, "InternalErrorException"));
    assert_eq!(answer.header("x-amzn-errortype"), "InternalErrorException");
}

#[tokio::test]
async fn a_panicking_handler_answers_internal_error_and_the_server_lives_on() {
    let addr = serve(TestBackend::default(), ServerConfig::default()).await;
    let user = json!({"UserPoolId": POOL, "Username": "diego"}).to_string();
    let answer = send(post(addr, "AdminEnableUser", user)).await;
    assert_eq!((answer.status, answer.error_type()), (500, "InternalErrorException"));
    assert!(!answer.message().contains("on purpose"), "panic text is not sent: {}", answer.message());
    assert!(is_request_id(answer.header("x-amzn-requestid")));
    assert_eq!(send(post(addr, "AdminCreateUser", create_body("diego"))).await.status, 200);
}

#[tokio::test]
async fn cors_preflights_and_readable_responses() {
    let addr = serve(TestBackend::default(), ServerConfig::default()).await;
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("http://{addr}/"))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-amz-target,x-amz-user-agent");
    let answer = send(preflight).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), "*");
    assert_eq!(answer.header("access-control-allow-headers"), "content-type,x-amz-target,x-amz-user-agent");
    assert!(answer.header("access-control-allow-methods").contains("POST"));
    assert!(is_request_id(answer.header("x-amzn-requestid")));
    let answer =
        send(post(addr, "AdminCreateUser", create_body("diego")).header("origin", "https://app.example.com")).await;
    assert_eq!(answer.header("access-control-allow-origin"), "*");
    assert!(answer.header("access-control-expose-headers").contains("x-amzn-RequestId"));

    let closed = serve(TestBackend::default(), ServerConfig::default().cors(None)).await;
    let answer =
        send(post(closed, "AdminCreateUser", create_body("diego")).header("origin", "https://app.example.com")).await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn our_generated_client_calls_the_server() {
    use awsjson_types::ModeledError as _;
    use cognito_idp::types::{
        AdminCreateUserRequest, AdminDeleteUserAttributesRequest, AttributeType, InitiateAuthRequest,
    };

    let addr = serve(TestBackend::default(), ServerConfig::default()).await;
    let config = cognito_idp::Config::new()
        .endpoint_url(format!("http://{addr}/"))
        .region("us-west-2")
        .credentials(cognito_idp::Credentials::new("AKIDEXAMPLE", "secret"));
    let client = cognito_idp::Client::new(config);
    let created = client
        .admin_create_user()
        .input(AdminCreateUserRequest {
            user_pool_id: POOL.into(),
            username: "diego".into(),
            user_attributes: Some(vec![AttributeType {
                name: "email".into(),
                value: Some("diego@example.com".into()),
            }]),
            ..Default::default()
        })
        .send()
        .await
        .expect("AdminCreateUser succeeds");
    let user = created.user.expect("a user");
    assert_eq!(user.user_status, Some(cognito_idp::types::UserStatusType::ForceChangePassword));
    assert_eq!(user.user_create_date, Some(CREATED));

    let error = client
        .initiate_auth()
        .input(InitiateAuthRequest {
            auth_flow: cognito_idp::types::AuthFlowType::UserPasswordAuth,
            client_id: "client1".into(),
            ..Default::default()
        })
        .send()
        .await
        .expect_err("not implemented");
    assert!(error.request_id().is_some_and(is_request_id));
    let service_error = error.service_error().expect("a service error");
    assert!(service_error.is_unsupported_operation(), "modeled variant: {service_error:?}");

    let error = client
        .admin_delete_user_attributes()
        .input(AdminDeleteUserAttributesRequest {
            user_pool_id: POOL.into(),
            username: "diego".into(),
            user_attribute_names: vec!["email".into()],
        })
        .send()
        .await
        .expect_err("not implemented");
    assert_eq!(error.service_error().map(|e| e.code()), Some("UnsupportedOperationException"));
}
