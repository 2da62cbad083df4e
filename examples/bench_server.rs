//! The server benchmark's two contestants, for `bench/server.sh`.
//!
//! `bench_server stub` serves the generated router with a backend whose `AdminGetUser` returns a
//! fixed user (routing, parsing, validation, encoding, request ids all included);
//! `bench_server bare` serves a bare axum handler that reads the body and returns the identical
//! bytes. Each binds 127.0.0.1 on a free port, prints `PORT <n>`, and serves until killed.
//! `bench_server work` serves the bare handler doing the stub's JSON work inline (parse,
//! validate, deserialize, encode), to split the overhead between that work and the rest.
//! `bench_server inproc` times both routers and the JSON steps in process, without sockets.
//! `bench_server body` prints the request body the load generator sends.

use std::net::SocketAddr;

use awsjson_server::axum;
use cognito_idp::operation::AdminGetUserError;
use cognito_idp::server::RequestContext;
use cognito_idp::types::{AdminGetUserRequest, AdminGetUserResponse, AttributeType, UserStatusType};

const REQUEST: &str = r#"{"UserPoolId":"us-west-2_aaaaaaaaa","Username":"diego"}"#;

struct Fixed;

fn fixed_user(username: String) -> AdminGetUserResponse {
    AdminGetUserResponse {
        username,
        user_attributes: Some(vec![
            AttributeType { name: "sub".into(), value: Some("d6e2e5f6-3f53-4c0e-9c1e-000000000001".into()) },
            AttributeType { name: "email".into(), value: Some("diego@example.com".into()) },
        ]),
        user_create_date: Some(cognito_idp::Timestamp::from_parts(1_548_099_495, 428_000_000)),
        user_last_modified_date: Some(cognito_idp::Timestamp::from_parts(1_548_099_495, 428_000_000)),
        enabled: Some(true),
        user_status: Some(UserStatusType::Confirmed),
        ..Default::default()
    }
}

impl cognito_idp::CognitoIdp for Fixed {
    async fn admin_get_user(
        &self,
        _ctx: RequestContext,
        input: AdminGetUserRequest,
    ) -> Result<AdminGetUserResponse, AdminGetUserError> {
        Ok(fixed_user(input.username))
    }
}

fn bare_router() -> axum::Router {
    // The stub's answer, encoded once.
    let bytes = axum::body::Bytes::from(serde_json::to_vec(&fixed_user("diego".into())).unwrap());
    axum::Router::new().route(
        "/",
        axum::routing::post(move |_body: axum::body::Bytes| {
            let bytes = bytes.clone();
            // The same headers as the stub's answer (a fixed id of the same length), so both
            // send the same number of bytes; only the stub's work differs.
            async move {
                (
                    [
                        (axum::http::header::CONTENT_TYPE, "application/x-amz-json-1.1"),
                        (
                            axum::http::HeaderName::from_static("x-amzn-requestid"),
                            "00000000-0000-4000-8000-000000000000",
                        ),
                    ],
                    bytes,
                )
            }
        }),
    )
}

/// The bare handler doing the stub's JSON work inline (parse, validate, encode): a diagnostic.
fn work_router() -> axum::Router {
    axum::Router::new().route(
        "/",
        axum::routing::post(|body: axum::body::Bytes| async move {
            let input = awsjson_server::parse_input::<cognito_idp::operation::AdminGetUser>(&body).unwrap();
            let bytes = serde_json::to_vec(&fixed_user(input.username)).unwrap();
            (
                [
                    (axum::http::header::CONTENT_TYPE, "application/x-amz-json-1.1"),
                    (axum::http::HeaderName::from_static("x-amzn-requestid"), "00000000-0000-4000-8000-000000000000"),
                ],
                bytes,
            )
        }),
    )
}

/// Calls both routers in process (no sockets) and prints the time per request of each: the
/// stub's own overhead without HTTP's.
fn inproc() {
    if std::env::var("INPROC_ONLY").is_err() {
        inproc_steps();
    }
    inproc_routers();
}

fn inproc_steps() {
    let time = |name: &str, f: &mut dyn FnMut()| {
        let n = 500_000;
        let start = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        println!("  {name}: {:.3} us", start.elapsed().as_secs_f64() * 1e6 / n as f64);
    };
    time("parse_input", &mut || {
        std::hint::black_box(
            awsjson_server::parse_input::<cognito_idp::operation::AdminGetUser>(REQUEST.as_bytes()).unwrap(),
        );
    });
    time("parse Value", &mut || {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(REQUEST.as_bytes()).unwrap());
    });
    let value: serde_json::Value = serde_json::from_slice(REQUEST.as_bytes()).unwrap();
    time("validate", &mut || {
        awsjson_types::validate(
            <AdminGetUserRequest as awsjson_types::Validate>::shape(),
            std::hint::black_box(&value),
        )
        .unwrap();
    });
    static POOL_ID: awsjson_types::Pattern = awsjson_types::Pattern::new(r"[\w-]+_[0-9a-zA-Z]+");
    static USERNAME: awsjson_types::Pattern = awsjson_types::Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
    time("pool id pattern", &mut || {
        std::hint::black_box(POOL_ID.is_match(std::hint::black_box("us-west-2_aaaaaaaaa")));
    });
    time("username pattern", &mut || {
        std::hint::black_box(USERNAME.is_match(std::hint::black_box("diego")));
    });
    time("parse typed", &mut || {
        std::hint::black_box(serde_json::from_slice::<AdminGetUserRequest>(REQUEST.as_bytes()).unwrap());
    });
    time("parse_checked", &mut || {
        std::hint::black_box(awsjson_types::parse_checked::<AdminGetUserRequest>(
            <AdminGetUserRequest as awsjson_types::Validate>::shape(),
            std::hint::black_box(REQUEST.as_bytes()),
        ));
    });
    time("build output", &mut || {
        std::hint::black_box(fixed_user("diego".into()));
    });
    let user = fixed_user("diego".into());
    time("encode built output", &mut || {
        std::hint::black_box(serde_json::to_vec(std::hint::black_box(&user)).unwrap());
    });
    let mut buffer = Vec::with_capacity(768);
    time("encode built output into a reused buffer", &mut || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, std::hint::black_box(&user)).unwrap();
        std::hint::black_box(&buffer);
    });
    let ts = Some(cognito_idp::Timestamp::from_parts(1_548_099_495, 428_000_000));
    time("encode a timestamp into a reused buffer", &mut || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, std::hint::black_box(&ts)).unwrap();
        std::hint::black_box(&buffer);
    });
    time("encode output", &mut || {
        std::hint::black_box(serde_json::to_vec(&fixed_user("diego".into())).unwrap());
    });
    time("request id", &mut || {
        std::hint::black_box(awsjson_server::new_request_id());
    });
}

fn inproc_routers() {
    use tower::ServiceExt as _;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let request = || {
        axum::http::Request::post("/")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.AdminGetUser")
            .body(axum::body::Body::from(REQUEST))
            .unwrap()
    };
    let only = std::env::var("INPROC_ONLY").ok();
    for (name, router) in
        [("bare", bare_router()), ("work", work_router()), ("stub", cognito_idp::server::router(Fixed))]
    {
        if only.as_deref().is_some_and(|o| o != name && o != "routers") {
            continue;
        }
        runtime.block_on(async {
            let n: u32 = std::env::var("INPROC_N").ok().and_then(|n| n.parse().ok()).unwrap_or(200_000);
            for _ in 0..n / 20 {
                let r = router.clone().oneshot(request()).await.unwrap();
                axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
            }
            let start = std::time::Instant::now();
            for _ in 0..n {
                let r = router.clone().oneshot(request()).await.unwrap();
                axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
            }
            println!("{name}: {:.2} us/request in process", start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
        });
    }
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let threads = std::env::var("BENCH_SERVER_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(1);
    let app = match mode.as_str() {
        "stub" => cognito_idp::server::router(Fixed),
        "bare" => bare_router(),
        // Diagnostic: the bare handler doing the stub's JSON work inline (parse, validate, encode).
        "work" => work_router(),
        "body" => {
            print!("{REQUEST}");
            return;
        }
        "inproc" => return inproc(),
        _ => {
            eprintln!("usage: bench_server stub|bare|work|inproc|body");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        println!("PORT {}", listener.local_addr().unwrap().port());
        axum::serve(listener, app).await.unwrap();
    });
}
