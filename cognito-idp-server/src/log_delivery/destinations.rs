//! The three places logs go, through their own APIs, SigV4-signed with the keys Lambda and KMS
//! calls use ([`crate::triggers::credentials`]):
//!
//! - **CloudWatch Logs** (AWS JSON 1.1, `Logs_20140328`): `PutLogEvents` into the stream
//!   `{userPoolId}/{eventSource}` of the log group the ARN names, creating the stream
//!   (`CreateLogStream`) the first time it is missing. The log group must exist, as on AWS.
//! - **S3** (REST): `PutObject` of one object per batch, the records one JSON document a line,
//!   under `AWSLogs/{account}/cognito-idp/{region}/{userPoolId}/{yyyy}/{mm}/{dd}/` (AWS's guide
//!   says only that "Amazon Cognito might create an `AWSLogs` folder in your bucket"), path-style
//!   on a configured endpoint, virtual-hosted on AWS's.
//! - **Firehose** (AWS JSON 1.1, `Firehose_20150804`): `PutRecordBatch`, one record a line;
//!   records Firehose refuses (`FailedPutCount`) are sent again on the next attempt.
//!
//! Endpoints: `--cloudwatch-logs-endpoint`, `--s3-endpoint`, `--firehose-endpoint`, else the
//! AWS SDKs' variables (`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, `AWS_ENDPOINT_URL_S3`,
//! `AWS_ENDPOINT_URL_FIREHOSE`), else `AWS_ENDPOINT_URL`, else AWS's own in the region of the
//! destination's ARN (the server's region for S3, whose ARNs name none).

use std::time::{Duration, SystemTime};

use awsjson_sigv4::{Payload, Scope, format_amz_date, sign};
use base64::Engine;
use serde_json::{Value, json};

use crate::triggers::credentials::Keys;

/// How long one call may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Where a configuration sends its records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A CloudWatch Logs log group, by ARN.
    CloudWatchLogs(String),
    /// An S3 bucket, by ARN.
    S3(String),
    /// A Firehose stream, by ARN.
    Firehose(String),
}

impl Destination {
    /// The destination's ARN.
    pub fn arn(&self) -> &str {
        match self {
            Destination::CloudWatchLogs(arn) | Destination::S3(arn) | Destination::Firehose(arn) => arn,
        }
    }

    /// `cloudWatchLogs`, `s3` or `firehose`.
    pub fn kind(&self) -> &'static str {
        match self {
            Destination::CloudWatchLogs(_) => "cloudWatchLogs",
            Destination::S3(_) => "s3",
            Destination::Firehose(_) => "firehose",
        }
    }
}

/// One record to deliver: when it happened (ms) and its JSON text.
#[derive(Debug, Clone)]
pub struct Line {
    /// The event's time, ms since the epoch.
    pub time_ms: i64,
    /// The record, one line of JSON.
    pub text: String,
}

/// The endpoints of the three services (`None`: AWS's own).
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// CloudWatch Logs.
    pub logs: Option<String>,
    /// S3.
    pub s3: Option<String>,
    /// Firehose.
    pub firehose: Option<String>,
}

impl Endpoints {
    /// The options' endpoints, else the environment's (see the module's documentation).
    pub fn resolve(logs: Option<String>, s3: Option<String>, firehose: Option<String>) -> Endpoints {
        let pick = |given: Option<String>, variable: &str| {
            given
                .or_else(|| std::env::var(variable).ok())
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .filter(|e| !e.is_empty())
                .map(|e| e.trim_end_matches('/').to_owned())
        };
        Endpoints {
            logs: pick(logs, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"),
            s3: pick(s3, "AWS_ENDPOINT_URL_S3"),
            firehose: pick(firehose, "AWS_ENDPOINT_URL_FIREHOSE"),
        }
    }
}

/// The clients.
#[derive(Debug, Clone)]
pub struct Clients {
    http: reqwest::Client,
    endpoints: Endpoints,
    keys: Keys,
    region: String,
    account: String,
}

/// A failed call: the service's error code (when it answered one) and the whole story.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The service's `__type` / S3 `Code`, if it answered one.
    pub code: Option<String>,
    /// What happened.
    pub message: String,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure { code: None, message: message.into() }
    }
}

/// The region an ARN names (`arn:aws:logs:REGION:...`), if any.
fn region_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The last part of an ARN after `marker` (`log-group:`, `deliverystream/`), without a
/// trailing `:*`.
fn name_after<'a>(arn: &'a str, marker: &str) -> &'a str {
    let name = arn.split_once(marker).map_or(arn, |(_, rest)| rest);
    name.strip_suffix(":*").unwrap_or(name)
}

impl Clients {
    /// Clients for `endpoints`, for a server in `region` of account `account`.
    pub fn new(endpoints: Endpoints, region: &str, account: &str) -> Clients {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build().unwrap_or_default();
        Clients {
            http,
            endpoints,
            keys: Keys::from_environment(),
            region: region.to_owned(),
            account: account.to_owned(),
        }
    }

    /// Sends `lines` (all of one pool and source) to `destination`; on a partial failure the
    /// lines still to send are left in `lines`.
    pub async fn send(
        &self,
        destination: &Destination,
        pool_id: &str,
        source: &str,
        lines: &mut Vec<Line>,
    ) -> Result<(), Failure> {
        match destination {
            Destination::CloudWatchLogs(arn) => self.cloudwatch(arn, &format!("{pool_id}/{source}"), lines).await,
            Destination::S3(arn) => self.s3(arn, pool_id, lines).await,
            Destination::Firehose(arn) => self.firehose(arn, lines).await,
        }
    }

    /// An AWS JSON 1.1 call of `target` to `service` (signing name) at `endpoint`.
    async fn json_call(
        &self,
        endpoint: &str,
        service: &str,
        region: &str,
        target: &str,
        body: Value,
    ) -> Result<Value, Failure> {
        let url = format!("{endpoint}/");
        let body = serde_json::to_vec(&body).map_err(|e| Failure::new(e.to_string()))?;
        let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target)];
        let scope = Scope { region, service, time: SystemTime::now() };
        let signed = sign("POST", &url, headers, Payload::Bytes(&body), &self.keys.credentials(), &scope)
            .map_err(|e| Failure::new(e.to_string()))?;
        let mut request = self.http.post(&url).body(body);
        for (name, value) in headers.into_iter().chain(signed.headers()) {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| Failure::new(format!("{service} unreachable: {e}")))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| Failure::new(format!("{service} unreachable: {e}")))?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        let code = answer.get("__type").and_then(Value::as_str).map(|t| t.rsplit('#').next().unwrap_or(t).to_owned());
        let message = answer.get("message").or(answer.get("Message")).and_then(Value::as_str).unwrap_or("");
        Err(Failure {
            message: format!("{target}: {} (HTTP {}): {message}", code.as_deref().unwrap_or("error"), status.as_u16()),
            code,
        })
    }

    async fn cloudwatch(&self, arn: &str, stream: &str, lines: &mut Vec<Line>) -> Result<(), Failure> {
        let region = region_of(arn).unwrap_or(&self.region).to_owned();
        let endpoint = match &self.endpoints.logs {
            Some(endpoint) => endpoint.clone(),
            None => format!("https://logs.{region}.amazonaws.com"),
        };
        let group = name_after(arn, ":log-group:");
        // PutLogEvents wants its events in time order.
        lines.sort_by_key(|l| l.time_ms);
        let events: Vec<Value> = lines.iter().map(|l| json!({"timestamp": l.time_ms, "message": l.text})).collect();
        let put = json!({"logGroupName": group, "logStreamName": stream, "logEvents": events});
        let target = "Logs_20140328.PutLogEvents";
        match self.json_call(&endpoint, "logs", &region, target, put.clone()).await {
            Err(Failure { code: Some(code), .. }) if code == "ResourceNotFoundException" => {
                // The stream's first records: create it (an existing one is fine), then again.
                let create = json!({"logGroupName": group, "logStreamName": stream});
                match self.json_call(&endpoint, "logs", &region, "Logs_20140328.CreateLogStream", create).await {
                    Err(Failure { code: Some(code), .. }) if code == "ResourceAlreadyExistsException" => {}
                    other => {
                        other?;
                    }
                }
                self.json_call(&endpoint, "logs", &region, target, put).await?;
            }
            other => {
                other?;
            }
        }
        lines.clear();
        Ok(())
    }

    async fn s3(&self, arn: &str, pool_id: &str, lines: &mut Vec<Line>) -> Result<(), Failure> {
        let bucket = arn.rsplit(":::").next().unwrap_or(arn).split([':', '/']).next().unwrap_or_default();
        let stamp = format_amz_date(SystemTime::now());
        let key = format!(
            "AWSLogs/{}/cognito-idp/{}/{pool_id}/{}/{}/{}/{pool_id}_{stamp}_{}.log",
            self.account,
            self.region,
            &stamp[0..4],
            &stamp[4..6],
            &stamp[6..8],
            uuid::Uuid::new_v4().simple()
        );
        let url = match &self.endpoints.s3 {
            Some(endpoint) => format!("{endpoint}/{bucket}/{key}"),
            None => format!("https://{bucket}.s3.{}.amazonaws.com/{key}", self.region),
        };
        let mut body = String::new();
        for line in lines.iter() {
            body.push_str(&line.text);
            body.push('\n');
        }
        let hash = Payload::Bytes(body.as_bytes()).hash().into_owned();
        let headers = [("content-type", "application/x-ndjson"), ("x-amz-content-sha256", hash.as_str())];
        let scope = Scope { region: &self.region, service: "s3", time: SystemTime::now() };
        let signed = sign("PUT", &url, headers, Payload::Hash(&hash), &self.keys.credentials(), &scope)
            .map_err(|e| Failure::new(e.to_string()))?;
        let mut request = self.http.put(&url).body(body);
        for (name, value) in headers.into_iter().chain(signed.headers()) {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| Failure::new(format!("s3 unreachable: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            let code =
                text.split_once("<Code>").and_then(|(_, rest)| rest.split_once("</Code>")).map(|(c, _)| c.to_owned());
            return Err(Failure {
                message: format!("PutObject: {} (HTTP {})", code.as_deref().unwrap_or("error"), status.as_u16()),
                code,
            });
        }
        lines.clear();
        Ok(())
    }

    async fn firehose(&self, arn: &str, lines: &mut Vec<Line>) -> Result<(), Failure> {
        let region = region_of(arn).unwrap_or(&self.region).to_owned();
        let endpoint = match &self.endpoints.firehose {
            Some(endpoint) => endpoint.clone(),
            None => format!("https://firehose.{region}.amazonaws.com"),
        };
        let b64 = base64::engine::general_purpose::STANDARD;
        let records: Vec<Value> = lines.iter().map(|l| json!({"Data": b64.encode(format!("{}\n", l.text))})).collect();
        let body = json!({"DeliveryStreamName": name_after(arn, ":deliverystream/"), "Records": records});
        let answer = self.json_call(&endpoint, "firehose", &region, "Firehose_20150804.PutRecordBatch", body).await?;
        let failed = answer.get("FailedPutCount").and_then(Value::as_i64).unwrap_or(0);
        if failed == 0 {
            lines.clear();
            return Ok(());
        }
        // Keep the refused records only, for the next attempt.
        let responses = answer.get("RequestResponses").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut kept = Vec::new();
        for (line, response) in lines.drain(..).zip(responses.iter().chain(std::iter::repeat(&Value::Null))) {
            if response.get("ErrorCode").is_some_and(|c| !c.is_null()) || response.is_null() {
                kept.push(line);
            }
        }
        *lines = kept;
        Err(Failure { code: None, message: format!("PutRecordBatch: {failed} records refused") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_arns() {
        assert_eq!(name_after("arn:aws:logs:us-east-1:123456789012:log-group:my-group:*", ":log-group:"), "my-group");
        assert_eq!(
            name_after("arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/x", ":log-group:"),
            "/aws/vendedlogs/x"
        );
        assert_eq!(name_after("arn:aws:firehose:us-east-1:123456789012:deliverystream/s1", ":deliverystream/"), "s1");
        assert_eq!(region_of("arn:aws:logs:eu-west-1:1:log-group:g"), Some("eu-west-1"));
        assert_eq!(region_of("arn:aws:s3:::bucket"), None);
    }
}
