//! Tokens: each pool's signing keys, the access, id and refresh tokens a sign-in ends with, and
//! the check of an access token that authorises the self-service operations.
//!
//! INTERFACE SKELETON (part 2 in progress): the signatures below are the contract the auth
//! handlers call; the token work replaces the bodies.

use std::sync::Arc;

use cognito_idp::types::{AuthenticationResultType, UserPoolClientType};

use crate::errors::{ApiError, ApiResult};
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
    let _ = (svc, pool, client, user, auth_time_s);
    Err(ApiError::internal("tokens::issue: not implemented yet"))
}

/// `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN` and `GetTokensFromRefreshToken`: new access and id
/// tokens from a refresh token of `client` (and a new refresh token when the client rotates
/// them). The user must still exist and be enabled.
pub async fn refresh<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    refresh_token: &str,
) -> ApiResult<AuthenticationResultType> {
    let _ = (svc, pool, client, refresh_token);
    Err(ApiError::internal("tokens::refresh: not implemented yet"))
}

/// The user an access token speaks for: signature, expiry, `token_use`, issuing pool and
/// revocation checked; `NotAuthorizedException` otherwise.
pub async fn authenticate<S: Store>(svc: &Cognito<S>, access_token: &str) -> ApiResult<Authenticated> {
    let _ = (svc, access_token);
    Err(ApiError::internal("tokens::authenticate: not implemented yet"))
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
}
