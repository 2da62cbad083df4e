//! PreTokenGeneration through the Invoke API (a test-owned endpoint, `common::lambda`): the
//! events of `V1_0`, `V2_0` and `V3_0` for every reachable `TokenGeneration_*` source (API
//! sign-ins, the new-password challenge, refreshes, the managed login pages and the token
//! endpoint, client credentials and `GetClientToken`), and what the answers do to the ID and
//! access tokens: claims added, overridden and suppressed, the claims AWS does not let change,
//! scopes, and group overrides; failures as AWS answers them.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{
    ExplicitAuthFlowsType, LambdaConfigType, OAuthFlowType, PreTokenGenerationLambdaVersionType,
    PreTokenGenerationVersionConfigType,
};
use common::lambda::{FakeLambda, Reply, arn};
use common::oauth::{Browser, CALLBACK, OAuthApp, OAuthSetup, Page, claims};
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, failure, pair, password_auth,
    refresh_auth,
};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "N3w-passw0rd!";
const ROLE_A: &str = "arn:aws:iam::123456789012:role/admins";
const ROLE_B: &str = "arn:aws:iam::123456789012:role/staff";
const ROLE_VIP: &str = "arn:aws:iam::123456789012:role/vip";

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

/// `LambdaConfig` with function `name` as the PreTokenGeneration trigger of `version`
/// (`None`: the older `PreTokenGeneration` member, which means `V1_0`).
fn config(name: &str, version: Option<&str>) -> LambdaConfigType {
    match version {
        None => LambdaConfigType { pre_token_generation: Some(arn(name)), ..Default::default() },
        Some(version) => LambdaConfigType {
            pre_token_generation_config: Some(PreTokenGenerationVersionConfigType {
                lambda_version: PreTokenGenerationLambdaVersionType::from(version),
                lambda_arn: arn(name),
            }),
            ..Default::default()
        },
    }
}

fn pool_builder(config: LambdaConfigType) -> PoolBuilder {
    PoolBuilder::new("tokens").with(move |p| p.lambda_config(config))
}

/// A user `name` (verified email, phone number, password) in groups `admins` (precedence 1,
/// role A) and `staff` (precedence 2, role B).
async fn grouped_user(client: &Client, pool: &str, name: &str) -> String {
    UserBuilder::new(name)
        .verified_email()
        .attr("phone_number", "+15555550100")
        .password(PASSWORD)
        .create(client, pool)
        .await;
    for (group, precedence, role) in [("admins", 1, ROLE_A), ("staff", 2, ROLE_B)] {
        let exists = client.get_group().user_pool_id(pool).group_name(group).send().await.is_ok();
        if !exists {
            client
                .create_group()
                .user_pool_id(pool)
                .group_name(group)
                .precedence(precedence)
                .role_arn(role)
                .send()
                .await
                .unwrap();
        }
        client.admin_add_user_to_group().user_pool_id(pool).username(name).group_name(group).send().await.unwrap();
    }
    common::value_of(&common::attributes_of(client, pool, name).await, "sub").unwrap()
}

fn tokens_of(out: Option<cognito_idp::types::AuthenticationResultType>) -> (Value, Value, Option<String>) {
    let out = out.expect("tokens");
    (claims(out.id_token.as_deref().unwrap()), claims(out.access_token.as_deref().unwrap()), out.refresh_token)
}

#[tokio::test]
async fn version_one_changes_the_id_token_and_the_group_claims_of_both_tokens() {
    let lambda = FakeLambda::start().await;
    lambda.returns("v1", |event| {
        event["response"]["claimsOverrideDetails"] = json!({
            "claimsToAddOrOverride": {
                "tier": "gold",
                "email": "shown@example.com",
                "seats": 5,
                // Claims AWS does not let a function change.
                "sub": "forged", "iss": "https://evil.example", "aud": "forged", "cognito:username": "forged",
                "token_use": "access", "origin_jti": "forged", "cognito:anything": "forged", "dev:x": "y",
                "phone_number": "+15555550199",
            },
            "claimsToSuppress": ["phone_number", "auth_time", "jti"],
            "groupOverrideDetails": {
                "groupsToOverride": ["vip"],
                "iamRolesToOverride": [ROLE_VIP],
                "preferredRole": ROLE_VIP,
            },
        });
    });
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = pool_builder(config("v1", None)).create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let sub = grouped_user(&client, &pool, "ana").await;

    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "ana")
        .auth_parameters("PASSWORD", PASSWORD)
        .client_metadata("not", "passed")
        .send()
        .await
        .unwrap();
    let (id, access, refresh) = tokens_of(out.authentication_result);

    let event = lambda.events("v1").pop().unwrap();
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "TokenGeneration_Authentication");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], pool.as_str());
    assert_eq!(event["userName"], "ana");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert_eq!(
        event["request"]["userAttributes"],
        json!({
            "sub": sub,
            "cognito:user_status": "CONFIRMED",
            "email": "ana@example.com",
            "email_verified": "true",
            "phone_number": "+15555550100",
        })
    );
    assert_eq!(
        event["request"]["groupConfiguration"],
        json!({"groupsToOverride": ["admins", "staff"], "iamRolesToOverride": [ROLE_A, ROLE_B], "preferredRole": ROLE_A})
    );
    assert_eq!(event["request"]["clientMetadata"], json!({}), "InitiateAuth's ClientMetadata is not passed");
    assert!(event["request"].get("scopes").is_none(), "scopes come with V2_0");
    assert_eq!(event["response"], json!({"claimsOverrideDetails": null}));

    // The ID token: added, overridden (strings only in V1_0) and suppressed claims.
    assert_eq!(id["tier"], "gold");
    assert_eq!(id["email"], "shown@example.com");
    assert_eq!(id["seats"], "5");
    assert!(id.get("phone_number").is_none(), "suppression wins over an override");
    // What AWS does not let change is as Cognito wrote it.
    assert_eq!(id["sub"], sub.as_str());
    assert_eq!(id["iss"], format!("{}/{pool}", server.url()));
    assert_eq!(id["aud"], app.as_str());
    assert_eq!(id["cognito:username"], "ana");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert!(id["auth_time"].is_i64() && id["jti"].is_string());
    assert!(id.get("cognito:anything").is_none() && id.get("dev:x").is_none());
    // The group override, in both tokens.
    assert_eq!(id["cognito:groups"], json!(["vip"]));
    assert_eq!(id["cognito:roles"], json!([ROLE_VIP]));
    assert_eq!(id["cognito:preferred_role"], ROLE_VIP);
    assert_eq!(access["cognito:groups"], json!(["vip"]));
    // V1_0 changes nothing else in the access token.
    assert!(access.get("tier").is_none() && access.get("email").is_none(), "{access}");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");

    // A refresh calls the function again, with its own source.
    let refreshed = refresh_auth(&client, &app, &refresh.unwrap()).await.unwrap();
    let (id, _, _) = tokens_of(refreshed.authentication_result);
    assert_eq!(lambda.events("v1").pop().unwrap()["triggerSource"], "TokenGeneration_RefreshTokens");
    assert_eq!(id["tier"], "gold");

    // An answer without groupOverrideDetails leaves the groups; a null one removes them.
    lambda.returns("v1", |event| {
        event["response"]["claimsOverrideDetails"] = json!({"claimsToSuppress": ["email"]});
    });
    let (id, access, _) = tokens_of(password_auth(&client, &app, "ana", PASSWORD).await.unwrap().authentication_result);
    assert_eq!(id["cognito:groups"], json!(["admins", "staff"]));
    assert_eq!(id["cognito:roles"], json!([ROLE_A, ROLE_B]));
    assert_eq!(id["cognito:preferred_role"], ROLE_A);
    assert_eq!(access["cognito:groups"], json!(["admins", "staff"]));
    assert!(id.get("email").is_none());
    lambda.returns("v1", |event| {
        event["response"]["claimsOverrideDetails"] = json!({"groupOverrideDetails": null});
    });
    let (id, access, _) = tokens_of(password_auth(&client, &app, "ana", PASSWORD).await.unwrap().authentication_result);
    for claim in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(claim).is_none() && access.get(claim).is_none(), "{claim}");
    }
    // Suppressing `cognito:groups` takes the roles with it, in the ID token only (V1_0).
    lambda.returns("v1", |event| {
        event["response"]["claimsOverrideDetails"] = json!({"claimsToSuppress": ["cognito:groups"]});
    });
    let (id, access, _) = tokens_of(password_auth(&client, &app, "ana", PASSWORD).await.unwrap().authentication_result);
    for claim in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(claim).is_none(), "{claim}");
    }
    assert_eq!(access["cognito:groups"], json!(["admins", "staff"]));
}

#[tokio::test]
async fn version_two_changes_both_tokens_and_the_scopes() {
    let lambda = FakeLambda::start().await;
    lambda.returns("v2", |event| {
        let client_id = event["callerContext"]["clientId"].clone();
        event["response"]["claimsAndScopeOverrideDetails"] = json!({
            "idTokenGeneration": {
                "claimsToAddOrOverride": {
                    "plan": {"name": "pro", "seats": 3, "tags": ["a", true, 1.5]},
                    "email_verified": "false",
                    "updated_at": {"not": "a number"},
                },
                "claimsToSuppress": ["phone_number"],
            },
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {
                    "tenant": "acme",
                    "roles": ["reader", "writer"],
                    "aud": client_id,
                    "client_id": "forged",
                    "username": "forged",
                    "scope": "forged",
                },
                "claimsToSuppress": ["cognito:groups", "event_id", "version"],
                "scopesToAdd": ["orders/read", "has space", "orders/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"],
            },
        });
    });
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = pool_builder(config("v2", Some("V2_0"))).create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    grouped_user(&client, &pool, "bo").await;

    let (id, access, refresh) =
        tokens_of(password_auth(&client, &app, "bo", PASSWORD).await.unwrap().authentication_result);
    let event = lambda.events("v2").pop().unwrap();
    assert_eq!(event["version"], "2");
    assert_eq!(event["triggerSource"], "TokenGeneration_Authentication");
    assert_eq!(event["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]));
    assert_eq!(event["request"]["groupConfiguration"]["groupsToOverride"], json!(["admins", "staff"]));
    assert_eq!(event["response"], json!({"claimsAndScopeOverrideDetails": null}));

    // The ID token: complex values, typed claims kept typed, suppression.
    assert_eq!(id["plan"], json!({"name": "pro", "seats": 3, "tags": ["a", true, 1.5]}));
    assert_eq!(id["email_verified"], false, "a boolean still");
    assert!(id.get("updated_at").is_none(), "a complex value is not taken for updated_at");
    assert!(id.get("phone_number").is_none());
    assert_eq!(id["cognito:groups"], json!(["admins", "staff"]), "suppressed in the access token only");
    assert!(id.get("tenant").is_none(), "the access token's changes stay there");
    // The access token.
    assert_eq!(access["tenant"], "acme");
    assert_eq!(access["roles"], json!(["reader", "writer"]));
    assert_eq!(access["aud"], app.as_str(), "an aud of the client's own id may be added");
    assert_eq!(access["client_id"], app.as_str());
    assert_eq!(access["username"], "bo");
    assert!(access["event_id"].is_string() && access["version"] == 2);
    assert!(access.get("cognito:groups").is_none());
    assert_eq!(access["scope"], "orders/read", "added once, blanks refused, admin scope suppressed");
    // Without aws.cognito.signin.user.admin the token no longer reads the user's profile.
    let access_token = password_auth(&client, &app, "bo", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    let denied = client.get_user().access_token(&access_token).send().await;
    assert_eq!(failure(denied), pair("NotAuthorizedException", "Access Token does not have required scopes"));

    // GetTokensFromRefreshToken passes its ClientMetadata.
    let refreshed = client
        .get_tokens_from_refresh_token()
        .client_id(&app)
        .refresh_token(refresh.unwrap())
        .client_metadata("device", "tv")
        .send()
        .await
        .unwrap();
    let (_, access, _) = tokens_of(refreshed.authentication_result);
    assert_eq!(access["tenant"], "acme");
    let event = lambda.events("v2").pop().unwrap();
    assert_eq!(event["triggerSource"], "TokenGeneration_RefreshTokens");
    assert_eq!(event["request"]["clientMetadata"], json!({"device": "tv"}));
    assert_eq!(event["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]), "the granted scopes");

    // NEW_PASSWORD_REQUIRED ends in tokens of its own source, with RespondToAuthChallenge's
    // ClientMetadata.
    UserBuilder::new("cy").verified_email().temporary_password(PASSWORD).create(&client, &pool).await;
    let started = password_auth(&client, &app, "cy", PASSWORD).await.unwrap();
    let done = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .set_session(started.session)
        .challenge_responses("USERNAME", "cy")
        .challenge_responses("NEW_PASSWORD", NEW_PASSWORD)
        .client_metadata("screen", "welcome")
        .send()
        .await
        .unwrap();
    let (_, access, _) = tokens_of(done.authentication_result);
    assert_eq!(access["tenant"], "acme");
    let event = lambda.events("v2").pop().unwrap();
    assert_eq!(event["triggerSource"], "TokenGeneration_NewPasswordChallenge");
    assert_eq!(event["request"]["clientMetadata"], json!({"screen": "welcome"}));
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(
        event["request"]["groupConfiguration"],
        json!({"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null})
    );
}

#[tokio::test]
async fn failing_functions_fail_the_issuance_as_aws_answers() {
    let lambda = FakeLambda::start().await;
    lambda.on("tokens", |_| Reply::FunctionError("No tokens today".into()));
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = pool_builder(config("tokens", Some("V1_0"))).create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("di").verified_email().password(PASSWORD).create(&client, &pool).await;

    assert_eq!(
        failure(password_auth(&client, &app, "di", PASSWORD).await),
        pair("UserLambdaValidationException", "PreTokenGeneration failed with error No tokens today.")
    );
    lambda.on("tokens", |_| Reply::Raw("<html>".into()));
    assert_eq!(
        failure(password_auth(&client, &app, "di", PASSWORD).await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    // V1_0 claims are strings: an object is not an answer Cognito reads.
    lambda.returns("tokens", |event| {
        event["response"]["claimsOverrideDetails"] = json!({"claimsToAddOrOverride": {"plan": {"a": 1}}});
    });
    assert_eq!(
        failure(password_auth(&client, &app, "di", PASSWORD).await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    lambda.returns("tokens", |event| event["response"]["claimsOverrideDetails"] = json!({"claimsToSuppress": "email"}));
    assert_eq!(failure(password_auth(&client, &app, "di", PASSWORD).await).0, "InvalidLambdaResponseException");

    // A failure while refreshing leaves the refresh token as it was.
    lambda.returns("tokens", |_| {});
    let refresh = password_auth(&client, &app, "di", PASSWORD)
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .refresh_token
        .unwrap();
    lambda.on("tokens", |_| Reply::FunctionError("Later".into()));
    assert_eq!(
        failure(refresh_auth(&client, &app, &refresh).await),
        pair("UserLambdaValidationException", "PreTokenGeneration failed with error Later.")
    );
    lambda.returns("tokens", |_| {});
    refresh_auth(&client, &app, &refresh).await.expect("the refresh token still works");
}

async fn token_endpoint(app: &OAuthApp, fields: &[(&str, &str)]) -> Page {
    Browser::new().post_with(&format!("{}/oauth2/token", app.base), fields, &[("authorization", &app.basic())]).await
}

#[tokio::test]
async fn the_managed_login_pages_sign_in_with_every_trigger_and_hosted_auth_tokens() {
    let lambda = FakeLambda::start().await;
    lambda.returns("pre", |_| {});
    lambda.returns("post", |_| {});
    lambda.returns("v2", |event| {
        event["response"]["claimsAndScopeOverrideDetails"] = json!({
            "idTokenGeneration": {"claimsToAddOrOverride": {"hosted": true}},
            "accessTokenGeneration": {"scopesToAdd": ["orders/write"], "scopesToSuppress": ["email"]},
        });
    });
    let server = server_with(&lambda).await;
    let client = server.client();
    let triggers = LambdaConfigType {
        pre_authentication: Some(arn("pre")),
        post_authentication: Some(arn("post")),
        ..config("v2", Some("V2_0"))
    };
    let app = OAuthSetup::new("Hosted")
        .secret()
        .flows(&["code", "implicit"])
        .pool(pool_builder(triggers))
        .create(&client, &server.url())
        .await;
    UserBuilder::new("eve").verified_email().password(PASSWORD).create(&client, &app.pool).await;

    let browser = Browser::new();
    let url = app.authorize_url(&[("scope", "openid email orders/read")]);
    let signed_in = browser.sign_in(&app, &url, "eve", PASSWORD).await;
    assert_eq!(signed_in.status, 302, "{}", signed_in.body);
    let pre = lambda.events("pre");
    let post = lambda.events("post");
    assert_eq!((pre.len(), post.len()), (1, 1), "the pages sign in as the API does");
    assert_eq!(pre[0]["callerContext"]["clientId"], app.client_id.as_str());
    assert_eq!(pre[0]["request"]["validationData"], json!({}));
    assert_eq!(post[0]["triggerSource"], "PostAuthentication_Authentication");
    assert!(lambda.events("v2").is_empty(), "the tokens come with the code's exchange");

    let code = signed_in.location_params()["code"].clone();
    let tokens =
        token_endpoint(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)])
            .await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let tokens = tokens.json();
    let event = lambda.events("v2").pop().unwrap();
    assert_eq!(event["triggerSource"], "TokenGeneration_HostedAuth");
    assert_eq!(event["version"], "2");
    assert_eq!(event["userName"], "eve");
    assert_eq!(event["callerContext"]["clientId"], app.client_id.as_str());
    assert_eq!(event["request"]["scopes"], json!(["openid", "email", "orders/read"]), "the granted scopes");
    let id = claims(tokens["id_token"].as_str().unwrap());
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(id["hosted"], true);
    assert!(id["at_hash"].is_string());
    assert_eq!(access["scope"], "openid orders/read orders/write");

    // The token endpoint's refresh.
    let refreshed = token_endpoint(
        &app,
        &[("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())],
    )
    .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(lambda.events("v2").pop().unwrap()["triggerSource"], "TokenGeneration_RefreshTokens");
    assert_eq!(claims(refreshed.json()["access_token"].as_str().unwrap())["scope"], "openid orders/read orders/write");

    // The implicit grant, from the browser's session (no new sign-in).
    let implicit =
        app.authorize_url(&[("scope", "openid orders/read")]).replace("response_type=code", "response_type=token");
    let answered = browser.get(&implicit).await;
    assert_eq!(answered.status, 302, "{}", answered.body);
    let fragment = answered.location_params();
    assert_eq!(claims(&fragment["id_token"])["hosted"], true);
    assert_eq!(claims(&fragment["access_token"])["scope"], "openid orders/read orders/write");
    assert_eq!(lambda.events("v2").pop().unwrap()["triggerSource"], "TokenGeneration_HostedAuth");
    assert_eq!(lambda.events("pre").len(), 1, "the session signed in once");

    // A failing function fails the code's exchange.
    lambda.on("v2", |_| Reply::FunctionError("Closed".into()));
    let again = browser.get(&url).await;
    let code = again.location_params()["code"].clone();
    let refused =
        token_endpoint(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)])
            .await;
    assert_eq!((refused.status, refused.json()["error"].as_str()), (400, Some("invalid_request")));

    // A PreAuthentication refusal shows on the sign-in page.
    lambda.on("pre", |_| Reply::FunctionError("Not from here".into()));
    let refused = Browser::new().sign_in(&app, &url, "eve", PASSWORD).await;
    assert_eq!(refused.status, 200, "the page again");
    assert!(refused.body.contains("PreAuthentication failed with error Not from here."), "{}", refused.body);
}

/// A confidential client of `app`'s pool for machine tokens through `GetClientToken`.
async fn token_client(client: &Client, pool: &str) -> (String, String) {
    let created = client
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("machine-api")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::from("ALLOW_CLIENT_TOKEN_AUTH"))
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::from("client_credentials"))
        .allowed_o_auth_scopes("orders/read")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    (created.client_id.unwrap(), created.client_secret.unwrap())
}

#[tokio::test]
async fn machine_tokens_call_version_three_functions_only() {
    let lambda = FakeLambda::start().await;
    lambda.returns("v3", |event| {
        event["response"]["claimsAndScopeOverrideDetails"] = json!({
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme", "client_id": "forged", "sub": "forged"},
                "claimsToSuppress": ["iss"],
                "scopesToAdd": ["orders/write"],
                "scopesToSuppress": ["orders/read"],
            },
            "idTokenGeneration": {"claimsToAddOrOverride": {"ignored": "no id token"}},
        });
    });
    lambda.returns("v2", |_| {});
    let server = server_with(&lambda).await;
    let client = server.client();
    let app = OAuthSetup::new("Machine")
        .secret()
        .flows(&["client_credentials"])
        .scopes(&["orders/read"])
        .pool(pool_builder(config("v3", Some("V3_0"))))
        .create(&client, &server.url())
        .await;

    let metadata = r#"{"environment": "dev", "language": "en-US"}"#;
    let granted =
        token_endpoint(&app, &[("grant_type", "client_credentials"), ("aws_client_metadata", metadata)]).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    let event = lambda.events("v3").pop().unwrap();
    assert_eq!(event["version"], "3");
    assert_eq!(event["triggerSource"], "TokenGeneration_ClientCredentials");
    assert_eq!(event["userPoolId"], app.pool.as_str());
    assert_eq!(event["userName"], Value::Null, "no user");
    assert_eq!(event["callerContext"]["clientId"], app.client_id.as_str());
    assert_eq!(event["request"]["scopes"], json!(["orders/read"]));
    assert_eq!(event["request"]["clientMetadata"], json!({"environment": "dev", "language": "en-US"}));
    assert_eq!(event["request"]["userAttributes"], json!({}));
    assert_eq!(event["response"], json!({"claimsAndScopeOverrideDetails": null}));
    let access = claims(granted.json()["access_token"].as_str().unwrap());
    assert_eq!(access["tenant"], "acme");
    assert_eq!(
        (access["client_id"].as_str(), access["sub"].as_str()),
        (Some(app.client_id.as_str()), Some(app.client_id.as_str()))
    );
    assert_eq!(access["iss"], format!("{}/{}", server.url(), app.pool));
    assert_eq!(access["scope"], "orders/write");
    assert!(access.get("ignored").is_none());
    let bad = token_endpoint(&app, &[("grant_type", "client_credentials"), ("aws_client_metadata", "not json")]).await;
    assert_eq!((bad.status, bad.json()["error"].as_str()), (400, Some("invalid_request")));

    // GetClientToken, with its ClientMetadata.
    let (id, secret) = token_client(&client, &app.pool).await;
    let out =
        client.get_client_token().client_id(&id).secret(&secret).client_metadata("via", "api").send().await.unwrap();
    let token = out.client_authentication_result.unwrap().access_token.unwrap();
    assert_eq!(claims(&token)["tenant"], "acme");
    let event = lambda.events("v3").pop().unwrap();
    assert_eq!(event["triggerSource"], "TokenGeneration_ClientCredentials");
    assert_eq!(event["callerContext"]["clientId"], id.as_str());
    assert_eq!(event["request"]["clientMetadata"], json!({"via": "api"}));
    lambda.on("v3", |_| Reply::FunctionError("No machines".into()));
    assert_eq!(
        failure(client.get_client_token().client_id(&id).secret(&secret).send().await),
        pair("UserLambdaValidationException", "PreTokenGeneration failed with error No machines.")
    );

    // A V2_0 function is not called for machines, but is for users.
    let v2 = OAuthSetup::new("MachineTwo")
        .secret()
        .flows(&["client_credentials"])
        .scopes(&["orders/read"])
        .pool(pool_builder(config("v2", Some("V2_0"))))
        .create(&client, &server.url())
        .await;
    let granted = token_endpoint(&v2, &[("grant_type", "client_credentials")]).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    assert!(lambda.events("v2").is_empty(), "TokenGeneration_ClientCredentials is V3_0's only");
    let users = ClientBuilder::new("users").flows(&PASSWORD_FLOWS).create(&client, &v2.pool).await.id;
    UserBuilder::new("fay").verified_email().password(PASSWORD).create(&client, &v2.pool).await;
    password_auth(&client, &users, "fay", PASSWORD).await.unwrap();
    assert_eq!(lambda.events("v2").len(), 1);
}
