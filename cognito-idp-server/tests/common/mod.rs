//! The shared test harness: the server as a real child process ([`ChildServer`]) or inside the
//! test ([`InProcessServer`]), each on 127.0.0.1 with a port of its own and a temporary SQLite
//! file, and the generated client pointed at it.
//!
//! ```ignore
//! mod common;
//! use common::{ChildServer, create_pool, create_user};
//!
//! #[tokio::test]
//! async fn survives_a_restart() {
//!     let mut server = ChildServer::start().await;         // --dev, temp file, port 0
//!     let client = server.client();
//!     let pool = create_pool(&client, "pool").await;
//!     create_user(&client, &pool, "diego", "diego@example.com").await;
//!     server.kill();                                        // SIGKILL
//!     server.restart().await;                               // same file, new port
//!     let client = server.client();                         // so: a new client
//!     client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();
//! }
//! ```
//!
//! Tests of what comes after sign-in start from a pool, a client and a user ([`setup`],
//! [`signin`]), or from an [`Env`] that holds them with the server:
//!
//! ```ignore
//! use common::{ClientBuilder, Env, PASSWORD, PASSWORD_FLOWS, PoolBuilder, not_authorized};
//!
//! #[tokio::test]
//! async fn codes_expire() {
//!     let pool = PoolBuilder::new("pool").auto_verify(&["email"]).mfa("OPTIONAL").totp_mfa();
//!     let env = Env::start(pool, ClientBuilder::new("web").flows(&PASSWORD_FLOWS).secret()).await;
//!     env.user("diego").await;                             // CONFIRMED, PASSWORD, verified email
//!     let token = env.access_token("diego", PASSWORD).await; // with the SECRET_HASH
//!     env.client.get_user_attribute_verification_code().access_token(&token)
//!         .attribute_name("email").send().await.unwrap();
//!     let code = env.last_code("diego", "VERIFY_ATTRIBUTE").await;   // from /_local/outbox
//!     env.advance_clock(24 * 3600 + 1).await;              // /_local/clock
//!     // ...
//! }
//! ```
//!
//! Without an `Env`: `PoolBuilder::new(..).create(&client)`, `ClientBuilder::new(..).create(&client,
//! &pool)` (an [`AppClient`]: id, secret, `secret_hash`), [`confirmed_user`] or [`UserBuilder`],
//! [`sign_in`] / [`password_auth`] / [`signed_in_user`], and `server.outbox_code(..)`,
//! `server.advance_clock(..)`.
//!
//! Use [`InProcessServer`] when a test does not need a process of its own (it starts in
//! milliseconds); use [`ChildServer`] for signals, crashes, flags and logs.
//!
//! Every test file includes this module and uses a part of it, so unused items are allowed.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use awsjson_types::ModeledError;
use cognito_idp::types::AttributeType;
use cognito_idp::{Client, Config, Credentials, RetryConfig, SdkError};
use cognito_idp_server::{Options, Running, serve};
use serde_json::Value;

pub mod authenticator;
pub mod aws_cli;
pub mod chromium;
pub mod env;
pub mod fake_idp;
pub mod lambda;
pub mod local;
pub mod moto;
pub mod oauth;
pub mod pages;
pub mod saml_idp;
pub mod setup;
pub mod signin;
pub mod stores;
pub mod tools;

#[allow(unused_imports)]
pub use env::Env;
#[allow(unused_imports)]
pub use local::{advance_clock, last_message, outbox_code, server_now_ms, wrong_code};
#[allow(unused_imports)]
pub use setup::{
    AppClient, ClientBuilder, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, app_client, confirmed_user,
    ses_email_configuration, set_password, sns_configuration,
};
#[allow(unused_imports)]
pub use signin::{
    Tokens, admin_password_auth, admin_sign_in, incorrect, not_authorized, outcome, password_auth,
    password_auth_with_hash, pool_with_signed_in_user, refresh_auth, respond_to_challenge, secret_hash_not_received,
    secret_hash_unverified, secret_not_received, sign_in, signed_in_user,
};

/// Throwaway PostgreSQL servers (see `pg/mod.rs`).
#[path = "../pg/mod.rs"]
pub mod pg;

/// With `COGNITO_TEST_BACKEND=postgres`, every server the harness starts keeps its data in a
/// schema of its own in a throwaway PostgreSQL (or the server `COGNITO_TEST_POSTGRES_URL`
/// names) instead of a temporary SQLite file: the same tests, on the other store.
pub const BACKEND_VARIABLE: &str = "COGNITO_TEST_BACKEND";

/// The `--db` of a new test server when the suite runs on PostgreSQL ([`BACKEND_VARIABLE`]).
pub async fn backend_db() -> Option<PathBuf> {
    match std::env::var(BACKEND_VARIABLE).as_deref() {
        Ok("postgres") => {
            let postgres = pg::Postgres::shared().expect("COGNITO_TEST_BACKEND=postgres, but PostgreSQL is missing");
            Some(postgres.create_schema().await.into())
        }
        Ok("sqlite") | Ok("") | Err(_) => None,
        Ok(other) => panic!("{BACKEND_VARIABLE}={other}: expected postgres or sqlite"),
    }
}

/// The region every test server runs in (the server's default).
pub const REGION: &str = "us-east-1";
/// The access key id the test clients sign with (any key passes without `--credentials`).
pub const ACCESS_KEY: &str = "AKIDTESTHARNESS00001";
/// Its secret.
pub const SECRET_KEY: &str = "test/harness/secret/key/000000000000000";

/// How long a child server may take to answer `/health` (the machine may be busy building).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The generated client for `url`, signing with [`ACCESS_KEY`]; retries only quickly.
pub fn client_for(url: &str) -> Client {
    Client::new(config_for(url))
}

/// The client configuration [`client_for`] uses, to adjust (e.g. other credentials).
pub fn config_for(url: &str) -> Config {
    Config::new()
        .region(REGION)
        .endpoint_url(url)
        .credentials(Credentials::new(ACCESS_KEY, SECRET_KEY))
        .retry(RetryConfig::standard().initial_backoff(Duration::from_millis(5)))
}

/// The AWS error code of a failed call (`UsernameExistsException`...), `None` for failures
/// without an answer (connection refused, timeout).
pub fn error_code<E: ModeledError>(error: &SdkError<E>) -> Option<String> {
    error.service_error().map(|e| e.code().to_owned())
}

/// The AWS error message of a failed call.
pub fn error_message<E: ModeledError>(error: &SdkError<E>) -> Option<String> {
    error.service_error().and_then(|e| e.message().map(str::to_owned))
}

/// Creates a user pool named `name` with AWS's defaults; returns its id.
pub async fn create_pool(client: &Client, name: &str) -> String {
    let out = client.create_user_pool().pool_name(name).send().await.expect("CreateUserPool");
    out.user_pool.and_then(|p| p.id).expect("CreateUserPool returns the pool's id")
}

/// Creates an app client (no secret) in `pool`; returns its id.
pub async fn create_app_client(client: &Client, pool: &str, name: &str) -> String {
    let out = client
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(name)
        .send()
        .await
        .expect("CreateUserPoolClient");
    out.user_pool_client.and_then(|c| c.client_id).expect("CreateUserPoolClient returns the client's id")
}

/// Creates `username` in `pool` with an `email` attribute, sending nothing (`SUPPRESS`).
pub async fn create_user(client: &Client, pool: &str, username: &str, email: &str) {
    client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .user_attributes(AttributeType { name: "email".into(), value: Some(email.into()) })
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}"));
}

/// `GET {url}/_local/outbox?userPoolId=..&username=..`: the messages (codes, temporary
/// passwords) the server "sent", oldest first.
pub async fn outbox(url: &str, pool: Option<&str>, username: Option<&str>) -> Vec<Value> {
    let mut query = Vec::new();
    query.extend(pool.map(|p| ("userPoolId", p)));
    query.extend(username.map(|u| ("username", u)));
    let response = reqwest::Client::new()
        .get(format!("{url}/_local/outbox"))
        .query(&query)
        .send()
        .await
        .expect("GET /_local/outbox");
    assert_eq!(response.status(), 200, "GET /_local/outbox");
    let body: Value = response.json().await.expect("the outbox is JSON");
    body["messages"].as_array().cloned().unwrap_or_default()
}

/// `PRAGMA integrity_check` of the SQLite file at `path`: `"ok"` when it is consistent.
pub fn integrity_check(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open the database");
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("integrity_check runs");
    rows.join("\n")
}

/// The server binary cargo built for these tests.
pub fn server_binary() -> &'static str {
    env!("CARGO_BIN_EXE_cognito-idp-server")
}

/// The methods both servers have for the `/_local/` API (each has a `url()`): the outbox, its
/// codes and the clock.
macro_rules! local_api {
    () => {
        /// The outbox's messages, as [`outbox`].
        pub async fn outbox(&self, pool: Option<&str>, username: Option<&str>) -> Vec<Value> {
            outbox(&self.url(), pool, username).await
        }

        /// The newest outbox message for `username` of `pool` (of `kind`, when given), as
        /// [`last_message`].
        pub async fn last_message(&self, pool: &str, username: &str, kind: Option<&str>) -> Value {
            local::last_message(&self.url(), pool, username, kind).await
        }

        /// The code of the newest outbox message for `username` of `pool` (of `kind`, when given),
        /// as [`outbox_code`].
        pub async fn outbox_code(&self, pool: &str, username: &str, kind: Option<&str>) -> String {
            local::outbox_code(&self.url(), pool, username, kind).await
        }

        /// Moves the server's clock forward `seconds`; its new time in milliseconds, as
        /// [`advance_clock`].
        pub async fn advance_clock(&self, seconds: i64) -> i64 {
            local::advance_clock(&self.url(), seconds).await
        }
    };
}

/// The server as a child process: `cognito-idp-server --dev --host 127.0.0.1 --port 0 --db FILE`
/// plus the caller's arguments. Its stdout and stderr are kept ([`ChildServer::log`]); it is
/// killed when dropped.
pub struct ChildServer {
    /// Where it listens (changes at each restart).
    pub addr: SocketAddr,
    /// The SQLite file.
    pub db: PathBuf,
    args: Vec<String>,
    child: Option<Child>,
    log: Arc<Mutex<Vec<String>>>,
    // Last, so the directory goes after the process.
    _dir: Option<tempfile::TempDir>,
}

impl ChildServer {
    /// Starts the server on a new temporary file.
    pub async fn start() -> ChildServer {
        Self::start_with(&[]).await
    }

    /// Starts the server on a new temporary file with extra arguments.
    pub async fn start_with(args: &[&str]) -> ChildServer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = backend_db().await.unwrap_or_else(|| dir.path().join("cognito.db"));
        let mut server = Self::spawn(db, args, Some(dir));
        server.wait_until_up().await;
        server
    }

    /// Starts the server on the caller's file (which the caller keeps).
    pub async fn start_on(db: &Path, args: &[&str]) -> ChildServer {
        let mut server = Self::spawn(db.to_owned(), args, None);
        server.wait_until_up().await;
        server
    }

    fn spawn(db: PathBuf, args: &[&str], dir: Option<tempfile::TempDir>) -> ChildServer {
        let args = args.iter().map(|a| a.to_string()).collect();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut server = ChildServer { addr: ([127, 0, 0, 1], 0).into(), db, args, child: None, log, _dir: dir };
        server.child = Some(server.command().spawn().expect("start the server binary"));
        server.drain_output();
        server
    }

    /// The command this server runs: the binary, `--dev`, the file, port 0 and the extra arguments,
    /// with an environment free of the `COGNITO_*` variables a developer may have set.
    pub fn command(&self) -> Command {
        let mut command = Command::new(server_binary());
        for (key, _) in std::env::vars() {
            if key.starts_with("COGNITO_") {
                command.env_remove(key);
            }
        }
        command.env("RUST_LOG", "info").env("NO_COLOR", "1");
        command.args(["--dev", "--host", "127.0.0.1", "--port", "0", "--db"]).arg(&self.db).args(&self.args);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command
    }

    /// Reads the child's stdout and stderr into the log, on threads of their own, so that the
    /// pipes never fill (the server logs a line per request).
    fn drain_output(&mut self) {
        let child = self.child.as_mut().expect("a running child");
        let streams: [Box<dyn Read + Send>; 2] =
            [Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
        for stream in streams {
            let log = self.log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap().push(line);
                }
            });
        }
    }

    /// Waits for the "listening" log line (its address) and a 200 from `GET /health`.
    async fn wait_until_up(&mut self) {
        let started = Instant::now();
        let addr = loop {
            if let Some(addr) = self.log_lines().iter().find_map(|line| listening_address(line)) {
                break addr;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("the server exited ({status}) before listening:\n{}", self.log());
            }
            assert!(started.elapsed() < START_TIMEOUT, "the server did not start in time:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        self.addr = addr;
        let health = format!("{}/health", self.url());
        loop {
            if let Ok(response) = reqwest::get(&health).await
                && response.status() == 200
            {
                return;
            }
            assert!(started.elapsed() < START_TIMEOUT, "GET /health did not answer 200 in time:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The generated client pointed at this server (make a new one after a restart).
    pub fn client(&self) -> Client {
        client_for(&self.url())
    }

    local_api!();

    /// The process id (while it runs).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Everything the server printed so far, one entry per line.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log_lines().join("\n")
    }

    /// SIGKILL: the process ends at once, in the middle of whatever it does.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends SIGTERM (a graceful shutdown) without waiting.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Sends the signal `name` (`TERM`, `INT`, ...) without waiting.
    pub fn signal(&self, name: &str) {
        let pid = self.pid().expect("a running child");
        let status = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status().expect("run kill");
        assert!(status.success(), "kill -{name} {pid}");
    }

    /// Waits up to `timeout` for the process to exit; its status, or `None` if it still runs.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            let child = self.child.as_mut()?;
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return Some(status);
            }
            if started.elapsed() > timeout {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Starts the server again on the same file and arguments (after [`kill`](Self::kill) or an
    /// exit); it listens on a new port, so take a new [`client`](Self::client).
    pub async fn restart(&mut self) {
        self.kill();
        self.log.lock().unwrap().clear();
        self.child = Some(self.command().spawn().expect("restart the server binary"));
        self.drain_output();
        self.wait_until_up().await;
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The address in the server's start-up line (`... listening address=127.0.0.1:PORT ...`).
fn listening_address(line: &str) -> Option<SocketAddr> {
    if !line.contains("listening") {
        return None;
    }
    let rest = &line[line.find("address=")? + "address=".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// The server inside the test process, through the library's `serve` (`--dev` hashing, a
/// temporary file, port 0). Stops (gracefully) with [`shutdown`](Self::shutdown), or when the
/// test's runtime ends.
pub struct InProcessServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The SQLite file.
    pub db: PathBuf,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl InProcessServer {
    /// Starts a server with the default test options.
    pub async fn start() -> InProcessServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server with the test options changed by `adjust` (e.g. `|o| o.region = ..`).
    pub async fn start_with(adjust: impl FnOnce(&mut Options)) -> InProcessServer {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = backend_db().await.unwrap_or_else(|| dir.path().join("cognito.db"));
        let mut options = Options {
            host: [127, 0, 0, 1].into(),
            port: 0,
            db: db.clone(),
            in_memory: false,
            dev: true,
            ..Options::default()
        };
        adjust(&mut options);
        let running = serve(options).await.expect("the server starts");
        InProcessServer { addr: running.address, db, running: Some(running), _dir: dir }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The generated client pointed at this server.
    pub fn client(&self) -> Client {
        client_for(&self.url())
    }

    local_api!();

    /// Stops accepting, lets requests in flight finish, and waits for that. The file stays
    /// until `self` is dropped, so a test can open it again.
    pub async fn shutdown(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

/// An attribute with a value.
pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType { name: name.into(), value: Some(value.into()) }
}

/// The code and message of a call that must fail with a client error (HTTP 400).
pub fn failure<T: std::fmt::Debug, E: ModeledError + std::fmt::Debug>(
    result: Result<T, SdkError<E>>,
) -> (String, String) {
    let error = result.expect_err("the call should fail");
    assert_eq!(error.status(), Some(400), "{error:?}");
    (error_code(&error).unwrap_or_default(), error_message(&error).unwrap_or_default())
}

/// An expected (code, message).
pub fn pair(code: &str, message: &str) -> (String, String) {
    (code.to_owned(), message.to_owned())
}

/// An expected `InvalidParameterException` with `message`.
pub fn invalid(message: &str) -> (String, String) {
    pair("InvalidParameterException", message)
}

/// The value of attribute `name` in `attributes`.
pub fn value_of(attributes: &[AttributeType], name: &str) -> Option<String> {
    attributes.iter().find(|a| a.name == name).and_then(|a| a.value.clone())
}

/// The attributes `AdminGetUser` reports for `username`.
pub async fn attributes_of(client: &Client, pool: &str, username: &str) -> Vec<AttributeType> {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.expect("AdminGetUser");
    user.user_attributes.unwrap_or_default()
}
