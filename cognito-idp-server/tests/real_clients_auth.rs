//! Sign-in against the reference server as real clients do it, each against a server binary the
//! test starts on 127.0.0.1: the AWS CLI and boto3 (sign-up, confirmation with the outbox's code,
//! password sign-in, GetUser, refresh, global sign-out; boto3 also AdminInitiateAuth),
//! `amazon-cognito-identity-js` (npm) signing in with its own SRP (USER_SRP_AUTH), and
//! `aws-jwt-verify` (npm), AWS's own verifier, accepting our tokens unchanged and refusing
//! tampered ones. pycognito's SRP is in tests/srp.rs and PyJWT's check in tests/tokens.rs.
//!
//! The Python tools come from tests/requirements.txt, the npm packages from
//! tests/real_clients_auth/package.json (pinned), which these tests install into the target
//! directory when they are missing (`.ci/run` installs them first). Without a tool, a test
//! prints SKIPPED and passes on a developer's machine, and fails in CI (`CI` set), where
//! `.ci/run` installs everything.

mod common;

use std::path::Path;
use std::process::Output;

use cognito_idp::Client;
use cognito_idp::types::AuthenticationResultType;
use common::tools::{node, node_modules, present, run, script, stdout_json, tool_available};
use common::{ACCESS_KEY, ChildServer, ClientBuilder, REGION, SECRET_KEY};
use serde_json::{Value, json};
use tokio::process::Command;

const AWS_ISSUER_BASE: &str = "https://cognito-idp.us-east-1.amazonaws.com";
const PASSWORD: &str = "Passw0rd!real";
const WRONG_PASSWORD: &str = "Wrong-Passw0rd!";

/// A command with only the test's AWS settings in its environment (as in tests/real_clients.rs):
/// the machine's own AWS configuration never leaks into the test.
fn aws_command(program: &str, dir: &Path) -> Command {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "[default]\n").unwrap();
    std::fs::write(&credentials, "").unwrap();
    let mut command = Command::new(program);
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"] {
        command.env_remove(var);
    }
    command
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_REGION", REGION)
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_SHARED_CREDENTIALS_FILE", credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env("AWS_MAX_ATTEMPTS", "1");
    command
}

/// The claims of a JWT, unverified (the verifiers under test do the verifying).
fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_signs_up_signs_in_refreshes_and_signs_out() {
    if !present(tool_available("aws", &["--version"]), "the AWS CLI (`aws`)") {
        return;
    }
    let server = ChildServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let endpoint = server.url();
    let aws = |args: &[&str]| {
        let mut command = aws_command("aws", dir.path());
        command.args(["--endpoint-url", &endpoint, "--output", "json", "cognito-idp"]).args(args);
        run(command)
    };
    let aws_error = |output: &Output, code: &str, operation: &str, message: &str| {
        assert!(!output.status.success(), "{operation} succeeded: {}", String::from_utf8_lossy(&output.stdout));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let expected = format!("An error occurred ({code}) when calling the {operation} operation: {message}");
        assert!(stderr.contains(&expected), "expected {expected:?}, got: {stderr}");
    };

    let pool = stdout_json(
        &aws(&["create-user-pool", "--pool-name", "cli-auth", "--auto-verified-attributes", "email"]).await,
    );
    let pool_id = pool["UserPool"]["Id"].as_str().expect("a pool id").to_owned();
    let app = stdout_json(
        &aws(&[
            "create-user-pool-client",
            "--user-pool-id",
            &pool_id,
            "--client-name",
            "web",
            "--explicit-auth-flows",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ])
        .await,
    );
    let client_id = app["UserPoolClient"]["ClientId"].as_str().expect("a client id").to_owned();

    let signed_up = stdout_json(
        &aws(&[
            "sign-up",
            "--client-id",
            &client_id,
            "--username",
            "diego",
            "--password",
            PASSWORD,
            "--user-attributes",
            "Name=email,Value=diego@example.com",
        ])
        .await,
    );
    assert_eq!(signed_up["UserConfirmed"], false, "{signed_up}");
    assert_eq!(signed_up["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL", "{signed_up}");
    assert_eq!(signed_up["CodeDeliveryDetails"]["AttributeName"], "email", "{signed_up}");
    assert_eq!(signed_up["UserSub"].as_str().map(str::len), Some(36), "{signed_up}");

    let password_auth = json!({"USERNAME": "diego", "PASSWORD": PASSWORD}).to_string();
    let sign_in = [
        "initiate-auth",
        "--client-id",
        &client_id,
        "--auth-flow",
        "USER_PASSWORD_AUTH",
        "--auth-parameters",
        &password_auth,
    ];
    aws_error(&aws(&sign_in).await, "UserNotConfirmedException", "InitiateAuth", "User is not confirmed.");

    let code = server.outbox_code(&pool_id, "diego", None).await;
    let confirmed =
        aws(&["confirm-sign-up", "--client-id", &client_id, "--username", "diego", "--confirmation-code", &code]).await;
    assert!(confirmed.status.success(), "{}", String::from_utf8_lossy(&confirmed.stderr));

    let signed_in = stdout_json(&aws(&sign_in).await);
    let result = &signed_in["AuthenticationResult"];
    assert_eq!(result["TokenType"], "Bearer", "{signed_in}");
    assert_eq!(result["ExpiresIn"], 3600, "{signed_in}");
    let access = result["AccessToken"].as_str().expect("an access token").to_owned();
    let refresh = result["RefreshToken"].as_str().expect("a refresh token").to_owned();
    assert!(result["IdToken"].is_string(), "{signed_in}");
    assert_eq!(claims(&access)["username"], "diego");

    let wrong = json!({"USERNAME": "diego", "PASSWORD": WRONG_PASSWORD}).to_string();
    let output = aws(&[
        "initiate-auth",
        "--client-id",
        &client_id,
        "--auth-flow",
        "USER_PASSWORD_AUTH",
        "--auth-parameters",
        &wrong,
    ])
    .await;
    aws_error(&output, "NotAuthorizedException", "InitiateAuth", "Incorrect username or password.");

    let user = stdout_json(&aws(&["get-user", "--access-token", &access]).await);
    assert_eq!(user["Username"], "diego", "{user}");
    let email = user["UserAttributes"].as_array().unwrap().iter().find(|a| a["Name"] == "email");
    assert_eq!(email.map(|a| &a["Value"]), Some(&json!("diego@example.com")), "{user}");
    let verified = user["UserAttributes"].as_array().unwrap().iter().find(|a| a["Name"] == "email_verified");
    assert_eq!(verified.map(|a| &a["Value"]), Some(&json!("true")), "confirming verified the email: {user}");

    let refresh_auth = json!({ "REFRESH_TOKEN": refresh }).to_string();
    let refresh_args = [
        "initiate-auth",
        "--client-id",
        &client_id,
        "--auth-flow",
        "REFRESH_TOKEN_AUTH",
        "--auth-parameters",
        &refresh_auth,
    ];
    let refreshed = stdout_json(&aws(&refresh_args).await);
    let result = &refreshed["AuthenticationResult"];
    assert!(result.get("RefreshToken").is_none(), "no rotation, no new refresh token: {refreshed}");
    let refreshed_access = result["AccessToken"].as_str().expect("a new access token").to_owned();
    assert_ne!(refreshed_access, access);
    assert_eq!(claims(&refreshed_access)["origin_jti"], claims(&access)["origin_jti"], "the same sign-in");
    let user = stdout_json(&aws(&["get-user", "--access-token", &refreshed_access]).await);
    assert_eq!(user["Username"], "diego");

    let out = aws(&["global-sign-out", "--access-token", &access]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for token in [&access, &refreshed_access] {
        let output = aws(&["get-user", "--access-token", token]).await;
        aws_error(&output, "NotAuthorizedException", "GetUser", "Access Token has been revoked");
    }
    let output = aws(&refresh_args).await;
    aws_error(&output, "NotAuthorizedException", "InitiateAuth", "Refresh Token has been revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_signs_up_signs_in_refreshes_and_signs_out() {
    if !present(tool_available("python3", &["-c", "import boto3"]), "python3 with boto3") {
        return;
    }
    let server = ChildServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut command = aws_command("python3", dir.path());
    command.arg(script("boto3_auth.py")).arg(server.url());
    let out = stdout_json(&run(command).await);

    assert_eq!(out["sign_up"]["UserConfirmed"], false, "{out}");
    assert_eq!(out["sign_up"]["Delivery"]["DeliveryMedium"], "EMAIL", "{out}");
    assert_eq!(out["sign_up"]["Delivery"]["Destination"], "d***@e***.com", "AWS masks the address: {out}");
    let expect_error = |value: &Value, class: &str, message: &str| {
        assert_eq!(value["Class"], class, "botocore maps it to the modeled class: {value}");
        assert_eq!(value["Code"], class, "{value}");
        assert_eq!(value["Message"], message, "{value}");
        assert_eq!(value["HTTPStatusCode"], 400, "{value}");
    };
    expect_error(&out["before_confirm"], "UserNotConfirmedException", "User is not confirmed.");
    assert_eq!(out["confirm_status"], 200);
    let full = json!({"Has": ["AccessToken", "IdToken", "RefreshToken"], "TokenType": "Bearer", "ExpiresIn": 3600});
    assert_eq!(out["sign_in"], full, "{out}");
    assert_eq!(out["admin_sign_in"], full, "{out}");
    assert_eq!(out["refresh"], json!({"Has": ["AccessToken", "IdToken"], "TokenType": "Bearer", "ExpiresIn": 3600}));
    expect_error(&out["wrong_password"], "NotAuthorizedException", "Incorrect username or password.");

    assert_eq!(out["get_user"]["Username"], "diego");
    let attributes = &out["get_user"]["Attributes"];
    assert_eq!(attributes["email"], "diego@example.com", "{out}");
    assert_eq!(attributes["email_verified"], "true", "{out}");
    assert_eq!(attributes["sub"], out["sign_up"]["UserSub"], "{out}");
    for key in ["get_user_refreshed", "get_user_admin", "get_user_again"] {
        assert_eq!(out[key], "diego", "{key}: {out}");
    }

    assert_eq!(out["sign_out_status"], 200);
    let after = &out["after_sign_out"];
    for key in ["get_user", "get_user_refreshed", "get_user_admin"] {
        expect_error(&after[key], "NotAuthorizedException", "Access Token has been revoked");
    }
    expect_error(&after["refresh"], "NotAuthorizedException", "Refresh Token has been revoked");
}

/// A pool, an app client allowing `flows` (and refresh), and `diego` with a permanent password.
async fn pool_with_user(client: &Client, flows: &[&str]) -> (String, String) {
    let pool = common::create_pool(client, "real-clients-auth").await;
    let app = ClientBuilder::new("web").flows(&["ALLOW_REFRESH_TOKEN_AUTH"]).flows(flows).create(client, &pool).await;
    common::confirmed_user(client, &pool, "diego", PASSWORD).await;
    (pool, app.id)
}

async fn password_sign_in(client: &Client, app: &str) -> AuthenticationResultType {
    common::sign_in(client, app, "diego", PASSWORD).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_cognito_identity_js_signs_in_with_srp() {
    let Some(modules) = tokio::task::spawn_blocking(node_modules).await.unwrap() else { return };
    let server = ChildServer::start().await;
    let client = server.client();
    let (pool, app) = pool_with_user(&client, &["ALLOW_USER_SRP_AUTH"]).await;

    let args = [server.url(), pool.clone(), app.clone(), "diego".into(), PASSWORD.into(), WRONG_PASSWORD.into()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = stdout_json(&run(node(&modules, "cognito_identity_js.js", &args)).await);

    let signed_in = &out["signIn"];
    assert_eq!(signed_in["valid"], true, "the library accepts the session: {out}");
    assert_eq!(out["authenticationFlowType"], "USER_SRP_AUTH", "{out}");
    assert_eq!(signed_in["idPayload"]["cognito:username"], "diego", "{out}");
    assert_eq!(signed_in["idPayload"]["token_use"], "id");
    assert_eq!(signed_in["idPayload"]["aud"], app.as_str());
    assert_eq!(signed_in["idPayload"]["email"], "diego@example.com");
    assert_eq!(signed_in["accessPayload"]["username"], "diego");
    assert_eq!(signed_in["accessPayload"]["client_id"], app.as_str());
    assert_eq!(signed_in["accessPayload"]["iss"], format!("{}/{pool}", server.url()));
    assert_eq!(out["getUserAttributes"]["email"], "diego@example.com", "GetUser with the access token: {out}");

    let refreshed = &out["refresh"];
    assert_eq!(refreshed["valid"], true, "REFRESH_TOKEN_AUTH through refreshSession: {out}");
    assert_ne!(refreshed["accessToken"], signed_in["accessToken"]);
    assert_eq!(refreshed["refreshToken"], signed_in["refreshToken"], "no rotation: the library keeps its token");
    assert_eq!(refreshed["accessPayload"]["origin_jti"], signed_in["accessPayload"]["origin_jti"]);

    assert_eq!(
        out["wrongPassword"],
        json!({"code": "NotAuthorizedException", "name": "NotAuthorizedException", "message": "Incorrect username or password."}),
        "{out}"
    );

    // The tokens the library got are the server's: GetUser takes both access tokens.
    for token in [&signed_in["accessToken"], &refreshed["accessToken"]] {
        let user = client.get_user().access_token(token.as_str().unwrap()).send().await.expect("GetUser");
        assert_eq!(user.username, "diego");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_jwt_verify_accepts_our_tokens_and_refuses_tampered_ones() {
    let Some(modules) = tokio::task::spawn_blocking(node_modules).await.unwrap() else { return };
    // The issuer AWS's tokens carry, so that CognitoJwtVerifier takes ours unchanged.
    let server = ChildServer::start_with(&["--issuer-base", AWS_ISSUER_BASE]).await;
    let client = server.client();
    let (pool, app) = pool_with_user(&client, &["ALLOW_USER_PASSWORD_AUTH"]).await;

    // An access token that expired an hour ago: issued with the server's clock two hours back.
    let set_clock = |seconds: i64| {
        let url = format!("{}/_local/clock", server.url());
        async move {
            let response =
                reqwest::Client::new().post(url).json(&json!({ "offsetSeconds": seconds })).send().await.unwrap();
            assert_eq!(response.status(), 200);
        }
    };
    set_clock(-7200).await;
    let expired = password_sign_in(&client, &app).await.access_token.unwrap();
    set_clock(0).await;
    let tokens = password_sign_in(&client, &app).await;
    let (access, id) = (tokens.access_token.unwrap(), tokens.id_token.unwrap());
    assert_eq!(claims(&access)["iss"], format!("{AWS_ISSUER_BASE}/{pool}"));

    let jwks_url = format!("{}/{pool}/.well-known/jwks.json", server.url());
    let args = [jwks_url.as_str(), &pool, &app, &access, &id, &expired];
    let out = stdout_json(&run(node(&modules, "aws_jwt_verify.js", &args)).await);
    assert_eq!(out["jwksStatus"], 200, "{out}");

    let sub = claims(&access)["sub"].clone();
    let accepted = |value: &Value, token_use: &str| {
        assert_eq!(value, &json!({"ok": true, "token_use": token_use, "sub": sub}), "{out}");
    };
    let refused = |value: &Value, error: &str, message: &str| {
        assert_eq!(value["ok"], false, "{out}");
        assert_eq!(value["error"], error, "{value}");
        assert!(value["message"].as_str().unwrap().contains(message), "{value}");
    };
    let cognito = &out["cognito"];
    accepted(&cognito["access"], "access");
    accepted(&cognito["id"], "id");
    accepted(&cognito["accessAsync"], "access");
    refused(&cognito["idAsAccess"], "CognitoJwtInvalidTokenUseError", "Token use not allowed: id");
    refused(&cognito["accessAsId"], "CognitoJwtInvalidTokenUseError", "Token use not allowed: access");
    refused(&cognito["otherClient"], "CognitoJwtInvalidClientIdError", "Client ID not allowed");
    refused(&cognito["otherUsername"], "JwtInvalidSignatureError", "signature");
    refused(&cognito["longerLife"], "JwtInvalidSignatureError", "signature");
    refused(&cognito["badSignature"], "JwtInvalidSignatureError", "signature");
    refused(&cognito["algNone"], "JwtInvalidSignatureAlgorithmError", "none");
    refused(&cognito["expired"], "JwtExpiredError", "expired");

    let rsa = &out["rsa"];
    accepted(&rsa["access"], "access");
    accepted(&rsa["id"], "id");
    refused(&rsa["tampered"], "JwtInvalidSignatureError", "signature");
    assert_eq!(rsa["fetches"], 1, "one JWKS holds both keys: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_cognito_identity_js_remembers_a_device_and_skips_mfa_on_it() {
    let Some(modules) = tokio::task::spawn_blocking(node_modules).await.unwrap() else { return };
    let server = ChildServer::start().await;
    let client = server.client();
    let remember_on_prompt = cognito_idp::types::DeviceConfigurationType {
        challenge_required_on_new_device: Some(true),
        device_only_remembered_on_user_prompt: Some(true),
    };
    let pool = common::PoolBuilder::new("devices")
        .mfa("ON")
        .sms_mfa()
        .with(move |p| p.device_configuration(remember_on_prompt))
        .create(&client)
        .await;
    let flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    let app = ClientBuilder::new("web").flows(&flows).create(&client, &pool).await.id;
    common::UserBuilder::new("diego")
        .email()
        .attr("phone_number", "+14155550123")
        .password(PASSWORD)
        .create(&client, &pool)
        .await;

    let args = [server.url(), pool.clone(), app, "diego".into(), PASSWORD.into()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = stdout_json(&run(node(&modules, "cognito_identity_js_devices.js", &args)).await);

    // A new device: MFA asked, then the library confirms the device, which the pool remembers
    // only once the user says so.
    let first = &out["first"];
    assert_eq!(first["mfa"], true, "{out}");
    assert_eq!(first["userConfirmationNecessary"], true, "{out}");
    let device_key = first["deviceKey"].as_str().expect("the access token names the device");
    assert!(device_key.starts_with("us-east-1_"), "{out}");
    assert_eq!(out["remember"]["result"], "SUCCESS", "{out}");
    let devices = out["devices"].as_array().expect("ListDevices");
    assert_eq!(devices.len(), 1, "{out}");
    assert_eq!(devices[0]["DeviceKey"], device_key);
    let attribute = |name: &str| {
        devices[0]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == name)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attribute("dev:device_remembered_status"), Some(json!("remembered")), "{out}");
    assert_eq!(attribute("last_ip_used"), Some(json!("127.0.0.1")), "{out}");
    assert!(attribute("device_name").is_some(), "the library names the device with its user agent: {out}");

    // The remembered device signs in by device SRP instead of MFA; its refresh token works with
    // the device key the library sends.
    assert_eq!(out["second"]["mfa"], false, "{out}");
    assert_eq!(out["second"]["valid"], true, "{out}");
    assert_eq!(out["second"]["deviceKey"], device_key, "{out}");
    assert_eq!(out["refresh"]["valid"], true, "{out}");

    // Forgotten, it no longer stands in for MFA.
    assert_eq!(out["forget"]["result"], "SUCCESS", "{out}");
    assert_eq!(out["devicesAfterForget"], json!([]), "{out}");
    assert_eq!(out["third"]["mfa"], true, "{out}");
    assert_eq!(out["third"]["valid"], true, "{out}");
    assert_ne!(out["third"]["deviceKey"], device_key, "a new device: {out}");

    // The administrators see the device the third sign-in confirmed.
    let listed =
        client.admin_list_devices().user_pool_id(&pool).username("diego").send().await.expect("AdminListDevices");
    assert_eq!(listed.devices.unwrap_or_default().len(), 1);
}
