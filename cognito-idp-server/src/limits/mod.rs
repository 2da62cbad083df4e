//! Provisioned limits: the request rate of each API category ([`categories`]), raised by
//! `UpdateProvisionedLimit` and kept in the store's settings, and, when the server enforces
//! them (`--enforce-limits`; off by default, so test suites run unthrottled), a token bucket
//! per category that answers requests past the rate with `TooManyRequestsException`, as AWS
//! throttles them.
//!
//! Each bucket holds one second of requests at the category's rate and refills continuously.
//! AWS's quotas are per account and region; here they are per instance: several instances on
//! one database each allow the full rate (each reads the provisioned rates again every
//! [`REFRESH`]).

pub mod categories;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cognito_idp::ErrorCode;

use crate::errors::ApiError;
use crate::store::{Store, StoreResult};
use categories::{CATEGORIES, Category, is_challenge_response};

/// How often an enforcing instance reads the provisioned rates again (another instance may
/// have changed them).
pub const REFRESH: Duration = Duration::from_secs(10);

/// The setting that keeps a category's provisioned rate.
pub fn setting_key(category: &str) -> String {
    format!("provisioned_limit:{category}")
}

/// The bucket of the `RespondToAuthChallenge` pair, at three times `UserAuthentication`'s rate.
const CHALLENGE_RESPONSES: &str = "UserAuthentication:responses";

/// The provisioned rates, and the buckets that enforce them.
#[derive(Debug)]
pub struct Limiter {
    enforced: bool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Provisioned rates above the free ones, by category.
    provisioned: HashMap<&'static str, i32>,
    buckets: HashMap<&'static str, Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(false)
    }
}

impl Limiter {
    /// A limiter that throttles (`enforced`) or only keeps the rates.
    pub fn new(enforced: bool) -> Self {
        Limiter { enforced, state: Mutex::new(State::default()) }
    }

    /// Whether requests are throttled.
    pub fn enforced(&self) -> bool {
        self.enforced
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The rate in force for `category`: the provisioned one, else the free one.
    pub fn rate(&self, category: &Category) -> i32 {
        self.state().provisioned.get(category.name).copied().unwrap_or(category.free)
    }

    /// Sets a category's provisioned rate (after it is stored).
    pub fn set_rate(&self, category: &'static Category, rate: i32) {
        self.state().provisioned.insert(category.name, rate);
    }

    /// Forgets every provisioned rate (`/_local/reset`).
    pub fn forget(&self) {
        let mut state = self.state();
        state.provisioned.clear();
        state.buckets.clear();
    }

    /// Reads the provisioned rates from the store.
    pub async fn load<S: Store>(&self, store: &S) -> StoreResult<()> {
        let mut provisioned = HashMap::new();
        for category in &CATEGORIES {
            if let Some(rate) = store.get_setting(&setting_key(category.name)).await?.and_then(|v| v.parse().ok()) {
                provisioned.insert(category.name, rate);
            }
        }
        self.state().provisioned = provisioned;
        Ok(())
    }

    /// Lets a request of `operation` (its wire name) through, or answers AWS's throttling
    /// error when its category's bucket is empty. Always lets it through when not enforced.
    pub fn admit(&self, operation: &str) -> Result<(), ApiError> {
        if !self.enforced {
            return Ok(());
        }
        let Some(category) = categories::of(operation).and_then(categories::named) else { return Ok(()) };
        let now = Instant::now();
        let mut state = self.state();
        let rate = state.provisioned.get(category.name).copied().unwrap_or(category.free).max(1) as f64;
        if is_challenge_response(operation) && take(&mut state.buckets, CHALLENGE_RESPONSES, 3.0 * rate, now) {
            return Ok(());
        }
        if take(&mut state.buckets, category.name, rate, now) {
            return Ok(());
        }
        // The message Cognito's throttling answers carry.
        Err(ApiError::new(ErrorCode::TooManyRequestsException, "Rate exceeded"))
    }
}

/// Takes a request from bucket `name` (one second of `rate`, refilled continuously); false when
/// it is empty.
fn take(buckets: &mut HashMap<&'static str, Bucket>, name: &'static str, rate: f64, now: Instant) -> bool {
    let bucket = buckets.entry(name).or_insert(Bucket { tokens: rate, at: now });
    let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
    bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
    bucket.at = now;
    if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_holds_one_second_and_refills() {
        let mut buckets = HashMap::new();
        let start = Instant::now();
        assert!((0..15).all(|_| take(&mut buckets, "UserPoolRead", 15.0, start)));
        assert!(!take(&mut buckets, "UserPoolRead", 15.0, start));
        assert!(take(&mut buckets, "UserPoolRead", 15.0, start + Duration::from_millis(100)));
        assert!(!take(&mut buckets, "UserPoolRead", 15.0, start + Duration::from_millis(100)));
    }

    #[test]
    fn nothing_is_throttled_unless_enforced() {
        let off = Limiter::new(false);
        assert!((0..1000).all(|_| off.admit("DescribeUserPool").is_ok()));
        let on = Limiter::new(true);
        let admitted = (0..1000).filter(|_| on.admit("DescribeUserPool").is_ok()).count();
        assert!((15..20).contains(&admitted), "{admitted}");
        assert!((0..1000).all(|_| on.admit("GetProvisionedLimit").is_ok()));
    }
}
