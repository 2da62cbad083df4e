//! The Lambda-trigger half of `bench/reference.sh` (section `trigger`): a local test function
//! that answers the Lambda Invoke API, a pool whose PreTokenGeneration trigger calls it, and the
//! cost of one round trip to it. Prints JSON.
//!
//! ```text
//! trigger_load lambda-echo --port P [--seconds 600]
//!                                 a function on 127.0.0.1:P answering
//!                                 POST /2015-03-31/functions/{name}/invocations with the event it
//!                                 got, plus claimsToAddOrOverride {"tenant": "t1"} for the ID
//!                                 token; GET /stats gives its count of invocations. Stops after
//!                                 --seconds.
//! trigger_load pool --url URL --arn ARN [--version V2_0]
//!                                 CreateUserPool with LambdaConfig.PreTokenGenerationConfig
//!                                 {LambdaVersion, LambdaArn}; prints the pool id
//! trigger_load check --url URL --client ID
//!                                 one USER_PASSWORD_AUTH sign-in of u0; fails unless its ID token
//!                                 carries "tenant": "t1"
//! trigger_load roundtrip --url LAMBDA_URL --arn ARN [--rounds 2000]
//!                                 the request the server sends (the last event the function got,
//!                                 SigV4-signed for `lambda` as the server signs it, over a
//!                                 keep-alive connection), one at a time; its latencies
//! ```
//!
//! Users and the app client come from `load seed` and `load signin-setup`, as in the sign-in
//! section. Every mode is bounded and stops by itself.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use base64::Engine;
use serde_json::{Value, json};

use support::{Args, Error, call};

/// The password `load signin-setup` gives every user.
const PASSWORD: &str = "Bench-Passw0rd!";

fn http_client() -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .build()?)
}

/// The test function's state: its invocation count and the last event it got.
#[derive(Default)]
struct Echo {
    invocations: AtomicU64,
    last_event: std::sync::Mutex<Option<Bytes>>,
}

/// Answers an invocation: the event, with the ID token's `tenant` claim asked for.
async fn invoke(State(echo): State<Arc<Echo>>, body: Bytes) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    echo.invocations.fetch_add(1, Ordering::Relaxed);
    let json_type = [("content-type", "application/json")];
    let Ok(mut event) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, json_type, json!({"Type": "InvalidRequestContentException"}).to_string());
    };
    if let Ok(mut last) = echo.last_event.lock() {
        *last = Some(body);
    }
    event["response"] = json!({"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t1"}},
    }});
    (StatusCode::OK, json_type, event.to_string())
}

async fn lambda_echo(args: &Args) -> Result<(), Error> {
    let port = args.number("port", 0)?;
    let seconds = args.number("seconds", 600)?;
    let echo = Arc::new(Echo::default());
    let app = Router::new()
        .route("/2015-03-31/functions/{name}/invocations", post(invoke))
        .route(
            "/stats",
            get(|State(echo): State<Arc<Echo>>| async move {
                json!({"invocations": echo.invocations.load(Ordering::Relaxed)}).to_string()
            }),
        )
        .route(
            "/last-event",
            get(|State(echo): State<Arc<Echo>>| async move {
                let last = echo.last_event.lock().ok().and_then(|l| l.clone());
                last.map_or((StatusCode::NOT_FOUND, Bytes::new()), |b| (StatusCode::OK, b))
            }),
        )
        .with_state(echo.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port as u16)).await?;
    println!("{}", json!({"listening": listener.local_addr()?.to_string()}));
    let limit = tokio::time::sleep(Duration::from_secs(seconds));
    tokio::select! {
        served = axum::serve(listener, app) => served?,
        () = limit => {}
    }
    println!("{}", json!({"invocations": echo.invocations.load(Ordering::Relaxed)}));
    Ok(())
}

async fn create_pool(args: &Args) -> Result<(), Error> {
    let config = json!({"PreTokenGenerationConfig": {
        "LambdaVersion": args.named.get("version").map_or("V2_0", String::as_str),
        "LambdaArn": args.get("arn")?,
    }});
    let request = json!({"PoolName": "bench-trigger", "LambdaConfig": config});
    let (status, body) = call(&http_client()?, args.get("url")?, "CreateUserPool", &request).await?;
    let id = body["UserPool"]["Id"].as_str().ok_or_else(|| format!("CreateUserPool answered {status}: {body}"))?;
    println!("{id}");
    Ok(())
}

/// Signs u0 in once and reads the `tenant` claim of its ID token.
async fn check(args: &Args) -> Result<(), Error> {
    let request = json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": args.get("client")?,
        "AuthParameters": {"USERNAME": "u0", "PASSWORD": PASSWORD},
    });
    let (status, body) = call(&http_client()?, args.get("url")?, "InitiateAuth", &request).await?;
    let token = body["AuthenticationResult"]["IdToken"]
        .as_str()
        .ok_or_else(|| format!("InitiateAuth answered {status}: {body}"))?;
    let payload = token.split('.').nth(1).ok_or("the ID token is not a JWT")?;
    let claims: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?)?;
    if claims["tenant"] != "t1" {
        return Err(format!("the ID token has no tenant claim t1: {claims}").into());
    }
    println!("{}", json!({"tenant": claims["tenant"]}));
    Ok(())
}

/// One signed invocation, as the server's Lambda client sends it; the function's answer.
async fn invoke_once(http: &reqwest::Client, url: &str, region: &str, body: &[u8]) -> Result<Value, Error> {
    use awsjson_sigv4::{Credentials, Payload, Scope, sign};
    let credentials = Credentials { access_key_id: "test", secret_access_key: "test", session_token: None };
    let scope = Scope { region, service: "lambda", time: SystemTime::now() };
    let headers = [("content-type", "application/json"), ("x-amz-invocation-type", "RequestResponse")];
    let signed = sign("POST", url, headers, Payload::Bytes(body), &credentials, &scope)?;
    let mut request = http.post(url).body(body.to_vec());
    for (name, value) in headers.into_iter().chain(signed.headers()) {
        request = request.header(name, value);
    }
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("the function answered {status}").into());
    }
    Ok(serde_json::from_slice(&bytes)?)
}

async fn roundtrip(args: &Args) -> Result<(), Error> {
    let endpoint = args.get("url")?.trim_end_matches('/').to_owned();
    let arn = args.get("arn")?;
    let rounds = args.number("rounds", 2000)?.max(1);
    let region = arn.split(':').nth(3).filter(|r| !r.is_empty()).unwrap_or("us-east-1");
    let name: String = form_urlencoded::byte_serialize(arn.as_bytes()).collect();
    let url = format!("{endpoint}/2015-03-31/functions/{name}/invocations");
    let http = http_client()?;
    let before: Value = http.get(format!("{endpoint}/stats")).send().await?.json().await?;
    // The event the server sent last; without one, a V2_0 event of the same shape.
    let last = http.get(format!("{endpoint}/last-event")).send().await?;
    let (body, captured) = if last.status().is_success() {
        (last.bytes().await?.to_vec(), true)
    } else {
        let event = json!({
            "version": "2", "triggerSource": "TokenGeneration_Authentication", "region": region,
            "userPoolId": "us-east-1_BenchPool1", "userName": "u0",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "bench"},
            "request": {"userAttributes": {"sub": "00000000-0000-0000-0000-000000000000",
                "cognito:user_status": "CONFIRMED", "email": "u0@example.com"},
                "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null},
                "scopes": ["aws.cognito.signin.user.admin"]},
            "response": {"claimsAndScopeOverrideDetails": null},
        });
        (event.to_string().into_bytes(), false)
    };
    // The first calls open the connection and warm both sides; they are not counted.
    for _ in 0..50 {
        invoke_once(&http, &url, region, &body).await?;
    }
    let mut times = Vec::with_capacity(rounds as usize);
    for _ in 0..rounds {
        let started = Instant::now();
        let answer = invoke_once(&http, &url, region, &body).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if !answer["response"]["claimsAndScopeOverrideDetails"].is_object() {
            return Err(format!("the function answered without claims: {answer}").into());
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    let summary = json!({
        "rounds": rounds,
        "event_bytes": body.len(),
        "event_from_server": captured,
        "invocations_before": before["invocations"],
        "min_ms": times[0],
        "p50_ms": at(0.5),
        "p99_ms": at(0.99),
    });
    println!("{summary}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse("usage: trigger_load lambda-echo|pool|check|roundtrip ...")?;
    match args.mode.as_str() {
        "lambda-echo" => lambda_echo(&args).await,
        "pool" => create_pool(&args).await,
        "check" => check(&args).await,
        "roundtrip" => roundtrip(&args).await,
        other => Err(format!("unknown mode {other}").into()),
    }
}
