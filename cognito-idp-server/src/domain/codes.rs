//! One-time codes: six digits, stored only as a keyed hash, compared in constant time.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Wrong guesses a code survives; the next one invalidates it.
pub const MAX_ATTEMPTS: i64 = 5;

/// How long a sign-up confirmation code works: 24 hours, as Cognito's.
pub const CONFIRMATION_CODE_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// A fresh six-digit code.
pub fn new_code() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

/// The hash stored for `code`, bound to the user and purpose so a hash cannot be replayed
/// for another user.
pub fn hash(code: &str, user_key: &str, purpose: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(user_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(code.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `code` matches the stored `hash`, in constant time.
pub fn matches(code: &str, user_key: &str, purpose: &str, stored: &str) -> bool {
    hash(code, user_key, purpose).as_bytes().ct_eq(stored.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_hashes_bind_user_and_purpose() {
        let code = new_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let stored = hash(&code, "diego", "SIGN_UP");
        assert!(matches(&code, "diego", "SIGN_UP", &stored));
        assert!(!matches(&code, "maria", "SIGN_UP", &stored));
        assert!(!matches(&code, "diego", "FORGOT_PASSWORD", &stored));
        assert!(!matches("000000x", "diego", "SIGN_UP", &stored));
    }
}
