//! Users as administrators manage them, through the generated client over HTTP: every
//! operation with its bad inputs and AWS's error codes and messages. Uniqueness (usernames,
//! aliases, parallel creations) is in `user_uniqueness.rs`.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{
    AttributeType, PasswordPolicyType, SchemaAttributeType, StringAttributeConstraintsType,
    UserAttributeUpdateSettingsType, UserPoolPolicyType,
};
use common::{
    InProcessServer, attr, attributes_of, create_app_client, create_pool, failure, pair, set_password, value_of,
};

async fn status_of(client: &Client, pool: &str, username: &str) -> String {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.expect("AdminGetUser");
    user.user_status.map(|s| s.as_str().to_owned()).unwrap_or_default()
}

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
async fn admin_create_user_and_admin_get_user() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "users").await;
    let out = client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("diego")
        .user_attributes(attr("email", "diego@example.com"))
        .user_attributes(attr("given_name", "Diego"))
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    let user = out.user.unwrap();
    assert_eq!(user.username.as_deref(), Some("diego"));
    assert_eq!(user.user_status.as_ref().map(|s| s.as_str()), Some("FORCE_CHANGE_PASSWORD"));
    assert_eq!(user.enabled, Some(true));
    let attributes = user.attributes.unwrap();
    assert_eq!(attributes[0].name, "sub", "sub comes first, as AWS lists it");
    let sub = attributes[0].value.clone().unwrap();
    assert_eq!(sub.len(), 36);
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("diego@example.com"));

    let got = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(got.username, "diego");
    assert_eq!(got.user_attributes.unwrap(), attributes);
    assert_eq!(got.enabled, Some(true));
    assert!(got.user_create_date.is_some() && got.user_last_modified_date.is_some());
    assert!(got.user_mfa_setting_list.is_none() && got.preferred_mfa_setting.is_none());
    // The sub finds the user too.
    let by_sub = client.admin_get_user().user_pool_id(&pool).username(&sub).send().await.unwrap();
    assert_eq!(by_sub.username, "diego");
    assert!(server.outbox(Some(&pool), Some("diego")).await.is_empty(), "SUPPRESS sends nothing");

    assert_eq!(
        failure(client.admin_get_user().user_pool_id(&pool).username("nobody").send().await),
        pair("UserNotFoundException", "User does not exist.")
    );
    assert_eq!(
        failure(client.admin_get_user().user_pool_id("us-east-1_nothere1").username("diego").send().await),
        pair("ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist.")
    );
}

#[tokio::test]
async fn admin_create_user_sends_a_temporary_password_that_meets_the_policy() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let policy = PasswordPolicyType {
        minimum_length: Some(16),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        temporary_password_validity_days: Some(3),
        ..Default::default()
    };
    let pool = client
        .create_user_pool()
        .pool_name("policy")
        .policies(UserPoolPolicyType { password_policy: Some(policy), ..Default::default() })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("maria")
        .user_attributes(attr("email", "maria@example.com"))
        .user_attributes(attr("phone_number", "+14155550123"))
        .desired_delivery_mediums("EMAIL")
        .desired_delivery_mediums("SMS")
        .send()
        .await
        .unwrap();
    let messages = server.outbox(Some(&pool), Some("maria")).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0]["kind"], "ADMIN_CREATE_USER");
    assert_eq!(messages[0]["medium"], "EMAIL");
    assert_eq!(messages[0]["destination"], "maria@example.com");
    assert_eq!(messages[1]["medium"], "SMS");
    assert_eq!(messages[1]["destination"], "+14155550123");
    let password = messages[0]["code"].as_str().unwrap();
    assert_eq!(messages[1]["code"], password, "one temporary password, sent twice");
    assert!(password.chars().count() >= 16, "{password}");
    assert!(password.chars().any(|c| c.is_ascii_uppercase()) && password.chars().any(|c| c.is_ascii_lowercase()));
    assert!(password.chars().any(|c| c.is_ascii_digit()) && password.chars().any(|c| !c.is_ascii_alphanumeric()));

    // Without DesiredDeliveryMediums: SMS when there is a phone number, else email.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("only-email")
        .user_attributes(attr("email", "only@example.com"))
        .send()
        .await
        .unwrap();
    let messages = server.outbox(Some(&pool), Some("only-email")).await;
    assert_eq!((messages.len(), messages[0]["medium"].as_str()), (1, Some("EMAIL")));
    client.admin_create_user().user_pool_id(&pool).username("nothing-to-send-to").send().await.unwrap();
    assert!(server.outbox(Some(&pool), Some("nothing-to-send-to")).await.is_empty());

    // A given temporary password must meet the policy.
    assert_eq!(
        failure(
            client.admin_create_user().user_pool_id(&pool).username("weak").temporary_password("Short1!").send().await
        ),
        pair("InvalidPasswordException", "Password did not conform with policy: Password not long enough")
    );
    assert_eq!(
        failure(
            client
                .admin_create_user()
                .user_pool_id(&pool)
                .username("weak")
                .temporary_password("nouppercase-at-all-1!")
                .send()
                .await
        ),
        pair(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have uppercase characters"
        )
    );
}

#[tokio::test]
async fn admin_create_user_rejects_bad_input_with_awss_messages() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "bad-input").await;
    let create = |username: &str, attributes: Vec<AttributeType>| {
        let mut call = client.admin_create_user().user_pool_id(&pool).username(username).message_action("SUPPRESS");
        for a in attributes {
            call = call.user_attributes(a);
        }
        call.send()
    };
    assert_eq!(
        failure(create("a", vec![attr("thing", "1"), attr("custom:nope", "2")]).await),
        pair(
            "InvalidParameterException",
            "Attributes did not conform to the schema: thing: Attribute does not exist in the schema.\n\
             custom:nope: Attribute does not exist in the schema.\n"
        )
    );
    assert_eq!(
        failure(create("a", vec![attr("email", "not an email")]).await),
        pair("InvalidParameterException", "Invalid email address format.")
    );
    assert_eq!(
        failure(create("a", vec![attr("phone_number", "555-0100")]).await),
        pair("InvalidParameterException", "Invalid phone number format.")
    );
    assert_eq!(
        failure(create("a", vec![attr("email_verified", "true")]).await),
        pair("InvalidParameterException", "Email is required to verify/un-verify an email")
    );
    assert_eq!(failure(create("a", vec![attr("sub", "mine")]).await).0, "InvalidParameterException");
    assert_eq!(
        failure(create("a", vec![attr("birthdate", "1/2/2000")]).await).1,
        "Attributes did not conform to the schema: birthdate: String must be at least 10 characters long.\n"
    );
    assert_eq!(
        failure(
            client.admin_create_user().user_pool_id(&pool).username("a").desired_delivery_mediums("EMAIL").send().await
        ),
        pair("InvalidParameterException", "No email provided but desired delivery medium was Email")
    );
    assert_eq!(
        failure(client.admin_create_user().user_pool_id("us-east-1_nothere1").username("a").send().await),
        pair("ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist.")
    );
    // Nothing was stored by the failures.
    let listed = client.list_users().user_pool_id(&pool).send().await.unwrap();
    assert!(listed.users.unwrap_or_default().is_empty());

    create("a", vec![attr("email", "a@example.com")]).await.unwrap();
    assert_eq!(failure(create("a", vec![]).await), pair("UsernameExistsException", "User account already exists"));
}

#[tokio::test]
async fn resend_gives_a_new_temporary_password_to_users_that_never_signed_in() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "resend").await;
    let resend = |username: &str| {
        client.admin_create_user().user_pool_id(&pool).username(username).message_action("RESEND").send()
    };
    assert_eq!(failure(resend("ghost").await), pair("UserNotFoundException", "User does not exist."));

    create(&client, &pool, "ana", &[attr("email", "ana@example.com")]).await;
    let out = resend("ana").await.unwrap();
    assert_eq!(out.user.unwrap().username.as_deref(), Some("ana"));
    resend("ana").await.unwrap();
    let messages = server.outbox(Some(&pool), Some("ana")).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(
        (messages[0]["kind"].as_str(), messages[0]["medium"].as_str()),
        (Some("ADMIN_CREATE_USER"), Some("EMAIL"))
    );
    assert_ne!(messages[0]["code"], messages[1]["code"], "each resend is a new password");

    set_password(&client, &pool, "ana", "Perm4nent!").await;
    assert_eq!(
        failure(resend("ana").await),
        pair("UnsupportedUserStateException", "Resend not possible. ana status is not FORCE_CHANGE_PASSWORD")
    );
}

#[tokio::test]
async fn admin_update_user_attributes_verification_and_schema() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("update")
        .auto_verified_attributes("email")
        .schema(SchemaAttributeType {
            name: Some("code".into()),
            attribute_data_type: Some("String".into()),
            mutable: Some(false),
            ..Default::default()
        })
        .schema(SchemaAttributeType {
            name: Some("team".into()),
            attribute_data_type: Some("String".into()),
            string_attribute_constraints: Some(StringAttributeConstraintsType {
                min_length: Some("1".into()),
                max_length: Some("5".into()),
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    create(
        &client,
        &pool,
        "lee",
        &[attr("email", "lee@example.com"), attr("email_verified", "true"), attr("custom:code", "A1")],
    )
    .await;
    let update = |attributes: Vec<AttributeType>| {
        let mut call = client.admin_update_user_attributes().user_pool_id(&pool).username("lee");
        for a in attributes {
            call = call.user_attributes(a);
        }
        call.send()
    };
    // A new email is not verified, and the pool auto-verifies email: a code goes to it.
    update(vec![attr("email", "lee@new.example.com"), attr("custom:team", "blue")]).await.unwrap();
    let attributes = attributes_of(&client, &pool, "lee").await;
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("lee@new.example.com"));
    assert_eq!(value_of(&attributes, "email_verified").as_deref(), Some("false"));
    assert_eq!(value_of(&attributes, "custom:team").as_deref(), Some("blue"));
    let messages = server.outbox(Some(&pool), Some("lee")).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "VERIFY_ATTRIBUTE");
    assert_eq!(messages[0]["destination"], "lee@new.example.com");
    assert_eq!(messages[0]["code"].as_str().unwrap().len(), 6);

    // Marked verified in the same request: verified, and no code.
    update(vec![attr("email", "lee@third.example.com"), attr("email_verified", "True")]).await.unwrap();
    assert_eq!(value_of(&attributes_of(&client, &pool, "lee").await, "email_verified").as_deref(), Some("true"));
    assert_eq!(server.outbox(Some(&pool), Some("lee")).await.len(), 1);

    // A blank value deletes the attribute.
    update(vec![attr("custom:team", "")]).await.unwrap();
    assert_eq!(value_of(&attributes_of(&client, &pool, "lee").await, "custom:team"), None);

    assert_eq!(
        failure(update(vec![attr("custom:code", "B2")]).await),
        pair("InvalidParameterException", "user.custom:code: Attribute cannot be updated.\n")
    );
    assert_eq!(
        failure(update(vec![attr("foo", "1"), attr("custom:bar", "2")]).await),
        pair(
            "InvalidParameterException",
            "user.foo: Attribute does not exist in the schema.\nuser.custom:bar: Attribute does not exist in the schema.\n"
        )
    );
    assert_eq!(
        failure(update(vec![attr("custom:team", "far-too-long")]).await),
        pair("InvalidParameterException", "user.custom:team: String must be no longer than 5 characters.\n")
    );
    assert_eq!(
        failure(update(vec![attr("sub", "x")]).await),
        pair("InvalidParameterException", "user.sub: Attribute cannot be updated.\n")
    );
    assert_eq!(
        failure(update(vec![attr("phone_number_verified", "true")]).await),
        pair("InvalidParameterException", "Phone Number is required to verify/un-verify a phone number")
    );
    assert_eq!(
        failure(update(vec![attr("phone_number", "12345")]).await),
        pair("InvalidParameterException", "Invalid phone number format.")
    );
    assert_eq!(
        failure(
            client
                .admin_update_user_attributes()
                .user_pool_id(&pool)
                .username("nobody")
                .user_attributes(attr("name", "x"))
                .send()
                .await
        ),
        pair("UserNotFoundException", "User does not exist.")
    );
    let attributes = attributes_of(&client, &pool, "lee").await;
    assert_eq!(value_of(&attributes, "custom:code").as_deref(), Some("A1"), "failed updates change nothing");
}

#[tokio::test]
async fn verification_before_update_keeps_the_old_value() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("verify-first")
        .auto_verified_attributes("email")
        .user_attribute_update_settings(UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: Some(vec!["email".into()]),
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    create(&client, &pool, "kim", &[attr("email", "kim@example.com"), attr("email_verified", "true")]).await;
    client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("kim")
        .user_attributes(attr("email", "kim@new.example.com"))
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&client, &pool, "kim").await;
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("kim@example.com"), "unchanged until verified");
    assert_eq!(value_of(&attributes, "email_verified").as_deref(), Some("true"));
    let messages = server.outbox(Some(&pool), Some("kim")).await;
    assert_eq!((messages.len(), messages[0]["destination"].as_str()), (1, Some("kim@new.example.com")));
}

#[tokio::test]
async fn admin_delete_user_attributes() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "delete-attributes").await;
    create(
        &client,
        &pool,
        "bo",
        &[attr("email", "bo@example.com"), attr("email_verified", "true"), attr("name", "Bo")],
    )
    .await;
    client
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("bo")
        .user_attribute_names("email")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    let attributes = attributes_of(&client, &pool, "bo").await;
    assert_eq!(
        attributes.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["sub"],
        "email_verified goes with email"
    );
    let delete = |name: &str| {
        client.admin_delete_user_attributes().user_pool_id(&pool).username("bo").user_attribute_names(name).send()
    };
    assert_eq!(
        failure(delete("nickname_typo").await),
        pair("InvalidParameterException", "user.nickname_typo: Attribute does not exist in the schema.\n")
    );
    assert_eq!(
        failure(delete("sub").await),
        pair("InvalidParameterException", "user.sub: Attribute cannot be updated.\n")
    );
    assert_eq!(
        failure(
            client
                .admin_delete_user_attributes()
                .user_pool_id(&pool)
                .username("nobody")
                .user_attribute_names("name")
                .send()
                .await
        ),
        pair("UserNotFoundException", "User does not exist.")
    );
}

#[tokio::test]
async fn disable_enable_and_delete() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "lifecycle").await;
    create(&client, &pool, "sam", &[]).await;
    client.admin_disable_user().user_pool_id(&pool).username("sam").send().await.unwrap();
    let got = client.admin_get_user().user_pool_id(&pool).username("sam").send().await.unwrap();
    assert_eq!(got.enabled, Some(false));
    client.admin_enable_user().user_pool_id(&pool).username("sam").send().await.unwrap();
    let got = client.admin_get_user().user_pool_id(&pool).username("sam").send().await.unwrap();
    assert_eq!(got.enabled, Some(true));
    for (code, message) in [
        failure(client.admin_disable_user().user_pool_id(&pool).username("nobody").send().await),
        failure(client.admin_enable_user().user_pool_id(&pool).username("nobody").send().await),
        failure(client.admin_delete_user().user_pool_id(&pool).username("nobody").send().await),
    ] {
        assert_eq!((code.as_str(), message.as_str()), ("UserNotFoundException", "User does not exist."));
    }
    client.admin_delete_user().user_pool_id(&pool).username("sam").send().await.unwrap();
    assert_eq!(
        failure(client.admin_get_user().user_pool_id(&pool).username("sam").send().await).0,
        "UserNotFoundException"
    );
    assert_eq!(
        failure(client.admin_delete_user().user_pool_id(&pool).username("sam").send().await).0,
        "UserNotFoundException"
    );
    assert_eq!(
        failure(client.admin_disable_user().user_pool_id("us-east-1_nothere1").username("sam").send().await),
        pair("ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist.")
    );
}

#[tokio::test]
async fn admin_set_user_password() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "passwords").await;
    create(&client, &pool, "ivy", &[]).await;
    let set = |password: &str, permanent: bool| {
        client
            .admin_set_user_password()
            .user_pool_id(&pool)
            .username("ivy")
            .password(password)
            .permanent(permanent)
            .send()
    };
    set("Perm4nent!", true).await.unwrap();
    assert_eq!(status_of(&client, &pool, "ivy").await, "CONFIRMED");
    set("Tempor4ry!", false).await.unwrap();
    assert_eq!(status_of(&client, &pool, "ivy").await, "FORCE_CHANGE_PASSWORD");
    for (password, rule) in [
        ("Sh0rt!", "Password not long enough"),
        ("NOLOWER123!", "Password must have lowercase characters"),
        ("noupper123!", "Password must have uppercase characters"),
        ("NoNumbers!!", "Password must have numeric characters"),
        ("NoSymbols123", "Password must have symbol characters"),
    ] {
        assert_eq!(
            failure(set(password, true).await),
            pair("InvalidPasswordException", &format!("Password did not conform with policy: {rule}"))
        );
    }
    assert_eq!(status_of(&client, &pool, "ivy").await, "FORCE_CHANGE_PASSWORD", "refused passwords change nothing");
    assert_eq!(
        failure(
            client.admin_set_user_password().user_pool_id(&pool).username("nobody").password("Perm4nent!").send().await
        ),
        pair("UserNotFoundException", "User does not exist.")
    );
}

#[tokio::test]
async fn admin_reset_user_password() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "reset").await;
    let reset = |username: &str| client.admin_reset_user_password().user_pool_id(&pool).username(username).send();
    create(&client, &pool, "new", &[attr("email", "new@example.com"), attr("email_verified", "true")]).await;
    assert_eq!(
        failure(reset("new").await),
        pair("NotAuthorizedException", "User password cannot be reset in the current state.")
    );
    create(&client, &pool, "unverified", &[attr("email", "u@example.com")]).await;
    set_password(&client, &pool, "unverified", "Perm4nent!").await;
    assert_eq!(
        failure(reset("unverified").await),
        pair(
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number"
        )
    );
    set_password(&client, &pool, "new", "Perm4nent!").await;
    reset("new").await.unwrap();
    assert_eq!(status_of(&client, &pool, "new").await, "RESET_REQUIRED");
    let messages = server.outbox(Some(&pool), Some("new")).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "ADMIN_RESET_USER_PASSWORD");
    assert_eq!(
        (messages[0]["medium"].as_str(), messages[0]["destination"].as_str()),
        (Some("EMAIL"), Some("new@example.com"))
    );
    let code = messages[0]["code"].as_str().unwrap();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");

    client.admin_disable_user().user_pool_id(&pool).username("new").send().await.unwrap();
    assert_eq!(failure(reset("new").await), pair("NotAuthorizedException", "User is disabled."));
    assert_eq!(failure(reset("nobody").await), pair("UserNotFoundException", "User does not exist."));
}

#[tokio::test]
async fn admin_confirm_sign_up() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "confirm").await;
    let app = create_app_client(&client, &pool, "app").await;
    client
        .sign_up()
        .client_id(&app)
        .username("pat")
        .password("Passw0rd!")
        .user_attributes(attr("email", "pat@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(&client, &pool, "pat").await, "UNCONFIRMED");
    client.admin_confirm_sign_up().user_pool_id(&pool).username("pat").send().await.unwrap();
    assert_eq!(status_of(&client, &pool, "pat").await, "CONFIRMED");
    assert_eq!(
        failure(client.admin_confirm_sign_up().user_pool_id(&pool).username("pat").send().await),
        pair("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
    );
    create(&client, &pool, "admin-made", &[]).await;
    assert_eq!(
        failure(client.admin_confirm_sign_up().user_pool_id(&pool).username("admin-made").send().await),
        pair("NotAuthorizedException", "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD")
    );
    assert_eq!(
        failure(client.admin_confirm_sign_up().user_pool_id(&pool).username("nobody").send().await),
        pair("UserNotFoundException", "User does not exist.")
    );
}

/// The stored document of `username` (the columns beside it are not needed here).
fn stored(server: &InProcessServer, username: &str) -> serde_json::Value {
    let conn = rusqlite::Connection::open(&server.db).expect("open the database");
    let doc: String =
        conn.query_row("SELECT doc FROM users WHERE username = ?1", [username], |r| r.get(0)).expect("the user's row");
    serde_json::from_str(&doc).expect("the document is JSON")
}

#[tokio::test]
async fn temporary_passwords_are_hashed_and_expire_after_the_policys_days() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let policy = PasswordPolicyType { temporary_password_validity_days: Some(3), ..Default::default() };
    let pool = client
        .create_user_pool()
        .pool_name("expiry")
        .policies(UserPoolPolicyType { password_policy: Some(policy), ..Default::default() })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    // The server's clock, moved forward a day: expiry follows the server's clock.
    let now = server.advance_clock(86_400).await;
    create(&client, &pool, "given", &[]).await;
    let doc = stored(&server, "given");
    let hash = doc["password_hash"].as_str().expect("a given temporary password is stored hashed");
    assert!(hash.starts_with("$argon2id$") && !hash.contains("Temp0rary!"), "{hash}");
    let expires = doc["temporary_password_expires_ms"].as_i64().unwrap();
    let three_days = 3 * 24 * 60 * 60 * 1000;
    assert!((expires - (now + three_days)).abs() < 60_000, "expires {expires}, now {now}");

    // A generated password that is suppressed is never disclosed, so none is stored.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("suppressed")
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    assert!(stored(&server, "suppressed").get("password_hash").is_none());
    // One that is sent is stored hashed, never as sent.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("sent")
        .user_attributes(attr("email", "sent@example.com"))
        .send()
        .await
        .unwrap();
    let sent = server.outbox(Some(&pool), Some("sent")).await[0]["code"].as_str().unwrap().to_owned();
    let hash = stored(&server, "sent")["password_hash"].as_str().unwrap().to_owned();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&sent));
}
