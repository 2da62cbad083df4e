//! The check of an access token, for the operations a user calls with one (`GetUser`,
//! `GlobalSignOut`, ...). AWS's answers, all `NotAuthorizedException`: "Invalid Access Token"
//! (forged, malformed, another pool's, not an access token), "Access Token has expired",
//! "Access Token has been revoked" (quoted from real responses in aws-amplify/amplify-js issues
//! 2205 and 3540 and aws-amplify/amplify-flutter issue 1141), and "Access Token does not have
//! required scopes" for a token without `aws.cognito.signin.user.admin` (aws-amplify/amplify-js
//! issues 1906 and 5921, aws-amplify/aws-sdk-android issue 1813; here: a token whose scopes
//! `GetDerivedToken` narrowed).

use serde_json::Value;

use cognito_idp::ErrorCode;

use super::{Authenticated, jwt, keys};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::load_pool;
use crate::state::Cognito;
use crate::store::{Store, StoreError};

/// "Invalid Access Token".
pub fn invalid() -> ApiError {
    ApiError::not_authorized("Invalid Access Token")
}

/// "Access Token has expired".
pub fn expired() -> ApiError {
    ApiError::not_authorized("Access Token has expired")
}

/// "Access Token has been revoked".
pub fn revoked() -> ApiError {
    ApiError::not_authorized("Access Token has been revoked")
}

/// "Access Token does not have required scopes": a token from the OAuth 2.0 endpoints that was
/// not granted `aws.cognito.signin.user.admin`, used with an operation of the API (AWS's
/// wording, quoted in aws-amplify/amplify-js issues on hosted-UI tokens and `GetUser`).
pub fn missing_scope() -> ApiError {
    ApiError::not_authorized("Access Token does not have required scopes")
}

/// See [`super::authenticate`]: [`verify`], and the token must carry the scope of the API.
pub async fn authenticate<S: Store>(svc: &Cognito<S>, token: &str) -> ApiResult<Authenticated> {
    let authenticated = verify(svc, token).await?;
    if !authenticated.scopes.iter().any(|s| s == super::claims::ADMIN_SCOPE) {
        return Err(missing_scope());
    }
    Ok(authenticated)
}

/// An access token of a user, checked (signature, expiry, `token_use`, issuing pool, user,
/// revocation) whatever its scopes: the userInfo endpoint reads them itself.
pub async fn verify<S: Store>(svc: &Cognito<S>, token: &str) -> ApiResult<Authenticated> {
    let parsed = jwt::parse(token).ok_or_else(invalid)?;
    let claim = |name: &str| parsed.claims.get(name).and_then(Value::as_str);
    let pool_id = claim("iss")
        .and_then(|iss| iss.strip_prefix(svc.settings.issuer_base.as_str()))
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .ok_or_else(invalid)?;
    let pool = match load_pool(svc, pool_id).await {
        Ok(pool) => pool,
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => return Err(invalid()),
        Err(e) => return Err(e),
    };
    let keys = keys::for_checking(svc, &pool).await?.ok_or_else(invalid)?;
    if !parsed.signed_by(&keys.access) || claim("token_use") != Some("access") {
        return Err(invalid());
    }
    let exp = parsed.claims.get("exp").and_then(Value::as_i64).ok_or_else(invalid)?;
    if svc.clock.now_ms() / 1000 >= exp {
        return Err(expired());
    }
    let (Some(username), Some(sub), Some(client_id), Some(origin_jti)) =
        (claim("username"), claim("sub"), claim("client_id"), claim("origin_jti"))
    else {
        return Err(invalid());
    };
    let user = match svc.store.get_user(pool.id(), &pool.username_key(username)).await {
        Ok(user) if user.sub == sub => user,
        Ok(_) | Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
        Err(e) => return Err(e.into()),
    };
    if !svc.store.family_valid(pool.id(), origin_jti).await? {
        return Err(revoked());
    }
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    let scopes = claim("scope").unwrap_or_default().split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let device_key = claim("device_key").map(str::to_owned);
    Ok(Authenticated {
        pool,
        user,
        client_id: client_id.to_owned(),
        origin_jti: origin_jti.to_owned(),
        scopes,
        device_key,
    })
}
