//! Sending one operation: request construction and response decoding.

use std::sync::Arc;

use awsjson_types::{ModeledError, Operation, ServiceInfo, UnhandledError};

use crate::error::SdkError;
use crate::{Config, wire};

/// A client for one service; cheap to clone (connections are shared).
#[derive(Clone, Debug)]
pub struct Client {
    service: &'static ServiceInfo,
    config: Arc<Config>,
    http: reqwest::Client,
}

impl Client {
    pub fn new(service: &'static ServiceInfo, config: Config) -> Self {
        Client { service, config: Arc::new(config), http: reqwest::Client::new() }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The URL requests go to: the configured endpoint, or the service's regional endpoint.
    pub fn endpoint(&self) -> Option<String> {
        if let Some(e) = self.config.endpoint() {
            return Some(e.to_string());
        }
        self.config.region_name().map(|r| format!("https://{}.{r}.amazonaws.com/", self.service.endpoint_prefix))
    }

    /// Sends operation `O` with `input` and decodes the answer.
    pub async fn send<O: Operation>(&self, input: O::Input) -> Result<O::Output, SdkError<O::Error>> {
        let url = self.endpoint().ok_or_else(|| SdkError::Construction("no region or endpoint URL configured".into()))?;
        let body = serde_json::to_vec(&input).map_err(|e| SdkError::Construction(e.to_string()))?;
        let response = self
            .http
            .post(url)
            .header("content-type", self.service.content_type)
            .header("x-amz-target", format!("{}.{}", self.service.target_prefix, O::NAME))
            .body(body)
            .send()
            .await
            .map_err(SdkError::Transport)?;
        let status = response.status().as_u16();
        let request_id = header(&response, "x-amzn-requestid");
        let error_type = header(&response, "x-amzn-errortype");
        let bytes = response.bytes().await.map_err(SdkError::Transport)?;
        let json: serde_json::Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Object(Default::default())
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| SdkError::Response { status, message: format!("body is not JSON: {e}") })?
        };
        if (200..300).contains(&status) {
            return serde_json::from_value(json).map_err(|e| SdkError::Response { status, message: e.to_string() });
        }
        let body = wire::normalize_error_body(json);
        let error = match wire::error_code(&body, error_type.as_deref()) {
            Some(code) => O::Error::from_body(code, &body),
            None => O::Error::unhandled(UnhandledError::new(
                format!("HTTP{status}"),
                body.get("message").and_then(|m| m.as_str()).map(str::to_owned),
            )),
        };
        Err(SdkError::Service { error, status, request_id })
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}
