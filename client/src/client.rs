//! Sending one operation: request construction, signing, retries, timeouts, response decoding.

use std::sync::Arc;
use std::time::SystemTime;

use awsjson_types::{AuthScheme, ModeledError, Operation, ServiceInfo, UnhandledError, Validate};
use http::{HeaderMap, HeaderValue};

use crate::error::{SdkError, TimeoutKind};
use crate::retry::{RetryKind, RetryQuota, classify};
use crate::sign::{SigningScope, sign_request};
use crate::{Config, wire};

/// A client for one service; cheap to clone (connections and the retry quota are shared).
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: Config,
    http: reqwest::Client,
    quota: RetryQuota,
}

const USER_AGENT: &str = concat!("awsjson-client/", env!("CARGO_PKG_VERSION"));

impl Client {
    pub fn new(service: &'static ServiceInfo, config: Config) -> Self {
        let http = config.http.clone().unwrap_or_else(|| {
            let mut builder = reqwest::Client::builder().user_agent(USER_AGENT);
            if let Some(t) = config.timeouts.connect {
                builder = builder.connect_timeout(t);
            }
            // Building fails only when TLS cannot initialise; the default client shows the
            // same failure on first use instead of here.
            builder.build().unwrap_or_default()
        });
        Client { inner: Arc::new(Inner { service, config, http, quota: RetryQuota::default() }) }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The URL requests go to: the configured endpoint, or the service's regional endpoint.
    pub fn endpoint(&self) -> Option<String> {
        let config = &self.inner.config;
        if let Some(e) = config.endpoint() {
            return Some(e.to_string());
        }
        config.region_name().map(|r| {
            let domain = if r.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
            format!("https://{}.{r}.{domain}/", self.inner.service.endpoint_prefix)
        })
    }

    /// Sends operation `O` with `input` and decodes the answer, retrying as configured.
    pub async fn send<O: Operation>(&self, input: O::Input) -> Result<O::Output, SdkError<O::Error>> {
        if self.inner.config.validate_requests {
            input.validate().map_err(SdkError::InvalidInput)?;
        }
        let url = self.endpoint().ok_or_else(|| {
            SdkError::Construction("no region or endpoint URL configured (set one, or AWS_REGION)".into())
        })?;
        let body = serde_json::to_vec(&input).map_err(|e| SdkError::Construction(e.to_string()))?;
        let attempts = self.with_retries::<O>(&url, &body);
        match self.inner.config.timeouts.operation {
            Some(limit) => tokio::time::timeout(limit, attempts).await.unwrap_or(Err(SdkError::Timeout(TimeoutKind::Operation))),
            None => attempts.await,
        }
    }

    async fn with_retries<O: Operation>(&self, url: &str, body: &[u8]) -> Result<O::Output, SdkError<O::Error>> {
        let retry = self.inner.config.retry;
        let mut spent: Option<u32> = None;
        let mut attempt = 1;
        loop {
            let result = self.attempt::<O>(url, body).await;
            let kind = match &result {
                Ok(_) => {
                    // A success returns what its retry cost, or one token for a first try.
                    self.inner.quota.release(spent.unwrap_or(1));
                    return result;
                }
                Err(e) => retry_kind(e),
            };
            if kind == RetryKind::Never || attempt >= retry.attempts() {
                return result;
            }
            let Some(cost) = self.inner.quota.acquire(kind) else { return result };
            spent = Some(cost);
            tokio::time::sleep(retry.backoff(attempt, fastrand::f64())).await;
            attempt += 1;
        }
    }

    async fn attempt<O: Operation>(&self, url: &str, body: &[u8]) -> Result<O::Output, SdkError<O::Error>> {
        let run = self.attempt_inner::<O>(url, body);
        match self.inner.config.timeouts.attempt {
            Some(limit) => tokio::time::timeout(limit, run).await.unwrap_or(Err(SdkError::Timeout(TimeoutKind::Attempt))),
            None => run.await,
        }
    }

    async fn attempt_inner<O: Operation>(&self, url: &str, body: &[u8]) -> Result<O::Output, SdkError<O::Error>> {
        let service = self.inner.service;
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(service.content_type));
        let target = format!("{}.{}", service.target_prefix, O::NAME);
        headers.insert("x-amz-target", HeaderValue::from_str(&target).map_err(|e| SdkError::Construction(e.to_string()))?);
        if O::AUTH == AuthScheme::SigV4 {
            let config = &self.inner.config;
            let region = config.region_name().ok_or_else(|| {
                SdkError::Construction(format!("{} is signed with SigV4, which needs a region", O::NAME))
            })?;
            let credentials = config.credentials.provide_credentials().await.map_err(SdkError::Credentials)?;
            let scope = SigningScope { region, service: service.signing_name, time: SystemTime::now() };
            sign_request("POST", url, &mut headers, body, &credentials, scope)
                .map_err(|e| SdkError::Construction(e.to_string()))?;
        }
        let response = self
            .inner
            .http
            .post(url)
            .headers(headers)
            .body(body.to_vec())
            .send()
            .await
            .map_err(SdkError::Transport)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let request_id = header("x-amzn-requestid").or_else(|| header("x-amz-request-id"));
        let error_type = header("x-amzn-errortype");
        let bytes = response.bytes().await.map_err(SdkError::Transport)?;
        decode::<O>(status, request_id, error_type.as_deref(), &bytes)
    }
}

/// Turns a response into the operation's output or error.
fn decode<O: Operation>(
    status: u16,
    request_id: Option<String>,
    error_type: Option<&str>,
    bytes: &[u8],
) -> Result<O::Output, SdkError<O::Error>> {
    let success = (200..300).contains(&status);
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    if success {
        let parsed = if empty { serde_json::from_slice(b"{}") } else { serde_json::from_slice(bytes) };
        return parsed.map_err(|e| SdkError::Response { status, message: format!("cannot parse the response: {e}") });
    }
    let json: serde_json::Value = if empty {
        serde_json::Value::Object(Default::default())
    } else {
        match serde_json::from_slice(bytes) {
            Ok(v) => v,
            // A proxy or load balancer error page: keep the status, say what came back.
            Err(_) => {
                let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
                return Err(SdkError::Response { status, message: format!("error response is not JSON: {text}") });
            }
        }
    };
    let body = wire::normalize_error_body(json);
    let error = match wire::error_code(&body, error_type) {
        Some(code) => O::Error::from_body(code, &body),
        None => O::Error::unhandled(UnhandledError::new(
            format!("Http{status}"),
            body.get("message").and_then(|m| m.as_str()).map(str::to_owned),
        )),
    };
    Err(SdkError::Service { error, status, request_id })
}

fn retry_kind<E: ModeledError>(error: &SdkError<E>) -> RetryKind {
    match error {
        SdkError::Service { error, status, .. } => classify(Some(error.code()), *status),
        SdkError::Transport(e) if e.is_builder() => RetryKind::Never,
        SdkError::Transport(_) | SdkError::Timeout(TimeoutKind::Attempt) => RetryKind::Transport,
        SdkError::Response { status, .. } => classify(None, *status),
        _ => RetryKind::Never,
    }
}
