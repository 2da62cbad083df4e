//! Sign-in: `InitiateAuth`, `AdminInitiateAuth`, `RespondToAuthChallenge`,
//! `AdminRespondToAuthChallenge`, their challenge sessions, and the one place a password is set.
//!
//! A password is kept two ways, never in plain text: an Argon2id hash (checked by
//! `USER_PASSWORD_AUTH` and friends) and an SRP-6a verifier (`USER_SRP_AUTH`, which never sees
//! the password). Both are written together by [`set_password`], so every operation that sets a
//! password leaves a user who can sign in either way.

pub mod app;
pub mod choice;
pub mod custom;
pub mod device;
pub mod factors;
pub mod flow;
pub mod initiate;
pub mod lockout;
pub mod passkey;
pub mod respond;
pub mod session;
pub mod srp;

pub use initiate::{admin_initiate_auth, initiate_auth};
pub use respond::{admin_respond_to_auth_challenge, respond_to_auth_challenge};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::srp::PasswordVerifier;
use rand::RngCore;

use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// Where the SRP verifier lives in `UserRecord::extra`: `{"salt": base64, "verifier": base64}`.
pub const SRP_KEY: &str = "srpVerifier";

/// A password as it is stored: its Argon2id hash and SRP verifier, computed before a write so
/// an optimistic-concurrency retry does not compute them again.
#[derive(Clone)]
pub struct StoredPassword {
    hash: String,
    srp: serde_json::Value,
}

impl std::fmt::Debug for StoredPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Both allow an offline guessing attack on the password: keep them out of logs.
        f.debug_struct("StoredPassword").finish_non_exhaustive()
    }
}

impl StoredPassword {
    /// Sets this password on `user` (hash and verifier; the status is the caller's).
    pub fn apply(&self, user: &mut UserRecord) {
        user.password_hash = Some(self.hash.clone());
        user.extra.insert(SRP_KEY.to_owned(), self.srp.clone());
    }
}

/// Hashes `password` for `username` (the name the SRP verifier is bound to: the stored
/// username, which in pools with username attributes is the `sub`), on blocking threads: the
/// Argon2id hash and the 3072-bit exponentiation of the verifier run side by side.
pub async fn stored_password<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    username: &str,
    password: &str,
) -> ApiResult<StoredPassword> {
    let (pool_id, user, pass) = (pool.id().to_owned(), username.to_owned(), password.to_owned());
    let srp = tokio::task::spawn_blocking(move || {
        // Cognito's salts are 16 random bytes (cognito-auth's `PasswordVerifier::new`).
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        cognito_auth::srp::verifier(&pool_id, &user, &pass, &salt)
    });
    let (hash, srp) = tokio::join!(svc.hasher.hash(password.to_owned()), srp);
    let srp = srp
        .map_err(|e| ApiError::internal(format!("SRP verifier failed: {e}")))?
        .map_err(|e| ApiError::internal(format!("SRP verifier failed: {e}")))?;
    Ok(StoredPassword {
        hash: hash?,
        srp: serde_json::json!({
            "salt": STANDARD.encode(srp.salt()),
            "verifier": STANDARD.encode(srp.verifier_bytes()),
        }),
    })
}

/// Sets `password` on `user`: the ONE way a password is set (Argon2id hash into
/// `password_hash`, SRP verifier into `extra`). The user's status, temporary-password expiry and
/// the write are the caller's.
pub async fn set_password<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &mut UserRecord,
    password: &str,
) -> ApiResult<()> {
    stored_password(svc, pool, &user.username, password).await?.apply(user);
    Ok(())
}

/// Removes `user`'s password (both forms): nothing signs in until a new one is set.
pub fn clear_password(user: &mut UserRecord) {
    user.password_hash = None;
    user.extra.remove(SRP_KEY);
}

/// The user's SRP verifier, if a password was set with one.
pub fn srp_verifier(user: &UserRecord) -> Option<PasswordVerifier> {
    let stored = user.extra.get(SRP_KEY)?;
    let salt = STANDARD.decode(stored.get("salt")?.as_str()?).ok()?;
    let verifier = STANDARD.decode(stored.get("verifier")?.as_str()?).ok()?;
    Some(PasswordVerifier::from_parts(salt, &verifier))
}
