//! `ListUsers` through the generated client over HTTP: AWS's filter grammar on every searchable
//! attribute, bad filters with AWS's messages, `AttributesToGet`, and paging that lists every
//! user exactly once even while users are added.

mod common;

use std::collections::HashSet;

use cognito_idp::Client;
use cognito_idp::types::{AttributeType, UserType};
use common::{InProcessServer, attr, create_pool, failure};
use futures_util::StreamExt;

async fn create(client: &Client, pool: &str, username: &str, attributes: &[AttributeType]) -> String {
    let mut call = client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .temporary_password("Temp0rary!")
        .message_action("SUPPRESS");
    for a in attributes {
        call = call.user_attributes(a.clone());
    }
    let user = call.send().await.unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}")).user.unwrap();
    user.attributes.unwrap().into_iter().find(|a| a.name == "sub").and_then(|a| a.value).unwrap()
}

/// The usernames a filter selects, in the order listed.
async fn names(client: &Client, pool: &str, filter: &str) -> Vec<String> {
    let out =
        client.list_users().user_pool_id(pool).filter(filter).send().await.unwrap_or_else(|e| panic!("{filter}: {e}"));
    out.users.unwrap().into_iter().filter_map(|u| u.username).collect()
}

#[tokio::test]
async fn filters_on_every_searchable_attribute() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "filters").await;
    let ana_sub = create(
        &client,
        &pool,
        "ana",
        &[
            attr("email", "ana@example.com"),
            attr("phone_number", "+48555000111"),
            attr("name", "Ana Lopez"),
            attr("given_name", "Ana"),
            attr("family_name", "Lopez"),
            attr("preferred_username", "ana_l"),
        ],
    )
    .await;
    create(
        &client,
        &pool,
        "andres",
        &[attr("email", "andres@example.org"), attr("phone_number", "+33666000222"), attr("family_name", "Lopez")],
    )
    .await;
    create(&client, &pool, "bea", &[attr("email", "bea@example.com"), attr("given_name", "Bea")]).await;
    client
        .admin_set_user_password()
        .user_pool_id(&pool)
        .username("bea")
        .password("Perm4nent!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    client.admin_disable_user().user_pool_id(&pool).username("andres").send().await.unwrap();

    let cases: &[(&str, &[&str])] = &[
        (r#"username = "ana""#, &["ana"]),
        (r#"username ^= "an""#, &["ana", "andres"]),
        (r#"username = "Ana""#, &[]),
        (r#"email = "bea@example.com""#, &["bea"]),
        (r#"email^="an""#, &["ana", "andres"]),
        (r#"phone_number = "+48555000111""#, &["ana"]),
        (r#"phone_number ^= "+33""#, &["andres"]),
        (r#"name = "Ana Lopez""#, &["ana"]),
        (r#"given_name ^= "B""#, &["bea"]),
        (r#"family_name = "Lopez""#, &["ana", "andres"]),
        (r#"family_name = """#, &[]),
        (r#"preferred_username = "ana_l""#, &["ana"]),
        (r#"cognito:user_status = "CONFIRMED""#, &["bea"]),
        (r#"cognito:user_status = "force_change_password""#, &["ana", "andres"]),
        (r#"cognito:user_status ^= "Force""#, &["ana", "andres"]),
        (r#"status = "Disabled""#, &["andres"]),
        (r#"status = "Enabled""#, &["ana", "bea"]),
        (r#"status = "enabled""#, &[]),
        (r#"email = "nobody@example.com""#, &[]),
        ("", &["ana", "andres", "bea"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(names(&client, &pool, filter).await, *expected, "{filter}");
    }
    assert_eq!(names(&client, &pool, &format!(r#"sub = "{ana_sub}""#)).await, ["ana"]);
    assert_eq!(names(&client, &pool, &format!(r#"sub ^= "{}""#, &ana_sub[..8])).await, ["ana"]);
    // Quotes inside the value are escaped with a backslash.
    create(&client, &pool, "quote", &[attr("family_name", r#"O"Hara"#)]).await;
    assert_eq!(names(&client, &pool, r#"family_name = "O\"Hara""#).await, ["quote"]);
}

#[tokio::test]
async fn bad_filters_get_awss_messages() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "bad-filters").await;
    for filter in
        ["username = foo", "username=", "username", r#"email == "x""#, r#"email = "x" or 1"#, r#"email = "open"#]
    {
        assert_eq!(
            failure(client.list_users().user_pool_id(&pool).filter(filter).send().await),
            ("InvalidParameterException".to_owned(), "Error while parsing filter.".to_owned()),
            "{filter}"
        );
    }
    for name in ["custom:plan", "nickname", "locale", "Username"] {
        assert_eq!(
            failure(client.list_users().user_pool_id(&pool).filter(format!(r#"{name} = "x""#)).send().await),
            ("InvalidParameterException".to_owned(), format!("Invalid search attribute: {name}")),
        );
    }
    assert_eq!(
        failure(client.list_users().user_pool_id(&pool).pagination_token("not-a-token").send().await),
        ("InvalidParameterException".to_owned(), "Invalid pagination token.".to_owned())
    );
    assert_eq!(
        failure(client.list_users().user_pool_id("us-east-1_nothere1").send().await),
        ("ResourceNotFoundException".to_owned(), "User pool us-east-1_nothere1 does not exist.".to_owned())
    );
}

#[tokio::test]
async fn attributes_to_get_limits_the_attributes_listed() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "attributes").await;
    create(&client, &pool, "cy", &[attr("email", "cy@example.com"), attr("given_name", "Cy")]).await;
    let listed = |names: &[&str]| {
        let mut call = client.list_users().user_pool_id(&pool);
        for name in names {
            call = call.attributes_to_get(*name);
        }
        call.send()
    };
    let users = listed(&["given_name", "unknown"]).await.unwrap().users.unwrap();
    assert_eq!(users[0].attributes.as_deref(), Some(&[attr("given_name", "Cy")][..]));
    let users = listed(&[]).await.unwrap().users.unwrap();
    let all: Vec<String> = users[0].attributes.iter().flatten().map(|a| a.name.clone()).collect();
    assert_eq!(all, ["sub", "email", "given_name"]);
    let user = &users[0];
    assert_eq!(user.username.as_deref(), Some("cy"));
    assert_eq!(user.enabled, Some(true));
    assert!(user.user_create_date.is_some() && user.user_last_modified_date.is_some());
}

#[tokio::test]
async fn limit_and_pagination_token() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "paging").await;
    for i in 0..70 {
        create(&client, &pool, &format!("user{i:02}"), &[attr("family_name", if i % 2 == 0 { "Even" } else { "Odd" })])
            .await;
    }
    // No Limit: 60, then the rest.
    let first = client.list_users().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(first.users.as_ref().unwrap().len(), 60);
    let token = first.pagination_token.expect("more users follow");
    let second = client.list_users().user_pool_id(&pool).pagination_token(&token).send().await.unwrap();
    assert_eq!(second.users.as_ref().unwrap().len(), 10);
    assert!(second.pagination_token.is_none());

    // A filter pages too, in creation order.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_users().user_pool_id(&pool).filter(r#"family_name = "Odd""#).limit(7);
        if let Some(t) = &token {
            call = call.pagination_token(t);
        }
        let page = call.send().await.unwrap();
        let users = page.users.unwrap();
        assert!(users.len() <= 7);
        seen.extend(users.into_iter().filter_map(|u| u.username));
        match page.pagination_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let odd: Vec<String> = (0..70).filter(|i| i % 2 == 1).map(|i| format!("user{i:02}")).collect();
    assert_eq!(seen, odd);

    // The generated paginator follows the tokens.
    let all: Vec<UserType> =
        client.list_users().user_pool_id(&pool).limit(25).into_paginator().items().map(|u| u.unwrap()).collect().await;
    assert_eq!(all.len(), 70);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paging_while_users_are_added_lists_each_user_exactly_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "moving").await;
    for i in 0..50 {
        create(&client, &pool, &format!("before{i:02}"), &[]).await;
    }
    // Writers add users while the listing pages through the pool.
    let writer = {
        let client = client.clone();
        let pool = pool.clone();
        tokio::spawn(async move {
            for i in 0..60 {
                create(&client, &pool, &format!("during{i:02}"), &[]).await;
            }
        })
    };
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_users().user_pool_id(&pool).limit(5);
        if let Some(t) = &token {
            call = call.pagination_token(t);
        }
        let page = call.send().await.unwrap();
        seen.extend(page.users.unwrap().into_iter().filter_map(|u| u.username));
        match page.pagination_token {
            Some(t) => token = Some(t),
            None => break,
        }
        tokio::task::yield_now().await;
    }
    writer.await.unwrap();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a user was listed twice: {seen:?}");
    for i in 0..50 {
        assert!(seen.contains(&format!("before{i:02}")), "before{i:02} was missed");
    }
    // Users added during the listing come after those before it, in creation order.
    let during: Vec<&String> = seen.iter().filter(|n| n.starts_with("during")).collect();
    let mut sorted = during.clone();
    sorted.sort();
    assert_eq!(during, sorted);
    // And a listing after the writes sees everyone once.
    let all: Vec<UserType> =
        client.list_users().user_pool_id(&pool).into_paginator().items().map(|u| u.unwrap()).collect().await;
    assert_eq!(all.len(), 110);
}
