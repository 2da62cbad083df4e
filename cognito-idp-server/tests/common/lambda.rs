//! A Lambda Invoke API endpoint owned by a test: it records every request (path, headers,
//! event) and answers as the test's function does: a value, a function error, something that
//! is not JSON, an API error, or slowly. Start a server with `o.lambda_endpoint =
//! Some(lambda.url())`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

/// What a function answers.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this JSON.
    Value(Value),
    /// 200 with `X-Amz-Function-Error: Unhandled` and `{"errorMessage": ..}`.
    FunctionError(String),
    /// 200 with this body, which is not JSON.
    Raw(String),
    /// An error of the Invoke API itself: status and `x-amzn-ErrorType`.
    ApiError(u16, String),
    /// The reply after a delay.
    Slow(Duration, Box<Reply>),
}

type Function = Arc<dyn Fn(&Value) -> Reply + Send + Sync>;

/// One request the endpoint got.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function name of the path, decoded (the ARN).
    pub function: String,
    /// The request's headers (lowercase names).
    pub headers: HashMap<String, String>,
    /// The event.
    pub event: Value,
}

#[derive(Default)]
struct Inner {
    calls: Mutex<Vec<Call>>,
    functions: Mutex<HashMap<String, Function>>,
}

/// The endpoint.
#[derive(Clone)]
pub struct FakeLambda {
    url: String,
    inner: Arc<Inner>,
}

/// The ARN of function `name` in us-east-1.
pub fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

impl FakeLambda {
    /// Starts it on 127.0.0.1.
    pub async fn start() -> FakeLambda {
        let inner = Arc::new(Inner::default());
        let app =
            Router::new().route("/2015-03-31/functions/{name}/invocations", post(invoke)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeLambda { url, inner }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Function `name` (by ARN, see [`arn`]) answers with `f(event)`.
    pub fn on(&self, name: &str, f: impl Fn(&Value) -> Reply + Send + Sync + 'static) {
        self.inner.functions.lock().unwrap().insert(arn(name), Arc::new(f));
    }

    /// Function `name` returns the event it got, changed by `change`.
    pub fn returns(&self, name: &str, change: impl Fn(&mut Value) + Send + Sync + 'static) {
        self.on(name, move |event| {
            let mut event = event.clone();
            change(&mut event);
            Reply::Value(event)
        });
    }

    /// The requests so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.calls.lock().unwrap().clone()
    }

    /// The events sent to function `name`.
    pub fn events(&self, name: &str) -> Vec<Value> {
        self.calls().into_iter().filter(|c| c.function == arn(name)).map(|c| c.event).collect()
    }
}

async fn invoke(
    State(inner): State<Arc<Inner>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let headers: HashMap<String, String> =
        headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    let queued = headers.get("x-amz-invocation-type").is_some_and(|t| t == "Event");
    inner.calls.lock().unwrap().push(Call { function: name.clone(), headers, event: event.clone() });
    let function = inner.functions.lock().unwrap().get(&name).cloned();
    let Some(function) = function else {
        return (StatusCode::NOT_FOUND, [("x-amzn-errortype", "ResourceNotFoundException")], "{}").into_response();
    };
    let mut reply = function(&event);
    // An `Event` invocation is queued: Lambda answers 202 with no body, whatever the function
    // then does (an API error, such as an unknown function, is still the caller's).
    if queued && !matches!(reply, Reply::ApiError(..)) {
        return StatusCode::ACCEPTED.into_response();
    }
    loop {
        match reply {
            Reply::Slow(delay, next) => {
                tokio::time::sleep(delay).await;
                reply = *next;
            }
            Reply::Value(value) => return (StatusCode::OK, axum::Json(value)).into_response(),
            Reply::FunctionError(message) => {
                let body = serde_json::json!({ "errorMessage": message, "errorType": "Error" });
                return (StatusCode::OK, [("x-amz-function-error", "Unhandled")], axum::Json(body)).into_response();
            }
            Reply::Raw(text) => return (StatusCode::OK, text).into_response(),
            Reply::ApiError(status, kind) => {
                let status = StatusCode::from_u16(status).unwrap();
                return (status, [("x-amzn-errortype", kind)], "{}").into_response();
            }
        }
    }
}
