//! The temporary lockout after repeated failed sign-ins, as AWS's developer guide describes it
//! ("Lockout behavior for failed sign-in attempts"): after five failed attempts with a password
//! the user is locked out for one second, doubling with each further failure up to about 15
//! minutes (2^(n-5) seconds for n failures); attempts during a lockout answer
//! `Password attempts exceeded` and do not count; a success after the lockout, or 15 minutes
//! without attempts, starts over. Failures are counted in the store, so every instance sees
//! the same count.

use crate::errors::{ApiError, ApiResult};
use crate::state::Cognito;
use crate::store::{SignInFailures, Store};

/// Failures allowed before the first lockout.
const FREE_FAILURES: i64 = 5;
/// The longest lockout: 15 minutes.
const MAX_LOCK_MS: i64 = 15 * 60 * 1000;
/// Quiet time after which the count starts over.
const RESET_AFTER_MS: i64 = 15 * 60 * 1000;

/// `Password attempts exceeded` (NotAuthorizedException), AWS's answer during a lockout.
pub fn exceeded() -> ApiError {
    ApiError::not_authorized("Password attempts exceeded")
}

/// Until when `failures` lock the user out (0 when they do not).
pub fn locked_until(failures: SignInFailures) -> i64 {
    if failures.count < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures.count - FREE_FAILURES).min(20) as u32;
    failures.last_ms + (1000i64 << doublings).min(MAX_LOCK_MS)
}

/// Whether the count is old enough to have been forgotten.
fn stale(failures: SignInFailures, now: i64) -> bool {
    failures.count > 0 && now - failures.last_ms >= RESET_AFTER_MS
}

/// Fails with [`exceeded`] while the user is locked out; otherwise the failures it read, which
/// [`failed`] and [`succeeded`] take, so an attempt reads the count once (a success counts as
/// happening at this check).
pub async fn check<S: Store>(svc: &Cognito<S>, pool_id: &str, user_key: &str) -> ApiResult<SignInFailures> {
    let failures = svc.store.sign_in_failures(pool_id, user_key).await?;
    let now = svc.clock.now_ms();
    if !stale(failures, now) && now < locked_until(failures) {
        return Err(exceeded());
    }
    Ok(failures)
}

/// Counts a failed attempt (a wrong password, SRP proof or code); `failures` is what [`check`]
/// read.
pub async fn failed<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    failures: SignInFailures,
) -> ApiResult<()> {
    let now = svc.clock.now_ms();
    if stale(failures, now) {
        svc.store.clear_sign_in_failures(pool_id, user_key).await?;
    }
    svc.store.sign_in_failed(pool_id, user_key, now).await?;
    Ok(())
}

/// Forgets the failures after a successful attempt; `failures` is what [`check`] read.
pub async fn succeeded<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    failures: SignInFailures,
) -> ApiResult<()> {
    if failures.count > 0 {
        svc.store.clear_sign_in_failures(pool_id, user_key).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_one_second_and_doubles_up_to_fifteen_minutes() {
        let at = |count| locked_until(SignInFailures { count, last_ms: 1_000_000 }) - 1_000_000;
        assert_eq!(locked_until(SignInFailures { count: 4, last_ms: 1_000_000 }), 0);
        assert_eq!(at(5), 1000);
        assert_eq!(at(6), 2000);
        assert_eq!(at(7), 4000);
        assert_eq!(at(14), 512_000);
        assert_eq!(at(15), MAX_LOCK_MS);
        assert_eq!(at(60), MAX_LOCK_MS);
    }
}
