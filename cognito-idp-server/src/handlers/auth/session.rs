//! Challenge sessions: the opaque `Session` string a challenge hands out and the answer brings
//! back.
//!
//! The client holds a long random string; the store keeps only its SHA-256 (the string has 384
//! bits of entropy, so a plain hash is enough and a stolen database reveals no live session).
//! A session is single use: [`take`] removes it atomically, so two concurrent answers cannot
//! both use it. It is bound to the pool, app client and user it was issued for, and expires
//! after the client's `AuthSessionValidity` (minutes, 3 by default).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::types::UserPoolClientType;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::errors::{ApiError, ApiResult};
use crate::state::Cognito;
use crate::store::{OutboxMessage, SessionRecord, Store, StoreError};

/// What every session string starts with, so a session is recognisable in a bug report (never
/// in a log: the string itself is a credential).
const PREFIX: &str = "AYABe";

/// Random bytes per session string.
const RANDOM_BYTES: usize = 48;

/// `AuthSessionValidity` when the client sets none: 3 minutes (AWS's default, see
/// `handlers::clients`).
const DEFAULT_VALIDITY_MINUTES: i32 = 3;

/// How long a session of `client` lives, in milliseconds: its `AuthSessionValidity` (3 to 15
/// minutes, 3 when unset).
pub fn ttl_ms(client: &UserPoolClientType) -> i64 {
    let minutes = client.auth_session_validity.unwrap_or(DEFAULT_VALIDITY_MINUTES).clamp(3, 15);
    i64::from(minutes) * 60_000
}

/// The hash a session string is stored under.
pub fn hash(raw: &str) -> String {
    Sha256::digest(raw.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh session string.
fn new_raw() -> String {
    let mut bytes = [0u8; RANDOM_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The key of the challenge name in a session's document.
pub const CHALLENGE: &str = "challenge";
/// The key of the flow's own state in a session's document.
pub const STATE: &str = "state";
/// The key of the count of wrong answers in a session's document.
pub const ATTEMPTS: &str = "attempts";
/// The key that marks a session of the managed login pages (absent for the API's).
pub const BROWSER: &str = "browser";
/// The key of the device a sign-in proved (absent before, or without one).
pub const DEVICE: &str = "device";

/// The device the sign-in of this session proved by device SRP, if any.
pub fn device(record: &SessionRecord) -> Option<&str> {
    record.doc.get(DEVICE).and_then(|v| v.as_str())
}

/// Whether a session was issued to the managed login pages: such a session is answered there
/// only, and one of the API only through the API.
pub fn is_browser(record: &SessionRecord) -> bool {
    record.doc.get(BROWSER).and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Starts a session for `challenge_name` of the sign-in of `user_key` through `client_id`,
/// keeping `state` for the answer; `outbox` (the codes the challenge sends) is stored with it.
/// `browser` marks a session of the managed login pages ([`is_browser`]); `device` is the device
/// the sign-in proved, if any ([`device`]). Returns the opaque `Session` string for the client.
#[allow(clippy::too_many_arguments)]
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    challenge_name: &str,
    state: serde_json::Value,
    ttl_ms: i64,
    outbox: Vec<OutboxMessage>,
    browser: bool,
    device: Option<&str>,
) -> ApiResult<String> {
    let raw = new_raw();
    start_as(svc, &raw, pool_id, client_id, user_key, challenge_name, state, ttl_ms, outbox, browser, device).await?;
    Ok(raw)
}

/// [`start`] with a session string the caller chose (it must be as random and long as
/// [`start`]'s): `PASSWORD_VERIFIER` uses its `SECRET_BLOCK` as the session, since SRP clients
/// such as pycognito answer that challenge without the `Session` and Cognito finds the sign-in
/// from the secret block they echo.
#[allow(clippy::too_many_arguments)]
pub async fn start_as<S: Store>(
    svc: &Cognito<S>,
    raw: &str,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    challenge_name: &str,
    state: serde_json::Value,
    ttl_ms: i64,
    outbox: Vec<OutboxMessage>,
    browser: bool,
    device: Option<&str>,
) -> ApiResult<()> {
    let mut doc = serde_json::json!({ CHALLENGE: challenge_name, STATE: state, ATTEMPTS: 0 });
    if browser {
        doc[BROWSER] = true.into();
    }
    if let Some(device) = device {
        doc[DEVICE] = device.into();
    }
    let record = SessionRecord {
        id_hash: hash(raw),
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        user_key: user_key.to_owned(),
        expires_ms: svc.clock.now_ms() + ttl_ms,
        doc,
    };
    svc.store.put_session(record, outbox).await?;
    Ok(())
}

/// `Invalid session for the user, session can only be used once.`: a session that was used
/// already (or never existed). AWS's wording, quoted in aws-amplify/amplify-js issues on
/// retried `RespondToAuthChallenge` calls.
pub fn used() -> ApiError {
    ApiError::not_authorized("Invalid session for the user, session can only be used once.")
}

/// `Invalid session for the user, session is expired.` (AWS's wording, quoted in
/// aws-amplify/amplify-js issues on slow MFA answers).
pub fn expired() -> ApiError {
    ApiError::not_authorized("Invalid session for the user, session is expired.")
}

/// Takes the session `raw` out of the store (single use), checking that it exists and has not
/// expired, with AWS's `NotAuthorizedException` messages. The caller checks that it belongs to
/// the client and user of the answer.
pub async fn take<S: Store>(svc: &Cognito<S>, raw: &str) -> ApiResult<SessionRecord> {
    let record = match svc.store.take_session(&hash(raw)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(used()),
        Err(e) => return Err(e.into()),
    };
    if record.expires_ms <= svc.clock.now_ms() {
        return Err(expired());
    }
    Ok(record)
}

/// Puts a taken session back under the same string (same hash and expiry) after a wrong code,
/// with its count of wrong answers one higher: AWS lets the user retry a code with the same
/// session a few times. Returns the count after this one.
pub async fn put_back<S: Store>(svc: &Cognito<S>, mut record: SessionRecord) -> ApiResult<i64> {
    let attempts = attempts(&record) + 1;
    if let Some(doc) = record.doc.as_object_mut() {
        doc.insert(ATTEMPTS.to_owned(), attempts.into());
    }
    svc.store.put_session(record, Vec::new()).await?;
    Ok(attempts)
}

/// The challenge a session was issued for.
pub fn challenge(record: &SessionRecord) -> &str {
    record.doc.get(CHALLENGE).and_then(|v| v.as_str()).unwrap_or("")
}

/// The flow's state kept in a session.
pub fn state(record: &SessionRecord) -> &serde_json::Value {
    record.doc.get(STATE).unwrap_or(&serde_json::Value::Null)
}

/// Wrong answers given with this session so far.
pub fn attempts(record: &SessionRecord) -> i64 {
    record.doc.get(ATTEMPTS).and_then(|v| v.as_i64()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_strings_are_long_random_and_hashed() {
        let one = new_raw();
        let two = new_raw();
        assert_ne!(one, two);
        assert!(one.len() >= 64 && one.len() <= 4096);
        assert_eq!(hash(&one).len(), 64);
        assert_ne!(hash(&one), hash(&two));
    }

    #[test]
    fn validity_comes_from_the_client() {
        let mut client = UserPoolClientType::default();
        assert_eq!(ttl_ms(&client), 180_000);
        client.auth_session_validity = Some(15);
        assert_eq!(ttl_ms(&client), 900_000);
    }
}
