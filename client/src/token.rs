//! Idempotency tokens: the random UUIDs the client puts in members the model marks
//! `idempotencyToken` when the caller leaves them unset, as AWS's SDKs do.

use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};

use ring::rand::SecureRandom as _;

/// A random UUID (version 4, RFC 9562), lower-case: `3f2b8c1e-5d7a-4c3e-9b1f-0a2d4e6f8091`.
///
/// ```
/// let token = awsjson_client::idempotency_token();
/// assert_eq!(token.len(), 36);
/// assert_eq!(&token[14..15], "4");
/// assert_ne!(token, awsjson_client::idempotency_token());
/// ```
pub fn idempotency_token() -> String {
    let mut bytes = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        fallback(&mut bytes);
    }
    uuid_v4(bytes)
}

/// 16 bytes no other call of this process shares, for a system without a working random source
/// (ring reports that, it does not happen on the platforms we build for): std's randomly keyed
/// hasher over a process-wide counter, which is unique enough for a token, if not secret.
fn fallback(bytes: &mut [u8; 16]) {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    for (i, half) in bytes.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(call);
        hasher.write_usize(i);
        half.copy_from_slice(&hasher.finish().to_le_bytes());
    }
}

/// The UUID text of 16 random bytes, with the version (4) and variant (RFC) bits set.
fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_variant_bits_are_set_and_the_rest_kept() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let bytes = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0];
        assert_eq!(uuid_v4(bytes), "12345678-9abc-4ef0-9234-56789abcdef0");
    }

    #[test]
    fn tokens_are_uuids_and_differ() {
        let tokens: std::collections::BTreeSet<String> = (0..100).map(|_| idempotency_token()).collect();
        assert_eq!(tokens.len(), 100);
        for token in &tokens {
            let groups: Vec<usize> = token.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{token}");
            assert!(token.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)), "{token}");
            assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        }
        let mut a = [0u8; 16];
        let mut b = [0u8; 16];
        fallback(&mut a);
        fallback(&mut b);
        assert_ne!(a, b);
    }
}
