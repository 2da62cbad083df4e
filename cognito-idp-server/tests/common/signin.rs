//! Signing in: the password flows (public and admin), refresh, challenge answers, a user signed
//! in in one call ([`signed_in_user`]), and AWS's usual sign-in errors as (code, message) pairs
//! to compare with [`failure`](super::failure) or [`outcome`].

use std::future::Future;

use awsjson_types::ModeledError;
use cognito_idp::operation::{AdminInitiateAuthError, InitiateAuthError, RespondToAuthChallengeError};
use cognito_idp::types::*;
use cognito_idp::{Client, SdkError};

use super::setup::{ClientBuilder, PASSWORD_FLOWS, confirmed_user};
use super::{error_code, error_message, pair};

/// What `InitiateAuth` answers.
pub type InitiateAuthResult = Result<InitiateAuthResponse, SdkError<InitiateAuthError>>;
/// What `AdminInitiateAuth` answers.
pub type AdminInitiateAuthResult = Result<AdminInitiateAuthResponse, SdkError<AdminInitiateAuthError>>;
/// What `RespondToAuthChallenge` answers.
pub type RespondResult = Result<RespondToAuthChallengeResponse, SdkError<RespondToAuthChallengeError>>;

/// `InitiateAuth` with `USER_PASSWORD_AUTH`.
pub async fn password_auth(client: &Client, app: &str, username: &str, password: &str) -> InitiateAuthResult {
    password_auth_with_hash(client, app, username, password, None).await
}

/// `InitiateAuth` with `USER_PASSWORD_AUTH` and, when given, a `SECRET_HASH`.
pub async fn password_auth_with_hash(
    client: &Client,
    app: &str,
    username: &str,
    password: &str,
    secret_hash: Option<String>,
) -> InitiateAuthResult {
    let mut call = client
        .initiate_auth()
        .client_id(app)
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password);
    if let Some(hash) = secret_hash {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    call.send().await
}

/// `AdminInitiateAuth` with `ADMIN_USER_PASSWORD_AUTH`.
pub async fn admin_password_auth(
    client: &Client,
    pool: &str,
    app: &str,
    username: &str,
    password: &str,
) -> AdminInitiateAuthResult {
    client
        .admin_initiate_auth()
        .user_pool_id(pool)
        .client_id(app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
}

/// `InitiateAuth` with `REFRESH_TOKEN_AUTH`.
pub async fn refresh_auth(client: &Client, app: &str, refresh_token: &str) -> InitiateAuthResult {
    client
        .initiate_auth()
        .client_id(app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await
}

/// Signs in with `USER_PASSWORD_AUTH` and returns the tokens; panics on an error or a challenge.
pub async fn sign_in(client: &Client, app: &str, username: &str, password: &str) -> AuthenticationResultType {
    let out = password_auth(client, app, username, password)
        .await
        .unwrap_or_else(|e| panic!("InitiateAuth of {username}: {e:?}"));
    out.authentication_result.expect("tokens")
}

/// Signs in with `ADMIN_USER_PASSWORD_AUTH` and returns the tokens; panics on an error or a
/// challenge.
pub async fn admin_sign_in(
    client: &Client,
    pool: &str,
    app: &str,
    username: &str,
    password: &str,
) -> AuthenticationResultType {
    let out = admin_password_auth(client, pool, app, username, password)
        .await
        .unwrap_or_else(|e| panic!("AdminInitiateAuth of {username}: {e:?}"));
    out.authentication_result.expect("tokens")
}

/// `RespondToAuthChallenge` with `challenge`, the session (if any) and `responses`. The future
/// owns what it needs, so it can be made now and awaited later.
pub fn respond_to_challenge(
    client: &Client,
    app: &str,
    challenge: &str,
    session: Option<String>,
    responses: &[(&str, &str)],
) -> impl Future<Output = RespondResult> + use<> {
    let mut request = client.respond_to_auth_challenge().client_id(app).challenge_name(challenge);
    if let Some(session) = session {
        request = request.session(session);
    }
    for (key, value) in responses {
        request = request.challenge_responses(*key, *value);
    }
    async move { request.send().await }
}

/// The three tokens of a sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The access token.
    pub access: String,
    /// The id token.
    pub id: String,
    /// The refresh token (a refresh without rotation gives none).
    pub refresh: Option<String>,
}

impl From<AuthenticationResultType> for Tokens {
    fn from(result: AuthenticationResultType) -> Tokens {
        Tokens {
            access: result.access_token.expect("an access token"),
            id: result.id_token.expect("an id token"),
            refresh: result.refresh_token,
        }
    }
}

/// A new `CONFIRMED` user of `pool` (verified email `<username>@example.com`, `password`),
/// signed in with `USER_PASSWORD_AUTH` through `app` (which must allow it and have no secret).
pub async fn signed_in_user(client: &Client, pool: &str, app: &str, username: &str, password: &str) -> Tokens {
    confirmed_user(client, pool, username, password).await;
    sign_in(client, app, username, password).await.into()
}

/// A pool, an app client allowing [`PASSWORD_FLOWS`] and a signed-in user: (pool, client id,
/// tokens). The shortest start for a test of what comes after sign-in.
pub async fn pool_with_signed_in_user(client: &Client, username: &str, password: &str) -> (String, String, Tokens) {
    let pool = super::create_pool(client, "signed-in").await;
    let app = ClientBuilder::new("app").flows(&PASSWORD_FLOWS).create(client, &pool).await.id;
    let tokens = signed_in_user(client, &pool, &app, username, password).await;
    (pool, app, tokens)
}

/// A call's value, or its error's (code, message) (unlike [`failure`](super::failure), any
/// status).
pub fn outcome<T, E: ModeledError>(result: Result<T, SdkError<E>>) -> Result<T, (String, String)> {
    result.map_err(|e| (error_code(&e).unwrap_or_default(), error_message(&e).unwrap_or_default()))
}

/// `NotAuthorizedException` with `message`.
pub fn not_authorized(message: &str) -> (String, String) {
    pair("NotAuthorizedException", message)
}

/// A wrong password (or, with `PreventUserExistenceErrors`, an unknown user).
pub fn incorrect() -> (String, String) {
    not_authorized("Incorrect username or password.")
}

/// The password flows', refresh's and the `SecretHash` operations' answer to a missing hash.
pub fn secret_not_received(app: &str) -> (String, String) {
    not_authorized(&format!("Client {app} is configured for secret but secret was not received"))
}

/// SRP's, `USER_AUTH`'s and the challenge answers' answer to a missing `SECRET_HASH`.
pub fn secret_hash_not_received(app: &str) -> (String, String) {
    not_authorized(&format!("Client {app} is configured with secret but SECRET_HASH was not received"))
}

/// A wrong `SECRET_HASH` (outside refresh).
pub fn secret_hash_unverified(app: &str) -> (String, String) {
    not_authorized(&format!("Unable to verify secret hash for client {app}"))
}
