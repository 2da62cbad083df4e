//! Passkeys over HTTP with the generated client: the pool's `WebAuthnConfiguration`,
//! registration (`StartWebAuthnRegistration` / `CompleteWebAuthnRegistration`, `none` and
//! `packed` attestation), `ListWebAuthnCredentials` (paged), `DeleteWebAuthnCredential`,
//! `GetUserAuthFactors`, and `USER_AUTH` sign-in with `WEB_AUTHN` (preferred, or chosen at
//! `SELECT_CHALLENGE`), with each refusal: a wrong challenge, origin or relying party, a
//! replayed challenge or assertion, a deleted passkey. The answers are real WebAuthn responses
//! signed by a software authenticator (`common::authenticator`); Chromium's virtual
//! authenticator is `passkeys_browser.rs`.

mod common;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::authenticator::{Attestation, Authenticator, Bend};
use common::{InProcessServer, PASSWORD, PoolBuilder, UserBuilder, app_client, failure, pair};
use serde_json::Value;

const ORIGIN: &str = "http://localhost:5173";

/// A pool allowing passwords and passkeys with the relying party `localhost`, an app client
/// allowing `USER_AUTH` and passwords, and the user `ana` with a password.
async fn setup(client: &Client) -> (String, String) {
    let pool = PoolBuilder::new("passkeys").sign_in_factors(&["PASSWORD", "WEB_AUTHN"]).create(client).await;
    set_relying_party(client, &pool, Some("localhost"), "required").await;
    let flows = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    let app = app_client(client, &pool, &flows).await;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(client, &pool).await;
    (pool, app)
}

async fn set_relying_party(client: &Client, pool: &str, id: Option<&str>, verification: &str) {
    let config = WebAuthnConfigurationType {
        relying_party_id: id.map(str::to_owned),
        user_verification: Some(UserVerificationType::from(verification)),
        ..Default::default()
    };
    client.set_user_pool_mfa_config().user_pool_id(pool).web_authn_configuration(config).send().await.unwrap();
}

async fn access_token(client: &Client, app: &str, username: &str) -> String {
    common::sign_in(client, app, username, PASSWORD).await.access_token.expect("an access token")
}

async fn start(client: &Client, token: &str) -> Value {
    let started =
        client.start_web_authn_registration().access_token(token).send().await.expect("StartWebAuthnRegistration");
    started.credential_creation_options
}

async fn complete(client: &Client, token: &str, credential: Value) -> Result<(), (String, String)> {
    match client.complete_web_authn_registration().access_token(token).credential(credential).send().await {
        Ok(_) => Ok(()),
        Err(e) => Err(failure::<(), _>(Err(e))),
    }
}

/// Registers a new passkey for the token's user.
async fn register(client: &Client, token: &str, attestation: Attestation) -> Authenticator {
    let mut passkey = Authenticator::new(ORIGIN);
    let options = start(client, token).await;
    let credential = passkey.register(&options, attestation, &Bend::default());
    complete(client, token, credential).await.expect("CompleteWebAuthnRegistration");
    passkey
}

/// `USER_AUTH` preferring `WEB_AUTHN`: (session, CREDENTIAL_REQUEST_OPTIONS).
async fn passkey_challenge(client: &Client, app: &str, username: &str) -> (String, String) {
    let out = client
        .initiate_auth()
        .client_id(app)
        .auth_flow("USER_AUTH")
        .auth_parameters("USERNAME", username)
        .auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
        .send()
        .await
        .expect("USER_AUTH");
    assert_eq!(out.challenge_name.as_ref().map(|c| c.as_str()), Some("WEB_AUTHN"));
    let options = out.challenge_parameters.unwrap_or_default().remove("CREDENTIAL_REQUEST_OPTIONS").expect("options");
    (out.session.expect("a session"), options)
}

async fn answer(
    client: &Client,
    app: &str,
    username: &str,
    session: &str,
    credential: &str,
) -> Result<AuthenticationResultType, (String, String)> {
    let sent = client
        .respond_to_auth_challenge()
        .client_id(app)
        .challenge_name("WEB_AUTHN")
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("CREDENTIAL", credential)
        .send()
        .await;
    match sent {
        Ok(out) => Ok(out.authentication_result.expect("tokens")),
        Err(e) => Err(failure::<(), _>(Err(e))),
    }
}

fn code(pair: (String, String)) -> String {
    pair.0
}

#[tokio::test]
async fn a_passkey_registers_lists_signs_in_and_is_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app) = setup(&client).await;

    let config = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    let webauthn = config.web_authn_configuration.expect("WebAuthnConfiguration");
    assert_eq!(webauthn.relying_party_id.as_deref(), Some("localhost"));
    assert_eq!(webauthn.user_verification.as_ref().map(|v| v.as_str()), Some("required"));

    let token = access_token(&client, &app, "ana").await;
    let factors = |token: String| {
        let client = client.clone();
        async move {
            let out = client.get_user_auth_factors().access_token(token).send().await.unwrap();
            out.configured_user_auth_factors
                .unwrap_or_default()
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(factors(token.clone()).await, ["PASSWORD"]);

    // The creation options, in the shape Cognito sends them.
    let options = start(&client, &token).await;
    assert_eq!(options["rp"], serde_json::json!({"id": "localhost", "name": "localhost"}));
    assert_eq!(options["user"]["name"], "ana");
    assert_eq!(options["pubKeyCredParams"][0]["alg"], -7);
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(options["excludeCredentials"], serde_json::json!([]));
    let mut passkey = Authenticator::new(ORIGIN);
    complete(&client, &token, passkey.register(&options, Attestation::None, &Bend::default())).await.unwrap();

    // The second registration excludes the first passkey; packed self attestation.
    let second_options = start(&client, &token).await;
    assert_eq!(second_options["excludeCredentials"][0]["id"], passkey.credential_id());
    let mut second = Authenticator::new(ORIGIN);
    complete(&client, &token, second.register(&second_options, Attestation::Packed, &Bend::default())).await.unwrap();

    assert_eq!(factors(token.clone()).await, ["PASSWORD", "WEB_AUTHN"]);
    let listed = client.list_web_authn_credentials().access_token(&token).max_results(1).send().await.unwrap();
    assert_eq!(listed.credentials.len(), 1);
    let first = &listed.credentials[0];
    assert_eq!(first.credential_id, passkey.credential_id());
    assert_eq!(first.relying_party_id, "localhost");
    assert_eq!(first.authenticator_attachment.as_deref(), Some("platform"));
    assert_eq!(first.authenticator_transports, ["internal"]);
    let next = listed.next_token.expect("a second page");
    let rest = client.list_web_authn_credentials().access_token(&token).next_token(next).send().await.unwrap();
    assert_eq!(rest.credentials.len(), 1);
    assert_eq!(rest.credentials[0].credential_id, second.credential_id());
    assert!(rest.next_token.is_none());

    // Sign-in with each passkey, preferred up front.
    for key in [&mut passkey, &mut second] {
        let (session, request) = passkey_challenge(&client, &app, "ana").await;
        let request_json: Value = serde_json::from_str(&request).unwrap();
        assert_eq!(request_json["rpId"], "localhost");
        assert_eq!(request_json["userVerification"], "required");
        assert_eq!(request_json["allowCredentials"].as_array().map(Vec::len), Some(2));
        let tokens = answer(&client, &app, "ana", &session, &key.assert(&request, &Bend::default())).await.unwrap();
        let user = client.get_user().access_token(tokens.access_token.unwrap()).send().await.unwrap();
        assert_eq!(user.username, "ana");
    }

    // ... or chosen at SELECT_CHALLENGE.
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_AUTH")
        .auth_parameters("USERNAME", "ana")
        .send()
        .await
        .unwrap();
    let available: Vec<_> =
        out.available_challenges.unwrap_or_default().iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(available, ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]);
    let chosen = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("SELECT_CHALLENGE")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "ana")
        .challenge_responses("ANSWER", "WEB_AUTHN")
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.challenge_name.as_ref().map(|c| c.as_str()), Some("WEB_AUTHN"));
    let request = chosen.challenge_parameters.unwrap()["CREDENTIAL_REQUEST_OPTIONS"].clone();
    let credential = passkey.assert(&request, &Bend::default());
    answer(&client, &app, "ana", &chosen.session.unwrap(), &credential).await.unwrap();

    // Deleted: it no longer signs in, and deleting it again finds nothing.
    let (session, request) = passkey_challenge(&client, &app, "ana").await;
    let credential = passkey.assert(&request, &Bend::default());
    client
        .delete_web_authn_credential()
        .access_token(&token)
        .credential_id(passkey.credential_id())
        .send()
        .await
        .unwrap();
    assert_eq!(code(answer(&client, &app, "ana", &session, &credential).await.unwrap_err()), "NotAuthorizedException");
    let again =
        client.delete_web_authn_credential().access_token(&token).credential_id(passkey.credential_id()).send().await;
    assert_eq!(failure(again).0, "ResourceNotFoundException");
    let left = client.list_web_authn_credentials().access_token(&token).send().await.unwrap();
    assert_eq!(left.credentials.len(), 1);

    // Deleting the user deletes its passkeys: a new user of the same name has none.
    client.admin_delete_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &pool).await;
    let token = access_token(&client, &app, "ana").await;
    let left = client.list_web_authn_credentials().access_token(&token).send().await.unwrap();
    assert!(left.credentials.is_empty());
}

#[tokio::test]
async fn registration_refuses_what_does_not_match() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (pool, app) = setup(&client).await;
    let token = access_token(&client, &app, "ana").await;
    let attempt = |bend: Bend| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            let options = start(&client, &token).await;
            let credential = Authenticator::new(ORIGIN).register(&options, Attestation::None, &bend);
            complete(&client, &token, credential).await.map_err(code)
        }
    };

    let other_challenge = Some("AAAAAAAAAAAAAAAAAAAAAA".to_owned());
    let refused = attempt(Bend { challenge: other_challenge, ..Bend::default() }).await;
    assert_eq!(refused, Err("WebAuthnChallengeNotFoundException".into()));
    let refused = attempt(Bend { origin: Some("https://evil.example".into()), ..Bend::default() }).await;
    assert_eq!(refused, Err("WebAuthnOriginNotAllowedException".into()));
    let refused = attempt(Bend { rp_id: Some("example.com".into()), ..Bend::default() }).await;
    assert_eq!(refused, Err("WebAuthnRelyingPartyMismatchException".into()));
    // The pool requires user verification.
    let refused = attempt(Bend { unverified: true, ..Bend::default() }).await;
    assert_eq!(refused, Err("WebAuthnCredentialNotSupportedException".into()));

    // The challenge is taken once: the same answer twice finds no challenge the second time.
    let options = start(&client, &token).await;
    let credential = Authenticator::new(ORIGIN).register(&options, Attestation::None, &Bend::default());
    complete(&client, &token, credential.clone()).await.unwrap();
    assert_eq!(
        complete(&client, &token, credential).await.map_err(code),
        Err("WebAuthnChallengeNotFoundException".into())
    );
    // Nothing started at all.
    let credential = Authenticator::new(ORIGIN).register(&options, Attestation::None, &Bend::default());
    assert_eq!(
        complete(&client, &token, credential).await.map_err(code),
        Err("WebAuthnChallengeNotFoundException".into())
    );

    // Started with one app client, completed with a token of another.
    let other_app = app_client(&client, &pool, &["ALLOW_USER_PASSWORD_AUTH"]).await;
    let other_token = access_token(&client, &other_app, "ana").await;
    let options = start(&client, &token).await;
    let credential = Authenticator::new(ORIGIN).register(&options, Attestation::None, &Bend::default());
    assert_eq!(
        complete(&client, &other_token, credential).await.map_err(code),
        Err("WebAuthnClientMismatchException".into())
    );

    // Not a registration response at all.
    start(&client, &token).await;
    let refused = complete(&client, &token, serde_json::json!({"id": "x"})).await.map_err(code);
    assert_eq!(refused, Err("InvalidParameterException".into()));

    // Only the registration that went through is there.
    let listed = client.list_web_authn_credentials().access_token(&token).send().await.unwrap();
    assert_eq!(listed.credentials.len(), 1);
}

#[tokio::test]
async fn sign_in_refuses_what_does_not_match() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let (_pool, app) = setup(&client).await;
    let token = access_token(&client, &app, "ana").await;
    let mut passkey = register(&client, &token, Attestation::None).await;

    let bends = [
        Bend { challenge: Some("AAAAAAAAAAAAAAAAAAAAAA".into()), ..Bend::default() },
        Bend { origin: Some("https://evil.example".into()), ..Bend::default() },
        Bend { rp_id: Some("example.com".into()), ..Bend::default() },
        Bend { unverified: true, ..Bend::default() },
    ];
    for bend in bends {
        let (session, request) = passkey_challenge(&client, &app, "ana").await;
        let credential = passkey.assert(&request, &bend);
        let refused = answer(&client, &app, "ana", &session, &credential).await.unwrap_err();
        assert_eq!(refused.0, "NotAuthorizedException", "{bend:?}: {refused:?}");
    }

    // A right answer signs in once: the session is spent, and the same assertion with a new
    // session signed another challenge.
    let (session, request) = passkey_challenge(&client, &app, "ana").await;
    let credential = passkey.assert(&request, &Bend::default());
    answer(&client, &app, "ana", &session, &credential).await.unwrap();
    let replayed = answer(&client, &app, "ana", &session, &credential).await.unwrap_err();
    assert_eq!(
        replayed,
        pair("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );
    let (session, _) = passkey_challenge(&client, &app, "ana").await;
    assert_eq!(code(answer(&client, &app, "ana", &session, &credential).await.unwrap_err()), "NotAuthorizedException");

    // A counter that does not move on (a cloned authenticator) is refused.
    let (session, request) = passkey_challenge(&client, &app, "ana").await;
    let stale = passkey.assert(&request, &Bend { counter: Some(1), ..Bend::default() });
    assert_eq!(code(answer(&client, &app, "ana", &session, &stale).await.unwrap_err()), "NotAuthorizedException");
    let (session, request) = passkey_challenge(&client, &app, "ana").await;
    let next = passkey.assert(&request, &Bend { counter: Some(100), ..Bend::default() });
    answer(&client, &app, "ana", &session, &next).await.unwrap();
}

#[tokio::test]
async fn passkeys_need_the_policy_and_a_relying_party() {
    let server = InProcessServer::start().await;
    let client = server.client();
    // WEB_AUTHN not among the first factors.
    let pool = PoolBuilder::new("no-passkeys").sign_in_factors(&["PASSWORD"]).create(&client).await;
    let app = app_client(&client, &pool, &["ALLOW_USER_PASSWORD_AUTH"]).await;
    UserBuilder::new("ana").password(PASSWORD).create(&client, &pool).await;
    let token = access_token(&client, &app, "ana").await;
    let refused = client.start_web_authn_registration().access_token(&token).send().await;
    assert_eq!(failure(refused).0, "WebAuthnNotEnabledException");

    // Allowed, but no relying party id and no domain.
    let pool = PoolBuilder::new("no-rp").sign_in_factors(&["PASSWORD", "WEB_AUTHN"]).create(&client).await;
    let app = app_client(&client, &pool, &["ALLOW_USER_PASSWORD_AUTH"]).await;
    UserBuilder::new("ana").password(PASSWORD).create(&client, &pool).await;
    let token = access_token(&client, &app, "ana").await;
    let refused = client.start_web_authn_registration().access_token(&token).send().await;
    assert_eq!(failure(refused).0, "WebAuthnConfigurationMissingException");

    // The pool's prefix domain stands in for the relying party id.
    client.create_user_pool_domain().user_pool_id(&pool).domain("passkey-home").send().await.unwrap();
    let options = start(&client, &token).await;
    assert_eq!(options["rp"]["id"], "passkey-home.auth.us-east-1.amazoncognito.com");
    assert_eq!(options["authenticatorSelection"]["userVerification"], "preferred");
}

#[tokio::test]
async fn a_passkey_sign_in_gets_a_new_device_as_other_sign_ins_do() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let devices = DeviceConfigurationType {
        challenge_required_on_new_device: Some(false),
        device_only_remembered_on_user_prompt: Some(false),
    };
    let pool = PoolBuilder::new("passkey-devices")
        .sign_in_factors(&["PASSWORD", "WEB_AUTHN"])
        .with(move |p| p.device_configuration(devices))
        .create(&client)
        .await;
    set_relying_party(&client, &pool, Some("localhost"), "preferred").await;
    let app = app_client(&client, &pool, &["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"]).await;
    UserBuilder::new("ana").verified_email().password(PASSWORD).create(&client, &pool).await;
    let token = access_token(&client, &app, "ana").await;
    let mut passkey = register(&client, &token, Attestation::Packed).await;

    let (session, request) = passkey_challenge(&client, &app, "ana").await;
    let tokens = answer(&client, &app, "ana", &session, &passkey.assert(&request, &Bend::default())).await.unwrap();
    let device = tokens.new_device_metadata.expect("NewDeviceMetadata, as after a password");
    assert!(device.device_key.is_some_and(|k| k.starts_with("us-east-1_")));
}
