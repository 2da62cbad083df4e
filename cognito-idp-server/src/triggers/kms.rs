//! The one KMS operation Cognito needs for custom sender triggers: `GenerateDataKey` (AWS JSON
//! 1.1, `TrentService.GenerateDataKey`, SigV4 for service `kms`), which gives the data key the
//! code is encrypted under, and that key encrypted under the pool's `KMSKeyID` with the
//! message's encryption context, so only holders of `kms:Decrypt` on that key (and that
//! context) can read the code.
//!
//! - **Endpoint**: `--kms-endpoint`, else the AWS SDKs' `AWS_ENDPOINT_URL_KMS`, else
//!   `AWS_ENDPOINT_URL`, else AWS's own `https://kms.{region}.amazonaws.com` (the region of the
//!   key's ARN). moto's server serves KMS locally.
//! - **Credentials**: the usual chain ([`super::credentials`]).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use awsjson_sigv4::{Payload, Scope, sign};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::credentials::Keys;

/// How long a KMS call may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// A data key as KMS gave it.
pub struct DataKey {
    /// The key itself.
    pub plaintext: Vec<u8>,
    /// The key encrypted under the KMS key.
    pub ciphertext: Vec<u8>,
    /// The ARN of the KMS key that encrypted it (KMS's answer, whatever alias was asked for).
    pub key_arn: String,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey").field("key_arn", &self.key_arn).finish_non_exhaustive()
    }
}

/// The KMS client.
#[derive(Debug, Clone)]
pub struct Kms {
    http: reqwest::Client,
    endpoint: Option<String>,
    keys: Keys,
}

impl Default for Kms {
    fn default() -> Self {
        Kms::new(None)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GenerateDataKeyAnswer {
    ciphertext_blob: String,
    plaintext: String,
    key_id: String,
}

impl Kms {
    /// A client for `endpoint` (`--kms-endpoint`), or the environment's.
    pub fn new(endpoint: Option<String>) -> Kms {
        let endpoint = endpoint
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_KMS").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|e| !e.is_empty())
            .map(|e| e.trim_end_matches('/').to_owned());
        let http = reqwest::Client::builder().timeout(TIMEOUT).build().unwrap_or_default();
        Kms { http, endpoint, keys: Keys::from_environment() }
    }

    /// A 256-bit data key under `key_id` (an ARN; `default_region` serves a bare key id or
    /// alias), bound to `context`. The error is KMS's `__type` and message, or why KMS could
    /// not be reached.
    pub async fn generate_data_key(
        &self,
        key_id: &str,
        default_region: &str,
        context: &BTreeMap<String, String>,
    ) -> Result<DataKey, String> {
        let region = match key_id.split(':').nth(3) {
            Some(region) if key_id.starts_with("arn:") && !region.is_empty() => region,
            _ => default_region,
        };
        let url = match &self.endpoint {
            Some(endpoint) => format!("{endpoint}/"),
            None => format!("https://kms.{region}.amazonaws.com/"),
        };
        let body = serde_json::to_vec(&json!({
            "KeyId": key_id,
            "NumberOfBytes": 32,
            "EncryptionContext": context,
        }))
        .map_err(|e| e.to_string())?;
        let headers =
            [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "TrentService.GenerateDataKey")];
        let scope = Scope { region, service: "kms", time: SystemTime::now() };
        let signed = sign("POST", &url, headers, Payload::Bytes(&body), &self.keys.credentials(), &scope)
            .map_err(|e| e.to_string())?;
        let mut request = self.http.post(&url).body(body);
        for (name, value) in headers.into_iter().chain(signed.headers()) {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| format!("KMS unreachable: {e}"))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| format!("KMS unreachable: {e}"))?;
        if !status.is_success() {
            let error: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let kind = error.get("__type").and_then(|v| v.as_str()).unwrap_or("KMS error");
            let message = error.get("message").or(error.get("Message")).and_then(|v| v.as_str()).unwrap_or("");
            return Err(format!("{} (HTTP {}): {message}", kind.rsplit('#').next().unwrap_or(kind), status.as_u16()));
        }
        let answer: GenerateDataKeyAnswer =
            serde_json::from_slice(&bytes).map_err(|e| format!("unreadable GenerateDataKey answer: {e}"))?;
        let decode = |b64: &str| STANDARD.decode(b64).map_err(|e| format!("unreadable GenerateDataKey answer: {e}"));
        let plaintext = decode(&answer.plaintext)?;
        if plaintext.len() != 32 {
            return Err(format!("GenerateDataKey answered a {}-byte key", plaintext.len()));
        }
        Ok(DataKey { plaintext, ciphertext: decode(&answer.ciphertext_blob)?, key_arn: answer.key_id })
    }
}
