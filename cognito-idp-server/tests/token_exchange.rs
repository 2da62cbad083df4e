//! The token exchange grant at the token endpoint (`POST /oauth2/token` with
//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`): the exchange `GetDerivedToken`
//! makes, with RFC 8693's parameters, answer and error codes. Driven over HTTP with reqwest, and
//! with Authlib as an independent OAuth 2.0 client.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_auth::jwt::{JwtVerifier, TokenUse};
use common::oauth::{OAuthApp, OAuthSetup};
use common::tools::{present, tool_available};
use common::{ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, Tokens, UserBuilder, sign_in};
use serde_json::{Value, json};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";
const ID: &str = "urn:ietf:params:oauth:token-type:id_token";
const ADMIN: &str = "aws.cognito.signin.user.admin";

fn claims(token: &str) -> Value {
    let text = token.split('.').nth(1).expect("a compact JWS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).unwrap()).unwrap()
}

/// A pool with a domain, the exchanging client `agent` (secret, both exchange flows), a
/// password client `web`, and `ana` and `bob` signed in through it.
struct Setup {
    server: InProcessServer,
    app: OAuthApp,
    web: String,
    ana: Tokens,
    bob: Tokens,
}

impl Setup {
    async fn start() -> Setup {
        Self::start_with(OAuthSetup::new("exchange")).await
    }

    async fn start_with(setup: OAuthSetup) -> Setup {
        let server = InProcessServer::start().await;
        let client = server.client();
        let app = setup
            .secret()
            .explicit_flows(&["ALLOW_TOKEN_EXCHANGE_IMPERSONATION", "ALLOW_TOKEN_EXCHANGE_DELEGATION"])
            .create(&client, &server.url())
            .await;
        let web = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &app.pool).await.id;
        let mut tokens = Vec::new();
        for name in ["ana", "bob"] {
            UserBuilder::new(name).verified_email().password(PASSWORD).create(&client, &app.pool).await;
            tokens.push(Tokens::from(sign_in(&client, &web, name, PASSWORD).await));
        }
        let bob = tokens.pop().unwrap();
        let ana = tokens.pop().unwrap();
        Setup { server, app, web, ana, bob }
    }

    /// The token endpoint's answer to the grant with `params`, by the agent (`client_secret_basic`).
    async fn exchange(&self, params: &[(&str, &str)]) -> (u16, Value) {
        let mut form = vec![("grant_type", GRANT)];
        form.extend_from_slice(params);
        let response = reqwest::Client::new()
            .post(format!("{}/oauth2/token", self.app.base))
            .header("Authorization", self.app.basic())
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 200 {
            let cache = response.headers()["cache-control"].to_str().unwrap().to_owned();
            assert!(cache.contains("no-store"), "{cache}");
        }
        (status, response.json().await.unwrap())
    }

    /// The error code of a refused exchange.
    async fn refused(&self, params: &[(&str, &str)]) -> String {
        let (status, body) = self.exchange(params).await;
        assert_eq!(status, 400, "{body}");
        body["error"].as_str().expect("an error code").to_owned()
    }

    fn verifier(&self) -> JwtVerifier {
        let issuer = format!("{}/{}", self.server.url(), self.app.pool);
        JwtVerifier::builder("us-east-1", &self.app.pool).issuer(issuer).client_id(&self.app.client_id).build().unwrap()
    }
}

#[tokio::test]
async fn an_access_token_is_exchanged_at_the_token_endpoint() {
    let s = Setup::start().await;
    let (status, body) =
        s.exchange(&[("subject_token", &s.ana.access), ("subject_token_type", ACCESS), ("resource", "orders")]).await;
    assert_eq!(status, 200, "{body}");
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["access_token", "expires_in", "issued_token_type", "scope", "token_type"], "RFC 8693's members");
    assert_eq!((body["issued_token_type"].as_str(), body["token_type"].as_str()), (Some(ACCESS), Some("Bearer")));
    assert_eq!(body["scope"], ADMIN, "the subject's scopes when none are asked for");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((3590..=3600).contains(&expires_in), "{expires_in}");

    let token = body["access_token"].as_str().unwrap();
    let (issued, subject) = (claims(token), claims(&s.ana.access));
    for same in ["sub", "username", "origin_jti"] {
        assert_eq!(issued[same], subject[same], "{same}");
    }
    assert_eq!(
        (issued["client_id"].as_str(), issued["aud"].as_str()),
        (Some(s.app.client_id.as_str()), Some("orders"))
    );
    let verified = s.verifier().verify(token, TokenUse::Access).await.expect("the pool's JWKS verifies it");
    assert_eq!(verified.username.as_deref(), Some("ana"));

    // With the admin scope it works as the user's own token: GetUser.
    let client = s.server.client();
    let user = client.get_user().access_token(token).send().await.expect("GetUser");
    assert_eq!(user.username, "ana");
}

#[tokio::test]
async fn id_tokens_scopes_audiences_and_actors() {
    let s = Setup::start().await;
    // An id token asked for: not usable as an access token, so `token_type` is N_A (RFC 8693
    // section 2.2.1), and no scope.
    let (status, body) = s
        .exchange(&[("subject_token", &s.ana.access), ("subject_token_type", ACCESS), ("requested_token_type", ID)])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["issued_token_type"].as_str(), body["token_type"].as_str()), (Some(ID), Some("N_A")));
    assert!(body.get("scope").is_none(), "{body}");
    let id = claims(body["access_token"].as_str().unwrap());
    assert_eq!((id["token_use"].as_str(), id["cognito:username"].as_str()), (Some("id"), Some("ana")));

    // The id token as the subject, an audience, and scopes narrowed to what is held.
    let (status, body) = s
        .exchange(&[
            ("subject_token", &s.ana.id),
            ("subject_token_type", ID),
            ("audience", "billing-api"),
            ("scope", &format!("orders/read {ADMIN}")),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("scope").is_none(), "an id token holds no scopes to pass on: {body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["aud"], "billing-api");
    let (_, body) =
        s.exchange(&[("subject_token", &s.ana.access), ("subject_token_type", ACCESS), ("scope", "orders/read")]).await;
    assert!(body.get("scope").is_none(), "nothing asked for is held: {body}");

    // Bob acting for Ana: delegation, named in `act`.
    let (status, body) = s
        .exchange(&[
            ("subject_token", &s.ana.access),
            ("subject_token_type", ACCESS),
            ("actor_token", &s.bob.access),
            ("actor_token_type", ACCESS),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
    let issued = claims(body["access_token"].as_str().unwrap());
    assert_eq!(issued["username"], "ana");
    assert_eq!(issued["act"], json!({ "sub": claims(&s.bob.access)["sub"] }));
}

#[tokio::test]
async fn refusals_carry_rfc_8693s_error_codes() {
    let s = Setup::start().await;
    let ana = s.ana.access.as_str();
    let subject = [("subject_token", ana), ("subject_token_type", ACCESS)];
    assert_eq!(s.refused(&[("subject_token_type", ACCESS)]).await, "invalid_request", "no subject_token");
    assert_eq!(s.refused(&[("subject_token", ana)]).await, "invalid_request", "no subject_token_type");
    assert_eq!(
        s.refused(&[("subject_token", ana), ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt")]).await,
        "invalid_request",
        "a token type Cognito does not take"
    );
    assert_eq!(
        s.refused(&[("subject_token", ana), ("subject_token_type", "urn:ietf:params:oauth:token-type:saml2")]).await,
        "invalid_request",
        "a SAML 2.0 subject names no provider here"
    );
    let with = |extra: (&'static str, &'static str)| {
        let mut params = subject.to_vec();
        params.push(extra);
        params
    };
    assert_eq!(
        s.refused(&with(("requested_token_type", "urn:ietf:params:oauth:token-type:saml2"))).await,
        "invalid_request",
        "Cognito issues no SAML assertion"
    );
    assert_eq!(s.refused(&with(("actor_token_type", ACCESS))).await, "invalid_request", "a type without an actor");
    assert_eq!(s.refused(&with(("resource", "nosuch"))).await, "invalid_target");
    let mut both = with(("resource", "orders"));
    both.push(("audience", "billing-api"));
    assert_eq!(s.refused(&both).await, "invalid_request", "audience and resource together");

    // A forged, or another pool's, or a signed-out user's subject token is a refused grant.
    let mut forged = ana.to_owned();
    forged.pop();
    assert_eq!(s.refused(&[("subject_token", &forged), ("subject_token_type", ACCESS)]).await, "invalid_grant");
    assert_eq!(s.refused(&[("subject_token", ana), ("subject_token_type", ID)]).await, "invalid_grant");
    let client = s.server.client();
    client.global_sign_out().access_token(&s.bob.access).send().await.expect("GlobalSignOut");
    let bob = [("subject_token", s.bob.access.as_str()), ("subject_token_type", ACCESS)];
    assert_eq!(s.refused(&bob).await, "invalid_grant");

    // The client must authenticate, and hold the flow the exchange needs.
    let response = reqwest::Client::new()
        .post(format!("{}/oauth2/token", s.app.base))
        .basic_auth(&s.app.client_id, Some("not-the-secret"))
        .form(&[("grant_type", GRANT), ("subject_token", ana), ("subject_token_type", ACCESS)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");

    let narrow = Setup::start_with(OAuthSetup::new("narrow")).await;
    let client = narrow.server.client();
    client
        .update_user_pool_client()
        .user_pool_id(&narrow.app.pool)
        .client_id(&narrow.app.client_id)
        .explicit_auth_flows(cognito_idp::types::ExplicitAuthFlowsType::from("ALLOW_TOKEN_EXCHANGE_IMPERSONATION"))
        .send()
        .await
        .expect("UpdateUserPoolClient");
    let ana = [("subject_token", narrow.ana.access.as_str()), ("subject_token_type", ACCESS)];
    assert_eq!(narrow.exchange(&ana).await.0, 200, "impersonation is allowed");
    let mut delegated = ana.to_vec();
    delegated.extend([("actor_token", narrow.bob.access.as_str()), ("actor_token_type", ACCESS)]);
    assert_eq!(narrow.refused(&delegated).await, "unauthorized_client", "delegation is not");
    let _ = narrow.web;
}

#[tokio::test]
async fn lite_pools_have_no_token_exchange() {
    let s =
        Setup::start_with(OAuthSetup::new("lite").pool(PoolBuilder::new("lite").with(|p| p.user_pool_tier("LITE"))))
            .await;
    assert_eq!(
        s.refused(&[("subject_token", &s.ana.access), ("subject_token_type", ACCESS)]).await,
        "unauthorized_client"
    );
}

/// Authlib's OAuth 2.0 client asks for the grant as any RFC 8693 client would.
const AUTHLIB_EXCHANGE: &str = r#"
import json, sys
from authlib.integrations.requests_client import OAuth2Session
i = json.load(sys.stdin)
session = OAuth2Session(i["client_id"], i["client_secret"], token_endpoint_auth_method="client_secret_post")
token = session.fetch_token(
    i["token_url"],
    grant_type="urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token=i["subject_token"],
    subject_token_type="urn:ietf:params:oauth:token-type:access_token",
    resource="orders",
    scope=i["scope"],
)
print(json.dumps(dict(token)))
"#;

#[tokio::test]
async fn authlib_exchanges_a_token() {
    if !present(tool_available("python3", &["-c", "import authlib"]), "Authlib") {
        return;
    }
    let s = Setup::start().await;
    let input = json!({
        "client_id": s.app.client_id,
        "client_secret": s.app.secret,
        "token_url": format!("{}/oauth2/token", s.app.base),
        "subject_token": s.ana.access,
        "scope": ADMIN,
    });
    let mut child = tokio::process::Command::new("python3")
        .args(["-c", AUTHLIB_EXCHANGE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs");
    use tokio::io::AsyncWriteExt;
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).await.unwrap();
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("Authlib finishes within a minute")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let token: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!((token["token_type"].as_str(), token["scope"].as_str()), (Some("Bearer"), Some(ADMIN)));
    assert_eq!(token["issued_token_type"], ACCESS);
    let issued = claims(token["access_token"].as_str().unwrap());
    assert_eq!((issued["username"].as_str(), issued["aud"].as_str()), (Some("ana"), Some("orders")));
    assert_eq!(issued["client_id"].as_str(), Some(s.app.client_id.as_str()));
}
