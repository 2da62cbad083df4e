//! The generated server as the AWS CLI and boto3 see it, with SigV4 verification on: both sign
//! their requests with botocore, the server verifies them, and their parsers read our answers.
//! Requests signed by botocore are also sent raw, as signed and tampered with.
//!
//! These need Python tools (`pip install -r tests/requirements.txt`); without them they say
//! SKIPPED and pass.

mod server_support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use cognito_idp::server::{InMemoryCredentials, ServerConfig, SigV4Config};
use serde_json::{Value, json};
use server_support::{SUB, TestBackend, serve, tool_available};
use tokio::process::Command;

const AKID: &str = "AKIDSERVERTEST000001";
const SECRET: &str = "server/test/secret/key/0000000000000000";
const TEMP_AKID: &str = "ASIASERVERTEST000001";
const TOKEN: &str = "session-token-for-tests";
const TARGET: &str = "AWSCognitoIdentityProviderService";

fn sigv4(clock_offset: Duration) -> ServerConfig {
    let store = InMemoryCredentials::new().with_key(AKID, SECRET).with_session(TEMP_AKID, SECRET, TOKEN);
    ServerConfig::default()
        .sigv4(SigV4Config::new(store).region("us-west-2").clock(move || SystemTime::now() + clock_offset))
}

/// An empty file for AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, so the machine's own AWS
/// configuration never leaks into the test.
fn empty_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("awsjson-server-test-{}-{name}", std::process::id()));
    std::fs::write(&path, "").unwrap();
    path
}

/// A command with only the test's AWS settings in its environment.
fn aws_command(program: &str) -> Command {
    let mut command = Command::new(program);
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_CA_BUNDLE",
    ] {
        command.env_remove(var);
    }
    command
        .env("AWS_ACCESS_KEY_ID", AKID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_DEFAULT_REGION", "us-west-2")
        .env("AWS_CONFIG_FILE", empty_file("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", empty_file("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "");
    command
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(name)
}

fn python_has(module: &str) -> bool {
    let available = tool_available("python3", &["-c", &format!("import {module}")]);
    if !available {
        eprintln!("SKIPPED: python3 cannot import {module} (pip install -r tests/requirements.txt)");
    }
    available
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_admin_create_user_as_in_the_reference_example() {
    if !tool_available("aws", &["--version"]) {
        eprintln!("SKIPPED: the AWS CLI (`aws`) is not installed (pip install -r tests/requirements.txt)");
        return;
    }
    let backend = TestBackend::default();
    let addr = serve(backend.clone(), sigv4(Duration::ZERO)).await;
    let endpoint = format!("http://{addr}");
    // The CLI's one setting: print timestamps as ISO 8601, so it shows how it parsed ours.
    let config = std::env::temp_dir().join(format!("awsjson-server-test-{}-cli-config", std::process::id()));
    std::fs::write(&config, "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    let run = |username: &'static str| {
        let mut command = aws_command("aws");
        command.env("AWS_CONFIG_FILE", &config);
        command.args(["--endpoint-url", &endpoint, "--region", "us-west-2", "--output", "json"]);
        command.args([
            "cognito-idp",
            "admin-create-user",
            "--user-pool-id",
            "us-west-2_aaaaaaaaa",
            "--username",
            username,
        ]);
        command.args([
            "--user-attributes",
            "Name=email,Value=diego@example.com",
            "Name=phone_number,Value=+15555551212",
        ]);
        command.args(["--message-action", "SUPPRESS"]);
        command.output()
    };
    let output = run("diego").await.expect("run aws");
    assert!(output.status.success(), "aws failed: {}", String::from_utf8_lossy(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).expect("the CLI prints JSON");
    let user = &answer["User"];
    assert_eq!(user["Username"], "diego");
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Enabled"], true);
    assert!(user["Attributes"].as_array().unwrap().contains(&json!({"Name": "sub", "Value": SUB})));
    assert!(user["Attributes"].as_array().unwrap().contains(&json!({"Name": "phone_number", "Value": "+15555551212"})));
    // The CLI parsed the epoch-seconds timestamp and printed it as a date.
    let created = user["UserCreateDate"].as_str().expect("a date string");
    assert_eq!(created, "2019-01-21T19:38:15.428000+00:00");
    assert_eq!(backend.calls()[0].caller.as_deref(), Some(AKID), "the CLI's signature was verified");

    let output = run("a b").await.expect("run aws");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "An error occurred (InvalidParameterException) when calling the AdminCreateUser operation: \
             1 validation error detected: Value at 'username' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
        ),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_parses_users_and_errors() {
    if !python_has("boto3") {
        return;
    }
    let backend = TestBackend::default();
    let addr = serve(backend.clone(), sigv4(Duration::ZERO)).await;
    let output = aws_command("python3")
        .arg(script("boto3_admin_create_user.py"))
        .arg(format!("http://{addr}"))
        .output()
        .await
        .expect("run python3");
    assert!(output.status.success(), "boto3 script failed: {}", String::from_utf8_lossy(&output.stderr));
    let out: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");

    let create = &out["create"];
    assert_eq!(create["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(create["Attributes"]["sub"], SUB);
    assert_eq!(create["Attributes"]["email"], "diego@example.com");
    assert_eq!(create["UserCreateDateType"], "datetime", "botocore parsed the timestamp");
    assert_eq!(create["UserCreateDate"], "2019-01-21T19:38:15.428000+00:00");
    assert_eq!(create["HTTPStatusCode"], 200);
    assert_eq!(create["RequestId"].as_str(), Some(backend.calls()[0].request_id.as_str()));
    assert_eq!(backend.calls()[0].caller.as_deref(), Some(AKID));

    let bad = &out["bad_username"];
    assert_eq!(bad["Class"], "InvalidParameterException", "botocore maps it to the modeled class");
    assert_eq!(bad["HTTPStatusCode"], 400);
    assert_eq!(
        bad["Message"],
        "1 validation error detected: Value at 'username' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    );
    for key in ["not_implemented", "not_implemented_modeled"] {
        let e = &out[key];
        assert_eq!(e["Code"], "UnsupportedOperationException", "{key}: {e}");
        assert_eq!(e["HTTPStatusCode"], 400, "{key}");
        assert_eq!(e["RetryAttempts"], 0, "{key}: a 400 is not retried");
        assert!(e["RequestId"].as_str().is_some_and(|id| id.len() == 36), "{key}");
    }
    assert_eq!(out["not_implemented"]["Message"], "AdminDeleteUserAttributes is not implemented by this backend");
    // InitiateAuth models the error, so botocore raises its modeled exception class; it is a
    // public operation, so it reached the handler without a signature check.
    assert_eq!(out["not_implemented_modeled"]["Class"], "UnsupportedOperationException");
}

/// Headers botocore's SigV4 signer puts on a request.
async fn botocore_signed(
    url: &str,
    operation: &str,
    key: &str,
    token: Option<&str>,
    body: &str,
) -> Vec<(String, String)> {
    use tokio::io::AsyncWriteExt as _;
    let mut command = aws_command("python3");
    command.arg(script("botocore_sign.py")).args([url, &format!("{TARGET}.{operation}"), key, SECRET]);
    command.args(token);
    command.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = command.spawn().expect("run python3");
    child.stdin.take().unwrap().write_all(body.as_bytes()).await.unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(output.status.success(), "signing failed: {}", String::from_utf8_lossy(&output.stderr));
    let headers: serde_json::Map<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    headers.into_iter().map(|(k, v)| (k, v.as_str().unwrap().to_string())).collect()
}

async fn send_raw(addr: SocketAddr, headers: &[(String, String)], body: impl Into<reqwest::Body>) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(format!("http://{addr}/")).body(body);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let response = request.send().await.unwrap();
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let status = response.status().as_u16();
    (status, serde_json::from_slice(&response.bytes().await.unwrap()).unwrap())
}

fn with_header(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut changed: Vec<_> = headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case(name)).cloned().collect();
    changed.push((name.to_string(), value.to_string()));
    changed
}

const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS \
                        Secret Access Key and signing method. Consult the service documentation for details.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_signed_requests_verify_and_tampered_ones_do_not() {
    if !python_has("botocore") {
        return;
    }
    let backend = TestBackend::default();
    let addr = serve(backend.clone(), sigv4(Duration::ZERO)).await;
    let url = format!("http://{addr}/");
    let body = json!({"UserPoolId": "us-west-2_aaaaaaaaa", "Username": "diego"}).to_string();
    let signed = botocore_signed(&url, "AdminCreateUser", AKID, None, &body).await;

    let (status, answer) = send_raw(addr, &signed, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(backend.calls().last().unwrap().caller.as_deref(), Some(AKID));

    // One byte of the body changed.
    let tampered = body.replace("diego", "diegp");
    let (status, answer) = send_raw(addr, &signed, tampered).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("InvalidSignatureException")));
    assert_eq!(answer["message"], MISMATCH);

    // A signed header changed: the same signature for another operation.
    let retargeted = with_header(&signed, "X-Amz-Target", &format!("{TARGET}.AdminDeleteUser"));
    let (status, answer) = send_raw(addr, &retargeted, body.clone()).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("InvalidSignatureException")));

    // No signature at all on a signed operation.
    let unsigned: Vec<_> = signed.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).cloned().collect();
    let (status, answer) = send_raw(addr, &unsigned, body.clone()).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("MissingAuthenticationTokenException")));
    assert_eq!(answer["message"], "Missing Authentication Token");

    // A key the store does not know.
    let stranger = botocore_signed(&url, "AdminCreateUser", "AKIDUNKNOWN000000000", None, &body).await;
    let (status, answer) = send_raw(addr, &stranger, body.clone()).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("UnrecognizedClientException")));
    assert_eq!(answer["message"], "The security token included in the request is invalid.");

    // Temporary credentials: the right session token verifies, a wrong one does not.
    let temporary = botocore_signed(&url, "AdminCreateUser", TEMP_AKID, Some(TOKEN), &body).await;
    assert_eq!(send_raw(addr, &temporary, body.clone()).await.0, 200);
    assert_eq!(backend.calls().last().unwrap().caller.as_deref(), Some(TEMP_AKID));
    let wrong_token = botocore_signed(&url, "AdminCreateUser", TEMP_AKID, Some("not-the-token"), &body).await;
    let (status, answer) = send_raw(addr, &wrong_token, body.clone()).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("UnrecognizedClientException")));

    // Public operations need no signature.
    let public = [
        ("Content-Type".to_string(), "application/x-amz-json-1.1".to_string()),
        ("X-Amz-Target".to_string(), format!("{TARGET}.InitiateAuth")),
    ];
    let (status, answer) = send_raw(addr, &public, r#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"c1"}"#).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("UnsupportedOperationException")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_signature_is_refused_with_aws_message() {
    if !python_has("botocore") {
        return;
    }
    // The server's clock runs 10 minutes ahead of the signer's.
    let addr = serve(TestBackend::default(), sigv4(Duration::from_secs(600))).await;
    let body = json!({"UserPoolId": "us-west-2_aaaaaaaaa", "Username": "diego"}).to_string();
    let signed = botocore_signed(&format!("http://{addr}/"), "AdminCreateUser", AKID, None, &body).await;
    let (status, answer) = send_raw(addr, &signed, body).await;
    assert_eq!((status, answer["__type"].as_str()), (400, Some("InvalidSignatureException")));
    let message = answer["message"].as_str().unwrap();
    assert!(message.starts_with("Signature expired: ") && message.ends_with(" - 5 min.)"), "{message}");
    assert!(message.contains(" is now earlier than "), "{message}");
}

/// Our own client signs as botocore does, so the server's verifier accepts it (and refuses a
/// wrong secret or a missing session token). Needs no Python.
#[tokio::test]
async fn our_signed_client_verifies() {
    use cognito_idp::{Client, Config, Credentials};
    let addr: SocketAddr = serve(TestBackend::default(), sigv4(Duration::ZERO)).await;
    let client = |creds: Credentials| {
        Client::new(Config::new().endpoint_url(format!("http://{addr}/")).region("us-west-2").credentials(creds))
    };
    let ok = client(Credentials::new(AKID, SECRET))
        .admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("diego")
        .send()
        .await
        .expect("a correctly signed request is served");
    assert_eq!(ok.user.unwrap().username.as_deref(), Some("diego"));
    let temp = client(Credentials::new(TEMP_AKID, SECRET).with_session_token(TOKEN));
    temp.admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("zoë")
        .send()
        .await
        .expect("session credentials");

    let refused = |e: cognito_idp::SdkError<cognito_idp::operation::AdminCreateUserError>| {
        awsjson_types::ModeledError::code(e.service_error().expect("the service refused")).to_string()
    };
    let wrong = client(Credentials::new(AKID, "not-the-secret"))
        .admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("diego")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused(wrong), "InvalidSignatureException");
    let no_token = client(Credentials::new(TEMP_AKID, SECRET))
        .admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("diego")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused(no_token), "UnrecognizedClientException");
}
