//! `GetDerivedToken`: token exchange (RFC 8693). An app client with a secret and
//! `ALLOW_TOKEN_EXCHANGE_IMPERSONATION` / `ALLOW_TOKEN_EXCHANGE_DELEGATION` exchanges a user's
//! access or id token of the pool for a token of the same user issued to it: scopes narrowed to
//! the intersection AWS documents, `aud` from `Audiences` or `Resources`, `act` for an actor,
//! signed with the pool's keys (its JWKS verifies it), never outliving what was presented.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_auth::jwt::{JwtVerifier, TokenUse};
use cognito_idp::Client;
use cognito_idp::client::GetDerivedTokenBuilder;
use cognito_idp::operation::GetDerivedTokenError;
use cognito_idp::types::{GetDerivedTokenResponse, OAuthFlowType, ResourceServerScopeType};
use cognito_idp::{SdkError, types::ExplicitAuthFlowsType};
use common::aws_cli::AwsCli;
use common::{
    ACCESS_KEY, AppClient, ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, REGION, SECRET_KEY,
    Tokens, UserBuilder, not_authorized, outcome, pair, sign_in,
};
use serde_json::{Value, json};

const IMPERSONATION: &str = "ALLOW_TOKEN_EXCHANGE_IMPERSONATION";
const DELEGATION: &str = "ALLOW_TOKEN_EXCHANGE_DELEGATION";
const ADMIN: &str = "aws.cognito.signin.user.admin";

/// A token's header (0) or claims (1).
fn part(token: &str, index: usize) -> Value {
    let text = token.split('.').nth(index).expect("a compact JWS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).unwrap()).unwrap()
}

/// A server with a pool (resource server `orders`: `read`, `write`), a public sign-in client
/// `web`, an exchanging client `agent` (secret, both exchange flows, allowed scopes: the admin
/// scope and `orders/read`) and the user `ana`, signed in through `web`.
struct Setup {
    server: InProcessServer,
    client: Client,
    pool: String,
    web: String,
    agent: AppClient,
    ana: Tokens,
}

impl Setup {
    async fn start() -> Setup {
        Self::start_with(PoolBuilder::new("exchange")).await
    }

    async fn start_with(pool: PoolBuilder) -> Setup {
        let server = InProcessServer::start().await;
        let client = server.client();
        let pool = pool.create(&client).await;
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
            .expect("CreateResourceServer");
        let web = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
        let agent = exchanger(&client, &pool, "agent", &[IMPERSONATION, DELEGATION], &[ADMIN, "orders/read"]).await;
        UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &pool).await;
        let ana = sign_in(&client, &web, "ana", PASSWORD).await.into();
        Setup { server, client, pool, web, agent, ana }
    }

    /// `GetDerivedToken` by `app` (with its secret) for `subject` of `subject_type`.
    fn exchange(&self, app: &AppClient, subject: &str, subject_type: &str) -> GetDerivedTokenBuilder {
        let mut call =
            self.client.get_derived_token().client_id(&app.id).subject_token(subject).subject_token_type(subject_type);
        if let Some(secret) = &app.secret {
            call = call.client_secret(secret);
        }
        call
    }

    /// The agent's exchange of `ana`'s access token.
    fn exchange_ana(&self) -> GetDerivedTokenBuilder {
        self.exchange(&self.agent, &self.ana.access, "ACCESS_TOKEN")
    }

    /// A verifier of the pool's tokens issued to `client_id`, with the pool's JWKS.
    fn verifier(&self, client_id: &str) -> JwtVerifier {
        let issuer = format!("{}/{}", self.server.url(), self.pool);
        JwtVerifier::builder("us-east-1", &self.pool).issuer(issuer).client_id(client_id).build().unwrap()
    }

    /// What `GetUser` answers for `token`.
    async fn get_user(&self, token: &str) -> Result<String, (String, String)> {
        outcome(self.client.get_user().access_token(token).send().await).map(|u| u.username)
    }

    /// A user signed in through `web`.
    async fn user(&self, username: &str) -> Tokens {
        UserBuilder::new(username).verified_email().password(PASSWORD).create(&self.client, &self.pool).await;
        sign_in(&self.client, &self.web, username, PASSWORD).await.into()
    }
}

/// A client that exchanges tokens: a secret, `flows`, `scopes` as its `AllowedOAuthScopes`.
async fn exchanger(client: &Client, pool: &str, name: &str, flows: &[&str], scopes: &[&str]) -> AppClient {
    let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
    ClientBuilder::new(name)
        .secret()
        .flows(flows)
        .with(move |c| c.set_allowed_o_auth_scopes(Some(scopes)))
        .create(client, pool)
        .await
}

/// The answer, or its (code, message).
fn answer(
    result: Result<GetDerivedTokenResponse, SdkError<GetDerivedTokenError>>,
) -> Result<GetDerivedTokenResponse, (String, String)> {
    if let Err(error) = &result {
        assert_eq!(error.status(), Some(400), "{error:?}");
    }
    outcome(result)
}

/// The (code, message) of a refused exchange.
async fn refused(call: GetDerivedTokenBuilder) -> (String, String) {
    answer(call.send().await).expect_err("the exchange should be refused")
}

/// The issued token of an exchange that must succeed.
async fn issued(call: GetDerivedTokenBuilder) -> String {
    answer(call.send().await).expect("the exchange succeeds").issued_token
}

#[tokio::test]
async fn an_access_token_is_exchanged_for_one_of_the_same_user_issued_to_the_agent() {
    let s = Setup::start().await;
    let out = answer(s.exchange_ana().send().await).expect("GetDerivedToken");
    assert_eq!(out.issued_token_type.as_str(), "ACCESS_TOKEN", "an access token unless asked otherwise");
    assert_eq!(out.token_type.as_str(), "Bearer");
    assert_eq!(out.scopes.as_deref(), Some(&[ADMIN.to_owned()][..]), "the subject's scopes when none are asked for");
    let expires_in = out.expires_in.expect("ExpiresIn");
    assert!((3590..=3600).contains(&expires_in), "{expires_in}");

    let token = out.issued_token;
    let (claims, subject) = (part(&token, 1), part(&s.ana.access, 1));
    for same in ["sub", "username", "iss", "origin_jti", "event_id", "auth_time", "token_use", "scope"] {
        assert_eq!(claims[same], subject[same], "{same} is the subject's");
    }
    assert_eq!(claims["client_id"], s.agent.id.as_str(), "issued to the requesting client");
    assert_ne!(claims["jti"], subject["jti"]);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), i64::from(expires_in));
    assert!(claims.get("act").is_none() && claims.get("aud").is_none(), "{claims}");

    // Signed with the pool's access key: its JWKS verifies it, as the agent's token.
    let keys: Value = reqwest::get(format!("{}/{}/.well-known/jwks.json", s.server.url(), s.pool))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = part(&token, 0)["kid"].clone();
    assert!(keys["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid));
    assert_eq!(kid, part(&s.ana.access, 0)["kid"]);
    let verified = s.verifier(&s.agent.id).verify(&token, TokenUse::Access).await.expect("verifies with the JWKS");
    assert_eq!(verified.username.as_deref(), Some("ana"));
    assert!(s.verifier(&s.web).verify(&token, TokenUse::Access).await.is_err(), "not the web client's");

    // With the admin scope it works as the user's own access token does.
    assert_eq!(s.get_user(&token).await, Ok("ana".to_owned()));

    // Tampered, it is refused.
    let parts: Vec<&str> = token.split('.').collect();
    let mut forged = claims.clone();
    forged["username"] = json!("someone");
    let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(forged.to_string()), parts[2]);
    assert_eq!(s.get_user(&forged).await, Err(not_authorized("Invalid Access Token")));
    assert!(s.verifier(&s.agent.id).verify(&forged, TokenUse::Access).await.is_err());
}

#[tokio::test]
async fn scopes_are_narrowed_to_what_the_subject_holds_and_the_client_allows() {
    let s = Setup::start().await;
    let scope_of = |token: &str| part(token, 1).get("scope").cloned();

    // Asked: only what the subject holds (the admin scope) and the agent allows survives.
    let out = answer(s.exchange_ana().scopes("orders/read").scopes(ADMIN).scopes("orders/write").send().await)
        .expect("GetDerivedToken");
    assert_eq!(out.scopes.as_deref(), Some(&[ADMIN.to_owned()][..]));
    assert_eq!(scope_of(&out.issued_token), Some(json!(ADMIN)));

    // Nothing of what is asked is held: a token without scopes, useless for self-service.
    let out = answer(s.exchange_ana().scopes("orders/read").send().await).expect("GetDerivedToken");
    assert_eq!(out.scopes, None);
    assert_eq!(scope_of(&out.issued_token), None);
    assert_eq!(s.get_user(&out.issued_token).await, Err(not_authorized("Access Token does not have required scopes")));

    // A client that does not allow the admin scope cannot pass it on when scopes are asked...
    let narrow = exchanger(&s.client, &s.pool, "narrow", &[IMPERSONATION], &["orders/read"]).await;
    let out = answer(s.exchange(&narrow, &s.ana.access, "ACCESS_TOKEN").scopes(ADMIN).send().await).unwrap();
    assert_eq!(out.scopes, None);
    // ...but without Scopes the token has "the same scopes as your SubjectToken" (AWS's words).
    let out = answer(s.exchange(&narrow, &s.ana.access, "ACCESS_TOKEN").send().await).unwrap();
    assert_eq!(out.scopes.as_deref(), Some(&[ADMIN.to_owned()][..]));

    // Narrowing again never widens: the narrowed token as subject gives nothing back.
    let empty = issued(s.exchange_ana().scopes("orders/read")).await;
    let again = answer(s.exchange(&s.agent, &empty, "ACCESS_TOKEN").scopes(ADMIN).send().await).unwrap();
    assert_eq!(again.scopes, None);
}

#[tokio::test]
async fn audiences_resources_and_id_tokens() {
    let s = Setup::start().await;
    let token = issued(s.exchange_ana().audiences("billing-api")).await;
    assert_eq!(part(&token, 1)["aud"], "billing-api");
    let token = issued(s.exchange_ana().resources("orders")).await;
    assert_eq!(part(&token, 1)["aud"], "orders");
    assert_eq!(
        refused(s.exchange_ana().resources("nosuch")).await,
        pair("ResourceNotFoundException", "Resource server nosuch does not exist.")
    );
    assert_eq!(
        refused(s.exchange_ana().audiences("billing-api").resources("orders")).await,
        pair("InvalidParameterException", "Audiences and Resources cannot both be given.")
    );
    // The model allows one of each.
    let (code, _) = refused(s.exchange_ana().audiences("a").audiences("b")).await;
    assert_eq!(code, "InvalidParameterException");

    // An id token, from the access token: the user's attributes, the agent (or the audience) as aud.
    let out = answer(s.exchange_ana().requested_token_type("ID_TOKEN").send().await).unwrap();
    assert_eq!((out.issued_token_type.as_str(), out.scopes.as_deref()), ("ID_TOKEN", None));
    let id = out.issued_token;
    let claims = part(&id, 1);
    assert_eq!((claims["token_use"].clone(), claims["aud"].clone()), (json!("id"), json!(s.agent.id)));
    assert_eq!((claims["email"].clone(), claims["cognito:username"].clone()), (json!("ana@example.com"), json!("ana")));
    assert_eq!(part(&id, 0)["kid"], part(&s.ana.id, 0)["kid"], "the pool's id-token key");
    let verified = s.verifier(&s.agent.id).verify(&id, TokenUse::Id).await.expect("verifies with the JWKS");
    assert_eq!(verified.sub, part(&s.ana.id, 1)["sub"].as_str().unwrap());
    let id = issued(s.exchange_ana().requested_token_type("ID_TOKEN").audiences("billing-api")).await;
    assert_eq!(part(&id, 1)["aud"], "billing-api");

    // An id token as the subject: an access token of the user, without scopes (an id token has
    // none to keep).
    let out = answer(s.exchange(&s.agent, &s.ana.id, "ID_TOKEN").send().await).unwrap();
    assert_eq!((out.issued_token_type.as_str(), out.scopes.as_deref()), ("ACCESS_TOKEN", None));
    assert_eq!(part(&out.issued_token, 1)["username"], "ana");
}

#[tokio::test]
async fn an_actor_token_is_named_in_act() {
    let s = Setup::start().await;
    // A machine client's token (client credentials) as the actor.
    let machine = ClientBuilder::new("machine")
        .secret()
        .flows(&["ALLOW_CLIENT_TOKEN_AUTH"])
        .with(|c| {
            c.allowed_o_auth_flows_user_pool_client(true)
                .allowed_o_auth_flows(OAuthFlowType::from("client_credentials"))
                .allowed_o_auth_scopes("orders/read")
        })
        .create(&s.client, &s.pool)
        .await;
    let m2m = s.client.get_client_token().client_id(&machine.id).secret(machine.secret.clone().unwrap()).send().await;
    let m2m = m2m.expect("GetClientToken").client_authentication_result.unwrap().access_token.unwrap();
    let delegated = issued(s.exchange_ana().actor_token(&m2m).actor_token_type("ACCESS_TOKEN")).await;
    let claims = part(&delegated, 1);
    assert_eq!(claims["act"], json!({ "sub": machine.id }));
    assert_eq!(claims["username"], "ana", "still the subject's token");
    s.verifier(&s.agent.id).verify(&delegated, TokenUse::Access).await.expect("verifies with the JWKS");

    // A user's id token as the actor; a chain keeps the earlier actor nested (RFC 8693 4.1).
    let bob = s.user("bob").await;
    let chained =
        issued(s.exchange(&s.agent, &delegated, "ACCESS_TOKEN").actor_token(&bob.id).actor_token_type("ID_TOKEN"))
            .await;
    let bob_sub = part(&bob.id, 1)["sub"].clone();
    assert_eq!(part(&chained, 1)["act"], json!({ "sub": bob_sub, "act": { "sub": machine.id } }));

    // The flows: each kind of exchange needs its own.
    let impersonates = exchanger(&s.client, &s.pool, "imp", &[IMPERSONATION], &[ADMIN]).await;
    let delegates = exchanger(&s.client, &s.pool, "del", &[DELEGATION], &[ADMIN]).await;
    assert_eq!(
        refused(
            s.exchange(&impersonates, &s.ana.access, "ACCESS_TOKEN").actor_token(&m2m).actor_token_type("ACCESS_TOKEN")
        )
        .await,
        not_authorized("ALLOW_TOKEN_EXCHANGE_DELEGATION flow not enabled for this client")
    );
    issued(s.exchange(&impersonates, &s.ana.access, "ACCESS_TOKEN")).await;
    assert_eq!(
        refused(s.exchange(&delegates, &s.ana.access, "ACCESS_TOKEN")).await,
        not_authorized("ALLOW_TOKEN_EXCHANGE_IMPERSONATION flow not enabled for this client")
    );
    issued(s.exchange(&delegates, &s.ana.access, "ACCESS_TOKEN").actor_token(&m2m).actor_token_type("ACCESS_TOKEN"))
        .await;
    let plain = ClientBuilder::new("plain").secret().flows(&PASSWORD_FLOWS).create(&s.client, &s.pool).await;
    assert_eq!(
        refused(s.exchange(&plain, &s.ana.access, "ACCESS_TOKEN")).await,
        not_authorized("ALLOW_TOKEN_EXCHANGE_IMPERSONATION flow not enabled for this client")
    );

    // The actor token and its type go together; a bad actor token is refused as such.
    assert_eq!(
        refused(s.exchange_ana().actor_token(&m2m)).await,
        pair("InvalidParameterException", "ActorTokenType is required with an ActorToken.")
    );
    assert_eq!(
        refused(s.exchange_ana().actor_token_type("ACCESS_TOKEN")).await,
        pair("InvalidParameterException", "ActorTokenType requires an ActorToken.")
    );
    assert_eq!(
        refused(s.exchange_ana().actor_token(&m2m).actor_token_type("ID_TOKEN")).await,
        not_authorized("Invalid ActorToken"),
        "an access token presented as an id token"
    );
    assert_eq!(
        refused(s.exchange_ana().actor_token("not.a.token").actor_token_type("ACCESS_TOKEN")).await,
        not_authorized("Invalid ActorToken")
    );
    // The issued token does not outlive its actor.
    s.server.advance_clock(3000).await;
    let out = answer(s.exchange_ana().actor_token(&m2m).actor_token_type("ACCESS_TOKEN").send().await).unwrap();
    assert!(out.expires_in.unwrap() <= 600, "{:?}", out.expires_in);
    s.server.advance_clock(600).await;
    assert_eq!(
        refused(
            s.exchange(&s.agent, &s.user("cyd").await.access, "ACCESS_TOKEN")
                .actor_token(&m2m)
                .actor_token_type("ACCESS_TOKEN")
        )
        .await,
        not_authorized("ActorToken has expired")
    );
}

#[tokio::test]
async fn the_client_authenticates_with_its_secret() {
    let s = Setup::start().await;
    let id = s.agent.id.clone();
    let without =
        s.client.get_derived_token().client_id(&id).subject_token(&s.ana.access).subject_token_type("ACCESS_TOKEN");
    assert_eq!(
        refused(without.clone()).await,
        not_authorized(&format!("Client {id} is configured for secret but secret was not received"))
    );
    assert_eq!(
        refused(without.clone().client_secret("notTheSecretOfThisClient000000")).await,
        not_authorized(&format!("Unable to verify secret hash for client {id}"))
    );
    let nobody = s
        .client
        .get_derived_token()
        .client_id("nosuchclient00000000000000")
        .subject_token(&s.ana.access)
        .subject_token_type("ACCESS_TOKEN");
    assert_eq!(
        refused(nobody).await,
        pair("ResourceNotFoundException", "User pool client nosuchclient00000000000000 does not exist.")
    );
    // A rotated second secret works too.
    let added = s.client.add_user_pool_client_secret().user_pool_id(&s.pool).client_id(&id).send().await.unwrap();
    let second = added.client_secret_descriptor.unwrap().client_secret_value.unwrap();
    issued(without.client_secret(second)).await;
    // A client without a secret has nothing to present.
    let public = ClientBuilder::new("public").flows(&[IMPERSONATION]).create(&s.client, &s.pool).await;
    assert!(public.secret.is_none());
    issued(s.exchange(&public, &s.ana.access, "ACCESS_TOKEN")).await;
}

#[tokio::test]
async fn subject_tokens_are_checked() {
    let s = Setup::start().await;
    let invalid = not_authorized("Invalid SubjectToken");

    // Tampered, garbage, or presented as the other type.
    let parts: Vec<&str> = s.ana.access.split('.').collect();
    let mut claims = part(&s.ana.access, 1);
    claims["username"] = json!("admin");
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    assert_eq!(refused(s.exchange(&s.agent, &tampered, "ACCESS_TOKEN")).await, invalid);
    assert_eq!(refused(s.exchange(&s.agent, "garbage", "ACCESS_TOKEN")).await, invalid);
    assert_eq!(refused(s.exchange(&s.agent, &s.ana.access, "ID_TOKEN")).await, invalid, "wrong type");
    assert_eq!(refused(s.exchange(&s.agent, &s.ana.id, "ACCESS_TOKEN")).await, invalid, "wrong type");

    // Another pool's token (same server), and a machine token (no user to act for).
    let other = PoolBuilder::new("other").create(&s.client).await;
    let other_web = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&s.client, &other).await.id;
    UserBuilder::new("ana").password(PASSWORD).create(&s.client, &other).await;
    let foreign: Tokens = sign_in(&s.client, &other_web, "ana", PASSWORD).await.into();
    assert_eq!(refused(s.exchange(&s.agent, &foreign.access, "ACCESS_TOKEN")).await, invalid, "another pool's");
    let machine = ClientBuilder::new("machine")
        .secret()
        .flows(&["ALLOW_CLIENT_TOKEN_AUTH"])
        .with(|c| {
            c.allowed_o_auth_flows_user_pool_client(true)
                .allowed_o_auth_flows(OAuthFlowType::from("client_credentials"))
                .allowed_o_auth_scopes("orders/read")
        })
        .create(&s.client, &s.pool)
        .await;
    let m2m = s.client.get_client_token().client_id(&machine.id).secret(machine.secret.clone().unwrap()).send().await;
    let m2m = m2m.unwrap().client_authentication_result.unwrap().access_token.unwrap();
    assert_eq!(refused(s.exchange(&s.agent, &m2m, "ACCESS_TOKEN")).await, invalid, "a machine token");

    // Third-party tokens need a provider of the pool (derived_tokens_federated.rs, saml_federation.rs).
    assert_eq!(
        refused(s.exchange(&s.agent, &s.ana.access, "SAML2")).await,
        pair("InvalidParameterException", "SubjectTokenProviderName is required for a SAML2 SubjectToken.")
    );
    assert_eq!(
        refused(s.exchange(&s.agent, "PHNhbWw+", "SAML2").subject_token_provider_name("Okta")).await,
        pair("ResourceNotFoundException", "Identity provider Okta does not exist.")
    );

    // Revoked with the user's sign-out: refused, and what was derived from it ends too.
    let bob = s.user("bob").await;
    let derived = issued(s.exchange(&s.agent, &bob.access, "ACCESS_TOKEN")).await;
    assert_eq!(s.get_user(&derived).await, Ok("bob".to_owned()));
    s.client.global_sign_out().access_token(&bob.access).send().await.expect("GlobalSignOut");
    assert_eq!(
        refused(s.exchange(&s.agent, &bob.access, "ACCESS_TOKEN")).await,
        not_authorized("SubjectToken has been revoked")
    );
    assert_eq!(s.get_user(&derived).await, Err(not_authorized("Access Token has been revoked")));

    // A disabled user, a deleted one.
    let cyd = s.user("cyd").await;
    s.client.admin_disable_user().user_pool_id(&s.pool).username("cyd").send().await.unwrap();
    assert_eq!(refused(s.exchange(&s.agent, &cyd.access, "ACCESS_TOKEN")).await, not_authorized("User is disabled."));
    s.client.admin_delete_user().user_pool_id(&s.pool).username("cyd").send().await.unwrap();
    assert_eq!(
        refused(s.exchange(&s.agent, &cyd.access, "ACCESS_TOKEN")).await,
        pair("UserNotFoundException", "User does not exist.")
    );

    // Near its end the subject caps the issued token's life; past it, it is refused.
    s.server.advance_clock(3000).await;
    let out = answer(s.exchange_ana().send().await).unwrap();
    let expires_in = out.expires_in.unwrap();
    assert!((590..=600).contains(&expires_in), "{expires_in}");
    assert_eq!(part(&out.issued_token, 1)["exp"], part(&s.ana.access, 1)["exp"]);
    s.server.advance_clock(600).await;
    assert_eq!(refused(s.exchange_ana()).await, not_authorized("SubjectToken has expired"));
}

#[tokio::test]
async fn lite_pools_have_no_token_exchange() {
    let s = Setup::start_with(PoolBuilder::new("lite").with(|p| p.user_pool_tier("LITE"))).await;
    assert_eq!(
        refused(s.exchange_ana()).await,
        pair("OperationNotEnabledException", "Token exchange requires the ESSENTIALS or PLUS feature plan.")
    );
}

#[tokio::test]
async fn the_flows_are_accepted_by_create_user_pool_client() {
    let s = Setup::start().await;
    let described = s.client.describe_user_pool_client().user_pool_id(&s.pool).client_id(&s.agent.id).send().await;
    let flows = described.unwrap().user_pool_client.unwrap().explicit_auth_flows.unwrap();
    let flows: Vec<&str> = flows.iter().map(ExplicitAuthFlowsType::as_str).collect();
    assert_eq!(flows, [IMPERSONATION, DELEGATION]);
}

/// With boto3, when the installed one knows the operation (boto3 1.43.11, which
/// `tests/requirements.txt` pins, predates it: then this prints SKIPPED; botocore 1.44 knows it).
#[tokio::test]
async fn boto3_exchanges_a_token() {
    let s = Setup::start().await;
    let script = r#"
import json, sys
try:
    import boto3, botocore
except ImportError as e:
    print(json.dumps({"skip": str(e)}))
    sys.exit(0)
url, key, secret_key, region, client_id, secret, subject = sys.argv[1:8]
c = boto3.client("cognito-idp", endpoint_url=url, region_name=region,
                 aws_access_key_id=key, aws_secret_access_key=secret_key)
if not hasattr(c, "get_derived_token"):
    print(json.dumps({"skip": "botocore " + botocore.__version__ + " does not know GetDerivedToken"}))
    sys.exit(0)
out = c.get_derived_token(ClientId=client_id, ClientSecret=secret, SubjectToken=subject,
                          SubjectTokenType="ACCESS_TOKEN", Scopes=["aws.cognito.signin.user.admin", "orders/read"],
                          Resources=["orders"], RequestedTokenType="ACCESS_TOKEN")
try:
    c.get_derived_token(ClientId=client_id, ClientSecret="notTheSecretOfThisClient000000",
                        SubjectToken=subject, SubjectTokenType="ACCESS_TOKEN")
    error = None
except c.exceptions.NotAuthorizedException as e:
    error = e.response["Error"]["Code"]
print(json.dumps({"type": out["IssuedTokenType"], "token_type": out["TokenType"], "scopes": out.get("Scopes"),
                  "expires_in": out.get("ExpiresIn"), "token": out["IssuedToken"], "error": error}))
"#;
    let secret = s.agent.secret.clone().unwrap();
    let args = [&s.server.url(), ACCESS_KEY, SECRET_KEY, REGION, &s.agent.id, &secret, &s.ana.access];
    // tokio's: the server runs on this test's runtime, which must not be blocked meanwhile.
    let mut command = tokio::process::Command::new("python3");
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(var);
    }
    let none = std::env::temp_dir().join("derived-tokens-no-aws-config");
    command
        .env("AWS_CONFIG_FILE", &none)
        .env("AWS_SHARED_CREDENTIALS_FILE", &none)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .arg("-c")
        .arg(script)
        .args(args);
    let output = match command.output().await {
        Ok(output) => output,
        Err(e) => return eprintln!("SKIPPED: no python3 ({e})"),
    };
    assert!(output.status.success(), "boto3: {}", String::from_utf8_lossy(&output.stderr));
    let out: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    if let Some(reason) = out.get("skip") {
        return eprintln!("SKIPPED: {reason}");
    }
    assert_eq!((out["type"].clone(), out["token_type"].clone()), (json!("ACCESS_TOKEN"), json!("Bearer")));
    assert_eq!(out["scopes"], json!([ADMIN]));
    assert!(out["expires_in"].as_i64().is_some_and(|e| e > 3500), "{out}");
    let claims = part(out["token"].as_str().unwrap(), 1);
    assert_eq!((claims["aud"].clone(), claims["username"].clone()), (json!("orders"), json!("ana")));
    assert_eq!(out["error"], "NotAuthorizedException");
}

/// With the AWS CLI, when it knows the operation (awscli 1.45.11, which `tests/requirements.txt`
/// pins, predates it: then this prints SKIPPED).
#[tokio::test]
async fn the_aws_cli_exchanges_a_token() {
    let s = Setup::start().await;
    let Some(cli) = AwsCli::new(&s.server.url()) else { return };
    let knows = std::process::Command::new("aws")
        .args(["cognito-idp", "get-derived-token", "help"])
        .env("AWS_PAGER", "")
        .env("PAGER", "cat")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !knows {
        eprintln!("SKIPPED: the installed AWS CLI does not know get-derived-token (botocore before 1.44)");
        return;
    }
    let secret = s.agent.secret.clone().unwrap();
    let out = cli
        .run(&[
            "get-derived-token",
            "--client-id",
            &s.agent.id,
            "--client-secret",
            &secret,
            "--subject-token",
            &s.ana.access,
            "--subject-token-type",
            "ACCESS_TOKEN",
            "--audiences",
            "billing-api",
        ])
        .await
        .expect("aws cognito-idp get-derived-token");
    assert_eq!((out["IssuedTokenType"].clone(), out["TokenType"].clone()), (json!("ACCESS_TOKEN"), json!("Bearer")));
    assert_eq!(out["Scopes"], json!([ADMIN]));
    let token = out["IssuedToken"].as_str().unwrap();
    assert_eq!(part(token, 1)["aud"], "billing-api");
    let wrong = cli
        .run(&[
            "get-derived-token",
            "--client-id",
            &s.agent.id,
            "--client-secret",
            "notTheSecretOfThisClient000000",
            "--subject-token",
            &s.ana.access,
            "--subject-token-type",
            "ACCESS_TOKEN",
        ])
        .await;
    assert_eq!(wrong.err().map(|e| e.0), Some("NotAuthorizedException".to_owned()));
}
