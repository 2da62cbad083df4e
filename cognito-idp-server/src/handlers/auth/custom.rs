//! `CUSTOM_AUTH`: a sign-in whose steps the pool's DefineAuthChallenge function chooses, with
//! custom challenges its CreateAuthChallenge function makes and its
//! VerifyAuthChallengeResponse function judges (`handlers::triggered::auth_challenge`), as AWS's
//! developer guide describes the flow:
//!
//! 1. `InitiateAuth` / `AdminInitiateAuth` with `USERNAME` (and `SECRET_HASH`); the session so
//!    far is empty, or `[SRP_A: true]` when the parameters carry `SRP_A` (with
//!    `CHALLENGE_NAME: SRP_A`, as amazon-cognito-identity-js sends them) to verify the
//!    password first.
//! 2. DefineAuthChallenge answers `failAuthentication` (the sign-in fails:
//!    `NotAuthorizedException`, `Incorrect username or password.`, the answer
//!    aws-amplify/amplify-js issue 8145 reports for a custom flow its functions failed),
//!    `issueTokens` (tokens), or a challenge: `PASSWORD_VERIFIER` right after `SRP_A` (the SRP
//!    challenge of `USER_SRP_AUTH`, `handlers::auth::srp`, whose right answer adds
//!    `PASSWORD_VERIFIER: true` to the session; a wrong one fails as a wrong password does),
//!    or `CUSTOM_CHALLENGE`, which CreateAuthChallenge makes.
//! 3. `CUSTOM_CHALLENGE` goes to the client with the public parameters and `USERNAME` in
//!    `ChallengeParameters` and a new `Session`; the private parameters stay in the session
//!    (the store's, `handlers::auth::session`), so any instance takes the answer.
//! 4. `RespondToAuthChallenge` / `AdminRespondToAuthChallenge` with `CUSTOM_CHALLENGE`,
//!    `USERNAME` and `ANSWER`: VerifyAuthChallengeResponse judges it, the session gains
//!    `CUSTOM_CHALLENGE: answerCorrect` with the challenge's metadata, and DefineAuthChallenge is
//!    asked again, round after round (a wrong answer does not end the sign-in by itself: the
//!    real event of amplify-js issue 5834 shows Define deciding after `challengeResult: false`).
//!    Each round hands out a new session; the answered one is spent.
//!
//! A user that does not exist is `UserNotFoundException` up front, unless the client hides
//! unknown users: then the functions run with `userNotFound: true` and no tokens can come of
//! it. A disabled user fails at once; an unconfirmed one when tokens would be issued. Custom
//! challenges count nothing for the lockout (amplify-js issue 10171: custom auth has none).

use std::collections::BTreeMap;

use cognito_idp::ErrorCode;
use serde::{Deserialize, Serialize};

use super::app::{App, incorrect, required};
use super::flow::{self, Outcome};
use super::{session, srp};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::Sent;
use crate::handlers::secret_hash::Missing;
use crate::handlers::triggered::auth_challenge::{self, Caller, ChallengeResult, Next, not_configured};
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, UserRecord};
use crate::triggers::Trigger;

/// The challenge name of custom challenges.
pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";
/// The session entry of SRP's first step.
pub const SRP_A: &str = "SRP_A";

/// What a custom sign-in keeps between its steps (in the session's state; inside the SRP
/// state under [`srp::CUSTOM`] while the password is checked).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    /// `userName` of the events.
    username: String,
    /// The challenges so far.
    history: Vec<ChallengeResult>,
    /// The current custom challenge's private parameters.
    #[serde(default)]
    private: BTreeMap<String, String>,
    /// The current custom challenge's metadata.
    #[serde(default)]
    metadata: Option<String>,
}

/// `InitiateAuth` / `AdminInitiateAuth` with `CUSTOM_AUTH`.
pub async fn initiate<S: Store>(svc: &Cognito<S>, app: &App, params: &BTreeMap<String, String>) -> ApiResult<Outcome> {
    if !auth_challenge::configured(&app.pool, Trigger::DefineAuthChallenge) {
        return Err(not_configured());
    }
    let username = required(params, "USERNAME")?;
    let user = flow::find(svc, &app.pool, username).await?;
    let names: Vec<&str> = std::iter::once(username).chain(user.as_ref().map(|u| u.username.as_str())).collect();
    app.check_secret(&names, params.get("SECRET_HASH").map(String::as_str), Missing::SecretHash)?;
    // PreAuthentication runs at the start of every sign-in, custom ones included.
    flow::pre_authentication(svc, app, username, user.as_ref()).await?;
    match &user {
        None if !app.hides_unknown_users() => return Err(app.unknown_user()),
        None => {}
        Some(user) => flow::check_usable(user)?,
    }
    let srp_a = params.get("SRP_A").filter(|a| !a.is_empty()).map(String::as_str);
    let mut state = State {
        username: user.as_ref().map_or_else(|| username.to_owned(), |u| u.username.clone()),
        ..State::default()
    };
    if srp_a.is_some() {
        state.history.push(ChallengeResult::new(SRP_A, true));
    }
    next(svc, app, user.as_ref(), state, srp_a, None).await
}

/// The answer to `CUSTOM_CHALLENGE` (`ANSWER`); the answer's `ClientMetadata` (the app's
/// `client_metadata`) goes to the functions.
pub async fn answer<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let metadata = app.client_metadata.as_ref();
    let answer = required(responses, "ANSWER")?;
    let mut state: State = serde_json::from_value(session::state(record).clone())
        .map_err(|_| ApiError::not_authorized("Invalid session for the user."))?;
    if let Some(user) = &user {
        flow::check_usable(user)?;
    }
    let caller = caller(app, user.as_ref(), &state.username, metadata);
    let correct = auth_challenge::verify(svc, &app.pool, &caller, &state.private, answer).await?;
    let metadata_of_challenge = state.metadata.take();
    state.private.clear();
    state.history.push(ChallengeResult {
        challenge_name: CUSTOM_CHALLENGE.to_owned(),
        challenge_result: correct,
        challenge_metadata: metadata_of_challenge,
    });
    next(svc, app, user.as_ref(), state, None, metadata).await
}

/// The answer to the `PASSWORD_VERIFIER` of a custom sign-in (a session whose SRP state holds
/// the custom state): the password proof is checked as `USER_SRP_AUTH` checks it, then
/// DefineAuthChallenge is asked again.
pub async fn after_password<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let metadata = app.client_metadata.as_ref();
    let custom = srp::custom_state(record).cloned().unwrap_or_default();
    let mut state: State =
        serde_json::from_value(custom).map_err(|_| ApiError::not_authorized("Invalid session for the user."))?;
    let user = srp::verify(svc, app, record, user, responses).await?;
    state.history.push(ChallengeResult::new(srp::PASSWORD_VERIFIER, true));
    next(svc, app, Some(&user), state, None, metadata).await
}

fn caller<'a>(
    app: &'a App,
    user: Option<&'a UserRecord>,
    username: &'a str,
    metadata: Option<&'a BTreeMap<String, String>>,
) -> Caller<'a> {
    Caller {
        client_id: &app.client_id,
        username: user.map_or(username, |u| u.username.as_str()),
        user,
        hides_unknown_users: app.hides_unknown_users(),
        metadata,
    }
}

/// Asks DefineAuthChallenge what follows `state.history` and does it.
async fn next<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: Option<&UserRecord>,
    mut state: State,
    srp_a: Option<&str>,
    metadata: Option<&BTreeMap<String, String>>,
) -> ApiResult<Outcome> {
    let username = state.username.clone();
    let caller = caller(app, user, &username, metadata);
    let decision = auth_challenge::define(svc, &app.pool, &caller, &state.history).await?;
    let user_key = user.map_or_else(|| app.pool.username_key(&username), |u| u.username_key.clone());
    match decision {
        Next::Fail => Err(incorrect()),
        Next::Tokens => {
            // No tokens for a user that does not exist, whatever the function says.
            let Some(user) = user else { return Err(incorrect()) };
            if user.status == "UNCONFIRMED" {
                return Err(ApiError::new(ErrorCode::UserNotConfirmedException, "User is not confirmed."));
            }
            flow::issue(svc, app, user).await
        }
        Next::Challenge(name) if name == CUSTOM_CHALLENGE => {
            if !auth_challenge::configured(&app.pool, Trigger::CreateAuthChallenge) {
                return Err(not_configured());
            }
            let created = auth_challenge::create(svc, &app.pool, &caller, &name, &state.history).await?;
            let mut parameters = created.public;
            parameters.insert("USERNAME".to_owned(), caller.username.to_owned());
            state.private = created.private;
            state.metadata = created.metadata;
            let state = serde_json::to_value(&state).map_err(|e| ApiError::internal(format!("custom state: {e}")))?;
            flow::challenge(svc, app, &user_key, CUSTOM_CHALLENGE, parameters, state, Sent::default()).await
        }
        // The password first: the SRP challenge for the A the sign-in started with.
        Next::Challenge(name) if name == srp::PASSWORD_VERIFIER => {
            let Some(srp_a) = srp_a.filter(|_| state.history.last().is_some_and(|r| r.challenge_name == SRP_A)) else {
                return Err(ApiError::invalid_parameter("Missing required parameter SRP_A"));
            };
            let custom = serde_json::to_value(&state).map_err(|e| ApiError::internal(format!("custom state: {e}")))?;
            srp::start_custom(svc, app, &username, user, srp_a, custom).await
        }
        Next::Challenge(_) => {
            Err(ApiError::new(ErrorCode::InvalidLambdaResponseException, "Unrecognizable lambda output"))
        }
    }
}
