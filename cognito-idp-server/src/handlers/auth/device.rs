//! Device authentication: after a sign-in's password is proved, a `DEVICE_KEY` the call
//! presents (of a device the user confirmed) is proved in turn by SRP, through the
//! `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER` challenges (AWS's `ChallengeNameType`).
//!
//! Device SRP is user SRP with other names: the same group (N, g), the device group key where
//! the pool's name goes, the device key where the username goes, and the verifier
//! `ConfirmDevice` stored (amazon-cognito-identity-js builds its `AuthenticationHelper` with the
//! group key as the pool name, and signs `groupKey || deviceKey || secretBlock || timestamp`).
//! A proved device that is remembered stands in for MFA where the pool says so
//! (`handlers::devices::remembered_skips_mfa`); its tokens are bound to it either way.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::srp::{PasswordClaim, SrpServer};
use rand::RngCore;

use super::app::{Api, App, ProvedDevice, incorrect, required};
use super::flow::{self, Outcome};
use super::session;
use super::srp::timestamp_is_recent;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::devices::{self, Device};
use crate::handlers::messages::Sent;
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, UserRecord};

/// The challenge that asks for the device's `SRP_A`.
pub const DEVICE_SRP_AUTH: &str = "DEVICE_SRP_AUTH";
/// The challenge that asks for the device's password claim.
pub const DEVICE_PASSWORD_VERIFIER: &str = "DEVICE_PASSWORD_VERIFIER";

/// What `cognito-auth`'s SRP takes for a pool id, naming the device group key instead: SRP
/// hashes the part of a pool id after its first `_`.
fn srp_pool(group_key: &str) -> String {
    format!("device_{group_key}")
}

/// Checks that a presented `DEVICE_KEY` names a device of the user, in a pool that tracks
/// devices: [`devices::not_found`] otherwise. Called before a `PASSWORD_VERIFIER` is checked,
/// so that the caller can keep the session for a retry without the device, as AWS does
/// (amazon-cognito-identity-js answers the same challenge again, with the same session).
pub async fn check_presented<S: Store>(svc: &Cognito<S>, app: &App, user_key: &str) -> ApiResult<()> {
    let Some(key) = presented(app) else { return Ok(()) };
    match devices::find(svc, app.pool.id(), user_key, key).await? {
        Some(_) => Ok(()),
        None => Err(devices::not_found()),
    }
}

/// The device key a sign-in presents, where the pool tracks devices (elsewhere it plays no
/// part) and the API is used (the managed login pages have no devices).
fn presented(app: &App) -> Option<&str> {
    if app.api == Api::Browser || app.device.is_some() {
        return None;
    }
    devices::config(&app.pool)?;
    app.device_key.as_deref()
}

/// The device step after a proved password: `DEVICE_SRP_AUTH` when the call presents a device
/// of the user, nothing when it presents none.
pub async fn start<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Option<Outcome>> {
    let Some(key) = presented(app) else { return Ok(None) };
    if devices::find(svc, app.pool.id(), &user.username_key, key).await?.is_none() {
        return Err(devices::not_found());
    }
    let state = serde_json::json!({ "deviceKey": key });
    let outcome =
        flow::challenge(svc, app, &user.username_key, DEVICE_SRP_AUTH, BTreeMap::new(), state, Sent::default()).await?;
    Ok(Some(outcome))
}

/// The session's device, which the answer must name (`DEVICE_KEY`), as stored now.
async fn device_of<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: &UserRecord,
    responses: &BTreeMap<String, String>,
) -> ApiResult<(String, Device)> {
    let key = session::state(record).get("deviceKey").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    if required(responses, "DEVICE_KEY")? != key {
        return Err(devices::not_found());
    }
    match devices::find(svc, app.pool.id(), &user.username_key, &key).await? {
        Some((_, device)) => Ok((key, device)),
        None => Err(devices::not_found()),
    }
}

/// The answer to `DEVICE_SRP_AUTH` (`SRP_A`): the `DEVICE_PASSWORD_VERIFIER` challenge
/// (`SRP_B`, `SALT`, `SECRET_BLOCK`, as `PASSWORD_VERIFIER` has them).
pub async fn answer_srp_auth<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let user = user.ok_or_else(incorrect)?;
    flow::check_usable(&user)?;
    let (key, device) = device_of(svc, app, record, &user, responses).await?;
    let srp_a = required(responses, "SRP_A")?.to_owned();
    let verifier = device.srp_verifier().ok_or_else(|| ApiError::internal("stored device verifier"))?;
    let mut b = [0u8; 128];
    rand::thread_rng().fill_bytes(&mut b);
    let mut secret_block = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut secret_block);
    let (pool, id, a) = (srp_pool(&device.group_key), key.clone(), srp_a.clone());
    // A 3072-bit exponentiation: off the async threads.
    let server =
        tokio::task::spawn_blocking(move || SrpServer::with_ephemeral(&pool, &id, &verifier, &a, &b, &secret_block))
            .await
            .map_err(|e| ApiError::internal(format!("SRP failed: {e}")))?
            .map_err(|_| ApiError::invalid_parameter("Invalid SRP_A value."))?;
    let mut parameters = server.challenge_parameters();
    parameters.remove("USER_ID_FOR_SRP");
    parameters.insert("USERNAME".into(), user.username.clone());
    parameters.insert("DEVICE_KEY".into(), key.clone());
    let state = serde_json::json!({
        "deviceKey": key,
        "srpA": srp_a,
        "b": STANDARD.encode(server.ephemeral_secret()),
        "secretBlock": STANDARD.encode(server.secret_block()),
    });
    flow::challenge(svc, app, &user.username_key, DEVICE_PASSWORD_VERIFIER, parameters, state, Sent::default()).await
}

/// The answer to `DEVICE_PASSWORD_VERIFIER` (`PASSWORD_CLAIM_SIGNATURE`,
/// `PASSWORD_CLAIM_SECRET_BLOCK`, `TIMESTAMP`): a right claim proves the device, which is
/// recorded as authenticated (date, address); MFA follows unless the device stands in for it,
/// then tokens bound to the device. A wrong claim fails the sign-in.
pub async fn answer_verifier<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let user = user.ok_or_else(incorrect)?;
    flow::check_usable(&user)?;
    let (key, device) = device_of(svc, app, record, &user, responses).await?;
    for name in ["PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"] {
        required(responses, name)?;
    }
    let state = session::state(record);
    let text = |name: &str| state.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let b = STANDARD.decode(text("b")).map_err(|_| incorrect())?;
    let secret_block = STANDARD.decode(text("secretBlock")).map_err(|_| incorrect())?;
    let claim = PasswordClaim::from_responses(responses).map_err(|_| incorrect())?;
    if !timestamp_is_recent(svc, &claim.timestamp) {
        return Err(ApiError::not_authorized("Invalid TIMESTAMP: the claim's time is too far from the server's."));
    }
    let verifier = device.srp_verifier().ok_or_else(|| ApiError::internal("stored device verifier"))?;
    let (pool, id, a) = (srp_pool(&device.group_key), key.clone(), text("srpA"));
    let proved = tokio::task::spawn_blocking(move || {
        SrpServer::with_ephemeral(&pool, &id, &verifier, &a, &b, &secret_block)
            .and_then(|server| server.verify(&claim))
            .is_ok()
    })
    .await
    .map_err(|e| ApiError::internal(format!("SRP failed: {e}")))?;
    if !proved {
        return Err(incorrect());
    }
    devices::authenticated(svc, app.pool.id(), &user.username_key, &key, app.source_ip.as_deref()).await?;
    let mut app = app.clone();
    app.device = Some(ProvedDevice { key, remembered: device.remembered });
    flow::mfa_or_tokens(svc, &app, &user).await
}
