//! Refresh tokens: opaque random strings, stored only as their SHA-256, each in the family of
//! the sign-in it came from (`origin_jti`), rotated when the client asks for rotation.
//!
//! A token is shaped like Cognito's (five base64url parts, as a JWE compact serialization; the
//! pattern `[A-Za-z0-9-_=.]+` of the API's `TokenModelType`). The second part names the pool,
//! family and expiry in the clear, so that a token the store no longer knows (revoked, or
//! cleaned up after expiry) still gets AWS's precise message; the secret is the 48 random bytes
//! of the last three parts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::ErrorCode;
use cognito_idp::types::{AuthenticationResultType, UserPoolClientType};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Family, claims, mint, prepare};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::sessions::tracking::{self, Seen};
use crate::handlers::triggered::pre_token_generation::{Generation, Source};
use crate::state::{Cognito, Pool};
use crate::store::{RefreshRecord, Store, StoreError, UserRecord};

/// The first part of every refresh token: the header AWS's refresh tokens carry.
const HEADER: &str = r#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#;

/// "Invalid Refresh Token" (a token this server never issued, or of another pool).
pub fn invalid() -> ApiError {
    ApiError::not_authorized("Invalid Refresh Token")
}

/// "Refresh Token has been revoked" (`RevokeToken`, global sign-out, or its user deleted).
pub fn revoked() -> ApiError {
    ApiError::not_authorized("Refresh Token has been revoked")
}

/// "Refresh Token has expired".
pub fn expired() -> ApiError {
    ApiError::not_authorized("Refresh Token has expired")
}

/// A token of another app client of the pool: AWS has answered this since January 2022
/// (aws/aws-sdk-js issue 4016 quotes the change from "Invalid Refresh Token").
pub fn other_client() -> ApiError {
    ApiError::not_authorized("Refresh Token has different Client")
}

/// A new refresh token for `pool_id`'s family `origin_jti`, expiring at `exp_s`.
pub fn new_token(pool_id: &str, origin_jti: &str, exp_s: i64) -> String {
    let mut secret = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut secret);
    let reference = format!("{pool_id}:{origin_jti}:{exp_s}");
    [
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(reference),
        URL_SAFE_NO_PAD.encode(&secret[..12]),
        URL_SAFE_NO_PAD.encode(&secret[12..32]),
        URL_SAFE_NO_PAD.encode(&secret[32..]),
    ]
    .join(".")
}

/// What a refresh token is stored by.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the clear part of a token names.
#[derive(Debug, PartialEq)]
pub struct Reference {
    /// The pool.
    pub pool_id: String,
    /// The family.
    pub origin_jti: String,
    /// When it expires (seconds).
    pub exp_s: i64,
}

/// The clear part of a token shaped as this server makes them.
pub fn reference(token: &str) -> Option<Reference> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 5 || parts[0] != URL_SAFE_NO_PAD.encode(HEADER) {
        return None;
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).ok()?).ok()?;
    let mut fields = text.splitn(3, ':');
    let (pool_id, origin_jti, exp) = (fields.next()?, fields.next()?, fields.next()?);
    Some(Reference { pool_id: pool_id.to_owned(), origin_jti: origin_jti.to_owned(), exp_s: exp.parse().ok()? })
}

/// Stores a new token of `family` for `user`.
pub async fn store<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    user: &UserRecord,
    family: &Family,
    lifetime_s: i64,
) -> ApiResult<String> {
    let now_ms = svc.clock.now_ms();
    let exp_s = now_ms / 1000 + lifetime_s;
    let raw = new_token(pool.id(), &family.origin_jti, exp_s);
    svc.store.insert_refresh(new_record(pool, client_id, user, family, &raw, exp_s)).await?;
    Ok(raw)
}

fn new_record(
    pool: &Pool,
    client_id: &str,
    user: &UserRecord,
    family: &Family,
    raw: &str,
    exp_s: i64,
) -> RefreshRecord {
    RefreshRecord {
        hash: hash(raw),
        pool_id: pool.id().to_owned(),
        client_id: client_id.to_owned(),
        user_key: user.username_key.clone(),
        origin_jti: family.origin_jti.clone(),
        expires_ms: exp_s * 1000,
        doc: json!({
            "auth_time": family.auth_time,
            "event_id": family.event_id,
            "sub": user.sub,
            // The expiry it was issued with: a stored expiry before it means it was rotated.
            "exp_ms": exp_s * 1000,
            // The scopes the OAuth 2.0 endpoints granted (null for the API's sign-ins): a
            // refreshed access token keeps them.
            "scopes": family.scopes,
            // The device the token is bound to (null when the pool tracks no devices).
            "device_key": family.device_key,
        }),
    }
}

/// Which operation refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `InitiateAuth` / `AdminInitiateAuth` with `REFRESH_TOKEN_AUTH` (never rotates).
    InitiateAuth,
    /// `GetTokensFromRefreshToken` (rotates when the client says so).
    GetTokens,
}

/// New tokens from a refresh token of `client`: the user must still exist and be enabled; the
/// new tokens keep the sign-in's `auth_time`, `origin_jti` and `event_id`. `check_user` is
/// called with the token's user once it is found, before anything is issued or rotated. The
/// PreTokenGeneration trigger (`TokenGeneration_RefreshTokens`, with `client_metadata`) runs
/// before the token is rotated, so a failing function leaves the token as it was.
///
/// A token bound to a device (see `handlers::devices`) refreshes only with that `device_key`
/// presented and while the device is still a confirmed device of the user: otherwise `Invalid
/// Refresh Token`, as AWS answers (aws/aws-sdk-java issue 2841, aws-amplify/amplify-android
/// issue 2506: unconfirmed devices' tokens do not refresh; AWS's blog on device tracking: a
/// forgotten device's refresh tokens fail).
#[allow(clippy::too_many_arguments)]
pub async fn refresh<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    token: &str,
    via: Via,
    client_metadata: Option<&std::collections::BTreeMap<String, String>>,
    device_key: Option<&str>,
    seen: &Seen,
    check_user: impl FnOnce(&UserRecord) -> ApiResult<()>,
) -> ApiResult<AuthenticationResultType> {
    let client_id = client.client_id.as_deref().unwrap_or_default();
    let now_ms = svc.clock.now_ms();
    let old_hash = hash(token);
    let record = match svc.store.get_refresh(&old_hash).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => {
            return Err(match reference(token) {
                Some(r) if r.pool_id == pool.id() && now_ms / 1000 >= r.exp_s => expired(),
                Some(r) if r.pool_id == pool.id() => revoked(),
                _ => invalid(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    if record.pool_id != pool.id() {
        return Err(invalid());
    }
    if record.client_id != client_id {
        return Err(other_client());
    }
    let issued_exp_ms = record.doc.get("exp_ms").and_then(|v| v.as_i64()).unwrap_or(record.expires_ms);
    if now_ms >= record.expires_ms {
        if record.expires_ms < issued_exp_ms {
            // Rotated out and past its grace period. AWS's model has an error for exactly this
            // (RefreshTokenReuseException on GetTokensFromRefreshToken); its message is not on
            // record.
            return Err(ApiError::new(ErrorCode::RefreshTokenReuseException, "Refresh Token has been used already"));
        }
        return Err(expired());
    }
    let rotate = client.refresh_token_rotation.as_ref().is_some_and(|r| r.feature.as_str() == "ENABLED");
    if rotate && via == Via::InitiateAuth {
        // "Refresh token rotation must be completed with GetTokensFromRefreshToken" (AWS's
        // RefreshTokenRotationType documentation); the wording of the refusal is ours.
        return Err(ApiError::invalid_parameter(
            "Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken",
        ));
    }
    let user = match svc.store.get_user(pool.id(), &record.user_key).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Err(revoked()),
        Err(e) => return Err(e.into()),
    };
    if record.doc.get("sub").and_then(|v| v.as_str()) != Some(user.sub.as_str()) {
        return Err(revoked());
    }
    check_user(&user)?;
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    let bound = record.doc.get("device_key").and_then(|v| v.as_str()).map(str::to_owned);
    if let Some(bound) = &bound {
        if device_key != Some(bound.as_str()) {
            return Err(invalid());
        }
        match svc.store.get_device(pool.id(), &user.username_key, bound).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => return Err(invalid()),
            Err(e) => return Err(e.into()),
        }
    }
    let family = Family {
        origin_jti: record.origin_jti.clone(),
        event_id: record.doc.get("event_id").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
        auth_time: record.doc.get("auth_time").and_then(|v| v.as_i64()).unwrap_or(now_ms / 1000),
        scopes: record.doc.get("scopes").and_then(|v| serde_json::from_value(v.clone()).ok()),
        device_key: bound,
    };
    let generation = Generation::with_metadata(Source::RefreshTokens, client_metadata);
    let prepared = prepare(svc, pool, client, &user, &family, &generation).await?;
    if rotate {
        let lifetime = claims::lifetimes(client).refresh;
        let exp_s = now_ms / 1000 + lifetime;
        let raw = new_token(pool.id(), &family.origin_jti, exp_s);
        let grace_ms = client
            .refresh_token_rotation
            .as_ref()
            .and_then(|r| r.retry_grace_period_seconds)
            .map_or(0, |s| i64::from(s.clamp(0, 60)) * 1000);
        let old_expires_ms = record.expires_ms.min(now_ms + grace_ms);
        match svc
            .store
            .rotate_refresh(&old_hash, old_expires_ms, new_record(pool, client_id, &user, &family, &raw, exp_s))
            .await
        {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(revoked()),
            Err(e) => return Err(e.into()),
        }
        let mut result = mint(svc, pool, client, &user, &family, None, &prepared).await?;
        result.refresh_token = Some(raw);
        tracking::refreshed(svc, pool, &family.origin_jti, seen).await;
        return Ok(result);
    }
    let result = mint(svc, pool, client, &user, &family, None, &prepared).await?;
    tracking::refreshed(svc, pool, &family.origin_jti, seen).await;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_family_and_differ() {
        let a = new_token("us-east-1_abc", "f-1", 1700000000);
        let b = new_token("us-east-1_abc", "f-1", 1700000000);
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || "-_=.".contains(c)));
        assert!(a.starts_with("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."));
        let r = reference(&a).unwrap();
        assert_eq!(r, Reference { pool_id: "us-east-1_abc".into(), origin_jti: "f-1".into(), exp_s: 1700000000 });
        assert!(reference("a.b.c").is_none());
        assert!(reference("").is_none());
    }
}
