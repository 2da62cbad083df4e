//! Retries as AWS SDKs do them in "standard" mode: up to 3 attempts, exponential backoff with
//! full jitter, only for throttling, transient and server errors, limited by a retry quota.

use std::sync::Mutex;
use std::time::Duration;

/// Retry settings.
///
/// ```
/// use std::time::Duration;
/// let retry = awsjson_client::RetryConfig::standard().max_attempts(5).initial_backoff(Duration::from_millis(50));
/// assert_eq!(retry.attempts(), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// AWS "standard" mode: 3 attempts, backoff base 1 s, capped at 20 s.
    pub fn standard() -> Self {
        RetryConfig { max_attempts: 3, initial_backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(20) }
    }

    /// One attempt: never retry.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, ..RetryConfig::standard() }
    }

    /// Total attempts, including the first (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff base: retry `n` (from 1) waits a random time up to `base * 2^(n-1)`.
    pub fn initial_backoff(mut self, base: Duration) -> Self {
        self.initial_backoff = base;
        self
    }

    /// The longest wait between attempts.
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// Total attempts, including the first.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before retry number `retry` (1 for the first retry), given a random
    /// number `jitter` in [0, 1): full jitter over the exponential bound.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = 2f64.powi(retry.saturating_sub(1).min(62) as i32);
        let bound = (self.initial_backoff.as_secs_f64() * exp).min(self.max_backoff.as_secs_f64());
        Duration::from_secs_f64(bound * jitter.clamp(0.0, 1.0))
    }
}

/// A random number in [0, 1), for backoff jitter.
///
/// Jitter only has to keep clients that failed together from retrying together, so std's
/// randomly keyed hasher is random enough: each `RandomState` has keys of its own (random per
/// thread, then stepped for every new one), and it hashes the current instant. An RNG crate
/// was the last dependency compiled before the models crate in a clean build of a client
/// program, on the build's critical path (0.2-0.3 s).
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let bits = RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// What kind of failure an attempt ended in, for deciding whether to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// The service asked us to slow down.
    Throttling,
    /// A server-side or transient error (5xx, request timeout codes).
    Transient,
    /// The request never got an answer (connection failure, attempt timeout).
    Transport,
    /// Not retryable: the request itself was wrong.
    Never,
}

/// Error codes AWS SDKs treat as throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes AWS SDKs treat as transient.
const TRANSIENT_CODES: &[&str] =
    &["RequestTimeout", "RequestTimeoutException", "InternalErrorException", "InternalServerException"];

/// Classifies a service error by its code and HTTP status.
pub fn classify(code: Option<&str>, status: u16) -> RetryKind {
    match code {
        Some(c) if THROTTLING_CODES.contains(&c) => RetryKind::Throttling,
        Some(c) if TRANSIENT_CODES.contains(&c) => RetryKind::Transient,
        _ if matches!(status, 500 | 502 | 503 | 504) => RetryKind::Transient,
        _ if status == 429 => RetryKind::Throttling,
        _ => RetryKind::Never,
    }
}

/// The client-wide retry quota of standard mode: retries spend tokens and successes return
/// them, so a failing service is not hammered by every caller's retries at once.
#[derive(Debug)]
pub struct RetryQuota {
    tokens: Mutex<u32>,
}

const QUOTA: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota { tokens: Mutex::new(QUOTA) }
    }
}

impl RetryQuota {
    /// Takes the tokens a retry of this kind costs; `None` when the quota is spent.
    pub fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = if kind == RetryKind::Transport { TIMEOUT_RETRY_COST } else { RETRY_COST };
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// Gives back what a retry that then succeeded cost (or 1 token for a first-try success).
    pub fn release(&self, cost: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + cost).min(QUOTA);
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_exponential_with_full_jitter_and_capped() {
        let r = RetryConfig::standard();
        assert_eq!(r.backoff(1, 1.0), Duration::from_secs(1));
        assert_eq!(r.backoff(2, 1.0), Duration::from_secs(2));
        assert_eq!(r.backoff(3, 0.5), Duration::from_secs(2));
        assert_eq!(r.backoff(10, 1.0), Duration::from_secs(20), "capped at max_backoff");
        assert_eq!(r.backoff(1, 0.0), Duration::ZERO);
    }

    #[test]
    fn jitter_is_spread_over_zero_to_one() {
        let samples: Vec<f64> = (0..2000).map(|_| jitter()).collect();
        assert!(samples.iter().all(|j| (0.0..1.0).contains(j)));
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        // Each tenth of the range gets its share (about 200 of 2000; far outside 100..300 is not random).
        for tenth in 0..10 {
            let n = samples.iter().filter(|j| (**j * 10.0) as usize == tenth).count();
            assert!((100..300).contains(&n), "tenth {tenth}: {n}");
        }
    }

    #[test]
    fn only_throttling_transient_and_5xx_are_retried() {
        assert_eq!(classify(Some("TooManyRequestsException"), 400), RetryKind::Throttling);
        assert_eq!(classify(Some("LimitExceededException"), 400), RetryKind::Throttling);
        assert_eq!(classify(Some("InternalErrorException"), 500), RetryKind::Transient);
        assert_eq!(classify(None, 503), RetryKind::Transient);
        assert_eq!(classify(Some("UserNotFoundException"), 400), RetryKind::Never);
        assert_eq!(classify(Some("InvalidParameterException"), 400), RetryKind::Never);
    }

    #[test]
    fn the_quota_runs_out_and_refills() {
        let q = RetryQuota::default();
        let mut spent = 0;
        while q.acquire(RetryKind::Transient).is_some() {
            spent += 1;
        }
        assert_eq!(spent, 100);
        q.release(5);
        assert!(q.acquire(RetryKind::Transient).is_some());
        assert!(q.acquire(RetryKind::Transport).is_none());
    }
}
