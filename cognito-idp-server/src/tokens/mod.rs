//! Tokens: each pool's signing keys, the access, id and refresh tokens a sign-in ends with, and
//! the check of an access token that authorises the self-service operations.
//!
//! - [`key_pairs`]: RSA-2048 key pairs, a pool's two (access, id), and the cache of them.
//! - [`keys`]: a pool's keys, stored once, cached decoded.
//! - [`jwt`]: RS256 compact JWS, signed and checked with those keys only.
//! - [`claims`]: Cognito's claims and the client's lifetimes.
//! - [`custom`]: a PreTokenGeneration function's answer applied to the claims, the one place
//!   every issuance goes through (the trigger is invoked by [`prepare`] and [`client_token`]).
//! - [`refresh`]: opaque refresh tokens, their families, rotation.
//! - [`access`]: the check of an access token ([`authenticate`]).
//! - [`presented`]: the check of a pool's access or id token presented to act on (token exchange).

pub mod access;
pub mod claims;
pub mod custom;
pub mod discovery;
pub mod jwt;
pub mod key_pairs;
pub mod keys;
pub mod presented;
pub mod refresh;

use std::sync::Arc;

use cognito_idp::types::{AuthenticationResultType, UserPoolClientType};

use crate::errors::ApiResult;
use crate::handlers::sessions::tracking;
pub use crate::handlers::sessions::tracking::Seen;
use crate::handlers::triggered::pre_token_generation::{self, Customization, Generation, GroupConfiguration, Source};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// Issues access, id and refresh tokens for a sign-in that just completed (a new token family),
/// with the lifetimes the client sets. `auth_time_s` is when the user authenticated;
/// `generation` says why, for the PreTokenGeneration trigger.
pub async fn issue<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    auth_time_s: i64,
    generation: &Generation<'_>,
) -> ApiResult<AuthenticationResultType> {
    issue_on_device(svc, pool, client, user, auth_time_s, generation, None, &Seen::default()).await
}

/// [`issue`] for a sign-in on the device `device_key` (`{region}_{uuid}`): the access token
/// names it (`device_key` claim, as Cognito's do) and the refresh token is bound to it
/// (`REFRESH_TOKEN_AUTH` must present it, and it must still be a confirmed device of the user).
/// In a pool that tracks user sessions, the sign-in becomes a token session `seen` from there.
#[allow(clippy::too_many_arguments)]
pub async fn issue_on_device<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    auth_time_s: i64,
    generation: &Generation<'_>,
    device_key: Option<String>,
    seen: &Seen,
) -> ApiResult<AuthenticationResultType> {
    let mut family = Family::new(auth_time_s, None);
    family.device_key = device_key;
    let client_id = client.client_id.as_deref().unwrap_or_default();
    // The trigger first: a function that fails leaves nothing stored.
    let prepared = prepare(svc, pool, client, user, &family, generation).await?;
    // The family exists (with its refresh token) before any access token names it.
    let raw = refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).refresh).await?;
    tracking::started(svc, pool, user, &family.origin_jti, seen, None).await?;
    let mut result = mint(svc, pool, client, user, &family, None, &prepared).await?;
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
    let prepared = prepare(svc, pool, client, user, &family, &Generation::new(grant.source)).await?;
    let raw = match grant.with_refresh {
        true => Some(refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).refresh).await?),
        // The family must exist for the access token to be valid (revocation is by family).
        false => {
            refresh::store(svc, pool, client_id, user, &family, claims::lifetimes(client).access).await?;
            None
        }
    };
    tracking::started(svc, pool, user, &family.origin_jti, &grant.seen, grant.origin_session_id).await?;
    let mut result = mint(svc, pool, client, user, &family, grant.nonce, &prepared).await?;
    result.refresh_token = raw;
    Ok(result)
}

/// A machine-to-machine access token for `client` (`client_credentials`, `GetClientToken`)
/// with `scopes`: the token and its lifetime in seconds. A `V3_0` PreTokenGeneration function
/// is called first (`TokenGeneration_ClientCredentials`, with `client_metadata`).
pub async fn client_token<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    scopes: &[String],
    client_metadata: Option<&std::collections::BTreeMap<String, String>>,
) -> ApiResult<(String, i64)> {
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let custom = pre_token_generation::for_client(svc, pool, client_id, scopes, client_metadata).await?;
    let keys = keys::for_signing(svc, pool).await?;
    let lifetime = claims::lifetimes(client).access;
    let now = svc.clock.now_ms() / 1000;
    let issuer = issuer(svc, pool.id());
    let jti = uuid::Uuid::new_v4().to_string();
    let scopes = custom::scopes(&custom, scopes);
    let mut token = claims::client_access(&issuer, client_id, &scopes, now, now + lifetime, &jti);
    custom::apply(&custom, custom::Token::Access { client_id }, &mut token);
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
    /// The PreTokenGeneration source (`TokenGeneration_HostedAuth` for the managed login).
    pub source: Source,
    /// Where the request that gets the tokens came from (a tracked token session's device).
    pub seen: Seen,
    /// The managed login's SSO session the grant came through, when sessions are tracked.
    pub origin_session_id: Option<&'a str>,
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
    device_key: Option<&str>,
    seen: &Seen,
    check_user: impl FnOnce(&UserRecord) -> ApiResult<()>,
) -> ApiResult<AuthenticationResultType> {
    let via = refresh::Via::InitiateAuth;
    refresh::refresh(svc, pool, client, refresh_token, via, None, device_key, seen, check_user).await
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
    /// Its `device_key` claim: the device its sign-in was on, or was given.
    pub device_key: Option<String>,
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
    /// The device the sign-in was on (or was given in `NewDeviceMetadata`): its tokens name it
    /// and its refresh tokens are bound to it.
    pub device_key: Option<String>,
}

impl Family {
    /// A new family (fresh `origin_jti` and `event_id`).
    pub fn new(auth_time: i64, scopes: Option<Vec<String>>) -> Family {
        Family {
            origin_jti: uuid::Uuid::new_v4().to_string(),
            event_id: uuid::Uuid::new_v4().to_string(),
            auth_time,
            scopes,
            device_key: None,
        }
    }
}

/// What the tokens of one issuance are made from besides the user: the user's group claims
/// and what the pool's PreTokenGeneration function (if any) asked for.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The group claims before the function's answer.
    pub groups: GroupConfiguration,
    /// The function's answer.
    pub custom: Customization,
}

/// The scopes of a family's access tokens: those the OAuth 2.0 endpoints granted, or
/// `aws.cognito.signin.user.admin` for a sign-in through the API.
fn granted_scopes(family: &Family) -> Vec<String> {
    family.scopes.clone().unwrap_or_else(|| vec![claims::ADMIN_SCOPE.to_owned()])
}

/// Reads `user`'s groups and calls the pool's PreTokenGeneration function, if any, before
/// tokens of `family` are issued: every issuance to a user calls this once, before it stores
/// anything, so a failing function leaves nothing behind.
pub async fn prepare<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    family: &Family,
    generation: &Generation<'_>,
) -> ApiResult<Prepared> {
    let groups = claims::group_configuration(&claims::groups(svc, pool, user).await?);
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let scopes = granted_scopes(family);
    let custom = pre_token_generation::for_user(svc, pool, client_id, user, &groups, &scopes, generation).await?;
    Ok(Prepared { groups, custom })
}

/// Signs a new access and id token of `family` for `user` (the user's attributes as they are
/// now, the groups and the function's changes of `prepared`). A family of the OAuth 2.0
/// endpoints has its scopes in the access token, an id token only with `openid`, and the id
/// token's `at_hash` (and `nonce`, when given).
async fn mint<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    family: &Family,
    nonce: Option<&str>,
    prepared: &Prepared,
) -> ApiResult<AuthenticationResultType> {
    let keys = keys::for_signing(svc, pool).await?;
    let custom = &prepared.custom;
    let groups = custom.groups.as_ref().unwrap_or(&prepared.groups);
    let lifetimes = claims::lifetimes(client);
    let now = svc.clock.now_ms() / 1000;
    let issuer = issuer(svc, pool.id());
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let scope = custom::scopes(custom, &granted_scopes(family)).join(" ");
    let mut issue = claims::Issue {
        issuer: &issuer,
        client_id,
        origin_jti: &family.origin_jti,
        event_id: &family.event_id,
        auth_time: family.auth_time,
        now,
        groups,
        scope: &scope,
        nonce,
        at_hash: None,
    };
    let mut access = claims::access(&issue, user, now + lifetimes.access, &uuid::Uuid::new_v4().to_string());
    if let Some(device_key) = &family.device_key {
        // Where Cognito's access tokens have it: right after `sub`.
        access.0.insert(1, ("device_key".to_owned(), device_key.as_str().into()));
    }
    if scope.is_empty() {
        // Every scope suppressed: no `scope` claim rather than an empty one.
        access.0.retain(|(name, _)| name != "scope");
    }
    custom::apply(custom, custom::Token::Access { client_id }, &mut access);
    let access = jwt::sign(&keys.access, &access)?;
    let with_id = family.scopes.as_ref().is_none_or(|s| s.iter().any(|s| s == "openid"));
    let at_hash = family.scopes.as_ref().map(|_| claims::at_hash(&access));
    issue.at_hash = at_hash.as_deref();
    let id = match with_id {
        true => {
            let mut id = claims::id(&issue, client, user, now + lifetimes.id, &uuid::Uuid::new_v4().to_string());
            custom::apply(custom, custom::Token::Id, &mut id);
            Some(jwt::sign(&keys.id, &id)?)
        }
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
