//! Each request runs in a `tracing` span `aws_request` carrying `operation`, `request_id`,
//! `status` and `latency_ms`; nothing logged quotes a sensitive value.

mod server_support;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_idp::server::ServerConfig;
use serde_json::json;
use server_support::{TestBackend, serve};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

type Fields = BTreeMap<String, String>;

/// Records every span's fields (as text) and every event's fields.
#[derive(Clone, Default)]
struct Capture {
    open: Arc<Mutex<HashMap<u64, (String, Fields)>>>,
    closed: Arc<Mutex<Vec<(String, Fields)>>>,
    events: Arc<Mutex<Vec<Fields>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        self.open.lock().unwrap().insert(id.into_u64(), (attrs.metadata().name().to_string(), fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some((_, fields)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        self.events.lock().unwrap().push(fields);
    }
    fn on_close(&self, id: Id, _: Context<'_, S>) {
        if let Some(span) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(span);
        }
    }
}

impl Capture {
    /// The closed `aws_request` spans, waiting a little for the last ones to close.
    async fn requests(&self, at_least: usize) -> Vec<Fields> {
        for _ in 0..100 {
            let spans: Vec<Fields> = self
                .closed
                .lock()
                .unwrap()
                .iter()
                .filter(|(n, _)| n == "aws_request")
                .map(|(_, f)| f.clone())
                .collect();
            if spans.len() >= at_least {
                return spans;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("fewer than {at_least} aws_request spans closed");
    }
}

async fn post(addr: std::net::SocketAddr, operation: &str, body: String) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/"))
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .body(body)
        .send()
        .await
        .unwrap()
}

// A current-thread runtime: the server's tasks run on this thread, under this thread's subscriber.
#[tokio::test]
async fn every_request_has_a_span_with_operation_id_status_and_latency() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let addr = serve(TestBackend::default(), ServerConfig::default()).await;

    let ok = post(addr, "AdminCreateUser", json!({"UserPoolId": "us-west-2_a", "Username": "diego"}).to_string()).await;
    let ok_id = ok.headers()["x-amzn-requestid"].to_str().unwrap().to_string();
    let secret = json!({"UserPoolId": "us-west-2_a", "Username": "a b", "TemporaryPassword": "hunter2 is-secret"});
    let bad = post(addr, "AdminCreateUser", secret.to_string()).await;
    assert_eq!(bad.status(), 400);
    let bad_id = bad.headers()["x-amzn-requestid"].to_str().unwrap().to_string();
    let unknown = post(addr, "Bogus<script>", "{}".into()).await;
    let unknown_id = unknown.headers()["x-amzn-requestid"].to_str().unwrap().to_string();

    let spans = capture.requests(3).await;
    let by_id = |id: &str| spans.iter().find(|f| f.get("request_id").map(String::as_str) == Some(id)).cloned().unwrap();
    let ok_span = by_id(&ok_id);
    assert_eq!(ok_span["operation"], "AdminCreateUser");
    assert_eq!(ok_span["status"], "200");
    let latency: f64 = ok_span["latency_ms"].parse().unwrap();
    assert!((0.0..60_000.0).contains(&latency), "{latency}");
    assert_eq!(by_id(&bad_id)["status"], "400");
    let unknown_span = by_id(&unknown_id);
    assert_eq!(unknown_span["status"], "400");
    assert_eq!(unknown_span["operation"], "", "names that are not operations are not logged");

    let everything = format!("{:?} {:?}", capture.closed.lock().unwrap(), capture.events.lock().unwrap());
    for secret in ["hunter2", "a b", "Bogus<script>"] {
        assert!(!everything.contains(secret), "{secret:?} was logged: {everything}");
    }
}
