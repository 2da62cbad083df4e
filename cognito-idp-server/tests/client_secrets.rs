//! App client secrets for rotation through the generated client and the AWS CLI: a client's
//! first secret listed by id, a second one added (generated: its value shown once; given: never
//! shown), at most two, `SECRET_HASH` and `ClientSecret` accepted with either while both are
//! active, the old one deleted (then refused, and `DescribeUserPoolClient` shows the new one),
//! never the last, and none for a public client.

mod common;

use common::aws_cli::AwsCli;
use common::{ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, confirmed_user, failure, pair};

/// Signs `username` in with `USER_PASSWORD_AUTH` and the hash made with `secret`: the refresh
/// token, or the error.
async fn sign_in(
    client: &cognito_idp::Client,
    app: &str,
    secret: &str,
    username: &str,
) -> Result<String, (String, String)> {
    let hash = cognito_auth::secret_hash(username, app, secret);
    let result = client
        .initiate_auth()
        .client_id(app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", hash)
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.authentication_result.unwrap().refresh_token.unwrap()),
        Err(e) => Err(failure::<(), _>(Err(e))),
    }
}

#[tokio::test]
async fn secrets_rotate_with_two_active_at_most() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("rotation").create(&client).await;
    let app = ClientBuilder::new("confidential").flows(&PASSWORD_FLOWS).secret().create(&client, &pool).await;
    let first = app.secret.clone().unwrap();
    confirmed_user(&client, &pool, "ana", PASSWORD).await;

    let listed = client.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&app.id).send().await.unwrap();
    let listed = listed.client_secrets.unwrap();
    assert_eq!(listed.len(), 1);
    let first_id = listed[0].client_secret_id.clone().unwrap();
    assert!(first_id.starts_with(&format!("{}--", app.id)), "{first_id}");
    assert_eq!(listed[0].client_secret_value, None, "a listing never shows a value");
    assert!(listed[0].client_secret_create_date.is_some());

    // A generated second secret: its value once, in the answer.
    let added = client.add_user_pool_client_secret().user_pool_id(&pool).client_id(&app.id).send().await.unwrap();
    let added = added.client_secret_descriptor.unwrap();
    let second = added.client_secret_value.clone().expect("a generated secret's value is returned");
    let second_id = added.client_secret_id.clone().unwrap();
    assert_ne!(second, first);
    // A third: refused.
    let third = client.add_user_pool_client_secret().user_pool_id(&pool).client_id(&app.id).send().await;
    assert_eq!(failure(third).0, "LimitExceededException");
    let listed = client.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&app.id).send().await.unwrap();
    let ids: Vec<_> = listed.client_secrets.unwrap().into_iter().map(|s| s.client_secret_id.unwrap()).collect();
    assert_eq!(ids, [first_id.clone(), second_id.clone()]);

    // Both work now, for SECRET_HASH and for ClientSecret.
    let refresh = sign_in(&client, &app.id, &first, "ana").await.expect("the first secret");
    sign_in(&client, &app.id, &second, "ana").await.expect("the second secret");
    let wrong = sign_in(&client, &app.id, "not-a-secret", "ana").await;
    assert_eq!(
        wrong.unwrap_err(),
        pair("NotAuthorizedException", &format!("Unable to verify secret hash for client {}", app.id))
    );
    let tokens =
        client.get_tokens_from_refresh_token().client_id(&app.id).client_secret(&second).refresh_token(&refresh);
    tokens.send().await.expect("ClientSecret: the second secret");

    // The first deleted: refused from then on, and the client shows the second.
    client
        .delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&app.id)
        .client_secret_id(&first_id)
        .send()
        .await
        .unwrap();
    let old = sign_in(&client, &app.id, &first, "ana").await;
    assert_eq!(old.unwrap_err().0, "NotAuthorizedException");
    sign_in(&client, &app.id, &second, "ana").await.expect("the second secret stays");
    let described = client.describe_user_pool_client().user_pool_id(&pool).client_id(&app.id).send().await.unwrap();
    assert_eq!(described.user_pool_client.unwrap().client_secret.as_deref(), Some(second.as_str()));
    let gone =
        client.delete_user_pool_client_secret().user_pool_id(&pool).client_id(&app.id).client_secret_id(&first_id);
    assert_eq!(failure(gone.send().await).0, "ResourceNotFoundException");
    // Never the last one.
    let last =
        client.delete_user_pool_client_secret().user_pool_id(&pool).client_id(&app.id).client_secret_id(&second_id);
    assert_eq!(
        failure(last.send().await),
        pair("InvalidParameterException", "You cannot delete the last remaining secret for an app client.")
    );

    // A secret given by the caller: added, never shown.
    let given = client
        .add_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&app.id)
        .client_secret("my0own0secret0value0for0rotation")
        .send()
        .await
        .unwrap()
        .client_secret_descriptor
        .unwrap();
    assert_eq!(given.client_secret_value, None, "a given secret's value is not returned");
    sign_in(&client, &app.id, "my0own0secret0value0for0rotation", "ana").await.expect("the given secret works");

    // A public client has no secret to rotate; unknown clients are not found.
    let public = ClientBuilder::new("public").flows(&PASSWORD_FLOWS).create(&client, &pool).await;
    let refused = client.add_user_pool_client_secret().user_pool_id(&pool).client_id(&public.id).send().await;
    assert_eq!(failure(refused).0, "InvalidParameterException");
    let listed = client.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&public.id).send().await;
    assert_eq!(listed.unwrap().client_secrets, Some(vec![]));
    let unknown =
        client.list_user_pool_client_secrets().user_pool_id(&pool).client_id("nosuchclient00000000000000").send();
    assert_eq!(failure(unknown.await).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn the_aws_cli_rotates_client_secrets() {
    let server = InProcessServer::start().await;
    let Some(aws) = AwsCli::new(&server.url()) else { return };
    let client = server.client();
    let pool = PoolBuilder::new("cli").create(&client).await;
    let app = ClientBuilder::new("confidential").secret().create(&client, &pool).await;
    let added =
        aws.run(&["add-user-pool-client-secret", "--user-pool-id", &pool, "--client-id", &app.id]).await.unwrap();
    let id = added["ClientSecretDescriptor"]["ClientSecretId"].as_str().unwrap().to_owned();
    assert!(added["ClientSecretDescriptor"]["ClientSecretValue"].is_string(), "{added}");
    let listed =
        aws.run(&["list-user-pool-client-secrets", "--user-pool-id", &pool, "--client-id", &app.id]).await.unwrap();
    assert_eq!(listed["ClientSecrets"].as_array().unwrap().len(), 2, "{listed}");
    aws.run(&[
        "delete-user-pool-client-secret",
        "--user-pool-id",
        &pool,
        "--client-id",
        &app.id,
        "--client-secret-id",
        &id,
    ])
    .await
    .unwrap();
    let listed =
        aws.run(&["list-user-pool-client-secrets", "--user-pool-id", &pool, "--client-id", &app.id]).await.unwrap();
    assert_eq!(listed["ClientSecrets"].as_array().unwrap().len(), 1, "{listed}");
}
