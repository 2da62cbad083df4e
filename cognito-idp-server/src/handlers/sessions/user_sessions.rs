//! `ListUserSessions`, `AdminListUserSessions`, `RevokeUserSession`, `AdminRevokeUserSession`.
//!
//! What AWS documents (the API reference of each operation):
//! - a listing has "both token sessions and SSO sessions", only active ones, "all of a user's
//!   sessions in a single page of up to 125 sessions"; `IsCurrentSession` marks the session of
//!   the calling access token, and is always false for the administrators' listing;
//! - revoking a session "revokes all refresh and access tokens that are associated with the
//!   session and deletes the session record"; a user "can't revoke the session that the calling
//!   access token belongs to";
//! - `RevokeAssociatedSessions: LINKED` also revokes "the parent SSO session" of a token
//!   session, or "the token sessions that came through" an SSO session.
//!
//! Decided here, where AWS says nothing: a pool that does not track sessions answers these
//! operations with `OperationNotEnabledException` (among each operation's errors); a session
//! id the user does not have is a `ResourceNotFoundException`. `LastLocation` is never given (no
//! geolocation database is shipped).

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use super::config;
use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{find_admin_user, load_pool};
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError, UserRecord};
use crate::tokens;

/// The most sessions one listing holds.
const PAGE: usize = 125;

fn not_enabled() -> ApiError {
    ApiError::new(ErrorCode::OperationNotEnabledException, "User session tracking is not enabled for this user pool.")
}

async fn require_tracking<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<()> {
    match config::tracking(svc, pool).await? {
        Some(_) => Ok(()),
        None => Err(not_enabled()),
    }
}

fn text(doc: &serde_json::Value, key: &str) -> Option<String> {
    doc.get(key).and_then(|v| v.as_str()).map(str::to_owned)
}

/// A user's active sessions, oldest first, `current` being the calling token's family (also
/// what the local console shows).
pub(crate) async fn sessions<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    current: Option<&str>,
) -> ApiResult<Vec<SessionDescriptionType>> {
    let now_ms = svc.clock.now_ms();
    let mut found: Vec<(i64, SessionDescriptionType)> = Vec::new();
    for family in svc.store.tracked_families(pool.id(), &user.username_key, now_ms).await? {
        found.push((
            family.created_ms,
            SessionDescriptionType {
                session_id: Some(family.session_id),
                session_type: Some(SessionTypeType::from("TOKEN")),
                client_id: Some(family.client_id),
                create_date: Some(timestamp(family.created_ms)),
                last_active_date: Some(timestamp(family.last_active_ms)),
                device_type: text(&family.doc, "device_type"),
                last_ip_address: text(&family.doc, "ip"),
                last_location: None,
                origin_session_id: text(&family.doc, "origin_session_id"),
                is_current_session: Some(current == Some(family.origin_jti.as_str())),
            },
        ));
    }
    for record in svc.store.user_sessions(pool.id(), &user.username_key, now_ms).await? {
        let doc = &record.doc;
        let (Some("browser"), Some(id)) = (doc.get("kind").and_then(|v| v.as_str()), text(doc, "sso_session_id"))
        else {
            continue;
        };
        // Signed in as someone else since (a user deleted and made again): not this user's.
        if doc.get("sub").and_then(|v| v.as_str()) != Some(user.sub.as_str()) {
            continue;
        }
        let created_ms = doc.get("created_ms").and_then(|v| v.as_i64()).unwrap_or_default();
        // "For an SSO session, this is the most recent authentication".
        let last_ms = doc.get("auth_time").and_then(|v| v.as_i64()).map_or(created_ms, |s| s * 1000);
        found.push((
            created_ms,
            SessionDescriptionType {
                session_id: Some(id),
                session_type: Some(SessionTypeType::from("SSO")),
                client_id: Some(record.client_id.clone()),
                create_date: Some(timestamp(created_ms)),
                last_active_date: Some(timestamp(last_ms.max(created_ms))),
                device_type: text(doc, "device_type"),
                last_ip_address: text(doc, "ip"),
                last_location: None,
                origin_session_id: None,
                is_current_session: Some(false),
            },
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.session_id.cmp(&b.1.session_id)));
    Ok(found.into_iter().take(PAGE).map(|(_, s)| s).collect())
}

fn check_next_token(token: Option<&str>) -> ApiResult<()> {
    // Every listing is one page, so no token this server gave can come back.
    match token {
        None => Ok(()),
        Some(_) => Err(ApiError::invalid_parameter("Invalid pagination token.")),
    }
}

/// `ListUserSessions`.
pub async fn list_user_sessions<S: Store>(
    svc: &Cognito<S>,
    input: ListUserSessionsRequest,
) -> ApiResult<ListUserSessionsResponse> {
    let who = tokens::authenticate(svc, &input.access_token).await?;
    require_tracking(svc, &who.pool).await?;
    check_next_token(input.next_token.as_deref())?;
    let sessions = sessions(svc, &who.pool, &who.user, Some(&who.origin_jti)).await?;
    Ok(ListUserSessionsResponse { sessions: Some(sessions), next_token: None })
}

/// `AdminListUserSessions`.
pub async fn admin_list_user_sessions<S: Store>(
    svc: &Cognito<S>,
    input: AdminListUserSessionsRequest,
) -> ApiResult<AdminListUserSessionsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    require_tracking(svc, &pool).await?;
    check_next_token(input.next_token.as_deref())?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    let sessions = sessions(svc, &pool, &user, None).await?;
    Ok(AdminListUserSessionsResponse { sessions: Some(sessions), next_token: None })
}

/// `RevokeUserSession`.
pub async fn revoke_user_session<S: Store>(
    svc: &Cognito<S>,
    input: RevokeUserSessionRequest,
) -> ApiResult<RevokeUserSessionResponse> {
    let who = tokens::authenticate(svc, &input.access_token).await?;
    require_tracking(svc, &who.pool).await?;
    let linked = linked(input.revoke_associated_sessions.as_ref())?;
    revoke(svc, &who.pool, &who.user, &input.session_id, linked, Some(&who.origin_jti)).await?;
    Ok(RevokeUserSessionResponse {})
}

/// `AdminRevokeUserSession`.
pub async fn admin_revoke_user_session<S: Store>(
    svc: &Cognito<S>,
    input: AdminRevokeUserSessionRequest,
) -> ApiResult<AdminRevokeUserSessionResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    require_tracking(svc, &pool).await?;
    let linked = linked(input.revoke_associated_sessions.as_ref())?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    revoke(svc, &pool, &user, &input.session_id, linked, None).await?;
    Ok(AdminRevokeUserSessionResponse {})
}

fn linked(value: Option<&RevokeAssociatedSessionsType>) -> ApiResult<bool> {
    match value.map(|v| v.as_str()) {
        None | Some("NONE") => Ok(false),
        Some("LINKED") => Ok(true),
        Some(other) => Err(ApiError::invalid_parameter(format!(
            "1 validation error detected: Value '{other}' at 'revokeAssociatedSessions' failed to satisfy constraint: \
             Member must satisfy enum value set: [NONE, LINKED]"
        ))),
    }
}

/// Revokes the user's session `session_id` (and, when `linked`, the sessions linked to it);
/// `current` is the calling token's family, which may not be revoked this way.
async fn revoke<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    session_id: &str,
    linked: bool,
    current: Option<&str>,
) -> ApiResult<()> {
    let now_ms = svc.clock.now_ms();
    let families = svc.store.tracked_families(pool.id(), &user.username_key, now_ms).await?;
    let browsers: Vec<_> = svc
        .store
        .user_sessions(pool.id(), &user.username_key, now_ms)
        .await?
        .into_iter()
        .filter(|r| r.doc.get("kind").and_then(|v| v.as_str()) == Some("browser"))
        .filter_map(|r| Some((text(&r.doc, "sso_session_id")?, r)))
        .collect();
    if let Some(family) = families.iter().find(|f| f.session_id == session_id) {
        if current == Some(family.origin_jti.as_str()) {
            return Err(ApiError::invalid_parameter(
                "The session of the access token in this request can't be revoked with RevokeUserSession.",
            ));
        }
        svc.store.revoke_family(pool.id(), &family.origin_jti).await?;
        if let (true, Some(parent)) = (linked, text(&family.doc, "origin_session_id"))
            && let Some((_, record)) = browsers.iter().find(|(id, _)| *id == parent)
        {
            end_browser(svc, &record.id_hash).await?;
        }
        return Ok(());
    }
    if let Some((_, record)) = browsers.iter().find(|(id, _)| id == session_id) {
        end_browser(svc, &record.id_hash).await?;
        if linked {
            for family in families.iter().filter(|f| text(&f.doc, "origin_session_id").as_deref() == Some(session_id)) {
                svc.store.revoke_family(pool.id(), &family.origin_jti).await?;
            }
        }
        return Ok(());
    }
    Err(ApiError::resource_not_found(format!("Session {session_id} does not exist.")))
}

async fn end_browser<S: Store>(svc: &Cognito<S>, id_hash: &str) -> ApiResult<()> {
    match svc.store.take_session(id_hash).await {
        Ok(_) | Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
