//! The browser's state on a domain: the session cookie that lets a second authorization
//! request through without the form, and the CSRF token the forms carry. Both are random
//! strings whose SHA-256 is kept in the store's sessions, so any instance behind a balancer
//! knows them; deleting the user (or the pool) deletes its browser sessions.
//!
//! Cookie names are AWS's: `cognito` for the session and `XSRF-TOKEN` for the token that the
//! forms repeat in their `_csrf` field. The session lasts an hour ("the session cookie ... is
//! valid for one hour", AWS's developer guide on the managed login session).

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::site::Site;
use crate::errors::ApiResult;
use crate::handlers::auth::session;
use crate::handlers::sessions::config;
use crate::handlers::sessions::tracking::{self, Seen};
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, StoreError, UserRecord};

/// The session cookie.
pub const SESSION_COOKIE: &str = "cognito";
/// The CSRF cookie; forms repeat its value in [`CSRF_FIELD`].
pub const CSRF_COOKIE: &str = "XSRF-TOKEN";
/// The form field of the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// How long a browser session lasts.
pub const SESSION_MS: i64 = 60 * 60 * 1000;
/// How long a CSRF token lasts (a form left open longer is refused and shown again).
pub const CSRF_MS: i64 = 60 * 60 * 1000;

/// How long an identity provider has to send the browser back (a pending federated sign-in
/// or sign-out).
pub const PENDING_MS: i64 = 10 * 60 * 1000;

/// A random token of 32 bytes, base64url: session cookies, CSRF tokens, and the `state` and
/// relay state of federated sign-ins.
pub fn random() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The store key of the browser session whose cookie value is `raw`.
pub fn session_hash(raw: &str) -> String {
    session::hash(&format!("browser:{raw}"))
}

fn csrf_hash(raw: &str) -> String {
    session::hash(&format!("csrf:{raw}"))
}

fn cookie(site: &Site, name: &'static str, value: String, http_only: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path(site.cookie_path())
        .http_only(http_only)
        .secure(site.secure)
        // Lax: the app's top-level redirect to /oauth2/authorize carries the session.
        .same_site(SameSite::Lax)
        .build()
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user, as stored now.
    pub user: UserRecord,
    /// When the user signed in (seconds).
    pub auth_time: i64,
    /// The SSO session this browser session is, in a pool that tracks user sessions.
    pub sso_session_id: Option<String>,
}

/// The user this browser is signed in as on `site`, if its session is valid: it exists, has
/// not expired, belongs to the site's pool, and its user still exists, is the same user (same
/// `sub`) and is enabled.
pub async fn current<S: Store>(svc: &Cognito<S>, site: &Site, jar: &CookieJar) -> ApiResult<Option<SignedIn>> {
    let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else { return Ok(None) };
    let record = match svc.store.get_session(&session_hash(&raw)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if record.expires_ms <= svc.clock.now_ms()
        || record.pool_id != site.pool.id()
        || record.doc.get("kind").and_then(|v| v.as_str()) != Some("browser")
    {
        return Ok(None);
    }
    let user = match svc.store.get_user(&record.pool_id, &record.user_key).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if !user.enabled || record.doc.get("sub").and_then(|v| v.as_str()) != Some(user.sub.as_str()) {
        return Ok(None);
    }
    let auth_time = record.doc.get("auth_time").and_then(|v| v.as_i64()).unwrap_or_default();
    let sso_session_id = record.doc.get("sso_session_id").and_then(|v| v.as_str()).map(str::to_owned);
    Ok(Some(SignedIn { user, auth_time, sso_session_id }))
}

/// Starts a session for `user`, who just signed in through `client_id` in a browser `seen` as
/// it is: the cookie to set, and in a pool that tracks user sessions the id of the SSO session
/// this browser session is. Called by [`super::authorize::signed_in`].
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    client_id: &str,
    user: &UserRecord,
    auth_time: i64,
    seen: &Seen,
    kept: serde_json::Map<String, serde_json::Value>,
) -> ApiResult<(Cookie<'static>, Option<String>)> {
    let raw = random();
    let mut doc = json!({ "kind": "browser", "sub": user.sub, "auth_time": auth_time });
    if let Some(doc) = doc.as_object_mut() {
        doc.extend(kept);
    }
    let mut sso_session_id = None;
    if let Some(sso) = tracking::sso_document(svc, &site.pool, seen).await? {
        sso_session_id = sso.get("sso_session_id").and_then(|v| v.as_str()).map(str::to_owned);
        if let (Some(doc), Some(sso)) = (doc.as_object_mut(), sso.as_object()) {
            doc.extend(sso.clone());
        }
    }
    let record = SessionRecord {
        id_hash: session_hash(&raw),
        pool_id: site.pool.id().to_owned(),
        client_id: client_id.to_owned(),
        user_key: user.username_key.clone(),
        expires_ms: svc.clock.now_ms() + SESSION_MS,
        doc,
    };
    svc.store.put_session(record, Vec::new()).await?;
    Ok((cookie(site, SESSION_COOKIE, raw, true), sso_session_id))
}

/// Whether `client_id` may sign `signed_in` in without asking again: always, unless the pool
/// tracks sessions and the client's `MaxValidityMinutes` since the user's last fresh sign-in
/// has passed ("A value of 0 means that this app client never silently reuses the SSO
/// session", the API reference of `ClientSSOSessionConfigType`).
pub async fn reusable<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    client_id: &str,
    signed_in: &SignedIn,
) -> ApiResult<bool> {
    if signed_in.sso_session_id.is_none() {
        return Ok(true);
    }
    let minutes = config::sso_max_validity_minutes(svc, site.pool.id(), client_id).await?;
    Ok(svc.clock.now_ms() / 1000 - signed_in.auth_time < i64::from(minutes) * 60)
}

/// Ends the browser's session (logout): the store forgets it, and the cookie is removed.
pub async fn end<S: Store>(svc: &Cognito<S>, site: &Site, jar: CookieJar) -> ApiResult<CookieJar> {
    if let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        match svc.store.take_session(&session_hash(&raw)).await {
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(jar.remove(cookie(site, SESSION_COOKIE, String::new(), true)))
}

/// The CSRF token for the forms of a page: the browser's own while it is valid, or a new one
/// (stored, and set as the cookie).
pub async fn csrf_token<S: Store>(svc: &Cognito<S>, site: &Site, jar: CookieJar) -> ApiResult<(String, CookieJar)> {
    if let Some(raw) = jar.get(CSRF_COOKIE).map(|c| c.value().to_owned())
        && csrf_valid(svc, site, &raw).await?
    {
        return Ok((raw, jar));
    }
    let raw = random();
    let record = SessionRecord {
        id_hash: csrf_hash(&raw),
        pool_id: site.pool.id().to_owned(),
        client_id: String::new(),
        user_key: String::new(),
        expires_ms: svc.clock.now_ms() + CSRF_MS,
        doc: json!({ "kind": "csrf" }),
    };
    svc.store.put_session(record, Vec::new()).await?;
    let jar = jar.add(cookie(site, CSRF_COOKIE, raw.clone(), true));
    Ok((raw, jar))
}

/// Whether a form's `_csrf` value is the browser's valid token (the double-submitted cookie,
/// known to the store, unexpired, of this pool).
pub async fn check_csrf<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    jar: &CookieJar,
    field: Option<&str>,
) -> ApiResult<bool> {
    let (Some(cookie), Some(field)) = (jar.get(CSRF_COOKIE), field) else { return Ok(false) };
    if !bool::from(cookie.value().as_bytes().ct_eq(field.as_bytes())) {
        return Ok(false);
    }
    csrf_valid(svc, site, field).await
}

async fn csrf_valid<S: Store>(svc: &Cognito<S>, site: &Site, raw: &str) -> ApiResult<bool> {
    match svc.store.get_session(&csrf_hash(raw)).await {
        Ok(record) => Ok(record.pool_id == site.pool.id() && record.expires_ms > svc.clock.now_ms()),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
