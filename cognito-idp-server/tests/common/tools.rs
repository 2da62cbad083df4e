//! Client tools the tests run as separate programs (the AWS CLI, Python, Node.js): whether
//! they are there, running them with a time limit, and the pinned npm packages of
//! tests/real_clients_auth/package.json, installed into `{target}/tmp/real-clients-npm` when
//! missing (`.ci/run` installs them first). Without a tool, a test prints SKIPPED and passes on a
//! developer's machine, and fails in CI (`CI` set).

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

/// How long one run of a client tool may take (the CLI starts in about a second; the first
/// Python import of boto3 may take a few).
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(120);
/// How long installing the npm packages may take.
pub const NPM_INSTALL_TIMEOUT: Duration = Duration::from_secs(300);
/// The pinned npm packages (their exact versions), also what `.ci/run` installs.
pub const NPM_PACKAGES: &str = include_str!("../real_clients_auth/package.json");

/// Whether a tool a test needs is there. Missing: fails in CI (where `.ci/run` installs every
/// tool, so it is a broken install step), prints SKIPPED and lets the test pass elsewhere.
pub fn present(available: bool, what: &str) -> bool {
    if !available {
        assert!(std::env::var_os("CI").is_none(), "{what} is missing in CI (.ci/run installs it)");
        eprintln!("SKIPPED: {what} is missing (pip install -r tests/requirements.txt; node and npm)");
    }
    available
}

pub fn tool_available(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `command` to its end, killed after [`TOOL_TIMEOUT`].
pub async fn run(mut command: Command) -> Output {
    command.stdin(Stdio::null()).kill_on_drop(true);
    tokio::time::timeout(TOOL_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("{command:?} did not finish in {TOOL_TIMEOUT:?}"))
        .unwrap_or_else(|e| panic!("{command:?} could not start: {e}"))
}

pub fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/real_clients_auth").join(name)
}

/// Whether `dir` holds every package of `package_json` at its pinned version.
pub fn npm_installed(dir: &Path, package_json: &str) -> bool {
    let wanted: Value = serde_json::from_str(package_json).expect("package.json is JSON");
    wanted["dependencies"].as_object().expect("dependencies").iter().all(|(name, version)| {
        let manifest = dir.join("node_modules").join(name).join("package.json");
        std::fs::read(manifest)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .is_some_and(|m| m["version"] == *version)
    })
}

/// The `node_modules` holding the pinned packages of [`NPM_PACKAGES`] (in
/// `{target}/tmp/real-clients-npm`, where `.ci/run` installs them too).
pub fn node_modules() -> Option<PathBuf> {
    npm_packages(NPM_PACKAGES, "real-clients-npm", "tests/real_clients_auth/package.json")
}

/// The `node_modules` holding the packages `package_json` pins, in `{target}/tmp/{folder}`,
/// installing them (`npm install`) if needed; `None` (after SKIPPED) when node or npm cannot
/// provide them outside CI. `what` names the package.json in messages.
pub fn npm_packages(package_json: &str, folder: &str, what: &str) -> Option<PathBuf> {
    // One install at a time: the tests of a file run in parallel.
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !present(tool_available("node", &["--version"]), "node") {
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    if !npm_installed(&dir, package_json) {
        if !present(tool_available("npm", &["--version"]), "npm") {
            return None;
        }
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("package.json"), package_json).unwrap();
        let mut child = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-package-lock", "--prefix"])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("npm starts");
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > NPM_INSTALL_TIMEOUT {
                child.kill().ok();
                child.wait().ok();
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let installed = status.is_some_and(|s| s.success()) && npm_installed(&dir, package_json);
        if !present(installed, &format!("the npm packages of {what} (npm install failed)")) {
            return None;
        }
    }
    Some(dir.join("node_modules"))
}

pub fn node(modules: &Path, name: &str, args: &[&str]) -> Command {
    let mut command = Command::new("node");
    command.arg(script(name)).args(args).env("NODE_PATH", modules);
    command
}

/// The pinned boto3 of tests/requirements-pitr.txt (newer than requirements.txt's: its botocore
/// models point-in-time recovery and replicas), installed into `{target}/tmp/boto3-current` if
/// missing; run Python with `PYTHONPATH` set to it. `None` (after SKIPPED) without Python.
pub fn boto3_current() -> Option<PathBuf> {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("boto3-current");
    let models_it = || {
        std::process::Command::new("python3")
            .args(["-c", "import boto3; assert hasattr(boto3.client('cognito-idp', region_name='us-east-1'), 'initiate_point_in_time_recovery')"])
            .env("PYTHONPATH", &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !present(tool_available("python3", &["--version"]), "python3") {
        return None;
    }
    if !models_it() {
        let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/requirements-pitr.txt");
        let _ = std::process::Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&dir)
            .args(["-r", requirements])
            .stdout(std::process::Stdio::null())
            .status();
        if !present(models_it(), "boto3 of tests/requirements-pitr.txt (pip install failed)") {
            return None;
        }
    }
    Some(dir)
}
