//! Sending one operation: request construction, signing, retries, timeouts, response decoding.

use std::sync::Arc;
use std::time::SystemTime;

use awsjson_types::{AuthScheme, ModeledError, Operation, ServiceInfo, UnhandledError, Validate};
use http::{HeaderMap, HeaderValue};

use crate::config::{Config, TimeoutConfig};
use crate::credentials::CredentialsError;
use crate::error::{SdkError, TimeoutKind};
use crate::future::BoxFuture;
use crate::retry::{RetryKind, RetryQuota, classify, jitter};
use crate::sign::{SigningScope, sign_request};
use crate::wire;

/// The future of one operation's call, as generated builders' `send` returns it.
pub type SendFuture<O> = BoxFuture<'static, Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>>;

/// A client for one service: sends its operations (signing, retries, timeouts) and decodes the
/// answers. Cheap to clone: clones share connections and the retry quota.
///
/// Generated SDKs wrap it in a client with one builder per operation; on its own it needs the
/// service's [`ServiceInfo`]:
///
/// ```
/// use awsjson_client::{Client, Config};
/// use awsjson_types::ServiceInfo;
///
/// static SERVICE: ServiceInfo = ServiceInfo {
///     name: "cognito-idp",
///     title: "Amazon Cognito Identity Provider",
///     api_version: Some("2016-04-18"),
///     target_prefix: "AWSCognitoIdentityProviderService",
///     signing_name: "cognito-idp",
///     endpoint_prefix: "cognito-idp",
///     content_type: "application/x-amz-json-1.1",
///     validation_error: "InvalidParameterException",
/// };
///
/// let client = Client::new(&SERVICE, Config::new().region("eu-west-1"));
/// assert_eq!(client.endpoint().as_deref(), Some("https://cognito-idp.eu-west-1.amazonaws.com/"));
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: Config,
    /// The HTTP client, or why it could not be set up (reported by every call).
    http: Result<reqwest::Client, String>,
    quota: RetryQuota,
}

const USER_AGENT: &str = concat!("awsjson-client/", env!("CARGO_PKG_VERSION"));

/// The settings of the HTTP client a [`Client`] builds when the configuration brings none: our
/// user agent and the configured connect timeout.
fn http_builder(timeouts: &TimeoutConfig) -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder().user_agent(USER_AGENT);
    match timeouts.connect {
        Some(limit) => builder.connect_timeout(limit),
        None => builder,
    }
}

/// The message of a failed HTTP client set-up, with its causes (reqwest's own says only
/// "builder error").
fn setup_error(error: &reqwest::Error) -> String {
    let mut message = format!("cannot set up the HTTP client: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

impl Client {
    /// A client for `service` with `config`.
    ///
    /// Unless the configuration brings its own ([`Config::http_client`]), this builds a reqwest
    /// client with our user agent and the connect timeout. Building it fails only when TLS cannot
    /// be set up; that failure does not panic here but is returned by every call, as
    /// [`SdkError::Construction`].
    pub fn new(service: &'static ServiceInfo, config: Config) -> Self {
        let http = match &config.http {
            Some(client) => Ok(client.clone()),
            None => http_builder(&config.timeouts).build().map_err(|e| setup_error(&e)),
        };
        Client::with_http(service, config, http)
    }

    fn with_http(service: &'static ServiceInfo, config: Config, http: Result<reqwest::Client, String>) -> Self {
        Client { inner: Arc::new(Inner { service, config, http, quota: RetryQuota::default() }) }
    }

    /// The configuration the client was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The service the client calls.
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

    /// What a generated builder's `send` returns: an error before anything is sent when a
    /// required member was never set (`unset`, see [`first_unset`]), else [`Client::send`].
    ///
    /// Written once here so that generated builders have no `async` body of their own, and
    /// boxed so that they name its type: an `impl Future + Send` per builder made rustc prove
    /// `Send` for every operation's future in the SDK crate, most of that crate's build time.
    /// The one allocation per call is nothing beside the request itself.
    pub fn send_built<O: Operation>(self, input: O::Input, unset: Option<&'static str>) -> SendFuture<O> {
        Box::pin(async move {
            if let Some(member) = unset {
                return Err(SdkError::Construction(format!("{}: required member `{member}` is not set", O::NAME)));
            }
            self.send::<O>(input).await
        })
    }

    /// Sends operation `O` with `input` and decodes the answer, retrying as configured.
    ///
    /// Only serializing the input and decoding the answer depend on the operation; the
    /// exchange itself (signing, retries, timeouts, HTTP) is [`Client::send_raw`], compiled once
    /// rather than once per operation.
    ///
    /// Idempotency-token members left unset get a random UUID first, once per call, so every
    /// retry carries the same one.
    pub async fn send<O: Operation>(&self, mut input: O::Input) -> Result<O::Output, SdkError<O::Error>> {
        O::fill_idempotency_tokens(&mut input, &mut crate::token::idempotency_token);
        let body = serde_json::to_vec(&input).map_err(|e| SdkError::Construction(e.to_string()))?;
        if self.inner.config.validate_requests {
            validate_body(<O::Input as Validate>::shape(), &body).map_err(SdkError::InvalidInput)?;
        }
        let prefix = match O::HOST_PREFIX.filter(|_| !self.inner.config.disable_host_prefix) {
            Some(prefix) => Some(crate::host::expand_prefix(prefix, &body).map_err(SdkError::Construction)?),
            None => None,
        };
        let raw = self.send_raw_to(O::NAME, O::AUTH, body, prefix.as_deref()).await.map_err(RawError::into_sdk)?;
        decode::<O>(raw)
    }

    /// Sends a JSON body to operation `operation` and returns the final response, successful
    /// or not, after the retries the configuration allows.
    pub async fn send_raw(&self, operation: &str, auth: AuthScheme, body: Vec<u8>) -> Result<RawResponse, RawError> {
        self.send_raw_to(operation, auth, body, None).await
    }

    /// [`Client::send_raw`] to the endpoint's host name with `host_prefix` before it (labels
    /// already filled, see [`crate::host::expand_prefix`]); `None` for the endpoint as it is.
    pub async fn send_raw_to(
        &self,
        operation: &str,
        auth: AuthScheme,
        body: Vec<u8>,
        host_prefix: Option<&str>,
    ) -> Result<RawResponse, RawError> {
        let http = self.inner.http.as_ref().map_err(|e| RawError::Construction(e.clone()))?;
        let mut url = self.endpoint().ok_or_else(|| {
            RawError::Construction(
                "no region or endpoint URL configured (set one, or read AWS_REGION with Config::from_env)".into(),
            )
        })?;
        if let Some(prefix) = host_prefix {
            url = crate::host::prefixed_url(&url, prefix).map_err(RawError::Construction)?;
        }
        let attempts = self.with_retries(http, operation, auth, &url, &body);
        match self.inner.config.timeouts.operation {
            Some(limit) => {
                tokio::time::timeout(limit, attempts).await.unwrap_or(Err(RawError::Timeout(TimeoutKind::Operation)))
            }
            None => attempts.await,
        }
    }

    async fn with_retries(
        &self,
        http: &reqwest::Client,
        operation: &str,
        auth: AuthScheme,
        url: &str,
        body: &[u8],
    ) -> Result<RawResponse, RawError> {
        let retry = self.inner.config.retry;
        let mut spent: Option<u32> = None;
        let mut attempt = 1;
        loop {
            let result = self.attempt(http, operation, auth, url, body).await;
            let kind = match &result {
                Ok(response) if response.is_success() => {
                    // A success returns what its retry cost, or one token for a first try.
                    self.inner.quota.release(spent.unwrap_or(1));
                    return result;
                }
                Ok(response) => response.retry_kind(),
                Err(RawError::Transport(e)) if e.is_builder() => RetryKind::Never,
                Err(RawError::Transport(_)) | Err(RawError::Timeout(TimeoutKind::Attempt)) => RetryKind::Transport,
                Err(_) => RetryKind::Never,
            };
            if kind == RetryKind::Never || attempt >= retry.attempts() {
                return result;
            }
            let Some(cost) = self.inner.quota.acquire(kind) else { return result };
            spent = Some(cost);
            tokio::time::sleep(retry.backoff(attempt, jitter())).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        http: &reqwest::Client,
        operation: &str,
        auth: AuthScheme,
        url: &str,
        body: &[u8],
    ) -> Result<RawResponse, RawError> {
        let run = self.attempt_inner(http, operation, auth, url, body);
        match self.inner.config.timeouts.attempt {
            Some(limit) => {
                tokio::time::timeout(limit, run).await.unwrap_or(Err(RawError::Timeout(TimeoutKind::Attempt)))
            }
            None => run.await,
        }
    }

    async fn attempt_inner(
        &self,
        http: &reqwest::Client,
        operation: &str,
        auth: AuthScheme,
        url: &str,
        body: &[u8],
    ) -> Result<RawResponse, RawError> {
        let service = self.inner.service;
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(service.content_type));
        let target = format!("{}.{operation}", service.target_prefix);
        headers
            .insert("x-amz-target", HeaderValue::from_str(&target).map_err(|e| RawError::Construction(e.to_string()))?);
        if auth == AuthScheme::SigV4 {
            let config = &self.inner.config;
            let region = config.region_name().ok_or_else(|| {
                RawError::Construction(format!("{operation} is signed with SigV4, which needs a region"))
            })?;
            let credentials = config.credentials.provide_credentials().await.map_err(RawError::Credentials)?;
            let scope = SigningScope { region, service: service.signing_name, time: SystemTime::now() };
            sign_request("POST", url, &mut headers, body, &credentials, scope)
                .map_err(|e| RawError::Construction(e.to_string()))?;
        }
        let response = http.post(url).headers(headers).body(body.to_vec()).send().await.map_err(RawError::Transport)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let request_id = header("x-amzn-requestid").or_else(|| header("x-amz-request-id"));
        let error_type = header("x-amzn-errortype");
        let query_error = header("x-amzn-query-error");
        let body = response.bytes().await.map_err(RawError::Transport)?;
        Ok(RawResponse { status, request_id, error_type, query_error, body })
    }
}

/// A response as it came back: status, request id, error type header and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// `x-amzn-RequestId` (or `x-amz-request-id`).
    pub request_id: Option<String>,
    /// `x-amzn-ErrorType`.
    pub error_type: Option<String>,
    /// `x-amzn-query-error` (`Code;Sender`), sent by JSON services that keep their query
    /// protocol's error codes (SQS).
    pub query_error: Option<String>,
    /// The body, as received.
    pub body: bytes::Bytes,
}

impl RawResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON (an empty body, or `null`, is `{}`), if it is JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        if is_empty_body(&self.body) {
            Ok(serde_json::Value::Object(Default::default()))
        } else {
            serde_json::from_slice(&self.body)
        }
    }

    /// Whether an error response is worth another attempt.
    fn retry_kind(&self) -> RetryKind {
        let json = self.json().unwrap_or_default();
        classify(wire::error_code(&json, self.error_type.as_deref()), self.status)
    }
}

/// Why [`Client::send_raw`] got no response (the part of [`SdkError`] that does not depend on
/// the operation).
#[derive(Debug)]
pub enum RawError {
    /// The request could not be built or sent: no region or endpoint, an unsigned signed
    /// operation, an HTTP client that could not be set up. As [`SdkError::Construction`].
    Construction(String),
    /// No usable credentials for a signed operation. As [`SdkError::Credentials`].
    Credentials(CredentialsError),
    /// The request got no response. As [`SdkError::Transport`].
    Transport(reqwest::Error),
    /// A timeout expired. As [`SdkError::Timeout`].
    Timeout(TimeoutKind),
}

impl RawError {
    fn into_sdk<E>(self) -> SdkError<E> {
        match self {
            RawError::Construction(m) => SdkError::Construction(m),
            RawError::Credentials(e) => SdkError::Credentials(e),
            RawError::Transport(e) => SdkError::Transport(e),
            RawError::Timeout(k) => SdkError::Timeout(k),
        }
    }
}

/// Client-side validation on the serialized body (the same JSON the service will check).
fn validate_body(shape: &'static awsjson_types::Shape, body: &[u8]) -> Result<(), awsjson_types::ValidationError> {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    awsjson_types::validate(shape, &value)
}

/// Whether a body stands for an empty JSON object: nothing at all, or JSON's `null`. Some servers
/// answer a call without results with `null` (moto does for KMS's `CreateAlias` and others), and
/// botocore reads both as an empty result.
fn is_empty_body(body: &[u8]) -> bool {
    let body = body.trim_ascii();
    body.is_empty() || body == b"null"
}

/// Turns a response into the operation's output or error.
fn decode<O: Operation>(raw: RawResponse) -> Result<O::Output, SdkError<O::Error>> {
    let status = raw.status;
    if raw.is_success() {
        let parsed =
            if is_empty_body(&raw.body) { serde_json::from_slice(b"{}") } else { serde_json::from_slice(&raw.body) };
        return parsed.map_err(|e| SdkError::Response { status, message: format!("cannot parse the response: {e}") });
    }
    let json = match raw.json() {
        Ok(v) => v,
        // A proxy or load balancer error page: keep the status, say what came back.
        Err(_) => {
            let text = String::from_utf8_lossy(&raw.body[..raw.body.len().min(200)]).into_owned();
            return Err(SdkError::Response { status, message: format!("error response is not JSON: {text}") });
        }
    };
    let body = wire::normalize_error_body(json);
    let error = match wire::error_code(&body, raw.error_type.as_deref()) {
        Some(code) => O::Error::from_body(code, &body),
        None => O::Error::unhandled(UnhandledError::new(
            format!("Http{status}"),
            body.get("message").and_then(|m| m.as_str()).map(str::to_owned),
        )),
    };
    let query_code = raw.query_error.as_deref().and_then(wire::query_error_code).map(str::to_owned);
    Err(SdkError::Service { error, status, request_id: raw.request_id, query_code })
}

/// The first of `required` (member names, in model order) whose flag in `set` is false.
///
/// ```
/// assert_eq!(awsjson_client::first_unset(&[true, false], &["UserPoolId", "Username"]), Some("Username"));
/// assert_eq!(awsjson_client::first_unset(&[true], &["UserPoolId"]), None);
/// ```
pub fn first_unset(set: &[bool], required: &[&'static str]) -> Option<&'static str> {
    set.iter().zip(required).find(|(set, _)| !**set).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    static SERVICE: ServiceInfo = ServiceInfo {
        name: "svc",
        title: "Svc",
        api_version: None,
        target_prefix: "Svc",
        signing_name: "svc",
        endpoint_prefix: "svc",
        content_type: "application/x-amz-json-1.1",
        validation_error: "ValidationException",
    };

    #[test]
    fn the_built_http_client_has_our_user_agent_and_connect_timeout() {
        let settings = format!("{:?}", http_builder(&TimeoutConfig::default()));
        assert!(settings.contains(USER_AGENT), "{settings}");
        assert!(settings.contains("connect_timeout: 3.1s"), "{settings}");
        let none = TimeoutConfig { connect: None, ..TimeoutConfig::default() };
        assert!(!format!("{:?}", http_builder(&none)).contains("connect_timeout"));
    }

    #[tokio::test]
    async fn requests_carry_our_user_agent() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the connection closed before the headers ended");
                request.extend_from_slice(&buffer[..n]);
            }
            socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").await.unwrap();
            String::from_utf8_lossy(&request).to_ascii_lowercase()
        });
        let client = Client::new(&SERVICE, Config::new().endpoint_url(url));
        let response = client.send_raw("Op", AuthScheme::None, b"{}".to_vec()).await.unwrap();
        assert!(response.is_success());
        let request = server.await.unwrap();
        assert!(request.contains(&format!("user-agent: {USER_AGENT}")), "{request}");
    }

    #[tokio::test]
    async fn a_failed_http_setup_is_an_error_on_every_call() {
        // A header value with a line break makes reqwest's builder fail, as a TLS set-up
        // failure would.
        let failed = reqwest::Client::builder().user_agent("bad\nagent").build().map_err(|e| setup_error(&e));
        let client = Client::with_http(&SERVICE, Config::new().endpoint_url("http://127.0.0.1:9/"), failed);
        for _ in 0..2 {
            match client.send_raw("Op", AuthScheme::None, b"{}".to_vec()).await {
                Err(RawError::Construction(message)) => {
                    assert!(message.starts_with("cannot set up the HTTP client: builder error"), "{message}")
                }
                other => panic!("expected a construction error, got {other:?}"),
            }
        }
        let typed: SdkError<UnhandledError> =
            client.send_raw("Op", AuthScheme::None, Vec::new()).await.unwrap_err().into_sdk();
        assert!(typed.to_string().contains("cannot set up the HTTP client"), "{typed}");
    }
}
