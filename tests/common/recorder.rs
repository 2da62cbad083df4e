//! A local HTTP server on 127.0.0.1 that records every request and answers scripted,
//! AWS-shaped responses: the stand-in for AWS in client tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use awsjson_server::axum;
use awsjson_server::axum::body::Bytes;
use awsjson_server::axum::http::{HeaderMap, StatusCode};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the client sends JSON")
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: serde_json::Value) -> Self {
        Reply { status: 200, headers: vec![], body: body.to_string(), delay: Duration::ZERO }
    }

    /// An AWS JSON error: `{"__type": code, "message": message}` with the request id header.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Reply {
            status,
            headers: vec![("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555".into())],
            body: serde_json::json!({"__type": code, "message": message}).to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn raw(status: u16, body: &str) -> Self {
        Reply { status, headers: vec![], body: body.into(), delay: Duration::ZERO }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Recorded>>,
    replies: Mutex<VecDeque<Reply>>,
}

/// The running server. It stops when the test's runtime ends.
pub struct Recorder {
    pub url: String,
    state: Arc<State>,
}

impl Recorder {
    pub async fn start() -> Recorder {
        let state = Arc::new(State::default());
        let handler_state = Arc::clone(&state);
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let state = Arc::clone(&handler_state);
                async move {
                    state.requests.lock().unwrap().push(Recorded { headers, body });
                    let reply =
                        state.replies.lock().unwrap().pop_front().unwrap_or_else(|| Reply::ok(serde_json::json!({})));
                    tokio::time::sleep(reply.delay).await;
                    let mut response = axum::response::Response::new(axum::body::Body::from(reply.body));
                    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
                    for (name, value) in reply.headers {
                        response.headers_mut().insert(name, value.parse().unwrap());
                    }
                    response
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Recorder { url, state }
    }

    /// Queues the answers to the next requests, in order (then `200 {}`).
    pub fn reply(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.replies.lock().unwrap().extend(replies);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }
}
