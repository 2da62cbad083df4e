//! `SetUserPoolSessionConfiguration`, `GetUserPoolSessionConfiguration`,
//! `SetUserPoolClientSessionConfiguration` and `GetUserPoolClientSessionConfiguration`.
//!
//! What AWS documents (the API reference of each operation and of `UserPoolTokenSessionConfigType`
//! and `ClientSSOSessionConfigType`):
//! - the pool's configuration is replaced whole by each set, and needs the Essentials or Plus
//!   tier (`FeatureUnavailableInTierException` on Lite);
//! - never set, it reads as tracking `DISABLED` with `MaxPerUser` 20;
//! - a client's `MaxValidityMinutes` (0 to 129,600, default 60) is how long that client silently
//!   reuses an SSO session after the user's last fresh authentication; 0 never reuses it;
//! - with tracking turned off, client configurations are kept but dormant.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::{Cognito, Pool, SessionTracking};
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// `MaxPerUser` when the pool never set one.
pub const DEFAULT_MAX_PER_USER: i32 = 20;
/// `MaxValidityMinutes` when the client never set one.
pub const DEFAULT_SSO_MAX_VALIDITY_MINUTES: i32 = 60;

/// The pool's session configuration, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PoolSessions {
    /// Whether sessions are tracked.
    pub tracking: bool,
    /// The most token sessions a user may hold.
    pub max_per_user: i32,
}

impl Resource for PoolSessions {
    const KIND: &'static str = "session_configuration";
    fn key(&self) -> String {
        "pool".to_owned()
    }
}

/// An app client's SSO session configuration, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientSessions {
    /// The client.
    pub client_id: String,
    /// How long the client reuses an SSO session (minutes after the last fresh sign-in).
    pub max_validity_minutes: i32,
}

impl Resource for ClientSessions {
    const KIND: &'static str = "client_session_configuration";
    fn key(&self) -> String {
        self.client_id.clone()
    }
}

/// The pool's configuration, or the defaults.
pub async fn pool_sessions<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<PoolSessions> {
    match resources::get::<S, PoolSessions>(&svc.store, pool_id, "pool").await {
        Ok(stored) => Ok(stored.value),
        Err(StoreError::NotFound) => Ok(PoolSessions { tracking: false, max_per_user: DEFAULT_MAX_PER_USER }),
        Err(e) => Err(e.into()),
    }
}

/// The pool's configuration when it tracks sessions (and its tier still allows it). Every
/// sign-in and refresh asks, so it is read once per version of the decoded pool and kept with
/// it ([`Pool::sessions`]); [`set_user_pool_session_configuration`] moves the pool's version.
pub async fn tracking<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Option<PoolSessions>> {
    if is_lite(pool) {
        return Ok(None);
    }
    let kept = match pool.sessions() {
        Some(kept) => kept,
        None => {
            // Read after the pool's version (checked when the request loaded it): a write of
            // the configuration since then has moved that version too, so what is kept here
            // is never older than the version it is kept under.
            let sessions = pool_sessions(svc, pool.id()).await?;
            let kept = SessionTracking { tracking: sessions.tracking, max_per_user: sessions.max_per_user };
            pool.keep_sessions(kept);
            kept
        }
    };
    Ok(kept.tracking.then_some(PoolSessions { tracking: true, max_per_user: kept.max_per_user }))
}

/// Writes the pool record again as it is: its version moves, so every instance decodes it
/// again at its next request, forgetting the session configuration kept with it.
async fn touch_pool<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<()> {
    for _ in 0..crate::handlers::shared::RETRIES {
        let record = match svc.store.get_pool(pool_id).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool_id)),
            Err(e) => return Err(e.into()),
        };
        match svc.store.update_pool(record).await {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool_id)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// How long `client_id` reuses an SSO session, in minutes.
pub async fn sso_max_validity_minutes<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<i32> {
    match resources::get::<S, ClientSessions>(&svc.store, pool_id, client_id).await {
        Ok(stored) => Ok(stored.value.max_validity_minutes),
        Err(StoreError::NotFound) => Ok(DEFAULT_SSO_MAX_VALIDITY_MINUTES),
        Err(e) => Err(e.into()),
    }
}

fn is_lite(pool: &Pool) -> bool {
    pool.doc.user_pool_tier.as_ref().is_some_and(|t| t.as_str() == "LITE")
}

fn check_tier(pool: &Pool) -> ApiResult<()> {
    if is_lite(pool) {
        // "The user pool must be in the Essentials or Plus tier" (the API reference); the
        // wording of the refusal is ours.
        return Err(ApiError::new(
            ErrorCode::FeatureUnavailableInTierException,
            "Session management is not available in the LITE feature plan; use ESSENTIALS or PLUS.",
        ));
    }
    Ok(())
}

async fn check_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<()> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ApiError::client_not_found(client_id)),
        Err(e) => Err(e.into()),
    }
}

/// Writes `value` whether or not one is stored (a full replacement).
async fn put<S: Store, T: Resource + Clone>(svc: &Cognito<S>, pool_id: &str, value: T) -> ApiResult<()> {
    for _ in 0..crate::handlers::shared::RETRIES {
        match resources::get::<S, T>(&svc.store, pool_id, &value.key()).await {
            Ok(mut stored) => {
                stored.value = value.clone();
                match resources::update(&svc.store, stored).await {
                    Ok(_) => return Ok(()),
                    Err(StoreError::Conflict | StoreError::NotFound) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(StoreError::NotFound) => match resources::create(&svc.store, pool_id, value.clone()).await {
                Ok(_) => return Ok(()),
                Err(StoreError::ResourceExists) => continue,
                Err(e) => return Err(e.into()),
            },
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

fn tracking_value(enabled: bool) -> UserSessionTrackingType {
    UserSessionTrackingType::from(if enabled { "ENABLED" } else { "DISABLED" })
}

/// `SetUserPoolSessionConfiguration`.
pub async fn set_user_pool_session_configuration<S: Store>(
    svc: &Cognito<S>,
    input: SetUserPoolSessionConfigurationRequest,
) -> ApiResult<SetUserPoolSessionConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let tracking = match input.user_session_tracking.as_str() {
        "ENABLED" => true,
        "DISABLED" => false,
        other => {
            return Err(ApiError::invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at 'userSessionTracking' failed to satisfy constraint: \
                 Member must satisfy enum value set: [ENABLED, DISABLED]"
            )));
        }
    };
    check_tier(&pool)?;
    let max_per_user = input.token_session.max_per_user;
    put(svc, pool.id(), PoolSessions { tracking, max_per_user }).await?;
    // After the write, never before: an instance that reads the pool's new version then reads
    // the new configuration.
    touch_pool(svc, pool.id()).await?;
    Ok(SetUserPoolSessionConfigurationResponse {
        user_pool_id: Some(pool.id().to_owned()),
        user_session_tracking: Some(tracking_value(tracking)),
        token_session: Some(UserPoolTokenSessionConfigType { max_per_user }),
    })
}

/// `GetUserPoolSessionConfiguration`.
pub async fn get_user_pool_session_configuration<S: Store>(
    svc: &Cognito<S>,
    input: GetUserPoolSessionConfigurationRequest,
) -> ApiResult<GetUserPoolSessionConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let sessions = pool_sessions(svc, pool.id()).await?;
    Ok(GetUserPoolSessionConfigurationResponse {
        user_pool_id: Some(pool.id().to_owned()),
        user_session_tracking: Some(tracking_value(sessions.tracking)),
        token_session: Some(UserPoolTokenSessionConfigType { max_per_user: sessions.max_per_user }),
    })
}

/// `SetUserPoolClientSessionConfiguration`.
pub async fn set_user_pool_client_session_configuration<S: Store>(
    svc: &Cognito<S>,
    input: SetUserPoolClientSessionConfigurationRequest,
) -> ApiResult<SetUserPoolClientSessionConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    check_tier(&pool)?;
    let minutes = input.sso_session.max_validity_minutes;
    put(svc, pool.id(), ClientSessions { client_id: input.client_id.clone(), max_validity_minutes: minutes }).await?;
    Ok(SetUserPoolClientSessionConfigurationResponse {
        user_pool_id: Some(pool.id().to_owned()),
        client_id: Some(input.client_id),
        sso_session: Some(ClientSsoSessionConfigType { max_validity_minutes: minutes }),
    })
}

/// `GetUserPoolClientSessionConfiguration`.
pub async fn get_user_pool_client_session_configuration<S: Store>(
    svc: &Cognito<S>,
    input: GetUserPoolClientSessionConfigurationRequest,
) -> ApiResult<GetUserPoolClientSessionConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    let minutes = sso_max_validity_minutes(svc, pool.id(), &input.client_id).await?;
    Ok(GetUserPoolClientSessionConfigurationResponse {
        user_pool_id: Some(pool.id().to_owned()),
        client_id: Some(input.client_id),
        sso_session: Some(ClientSsoSessionConfigType { max_validity_minutes: minutes }),
    })
}

/// Forgets a deleted client's configuration (it goes with the client).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    if let Err(e) = resources::delete::<S, ClientSessions>(&svc.store, pool_id, client_id).await
        && e != StoreError::NotFound
    {
        tracing::warn!(error = %e, "could not delete a deleted client's session configuration");
    }
}
