//! The reference server as the AWS CLI and boto3 see it: both run the admin-create-user
//! reference example (and the errors around it) against the real binary, and their parsers read
//! our answers.
//!
//! These need Python tools (`pip install -r tests/requirements.txt`, as `.ci/run` does); without
//! them they print SKIPPED and pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{ACCESS_KEY, ChildServer, REGION, SECRET_KEY};
use serde_json::Value;
use tokio::process::Command;

fn tool_available(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A command with only the test's AWS settings in its environment: the machine's own AWS
/// configuration (profiles, endpoints) never leaks into the test.
fn aws_command(program: &str, dir: &Path) -> Command {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    // The CLI's one setting: print timestamps as ISO 8601, so it shows how it parsed ours.
    std::fs::write(&config, "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    std::fs::write(&credentials, "").unwrap();
    let mut command = Command::new(program);
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
    ] {
        command.env_remove(var);
    }
    command
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_SHARED_CREDENTIALS_FILE", credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env("AWS_MAX_ATTEMPTS", "1");
    command
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(name)
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn attribute<'a>(user: &'a Value, list: &str, name: &str) -> Option<&'a str> {
    user[list].as_array()?.iter().find(|a| a["Name"] == name)?["Value"].as_str()
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text
            .chars()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// An ISO 8601 date as the CLI prints a parsed timestamp (`2025-01-21T19:38:15.428000+00:00`).
fn is_iso_date(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() >= 25 && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b'T' && s.ends_with("+00:00"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_runs_the_admin_create_user_reference_example() {
    if !tool_available("aws", &["--version"]) {
        eprintln!("SKIPPED: the AWS CLI (`aws`) is not installed (pip install -r tests/requirements.txt)");
        return;
    }
    let server = ChildServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let endpoint = server.url();
    let aws = |args: &[&str]| {
        let mut command = aws_command("aws", dir.path());
        command.args(["--endpoint-url", &endpoint, "--output", "json", "cognito-idp"]).args(args);
        command.output()
    };

    let pool = stdout_json(&aws(&["create-user-pool", "--pool-name", "cli-pool"]).await.unwrap());
    let pool_id = pool["UserPool"]["Id"].as_str().expect("a pool id").to_owned();
    assert!(pool_id.starts_with("us-east-1_"), "{pool_id}");
    assert!(is_iso_date(&pool["UserPool"]["CreationDate"]), "the CLI parsed the date: {pool}");

    // The reference example, as AWS's documentation gives it.
    let create = [
        "admin-create-user",
        "--user-pool-id",
        &pool_id,
        "--username",
        "diego",
        "--user-attributes",
        "Name=email,Value=diego@example.com",
        "--message-action",
        "SUPPRESS",
    ];
    let created = stdout_json(&aws(&create).await.unwrap());
    let user = &created["User"];
    assert_eq!(user["Username"], "diego", "{created}");
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Enabled"], true);
    assert_eq!(attribute(user, "Attributes", "email"), Some("diego@example.com"));
    assert!(attribute(user, "Attributes", "sub").is_some_and(is_uuid), "{created}");
    assert!(is_iso_date(&user["UserCreateDate"]) && is_iso_date(&user["UserLastModifiedDate"]), "{created}");

    let got = stdout_json(&aws(&["admin-get-user", "--user-pool-id", &pool_id, "--username", "diego"]).await.unwrap());
    assert_eq!(got["Username"], "diego");
    assert_eq!(attribute(&got, "UserAttributes", "sub"), attribute(user, "Attributes", "sub"));

    let listed = stdout_json(
        &aws(&["list-users", "--user-pool-id", &pool_id, "--filter", "email = \"diego@example.com\""]).await.unwrap(),
    );
    assert_eq!(listed["Users"][0]["Username"], "diego", "{listed}");

    // The same example again: AWS's error, as the CLI prints it.
    let again = aws(&create).await.unwrap();
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains(
            "An error occurred (UsernameExistsException) when calling the AdminCreateUser operation: User account already exists"
        ),
        "{stderr}"
    );
    let missing = aws(&["admin-get-user", "--user-pool-id", &pool_id, "--username", "nobody"]).await.unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains(
            "An error occurred (UserNotFoundException) when calling the AdminGetUser operation: User does not exist."
        ),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_runs_the_admin_create_user_reference_example() {
    if !tool_available("python3", &["-c", "import boto3"]) {
        eprintln!("SKIPPED: python3 cannot import boto3 (pip install -r tests/requirements.txt)");
        return;
    }
    let server = ChildServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let output =
        aws_command("python3", dir.path()).arg(script("boto3_reference.py")).arg(server.url()).output().await.unwrap();
    let out = stdout_json(&output);

    assert!(out["pool"]["Id"].as_str().unwrap().starts_with("us-east-1_"), "{out}");
    assert_eq!(out["pool"]["Name"], "boto3-pool");
    assert_eq!(out["pool"]["CreationDateType"], "datetime", "botocore parsed the timestamp");
    for key in ["create", "get"] {
        let user = &out[key];
        assert_eq!(user["Username"], "diego", "{key}: {user}");
        assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD", "{key}");
        assert_eq!(user["Enabled"], true, "{key}");
        assert_eq!(user["Attributes"]["email"], "diego@example.com", "{key}");
        assert!(user["Attributes"]["sub"].as_str().is_some_and(is_uuid), "{key}: {user}");
        assert_eq!(user["UserCreateDateType"], "datetime", "{key}");
        assert_eq!(user["UserLastModifiedDateType"], "datetime", "{key}");
    }
    assert_eq!(out["create"]["Attributes"]["sub"], out["get"]["Attributes"]["sub"]);
    assert_eq!(out["create"]["HTTPStatusCode"], 200);
    assert_eq!(out["listed"], serde_json::json!(["diego"]));

    let expect = |key: &str, class: &str, message: &str| {
        let e = &out[key];
        assert_eq!(e["Class"], class, "{key}: botocore maps it to the modeled class: {e}");
        assert_eq!(e["Code"], class, "{key}");
        assert_eq!(e["Message"], message, "{key}");
        assert_eq!(e["HTTPStatusCode"], 400, "{key}");
    };
    expect("duplicate", "UsernameExistsException", "User account already exists");
    expect("unknown_user", "UserNotFoundException", "User does not exist.");
    expect("unknown_pool", "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.");
    expect(
        "bad_username",
        "InvalidParameterException",
        "1 validation error detected: Value at 'username' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    );
}
