//! moto's server (PyPI `moto[server]`), started by a test on 127.0.0.1 for the AWS services the
//! reference server calls besides Lambda (KMS), and stopped when dropped.

#![allow(dead_code)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::process::{Child, Command};

use super::tools::{present, tool_available};

/// How long moto may take to start answering.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server.
pub struct Moto {
    url: String,
    _child: Child,
}

/// Whether Python has moto's server and the AWS Encryption SDK (SKIPPED outside CI if not).
pub fn available() -> bool {
    present(
        tool_available("python3", &["-c", "import moto.server, aws_encryption_sdk"]),
        "python3 with moto[server] and aws-encryption-sdk",
    )
}

impl Moto {
    /// Starts one on a free port and waits until it answers.
    pub async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto's server starts");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{url}/moto-api/")).send().await.is_err() {
            assert!(started.elapsed() < START_TIMEOUT, "moto did not answer within {START_TIMEOUT:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Moto { url, _child: child }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Calls `target` of an AWS JSON 1.1 service with `body`; the answer.
    pub async fn call(&self, service: &str, target: &str, body: Value) -> Value {
        match self.try_call(service, target, body).await {
            Ok(answer) => answer,
            Err(answer) => panic!("{target}: {answer}"),
        }
    }

    /// Calls `target` of an AWS JSON 1.1 service with `body`: the answer, or the error's body.
    pub async fn try_call(&self, service: &str, target: &str, body: Value) -> Result<Value, Value> {
        // moto reads the region from the credential scope; the signature itself is not checked.
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let response = reqwest::Client::new()
            .post(format!("{}/", self.url))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .header("authorization", authorization)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() { Ok(answer) } else { Err(answer) }
    }

    /// An S3 request (path-style; moto reads the service from the credential scope and checks
    /// no signature): the status and body.
    pub async fn s3(&self, method: reqwest::Method, path: &str) -> (u16, String) {
        let authorization =
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
        let response = reqwest::Client::new()
            .request(method, format!("{}/{}", self.url, path.trim_start_matches('/')))
            .header("authorization", authorization)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// The keys of the objects in `bucket`.
    pub async fn s3_keys(&self, bucket: &str) -> Vec<String> {
        let (status, text) = self.s3(reqwest::Method::GET, bucket).await;
        assert_eq!(status, 200, "ListObjects {bucket}: {text}");
        text.split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>"))
            .map(|(key, _)| key.to_owned())
            .collect()
    }

    /// A new symmetric KMS key: its ARN.
    pub async fn kms_key(&self) -> String {
        let answer = self.call("kms", "TrentService.CreateKey", json!({"Description": "custom senders"})).await;
        answer["KeyMetadata"]["Arn"].as_str().unwrap().to_owned()
    }
}
