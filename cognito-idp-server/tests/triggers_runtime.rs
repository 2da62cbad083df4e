//! Triggers against a real local Lambda runtime that needs no Docker: serverless-offline (npm,
//! on the open-source Serverless Framework 3) runs the Node.js handlers of
//! `tests/triggers_runtime/handler.js` behind the Lambda Invoke API. It knows functions by name
//! (`{service}-{stage}-{function}`), not by ARN, so the server is started with
//! `--lambda-function-name-only`: the pool's configuration keeps AWS's ARN and the server sends
//! its function name.
//!
//! Needs node and npm (the pinned packages are installed into the build's temporary directory,
//! as `.ci/run` does); without them it prints SKIPPED and passes, except in CI.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use cognito_idp::types::{AttributeType, LambdaConfigType};
use common::{InProcessServer, PASSWORD, failure, pair};

const PACKAGES: &str = include_str!("triggers_runtime/package.json");
const HANDLERS: &str = include_str!("triggers_runtime/handler.js");

/// serverless-offline serving the handlers on a free port, stopped when dropped.
struct Runtime {
    child: tokio::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Runtime {
    /// `modules`: the `node_modules` holding serverless and serverless-offline.
    async fn start(modules: &Path) -> Runtime {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let service = format!(
            "service: cognito-triggers\nframeworkVersion: \"3\"\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  region: us-east-1\n  stage: dev\nplugins:\n  - serverless-offline\ncustom:\n  serverless-offline:\n    host: 127.0.0.1\n    lambdaPort: {port}\n    httpPort: {http}\nfunctions:\n  preSignUp:\n    handler: handler.preSignUp\n"
        );
        std::fs::write(dir.path().join("serverless.yml"), service).unwrap();
        std::fs::write(dir.path().join("handler.js"), HANDLERS).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(modules, dir.path().join("node_modules")).unwrap();
        let child = tokio::process::Command::new(modules.join(".bin/sls"))
            .args(["offline", "start"])
            .current_dir(dir.path())
            .env("SLS_TELEMETRY_DISABLED", "1")
            .env("SLS_NOTIFICATIONS_MODE", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("serverless-offline starts");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(90), "serverless-offline did not listen within 90 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Runtime { child, port, _dir: dir }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

#[tokio::test]
async fn pre_sign_up_runs_in_serverless_offline() {
    let Some(modules) =
        common::tools::npm_packages(PACKAGES, "triggers-runtime-npm", "tests/triggers_runtime/package.json")
    else {
        return;
    };
    let runtime = Runtime::start(&modules).await;
    let endpoint = format!("http://127.0.0.1:{}", runtime.port);
    let server = InProcessServer::start_with(move |o| {
        o.lambda_endpoint = Some(endpoint);
        o.lambda_function_name_only = true;
    })
    .await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("offline")
        .lambda_config(LambdaConfigType {
            pre_sign_up: Some("arn:aws:lambda:us-east-1:123456789012:function:cognito-triggers-dev-preSignUp".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let app = common::create_app_client(&client, &pool, "web").await;
    let email = |v: &str| AttributeType { name: "email".into(), value: Some(v.into()) };
    let signed_up = client
        .sign_up()
        .client_id(&app)
        .username("nia")
        .password(PASSWORD)
        .user_attributes(email("nia@example.com"))
        .send()
        .await;
    assert!(signed_up.expect("the handler confirms example.com").user_confirmed);
    let user = client.admin_get_user().user_pool_id(&pool).username("nia").send().await.unwrap();
    assert_eq!(common::value_of(&user.user_attributes.unwrap(), "email_verified").as_deref(), Some("true"));
    let refused = client
        .sign_up()
        .client_id(&app)
        .username("max")
        .password(PASSWORD)
        .user_attributes(email("max@elsewhere.org"))
        .send()
        .await;
    assert_eq!(
        failure(refused),
        pair("UserLambdaValidationException", "PreSignUp failed with error Only example.com addresses may sign up.")
    );
}
