//! The README's client example: create a user pool and a user, read the user back, list the
//! pool's users, and delete the pool again.
//!
//! `cargo run --example client -- http://127.0.0.1:9229` runs it against a local server (any
//! region and credentials do there); without an argument it uses AWS, with the region and
//! credentials of the environment or ~/.aws.

use cognito_idp::types::AttributeType;
use cognito_idp::{Client, Config, Credentials};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(std::env::args().nth(1)).await
}

/// Runs the example against `endpoint`, or against AWS when there is none.
pub async fn run(endpoint: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let config = match endpoint {
        // A local server accepts any credentials unless it was started with --credentials.
        Some(url) => {
            Config::from_env().endpoint_url(url).region("us-east-1").credentials(Credentials::new("local", "local"))
        }
        None => Config::from_env(),
    };
    let client = Client::new(config);

    let pool = client.create_user_pool().pool_name("readme-example").send().await?;
    let pool_id = pool.user_pool.and_then(|p| p.id).ok_or("CreateUserPool returned no id")?;

    let created = client
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username("diego")
        .user_attributes(AttributeType { name: "email".into(), value: Some("diego@example.com".into()) })
        .message_action("SUPPRESS")
        .send()
        .await?;
    println!("created: {:?}", created.user.and_then(|u| u.user_status));

    match client.admin_get_user().user_pool_id(&pool_id).username("nobody").send().await {
        Err(e) if e.service_error().is_some_and(|e| e.is_user_not_found()) => println!("nobody is not there"),
        other => println!("unexpected: {other:?}"),
    }

    let mut users = client.list_users().user_pool_id(&pool_id).limit(60).into_paginator().items();
    while let Some(user) = users.next().await {
        println!("user: {:?}", user?.username);
    }

    client.delete_user_pool().user_pool_id(&pool_id).send().await?;
    println!("deleted {pool_id}");
    Ok(())
}
