//! The server program as an operator meets it: `--help`, `GET /health`, a graceful SIGTERM with
//! a request in flight, `--credentials` turning SigV4 verification on, and start-up on older and
//! newer database files.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use cognito_idp::{Client, Credentials};
use common::{
    ACCESS_KEY, ChildServer, SECRET_KEY, config_for, error_code, error_message, integrity_check, server_binary,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The flags the issue asks for; each must have an environment variable too.
const FLAGS: [&str; 13] = [
    "--host",
    "--port",
    "--db",
    "--in-memory",
    "--region",
    "--seed",
    "--dev",
    "--credentials",
    "--no-local-endpoints",
    "--self-hosted",
    "--hash-cost",
    "--local-endpoints",
    "--require-sigv4",
];

#[test]
fn help_lists_every_flag_with_its_environment_variable() {
    let output = Command::new(server_binary()).arg("--help").output().expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in FLAGS {
        assert!(help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")), "{flag} missing:\n{help}");
    }
    // Each option's entry (from its `--flag` line to the next one) names its variable, except
    // clap's own --help and --version.
    let mut entries: Vec<String> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("--") || (trimmed.starts_with('-') && trimmed.contains(", --")) {
            entries.push(String::new());
        }
        if let Some(entry) = entries.last_mut() {
            entry.push_str(line);
            entry.push('\n');
        }
    }
    assert!(entries.len() >= FLAGS.len(), "{help}");
    for entry in entries.iter().filter(|e| !e.contains("--help") && !e.contains("--version")) {
        assert!(entry.contains("[env: COGNITO_"), "an option without an environment variable:\n{entry}");
    }
}

#[tokio::test]
async fn health_answers_200_and_the_start_up_line_says_fast_hashing() {
    let server = ChildServer::start().await;
    let response = reqwest::get(format!("{}/health", server.url())).await.unwrap();
    assert_eq!(response.status(), 200);
    let log = server.log();
    assert!(log.contains("local emulator profile: fast password hashing"), "said at start-up:\n{log}");
}

/// A `CreateUserPool` request as raw HTTP, so the test controls when each byte goes out.
fn create_pool_request(name: &str) -> (String, String) {
    let body = format!(r#"{{"PoolName":"{name}"}}"#);
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AWSCognitoIdentityProviderService.CreateUserPool\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    (head, body)
}

fn count_pools(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM pools", [], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_and_leaves_the_file_consistent() {
    let mut server = ChildServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (head, body) = create_pool_request("in-flight");
    // The headers and half the body are in when SIGTERM comes; the rest follows after it.
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body.as_bytes()[..body.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.wait_exit(Duration::ZERO).await.is_none(), "the server waits for the request in flight");
    stream.write_all(&body.as_bytes()[body.len() / 2..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("the answer comes")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""Name":"in-flight""#), "{answer}");

    let status = server.wait_exit(Duration::from_secs(20)).await.expect("the server exits after SIGTERM");
    assert!(status.success(), "{status}: {}", server.log());
    // New connections are refused once it has stopped.
    assert!(tokio::net::TcpStream::connect(server.addr).await.is_err());
    assert_eq!(integrity_check(&server.db), "ok");
    assert_eq!(count_pools(&server.db), 1, "the acknowledged write is in the file");
}

#[tokio::test]
async fn sigterm_or_ctrl_c_on_an_idle_server_exits_at_once() {
    for signal in ["TERM", "INT"] {
        let mut server = ChildServer::start().await;
        // An idle keep-alive connection does not hold the shutdown up.
        let _idle = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        server.signal(signal);
        let status = server.wait_exit(Duration::from_secs(10)).await.expect("the server exits");
        assert!(status.success(), "SIG{signal}: {status}: {}", server.log());
        assert!(server.log().contains("shutting down"), "{}", server.log());
        assert_eq!(integrity_check(&server.db), "ok");
    }
}

fn credentials_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("credentials");
    std::fs::write(&path, format!("# test keys\n{ACCESS_KEY} {SECRET_KEY}\n\nAKIDSECONDKEY0000001 another/secret\n"))
        .unwrap();
    path
}

#[tokio::test]
async fn credentials_file_turns_on_sigv4_verification() {
    let dir = tempfile::tempdir().unwrap();
    let file = credentials_file(dir.path());
    let server = ChildServer::start_with(&["--credentials", file.to_str().unwrap()]).await;

    // A listed key passes (the answer is the operation's, whatever it is).
    let listed = server.client();
    let result = listed.list_user_pools().max_results(10).send().await;
    if let Err(e) = &result {
        let code = error_code(e);
        assert!(!code.as_deref().is_some_and(|c| c.contains("Signature") || c.contains("Client")), "{e}");
    }

    // An unknown key: AWS's UnrecognizedClientException, HTTP 400.
    let unknown = Client::new(config_for(&server.url()).credentials(Credentials::new("AKIDUNKNOWN000000001", "x")));
    let e = unknown.list_user_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("UnrecognizedClientException"), "{e}");
    assert_eq!(error_message(&e).as_deref(), Some("The security token included in the request is invalid."));
    assert_eq!(e.status(), Some(400));

    // A listed key with the wrong secret: the signature does not match.
    let wrong = Client::new(config_for(&server.url()).credentials(Credentials::new(ACCESS_KEY, "wrong/secret")));
    let e = wrong.list_user_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("InvalidSignatureException"), "{e}");

    // No signature at all.
    let response = reqwest::Client::new()
        .post(server.url())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
        .body(r#"{"MaxResults":10}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["__type"], "MissingAuthenticationTokenException", "{body}");
}

#[tokio::test]
async fn without_a_credentials_file_any_credentials_pass() {
    let server = ChildServer::start().await;
    let client = Client::new(config_for(&server.url()).credentials(Credentials::new("AKIDANYTHING00000001", "any")));
    let result = client.list_user_pools().max_results(10).send().await;
    if let Err(e) = &result {
        let code = error_code(e);
        assert!(!code.as_deref().is_some_and(|c| c.contains("Signature") || c.contains("Client")), "{e}");
    }
}

#[test]
fn a_malformed_credentials_file_stops_the_start_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials");
    std::fs::write(&file, "AKIDONLYONEWORD\n").unwrap();
    let output =
        run_to_exit(&["--credentials", file.to_str().unwrap(), "--db", dir.path().join("db").to_str().unwrap()]);
    assert!(!output.0.success());
    assert!(output.1.contains(":1: expected `ACCESS_KEY_ID SECRET_ACCESS_KEY`"), "{}", output.1);
}

/// Runs the server with `args` (on port 0) expecting it to exit by itself within 30 s; its
/// status and everything it printed.
fn run_to_exit(args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(server_binary())
        .args(["--dev", "--port", "0"])
        .args(args)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the server did not exit by itself");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (status, text)
}

fn user_version(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_newer_schema_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cognito.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;").unwrap();
    }
    let (status, output) = run_to_exit(&["--db", db.to_str().unwrap()]);
    assert!(!status.success());
    assert!(
        output.contains("the database is at schema version 999, newer than this server's")
            && output.contains("upgrade the server"),
        "{output}"
    );
    // The file is left as it was.
    assert_eq!(user_version(&db), 999);
}

#[tokio::test]
async fn an_empty_older_file_is_migrated_to_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cognito.db");
    {
        // Version 0: a database file no server has written yet.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
    }
    assert_eq!(user_version(&db), 0);
    let server = ChildServer::start_on(&db, &[]).await;
    assert!(user_version(&db) >= 1);
    let response = reqwest::get(format!("{}/health", server.url())).await.unwrap();
    assert_eq!(response.status(), 200);
    drop(server);
    assert_eq!(integrity_check(&db), "ok");
}

#[tokio::test]
async fn a_version_1_file_with_data_opens_and_reads_as_written() {
    const POOL: &str = "us-east-1_1GxYq6jyf";
    const CLIENT: &str = "frfr3axnb0x8wzf35odtc5vugs";
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cognito.db");
    {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema_v1.sql");
        let conn = rusqlite::Connection::open(&db).unwrap();
        // The dump lists tables alphabetically, so a row may come before the table it refers to.
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute_batch(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    }
    assert_eq!(user_version(&db), 1);
    let server = ChildServer::start_on(&db, &[]).await;
    assert!(user_version(&db) >= 1);
    let client = server.client();

    let pool =
        client.describe_user_pool().user_pool_id(POOL).send().await.expect("DescribeUserPool").user_pool.unwrap();
    assert_eq!(pool.name.as_deref(), Some("v1-pool"));
    let app = client.describe_user_pool_client().user_pool_id(POOL).client_id(CLIENT).send().await.unwrap();
    let app = app.user_pool_client.unwrap();
    assert_eq!(app.client_name.as_deref(), Some("v1-app"));
    assert!(app.client_secret.is_some());

    let user = client.admin_get_user().user_pool_id(POOL).username("diego").send().await.expect("AdminGetUser");
    assert_eq!(user.user_status.as_ref().map(|s| s.as_str()), Some("CONFIRMED"));
    let by_alias = client.admin_get_user().user_pool_id(POOL).username("diego@example.com").send().await.unwrap();
    assert_eq!(by_alias.username, "diego", "the email alias still finds the user");
    let listed = client.list_users().user_pool_id(POOL).filter("email = \"diego@example.com\"").send().await.unwrap();
    assert_eq!(listed.users.unwrap_or_default().len(), 1);
    let groups = client.admin_list_groups_for_user().user_pool_id(POOL).username("diego").send().await.unwrap();
    assert_eq!(groups.groups.unwrap_or_default()[0].group_name.as_deref(), Some("admins"));
    let arn = pool.arn.unwrap();
    let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
    assert_eq!(tags.tags.unwrap_or_default().get("team").map(String::as_str), Some("v1"));

    // New writes go on from where the file was: the email alias is still taken.
    common::create_user(&client, POOL, "ana", "ana@example.com").await;
    let taken = client
        .admin_create_user()
        .user_pool_id(POOL)
        .username("other")
        .user_attributes(cognito_idp::types::AttributeType {
            name: "email".into(),
            value: Some("diego@example.com".into()),
        })
        .user_attributes(cognito_idp::types::AttributeType {
            name: "email_verified".into(),
            value: Some("true".into()),
        })
        .message_action("SUPPRESS")
        .send()
        .await;
    assert!(taken.is_err(), "a verified email alias held by diego cannot be claimed again");
    drop(server);
    assert_eq!(integrity_check(&db), "ok");
}
