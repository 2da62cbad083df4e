//! Authorization codes: single use, bound to the client, redirect URI and PKCE challenge of
//! the authorization request, valid for five minutes ("The authorization code is valid for
//! five minutes", AWS's developer guide on the token endpoint).
//!
//! A code is a random UUID, as Cognito's are, stored only as its SHA-256 in the store's
//! sessions (so any instance redeems it, and [`redeem`] takes it atomically: two concurrent
//! exchanges cannot both succeed).

use serde::{Deserialize, Serialize};

use crate::errors::ApiResult;
use crate::handlers::auth::session;
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, StoreError};

/// How long a code lives.
pub const LIFETIME_MS: i64 = 5 * 60 * 1000;

/// What a code stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    /// What it is (`authorization_code`): the sessions table holds other records too.
    pub kind: String,
    /// The authorization request's `redirect_uri`, which the exchange must repeat.
    pub redirect_uri: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// The PKCE `code_challenge` (S256), if the request had one.
    pub code_challenge: Option<String>,
    /// The request's `nonce`, for the id token.
    pub nonce: Option<String>,
    /// When the user authenticated (seconds).
    pub auth_time: i64,
    /// The user's `sub` when the code was issued (a user deleted and re-created since is not
    /// the same user).
    pub sub: String,
    /// The managed login's SSO session the code came through, in a pool that tracks sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_session: Option<String>,
}

const KIND: &str = "authorization_code";

/// A new code for `grant` to `user_key` of `client_id`.
pub async fn issue<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    mut grant: Grant,
) -> ApiResult<String> {
    grant.kind = KIND.to_owned();
    let code = uuid::Uuid::new_v4().to_string();
    let record = SessionRecord {
        id_hash: hash(&code),
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        user_key: user_key.to_owned(),
        expires_ms: svc.clock.now_ms() + LIFETIME_MS,
        doc: serde_json::to_value(&grant).map_err(|e| crate::errors::ApiError::internal(e.to_string()))?,
    };
    svc.store.put_session(record, Vec::new()).await?;
    Ok(code)
}

/// Takes `code` out of the store: its record and grant if it exists, has not expired and is an
/// authorization code; `None` otherwise (used, expired, made up).
pub async fn redeem<S: Store>(svc: &Cognito<S>, code: &str) -> ApiResult<Option<(SessionRecord, Grant)>> {
    let record = match svc.store.take_session(&hash(code)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if record.expires_ms <= svc.clock.now_ms() {
        return Ok(None);
    }
    let Ok(grant) = serde_json::from_value::<Grant>(record.doc.clone()) else { return Ok(None) };
    if grant.kind != KIND {
        return Ok(None);
    }
    Ok(Some((record, grant)))
}

/// What a code is stored under: a different hash input from challenge sessions', so a code
/// can never be taken for one.
fn hash(code: &str) -> String {
    session::hash(&format!("code:{code}"))
}
