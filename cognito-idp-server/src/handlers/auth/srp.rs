//! `USER_SRP_AUTH` (and `PASSWORD_SRP` of `USER_AUTH`): the `PASSWORD_VERIFIER` challenge and
//! the check of the client's password claim, with cognito-auth's SRP-6a exactly as Cognito runs
//! it. The server's ephemeral secret `b` and the secret block live in the challenge session
//! (hashed session id, single use, minutes of life) until the claim arrives.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::srp::{PasswordClaim, PasswordVerifier, SrpServer, parse_timestamp};
use rand::RngCore;

use super::app::{App, incorrect, required};
use super::flow::{self, Outcome};
use super::{lockout, session, srp_verifier};
use crate::errors::{ApiError, ApiResult};
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, UserRecord};

/// The challenge name.
pub const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";

/// Where the SRP state of a `CUSTOM_AUTH` sign-in keeps the custom flow's own state
/// (`handlers::auth::custom`), which goes on once the password is proved.
pub const CUSTOM: &str = "custom";

/// How far a claim's `TIMESTAMP` may be from the server's clock.
const CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

fn bad_srp_a() -> ApiError {
    ApiError::invalid_parameter("Invalid SRP_A value.")
}

/// Issues `PASSWORD_VERIFIER` for `srp_a`. `user` is the user the name resolved to, if any:
/// a user with a verifier gets the real challenge; an unknown user (when the client hides them)
/// or one without a verifier gets a challenge made from a random verifier, which no claim
/// satisfies, so the answer fails with the wrong-password message as AWS's does
/// ("Managing user existence error responses": SRP requests for unknown users answer like a
/// wrong password).
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    user: Option<&UserRecord>,
    srp_a: &str,
) -> ApiResult<Outcome> {
    start_with(svc, app, username, user, srp_a, None).await
}

/// [`start`] for a `CUSTOM_AUTH` sign-in whose DefineAuthChallenge asked for the password:
/// `custom` is kept with the SRP state ([`CUSTOM`], [`custom_state`]).
pub async fn start_custom<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    user: Option<&UserRecord>,
    srp_a: &str,
    custom: serde_json::Value,
) -> ApiResult<Outcome> {
    start_with(svc, app, username, user, srp_a, Some(custom)).await
}

/// The custom flow's state kept in an SRP session, if it is one of a `CUSTOM_AUTH` sign-in.
pub fn custom_state(record: &SessionRecord) -> Option<&serde_json::Value> {
    session::state(record).get(CUSTOM).filter(|v| !v.is_null())
}

async fn start_with<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    user: Option<&UserRecord>,
    srp_a: &str,
    custom: Option<serde_json::Value>,
) -> ApiResult<Outcome> {
    let pool_id = app.pool.id().to_owned();
    let (user_id, user_key, verifier, real) = match user.map(|u| (u, srp_verifier(u))) {
        Some((user, Some(verifier))) => (user.username.clone(), user.username_key.clone(), verifier, true),
        Some((user, None)) => (user.username.clone(), user.username_key.clone(), random_verifier(), false),
        None => (username.to_owned(), app.pool.username_key(username), random_verifier(), false),
    };
    // The secret block doubles as the session (see `session::start_as`): 48 random bytes.
    let mut secret_block = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut secret_block);
    let mut b = [0u8; 128];
    rand::thread_rng().fill_bytes(&mut b);
    let (a, id) = (srp_a.to_owned(), user_id.clone());
    // A 3072-bit exponentiation: off the async threads.
    let server =
        tokio::task::spawn_blocking(move || SrpServer::with_ephemeral(&pool_id, &id, &verifier, &a, &b, &secret_block))
            .await
            .map_err(|e| ApiError::internal(format!("SRP failed: {e}")))?
            .map_err(|_| bad_srp_a())?;
    let mut state = serde_json::json!({
        "real": real,
        "userId": user_id,
        "srpA": srp_a,
        "b": STANDARD.encode(server.ephemeral_secret()),
        "secretBlock": STANDARD.encode(server.secret_block()),
    });
    if let Some(custom) = custom {
        state[CUSTOM] = custom;
    }
    let parameters: BTreeMap<String, String> = server.challenge_parameters().into_iter().collect();
    let raw = STANDARD.encode(server.secret_block());
    let ttl = session::ttl_ms(&app.client);
    session::start_as(
        svc,
        &raw,
        app.pool.id(),
        &app.client_id,
        &user_key,
        PASSWORD_VERIFIER,
        state,
        ttl,
        Vec::new(),
        false,
        None,
    )
    .await?;
    Ok(Outcome {
        challenge_name: Some(PASSWORD_VERIFIER.to_owned()),
        session: Some(raw),
        parameters,
        ..Outcome::default()
    })
}

/// A verifier for a random password: what an unknown user's challenge is made from.
fn random_verifier() -> PasswordVerifier {
    let mut salt = [0u8; 16];
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut salt);
    rand::thread_rng().fill_bytes(&mut secret);
    PasswordVerifier::from_parts(salt.to_vec(), &secret)
}

/// Checks the answer to `PASSWORD_VERIFIER` (`PASSWORD_CLAIM_SIGNATURE`,
/// `PASSWORD_CLAIM_SECRET_BLOCK`, `TIMESTAMP`) for the session's user, then continues with a new
/// password, MFA or tokens. A wrong claim is a failed sign-in (counted for the lockout).
pub async fn answer<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let user = verify(svc, app, record, user, responses).await?;
    flow::after_first_factor(svc, app, &user).await
}

/// The check of [`answer`] alone: the user whose password the claim proves.
pub async fn verify<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<UserRecord> {
    for name in ["PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"] {
        required(responses, name)?;
    }
    let state = session::state(record);
    let text = |key: &str| state.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let real = state.get("real").and_then(|v| v.as_bool()).unwrap_or(false);
    let user = match user {
        Some(user) if real => user,
        // A user without a verifier: a failed attempt, as a wrong proof would be.
        Some(user) => {
            let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
            lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
            return Err(incorrect());
        }
        None => return Err(incorrect()),
    };
    flow::check_usable(&user)?;
    let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
    // The verifier as stored now: a password changed since the challenge makes the claim fail.
    let verifier = srp_verifier(&user).ok_or_else(incorrect)?;
    let b = STANDARD.decode(text("b")).map_err(|_| incorrect())?;
    let secret_block = STANDARD.decode(text("secretBlock")).map_err(|_| incorrect())?;
    let claim = PasswordClaim::from_responses(responses).map_err(|_| incorrect())?;
    if !timestamp_is_recent(svc, &claim.timestamp) {
        // Our wording: AWS's answer to a stale claim is not documented.
        return Err(ApiError::not_authorized("Invalid TIMESTAMP: the claim's time is too far from the server's."));
    }
    let (pool_id, user_id, srp_a) = (app.pool.id().to_owned(), text("userId"), text("srpA"));
    let verified = tokio::task::spawn_blocking(move || {
        SrpServer::with_ephemeral(&pool_id, &user_id, &verifier, &srp_a, &b, &secret_block)
            .and_then(|server| server.verify(&claim))
            .is_ok()
    })
    .await
    .map_err(|e| ApiError::internal(format!("SRP failed: {e}")))?;
    if !verified {
        crate::handlers::events::password_failed(svc, &app.pool, &user, &app.event_context).await;
        lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
        return Err(incorrect());
    }
    lockout::succeeded(svc, app.pool.id(), &user.username_key, failures).await?;
    flow::check_confirmed(svc, &user)?;
    Ok(user)
}

/// Whether a claim's `TIMESTAMP` (Cognito's format, checked strictly) is within
/// [`CLOCK_SKEW`] of the server's clock.
pub(super) fn timestamp_is_recent<S: Store>(svc: &Cognito<S>, timestamp: &str) -> bool {
    let Ok(at) = parse_timestamp(timestamp) else { return false };
    let now = UNIX_EPOCH + Duration::from_millis(svc.clock.now_ms().max(0) as u64);
    let skew = match at.duration_since(now) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    skew <= CLOCK_SKEW && at > SystemTime::UNIX_EPOCH
}
