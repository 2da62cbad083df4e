//! `/_local/`: the outbox and its filters, the reset, the clock, and `--no-local-endpoints`
//! (no `/_local/` routes and nothing kept in the outbox).

mod common;

use cognito_idp::Client;
use common::{InProcessServer, PoolBuilder, attr, error_code};
use serde_json::{Value, json};

/// A pool that auto-verifies emails and an app client of it: (pool id, client id).
async fn pool_and_client(client: &Client, name: &str) -> (String, String) {
    let pool = PoolBuilder::new(name).auto_verify(&["email"]).create(client).await;
    let app = common::create_app_client(client, &pool, "web").await;
    (pool, app)
}

async fn sign_up(client: &Client, app: &str, username: &str) {
    client
        .sign_up()
        .client_id(app)
        .username(username)
        .password("Passw0rd!")
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("SignUp {username}: {e}"));
}

fn usernames(messages: &[Value]) -> Vec<&str> {
    messages.iter().map(|m| m["username"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_outbox_filters_by_pool_and_username() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (a, app_a) = pool_and_client(&client, "a").await;
    let (b, app_b) = pool_and_client(&client, "b").await;
    sign_up(&client, &app_a, "ana").await;
    sign_up(&client, &app_a, "bruno").await;
    sign_up(&client, &app_b, "ana").await;

    let all = server.outbox(None, None).await;
    assert_eq!(usernames(&all), ["ana", "bruno", "ana"], "oldest first");
    assert_eq!(usernames(&server.outbox(Some(&a), None).await), ["ana", "bruno"]);
    assert_eq!(usernames(&server.outbox(Some(&b), None).await), ["ana"]);
    let one = server.outbox(Some(&a), Some("bruno")).await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["userPoolId"], a.as_str());
    assert_eq!(one[0]["destination"], "bruno@example.com");
    let by_name = server.outbox(None, Some("ana")).await;
    assert_eq!(by_name.iter().map(|m| m["userPoolId"].as_str().unwrap()).collect::<Vec<_>>(), [&a, &b]);
    assert!(server.outbox(Some(&a), Some("nobody")).await.is_empty());
    assert!(server.outbox(Some("us-east-1_nosuchpool"), None).await.is_empty());
    for message in &all {
        for field in ["kind", "medium", "destination", "code", "timeMs"] {
            assert!(!message[field].is_null(), "{field} in {message}");
        }
    }
}

#[tokio::test]
async fn reset_deletes_everything_and_rewinds_the_clock() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app) = pool_and_client(&client, "a").await;
    sign_up(&client, &app, "ana").await;
    let http = reqwest::Client::new();
    let clock = http
        .post(format!("{}/_local/clock", server.url()))
        .json(&json!({"advanceSeconds": 3600}))
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), 200);
    let clock: Value = clock.json().await.unwrap();
    assert_eq!(clock["offsetMs"], 3_600_000);

    let reset = http.post(format!("{}/_local/reset", server.url())).send().await.unwrap();
    assert_eq!(reset.status(), 200);
    assert!(server.outbox(None, None).await.is_empty());
    let e = client.describe_user_pool().user_pool_id(&pool).send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("ResourceNotFoundException"));
    let e = client.sign_up().client_id(&app).username("ana").password("Passw0rd!").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("ResourceNotFoundException"));
    let clock: Value = http.get(format!("{}/_local/clock", server.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(clock["offsetMs"], 0);

    // The server works as new after a reset.
    let (_, app) = pool_and_client(&client, "again").await;
    sign_up(&client, &app, "ana").await;
    assert_eq!(server.outbox(None, None).await.len(), 1);
}

#[tokio::test]
async fn the_clock_moves_forward_and_back() {
    let server = InProcessServer::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/_local/clock", server.url());
    let before: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(before["offsetMs"], 0);
    let later: Value =
        http.post(&url).json(&json!({"advanceSeconds": 90_000})).send().await.unwrap().json().await.unwrap();
    assert_eq!(later["offsetMs"], 90_000_000);
    assert!(later["nowMs"].as_i64().unwrap() >= before["nowMs"].as_i64().unwrap() + 90_000_000);
    let twice: Value = http.post(&url).json(&json!({"advanceSeconds": 10})).send().await.unwrap().json().await.unwrap();
    assert_eq!(twice["offsetMs"], 90_010_000, "advancing adds to the offset");
    let real: Value = http.post(&url).json(&json!({"offsetSeconds": 0})).send().await.unwrap().json().await.unwrap();
    assert_eq!(real["offsetMs"], 0);
    let bad = http.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["__type"], "InvalidParameterException");
}

#[tokio::test]
async fn without_local_endpoints_there_is_no_local_api_and_no_outbox() {
    let server = InProcessServer::start_with(|o| o.no_local_endpoints = true).await;
    let http = reqwest::Client::new();
    for (method, path) in [("GET", "outbox"), ("POST", "reset"), ("GET", "clock"), ("POST", "clock")] {
        let url = format!("{}/_local/{path}", server.url());
        let response = match method {
            "GET" => http.get(url).send().await.unwrap(),
            _ => http.post(url).json(&json!({"advanceSeconds": 1})).send().await.unwrap(),
        };
        assert_eq!(response.status(), 404, "{method} /_local/{path}");
    }

    // Sign-up still sends its code (to the log), but nothing is kept for an outbox.
    let client = server.client();
    let (pool, app) = pool_and_client(&client, "self-hosted").await;
    sign_up(&client, &app, "ana").await;
    let db = rusqlite::Connection::open(&server.db).unwrap();
    let kept: i64 = db.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 0);
    let codes: i64 = db.query_row("SELECT COUNT(*) FROM codes", [], |r| r.get(0)).unwrap();
    assert_eq!(codes, 1, "the code itself is stored (hashed) so that it can be confirmed");
    let e = client.confirm_sign_up().client_id(&app).username("ana").confirmation_code("12345x").send().await;
    assert!(e.is_err());
    let user = client.admin_get_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "UNCONFIRMED");
}
