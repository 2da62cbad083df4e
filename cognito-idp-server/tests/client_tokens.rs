//! `GetClientToken`: machine-to-machine access tokens for an app client with a secret and the
//! `ALLOW_CLIENT_TOKEN_AUTH` flow (its only one), with the client's custom scopes or those asked
//! for, signed with the pool's access-token key.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::types::{ExplicitAuthFlowsType, OAuthFlowType, ResourceServerScopeType};
use common::{InProcessServer, create_pool, failure, pair};
use serde_json::Value;

fn part(token: &str, index: usize) -> Value {
    let text = token.split('.').nth(index).expect("a compact JWS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).unwrap()).unwrap()
}

#[tokio::test]
async fn client_tokens_carry_the_client_and_its_scopes() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "m2m").await;
    let scope = |name: &str| ResourceServerScopeType { scope_name: name.into(), scope_description: name.into() };
    client
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("orders")
        .name("Orders")
        .scopes(scope("read"))
        .scopes(scope("write"))
        .send()
        .await
        .unwrap();
    let flow = ExplicitAuthFlowsType::from("ALLOW_CLIENT_TOKEN_AUTH");
    let machine = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("machine")
        .generate_secret(true)
        .explicit_auth_flows(flow.clone())
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::from("client_credentials"))
        .allowed_o_auth_scopes("orders/read")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (id, secret) = (machine.client_id.unwrap(), machine.client_secret.unwrap());
    assert_eq!(machine.explicit_auth_flows.unwrap()[0].as_str(), "ALLOW_CLIENT_TOKEN_AUTH");

    let result = client.get_client_token().client_id(&id).secret(&secret).send().await.unwrap();
    let result = result.client_authentication_result.unwrap();
    assert_eq!((result.token_type.as_deref(), result.expires_in), (Some("Bearer"), Some(3600)));
    let token = result.access_token.unwrap();
    let claims = part(&token, 1);
    assert_eq!(claims["sub"], id.as_str());
    assert_eq!(claims["client_id"], id.as_str());
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], "orders/read", "the client's scopes when none are asked for");
    assert_eq!(claims["iss"], format!("{}/{pool}", server.url()));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
    assert!(claims.get("username").is_none() && claims.get("origin_jti").is_none(), "{claims}");
    let keys: Value =
        reqwest::get(format!("{}/{pool}/.well-known/jwks.json", server.url())).await.unwrap().json().await.unwrap();
    let kid = part(&token, 0)["kid"].clone();
    assert!(keys["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid), "signed with a key of the pool's JWKS");

    let asked = client.get_client_token().client_id(&id).secret(&secret).scopes("orders/write").send().await.unwrap();
    let asked = asked.client_authentication_result.unwrap().access_token.unwrap();
    assert_eq!(part(&asked, 1)["scope"], "orders/write");

    // Refusals.
    let unknown = client.get_client_token().client_id(&id).secret(&secret).scopes("orders/delete").send().await;
    assert_eq!(failure(unknown), pair("InvalidParameterException", "Invalid scope requested: orders/delete"));
    let wrong = client.get_client_token().client_id(&id).secret("notTheSecretOfThisClient000000").send().await;
    assert_eq!(failure(wrong).0, "NotAuthorizedException");
    let nobody = client
        .get_client_token()
        .client_id("nosuchclient00000000000000")
        .secret("notTheSecretOfThisClient000000")
        .send()
        .await;
    assert_eq!(failure(nobody).0, "ResourceNotFoundException");
    let user_client = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("users")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let not_enabled = client
        .get_client_token()
        .client_id(user_client.client_id.unwrap())
        .secret(user_client.client_secret.unwrap())
        .send()
        .await;
    assert_eq!(
        failure(not_enabled),
        pair("NotAuthorizedException", "ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client")
    );
    let mixed = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("mixed")
        .generate_secret(true)
        .explicit_auth_flows(flow)
        .explicit_auth_flows(ExplicitAuthFlowsType::from("ALLOW_USER_SRP_AUTH"))
        .send()
        .await;
    assert_eq!(failure(mixed).0, "InvalidParameterException");

    // A rotated second secret works as well.
    let added = client.add_user_pool_client_secret().user_pool_id(&pool).client_id(&id).send().await.unwrap();
    let second = added.client_secret_descriptor.unwrap().client_secret_value.unwrap();
    client.get_client_token().client_id(&id).secret(&second).send().await.unwrap();
}
