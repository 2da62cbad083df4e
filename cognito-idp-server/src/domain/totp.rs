//! Time-based one-time passwords (RFC 6238) for software-token MFA, as Cognito's authenticator
//! apps expect them: HMAC-SHA-1, 6 digits, 30-second steps, secrets shown as base32.
//!
//! The code computation and base32 are `totp-rs`'s; what is Cognito's is here: the secret's
//! size, the drift allowed (one step either side, so a phone clock a little off still works)
//! and which step a code matched, so the caller can refuse a code used before ("Your software
//! token has already been used once.").

use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps of drift accepted either side of the current one.
pub const DRIFT_STEPS: i64 = 1;
/// Random bytes per secret: 256 bits, shown as 52 base32 characters.
const SECRET_BYTES: usize = 32;

/// A fresh random secret, base32 (RFC 4648 alphabet, no padding), as `AssociateSoftwareToken`
/// returns it as `SecretCode`.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => unreachable!("to_encoded always encodes"),
    }
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // The checked constructor refuses secrets under 128 bits; ours are 256, and a stored secret
    // that does not decode is treated as no secret at all.
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP_SECONDS, bytes).ok()
}

/// The step a Unix time (seconds) falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS as i64)
}

/// The code of `secret` (base32) for step `step`; `None` if the secret does not decode.
pub fn code_at_step(secret: &str, step: i64) -> Option<String> {
    let time = u64::try_from(step).ok()? * STEP_SECONDS;
    Some(totp(secret)?.generate(time))
}

/// The step `code` is valid for, if it is the code of the step of `unix_seconds` or of one
/// step before or after it (the current step is tried first). Compared in constant time.
pub fn matching_step(secret: &str, code: &str, unix_seconds: i64) -> Option<i64> {
    let totp = totp(secret)?;
    let now = step_of(unix_seconds);
    let mut found = None;
    let drifts = std::iter::once(0).chain((1..=DRIFT_STEPS).flat_map(|d| [-d, d]));
    for step in drifts.map(|d| now + d) {
        let Ok(time) = u64::try_from(step) else { continue };
        let expected = totp.generate(time * STEP_SECONDS);
        // Every candidate is computed and compared, so timing does not tell which one matched.
        let same: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key ("12345678901234567890") in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_6238_sha1_vectors() {
        // The RFC lists 8-digit codes; 6-digit codes are their last six digits.
        let vectors = [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(code_at_step(RFC_KEY, step_of(time)).unwrap(), code[2..], "T = {time}");
        }
    }

    #[test]
    fn one_step_of_drift_either_side_is_accepted_and_two_are_not() {
        let secret = new_secret();
        assert_eq!(secret.len(), 52);
        assert!(secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        let now = 1_700_000_015;
        let step = step_of(now);
        for drift in [-1, 0, 1] {
            let code = code_at_step(&secret, step + drift).unwrap();
            assert_eq!(matching_step(&secret, &code, now), Some(step + drift), "drift {drift}");
        }
        for drift in [-2, 2] {
            let code = code_at_step(&secret, step + drift).unwrap();
            // A code of a step two away can collide with a nearby step's (1 in 10^6): skip it.
            if (-1..=1).any(|d| code_at_step(&secret, step + d).unwrap() == code) {
                continue;
            }
            assert_eq!(matching_step(&secret, &code, now), None, "drift {drift}");
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step("not base32!", "123456", now), None);
    }
}
