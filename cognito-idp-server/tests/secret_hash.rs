//! The app client secret over HTTP: the `SECRET_HASH` of the refresh flows is over the name the
//! token's user is stored under (the `sub` in pools whose usernames are emails), and each
//! operation words a missing hash as AWS does (`src/handlers/secret_hash.rs` has the evidence).

mod common;

use cognito_idp::Client;
use common::{
    ClientBuilder, InProcessServer, PoolBuilder, UserBuilder, failure, pair,
    secret_hash_not_received as missing_secret_hash, secret_hash_unverified, secret_not_received as missing_secret,
};

const PASSWORD: &str = "Correct-Horse-9";

/// A client of `pool` with a secret and every flow these tests use. Returns (id, secret).
async fn secret_client(client: &Client, pool: &str) -> (String, String) {
    let flows = [
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_AUTH",
    ];
    let created = ClientBuilder::new("private").secret().flows(&flows).create(client, pool).await;
    (created.id, created.secret.unwrap())
}

/// A user `username` of `pool` with `PASSWORD` (permanent unless `temporary`).
async fn user(client: &Client, pool: &str, username: &str, temporary: bool) {
    let email = if username.contains('@') { username } else { "someone@example.com" };
    let user = UserBuilder::new(username).temporary_password(if temporary { PASSWORD } else { "Temp-Pass-123" });
    let user = user.attr("email", email);
    let user = if temporary { user } else { user.password(PASSWORD) };
    user.create(client, pool).await;
}

#[tokio::test]
async fn refresh_hash_is_over_the_tokens_user_which_is_the_sub_in_email_pools() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("emails").username_attributes("email").create(&client).await;
    let (app, secret) = secret_client(&client, &pool).await;
    user(&client, &pool, "ana@example.com", false).await;
    // The stored username of such a user is its sub.
    let sub = client.admin_get_user().user_pool_id(&pool).username("ana@example.com").send().await.unwrap().username;
    assert_eq!(sub.len(), 36, "{sub}");
    let hash = |name: &str| cognito_auth::secret_hash(name, &app, &secret);

    // Signing in, the name given (the email) is fine.
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "ana@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", hash("ana@example.com"))
        .send()
        .await
        .expect("USER_PASSWORD_AUTH by email");
    let refresh = out.authentication_result.unwrap().refresh_token.unwrap();

    let refresh_with = |params: &[(&str, String)]| {
        let mut call = client
            .initiate_auth()
            .client_id(&app)
            .auth_flow("REFRESH_TOKEN_AUTH")
            .auth_parameters("REFRESH_TOKEN", &refresh);
        for (name, value) in params {
            call = call.auth_parameters(*name, value);
        }
        call.send()
    };
    let mismatch = pair("NotAuthorizedException", &format!("SecretHash does not match for the client: {app}"));
    assert_eq!(failure(refresh_with(&[]).await), missing_secret(&app));
    assert_eq!(failure(refresh_with(&[("SECRET_HASH", String::new())]).await), missing_secret(&app));
    // Refreshing, only the token's user counts: a hash over the email is refused, with or
    // without a USERNAME naming it.
    assert_eq!(failure(refresh_with(&[("SECRET_HASH", hash("ana@example.com"))]).await), mismatch);
    let named = [("SECRET_HASH", hash("ana@example.com")), ("USERNAME", "ana@example.com".to_owned())];
    assert_eq!(failure(refresh_with(&named).await), mismatch);
    // A hash over another user's name is refused too, USERNAME or not.
    let other = [("SECRET_HASH", hash("bob@example.com")), ("USERNAME", "bob@example.com".to_owned())];
    assert_eq!(failure(refresh_with(&other).await), mismatch);

    let out = refresh_with(&[("SECRET_HASH", hash(&sub))]).await.expect("the hash over the sub");
    assert!(out.authentication_result.unwrap().access_token.is_some());
    let out = refresh_with(&[("SECRET_HASH", hash(&sub)), ("USERNAME", "ana@example.com".to_owned())])
        .await
        .expect("a USERNAME plays no part");
    assert!(out.authentication_result.is_some());

    // The administrators' refresh is checked the same way.
    let admin = |hash: String| {
        client
            .admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(&app)
            .auth_flow("REFRESH_TOKEN_AUTH")
            .auth_parameters("REFRESH_TOKEN", &refresh)
            .auth_parameters("SECRET_HASH", hash)
            .send()
    };
    assert_eq!(failure(admin(hash("ana@example.com")).await), mismatch);
    admin(hash(&sub)).await.expect("AdminInitiateAuth refresh with the hash over the sub");

    // A token it does not know is refused as such, whatever the hash.
    let bogus = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", "not-a-token")
        .auth_parameters("SECRET_HASH", hash("ana@example.com"))
        .send()
        .await;
    assert_eq!(failure(bogus), pair("NotAuthorizedException", "Invalid Refresh Token"));
}

#[tokio::test]
async fn each_operation_words_a_missing_hash_as_aws_does() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "wordings").await;
    let (app, secret) = secret_client(&client, &pool).await;
    user(&client, &pool, "diego", false).await;
    user(&client, &pool, "temp", true).await;

    // "... for secret but secret was not received": the password flows, refresh, the operations
    // taking SecretHash, and ClientSecret.
    let password = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(failure(password), missing_secret(&app));
    let admin = common::admin_password_auth(&client, &pool, &app, "diego", PASSWORD).await;
    assert_eq!(failure(admin), missing_secret(&app));
    let refresh = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", "not-a-token")
        .send()
        .await;
    assert_eq!(failure(refresh), missing_secret(&app));
    let sign_up = client.sign_up().client_id(&app).username("new").password(PASSWORD).send().await;
    assert_eq!(failure(sign_up), missing_secret(&app));
    let confirm = client.confirm_sign_up().client_id(&app).username("new").confirmation_code("123456").send().await;
    assert_eq!(failure(confirm), missing_secret(&app));
    let resend = client.resend_confirmation_code().client_id(&app).username("diego").send().await;
    assert_eq!(failure(resend), missing_secret(&app));
    let forgot = client.forgot_password().client_id(&app).username("diego").send().await;
    assert_eq!(failure(forgot), missing_secret(&app));
    let confirm_forgot = client
        .confirm_forgot_password()
        .client_id(&app)
        .username("diego")
        .confirmation_code("123456")
        .password(PASSWORD)
        .send()
        .await;
    assert_eq!(failure(confirm_forgot), missing_secret(&app));
    let get_tokens = client.get_tokens_from_refresh_token().client_id(&app).refresh_token("not-a-token").send().await;
    assert_eq!(failure(get_tokens), missing_secret(&app));

    // "... with secret but SECRET_HASH was not received": SRP, USER_AUTH and challenge answers.
    let srp = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("SRP_A", "abcdef0123456789")
        .send()
        .await;
    assert_eq!(failure(srp), missing_secret_hash(&app));
    let choice =
        client.initiate_auth().client_id(&app).auth_flow("USER_AUTH").auth_parameters("USERNAME", "diego").send().await;
    assert_eq!(failure(choice), missing_secret_hash(&app));
    let challenge = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "temp")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", cognito_auth::secret_hash("temp", &app, &secret))
        .send()
        .await
        .expect("a temporary password");
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));
    let answer = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .set_session(challenge.session)
        .challenge_responses("USERNAME", "temp")
        .challenge_responses("NEW_PASSWORD", "Another-Horse-7")
        .send()
        .await;
    assert_eq!(failure(answer), missing_secret_hash(&app));

    // A wrong hash is worded the same everywhere but refresh.
    let wrong = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_SRP_AUTH")
        .auth_parameters("USERNAME", "diego")
        .auth_parameters("SRP_A", "abcdef0123456789")
        .auth_parameters("SECRET_HASH", cognito_auth::secret_hash("maria", &app, &secret))
        .send()
        .await;
    assert_eq!(failure(wrong), secret_hash_unverified(&app));
}
