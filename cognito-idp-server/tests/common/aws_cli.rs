//! The AWS CLI against a test server: `aws --endpoint-url URL cognito-idp ...` with only the
//! test's settings in its environment (no profile, endpoint or region of the machine leaks in),
//! its JSON output parsed, its errors as (code, message).

use std::path::PathBuf;

use serde_json::Value;

use super::{ACCESS_KEY, REGION, SECRET_KEY};

/// The CLI pointed at one server.
pub struct AwsCli {
    endpoint: String,
    dir: tempfile::TempDir,
}

impl AwsCli {
    /// The CLI for the server at `endpoint`, or `None` (after printing SKIPPED) when `aws` is not
    /// installed (`pip install -r tests/requirements.txt` installs it, as `.ci/run` does).
    pub fn new(endpoint: &str) -> Option<AwsCli> {
        let found = std::process::Command::new("aws")
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            eprintln!("SKIPPED: the AWS CLI (`aws`) is not installed (pip install -r tests/requirements.txt)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), "[default]\ncli_timestamp_format = iso8601\n").unwrap();
        std::fs::write(dir.path().join("credentials"), "").unwrap();
        Some(AwsCli { endpoint: endpoint.to_owned(), dir })
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `aws cognito-idp ARGS`: its parsed output (`Null` for none), or the error's code
    /// and message as the CLI prints them.
    pub async fn run(&self, args: &[&str]) -> Result<Value, (String, String)> {
        let mut command = tokio::process::Command::new("aws");
        for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
            command.env_remove(var);
        }
        command
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_DEFAULT_REGION", REGION)
            .env("AWS_CONFIG_FILE", self.file("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.file("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .env("AWS_MAX_ATTEMPTS", "1")
            .args(["--endpoint-url", &self.endpoint, "--output", "json", "cognito-idp"])
            .args(args);
        let output = command.output().await.expect("run aws");
        if output.status.success() {
            let text = String::from_utf8_lossy(&output.stdout);
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            return Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")));
        }
        // "An error occurred (Code) when calling the Op operation: message"
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = stderr.split('(').nth(1).and_then(|s| s.split(')').next()).unwrap_or_default();
        let message = stderr.split_once("operation: ").map(|(_, m)| m.trim()).unwrap_or(stderr.trim());
        Err((code.to_owned(), message.to_owned()))
    }
}
