//! App clients' OAuth 2.0 settings, checked as AWS checks them in `CreateUserPoolClient` and
//! `UpdateUserPoolClient`: `client_credentials` alone, with a secret and custom scopes only;
//! scopes standard or of the pool's resource servers (`ScopeDoesNotExistException`); redirect
//! URLs absolute, without fragments, HTTPS except `http://localhost`; the default redirect one
//! of the callbacks.

mod common;

use cognito_idp::types::{OAuthFlowType, ResourceServerScopeType};
use common::{InProcessServer, create_pool, failure, pair};

#[tokio::test]
async fn oauth_settings_are_checked_as_aws_checks_them() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "oauth").await;
    client
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("orders")
        .name("Orders")
        .scopes(ResourceServerScopeType { scope_name: "read".into(), scope_description: "Read".into() })
        .send()
        .await
        .unwrap();
    let create = |name: &str| client.create_user_pool_client().user_pool_id(&pool).client_name(name);
    let flow = |f: &str| OAuthFlowType::from(f);

    // A web client: code flow, standard scopes, HTTPS and localhost callbacks, an app scheme.
    let web = create("web")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(flow("code"))
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("orders/read")
        .callback_ur_ls("https://app.example.com/callback")
        .callback_ur_ls("http://localhost:3000/callback")
        .callback_ur_ls("myapp://callback")
        .logout_ur_ls("https://app.example.com/")
        .default_redirect_uri("https://app.example.com/callback")
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(web.allowed_o_auth_flows_user_pool_client, Some(true));
    assert_eq!(web.allowed_o_auth_scopes.unwrap().len(), 3);

    // A machine client: client_credentials with a secret and custom scopes.
    let machine = create("machine")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(flow("client_credentials"))
        .allowed_o_auth_scopes("orders/read")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let machine_id = machine.client_id.unwrap();

    let flow_error = |message: &str| pair("InvalidOAuthFlowException", message);
    let mixed = create("mixed")
        .generate_secret(true)
        .allowed_o_auth_flows(flow("client_credentials"))
        .allowed_o_auth_flows(flow("code"))
        .allowed_o_auth_scopes("orders/read")
        .callback_ur_ls("https://app.example.com/callback")
        .send()
        .await;
    assert_eq!(
        failure(mixed),
        flow_error("client_credentials flow can not be selected along with code flow or implicit flow.")
    );
    let no_secret =
        create("public").allowed_o_auth_flows(flow("client_credentials")).allowed_o_auth_scopes("orders/read");
    assert_eq!(
        failure(no_secret.send().await),
        flow_error("client_credentials flow can not be selected if client does not have a client secret.")
    );
    let openid = create("openid")
        .generate_secret(true)
        .allowed_o_auth_flows(flow("client_credentials"))
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("orders/read");
    assert_eq!(failure(openid.send().await), flow_error("openid is not supported with client_credentials flow"));
    // The same rules on update.
    let update = client
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&machine_id)
        .allowed_o_auth_flows(flow("client_credentials"))
        .allowed_o_auth_scopes("email");
    assert_eq!(failure(update.send().await), flow_error("email is not supported with client_credentials flow"));

    // Scopes: standard ones or the pool's custom ones.
    let unknown = create("unknown").allowed_o_auth_flows(flow("code")).allowed_o_auth_scopes("orders/write");
    let unknown = unknown.callback_ur_ls("https://app.example.com/cb").send().await;
    assert_eq!(failure(unknown).0, "ScopeDoesNotExistException");
    let made_up = create("made-up").allowed_o_auth_flows(flow("code")).allowed_o_auth_scopes("everything");
    let made_up = made_up.callback_ur_ls("https://app.example.com/cb").send().await;
    assert_eq!(failure(made_up).0, "ScopeDoesNotExistException");

    // Redirect URLs.
    for bad in ["http://app.example.com/callback", "https://app.example.com/cb#fragment", "callback", "https://"] {
        let result = create("urls").allowed_o_auth_flows(flow("code")).callback_ur_ls(bad).send().await;
        assert_eq!(failure(result).0, "InvalidParameterException", "{bad}");
        let logout = create("urls").logout_ur_ls(bad).send().await;
        assert_eq!(failure(logout).0, "InvalidParameterException", "{bad}");
    }
    let default = create("default")
        .callback_ur_ls("https://app.example.com/a")
        .default_redirect_uri("https://app.example.com/b")
        .send()
        .await;
    assert_eq!(failure(default).0, "InvalidParameterException");

    // Nothing was stored by the refused requests.
    let clients = client.list_user_pool_clients().user_pool_id(&pool).max_results(60).send().await.unwrap();
    let names: Vec<_> = clients.user_pool_clients.unwrap().into_iter().map(|c| c.client_name.unwrap()).collect();
    assert_eq!(names, ["web", "machine"]);
}
