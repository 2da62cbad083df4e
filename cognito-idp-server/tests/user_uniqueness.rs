//! Uniqueness of users through the generated client over HTTP: usernames and the pool's case
//! rule, pools whose usernames are email addresses, email and `preferred_username` aliases
//! (unique once verified, moved by `ForceAliasCreation`), and 64 parallel creations of one
//! username.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{AttributeType, UsernameConfigurationType};
use common::{InProcessServer, attr, attributes_of, create_pool, error_code, failure, pair, value_of};

/// Creates `username` with `attributes` and a known temporary password, sending nothing.
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
    let out = call.send().await.unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}"));
    out.user.and_then(|u| u.username).expect("a username")
}

#[tokio::test]
async fn usernames_follow_the_pools_case_rule() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let insensitive = client
        .create_user_pool()
        .pool_name("insensitive")
        .username_configuration(UsernameConfigurationType { case_sensitive: false })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    create(&client, &insensitive, "Diego", &[]).await;
    assert_eq!(
        failure(client.admin_create_user().user_pool_id(&insensitive).username("diego").send().await),
        pair("UsernameExistsException", "User account already exists")
    );
    let got = client.admin_get_user().user_pool_id(&insensitive).username("DIEGO").send().await.unwrap();
    assert_eq!(got.username, "Diego", "the username keeps the case it was created with");

    let sensitive = client
        .create_user_pool()
        .pool_name("sensitive")
        .username_configuration(UsernameConfigurationType { case_sensitive: true })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    create(&client, &sensitive, "Diego", &[]).await;
    create(&client, &sensitive, "diego", &[]).await;
    assert_eq!(
        failure(client.admin_get_user().user_pool_id(&sensitive).username("DIEGO").send().await).0,
        "UserNotFoundException"
    );
}

#[tokio::test]
async fn pools_with_email_usernames_use_the_sub_and_keep_emails_unique() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("email-usernames")
        .username_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let username = create(&client, &pool, "jane@example.com", &[]).await;
    let attributes = attributes_of(&client, &pool, "jane@example.com").await;
    assert_eq!(value_of(&attributes, "sub").as_deref(), Some(username.as_str()), "the username is the sub");
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("jane@example.com"));
    client.admin_get_user().user_pool_id(&pool).username(&username).send().await.unwrap();

    assert_eq!(
        failure(client.admin_create_user().user_pool_id(&pool).username("jane@example.com").send().await),
        pair("UsernameExistsException", "An account with the given email already exists.")
    );
    assert_eq!(
        failure(client.admin_create_user().user_pool_id(&pool).username("jane").send().await),
        pair("InvalidParameterException", "Username should be an email.")
    );
    let other = create(&client, &pool, "john@example.com", &[]).await;
    assert_eq!(
        failure(
            client
                .admin_update_user_attributes()
                .user_pool_id(&pool)
                .username(&other)
                .user_attributes(attr("email", "jane@example.com"))
                .send()
                .await
        ),
        pair("AliasExistsException", "An account with the given email already exists.")
    );
    assert_eq!(
        value_of(&attributes_of(&client, &pool, &other).await, "email").as_deref(),
        Some("john@example.com"),
        "the refused update changed nothing"
    );
    // Deleting a user frees its email.
    client.admin_delete_user().user_pool_id(&pool).username("jane@example.com").send().await.unwrap();
    create(&client, &pool, "jane@example.com", &[]).await;
}

#[tokio::test]
async fn email_aliases_are_unique_once_verified_and_can_be_moved() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("aliases")
        .alias_attributes("email")
        .alias_attributes("preferred_username")
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    assert_eq!(
        failure(client.admin_create_user().user_pool_id(&pool).username("x@example.com").send().await),
        pair(
            "InvalidParameterException",
            "Username cannot be of email format, since user pool is configured for email alias."
        )
    );
    let verified = [attr("email", "shared@example.com"), attr("email_verified", "true")];
    create(&client, &pool, "first", &verified).await;
    // Unverified copies are not aliases, so they never conflict.
    create(&client, &pool, "unverified", &[attr("email", "shared@example.com")]).await;
    assert_eq!(
        failure(
            client
                .admin_create_user()
                .user_pool_id(&pool)
                .username("second")
                .user_attributes(verified[0].clone())
                .user_attributes(verified[1].clone())
                .send()
                .await
        ),
        pair("UsernameExistsException", "An account with the given email already exists.")
    );
    assert_eq!(
        client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap().username,
        "first"
    );

    // ForceAliasCreation moves the alias; the previous owner keeps the address, unverified.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("second")
        .user_attributes(verified[0].clone())
        .user_attributes(verified[1].clone())
        .force_alias_creation(true)
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap().username,
        "second"
    );
    let first = attributes_of(&client, &pool, "first").await;
    assert_eq!(value_of(&first, "email").as_deref(), Some("shared@example.com"));
    assert_eq!(value_of(&first, "email_verified").as_deref(), Some("false"));

    // Verifying the address on another user moves it again.
    client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("unverified")
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap().username,
        "unverified"
    );
    assert_eq!(value_of(&attributes_of(&client, &pool, "second").await, "email_verified").as_deref(), Some("false"));

    // preferred_username never moves.
    create(&client, &pool, "neo", &[attr("preferred_username", "the-one")]).await;
    assert_eq!(
        failure(
            client
                .admin_create_user()
                .user_pool_id(&pool)
                .username("smith")
                .user_attributes(attr("preferred_username", "the-one"))
                .force_alias_creation(true)
                .send()
                .await
        ),
        pair("UsernameExistsException", "An account with the given preferred_username already exists.")
    );
    assert_eq!(
        failure(
            client
                .admin_update_user_attributes()
                .user_pool_id(&pool)
                .username("first")
                .user_attributes(attr("preferred_username", "the-one"))
                .send()
                .await
        ),
        pair("AliasExistsException", "An account with the given preferred_username already exists.")
    );
    assert_eq!(client.admin_get_user().user_pool_id(&pool).username("the-one").send().await.unwrap().username, "neo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_parallel_creations_of_one_username_make_one_user() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "race").await;
    let attempts = (0..64).map(|i| {
        let client = client.clone();
        let pool = pool.clone();
        tokio::spawn(async move {
            client
                .admin_create_user()
                .user_pool_id(&pool)
                .username("same")
                .user_attributes(attr("email", &format!("same{i}@example.com")))
                .temporary_password("Temp0rary!")
                .message_action("SUPPRESS")
                .send()
                .await
        })
    });
    let results: Vec<_> = futures_util::future::join_all(attempts).await.into_iter().map(|r| r.unwrap()).collect();
    let created = results.iter().filter(|r| r.is_ok()).count();
    let exists = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .filter(|e| error_code(e).as_deref() == Some("UsernameExistsException"))
        .count();
    assert_eq!((created, exists), (1, 63));
    let listed = client.list_users().user_pool_id(&pool).send().await.unwrap().users.unwrap();
    assert_eq!(listed.len(), 1);
}
