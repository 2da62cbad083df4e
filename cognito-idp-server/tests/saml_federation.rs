//! Signing in to a pool through a SAML 2.0 identity provider: pysaml2's IdP (`common::saml_idp`,
//! real software run by the test on 127.0.0.1), the pool as its service provider.
//!
//! Checked, in Chromium and over HTTP as a browser does it: SP-initiated sign-in from the
//! provider's button with a signed `AuthnRequest`; the first sign-in making `Corp_{NameID}`
//! (`EXTERNAL_PROVIDER`, mapped attributes, multi-valued ones as `[a, b]`, the `identities`
//! claim with the provider's issuer); a linked identity signing in as the local user until the
//! link is disabled; single logout through the provider; IdP-initiated sign-in only where
//! `IDPInit` allows it, each assertion taken once; and the refusals: another audience or
//! recipient, an expired or not yet valid assertion, no signature, a tampered one, another key,
//! a failed status, a response for another request, a replayed one.

mod common;

use common::chromium::{browser_available, drive};
use common::lambda::{FakeLambda, Reply, arn};
use common::oauth::{Browser, OAuthApp, OAuthSetup, Page, claims, query_of};
use common::saml_idp::{RSA_SHA256, SamlIdp, first_form};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder};

use cognito_idp::types::{IdentityProviderTypeType, LambdaConfigType, ProviderUserIdentifierType};
use serde_json::{Value, json};

const EMAIL_CLAIM: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const IDP_PASSWORD: &str = "IdP-Secret-1";

/// The server, the app (pool A with a domain and client) and its SAML provider `Corp`.
struct Federation {
    server: InProcessServer,
    app: OAuthApp,
    idp: SamlIdp,
}

/// A small web app on 127.0.0.1 whose callback page the browser lands on.
async fn web_app() -> String {
    let app = axum::Router::new()
        .route(
            "/callback",
            axum::routing::get(|| async {
                axum::response::Html("<!doctype html><title>App</title><p>Welcome back to the app</p>")
            }),
        )
        .route(
            "/signed-out",
            axum::routing::get(|| async { axum::response::Html("<!doctype html><title>App</title><p>Signed out</p>") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://localhost:{port}")
}

/// Sets the federation up; `None` (the test skips) without pysaml2 and xmlsec1.
async fn federation(details: &[(&str, &str)], app_url: Option<&str>) -> Option<Federation> {
    federation_on(InProcessServer::start().await, None, details, app_url).await
}

/// [`federation`] on `server`, with the pool `pool` makes.
async fn federation_on(
    server: InProcessServer,
    pool: Option<PoolBuilder>,
    details: &[(&str, &str)],
    app_url: Option<&str>,
) -> Option<Federation> {
    let client = server.client();
    let mut setup = OAuthSetup::new("saml").scopes(&["openid", "email", "profile"]);
    if let Some(pool) = pool {
        setup = setup.pool(pool);
    }
    if let Some(app_url) = app_url {
        setup = setup.app_urls(&format!("{app_url}/callback"), &format!("{app_url}/signed-out"));
    }
    let app = setup.create(&client, &server.url()).await;
    let idp = start_idp(&server, &app, None).await?;
    let mut provider_details: Vec<(String, String)> = vec![("MetadataURL".into(), idp.metadata_url())];
    provider_details.extend(details.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    client
        .create_identity_provider()
        .user_pool_id(&app.pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(provider_details.into_iter().collect())
        .attribute_mapping("email", EMAIL_CLAIM)
        .attribute_mapping("name", "displayName")
        .attribute_mapping("nickname", "groups")
        .send()
        .await
        .expect("CreateIdentityProvider");
    offer(&server, &app, "Corp").await;
    Some(Federation { server, app, idp })
}

/// Starts the IdP for `app`'s pool, set up from the pool's service provider metadata as the
/// server serves it (`/_local/saml-metadata`; with `provider`, that provider's encryption
/// certificate too), with users alice and bob.
async fn start_idp(server: &InProcessServer, app: &OAuthApp, provider: Option<&str>) -> Option<SamlIdp> {
    let mut url = format!("{}/_local/saml-metadata?domain={}", server.url(), app.domain);
    if let Some(provider) = provider {
        url.push_str(&format!("&provider={provider}"));
    }
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    let sp = response.text().await.unwrap();
    assert!(sp.contains(&format!("entityID=\"urn:amazon:cognito:sp:{}\"", app.pool)), "{sp}");
    let user = |name: &str, display: &str, groups: &[&str]| {
        json!({
            "password": IDP_PASSWORD,
            "name_id": format!("{name}@example.com"),
            "attributes": {
                EMAIL_CLAIM: [format!("{name}@example.com")],
                "displayName": [display],
                "groups": groups,
            }
        })
    };
    SamlIdp::start(json!({
        "sp_metadata": sp,
        "users": {
            "alice": user("alice", "Alice Example", &["admins", "staff"]),
            "bob": user("bob", "Bob Example", &["staff"]),
        },
    }))
    .await
}

/// Adds `provider` to the app client's providers (UpdateUserPoolClient replaces everything,
/// so the rest is given again).
async fn offer(server: &InProcessServer, app: &OAuthApp, provider: &str) {
    let client = server.client();
    let current = client
        .describe_user_pool_client()
        .user_pool_id(&app.pool)
        .client_id(&app.client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    client
        .update_user_pool_client()
        .user_pool_id(&app.pool)
        .client_id(&app.client_id)
        .set_callback_ur_ls(current.callback_ur_ls)
        .set_logout_ur_ls(current.logout_ur_ls)
        .set_allowed_o_auth_flows(current.allowed_o_auth_flows)
        .set_allowed_o_auth_scopes(current.allowed_o_auth_scopes)
        .allowed_o_auth_flows_user_pool_client(true)
        .set_explicit_auth_flows(current.explicit_auth_flows)
        .supported_identity_providers("COGNITO")
        .supported_identity_providers(provider)
        .send()
        .await
        .expect("UpdateUserPoolClient");
}

/// The tokens of the code in the app's callback URL `url`.
async fn tokens_of(app: &OAuthApp, url: &str) -> Value {
    let params = query_of(url);
    assert!(params.contains_key("code"), "no code in {url}");
    let page = Browser::new()
        .post(
            &format!("{}/oauth2/token", app.base),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &app.client_id),
                ("code", &params["code"]),
                ("redirect_uri", &app.callback),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()
}

/// Over HTTP: from the app's authorization request (naming the provider) through the IdP's
/// login to the assertion consumer service; the ACS's answer.
async fn sign_in_over_http(f: &Federation, browser: &Browser, username: &str, extra: &[(&str, &str)]) -> Page {
    let mut params = vec![("identity_provider", "Corp"), ("state", "app-state")];
    params.extend_from_slice(extra);
    let start = browser.get(&f.app.authorize_url(&params)).await;
    assert_eq!(start.status, 302, "{}", start.body);
    let to_idp = start.location.clone().unwrap();
    assert!(to_idp.starts_with(&f.idp.sso_url()), "{to_idp}");
    let at_idp = browser.get(&to_idp).await;
    assert_eq!(at_idp.status, 200, "{}\n{}", at_idp.body, f.idp.stderr());
    at_idp_to_acs(f, browser, at_idp, username).await
}

/// Signs in on the IdP's page (unless its session answers at once) and posts its answer on.
async fn at_idp_to_acs(f: &Federation, browser: &Browser, at_idp: Page, username: &str) -> Page {
    let (action, fields) = first_form(&at_idp.body).expect("a form at the IdP");
    let answer = if fields.iter().any(|(n, _)| n == "SAMLResponse") {
        at_idp
    } else {
        let pending = fields.iter().find(|(n, _)| n == "pending").map(|(_, v)| v.clone()).unwrap_or_default();
        let login = format!("{}{}", f.idp.url(), action);
        let page =
            browser.post(&login, &[("username", username), ("password", IDP_PASSWORD), ("pending", &pending)]).await;
        assert_eq!(page.status, 200, "{}\n{}", page.body, f.idp.stderr());
        page
    };
    let (acs, fields) = first_form(&answer.body).expect("the IdP's answer form");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    browser.post(&acs, &fields).await
}

#[tokio::test]
async fn in_chromium_a_saml_user_signs_in_is_linked_and_signs_out_at_the_provider() {
    if !browser_available() {
        return;
    }
    let app_url = web_app().await;
    let details = [("IDPSignout", "true"), ("RequestSigningAlgorithm", "rsa-sha256")];
    let Some(f) = federation(&details, Some(&app_url)).await else { return };
    let client = f.server.client();
    let callback = format!("{app_url}/callback");
    let sign_in_at_idp = |username: &str| {
        vec![
            json!({ "fill": "Username", "value": username }),
            json!({ "fill": "Password", "value": IDP_PASSWORD }),
            json!({ "click": "Sign in" }),
            json!({ "wait_url": callback }),
            json!({ "expect_text": "Welcome back to the app" }),
            json!({ "url": true }),
        ]
    };

    // The provider's button on the pool's sign-in page, then the IdP's own page.
    let mut steps = vec![
        json!({ "goto": f.app.authorize_url(&[("state", "st-1"), ("nonce", "n-1")]) }),
        json!({ "click": "Sign in with Corp" }),
        json!({ "wait_url": f.idp.url() }),
    ];
    steps.extend(sign_in_at_idp("alice"));
    let results = drive(json!(steps)).await;
    let url = results[0].as_str().unwrap();
    assert_eq!(query_of(url)["state"], "st-1");
    let tokens = tokens_of(&f.app, url).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_alice@example.com");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["name"], "Alice Example");
    assert_eq!(id["nickname"], "[admins, staff]");
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["identities"][0]["providerName"], "Corp");
    assert_eq!(id["identities"][0]["providerType"], "SAML");
    assert_eq!(id["identities"][0]["userId"], "alice@example.com");
    assert_eq!(id["identities"][0]["issuer"], f.idp.entity_id().as_str());
    let user =
        client.admin_get_user().user_pool_id(&f.app.pool).username("Corp_alice@example.com").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "EXTERNAL_PROVIDER");
    assert_eq!(id["identities"][0]["primary"], "true");
    // The attribute has them as AWS's SAML users' trigger events show: a boolean and a number.
    let attributes = user.user_attributes.unwrap_or_default();
    let identities = attributes.iter().find(|a| a.name == "identities").and_then(|a| a.value.clone()).unwrap();
    let identities: Value = serde_json::from_str(&identities).unwrap();
    assert_eq!(identities[0]["primary"], true, "{identities}");
    assert!(identities[0]["dateCreated"].is_i64(), "{identities}");
    assert_eq!(identities[0]["issuer"], f.idp.entity_id().as_str());

    // What the pool sent: a signed AuthnRequest (rsa-sha256) from its entity ID, for its ACS.
    let requests = f.idp.log_of("AuthnRequest").await;
    let request = requests.last().unwrap();
    assert_eq!(request["signed"], true, "{request}");
    assert_eq!(request["signature_valid"], true, "{request}");
    assert_eq!(request["query"]["SigAlg"], RSA_SHA256);
    let xml = request["xml"].as_str().unwrap();
    assert!(xml.contains(&format!("urn:amazon:cognito:sp:{}</", f.app.pool)), "{xml}");
    assert!(xml.contains(&format!("AssertionConsumerServiceURL=\"{}/saml2/idpresponse\"", f.app.base)), "{xml}");

    // Bob's identity linked to the local user carol: he comes back as carol.
    UserBuilder::new("carol").email().password(PASSWORD).create(&client, &f.app.pool).await;
    let identity = |provider: &str, attribute: &str, value: &str| ProviderUserIdentifierType {
        provider_name: Some(provider.into()),
        provider_attribute_name: Some(attribute.into()),
        provider_attribute_value: Some(value.into()),
    };
    client
        .admin_link_provider_for_user()
        .user_pool_id(&f.app.pool)
        .destination_user(identity("Cognito", "Cognito_Subject", "carol"))
        .source_user(identity("Corp", "Cognito_Subject", "bob@example.com"))
        .send()
        .await
        .unwrap();
    // A new browser (the IdP's session is alice's), straight to the provider.
    let mut steps = vec![json!({ "goto": f.app.authorize_url(&[("identity_provider", "Corp")]) })];
    steps.extend(sign_in_at_idp("bob"));
    let results = drive(json!(steps)).await;
    let id = claims(tokens_of(&f.app, results[0].as_str().unwrap()).await["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "carol");

    // The link disabled, bob's next sign-in is his own federated user.
    client
        .admin_disable_provider_for_user()
        .user_pool_id(&f.app.pool)
        .user(identity("Corp", "Cognito_Subject", "bob@example.com"))
        .send()
        .await
        .unwrap();
    let mut steps = vec![json!({ "goto": f.app.authorize_url(&[("identity_provider", "Corp")]) })];
    steps.extend(sign_in_at_idp("bob"));
    let results = drive(json!(steps)).await;
    let id = claims(tokens_of(&f.app, results[0].as_str().unwrap()).await["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_bob@example.com");

    // Single logout: the pool's /logout sends the browser to the IdP with a signed
    // LogoutRequest, the IdP posts its LogoutResponse back, and the browser reaches the app's
    // sign-out page; the next sign-in asks the IdP for a password again.
    let signed_out = format!("{app_url}/signed-out");
    let logout = format!(
        "{}/logout?{}",
        f.app.base,
        form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &f.app.client_id)
            .append_pair("logout_uri", &signed_out)
            .finish()
    );
    let mut steps = vec![json!({ "goto": f.app.authorize_url(&[("identity_provider", "Corp")]) })];
    steps.extend(sign_in_at_idp("alice"));
    steps.extend([
        json!({ "goto": logout }),
        json!({ "wait_url": signed_out }),
        json!({ "expect_text": "Signed out" }),
        json!({ "url": true }),
        json!({ "goto": f.app.authorize_url(&[("identity_provider", "Corp")]) }),
        json!({ "expect_text": "Password" }),
        json!({ "url": true }),
    ]);
    let results = drive(json!(steps)).await;
    assert!(results[1].as_str().unwrap().starts_with(&signed_out), "{results:?}");
    assert!(results[2].as_str().unwrap().starts_with(&f.idp.url()), "the IdP asks again: {results:?}");
    let logouts = f.idp.log_of("LogoutRequest").await;
    let logout_request = logouts.last().expect("a LogoutRequest reached the IdP");
    assert_eq!(logout_request["signature_valid"], true, "{logout_request}");
    let xml = logout_request["xml"].as_str().unwrap();
    assert!(xml.contains("alice@example.com</"), "{xml}");
    assert!(xml.contains("SessionIndex>"), "{xml}");

    // A refused response, in the browser too: the app's callback gets the error.
    f.idp.spoil(Some("audience")).await;
    let mut steps = vec![json!({ "goto": f.app.authorize_url(&[("identity_provider", "Corp"), ("state", "st-9")]) })];
    steps.extend(sign_in_at_idp("alice"));
    let results = drive(json!(steps)).await;
    let params = query_of(results[0].as_str().unwrap());
    assert_eq!(params["error"], "server_error", "{params:?}");
    assert_eq!(params["state"], "st-9");
    assert!(params["error_description"].starts_with("Invalid SAML response received: "), "{params:?}");
}

#[tokio::test]
async fn spoiled_responses_go_back_to_the_app_as_errors() {
    let Some(f) = federation(&[], None).await else { return };
    // Accepted: a response signed on the response only, or on the assertion only.
    for accepted in ["response_only", "assertion_only"] {
        f.idp.spoil(Some(accepted)).await;
        let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
        let to_app = answer.location.clone().unwrap_or_default();
        assert!(query_of(&to_app).contains_key("code"), "{accepted}: {to_app} {}", answer.body);
    }
    let refusals = [
        ("audience", "audience is not"),
        ("expired", "expired"),
        ("not_yet_valid", "not valid yet"),
        ("unsigned", "not signed"),
        ("recipient", "idpresponse is not http"),
        ("tampered", "SAML Assertion signature is invalid."),
        ("other_key", "SAML Assertion signature is invalid."),
        ("status_denied", "status"),
    ];
    for (spoil, reason) in refusals {
        f.idp.spoil(Some(spoil)).await;
        let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
        assert_eq!(answer.status, 302, "{spoil}: {}", answer.body);
        let to_app = answer.location.unwrap();
        assert!(to_app.starts_with(&f.app.callback), "{spoil}: {to_app}");
        let params = query_of(&to_app);
        assert_eq!(params["error"], "server_error", "{spoil}: {to_app}");
        assert_eq!(params["state"], "app-state");
        let description = &params["error_description"];
        assert!(description.starts_with("Invalid SAML response received: "), "{spoil}: {description}");
        assert!(description.contains(reason), "{spoil}: {description} should say {reason}");
    }
    f.idp.spoil(None).await;
    // Nobody was made by the refused responses (only the two accepted sign-ins' user).
    let users = f.server.client().list_users().user_pool_id(&f.app.pool).send().await.unwrap().users.unwrap();
    assert_eq!(users.len(), 1);
}

#[tokio::test]
async fn a_response_is_taken_once_and_only_for_its_own_request() {
    let Some(f) = federation(&[], None).await else { return };
    let browser = Browser::new();
    let answer = sign_in_over_http(&f, &browser, "alice", &[]).await;
    assert!(query_of(&answer.location.unwrap()).contains_key("code"));
    // The same response again: its relay state was taken, so nothing places it.
    let replayed = f.idp.last_response().await.unwrap();
    let requests = f.idp.log_of("AuthnRequest").await;
    let relay_state = requests.last().unwrap()["relay_state"].as_str().unwrap().to_owned();
    let acs = format!("{}/saml2/idpresponse", f.app.base);
    let again = browser.post(&acs, &[("SAMLResponse", &replayed), ("RelayState", &relay_state)]).await;
    assert_eq!(again.status, 302);
    assert!(again.location.unwrap().contains("/error?error=invalid_request"));
    // A second sign-in started: the first's response under the second's relay state answers
    // another request.
    let start = browser.get(&f.app.authorize_url(&[("identity_provider", "Corp"), ("state", "s2")])).await;
    let second_relay = query_of(start.location.as_deref().unwrap())["RelayState"].clone();
    let crossed = browser.post(&acs, &[("SAMLResponse", &replayed), ("RelayState", &second_relay)]).await;
    let params = query_of(&crossed.location.unwrap());
    assert_eq!(params["error"], "server_error");
    assert!(params["error_description"].contains("not for this request"), "{params:?}");
    // No relay state, or one that is neither a pending sign-in nor a request: the error page.
    let bare = browser.post(&acs, &[("SAMLResponse", &replayed)]).await;
    assert!(bare.location.unwrap().contains("/error?error=invalid_request"));
}

#[tokio::test]
async fn idp_initiated_sign_in_needs_idp_init_and_takes_each_assertion_once() {
    let Some(f) = federation(&[("IDPInit", "true")], None).await else { return };
    let relay_state = form_urlencoded::Serializer::new(String::new())
        .append_pair("identity_provider", "Corp")
        .append_pair("client_id", &f.app.client_id)
        .append_pair("redirect_uri", &f.app.callback)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid email")
        .finish();
    let browser = Browser::new();
    let at_idp = browser.get(&f.idp.idp_initiated_url(&relay_state)).await;
    assert_eq!(at_idp.status, 200, "{}", at_idp.body);
    let answer = at_idp_to_acs(&f, &browser, at_idp, "alice").await;
    let to_app = answer.location.clone().unwrap_or_default();
    assert!(to_app.starts_with(&f.app.callback), "{to_app} {}", answer.body);
    let id = claims(tokens_of(&f.app, &to_app).await["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_alice@example.com");
    // The same unsolicited response posted again is refused.
    let replayed = f.idp.last_response().await.unwrap();
    let acs = format!("{}/saml2/idpresponse", f.app.base);
    let again = browser.post(&acs, &[("SAMLResponse", &replayed), ("RelayState", &relay_state)]).await;
    let params = query_of(&again.location.unwrap());
    assert_eq!(params["error"], "server_error");
    assert!(params["error_description"].contains("used already"), "{params:?}");
    // Used assertions are kept until they expire, then forgotten when the next is used (seen in
    // the SQLite file; on PostgreSQL this part is left out).
    if !f.server.db.to_string_lossy().starts_with("postgres") {
        let db = rusqlite::Connection::open(&f.server.db).unwrap();
        let kept = |db: &rusqlite::Connection| -> Vec<i64> {
            let mut query = db
                .prepare("SELECT json_extract(doc, '$.expires_ms') FROM resources WHERE kind = 'saml_used_assertion'")
                .unwrap();
            query.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(kept(&db).len(), 1);
        db.execute(
            "UPDATE resources SET doc = json_set(doc, '$.expires_ms', 0) WHERE kind = 'saml_used_assertion'",
            [],
        )
        .unwrap();
        let at_idp = browser.get(&f.idp.idp_initiated_url(&relay_state)).await;
        let answer = at_idp_to_acs(&f, &browser, at_idp, "alice").await;
        assert!(query_of(&answer.location.unwrap()).contains_key("code"));
        let left = kept(&db);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(left[0] > 0, "the expired one is gone, the new one kept: {left:?}");
    }

    // Without IDPInit, an unsolicited response is refused with AWS's words.
    f.server
        .client()
        .update_identity_provider()
        .user_pool_id(&f.app.pool)
        .provider_name("Corp")
        .provider_details("MetadataURL", f.idp.metadata_url())
        .provider_details("IDPInit", "false")
        .send()
        .await
        .unwrap();
    let at_idp = browser.get(&f.idp.idp_initiated_url(&relay_state)).await;
    let answer = at_idp_to_acs(&f, &browser, at_idp, "alice").await;
    let params = query_of(&answer.location.unwrap());
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["error_description"], "Invalid samlResponse or relayState from identity provider");
}

#[tokio::test]
async fn a_provider_set_for_encrypted_responses_takes_only_encrypted_assertions() {
    let Some(f) = federation(&[("EncryptedResponses", "true")], None).await else { return };
    let client = f.server.client();
    let pool = f.app.pool.clone();
    let describe = || async {
        let provider = client
            .describe_identity_provider()
            .user_pool_id(&pool)
            .provider_name("Corp")
            .send()
            .await
            .unwrap()
            .identity_provider;
        provider.provider_details.unwrap()
    };
    let details = describe().await;
    let certificate = details["ActiveEncryptionCertificate"].clone();
    assert!(details.keys().all(|k| !k.starts_with("cognito")), "{details:?}");
    // This IdP knows no encryption certificate: its plain assertion is refused.
    let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
    let params = query_of(&answer.location.unwrap());
    assert!(params["error_description"].contains("not encrypted"), "{params:?}");
    let plain = last_assertion(&f).await;

    // One that encrypts for the provider's certificate; the provider moved to it keeps its pair.
    let Some(idp) = start_idp(&f.server, &f.app, Some("Corp")).await else { return };
    client
        .update_identity_provider()
        .user_pool_id(&f.app.pool)
        .provider_name("Corp")
        .provider_details("MetadataURL", idp.metadata_url())
        .provider_details("EncryptedResponses", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(describe().await["ActiveEncryptionCertificate"], certificate);
    let f = Federation { idp, ..f };
    let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
    let to_app = answer.location.clone().unwrap_or_default();
    assert!(query_of(&to_app).contains_key("code"), "{to_app} {}", answer.body);
    let id = claims(tokens_of(&f.app, &to_app).await["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "alice@example.com");
    let sent = f.idp.log_of("Response").await;
    let xml = sent.last().unwrap()["xml"].as_str().unwrap();
    assert!(xml.contains("EncryptedAssertion") && !xml.contains("Alice Example"), "{xml}");

    // A token exchange takes the assertion as an app holds it, encrypted; not a plain one.
    let agent = common::ClientBuilder::new("agent")
        .flows(&["ALLOW_TOKEN_EXCHANGE_IMPERSONATION"])
        .create(&client, &f.app.pool)
        .await
        .id;
    let exchange = |token: &str| {
        client
            .get_derived_token()
            .client_id(&agent)
            .subject_token(token)
            .subject_token_type("SAML2")
            .subject_token_provider_name("Corp")
            .send()
    };
    let encrypted = last_element(&f, "EncryptedAssertion").await;
    let issued = common::outcome(exchange(&encrypted).await).expect("GetDerivedToken").issued_token;
    assert_eq!(claims(&issued)["username"], "Corp_alice@example.com");
    let invalid = common::pair("NotAuthorizedException", "Invalid SubjectToken");
    assert_eq!(common::outcome(exchange(&plain).await).unwrap_err(), invalid);

    // Turned off, the pair is gone, and the encrypted assertion is refused.
    client
        .update_identity_provider()
        .user_pool_id(&f.app.pool)
        .provider_name("Corp")
        .provider_details("MetadataURL", f.idp.metadata_url())
        .send()
        .await
        .unwrap();
    assert!(!describe().await.contains_key("ActiveEncryptionCertificate"));
    let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
    let params = query_of(&answer.location.unwrap());
    assert!(params["error_description"].contains("not set for EncryptedResponses"), "{params:?}");
    assert_eq!(common::outcome(exchange(&encrypted).await).unwrap_err(), invalid);
}

#[tokio::test]
async fn saml_sign_ins_run_the_triggers_with_their_sources() {
    let lambda = FakeLambda::start().await;
    for name in ["pre", "post", "token"] {
        lambda.returns(name, |_| {});
    }
    let server = InProcessServer::start_with(|o| o.lambda_endpoint = Some(lambda.url())).await;
    let config = LambdaConfigType {
        pre_sign_up: Some(arn("pre")),
        post_confirmation: Some(arn("post")),
        pre_token_generation: Some(arn("token")),
        ..Default::default()
    };
    let pool = PoolBuilder::new("saml").with(move |p| p.lambda_config(config));
    let Some(f) = federation_on(server, Some(pool), &[], None).await else { return };
    let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
    tokens_of(&f.app, &answer.location.unwrap()).await;
    let sources: Vec<String> =
        lambda.calls().iter().map(|c| c.event["triggerSource"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(sources, ["PreSignUp_ExternalProvider", "PostConfirmation_ConfirmSignUp", "TokenGeneration_HostedAuth"]);
    let pre = &lambda.events("pre")[0];
    assert_eq!(pre["userName"], "Corp_alice@example.com");
    let attributes = &pre["request"]["userAttributes"];
    assert_eq!(attributes["email"], "alice@example.com");
    assert!(attributes["identities"].as_str().unwrap().contains("\"providerType\":\"SAML\""), "{attributes}");

    // A PreSignUp refusal reaches the app as AWS words it.
    lambda.on("pre", |_| Reply::FunctionError("Not invited".into()));
    let refused = sign_in_over_http(&f, &Browser::new(), "bob", &[]).await;
    let params = query_of(&refused.location.unwrap());
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].starts_with("PreSignUp failed with error Not invited"), "{params:?}");
}

/// The IdP's last assertion on its own, as a token exchange presents one (RFC 8693's
/// `saml2` token type: base64url of the `Assertion`). Its signature is exclusive-c14n, so the
/// namespaces the response declared for it are declared on it, as anyone who lifts an
/// assertion out of a response does; the digest is unchanged.
async fn last_assertion(f: &Federation) -> String {
    last_element(f, "Assertion").await
}

/// The IdP's last response's element `local` (`Assertion`, `EncryptedAssertion`) on its own,
/// base64url, as [`last_assertion`] lifts it.
async fn last_element(f: &Federation, local: &str) -> String {
    use base64::Engine;
    let responses = f.idp.log_of("Response").await;
    let xml = responses.last().expect("the IdP made a response")["xml"].as_str().unwrap().to_owned();
    let start = xml
        .match_indices(local)
        .map(|(i, _)| i)
        .find_map(|i| {
            let open = xml[..i].rfind('<')?;
            let name = &xml[open + 1..i];
            let next = xml[i + local.len()..].chars().next()?;
            (name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':')
                && (name.is_empty() || name.ends_with(':'))
                && (next == ' ' || next == '>'))
                .then_some((open, name.to_owned()))
        })
        .unwrap_or_else(|| panic!("no {local} in the response"));
    let (open, prefix) = start;
    let close = format!("</{prefix}{local}>");
    let end = xml.find(&close).expect("its end") + close.len();
    let mut assertion = xml[open..end].to_owned();
    let root_start = xml.match_indices('<').map(|(i, _)| i).find(|i| !xml[i + 1..].starts_with('?')).unwrap();
    let root_tag = &xml[root_start..root_start + xml[root_start..].find('>').unwrap()];
    let head_end = assertion.find([' ', '>']).unwrap();
    for declaration in root_tag.split_whitespace().filter(|d| d.starts_with("xmlns")) {
        let declaration = declaration.trim_end_matches('/');
        let name = declaration.split('=').next().unwrap();
        if !assertion[..assertion.find('>').unwrap()].contains(&format!("{name}=")) {
            assertion.insert_str(head_end, &format!(" {declaration}"));
        }
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(assertion)
}

/// The IdP's response for `username`, made but not posted to the pool (no user is made).
async fn assertion_not_posted(f: &Federation, username: &str) -> String {
    let browser = Browser::new();
    let start = browser.get(&f.app.authorize_url(&[("identity_provider", "Corp"), ("state", "st")])).await;
    let at_idp = browser.get(start.location.as_deref().unwrap()).await;
    let (action, fields) = first_form(&at_idp.body).expect("the IdP's login form");
    let pending = fields.iter().find(|(n, _)| n == "pending").map(|(_, v)| v.clone()).unwrap_or_default();
    let login = format!("{}{}", f.idp.url(), action);
    let page = browser.post(&login, &[("username", username), ("password", IDP_PASSWORD), ("pending", &pending)]).await;
    assert!(first_form(&page.body).is_some_and(|(_, f)| f.iter().any(|(n, _)| n == "SAMLResponse")));
    last_assertion(f).await
}

#[tokio::test]
async fn a_saml_assertion_is_exchanged_for_a_token_of_its_user() {
    let Some(f) = federation(&[], None).await else { return };
    let client = f.server.client();
    let agent = common::ClientBuilder::new("agent")
        .flows(&["ALLOW_TOKEN_EXCHANGE_IMPERSONATION"])
        .create(&client, &f.app.pool)
        .await
        .id;
    let exchange = |token: &str, token_type: &str| {
        client
            .get_derived_token()
            .client_id(&agent)
            .subject_token(token)
            .subject_token_type(token_type)
            .subject_token_provider_name("Corp")
    };
    let answer = sign_in_over_http(&f, &Browser::new(), "alice", &[]).await;
    assert!(query_of(&answer.location.unwrap_or_default()).contains_key("code"), "alice signed in once");
    let assertion = last_assertion(&f).await;

    let out = common::outcome(exchange(&assertion, "SAML2").send().await).expect("GetDerivedToken");
    assert_eq!(out.scopes, None);
    assert_eq!(claims(&out.issued_token)["username"], "Corp_alice@example.com");
    let out = common::outcome(exchange(&assertion, "SAML2").requested_token_type("ID_TOKEN").send().await).unwrap();
    let id = claims(&out.issued_token);
    assert_eq!(
        (id["cognito:username"].as_str(), id["email"].as_str()),
        (Some("Corp_alice@example.com"), Some("alice@example.com"))
    );
    assert_eq!(id["identities"][0]["providerType"], "SAML");
    // Standard base64 too.
    let standard = {
        use base64::Engine;
        let xml = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&assertion).unwrap();
        base64::engine::general_purpose::STANDARD.encode(xml)
    };
    assert!(common::outcome(exchange(&standard, "SAML2").send().await).is_ok());

    // Altered after signing, the assertion is refused; so are other audiences and old ones.
    let invalid = common::pair("NotAuthorizedException", "Invalid SubjectToken");
    let tampered = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let xml = String::from_utf8(engine.decode(&assertion).unwrap()).unwrap();
        engine.encode(xml.replace("alice@example.com<", "bob@example.com<"))
    };
    assert_eq!(common::outcome(exchange(&tampered, "SAML2").send().await).unwrap_err(), invalid);
    f.idp.spoil(Some("audience")).await;
    let other_audience = assertion_not_posted(&f, "alice").await;
    assert_eq!(common::outcome(exchange(&other_audience, "SAML2").send().await).unwrap_err(), invalid);
    f.idp.spoil(Some("expired")).await;
    let expired = assertion_not_posted(&f, "alice").await;
    assert_eq!(
        common::outcome(exchange(&expired, "SAML2").send().await).unwrap_err(),
        common::pair("NotAuthorizedException", "SubjectToken has expired")
    );
    f.idp.spoil(None).await;

    // Bob never signed in to the pool: his assertion names no user of it.
    let bob = assertion_not_posted(&f, "bob").await;
    assert_eq!(
        common::outcome(exchange(&bob, "SAML2").send().await).unwrap_err(),
        common::pair("UserNotFoundException", "User does not exist.")
    );
    // A SAML provider issues no id tokens.
    let (code, _) = common::outcome(exchange(&assertion, "ID_TOKEN").send().await).unwrap_err();
    assert_eq!(code, "InvalidParameterException");
}
