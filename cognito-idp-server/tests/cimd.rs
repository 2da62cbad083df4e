//! Client ID metadata documents: the policies' operations through the generated client (AWS's
//! rules, the model's constraints), and a sign-in through the authorization endpoint whose
//! `client_id` is a metadata URL, the documents served by the test on 127.0.0.1 (the server
//! started with `--cimd-loopback-http`), followed redirect by redirect with an HTTP client: the
//! document's redirect URIs, scopes and public-client rule, the cache (`Cache-Control: max-age`,
//! `REFRESH`, `INVALIDATE`, expiry), and URLs no policy accepts.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use cognito_idp::types::UserPoolTierType;
use common::oauth::{Browser, OAuthApp, OAuthSetup, claims, pkce};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder, advance_clock, failure};
use serde_json::{Value, json};

/// The test's own web app, where CIMD clients are sent back to.
const CIMD_CALLBACK: &str = "http://localhost:4000/cb";

#[tokio::test]
async fn policies_follow_the_model_and_aws_rules() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("cimd").create(&client).await;
    let app = common::app_client(&client, &pool, &[]).await;
    let other = common::app_client(&client, &pool, &[]).await;

    let created = client
        .create_cimd_policy()
        .user_pool_id(&pool)
        .client_id(&app)
        .policy_name("partners")
        .url_patterns("https://*.partners.example.com/*")
        .send()
        .await
        .unwrap()
        .cimd_policy;
    assert!(created.cimd_policy_id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert_eq!(created.cache_duration, Some(86_400), "AWS's default");
    assert_eq!(created.client_id.as_deref(), Some(app.as_str()));
    assert!(created.creation_date.is_some() && created.last_modified_date.is_some());
    let id = created.cimd_policy_id.clone();
    let second = client
        .create_cimd_policy()
        .user_pool_id(&pool)
        .client_id(&other)
        .policy_name("tools")
        .cache_duration(31_556_952)
        .url_patterns("https://tools.example.com/a.json")
        .url_patterns("https://tools.example.com/b.json")
        .send()
        .await
        .unwrap()
        .cimd_policy;

    let described = client.describe_cimd_policy().user_pool_id(&pool).cimd_policy_id(&id).send().await.unwrap();
    assert_eq!(described.cimd_policy, created);

    // Paging, in creation order.
    let first = client.list_cimd_policies().user_pool_id(&pool).max_results(1).send().await.unwrap();
    assert_eq!(first.cimd_policies.len(), 1);
    assert_eq!(first.cimd_policies[0].cimd_policy_id, id);
    let rest =
        client.list_cimd_policies().user_pool_id(&pool).next_token(first.next_token.unwrap()).send().await.unwrap();
    assert_eq!(rest.cimd_policies.len(), 1);
    assert_eq!(rest.cimd_policies[0].policy_name, "tools");
    assert_eq!(rest.cimd_policies[0].cache_duration, Some(31_556_952));
    assert!(rest.next_token.is_none());

    // Update: client and patterns replaced, the name kept when absent.
    let updated = client
        .update_cimd_policy()
        .user_pool_id(&pool)
        .cimd_policy_id(&second.cimd_policy_id)
        .client_id(&app)
        .url_patterns("https://tools.example.com/*")
        .send()
        .await
        .unwrap()
        .cimd_policy;
    assert_eq!((updated.policy_name.as_str(), updated.client_id.as_deref()), ("tools", Some(app.as_str())));
    assert_eq!(updated.url_patterns, Some(vec!["https://tools.example.com/*".to_owned()]));
    assert_eq!(updated.cache_duration, Some(86_400));

    // What AWS and the model refuse.
    let unknown_client = client
        .create_cimd_policy()
        .user_pool_id(&pool)
        .client_id("nosuchclient0000000000000")
        .policy_name("x")
        .url_patterns("https://x.example.com/*")
        .send()
        .await;
    assert_eq!(failure(unknown_client).0, "ResourceNotFoundException");
    let plain_http = client
        .create_cimd_policy()
        .user_pool_id(&pool)
        .client_id(&app)
        .policy_name("x")
        .url_patterns("http://x.example.com/*")
        .send()
        .await;
    assert_eq!(failure(plain_http).0, "InvalidParameterException");
    let short_cache = client
        .create_cimd_policy()
        .user_pool_id(&pool)
        .client_id(&app)
        .policy_name("x")
        .cache_duration(3600)
        .url_patterns("https://x.example.com/*")
        .send()
        .await;
    assert_eq!(failure(short_cache).0, "InvalidParameterException");
    let not_cached = client
        .update_client_metadata_url_state()
        .user_pool_id(&pool)
        .cimd_policy_id(&id)
        .url("https://a.partners.example.com/client.json")
        .action("REFRESH")
        .send()
        .await;
    assert_eq!(failure(not_cached).0, "CachedCIMDURLDoesNotExistException");
    let lite =
        PoolBuilder::new("lite").with(|p| p.user_pool_tier(UserPoolTierType::from("LITE"))).create(&client).await;
    let lite_app = common::app_client(&client, &lite, &[]).await;
    let refused = client
        .create_cimd_policy()
        .user_pool_id(&lite)
        .client_id(&lite_app)
        .policy_name("x")
        .url_patterns("https://x.example.com/*")
        .send()
        .await;
    assert_eq!(failure(refused).0, "FeatureUnavailableInTierException");

    // A policy outlives its app client, without ClientId.
    client.delete_user_pool_client().user_pool_id(&pool).client_id(&other).send().await.unwrap();
    client
        .update_cimd_policy()
        .user_pool_id(&pool)
        .cimd_policy_id(&second.cimd_policy_id)
        .client_id(&other)
        .url_patterns("https://tools.example.com/*")
        .send()
        .await
        .expect_err("the client is gone");
    client.delete_user_pool_client().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    let orphan = client.describe_cimd_policy().user_pool_id(&pool).cimd_policy_id(&id).send().await.unwrap();
    assert_eq!(orphan.cimd_policy.client_id, None);

    client.delete_cimd_policy().user_pool_id(&pool).cimd_policy_id(&id).send().await.unwrap();
    let gone = client.describe_cimd_policy().user_pool_id(&pool).cimd_policy_id(&id).send().await;
    assert_eq!(failure(gone).0, "ResourceNotFoundException");
    let again = client.delete_cimd_policy().user_pool_id(&pool).cimd_policy_id(&id).send().await;
    assert_eq!(failure(again).0, "ResourceNotFoundException");
}

/// A served document: its body and `Cache-Control`, by path.
type Served = std::collections::HashMap<String, (Value, Option<String>)>;

/// The documents the test serves, and how often any was asked for.
#[derive(Clone, Default)]
struct Documents {
    served: Arc<std::sync::Mutex<Served>>,
    fetches: Arc<AtomicUsize>,
}

async fn serve_document(State(docs): State<Documents>, Path(path): Path<String>) -> Response {
    docs.fetches.fetch_add(1, Ordering::SeqCst);
    let found = docs.served.lock().unwrap().get(&path).cloned();
    match found {
        Some((body, cache)) => {
            let mut response = axum::Json(body).into_response();
            if let Some(cache) = cache {
                response.headers_mut().insert("cache-control", cache.parse().unwrap());
            }
            response
        }
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves `docs` on 127.0.0.1: the port.
async fn document_server(docs: Documents) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = axum::Router::new().route("/{*path}", axum::routing::get(serve_document)).with_state(docs);
    tokio::spawn(async move { axum::serve(listener, router).await });
    port
}

async fn token(app: &OAuthApp, fields: &[(&str, &str)]) -> common::oauth::Page {
    Browser::new().post(&format!("{}/oauth2/token", app.base), fields).await
}

#[tokio::test]
async fn a_metadata_url_signs_in_through_the_authorization_endpoint() {
    let docs = Documents::default();
    let port = document_server(docs.clone()).await;
    let base = format!("https://127.0.0.1:{port}");
    let url = format!("{base}/c/client.json");
    let document = |client_id: &str| {
        json!({"client_id": client_id, "client_name": "Partner tool", "redirect_uris": [CIMD_CALLBACK],
               "grant_types": ["authorization_code"], "response_types": ["code"],
               "token_endpoint_auth_method": "none", "scope": "openid email"})
    };
    {
        let mut served = docs.served.lock().unwrap();
        served.insert("c/client.json".into(), (document(&url), Some("public, max-age=172800".into())));
        let confidential = format!("{base}/c/confidential.json");
        let mut secret = document(&confidential);
        secret["token_endpoint_auth_method"] = json!("client_secret_basic");
        served.insert("c/confidential.json".into(), (secret, None));
        let elsewhere = format!("{base}/other/client.json");
        served.insert("other/client.json".into(), (document(&elsewhere), None));
    }

    let server = InProcessServer::start_with(|o| o.cimd_loopback_http = true).await;
    let client = server.client();
    let owner = OAuthSetup::new("Cimd").create(&client, &server.url()).await;
    UserBuilder::new("diego").verified_email().password(PASSWORD).create(&client, &owner.pool).await;
    let policy = client
        .create_cimd_policy()
        .user_pool_id(&owner.pool)
        .client_id(&owner.client_id)
        .policy_name("loopback")
        .url_patterns(format!("{base}/c/*"))
        .send()
        .await
        .unwrap()
        .cimd_policy
        .cimd_policy_id;
    let app = OAuthApp { client_id: url.clone(), callback: CIMD_CALLBACK.into(), secret: None, ..owner.clone() };

    // The app client's own callback is not the document's: to the error page.
    let mismatch =
        Browser::new().get(&OAuthApp { callback: owner.callback.clone(), ..app.clone() }.authorize_url(&[])).await;
    assert_eq!(mismatch.status, 302);
    assert!(mismatch.location.as_deref().unwrap().contains("/error?error=redirect_mismatch"), "{mismatch:?}");
    // A scope the document does not ask for: back to the app.
    let narrowed = Browser::new().get(&app.authorize_url(&[("scope", "openid orders/read")])).await;
    assert_eq!(narrowed.location_params()["error"], "invalid_scope", "{narrowed:?}");

    // Sign in with PKCE, and exchange the code as a public client.
    let (verifier, challenge) = pkce();
    let browser = Browser::new();
    let authorize =
        app.authorize_url(&[("code_challenge", &challenge), ("code_challenge_method", "S256"), ("state", "s1")]);
    let signed_in = browser.sign_in(&app, &authorize, "diego", PASSWORD).await;
    assert!(signed_in.location.as_deref().unwrap().starts_with(&format!("{CIMD_CALLBACK}?code=")), "{signed_in:?}");
    let code = signed_in.location_params()["code"].clone();
    let with_secret = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CIMD_CALLBACK),
            ("client_id", &url),
            ("client_secret", "x"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(with_secret.json()["error"], "invalid_client");
    let code = browser.get(&authorize).await.location_params()["code"].clone();
    let tokens = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CIMD_CALLBACK),
            ("client_id", &url),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let access = claims(tokens.json()["access_token"].as_str().unwrap());
    assert_eq!(access["client_id"], owner.client_id, "issued to the policy's app client");
    assert_eq!(access["scope"], "openid email");
    assert!(tokens.json()["id_token"].is_string());
    // The refresh token works through the URL too, still without a secret.
    let refresh = tokens.json()["refresh_token"].as_str().unwrap().to_owned();
    let refreshed =
        token(&app, &[("grant_type", "refresh_token"), ("refresh_token", &refresh), ("client_id", &url)]).await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(claims(refreshed.json()["access_token"].as_str().unwrap())["client_id"], owner.client_id);
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 1, "the document is cached");

    // The cache: max-age (two days, within AWS's range) wins over the policy's one day.
    let listed =
        client.list_client_metadata_ur_ls().user_pool_id(&owner.pool).cimd_policy_id(&policy).send().await.unwrap();
    assert_eq!(listed.client_metadata_ur_ls.len(), 1);
    let entry = &listed.client_metadata_ur_ls[0];
    assert_eq!(entry.url, url);
    let (cached, expires) = (entry.cached_date.unwrap().as_secs_f64(), entry.expiration_date.unwrap().as_secs_f64());
    assert!((expires - cached - 172_800.0).abs() < 1.0, "{cached} {expires}");

    let state = |action: &str| {
        client
            .update_client_metadata_url_state()
            .user_pool_id(&owner.pool)
            .cimd_policy_id(&policy)
            .url(&url)
            .action(action)
            .send()
    };
    state("REFRESH").await.unwrap();
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 2);
    state("INVALIDATE").await.unwrap();
    let listed =
        client.list_client_metadata_ur_ls().user_pool_id(&owner.pool).cimd_policy_id(&policy).send().await.unwrap();
    assert_eq!(
        (listed.client_metadata_ur_ls[0].cached_date, listed.client_metadata_ur_ls[0].expiration_date),
        (None, None)
    );
    assert_eq!(failure(state("INVALIDATE").await).0, "CachedCIMDURLDoesNotExistException");
    assert_eq!(Browser::new().get(&app.authorize_url(&[])).await.status, 302);
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 3, "fetched again once invalidated");
    advance_clock(&server.url(), 172_801).await;
    Browser::new().get(&app.authorize_url(&[])).await;
    assert_eq!(docs.fetches.load(Ordering::SeqCst), 4, "fetched again once expired");

    // URLs no policy accepts, and a document that is not a public client's: unknown clients.
    for refused in
        [format!("{base}/other/client.json"), format!("{base}/c/confidential.json"), format!("{base}/c/missing.json")]
    {
        let other = OAuthApp { client_id: refused.clone(), ..app.clone() };
        let page = Browser::new().get(&other.authorize_url(&[])).await;
        assert_eq!(page.status, 302, "{refused}");
        assert!(page.location.as_deref().unwrap().contains("/error?error=invalid_request"), "{refused}: {page:?}");
    }
}
