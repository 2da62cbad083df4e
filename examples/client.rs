//! The README's client example: create a user, read it back, list the pool's users.
//!
//! `cargo run --example client -- <endpoint-url>` runs it against a local server; without an
//! argument it uses AWS (region and credentials from the environment or ~/.aws).

use cognito_idp::types::AttributeType;
use cognito_idp::{Client, Config};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = Config::from_env();
    if let Some(endpoint) = std::env::args().nth(1) {
        config = config.endpoint_url(endpoint);
    }
    let client = Client::new(config);

    let created = client
        .admin_create_user()
        .user_pool_id("us-west-2_aaaaaaaaa")
        .username("diego")
        .user_attributes(AttributeType { name: "email".into(), value: Some("diego@example.com".into()) })
        .message_action("SUPPRESS")
        .send()
        .await?;
    println!("created: {:?}", created.user.and_then(|u| u.user_status));

    match client.admin_get_user().user_pool_id("us-west-2_aaaaaaaaa").username("nobody").send().await {
        Err(e) if e.service_error().is_some_and(|e| e.is_user_not_found()) => println!("nobody is not there"),
        other => println!("unexpected: {other:?}"),
    }

    let mut users = client.list_users().user_pool_id("us-west-2_aaaaaaaaa").limit(60).into_paginator().items();
    while let Some(user) = users.next().await {
        println!("user: {:?}", user?.username);
    }
    Ok(())
}
