//! Signing in to pool A through an OpenID Connect provider, over HTTP as a browser does it
//! (redirects followed by hand, cookies kept). The provider is real: pool B of the same
//! server, with its own domain, discovery document, JWKS and managed login; and, for tokens a
//! real provider would not send (another audience, expired, another nonce or issuer), a
//! small provider of the test's own (`common::fake_idp`).
//!
//! Checked: the first sign-in makes `IdpB_{sub}` (`EXTERNAL_PROVIDER`, mapped attributes,
//! `identities`, the provider's group) and its tokens carry the `identities` claim; a linked
//! identity signs in as the local user until the link is disabled; the state, nonce, audience,
//! expiry and issuer are checked; a provider's error reaches the app; the triggers run with
//! their federation sources; email domains route to their provider; a pool that tracks user
//! sessions records a federated sign-in's SSO and token sessions; deleting a provider keeps
//! its users and group and removes its links.

mod common;

use common::chromium::{browser_available, drive};
use common::fake_idp::{FakeIdp, Spoil};
use common::lambda::{FakeLambda, arn};
use common::oauth::{Browser, OAuthApp, OAuthSetup, Page, SIGNED_OUT, absolute, claims, query_of};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder, value_of};

use cognito_idp::types::{
    LambdaConfigType, ProviderUserIdentifierType, SessionDescriptionType, UserPoolTokenSessionConfigType,
    UserSessionTrackingType,
};
use serde_json::{Value, json};

/// Pool B (the provider, with users alice and bob) and pool A (the app, whose provider
/// `IdpB` is pool B, mapping `email` and routing `corp.example.com` to it).
async fn pools(server: &InProcessServer, a_pool: Option<PoolBuilder>, callback: Option<&str>) -> (OAuthApp, OAuthApp) {
    let client = server.client();
    let url = server.url();
    // AWS takes plain-HTTP callbacks on localhost only: A is reached as localhost, so that the
    // redirect_uri it sends B (made from the request's host) is one B's client allows.
    let local = url.replace("127.0.0.1", "localhost");
    let idp_callback = format!("{local}/domain/app-domain/oauth2/idpresponse");
    let b = OAuthSetup::new("idp")
        .secret()
        .scopes(&["openid", "email", "profile"])
        .app_urls(&idp_callback, SIGNED_OUT)
        .create(&client, &url)
        .await;
    UserBuilder::new("alice").verified_email().password(PASSWORD).create(&client, &b.pool).await;
    UserBuilder::new("bob").attr("email", "bob@corp.example.com").password(PASSWORD).create(&client, &b.pool).await;
    let issuer = format!("{url}/{}", b.pool);
    let mut a = OAuthSetup::new("app").identity_provider(
        "IdpB",
        "OIDC",
        &[
            ("client_id", &b.client_id),
            ("client_secret", b.secret.as_deref().unwrap()),
            ("attributes_request_method", "GET"),
            ("oidc_issuer", &issuer),
            ("authorize_scopes", "openid email profile"),
        ],
        &[("email", "email"), ("email_verified", "email_verified")],
        &["corp.example.com"],
    );
    if let Some(pool) = a_pool {
        a = a.pool(pool);
    }
    if let Some(callback) = callback {
        a = a.app_urls(callback, SIGNED_OUT);
    }
    let mut a = a.create(&client, &url).await;
    a.base = a.base.replace("127.0.0.1", "localhost");
    a.url = local;
    (a, b)
}

/// From A's authorization request through B's sign-in page back to A: the response A sends
/// to the app. `tamper` may change the redirect to the provider before the browser follows it.
async fn sign_in_through_b(
    a: &OAuthApp,
    b: &OAuthApp,
    username: &str,
    extra: &[(&str, &str)],
    tamper: impl Fn(String) -> String,
) -> Page {
    let browser = Browser::new();
    let mut params = vec![("state", "app-state"), ("nonce", "app-nonce")];
    params.extend_from_slice(extra);
    let start = browser.get(&a.authorize_url(&params)).await;
    assert_eq!(start.status, 302, "{}", start.body);
    let to_provider = start.location.clone().unwrap();
    assert!(to_provider.starts_with(&format!("{}/oauth2/authorize?", b.base)), "{to_provider}");
    let at_provider = browser.sign_in(b, &tamper(to_provider), username, PASSWORD).await;
    assert_eq!(at_provider.status, 302, "{}", at_provider.body);
    let back = at_provider.location.clone().unwrap();
    assert!(back.starts_with(&format!("{}/oauth2/idpresponse?code=", a.base)), "{back}");
    browser.get(&back).await
}

async fn exchange(a: &OAuthApp, code: &str) -> Value {
    let page = Browser::new()
        .post(
            &format!("{}/oauth2/token", a.base),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &a.client_id),
                ("code", code),
                ("redirect_uri", &a.callback),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()
}

fn identity(provider: &str, attribute: &str, value: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType {
        provider_name: Some(provider.into()),
        provider_attribute_name: Some(attribute.into()),
        provider_attribute_value: Some(value.into()),
    }
}

async fn sub_of(server: &InProcessServer, pool: &str, username: &str) -> String {
    value_of(&common::attributes_of(&server.client(), pool, username).await, "sub").unwrap()
}

#[tokio::test]
async fn a_pool_of_this_server_is_an_oidc_provider_for_another() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (a, b) = pools(&server, None, None).await;
    let alice_sub = sub_of(&server, &b.pool, "alice").await;

    let answer = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |u| u).await;
    assert_eq!(answer.status, 302, "{}", answer.body);
    let params = answer.location_params();
    assert!(answer.location.as_deref().unwrap().starts_with(&a.callback), "{:?}", answer.location);
    assert_eq!(params["state"], "app-state");
    let tokens = exchange(&a, &params["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    let username = format!("IdpB_{alice_sub}");
    assert_eq!(id["cognito:username"], username.as_str());
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["nonce"], "app-nonce");
    assert_eq!(id["cognito:groups"], serde_json::json!([format!("{}_IdpB", a.pool)]));
    let identities = id["identities"].as_array().expect("identities is an array claim");
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0]["userId"], alice_sub.as_str());
    assert_eq!(identities[0]["providerName"], "IdpB");
    assert_eq!(identities[0]["providerType"], "OIDC");
    assert_eq!(identities[0]["primary"], "true");
    assert_eq!(identities[0]["issuer"], Value::Null);

    let user = client.admin_get_user().user_pool_id(&a.pool).username(&username).send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "EXTERNAL_PROVIDER");
    let attributes = user.user_attributes.unwrap();
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("alice@example.com"));
    assert_eq!(value_of(&attributes, "email_verified").as_deref(), Some("true"));
    assert!(value_of(&attributes, "identities").unwrap().contains("\"providerName\":\"IdpB\""));

    // The mapping is applied again at each sign-in.
    client
        .admin_update_user_attributes()
        .user_pool_id(&b.pool)
        .username("alice")
        .user_attributes(common::attr("email", "alice@new.example.com"))
        .send()
        .await
        .unwrap();
    let again = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |u| u).await;
    assert!(again.location_params().contains_key("code"), "{:?}", again.location);
    let attributes = common::attributes_of(&client, &a.pool, &username).await;
    assert_eq!(value_of(&attributes, "email").as_deref(), Some("alice@new.example.com"));
    let listed = client.list_users().user_pool_id(&a.pool).send().await.unwrap().users.unwrap();
    assert_eq!(listed.len(), 1, "the second sign-in is the same user");

    // Linking bob's identity to the local user carol: bob signs in as carol ...
    UserBuilder::new("carol").email().password(PASSWORD).create(&client, &a.pool).await;
    let bob_sub = sub_of(&server, &b.pool, "bob").await;
    client
        .admin_link_provider_for_user()
        .user_pool_id(&a.pool)
        .destination_user(identity("Cognito", "Cognito_Subject", "carol"))
        .source_user(identity("IdpB", "Cognito_Subject", &bob_sub))
        .send()
        .await
        .unwrap();
    // ... while alice, who signed in already, cannot be linked (AWS: no merging).
    let merge = client
        .admin_link_provider_for_user()
        .user_pool_id(&a.pool)
        .destination_user(identity("Cognito", "Cognito_Subject", "carol"))
        .source_user(identity("IdpB", "Cognito_Subject", &alice_sub))
        .send()
        .await;
    assert_eq!(common::failure(merge).0, "InvalidParameterException");
    let linked = sign_in_through_b(&a, &b, "bob", &[("identity_provider", "IdpB")], |u| u).await;
    let tokens = exchange(&a, &linked.location_params()["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "carol");
    assert!(client.admin_get_user().user_pool_id(&a.pool).username(format!("IdpB_{bob_sub}")).send().await.is_err());

    // Disabling the link: bob's next sign-in is a user of his own.
    client
        .admin_disable_provider_for_user()
        .user_pool_id(&a.pool)
        .user(identity("IdpB", "Cognito_Subject", &bob_sub))
        .send()
        .await
        .unwrap();
    let unlinked = sign_in_through_b(&a, &b, "bob", &[("identity_provider", "IdpB")], |u| u).await;
    let tokens = exchange(&a, &unlinked.location_params()["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], format!("IdpB_{bob_sub}").as_str());

    // The identifier routes by email domain, through the authorization endpoint or the
    // sign-in page's corporate-ID form.
    let routed = sign_in_through_b(&a, &b, "bob", &[("idp_identifier", "corp.example.com")], |u| u).await;
    assert!(routed.location_params().contains_key("code"));
    let browser = Browser::new();
    let login = browser.get(&absolute(&a, browser.get(&a.authorize_url(&[])).await.location.as_deref().unwrap())).await;
    assert!(login.body.contains("Sign in with IdpB"), "{}", login.body);
    assert!(login.body.contains("idp_email"), "{}", login.body);
    let login_url = format!("{}/login?{}", a.base, a.authorize_url(&[]).split_once('?').unwrap().1);
    let csrf = login.input("_csrf").unwrap();
    let to_idp = browser.post(&login_url, &[("_csrf", &csrf), ("idp_email", "bob@Corp.example.com")]).await;
    assert_eq!(to_idp.status, 302, "{}", to_idp.body);
    let authorize = browser.get(&absolute(&a, to_idp.location.as_deref().unwrap())).await;
    assert!(authorize.location.as_deref().unwrap().starts_with(&format!("{}/oauth2/authorize?", b.base)));
    let unknown = browser.post(&login_url, &[("_csrf", &csrf), ("idp_email", "eve@elsewhere.example")]).await;
    assert_eq!(unknown.status, 200);
    assert!(unknown.body.contains("No identity provider"), "{}", unknown.body);
}

#[tokio::test]
async fn state_and_nonce_mismatches_and_provider_errors_fail() {
    let server = InProcessServer::start().await;
    let (a, b) = pools(&server, None, None).await;

    // A state A never issued: its error page (no app can be told).
    let browser = Browser::new();
    let forged = browser.get(&format!("{}/oauth2/idpresponse?code=abc&state=forged", a.base)).await;
    assert_eq!(forged.status, 302);
    assert!(forged.location.as_deref().unwrap().contains("/error?error=invalid_state"), "{:?}", forged.location);

    // Another nonce sent to the provider: its id token does not carry A's.
    let answer = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |url| {
        let (head, tail) = url.split_once("&nonce=").unwrap();
        let rest = tail.split_once('&').map(|(_, r)| format!("&{r}")).unwrap_or_default();
        format!("{head}&nonce=someone-elses{rest}")
    })
    .await;
    assert!(answer.location.as_deref().unwrap().starts_with(&a.callback));
    let params = answer.location_params();
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["error_description"], "Bad id_token nonce");
    assert_eq!(params["state"], "app-state");

    // The provider's own error, passed on with its name.
    let browser = Browser::new();
    let start = browser.get(&a.authorize_url(&[("identity_provider", "IdpB"), ("state", "s1")])).await;
    let provider_state = start.location_params()["state"].clone();
    let refused = browser
        .get(&format!(
            "{}/oauth2/idpresponse?error=access_denied&error_description=User+cancelled&state={provider_state}",
            a.base
        ))
        .await;
    let params = refused.location_params();
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["error_description"], "IdpB Error - access_denied User cancelled");
    assert_eq!(params["state"], "s1");
    // A state is used once.
    let replay = browser.get(&format!("{}/oauth2/idpresponse?code=x&state={provider_state}", a.base)).await;
    assert!(replay.location.as_deref().unwrap().contains("error=invalid_state"));

    // A provider the client does not support, or an unknown identifier: refused to the app.
    let unknown = browser.get(&a.authorize_url(&[("identity_provider", "Nope")])).await;
    assert_eq!(unknown.location_params()["error_description"], "Login option is not available. Please try another one");
    let unknown = browser.get(&a.authorize_url(&[("idp_identifier", "elsewhere.example")])).await;
    assert_eq!(unknown.location_params()["error"], "invalid_request");
}

#[tokio::test]
async fn id_tokens_of_another_audience_issuer_or_time_are_refused() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let idp = FakeIdp::start().await;
    let a = OAuthSetup::new("fake")
        .identity_provider(
            "Corp",
            "OIDC",
            &[
                ("client_id", "corp-client"),
                ("client_secret", "corp-secret"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", &idp.issuer()),
                ("authorize_scopes", "openid email"),
            ],
            &[("email", "email"), ("name", "name")],
            &[],
        )
        .create(&client, &server.url())
        .await;
    let attempt = || async {
        let browser = Browser::new();
        let start = browser.get(&a.authorize_url(&[("identity_provider", "Corp"), ("state", "st")])).await;
        let at_idp = browser.get(start.location.as_deref().unwrap()).await;
        assert_eq!(at_idp.status, 303, "{}", at_idp.body);
        browser.get(at_idp.location.as_deref().unwrap()).await.location_params()
    };

    let ok = attempt().await;
    let tokens = exchange(&a, &ok["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Corp_fake-subject");
    // `name` came from userinfo: the id token had none.
    assert_eq!(id["name"], "Fake User");
    let request = idp.token_requests().pop().unwrap();
    assert_eq!(request["client_secret"], "corp-secret", "client_secret_post");
    assert_eq!(request["grant_type"], "authorization_code");

    idp.spoil(Spoil { audience: Some("another-client".into()), ..Spoil::default() });
    let refused = attempt().await;
    assert_eq!(
        (refused["error"].as_str(), refused["error_description"].as_str()),
        ("invalid_request", "Bad id_token audience")
    );
    idp.spoil(Spoil { expired: true, ..Spoil::default() });
    assert_eq!(attempt().await["error_description"], "Bad id_token: it has expired");
    idp.spoil(Spoil { nonce: Some("other".into()), ..Spoil::default() });
    assert_eq!(attempt().await["error_description"], "Bad id_token nonce");
    idp.spoil(Spoil { issuer: Some("https://evil.example.com".into()), ..Spoil::default() });
    assert_eq!(attempt().await["error_description"], "Bad id_token issuer https://evil.example.com");
    idp.spoil(Spoil::default());
    assert!(attempt().await.contains_key("code"));
}

#[tokio::test]
async fn federated_sign_ins_run_the_triggers_with_their_sources() {
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
    let (a, b) = pools(&server, Some(PoolBuilder::new("app").with(move |p| p.lambda_config(config))), None).await;
    let answer = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |u| u).await;
    let params = answer.location_params();
    assert!(params.contains_key("code"), "{params:?}");
    exchange(&a, &params["code"]).await;
    let sources: Vec<String> =
        lambda.calls().iter().map(|c| c.event["triggerSource"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(sources, ["PreSignUp_ExternalProvider", "PostConfirmation_ConfirmSignUp", "TokenGeneration_HostedAuth"]);
    let pre = &lambda.events("pre")[0];
    assert!(pre["userName"].as_str().unwrap().starts_with("IdpB_"));
    assert!(pre["request"]["userAttributes"]["identities"].as_str().unwrap().contains("IdpB"));

    // A PreSignUp refusal reaches the app as AWS words it.
    lambda.on("pre", |_| common::lambda::Reply::FunctionError("Not invited".into()));
    let refused = sign_in_through_b(&a, &b, "bob", &[("identity_provider", "IdpB")], |u| u).await;
    let params = refused.location_params();
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].starts_with("PreSignUp failed with error Not invited"), "{params:?}");
}

/// A federated sign-in in a pool that tracks user sessions records what a password sign-in on
/// the managed login does: an SSO session (the browser's) and the token session of the code
/// exchanged through it, listed to an administrator and to the user.
#[tokio::test]
async fn federated_sign_ins_record_sso_and_token_sessions() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (a, b) = pools(&server, None, None).await;
    client
        .set_user_pool_session_configuration()
        .user_pool_id(&a.pool)
        .user_session_tracking(UserSessionTrackingType::from("ENABLED"))
        .token_session(UserPoolTokenSessionConfigType { max_per_user: 5 })
        .send()
        .await
        .unwrap();
    let alice_sub = sub_of(&server, &b.pool, "alice").await;
    let username = format!("IdpB_{alice_sub}");

    let answer = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |u| u).await;
    let params = answer.location_params();
    assert!(params.contains_key("code"), "{params:?}");
    let admin = |username: String| {
        let client = client.clone();
        let pool = a.pool.clone();
        async move {
            let out = client.admin_list_user_sessions().user_pool_id(pool).username(username).send().await.unwrap();
            out.sessions.unwrap_or_default()
        }
    };
    let before = admin(username.clone()).await;
    assert_eq!(before.len(), 1, "only the browser's SSO session before the code is exchanged: {before:?}");
    let kind = |s: &SessionDescriptionType| s.session_type.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default();
    assert_eq!(kind(&before[0]), "SSO");
    assert_eq!(before[0].client_id.as_deref(), Some(a.client_id.as_str()));

    let tokens = exchange(&a, &params["code"]).await;
    let sessions = admin(username.clone()).await;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let sso = sessions.iter().find(|s| kind(s) == "SSO").expect("the SSO session");
    let token = sessions.iter().find(|s| kind(s) == "TOKEN").expect("the code's token session");
    assert_eq!(sso.session_id, before[0].session_id);
    assert_eq!(token.origin_session_id, sso.session_id, "the token session came through the SSO session");
    assert_eq!(token.client_id.as_deref(), Some(a.client_id.as_str()));

    // The user sees the same sessions with the access token of that sign-in.
    let own = client
        .list_user_sessions()
        .access_token(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .sessions
        .unwrap_or_default();
    let mut own_ids: Vec<_> = own.iter().map(|s| s.session_id.clone()).collect();
    let mut admin_ids: Vec<_> = sessions.iter().map(|s| s.session_id.clone()).collect();
    own_ids.sort();
    admin_ids.sort();
    assert_eq!(own_ids, admin_ids);

    // Pool B, the provider, tracks nothing: its own sign-in recorded no session.
    let (code, _) =
        common::failure(client.admin_list_user_sessions().user_pool_id(&b.pool).username("alice").send().await);
    assert_eq!(code, "OperationNotEnabledException");
}

/// Deleting a provider keeps its users and its group, and removes the links made to it (with
/// the identities they added): a provider made again under the same name signs the once-linked
/// identity in as a user of its own. `COGNITO` is no provider to delete.
#[tokio::test]
async fn deleting_a_provider_keeps_its_users_and_group_and_forgets_its_links() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (a, b) = pools(&server, None, None).await;
    let alice_sub = sub_of(&server, &b.pool, "alice").await;
    let bob_sub = sub_of(&server, &b.pool, "bob").await;
    let alice = format!("IdpB_{alice_sub}");
    let group = format!("{}_IdpB", a.pool);
    let signed_in = sign_in_through_b(&a, &b, "alice", &[("identity_provider", "IdpB")], |u| u).await;
    assert!(signed_in.location_params().contains_key("code"), "{:?}", signed_in.location);
    UserBuilder::new("carol").email().password(PASSWORD).create(&client, &a.pool).await;
    client
        .admin_link_provider_for_user()
        .user_pool_id(&a.pool)
        .destination_user(identity("Cognito", "Cognito_Subject", "carol"))
        .source_user(identity("IdpB", "Cognito_Subject", &bob_sub))
        .send()
        .await
        .unwrap();
    let carol_identities = || async {
        value_of(&common::attributes_of(&client, &a.pool, "carol").await, "identities").unwrap_or_default()
    };
    assert!(carol_identities().await.contains(&bob_sub));

    client.delete_identity_provider().user_pool_id(&a.pool).provider_name("IdpB").send().await.unwrap();
    let gone = client.describe_identity_provider().user_pool_id(&a.pool).provider_name("IdpB").send().await;
    assert_eq!(common::failure(gone).0, "ResourceNotFoundException");
    // The provider's user and group stay.
    let user = client.admin_get_user().user_pool_id(&a.pool).username(&alice).send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "EXTERNAL_PROVIDER");
    client.get_group().user_pool_id(&a.pool).group_name(&group).send().await.unwrap();
    let members = client.list_users_in_group().user_pool_id(&a.pool).group_name(&group).send().await.unwrap();
    assert_eq!(members.users.unwrap().len(), 1);
    // The link and the identity it gave carol are gone.
    assert!(!carol_identities().await.contains(&bob_sub), "{}", carol_identities().await);
    let unlink = client.admin_disable_provider_for_user().user_pool_id(&a.pool).user(identity(
        "IdpB",
        "Cognito_Subject",
        &bob_sub,
    ));
    assert!(unlink.send().await.is_err(), "no provider IdpB, no link to disable");

    // The same provider again: bob signs in as a user of his own, not as carol.
    client
        .create_identity_provider()
        .user_pool_id(&a.pool)
        .provider_name("IdpB")
        .provider_type(cognito_idp::types::IdentityProviderTypeType::from("OIDC"))
        .provider_details("client_id", &b.client_id)
        .provider_details("client_secret", b.secret.as_deref().unwrap())
        .provider_details("attributes_request_method", "GET")
        .provider_details("oidc_issuer", format!("{}/{}", server.url(), b.pool))
        .provider_details("authorize_scopes", "openid email profile")
        .attribute_mapping("email", "email")
        .send()
        .await
        .unwrap();
    let bob = sign_in_through_b(&a, &b, "bob", &[("identity_provider", "IdpB")], |u| u).await;
    let tokens = exchange(&a, &bob.location_params()["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], format!("IdpB_{bob_sub}").as_str());

    // The pool's own directory is not a provider; an unknown name is not found.
    let own = client.delete_identity_provider().user_pool_id(&a.pool).provider_name("COGNITO").send().await;
    assert_eq!(common::failure(own).0, "UnsupportedIdentityProviderException");
    let unknown = client.delete_identity_provider().user_pool_id(&a.pool).provider_name("Nobody").send().await;
    assert_eq!(common::failure(unknown).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn a_social_provider_type_can_be_pointed_at_a_local_oidc_issuer() {
    let idp = FakeIdp::start().await;
    let issuer = idp.issuer();
    let server = InProcessServer::start_with(move |o| o.federation_endpoints = vec![format!("Google={issuer}")]).await;
    let client = server.client();
    idp.set_subject("10769150350006150715113082367");
    let a = OAuthSetup::new("social")
        .identity_provider(
            "Google",
            "Google",
            &[
                ("client_id", "g.apps.googleusercontent.com"),
                ("client_secret", "g-secret"),
                ("authorize_scopes", "openid email"),
            ],
            &[("email", "email")],
            &[],
        )
        .create(&client, &server.url())
        .await;
    let browser = Browser::new();
    let start = browser.get(&a.authorize_url(&[("identity_provider", "Google"), ("state", "st")])).await;
    let to_google = start.location.clone().unwrap();
    assert!(to_google.starts_with(&format!("{}/authorize?", idp.issuer())), "{to_google}");
    assert!(to_google.contains("client_id=g.apps.googleusercontent.com"), "{to_google}");
    let at_idp = browser.get(&to_google).await;
    let back = browser.get(at_idp.location.as_deref().unwrap()).await;
    let params = back.location_params();
    let tokens = exchange(&a, &params["code"]).await;
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Google_10769150350006150715113082367");
    assert_eq!(id["identities"][0]["providerType"], "Google");
    assert_eq!(id["email"], "fake.user@corp.example.com");
    assert_eq!(idp.token_requests().pop().unwrap()["client_id"], "g.apps.googleusercontent.com");
    // The login page offers the provider as a button.
    let login = browser
        .get(&absolute(&a, browser.get(&a.authorize_url(&[("prompt", "login")])).await.location.as_deref().unwrap()))
        .await;
    assert!(login.body.contains("Sign in with Google"), "{}", login.body);
}

/// An app page for the browser to land on: `/callback` answers a page.
async fn web_app() -> String {
    let app = axum::Router::new().route(
        "/callback",
        axum::routing::get(|| async {
            axum::response::Html("<!doctype html><title>App</title><p>Welcome back to the app</p>")
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://localhost:{port}/callback")
}

/// The id token of the code in the app's callback URL `url`.
async fn id_token_of(a: &OAuthApp, url: &str) -> Value {
    let params = query_of(url);
    assert!(params.contains_key("code"), "{url}");
    claims(exchange(a, &params["code"]).await["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn in_chromium_a_user_signs_in_through_the_provider_button_and_the_corporate_id_form() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let client = server.client();
    let callback = web_app().await;
    let (a, b) = pools(&server, None, Some(&callback)).await;
    let alice_sub = sub_of(&server, &b.pool, "alice").await;
    let bob_sub = sub_of(&server, &b.pool, "bob").await;
    let sign_in_at_b = |username: &str| {
        vec![
            json!({ "expect_text": "Sign in with your username and password" }),
            json!({ "fill": "Username", "value": username }),
            json!({ "fill": "Password", "value": PASSWORD }),
            json!({ "click": "Sign in" }),
            json!({ "wait_url": callback }),
            json!({ "expect_text": "Welcome back to the app" }),
            json!({ "url": true }),
        ]
    };

    // The provider's button on A's sign-in page, then B's own page.
    let mut steps = vec![
        json!({ "goto": a.authorize_url(&[("state", "st-1"), ("nonce", "n-1")]) }),
        json!({ "click": "Sign in with IdpB" }),
    ];
    steps.extend(sign_in_at_b("alice"));
    let results = drive(json!(steps)).await;
    let url = results[0].as_str().unwrap();
    assert_eq!(query_of(url)["state"], "st-1");
    let id = id_token_of(&a, url).await;
    assert_eq!(id["cognito:username"], format!("IdpB_{alice_sub}").as_str());
    assert_eq!(id["identities"][0]["providerName"], "IdpB");
    assert_eq!(id["nonce"], "n-1");

    // Bob's identity linked to the local user carol: the corporate-ID form routes his email's
    // domain to B, and he comes back as carol.
    UserBuilder::new("carol").email().password(PASSWORD).create(&client, &a.pool).await;
    client
        .admin_link_provider_for_user()
        .user_pool_id(&a.pool)
        .destination_user(identity("Cognito", "Cognito_Subject", "carol"))
        .source_user(identity("IdpB", "Cognito_Subject", &bob_sub))
        .send()
        .await
        .unwrap();
    let mut steps = vec![
        json!({ "goto": a.authorize_url(&[("state", "st-2")]) }),
        json!({ "fill": "Corporate email", "value": "bob@corp.example.com" }),
        json!({ "click": "Sign in with your corporate ID" }),
    ];
    steps.extend(sign_in_at_b("bob"));
    let results = drive(json!(steps)).await;
    assert_eq!(id_token_of(&a, results[0].as_str().unwrap()).await["cognito:username"], "carol");

    // The link disabled, bob's next sign-in is his own user.
    client
        .admin_disable_provider_for_user()
        .user_pool_id(&a.pool)
        .user(identity("IdpB", "Cognito_Subject", &bob_sub))
        .send()
        .await
        .unwrap();
    let mut steps = vec![json!({ "goto": a.authorize_url(&[("identity_provider", "IdpB")]) })];
    steps.extend(sign_in_at_b("bob"));
    let results = drive(json!(steps)).await;
    let id = id_token_of(&a, results[0].as_str().unwrap()).await;
    assert_eq!(id["cognito:username"], format!("IdpB_{bob_sub}").as_str());
}

#[tokio::test]
async fn in_chromium_a_token_for_another_audience_or_nonce_goes_back_as_an_error() {
    if !browser_available() {
        return;
    }
    let server = InProcessServer::start().await;
    let idp = FakeIdp::start().await;
    let callback = web_app().await;
    let a = OAuthSetup::new("fake")
        .identity_provider(
            "Corp",
            "OIDC",
            &[
                ("client_id", "corp-client"),
                ("attributes_request_method", "GET"),
                ("oidc_issuer", &idp.issuer()),
                ("authorize_scopes", "openid email"),
            ],
            &[("email", "email")],
            &[],
        )
        .app_urls(&callback, SIGNED_OUT)
        .create(&server.client(), &server.url())
        .await;
    let steps = |state: &str| {
        json!([
            { "goto": a.authorize_url(&[("identity_provider", "Corp"), ("state", state)]) },
            { "wait_url": callback },
            { "url": true },
        ])
    };
    idp.spoil(Spoil { audience: Some("someone-else".into()), ..Spoil::default() });
    let results = drive(steps("aud")).await;
    let params = query_of(results[0].as_str().unwrap());
    assert_eq!(
        (params["error"].as_str(), params["error_description"].as_str()),
        ("invalid_request", "Bad id_token audience")
    );
    assert_eq!(params["state"], "aud");
    idp.spoil(Spoil { nonce: Some("replayed".into()), ..Spoil::default() });
    let results = drive(steps("nonce")).await;
    assert_eq!(query_of(results[0].as_str().unwrap())["error_description"], "Bad id_token nonce");
    idp.spoil(Spoil::default());
    let results = drive(steps("ok")).await;
    assert_eq!(id_token_of(&a, results[0].as_str().unwrap()).await["cognito:username"], "Corp_fake-subject");
}

#[tokio::test]
async fn case_insensitive_pools_lowercase_federated_usernames_and_a_disabled_identity_stops() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let idp = FakeIdp::start().await;
    idp.set_subject("MixedCase-Subject");
    let pool = PoolBuilder::new("lower")
        .with(|p| p.username_configuration(cognito_idp::types::UsernameConfigurationType { case_sensitive: false }));
    let a = OAuthSetup::new("lower")
        .pool(pool)
        .identity_provider(
            "Corp",
            "OIDC",
            &[
                ("client_id", "corp-client"),
                ("attributes_request_method", "POST"),
                ("oidc_issuer", &idp.issuer()),
                ("authorize_scopes", "openid"),
            ],
            &[],
            &[],
        )
        .create(&client, &server.url())
        .await;
    let attempt = || async {
        let browser = Browser::new();
        let start = browser.get(&a.authorize_url(&[("identity_provider", "Corp"), ("state", "st")])).await;
        let at_idp = browser.get(start.location.as_deref().unwrap()).await;
        browser.get(at_idp.location.as_deref().unwrap()).await.location_params()
    };
    let first = attempt().await;
    let id = claims(exchange(&a, &first["code"]).await["id_token"].as_str().unwrap());
    // aws-amplify/amplify-js issue 13844: lowercase in case-insensitive pools.
    assert_eq!(id["cognito:username"], "corp_mixedcase-subject");

    // AdminDisableProviderForUser on the provider's own user: it no longer signs in.
    client
        .admin_disable_provider_for_user()
        .user_pool_id(&a.pool)
        .user(identity("Corp", "Cognito_Subject", "MixedCase-Subject"))
        .send()
        .await
        .unwrap();
    let refused = attempt().await;
    assert_eq!(
        (refused["error"].as_str(), refused["error_description"].as_str()),
        ("invalid_request", "User is disabled.")
    );
}
