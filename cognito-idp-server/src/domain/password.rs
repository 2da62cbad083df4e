//! Passwords: the pool's policy, generated temporary passwords, and Argon2id hashing.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use cognito_idp::types::PasswordPolicyType;
use rand::Rng;
use rand::seq::SliceRandom;

use crate::errors::ApiError;

/// The characters Cognito counts as symbols.
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// The policy a pool gets when it names none: 8 characters, every class, temporary passwords
/// valid for 7 days.
pub fn default_policy() -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        password_history_size: Some(0),
        temporary_password_validity_days: Some(7),
    }
}

/// Checks `password` against `policy`, with Cognito's message for the first rule it breaks.
pub fn check(password: &str, policy: &PasswordPolicyType) -> Result<(), ApiError> {
    let unmet = |rule: &str| Err(ApiError::invalid_password(format!("Password did not conform with policy: {rule}")));
    let min = policy.minimum_length.unwrap_or(8).max(0) as usize;
    if password.chars().count() < min {
        return unmet("Password not long enough");
    }
    if policy.require_lowercase.unwrap_or(false) && !password.chars().any(|c| c.is_lowercase()) {
        return unmet("Password must have lowercase characters");
    }
    if policy.require_uppercase.unwrap_or(false) && !password.chars().any(|c| c.is_uppercase()) {
        return unmet("Password must have uppercase characters");
    }
    if policy.require_numbers.unwrap_or(false) && !password.chars().any(|c| c.is_ascii_digit()) {
        return unmet("Password must have numeric characters");
    }
    if policy.require_symbols.unwrap_or(false) && !password.chars().any(|c| SYMBOLS.contains(c)) {
        return unmet("Password must have symbol characters");
    }
    Ok(())
}

/// A temporary password that satisfies `policy`: at least 12 characters, one of each class.
pub fn temporary(policy: &PasswordPolicyType) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SIGNS: &[u8] = b"!#%&*+=?@^_-";
    let mut rng = rand::thread_rng();
    let length = (policy.minimum_length.unwrap_or(8).max(0) as usize).max(12);
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, SIGNS].iter().map(|set| *set.choose(&mut rng).unwrap()).collect();
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SIGNS].concat();
    while chars.len() < length {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).expect("ASCII")
}

/// Argon2id cost: memory in KiB, iterations, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Memory, KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Cost {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    pub const DEFAULT: Cost = Cost { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    /// `--dev`: cheap enough for test suites; never for real users.
    pub const DEV: Cost = Cost { memory_kib: 64, iterations: 1, parallelism: 1 };
}

/// Hashes and verifies passwords off the async threads (a hash takes tens of milliseconds), at
/// most one per core at a time.
///
/// Argon2id is memory-hard: each hash fills 19 MiB at the default cost, and this machine's cores
/// share one 32 MiB cache. Sixteen sign-ins at once would otherwise run sixteen hashes on
/// sixteen blocking threads, time-sliced over the cores, each evicting the others' memory; with
/// one per core the rest queue in order and each hash keeps its core and cache to itself.
#[derive(Clone)]
pub struct Hasher {
    argon: Arc<Argon2<'static>>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

impl Hasher {
    /// A hasher with `cost`.
    pub fn new(cost: Cost) -> Result<Hasher, String> {
        let params =
            Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None).map_err(|e| e.to_string())?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Hasher {
            argon: Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params)),
            permits: Arc::new(tokio::sync::Semaphore::new(cores)),
        })
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let argon = self.argon.clone();
        let _permit = self.permits.acquire().await.map_err(|e| ApiError::internal(format!("hashing failed: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon.hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(|e| ApiError::internal(format!("hashing failed: {e}")))?
        .map_err(|e| ApiError::internal(format!("hashing failed: {e}")))
    }

    /// Whether `password` matches the PHC string `stored` (with the cost recorded in it).
    pub async fn verify(&self, password: String, stored: String) -> bool {
        let argon = self.argon.clone();
        let Ok(_permit) = self.permits.acquire().await else { return false };
        tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored).is_ok_and(|hash| argon.verify_password(password.as_bytes(), &hash).is_ok())
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_names_the_first_unmet_rule_as_cognito_does() {
        let policy = default_policy();
        let message = |p: &str| check(p, &policy).unwrap_err().message;
        assert_eq!(message("Ab1!"), "Password did not conform with policy: Password not long enough");
        assert_eq!(
            message("ABCDEFG1!"),
            "Password did not conform with policy: Password must have lowercase characters"
        );
        assert_eq!(
            message("abcdefg1!"),
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(message("Abcdefgh!"), "Password did not conform with policy: Password must have numeric characters");
        assert_eq!(message("Abcdefgh1"), "Password did not conform with policy: Password must have symbol characters");
        assert!(check("Abcdefg1!", &policy).is_ok());
        let lax = PasswordPolicyType { minimum_length: Some(6), ..Default::default() };
        assert!(check("abcdef", &lax).is_ok());
    }

    #[test]
    fn temporary_passwords_meet_the_policy() {
        let policy = PasswordPolicyType { minimum_length: Some(20), ..default_policy() };
        for _ in 0..100 {
            let password = temporary(&policy);
            assert_eq!(password.len(), 20);
            check(&password, &policy).unwrap();
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_differ_per_salt() {
        let hasher = Hasher::new(Cost::DEV).unwrap();
        let a = hasher.hash("Passw0rd!".into()).await.unwrap();
        let b = hasher.hash("Passw0rd!".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(hasher.verify("Passw0rd!".into(), a.clone()).await);
        assert!(!hasher.verify("passw0rd!".into(), a).await);
    }
}
