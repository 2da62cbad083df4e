//! Passkeys (WebAuthn): `StartWebAuthnRegistration`, `CompleteWebAuthnRegistration`,
//! `ListWebAuthnCredentials`, `DeleteWebAuthnCredential`, all with the user's access token.
//! Signing in with a passkey is `USER_AUTH`'s `WEB_AUTHN` factor (`handlers::auth::passkey`).
//!
//! A passkey is a record of its user (`store`'s `passkeys` table: listed per user, looked up
//! by credential id, gone with the user). A registration waiting for its answer is a session
//! row under a name derived from the pool and user, so a new `StartWebAuthnRegistration`
//! replaces it, any instance can complete it, and `CompleteWebAuthnRegistration` takes it once
//! (a second answer finds no challenge).

pub mod attestation;
pub mod ceremony;
pub mod relying_party;

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token};
use crate::state::{Cognito, Pool};
use crate::store::{PasskeyRecord, SessionRecord, Store, StoreError, UserRecord};
use crate::tokens;
use ceremony::StoredCredential;

/// Passkeys one user may have (AWS's quota for passkeys per user).
pub const MAX_PER_USER: usize = 20;

/// The page size of `ListWebAuthnCredentials` when `MaxResults` is unset (its maximum, 20).
const DEFAULT_LIMIT: usize = 20;

/// The key of the verifier's state in a waiting registration's session document.
const STATE: &str = "webauthnRegistration";

/// The name of the session row of `user`'s waiting registration: a SHA-256 in hex, as the
/// sign-in sessions' names are, of a string no client is ever given.
fn registration_key(pool_id: &str, user_key: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("webauthn-registration\u{0}{pool_id}\u{0}{user_key}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every passkey of `user` (at most [`MAX_PER_USER`] and a page more), oldest first.
pub async fn of_user<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) -> ApiResult<Vec<PasskeyRecord>> {
    let page = svc.store.list_passkeys(pool.id(), &user.username_key, 0, MAX_PER_USER * 2).await?;
    Ok(page.items)
}

/// Whether `user` has registered a passkey.
pub async fn has_any<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) -> ApiResult<bool> {
    Ok(!svc.store.list_passkeys(pool.id(), &user.username_key, 0, 1).await?.items.is_empty())
}

/// The stored part of a passkey record.
pub fn credential(record: &PasskeyRecord) -> ApiResult<StoredCredential> {
    serde_json::from_value(record.doc.clone()).map_err(|e| ApiError::internal(format!("decoding a passkey: {e}")))
}

/// (id, encoded transports) of each of `records`, as the ceremonies take them.
pub fn descriptors(records: &[PasskeyRecord]) -> Vec<(String, u8)> {
    records.iter().map(|r| (r.credential_id.clone(), credential(r).map(|c| c.transport_bits).unwrap_or(0))).collect()
}

/// `StartWebAuthnRegistration`: creation options for the browser; the challenge waits for
/// `CompleteWebAuthnRegistration` as long as the options' `timeout`.
pub async fn start_web_authn_registration<S: Store>(
    svc: &Cognito<S>,
    input: StartWebAuthnRegistrationRequest,
) -> ApiResult<StartWebAuthnRegistrationResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    relying_party::require_enabled(&auth.pool)?;
    let rp = relying_party::of_pool(svc, &auth.pool).await?;
    let existing = of_user(svc, &auth.pool, &auth.user).await?;
    if existing.len() >= MAX_PER_USER {
        return Err(ApiError::new(
            ErrorCode::LimitExceededException,
            format!("A user can register at most {MAX_PER_USER} passkeys."),
        ));
    }
    let sub = auth.user.attribute("sub").unwrap_or(&auth.user.username).to_owned();
    let started = ceremony::start_registration(&rp, &sub, &auth.user.username, &descriptors(&existing))?;
    let now = svc.clock.now_ms();
    let record = SessionRecord {
        id_hash: registration_key(auth.pool.id(), &auth.user.username_key),
        pool_id: auth.pool.id().to_owned(),
        client_id: auth.client_id.clone(),
        user_key: auth.user.username_key.clone(),
        expires_ms: now + i64::from(ceremony::REGISTRATION_TIMEOUT_MS),
        doc: serde_json::json!({ STATE: started.state }),
    };
    svc.store.put_session(record, Vec::new()).await?;
    Ok(StartWebAuthnRegistrationResponse { credential_creation_options: started.options })
}

/// `CompleteWebAuthnRegistration`: the browser's answer checked against the waiting challenge
/// (taken once), the origin and relying party, and the attestation; the passkey is stored.
pub async fn complete_web_authn_registration<S: Store>(
    svc: &Cognito<S>,
    input: CompleteWebAuthnRegistrationRequest,
) -> ApiResult<CompleteWebAuthnRegistrationResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    relying_party::require_enabled(&auth.pool)?;
    let rp = relying_party::of_pool(svc, &auth.pool).await?;
    let not_found = || {
        ApiError::new(
            ErrorCode::WebAuthnChallengeNotFoundException,
            "No passkey registration is waiting for this user, or it expired: call StartWebAuthnRegistration again.",
        )
    };
    let waiting = match svc.store.take_session(&registration_key(auth.pool.id(), &auth.user.username_key)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let now = svc.clock.now_ms();
    if waiting.expires_ms <= now {
        return Err(not_found());
    }
    if waiting.client_id != auth.client_id {
        return Err(ApiError::new(
            ErrorCode::WebAuthnClientMismatchException,
            "The access token is for another app client than the one that started this passkey registration.",
        ));
    }
    let state = waiting.doc.get(STATE).and_then(|v| v.as_str()).ok_or_else(not_found)?;
    let registered = ceremony::finish_registration(&rp, state, &input.credential, now)?;
    let doc = serde_json::to_value(&registered.credential)
        .map_err(|e| ApiError::internal(format!("encoding a passkey: {e}")))?;
    let record = PasskeyRecord {
        seq: 0,
        pool_id: auth.pool.id().to_owned(),
        user_key: auth.user.username_key.clone(),
        credential_id: registered.id,
        version: 0,
        doc,
    };
    match svc.store.insert_passkey(record).await {
        Ok(_) => Ok(CompleteWebAuthnRegistrationResponse {}),
        // The wording is ours: a credential id is registered once in a pool.
        Err(StoreError::ResourceExists) => {
            Err(ApiError::invalid_parameter("This passkey is already registered in the user pool."))
        }
        Err(StoreError::NotFound) => Err(ApiError::not_authorized("User does not exist.")),
        Err(e) => Err(e.into()),
    }
}

/// `ListWebAuthnCredentials`: the token's user's passkeys, oldest first, `MaxResults` (1-20,
/// 20 by default) a page.
pub async fn list_web_authn_credentials<S: Store>(
    svc: &Cognito<S>,
    input: ListWebAuthnCredentialsRequest,
) -> ApiResult<ListWebAuthnCredentialsResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let after = decode_token(input.next_token.as_deref())?;
    let limit = input.max_results.and_then(|l| usize::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(DEFAULT_LIMIT);
    let page = svc.store.list_passkeys(auth.pool.id(), &auth.user.username_key, after, limit).await?;
    let credentials = page
        .items
        .iter()
        .map(|record| {
            let stored = credential(record)?;
            Ok(WebAuthnCredentialDescription {
                credential_id: record.credential_id.clone(),
                friendly_credential_name: friendly_name(&stored),
                relying_party_id: stored.relying_party_id.clone(),
                authenticator_attachment: stored.attachment.clone(),
                authenticator_transports: stored.transports.clone(),
                created_at: timestamp(stored.created_ms),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(ListWebAuthnCredentialsResponse { credentials, next_token: page.next.map(encode_token) })
}

/// A passkey's name in listings. AWS names a passkey after its provider; without a registry
/// of authenticator models, the name says what kind of authenticator holds it.
fn friendly_name(stored: &StoredCredential) -> String {
    match stored.attachment.as_deref() {
        Some("platform") => "Passkey on this device".to_owned(),
        Some("cross-platform") => "Passkey on a security key or phone".to_owned(),
        _ => "Passkey".to_owned(),
    }
}

/// `DeleteWebAuthnCredential`: one of the token's user's passkeys; it no longer signs in.
pub async fn delete_web_authn_credential<S: Store>(
    svc: &Cognito<S>,
    input: DeleteWebAuthnCredentialRequest,
) -> ApiResult<DeleteWebAuthnCredentialResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    match svc.store.delete_passkey(auth.pool.id(), &auth.user.username_key, &input.credential_id).await {
        Ok(()) => Ok(DeleteWebAuthnCredentialResponse::default()),
        Err(StoreError::NotFound) => {
            Err(ApiError::new(ErrorCode::ResourceNotFoundException, "The passkey credential was not found."))
        }
        Err(e) => Err(e.into()),
    }
}
