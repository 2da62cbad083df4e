//! `GetDerivedToken` with a provider's token as the subject or actor (`SubjectTokenProviderName`):
//! an OpenID Connect provider's id token (the test's own provider, `common::fake_idp`), checked
//! against the provider's configuration (JWKS, issuer, audience, expiry) and naming the user a
//! sign-in through the provider would: the federated user, or the local user it is linked to.
//! The SAML 2.0 side is in `saml_federation.rs`, against pysaml2.

mod common;

use cognito_auth::jwt::{JwtVerifier, TokenUse};
use cognito_idp::Client;
use cognito_idp::client::GetDerivedTokenBuilder;
use cognito_idp::types::ProviderUserIdentifierType;
use common::fake_idp::{FakeIdp, Spoil};
use common::oauth::{Browser, OAuthApp, OAuthSetup, claims};
use common::{ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, Tokens, UserBuilder, outcome, pair, sign_in};
use serde_json::json;

const CORP_CLIENT: &str = "corp-client";

/// A pool with the OIDC provider `Corp` (the test's provider), an exchanging client with a
/// secret and both exchange flows, and `Corp_fake-subject` made by a sign-in through Corp.
struct Setup {
    server: InProcessServer,
    client: Client,
    idp: FakeIdp,
    app: OAuthApp,
}

impl Setup {
    async fn start() -> Setup {
        let server = InProcessServer::start().await;
        let client = server.client();
        let idp = FakeIdp::start().await;
        let app = OAuthSetup::new("fedx")
            .secret()
            .explicit_flows(&["ALLOW_TOKEN_EXCHANGE_IMPERSONATION", "ALLOW_TOKEN_EXCHANGE_DELEGATION"])
            .identity_provider(
                "Corp",
                "OIDC",
                &[
                    ("client_id", CORP_CLIENT),
                    ("client_secret", "corp-secret"),
                    ("attributes_request_method", "GET"),
                    ("oidc_issuer", &idp.issuer()),
                    ("authorize_scopes", "openid email"),
                ],
                &[("email", "email")],
                &[],
            )
            .create(&client, &server.url())
            .await;
        let s = Setup { server, client, idp, app };
        // The first sign-in through Corp makes its user.
        let browser = Browser::new();
        let start = browser.get(&s.app.authorize_url(&[("identity_provider", "Corp"), ("state", "st")])).await;
        let at_idp = browser.get(start.location.as_deref().unwrap()).await;
        let back = browser.get(at_idp.location.as_deref().unwrap()).await.location_params();
        assert!(back.contains_key("code"), "{back:?}");
        s
    }

    /// `GetDerivedToken` by the app client of `token` (of `token_type`) from `provider`.
    fn exchange(&self, token: &str, token_type: &str, provider: &str) -> GetDerivedTokenBuilder {
        self.client
            .get_derived_token()
            .client_id(&self.app.client_id)
            .client_secret(self.app.secret.as_deref().unwrap())
            .subject_token(token)
            .subject_token_type(token_type)
            .subject_token_provider_name(provider)
    }

    /// The exchange of a fresh Corp id token.
    fn exchange_corp(&self) -> GetDerivedTokenBuilder {
        self.exchange(&self.idp.id_token(CORP_CLIENT), "ID_TOKEN", "Corp")
    }

    fn verifier(&self) -> JwtVerifier {
        let issuer = format!("{}/{}", self.server.url(), self.app.pool);
        JwtVerifier::builder("us-east-1", &self.app.pool).issuer(issuer).client_id(&self.app.client_id).build().unwrap()
    }
}

async fn refused(call: GetDerivedTokenBuilder) -> (String, String) {
    outcome(call.send().await).expect_err("the exchange should be refused")
}

#[tokio::test]
async fn a_providers_id_token_is_exchanged_for_a_token_of_its_federated_user() {
    let s = Setup::start().await;
    let out = outcome(s.exchange_corp().send().await).expect("GetDerivedToken");
    assert_eq!((out.issued_token_type.as_str(), out.token_type.as_str()), ("ACCESS_TOKEN", "Bearer"));
    assert_eq!(out.scopes, None, "a provider's token holds none of the pool's scopes");
    let expires_in = out.expires_in.expect("ExpiresIn");
    assert!((3500..=3600).contains(&expires_in), "never past the provider's token: {expires_in}");
    let issued = claims(&out.issued_token);
    assert_eq!(issued["username"], "Corp_fake-subject");
    assert_eq!(issued["client_id"], s.app.client_id.as_str());
    assert!(issued.get("scope").is_none(), "{issued}");
    assert!(issued["origin_jti"].as_str().is_some_and(|j| !j.is_empty()), "{issued}");
    let verified = s.verifier().verify(&out.issued_token, TokenUse::Access).await.expect("the pool's JWKS verifies it");
    assert_eq!(verified.username.as_deref(), Some("Corp_fake-subject"));

    // An id token of the federated user: its mapped email and its identities.
    let out = outcome(s.exchange_corp().requested_token_type("ID_TOKEN").send().await).expect("GetDerivedToken");
    let id = claims(&out.issued_token);
    assert_eq!(
        (id["cognito:username"].as_str(), id["email"].as_str()),
        (Some("Corp_fake-subject"), Some("fake.user@corp.example.com"))
    );
    assert_eq!(id["identities"][0]["providerName"], "Corp");
    assert_eq!(id["identities"][0]["userId"], "fake-subject");

    // The issued token is the user's like any other: it is a subject itself, until the user is
    // signed out everywhere.
    let first = outcome(s.exchange_corp().send().await).unwrap().issued_token;
    let again =
        s.client.get_derived_token().client_id(&s.app.client_id).client_secret(s.app.secret.as_deref().unwrap());
    let again = again.subject_token(&first).subject_token_type("ACCESS_TOKEN");
    assert!(outcome(again.clone().send().await).is_ok());
    s.client.admin_user_global_sign_out().user_pool_id(&s.app.pool).username("Corp_fake-subject").send().await.unwrap();
    assert_eq!(refused(again).await, pair("NotAuthorizedException", "SubjectToken has been revoked"));
    // A new provider token still exchanges: signing out ends the pool's tokens, not the provider's.
    assert!(outcome(s.exchange_corp().send().await).is_ok());

    // Disabled, the user gets nothing.
    s.client.admin_disable_user().user_pool_id(&s.app.pool).username("Corp_fake-subject").send().await.unwrap();
    assert_eq!(refused(s.exchange_corp()).await, pair("NotAuthorizedException", "User is disabled."));
}

#[tokio::test]
async fn a_linked_identity_is_its_local_user_and_one_never_seen_is_no_user() {
    let s = Setup::start().await;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&s.client, &s.app.pool).await;
    let identity = |provider: &str, attribute: &str, value: &str| ProviderUserIdentifierType {
        provider_name: Some(provider.into()),
        provider_attribute_name: Some(attribute.into()),
        provider_attribute_value: Some(value.into()),
    };
    s.client
        .admin_link_provider_for_user()
        .user_pool_id(&s.app.pool)
        .destination_user(identity("Cognito", "", "ana"))
        .source_user(identity("Corp", "Cognito_Subject", "ana-at-corp"))
        .send()
        .await
        .expect("AdminLinkProviderForUser");
    s.idp.set_subject("ana-at-corp");
    let out = outcome(s.exchange_corp().send().await).expect("GetDerivedToken");
    assert_eq!(claims(&out.issued_token)["username"], "ana");

    // A provider identity that never signed in to the pool names no user.
    s.idp.set_subject("stranger");
    assert_eq!(refused(s.exchange_corp()).await, pair("UserNotFoundException", "User does not exist."));
}

#[tokio::test]
async fn a_providers_token_is_checked_against_the_providers_configuration() {
    let s = Setup::start().await;
    let invalid = pair("NotAuthorizedException", "Invalid SubjectToken");
    s.idp.spoil(Spoil { audience: Some("another-client".into()), ..Spoil::default() });
    assert_eq!(refused(s.exchange_corp()).await, invalid);
    s.idp.spoil(Spoil { issuer: Some("https://evil.example.com".into()), ..Spoil::default() });
    assert_eq!(refused(s.exchange_corp()).await, invalid);
    s.idp.spoil(Spoil { expired: true, ..Spoil::default() });
    assert_eq!(refused(s.exchange_corp()).await, pair("NotAuthorizedException", "SubjectToken has expired"));
    // A nonce is some sign-in's, not the pool's: not checked here.
    s.idp.spoil(Spoil { nonce: Some("someone-elses".into()), ..Spoil::default() });
    assert!(outcome(s.exchange_corp().send().await).is_ok());
    s.idp.spoil(Spoil::default());

    // Tampered, or signed by another key: the provider's JWKS has no key that signed it.
    let token = s.idp.id_token(CORP_CLIENT);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = base64_claims(
        json!({"sub": "fake-subject", "aud": CORP_CLIENT, "iss": s.idp.issuer(), "exp": 4_102_444_800_i64}),
    );
    assert_eq!(refused(s.exchange(&parts.join("."), "ID_TOKEN", "Corp")).await, invalid);
    let other = FakeIdp::start().await;
    assert_eq!(refused(s.exchange(&other.id_token(CORP_CLIENT), "ID_TOKEN", "Corp")).await, invalid);

    // Types the provider does not issue, and providers the pool does not have.
    let (code, _) = refused(s.exchange(&token, "ACCESS_TOKEN", "Corp")).await;
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = refused(s.exchange("PHNhbWw-", "SAML2", "Corp")).await;
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        refused(s.exchange(&token, "ID_TOKEN", "Nope")).await,
        pair("ResourceNotFoundException", "Identity provider Nope does not exist.")
    );
}

fn base64_claims(value: serde_json::Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn a_providers_token_can_be_the_actor() {
    let s = Setup::start().await;
    let web = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&s.client, &s.app.pool).await.id;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&s.client, &s.app.pool).await;
    let ana: Tokens = sign_in(&s.client, &web, "ana", PASSWORD).await.into();
    let out = s
        .client
        .get_derived_token()
        .client_id(&s.app.client_id)
        .client_secret(s.app.secret.as_deref().unwrap())
        .subject_token(&ana.access)
        .subject_token_type("ACCESS_TOKEN")
        .actor_token(s.idp.id_token(CORP_CLIENT))
        .actor_token_type("ID_TOKEN")
        .actor_token_provider_name("Corp")
        .send()
        .await;
    let issued = claims(&outcome(out).expect("GetDerivedToken").issued_token);
    assert_eq!(issued["username"], "ana");
    let corp_sub = common::value_of(&common::attributes_of(&s.client, &s.app.pool, "Corp_fake-subject").await, "sub");
    assert_eq!(issued["act"], json!({ "sub": corp_sub.unwrap() }));
}
