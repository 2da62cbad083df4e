//! One-time codes sent to users: sign-up confirmation, password reset, attribute verification.
//!
//! A code is issued and "delivered" through the outbox in one store call ([`send`]), stored only
//! as a hash (`domain::codes`), checked against the server's clock with an attempt limit
//! ([`check`]), and spent once: the write that uses a code records its hash on the user
//! ([`mark_used`]), so two requests racing with the same code cannot both succeed, and the code
//! is deleted afterwards ([`spend`]). Every operation that sends or takes such a code goes
//! through here; sign-in and MFA codes live in challenge sessions instead (`handlers::auth`).

use cognito_idp::ErrorCode;
use cognito_idp::types::{CodeDeliveryDetailsType, UserPoolType};

use crate::domain::attributes;
use crate::domain::codes::{self, MAX_ATTEMPTS};
use crate::domain::mask::{Delivery, Medium};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::{self, Occasion};
use crate::state::{Cognito, Pool};
use crate::store::{CodeRecord, Store, StoreError, UserRecord};

/// The purpose sign-up confirmation codes are stored under (`SignUp`,
/// `ResendConfirmationCode`; spent by `ConfirmSignUp` and `AdminConfirmSignUp`).
pub const SIGN_UP: &str = "SIGN_UP";
/// The purpose password-reset codes are stored under (`ForgotPassword`,
/// `AdminResetUserPassword`; taken by `ConfirmForgotPassword`).
pub const RESET_PASSWORD: &str = "FORGOT_PASSWORD";
/// The outbox kind of the code sent to verify a changed email address or phone number.
pub const KIND_VERIFY_ATTRIBUTE: &str = "VERIFY_ATTRIBUTE";

/// Password-reset codes work for an hour, as Cognito's forgot-password codes do.
pub const RESET_TTL_MS: i64 = 60 * 60 * 1000;

/// The purpose a verification code for `attribute` (`email`, `phone_number`) is stored under.
pub fn verify_purpose(attribute: &str) -> String {
    format!("VERIFY_{}", attribute.to_ascii_uppercase())
}

/// What [`check`] answers when no code is stored for the purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenAbsent {
    /// `ExpiredCodeException` (never requested, already used, or expired): password reset and
    /// attribute verification. AWS's guide on user existence errors: "If a code isn't requested
    /// ... ExpiredCodeException".
    Expired,
    /// `CodeMismatchException`: `ConfirmSignUp` in a pool that sent no code (it verifies
    /// nothing), where no code can match.
    Mismatch,
}

/// `LimitExceededException: Attempt limit exceeded, please try after some time.`, AWS's answer
/// to too many wrong codes or passwords (aws-amplify/amplify-js issue 8013; after five wrong
/// codes, aws-amplify/amplify-ui-android issue 180; for ChangePassword, aws-amplify/aws-sdk-android
/// issue 627 quotes it).
pub fn attempt_limit() -> ApiError {
    ApiError::new(ErrorCode::LimitExceededException, "Attempt limit exceeded, please try after some time.")
}

/// `CodeMismatchException`, as AWS words it for these codes (floci-io/floci pull 2018, checked
/// against a real pool). Sign-in and MFA codes have their own wording (`handlers::auth`).
pub fn code_mismatch() -> ApiError {
    ApiError::new(ErrorCode::CodeMismatchException, "Invalid verification code provided, please try again.")
}

/// `ExpiredCodeException`: an expired, used, or never requested code (same source).
pub fn code_expired() -> ApiError {
    ApiError::new(ErrorCode::ExpiredCodeException, "Invalid code provided, please request a code again.")
}

/// Stores a fresh code for `purpose`, valid for `ttl_ms`, and "sends" it to `to` (the message
/// `handlers::messages` composes for `occasion`, CustomMessage trigger included), in one store
/// call. Returns the delivery details the API reports. A failed trigger fails the call before
/// anything is stored.
#[allow(clippy::too_many_arguments)]
pub async fn send<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    purpose: &str,
    occasion: Occasion<'_>,
    to: &Delivery,
    ttl_ms: i64,
) -> ApiResult<CodeDeliveryDetailsType> {
    let code = codes::new_code();
    let record = CodeRecord {
        hash: codes::hash(&code, &user.username_key, purpose),
        expires_ms: svc.clock.now_ms() + ttl_ms,
        attempts: 0,
    };
    let mut sent = messages::compose(svc, pool, user, occasion, std::slice::from_ref(to), &code).await?;
    match svc.store.put_code(&user.pool_id, &user.username_key, purpose, record, sent.take_outbox()).await {
        Ok(()) => {
            sent.hand_off(svc).await;
            Ok(to.details())
        }
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Checks `code` against the stored code for `purpose` and returns its hash: none stored →
/// as `absent` says; too many wrong ones → `LimitExceededException` (until a new code is
/// sent); expired → `ExpiredCodeException`; wrong → `CodeMismatchException`, counted (through
/// any instance: the store counts atomically).
pub async fn check<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    purpose: &str,
    code: &str,
    absent: WhenAbsent,
) -> ApiResult<String> {
    let stored = match svc.store.get_code(pool_id, user_key, purpose).await {
        Ok(stored) => stored,
        Err(StoreError::NotFound) => {
            return Err(match absent {
                WhenAbsent::Expired => code_expired(),
                WhenAbsent::Mismatch => code_mismatch(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    if stored.attempts >= MAX_ATTEMPTS {
        return Err(attempt_limit());
    }
    if svc.clock.now_ms() >= stored.expires_ms {
        return Err(code_expired());
    }
    if !codes::matches(code, user_key, purpose, &stored.hash) {
        match svc.store.code_failed(pool_id, user_key, purpose).await {
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        return Err(code_mismatch());
    }
    Ok(stored.hash)
}

/// Where the hash of the last code used for each purpose is kept, in the user's `extra`.
const USED_CODES_KEY: &str = "usedCodes";

/// Marks the code with `hash` used for `purpose` on `user` (to be stored with the write that
/// uses it), or `ExpiredCodeException` if it was used already: the second of two racing writes
/// conflicts, re-reads, and finds the code used.
pub fn mark_used(user: &mut UserRecord, purpose: &str, hash: &str) -> ApiResult<()> {
    let used = user.extra.entry(USED_CODES_KEY).or_insert_with(|| serde_json::json!({}));
    if !used.is_object() {
        *used = serde_json::json!({});
    }
    let map = used.as_object_mut().expect("an object");
    if map.get(purpose).and_then(|h| h.as_str()) == Some(hash) {
        return Err(code_expired());
    }
    map.insert(purpose.to_owned(), hash.into());
    Ok(())
}

/// Deletes a code that was just used. Best effort: the write that used it recorded it as used
/// ([`mark_used`]) or moved the user past needing it, so a failure here leaves nothing that
/// works.
pub async fn spend<S: Store>(svc: &Cognito<S>, pool_id: &str, user_key: &str, purpose: &str) {
    match svc.store.delete_code(pool_id, user_key, purpose).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, purpose, "deleting a used code failed"),
    }
}

/// The `CodeDeliveryDetails` of a code that was not sent, for a user who is not disclosed
/// (`PreventUserExistenceErrors`): "determined by the input username format and verification
/// settings of the user pool" (AWS's guide on user existence errors). An email address or phone
/// number given as the username is masked as a real delivery to it would be; otherwise the
/// medium the pool verifies (email unless it verifies only phone numbers) with a destination
/// derived from the username, the same every time for the same name.
pub fn simulated_delivery(pool: &UserPoolType, username: &str) -> CodeDeliveryDetailsType {
    if attributes::is_email(username) {
        return Delivery::new(Medium::Email, username).details();
    }
    if attributes::is_phone(username) {
        return Delivery::new(Medium::Sms, username).details();
    }
    let verified: Vec<&str> = pool.auto_verified_attributes.iter().flatten().map(|a| a.as_str()).collect();
    let first = username.chars().next().unwrap_or('x');
    if verified.contains(&"phone_number") && !verified.contains(&"email") {
        // Four digits that depend only on the name, so that repeated requests agree.
        let digits = username.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 10_000;
        Delivery::new(Medium::Sms, format!("+1555555{digits:04}")).details()
    } else {
        Delivery::new(Medium::Email, format!("{first}@{first}.com")).details()
    }
}
