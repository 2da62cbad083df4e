//! What the PostgreSQL tests share: building blocks over the generated client and raw HTTP.

use std::path::Path;
use std::time::Duration;

use awsjson_types::ModeledError;
use cognito_idp::types::AttributeType;
use cognito_idp::{Client, SdkError};
use serde_json::Value;

use super::Postgres;
use crate::common::{self, ChildServer, InProcessServer, create_app_client, error_code, error_message};

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType { name: name.into(), value: Some(value.into()) }
}

/// The code and message of a call that must fail.
pub fn failure<T: std::fmt::Debug, E: ModeledError + std::fmt::Debug>(
    result: Result<T, SdkError<E>>,
) -> (String, String) {
    let error = result.expect_err("the call should fail");
    (error_code(&error).unwrap_or_default(), error_message(&error).unwrap_or_default())
}

pub fn pair(code: &str, message: &str) -> (String, String) {
    (code.to_owned(), message.to_owned())
}

/// A new database in the shared throwaway server; `None` when PostgreSQL is missing (the
/// test then returns, having printed SKIPPED).
pub async fn database() -> Option<String> {
    Some(Postgres::shared()?.create_database().await)
}

/// An in-process server on `url`.
pub async fn server_on(url: &str) -> InProcessServer {
    let url = url.to_owned();
    InProcessServer::start_with(move |o| o.db = url.into()).await
}

/// A server process on `url` with extra arguments.
pub async fn child_on(url: &str, args: &[&str]) -> ChildServer {
    ChildServer::start_on(Path::new(url), args).await
}

/// Creates `username` with `attributes`, sending nothing.
pub async fn create(client: &Client, pool: &str, username: &str, attributes: &[AttributeType]) {
    let mut call = client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .temporary_password("Temp0rary!")
        .message_action("SUPPRESS");
    for a in attributes {
        call = call.user_attributes(a.clone());
    }
    call.send().await.unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}"));
}

pub async fn usernames(client: &Client, pool: &str, filter: &str) -> Vec<String> {
    let out = client.list_users().user_pool_id(pool).filter(filter).send().await.unwrap();
    out.users.unwrap().into_iter().filter_map(|u| u.username).collect()
}

pub async fn attribute(client: &Client, pool: &str, username: &str, name: &str) -> Option<String> {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.expect("AdminGetUser");
    user.user_attributes.unwrap_or_default().into_iter().find(|a| a.name == name).and_then(|a| a.value)
}

/// A raw API call: (HTTP status, JSON body), or `None` without an answer.
pub async fn raw_call(url: &str, operation: &str, body: &Value) -> Option<(u16, Value)> {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .timeout(Duration::from_secs(20))
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.unwrap_or(Value::Null)))
}

pub async fn sign_up_pool(client: &Client) -> (String, String) {
    let pool = client
        .create_user_pool()
        .pool_name("signup")
        .auto_verified_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let app = create_app_client(client, &pool, "web").await;
    (pool, app)
}

pub async fn sign_up(client: &Client, app: &str, username: &str) {
    client
        .sign_up()
        .client_id(app)
        .username(username)
        .password("Passw0rd!")
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .expect("SignUp");
}

pub async fn last_code(url: &str, pool: &str, username: &str) -> String {
    let messages = common::outbox(url, Some(pool), Some(username)).await;
    messages.last().expect("a message")["code"].as_str().unwrap().to_owned()
}

pub fn wrong(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

/// Every username of the pool, page after page, in the order listed.
pub async fn all_usernames(client: &Client, pool: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_users().user_pool_id(pool);
        if let Some(t) = &token {
            call = call.pagination_token(t);
        }
        let page = call.send().await.expect("ListUsers");
        seen.extend(page.users.unwrap_or_default().into_iter().filter_map(|u| u.username));
        match page.pagination_token {
            Some(t) => token = Some(t),
            None => return seen,
        }
    }
}
