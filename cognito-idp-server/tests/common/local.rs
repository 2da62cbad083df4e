//! The server's `/_local/` API beyond [`outbox`](super::outbox): its clock, and the codes the
//! outbox holds. [`InProcessServer`](super::InProcessServer) and
//! [`ChildServer`](super::ChildServer) have methods for each.

use serde_json::{Value, json};

use super::outbox;

/// `POST {url}/_local/clock` `{"advanceSeconds": seconds}`: moves the server's clock forward
/// (expiries, lockouts and TOTP steps follow it); returns its new time, in milliseconds.
pub async fn advance_clock(url: &str, seconds: i64) -> i64 {
    let response = reqwest::Client::new()
        .post(format!("{url}/_local/clock"))
        .json(&json!({ "advanceSeconds": seconds }))
        .send()
        .await
        .expect("POST /_local/clock");
    assert_eq!(response.status(), 200, "POST /_local/clock");
    let body: Value = response.json().await.expect("the clock is JSON");
    body["nowMs"].as_i64().expect("nowMs")
}

/// `GET {url}/_local/clock`: the server's time, in milliseconds.
pub async fn server_now_ms(url: &str) -> i64 {
    let body: Value = reqwest::get(format!("{url}/_local/clock"))
        .await
        .expect("GET /_local/clock")
        .json()
        .await
        .expect("the clock is JSON");
    body["nowMs"].as_i64().expect("nowMs")
}

/// The newest outbox message for `username` of `pool` (of `kind`, when given: `SIGN_UP`,
/// `FORGOT_PASSWORD`, `EMAIL_OTP`...); panics when there is none.
pub async fn last_message(url: &str, pool: &str, username: &str, kind: Option<&str>) -> Value {
    let messages = outbox(url, Some(pool), Some(username)).await;
    messages
        .into_iter()
        .rev()
        .find(|m| kind.is_none_or(|kind| m["kind"] == kind))
        .unwrap_or_else(|| panic!("no {} message for {username}", kind.unwrap_or("outbox")))
}

/// The code of [`last_message`].
pub async fn outbox_code(url: &str, pool: &str, username: &str, kind: Option<&str>) -> String {
    last_message(url, pool, username, kind).await["code"].as_str().expect("a code").to_owned()
}

/// A code that differs from `code` (`000000`, or `000001` when `code` is that).
pub fn wrong_code(code: &str) -> String {
    if code == "000000" { "000001".into() } else { "000000".into() }
}
