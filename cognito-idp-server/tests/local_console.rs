//! The local console (`/_local/`) in Chromium: the pools, a pool's app clients, groups and users
//! (searched by username and by email address), a user's attributes, status, groups and codes,
//! the outbox, the trigger invocations, and the reset button. Screenshots of every page land in
//! `{target}/tmp/local-console/` (cargo's `CARGO_TARGET_TMPDIR`). Without Chromium and
//! Playwright the browser test prints SKIPPED and passes, except in CI.

mod common;

use common::chromium::{browser_available, drive};
use common::lambda::{FakeLambda, arn};
use common::{ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, attr};
use serde_json::json;

#[tokio::test]
async fn the_console_shows_pools_users_messages_and_invocations_and_resets() {
    if !browser_available() {
        return;
    }
    let lambda = FakeLambda::start().await;
    lambda.returns("pre", |_| {});
    let url = lambda.url();
    let server = InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await;
    let base = server.url();
    let client = server.client();
    let config = cognito_idp::types::LambdaConfigType { pre_sign_up: Some(arn("pre")), ..Default::default() };
    let pool = PoolBuilder::new("shop-customers")
        .auto_verify(&["email"])
        .with(move |p| p.lambda_config(config))
        .create(&client)
        .await;
    let app = ClientBuilder::new("shop-web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    client.create_group().user_pool_id(&pool).group_name("admins").description("Shop staff").send().await.unwrap();
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &pool).await;
    client.admin_add_user_to_group().user_pool_id(&pool).username("ana").group_name("admins").send().await.unwrap();
    client
        .sign_up()
        .client_id(&app)
        .username("zoe")
        .password(PASSWORD)
        .user_attributes(attr("email", "zoe@example.org"))
        .send()
        .await
        .unwrap();
    let code = server.outbox_code(&pool, "zoe", None).await;
    // A tracked user session of ana's (devices: none confirmed).
    client
        .set_user_pool_session_configuration()
        .user_pool_id(&pool)
        .user_session_tracking(cognito_idp::types::UserSessionTrackingType::from("ENABLED"))
        .token_session(cognito_idp::types::UserPoolTokenSessionConfigType { max_per_user: 5 })
        .send()
        .await
        .unwrap();
    common::sign_in(&client, &app, "ana", PASSWORD).await;

    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("local-console");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = |name: &str| json!({"screenshot": shots.join(name).to_string_lossy()});
    let results = drive(json!([
        {"goto": format!("{base}/_local/")},
        {"expect_text": "shop-customers"},
        shot("pools.png"),
        {"click": "shop-customers"},
        {"expect_text": "shop-web"},
        {"expect_text": "Shop staff"},
        {"count": "tbody tr td.status"},
        shot("pool.png"),
        {"fill": "Username or email address starts with", "value": "zoe@"},
        {"click": "Search"},
        {"expect_text": "zoe@example.org"},
        {"count": "tbody tr td.status"},
        {"text": "td.status"},
        {"click": "zoe"},
        {"expect_text": "User zoe"},
        {"text": "code.code"},
        shot("user.png"),
        {"goto": format!("{base}/_local/invocations")},
        {"expect_text": "PreSignUp_SignUp"},
        shot("invocations.png"),
        {"goto": format!("{base}/_local/messages")},
        {"expect_text": "zoe@example.org"},
        shot("messages.png"),
        {"goto": format!("{base}/_local/pools/{pool}/users/ana")},
        {"expect_text": "No confirmed devices."},
        {"count": "table.sessions tbody tr"},
        {"text": "table.sessions tbody td code"},
        shot("user-sessions.png"),
        {"accept_dialogs": true},
        {"click": "Reset everything"},
        {"expect_text": "No user pools yet."},
        {"url": true},
    ]))
    .await;
    assert_eq!(results[0], 2, "both users of the pool are listed");
    assert_eq!(results[1], 1, "the search finds one user by email address");
    assert_eq!(results[2], "UNCONFIRMED");
    assert_eq!(results[3], code.as_str(), "the user's page shows the code they were sent");
    assert_eq!(results[4], 1, "ana's one session");
    assert!(results[5].as_str().is_some_and(|id| id.starts_with("tkn")), "{}", results[5]);
    assert_eq!(results[6], format!("{base}/_local/"));
    for name in ["pools.png", "pool.png", "user.png", "invocations.png", "messages.png", "user-sessions.png"] {
        let size = std::fs::metadata(shots.join(name)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 1000, "{name} was saved ({size} bytes)");
    }
    // The reset was real.
    let pools = client.list_user_pools().max_results(10).send().await.unwrap();
    assert!(pools.user_pools.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn console_pages_answer_html_and_404_for_what_does_not_exist() {
    let server = InProcessServer::start().await;
    let base = server.url();
    let page = reqwest::get(format!("{base}/_local/")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("No user pools yet."));
    let missing = reqwest::get(format!("{base}/_local/pools/us-east-1_Nope")).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("User pool us-east-1_Nope does not exist."));
    // The JSON endpoints stay as they were.
    let outbox: serde_json::Value = reqwest::get(format!("{base}/_local/outbox")).await.unwrap().json().await.unwrap();
    assert_eq!(outbox, json!({"messages": []}));
}

#[tokio::test]
async fn without_local_endpoints_there_is_no_console() {
    let server = InProcessServer::start_with(|o| o.local_endpoints = Some(false)).await;
    let page = reqwest::get(format!("{}/_local/", server.url())).await.unwrap();
    assert_eq!(page.status(), 404);
}
