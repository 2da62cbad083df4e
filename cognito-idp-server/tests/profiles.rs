//! The two profiles as a user starts them: the program with no flags is a local emulator for
//! test suites (fast hashing, `/_local/` on, any credentials) and says so in one line;
//! `--self-hosted` is the profile for real users (full-cost hashing, no `/_local/`, SigV4 on the
//! operations AWS signs, so it will not start without `--credentials`), each part still
//! settable on its own. The server runs as a child process without the harness's `--dev`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cognito_idp::{Client, Credentials};
use common::{ACCESS_KEY, SECRET_KEY, config_for, error_code, server_binary};

/// The program started exactly with `args` (plus a temporary file and port 0).
struct Program {
    child: Child,
    addr: Option<SocketAddr>,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Program {
    fn spawn(args: &[&str]) -> Program {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(server_binary());
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("COGNITO_")) {
            command.env_remove(key);
        }
        command.env("RUST_LOG", "info").env("NO_COLOR", "1");
        command.args(["--port", "0", "--db"]).arg(dir.path().join("cognito.db")).args(args);
        let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        Program { child, addr: None, log, _dir: dir }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until it listens (its address) or exits (`None`).
    fn wait(&mut self) -> Option<SocketAddr> {
        let started = Instant::now();
        loop {
            let found = self.log.lock().unwrap().iter().find_map(|line| {
                let at = line.find("address=")?;
                line[at + 8..].split_whitespace().next()?.parse().ok()
            });
            if found.is_some() {
                self.addr = found;
                return found;
            }
            if self.child.try_wait().unwrap().is_some() {
                std::thread::sleep(Duration::from_millis(50));
                return None;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "neither listening nor exited:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr.unwrap())
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn credentials_file(dir: &std::path::Path) -> String {
    let path = dir.join("credentials");
    std::fs::write(&path, format!("{ACCESS_KEY} {SECRET_KEY}\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A client that signs with no key pair the server knows.
fn stranger(url: &str) -> Client {
    Client::new(config_for(url).credentials(Credentials::new("AKIDSTRANGER00000001", "not/a/known/secret")))
}

#[tokio::test]
async fn with_no_flags_it_is_a_local_emulator_and_says_so() {
    let mut program = Program::spawn(&[]);
    assert!(program.wait().is_some(), "{}", program.log());
    let log = program.log();
    let line = log.lines().find(|l| l.contains("local emulator profile")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("fast password hashing") && line.contains("/_local/ endpoints on"), "{line}");
    assert!(line.contains("any credentials accepted") && line.contains("--self-hosted"), "{line}");
    assert!(line.contains("memory_kib=64"), "fast hashing's cost: {line}");
    // Any credentials; the outbox is there.
    let client = stranger(&program.url());
    let pool = client.create_user_pool().pool_name("local").send().await.unwrap().user_pool.unwrap().id.unwrap();
    client.admin_create_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    let outbox = reqwest::get(format!("{}/_local/outbox", program.url())).await.unwrap();
    assert_eq!(outbox.status(), 200);
}

#[tokio::test]
async fn self_hosted_needs_credentials_and_serves_no_local_endpoints() {
    let mut refused = Program::spawn(&["--self-hosted"]);
    assert!(refused.wait().is_none(), "it must not start without --credentials:\n{}", refused.log());
    assert!(refused.log().contains("--self-hosted requires SigV4") && refused.log().contains("--credentials FILE"));

    let dir = tempfile::tempdir().unwrap();
    let keys = credentials_file(dir.path());
    let mut program = Program::spawn(&["--self-hosted", "--credentials", &keys]);
    assert!(program.wait().is_some(), "{}", program.log());
    let log = program.log();
    let line = log.lines().find(|l| l.contains("self-hosted profile")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("full-cost password hashing") && line.contains("no /_local/ endpoints"), "{line}");
    assert!(line.contains("SigV4 checked") && line.contains("memory_kib=19456"), "{line}");
    assert!(log.contains("without --issuer-base"), "the issuer is worth a warning:\n{log}");
    // Signed operations need a known key pair; public ones do not.
    let denied = stranger(&program.url()).list_user_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(error_code(&denied).as_deref(), Some("UnrecognizedClientException"), "{denied}");
    let client = Client::new(config_for(&program.url()));
    let pool = client.create_user_pool().pool_name("real").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let app = client.create_user_pool_client().user_pool_id(&pool).client_name("web").send().await.unwrap();
    let app = app.user_pool_client.unwrap().client_id.unwrap();
    let signed_up = stranger(&program.url()).sign_up().client_id(&app).username("ana").password("Passw0rd!Long");
    signed_up.send().await.expect("SignUp is public");
    let outbox = reqwest::get(format!("{}/_local/outbox", program.url())).await.unwrap();
    assert_eq!(outbox.status(), 404, "no outbox of codes for real users");
}

#[tokio::test]
async fn each_part_of_the_self_hosted_profile_can_be_set_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let keys = credentials_file(dir.path());
    let args = ["--self-hosted", "--credentials", &keys, "--local-endpoints", "true", "--hash-cost", "fast"];
    let mut program = Program::spawn(&args);
    assert!(program.wait().is_some(), "{}", program.log());
    let log = program.log();
    let line =
        log.lines().find(|l| l.contains("self-hosted profile with local settings")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("WARN") && line.contains("fast password hashing"), "{line}");
    assert_eq!(reqwest::get(format!("{}/_local/outbox", program.url())).await.unwrap().status(), 200);

    for (args, expected) in [
        (vec!["--dev", "--hash-cost", "full"], "contradict"),
        (vec!["--require-sigv4", "true"], "--require-sigv4 requires SigV4"),
    ] {
        let mut refused = Program::spawn(&args);
        assert!(refused.wait().is_none(), "{args:?} started:\n{}", refused.log());
        assert!(refused.log().contains(expected), "{args:?}:\n{}", refused.log());
    }
}
