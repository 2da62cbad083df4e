//! Tokens: each pool's signing keys, the access, id and refresh tokens a sign-in ends with, and
//! the check of an access token that authorises the self-service operations.
//!
//! - [`key_pairs`]: RSA-2048 key pairs, a pool's two (access, id), and the cache of them.
//! - [`keys`]: a pool's keys, stored once, cached decoded.
//! - [`jwt`]: RS256 compact JWS, signed and checked with those keys only.
//! - [`claims`]: Cognito's claims and the client's lifetimes.
//! - [`refresh`]: opaque refresh tokens, their families, rotation.
//! - [`access`]: the check of an access token ([`authenticate`]).
//! - [`presented`]: the check of a pool's access or id token presented to act on (token exchange).

pub mod access;
pub mod claims;
pub mod discovery;
pub mod jwt;
pub mod key_pairs;
pub mod keys;
pub mod presented;
pub mod refresh;

use std::sync::Arc;

use cognito_idp::types::{AuthenticationResultType, UserPoolClientType};

use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// Issues access, id and refresh tokens for a sign-in that just completed (a new token family),
/// with the lifetimes the client sets. `auth_time_s` is when the user authenticated.
pub async fn issue<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    auth_time_s: i64,
) -> ApiResult<AuthenticationResultType> {
    let family = Family::new(auth_time_s, None);
    let client_id = client.client_id.as_deref().unwrap_or_default();
    // The family exists (with its refresh token) before any access token names it.
    let raw = refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).refresh).await?;
    let mut result = mint(svc, pool, client, user, &family, None).await?;
    result.refresh_token = Some(raw);
    Ok(result)
}

/// What the OAuth 2.0 endpoints issue for a user: tokens carrying the granted `scopes`, an id
/// token only when `openid` is among them (with the authorization request's `nonce`, and
/// `at_hash`), and a refresh token when `with_refresh` (the code grant; not the implicit one).
pub async fn issue_oauth<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    grant: &OAuthGrant<'_>,
) -> ApiResult<AuthenticationResultType> {
    let family = Family::new(grant.auth_time_s, Some(grant.scopes.to_vec()));
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let raw = match grant.with_refresh {
        true => Some(refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).refresh).await?),
        // The family must exist for the access token to be valid (revocation is by family).
        false => {
            refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).access).await?;
            None
        }
    };
    let mut result = mint(svc, pool, client, user, &family, grant.nonce).await?;
    result.refresh_token = raw;
    Ok(result)
}

/// A machine-to-machine access token for `client` (`client_credentials`, `GetClientToken`)
/// with `scopes`: the token and its lifetime in seconds.
pub async fn client_token<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    scopes: &[String],
) -> ApiResult<(String, i64)> {
    let keys = keys::for_signing(svc, pool).await?;
    let lifetime = claims::lifetimes(client).access;
    let now = svc.clock.now_ms() / 1000;
    let issuer = issuer(svc, pool.id());
    let jti = uuid::Uuid::new_v4().to_string();
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let token = claims::client_access(&issuer, client_id, scopes, now, now + lifetime, &jti);
    Ok((jwt::sign(&keys.access, &token)?, lifetime))
}

/// What an authorization grant decided: see [`issue_oauth`].
#[derive(Debug, Clone)]
pub struct OAuthGrant<'a> {
    /// The scopes granted.
    pub scopes: &'a [String],
    /// The authorization request's `nonce`.
    pub nonce: Option<&'a str>,
    /// When the user authenticated (seconds).
    pub auth_time_s: i64,
    /// Whether a refresh token comes with the tokens.
    pub with_refresh: bool,
}

/// `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN` (through `InitiateAuth` / `AdminInitiateAuth`): new
/// access and id tokens from a refresh token of `client`. The user must still exist and be
/// enabled. A client that rotates refresh tokens must refresh through
/// `GetTokensFromRefreshToken` instead ([`refresh::refresh`] with [`refresh::Via::GetTokens`]).
/// `check_user` is called with the token's user (found, still the same user) before anything
/// is issued: the caller's checks that need the user, such as the `SECRET_HASH` over its name.
pub async fn refresh<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    refresh_token: &str,
    check_user: impl FnOnce(&UserRecord) -> ApiResult<()>,
) -> ApiResult<AuthenticationResultType> {
    refresh::refresh(svc, pool, client, refresh_token, refresh::Via::InitiateAuth, check_user).await
}

/// The user an access token speaks for: signature, expiry, `token_use`, issuing pool and
/// revocation checked; `NotAuthorizedException` otherwise.
pub async fn authenticate<S: Store>(svc: &Cognito<S>, access_token: &str) -> ApiResult<Authenticated> {
    access::authenticate(svc, access_token).await
}

/// A verified access token and whom it names.
#[derive(Clone)]
pub struct Authenticated {
    /// The pool that issued it.
    pub pool: Arc<Pool>,
    /// The user, as stored now.
    pub user: UserRecord,
    /// The app client it was issued to (`client_id` claim).
    pub client_id: String,
    /// Its family (`origin_jti` claim).
    pub origin_jti: String,
    /// Its `scope` claim, split.
    pub scopes: Vec<String>,
}

/// The tokens' `iss` for pool `pool_id`: `{issuer base}/{pool id}`.
pub fn issuer<S>(svc: &Cognito<S>, pool_id: &str) -> String {
    format!("{}/{pool_id}", svc.settings.issuer_base)
}

/// What every token of one sign-in shares.
#[derive(Debug, Clone)]
pub struct Family {
    /// `origin_jti`: names the family (revocation).
    pub origin_jti: String,
    /// `event_id`: the sign-in event.
    pub event_id: String,
    /// `auth_time` (seconds).
    pub auth_time: i64,
    /// The scopes the OAuth 2.0 endpoints granted; `None` for a sign-in through the API, whose
    /// access tokens carry `aws.cognito.signin.user.admin` alone.
    pub scopes: Option<Vec<String>>,
}

impl Family {
    /// A new family (fresh `origin_jti` and `event_id`).
    pub fn new(auth_time: i64, scopes: Option<Vec<String>>) -> Family {
        Family {
            origin_jti: uuid::Uuid::new_v4().to_string(),
            event_id: uuid::Uuid::new_v4().to_string(),
            auth_time,
            scopes,
        }
    }
}

/// Signs a new access and id token of `family` for `user` (the user's groups and attributes as
/// they are now). A family of the OAuth 2.0 endpoints has its scopes in the access token, an id
/// token only with `openid`, and the id token's `at_hash` (and `nonce`, when given).
async fn mint<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    family: &Family,
    nonce: Option<&str>,
) -> ApiResult<AuthenticationResultType> {
    let keys = keys::for_signing(svc, pool).await?;
    let groups = claims::groups(svc, pool, user).await?;
    let lifetimes = claims::lifetimes(client);
    let now = svc.clock.now_ms() / 1000;
    let issuer = issuer(svc, pool.id());
    let scope = family.scopes.as_ref().map_or_else(|| claims::ADMIN_SCOPE.to_owned(), |s| s.join(" "));
    let mut issue = claims::Issue {
        issuer: &issuer,
        client_id: client.client_id.as_deref().unwrap_or_default(),
        origin_jti: &family.origin_jti,
        event_id: &family.event_id,
        auth_time: family.auth_time,
        now,
        groups: &groups,
        scope: &scope,
        nonce,
        at_hash: None,
    };
    let access = claims::access(&issue, user, now + lifetimes.access, &uuid::Uuid::new_v4().to_string());
    let access = jwt::sign(&keys.access, &access)?;
    let with_id = family.scopes.as_ref().is_none_or(|s| s.iter().any(|s| s == "openid"));
    let at_hash = family.scopes.as_ref().map(|_| claims::at_hash(&access));
    issue.at_hash = at_hash.as_deref();
    let id = match with_id {
        true => Some(jwt::sign(
            &keys.id,
            &claims::id(&issue, client, user, now + lifetimes.id, &uuid::Uuid::new_v4().to_string()),
        )?),
        false => None,
    };
    Ok(AuthenticationResultType {
        access_token: Some(access),
        expires_in: Some(i32::try_from(lifetimes.access).unwrap_or(i32::MAX)),
        token_type: Some("Bearer".into()),
        refresh_token: None,
        id_token: id,
        new_device_metadata: None,
    })
}
