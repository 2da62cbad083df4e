//! The Lambda Invoke API as Cognito calls it: `POST /2015-03-31/functions/{FunctionName}/
//! invocations` with `X-Amz-Invocation-Type: RequestResponse` (the custom sender triggers, which
//! Cognito invokes asynchronously: `Event`), the function's ARN as the name, SigV4-signed for
//! service `lambda` in the ARN's region.
//!
//! - **Endpoint**: `--lambda-endpoint`, else the AWS SDKs' `AWS_ENDPOINT_URL_LAMBDA`, else
//!   `AWS_ENDPOINT_URL`, else AWS's own `https://lambda.{region}.amazonaws.com`. Local runtimes
//!   serve the same API (`sam local start-lambda`, serverless-offline, LocalStack, moto).
//! - **Function name**: the ARN from the pool's configuration, as AWS sends it; with
//!   `--lambda-function-name-only`, the ARN's function name alone (`...:function:NAME` →
//!   `NAME`), for local runtimes that know functions by name only (serverless-offline).
//! - **Credentials**: the usual chain ([`super::credentials`]).
//! - **Time**: Cognito waits five seconds for a synchronous trigger and tries three times in all
//!   when the call times out or the service fails ("Amazon Cognito invokes the function ... and
//!   if it doesn't respond within 5 seconds ... retries the call. After 3 unsuccessful attempts,
//!   the function times out", AWS's developer guide on Lambda triggers). A function error is
//!   the function's answer and is not retried.
//!
//! Failures, as AWS words them:
//! - a function error (`X-Amz-Function-Error`): `UserLambdaValidationException`,
//!   `{Trigger} failed with error {errorMessage}.`;
//! - an answer that is not a JSON object: `InvalidLambdaResponseException`, `Unrecognizable
//!   lambda output`;
//! - anything else (no such function, refused, unreachable, timed out):
//!   `UnexpectedLambdaException`, `{Trigger} invocation failed due to error {reason}.`
//!   (quoted from real answers in furaiev/amazon-cognito-identity-dart-2 issue 204: "Socket
//!   timeout while invoking Lambda function", and amazon-archives/amazon-cognito-auth-js issue
//!   223: "AccessDeniedException").

use std::time::{Duration, SystemTime};

use awsjson_sigv4::{Payload, Scope, sign};
use cognito_idp::ErrorCode;
use serde_json::Value;

use super::Trigger;
use super::credentials::Keys;
use crate::errors::ApiError;

/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts in all when an attempt times out or the service fails.
pub const ATTEMPTS: usize = 3;

/// The reason AWS gives for a trigger that did not answer in time.
pub const TIMEOUT_REASON: &str = "Socket timeout while invoking Lambda function";

/// Why an invocation failed.
#[derive(Debug, Clone, PartialEq)]
pub enum InvokeError {
    /// The function ran and failed: its `errorMessage`.
    Function(String),
    /// The function answered something that is not a JSON object.
    Unrecognizable,
    /// The call did not reach a function that answered: the reason, in AWS's words where known.
    Unexpected(String),
}

impl InvokeError {
    /// The error AWS answers the operation with.
    pub fn into_api_error(self, trigger: Trigger) -> ApiError {
        match self {
            InvokeError::Function(message) => ApiError::new(
                ErrorCode::UserLambdaValidationException,
                format!("{} failed with error {message}.", trigger.name()),
            ),
            InvokeError::Unrecognizable => {
                ApiError::new(ErrorCode::InvalidLambdaResponseException, "Unrecognizable lambda output")
            }
            InvokeError::Unexpected(reason) => ApiError::new(
                ErrorCode::UnexpectedLambdaException,
                format!("{} invocation failed due to error {reason}.", trigger.name()),
            ),
        }
    }

    /// A short word for the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            InvokeError::Function(_) => "function_error",
            InvokeError::Unrecognizable => "unrecognizable_output",
            InvokeError::Unexpected(_) => "unexpected",
        }
    }
}

/// The Invoke API client.
#[derive(Debug, Clone)]
pub struct Lambda {
    http: reqwest::Client,
    endpoint: Option<String>,
    keys: Keys,
    timeout: Duration,
    name_only: bool,
}

impl Default for Lambda {
    fn default() -> Self {
        Lambda::new(None)
    }
}

/// The function name of an ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` →
/// `NAME`); anything else as it is.
pub fn name_of(arn: &str) -> &str {
    match arn.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => arn,
    }
}

impl Lambda {
    /// A client for `endpoint` (`--lambda-endpoint`), or the environment's.
    pub fn new(endpoint: Option<String>) -> Lambda {
        let endpoint = endpoint
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_LAMBDA").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|e| !e.is_empty())
            .map(|e| e.trim_end_matches('/').to_owned());
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap_or_default();
        Lambda { http, endpoint, keys: Keys::from_environment(), timeout: ATTEMPT_TIMEOUT, name_only: false }
    }

    /// Sends the ARN's function name alone (`--lambda-function-name-only`).
    pub fn function_name_only(mut self, on: bool) -> Lambda {
        self.name_only = on;
        self
    }

    /// The same client with another time limit per attempt (tests of slow functions).
    pub fn with_timeout(mut self, timeout: Duration) -> Lambda {
        self.timeout = timeout;
        self
    }

    /// Invokes function `arn` with `event` and waits for its answer (`RequestResponse`).
    pub async fn invoke(&self, arn: &str, event: &Value) -> Result<Value, InvokeError> {
        self.invoke_as(arn, event, Invocation::RequestResponse).await
    }

    /// Hands `event` to function `arn` to run on its own (`Event`): `Ok` once Lambda has queued
    /// it (HTTP 202), whatever the function then does.
    pub async fn hand_off(&self, arn: &str, event: &Value) -> Result<(), InvokeError> {
        self.invoke_as(arn, event, Invocation::Event).await.map(|_| ())
    }

    async fn invoke_as(&self, arn: &str, event: &Value, invocation: Invocation) -> Result<Value, InvokeError> {
        let region = arn.split(':').nth(3).filter(|r| !r.is_empty()).unwrap_or("us-east-1");
        let endpoint = match &self.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => format!("https://lambda.{region}.amazonaws.com"),
        };
        let function = if self.name_only { name_of(arn) } else { arn };
        let name: String = form_urlencoded::byte_serialize(function.as_bytes()).collect();
        let url = format!("{endpoint}/2015-03-31/functions/{name}/invocations");
        let body = serde_json::to_vec(event).unwrap_or_default();
        let mut last = InvokeError::Unexpected(TIMEOUT_REASON.into());
        for _ in 0..ATTEMPTS {
            match self.attempt(&url, region, &body, invocation).await {
                Attempt::Answer(result) => return result,
                Attempt::Retry(error) => last = error,
            }
        }
        Err(last)
    }

    async fn attempt(&self, url: &str, region: &str, body: &[u8], invocation: Invocation) -> Attempt {
        let credentials = self.keys.credentials();
        let scope = Scope { region, service: "lambda", time: SystemTime::now() };
        let headers = [("content-type", "application/json"), ("x-amz-invocation-type", invocation.header())];
        let signed = match sign("POST", url, headers, Payload::Bytes(body), &credentials, &scope) {
            Ok(signed) => signed,
            Err(e) => return Attempt::Answer(Err(InvokeError::Unexpected(format!("InvalidRequest: {e}")))),
        };
        let mut request = self.http.post(url).timeout(self.timeout).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        for (name, value) in signed.headers() {
            request = request.header(name, value);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return Attempt::Retry(InvokeError::Unexpected(TIMEOUT_REASON.into())),
            Err(e) if e.is_connect() => {
                return Attempt::Retry(InvokeError::Unexpected("Unable to connect to the Lambda endpoint".into()));
            }
            Err(e) => return Attempt::Retry(InvokeError::Unexpected(format!("{e}"))),
        };
        let status = response.status().as_u16();
        let function_error = response.headers().get("x-amz-function-error").is_some();
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v).to_owned());
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.is_timeout() => return Attempt::Retry(InvokeError::Unexpected(TIMEOUT_REASON.into())),
            Err(e) => return Attempt::Retry(InvokeError::Unexpected(format!("{e}"))),
        };
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        if !(200..300).contains(&status) {
            let kind = error_type
                .or_else(|| {
                    parsed.as_ref().and_then(|v| v.get("Type").or(v.get("__type"))?.as_str().map(str::to_owned))
                })
                .unwrap_or_else(|| format!("HTTP {status}"));
            let error = InvokeError::Unexpected(kind);
            // The service failed: try again; the caller's request was refused: do not.
            return if status >= 500 || status == 429 { Attempt::Retry(error) } else { Attempt::Answer(Err(error)) };
        }
        if invocation == Invocation::Event {
            // Queued: the function's outcome is Lambda's business from here on.
            return Attempt::Answer(Ok(Value::Null));
        }
        if function_error {
            let message = parsed
                .as_ref()
                .and_then(|v| v.get("errorMessage"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
            return Attempt::Answer(Err(InvokeError::Function(message)));
        }
        match parsed {
            Some(value @ Value::Object(_)) => Attempt::Answer(Ok(value)),
            _ => Attempt::Answer(Err(InvokeError::Unrecognizable)),
        }
    }
}

/// `X-Amz-Invocation-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Invocation {
    /// Synchronous: the answer comes back.
    RequestResponse,
    /// Asynchronous: Lambda queues the event and answers 202.
    Event,
}

impl Invocation {
    fn header(self) -> &'static str {
        match self {
            Invocation::RequestResponse => "RequestResponse",
            Invocation::Event => "Event",
        }
    }
}

enum Attempt {
    Answer(Result<Value, InvokeError>),
    Retry(InvokeError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_come_from_arns() {
        assert_eq!(name_of("arn:aws:lambda:us-east-1:123456789012:function:svc-dev-pre"), "svc-dev-pre");
        assert_eq!(name_of("arn:aws:lambda:us-east-1:123456789012:function:pre:live"), "pre");
        assert_eq!(name_of("pre"), "pre");
    }

    #[test]
    fn failures_read_as_aws_words_them() {
        let e = InvokeError::Function("No thanks".into()).into_api_error(Trigger::PreSignUp);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::UserLambdaValidationException, "PreSignUp failed with error No thanks.")
        );
        let e = InvokeError::Unexpected(TIMEOUT_REASON.into()).into_api_error(Trigger::PostAuthentication);
        assert_eq!(
            e.message,
            "PostAuthentication invocation failed due to error Socket timeout while invoking Lambda function."
        );
        let e = InvokeError::Unrecognizable.into_api_error(Trigger::CustomMessage);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::InvalidLambdaResponseException, "Unrecognizable lambda output")
        );
    }
}
