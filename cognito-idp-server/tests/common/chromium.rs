//! Debian's Chromium driven by Playwright (`tests/browser/driver.py`, whose docstring lists the
//! steps), and the other Python browser-side scripts of `tests/browser/`. Needs
//! `/usr/bin/chromium` and Playwright (`pip install -r tests/requirements.txt`; `.ci/run`
//! installs both); without them a test prints SKIPPED and passes, except in CI (`CI` set).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

/// Whether Chromium and Playwright are here (SKIPPED otherwise; a failure in CI).
pub fn browser_available() -> bool {
    let chromium = std::path::Path::new("/usr/bin/chromium").exists();
    let playwright = std::process::Command::new("python3")
        .args(["-c", "import playwright, authlib"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !(chromium && playwright) {
        assert!(std::env::var_os("CI").is_none(), "Chromium or Playwright is missing in CI (.ci/run installs them)");
        eprintln!(
            "SKIPPED: needs /usr/bin/chromium (apt install chromium) and Playwright (pip install -r tests/requirements.txt)"
        );
    }
    chromium && playwright
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser").join(name)
}

/// Runs a Python script with `input` on standard input; its JSON output, or what it printed.
pub async fn python(name: &str, input: &Value) -> Result<Value, String> {
    let mut child = tokio::process::Command::new("python3")
        .arg(script(name))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).await.unwrap();
    let output = tokio::time::timeout(std::time::Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("the browser finishes within two minutes")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    match (output.status.success(), serde_json::from_str::<Value>(stdout.trim())) {
        (true, Ok(value)) => Ok(value),
        _ => Err(format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr))),
    }
}

/// Drives the browser through `steps`; what the recording steps recorded.
pub async fn drive(steps: Value) -> Vec<Value> {
    match python("driver.py", &json!({ "steps": steps })).await {
        Ok(out) => out["results"].as_array().cloned().unwrap_or_default(),
        Err(out) => panic!("the browser failed:\n{out}"),
    }
}
