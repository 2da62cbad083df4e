//! The check of an access or id token of a known pool that a caller presents as something to
//! act on rather than as its own credential: the subject and actor tokens of a token exchange
//! (`GetDerivedToken`). Unlike [`super::access`], the pool is the one the request is about (a
//! token of another pool is invalid here), id tokens are accepted too, and refusals are
//! [`Refusal`]s that the operation words itself.

use serde_json::{Map, Value};

use super::{issuer, jwt, keys};
use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError, UserRecord};

/// Which kind of token is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An access token (`token_use: access`, signed with the pool's access key).
    Access,
    /// An id token (`token_use: id`, signed with the pool's id key).
    Id,
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub struct Presented {
    /// Its claims.
    pub claims: Map<String, Value>,
    /// The user it names, as stored now; `None` for a machine-to-machine access token
    /// (`client_credentials`, `GetClientToken`), which names an app client and no user.
    pub user: Option<UserRecord>,
}

impl Presented {
    /// The string claim `name`.
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// `exp` (seconds).
    pub fn exp(&self) -> i64 {
        self.claims.get("exp").and_then(Value::as_i64).unwrap_or_default()
    }

    /// The `scope` claim split on spaces (none for id tokens).
    pub fn scopes(&self) -> Vec<String> {
        self.claim("scope").map(|s| s.split_whitespace().map(str::to_owned).collect()).unwrap_or_default()
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed, forged, of another pool or issuer, or not of the kind expected.
    Invalid,
    /// Past its `exp`.
    Expired,
    /// Its family was revoked (`RevokeToken`, `GlobalSignOut`, `AdminUserGlobalSignOut`).
    Revoked,
    /// Its user no longer exists (or is another user of the same name now).
    UserNotFound,
    /// Its user is disabled.
    UserDisabled,
}

/// Checks `token` as a token of `kind` issued by `pool`: the signature with the pool's key of
/// that kind, `iss` (this pool), `token_use`, `exp`, and for a user's token that the user still
/// exists with the same `sub`, that its family is not revoked and that the user is enabled, in
/// the order [`super::access`] checks them. Store failures are the `Err`.
pub async fn check<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    token: &str,
    kind: Kind,
) -> ApiResult<Result<Presented, Refusal>> {
    let Some(parsed) = jwt::parse(token) else { return Ok(Err(Refusal::Invalid)) };
    let claim = |name: &str| parsed.claims.get(name).and_then(Value::as_str);
    if claim("iss") != Some(issuer(svc, pool.id()).as_str()) {
        return Ok(Err(Refusal::Invalid));
    }
    let Some(keys) = keys::for_checking(svc, pool).await? else { return Ok(Err(Refusal::Invalid)) };
    let (key, token_use) = match kind {
        Kind::Access => (&keys.access, "access"),
        Kind::Id => (&keys.id, "id"),
    };
    if !parsed.signed_by(key) || claim("token_use") != Some(token_use) {
        return Ok(Err(Refusal::Invalid));
    }
    let Some(exp) = parsed.claims.get("exp").and_then(Value::as_i64) else { return Ok(Err(Refusal::Invalid)) };
    if svc.clock.now_ms() / 1000 >= exp {
        return Ok(Err(Refusal::Expired));
    }
    let username = match kind {
        Kind::Access => claim("username"),
        Kind::Id => claim("cognito:username"),
    };
    let Some(sub) = claim("sub") else { return Ok(Err(Refusal::Invalid)) };
    let (Some(username), Some(origin_jti)) = (username, claim("origin_jti")) else {
        // Without a user: a machine-to-machine access token (its `sub` and `client_id` are the
        // app client); an id token always names a user.
        if kind == Kind::Access && claim("client_id") == Some(sub) {
            return Ok(Ok(Presented { claims: parsed.claims, user: None }));
        }
        return Ok(Err(Refusal::Invalid));
    };
    let user = match svc.store.get_user(pool.id(), &pool.username_key(username)).await {
        Ok(user) if user.sub == sub => user,
        Ok(_) | Err(StoreError::NotFound) => return Ok(Err(Refusal::UserNotFound)),
        Err(e) => return Err(e.into()),
    };
    if !svc.store.family_valid(pool.id(), origin_jti).await? {
        return Ok(Err(Refusal::Revoked));
    }
    if !user.enabled {
        return Ok(Err(Refusal::UserDisabled));
    }
    Ok(Ok(Presented { claims: parsed.claims, user: Some(user) }))
}
