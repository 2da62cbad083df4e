//! The group and the hash arithmetic of Cognito's SRP-6a, shared by the client and server sides.
//!
//! Cognito hashes integers in one particular encoding (see [`int_bytes`]) and derives the session
//! key with HKDF; every value here must match the service bit for bit, so each helper names the
//! exact bytes it hashes.

use std::sync::OnceLock;

use hkdf::Hkdf;
use num_bigint::BigUint;
use num_traits::Zero;
use sha2::{Digest, Sha256};

use super::error::SrpError;

/// The 3072-bit MODP prime of RFC 5054 (appendix A), which Cognito uses with generator 2.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The HKDF `info` Cognito uses for the password-claim key.
const KEY_INFO: &[u8] = b"Caldera Derived Key";

/// Longest hexadecimal input accepted for `SRP_A`, `SRP_B` or `SALT`. Honest values are at most
/// 768 digits (N is 3072 bits); the cap keeps hostile input from costing unbounded work.
pub(crate) const MAX_HEX_DIGITS: usize = 1024;

pub(crate) struct Group {
    pub n: BigUint,
    pub g: BigUint,
    /// The SRP-6a multiplier k = H(N | g), both in Cognito's integer encoding.
    pub k: BigUint,
}

pub(crate) fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("the RFC 5054 prime is valid hex");
        let g = BigUint::from(2u32);
        let k = hash_to_int(&[&int_bytes(&n), &int_bytes(&g)]);
        Group { n, g, k }
    })
}

/// The bytes Cognito hashes for an integer: big-endian, minimal, with a leading zero byte when
/// the top bit is set (the two's-complement form of a positive number, as Java's `BigInteger`
/// writes it). Zero is a single zero byte. This is not RFC 5054's PAD-to-length-of-N.
pub(crate) fn int_bytes(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&sha256(parts))
}

/// Parses a hexadecimal challenge value (`SRP_A`, `SRP_B`, `SALT`) as an unsigned integer.
pub(crate) fn parse_hex(value: &str, name: &'static str) -> Result<BigUint, SrpError> {
    // Checked here because the bignum parser also takes a `+` sign and `_` separators.
    if value.is_empty() || value.len() > MAX_HEX_DIGITS || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SrpError::InvalidHex(name));
    }
    BigUint::parse_bytes(value.as_bytes(), 16).ok_or(SrpError::InvalidHex(name))
}

/// Lower-case hexadecimal without leading zeros: how Cognito writes `SRP_A`, `SRP_B` and `SALT`.
pub(crate) fn to_hex(n: &BigUint) -> String {
    n.to_str_radix(16)
}

/// g^e mod N.
pub(crate) fn g_pow(e: &BigUint) -> BigUint {
    let grp = group();
    grp.g.modpow(e, &grp.n)
}

/// Reduces an ephemeral secret (a or b) modulo N, refusing zero, whose public value would be 1.
pub(crate) fn ephemeral_secret(bytes: &[u8]) -> Result<BigUint, SrpError> {
    let secret = BigUint::from_bytes_be(bytes) % &group().n;
    if secret.is_zero() { Err(SrpError::InvalidEphemeral) } else { Ok(secret) }
}

/// u = H(A | B), the scrambling parameter both sides derive from the public values.
pub(crate) fn scrambler(big_a: &BigUint, big_b: &BigUint) -> Result<BigUint, SrpError> {
    let u = hash_to_int(&[&int_bytes(big_a), &int_bytes(big_b)]);
    if u.is_zero() { Err(SrpError::ZeroU) } else { Ok(u) }
}

/// x = H(salt | H(poolName | userId | ":" | password)): the private key the verifier is built on.
pub(crate) fn private_key(salt: &BigUint, pool_name: &str, user_id: &str, password: &str) -> BigUint {
    let identity = sha256(&[pool_name.as_bytes(), user_id.as_bytes(), b":", password.as_bytes()]);
    hash_to_int(&[&int_bytes(salt), &identity])
}

/// The 16-byte claim key: HKDF-SHA256 with salt = u, input key material = S, info "Caldera
/// Derived Key".
pub(crate) fn claim_key(shared_secret: &BigUint, u: &BigUint) -> [u8; 16] {
    let hkdf = Hkdf::<Sha256>::new(Some(&int_bytes(u)), &int_bytes(shared_secret));
    let mut key = [0u8; 16];
    hkdf.expand(KEY_INFO, &mut key).expect("16 bytes is far below HKDF-SHA256's 8160-byte limit");
    key
}

/// Fills a buffer from the operating system's CSPRNG.
pub(crate) fn random_bytes<const LEN: usize>() -> Result<[u8; LEN], SrpError> {
    let mut bytes = [0u8; LEN];
    getrandom::fill(&mut bytes).map_err(|e| SrpError::Random(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_bytes_adds_a_sign_byte_only_when_the_top_bit_is_set() {
        assert_eq!(int_bytes(&BigUint::from(0u32)), vec![0]);
        assert_eq!(int_bytes(&BigUint::from(0x7fu32)), vec![0x7f]);
        assert_eq!(int_bytes(&BigUint::from(0x80u32)), vec![0, 0x80]);
        assert_eq!(int_bytes(&BigUint::from(0x0102u32)), vec![1, 2]);
    }

    #[test]
    fn the_group_is_the_3072_bit_prime_with_a_sign_byte() {
        let grp = group();
        assert_eq!(grp.n.bits(), 3072);
        assert_eq!(int_bytes(&grp.n).len(), 385);
    }

    /// k and u are internal, so they are checked here against the values pycognito recorded.
    #[test]
    fn k_and_u_match_pycognito() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/srp_vectors.json")).unwrap();
        for case in vectors["cases"].as_array().unwrap() {
            let hex = |v: &serde_json::Value| parse_hex(v.as_str().unwrap(), "vector").unwrap();
            assert_eq!(group().k, hex(&case["k"]));
            let a = ephemeral_secret(&hex(&case["inputs"]["a"]).to_bytes_be()).unwrap();
            let u = scrambler(&g_pow(&a), &hex(&case["challenge_parameters"]["SRP_B"])).unwrap();
            assert_eq!(u, hex(&case["u"]));
        }
    }

    #[test]
    fn hex_parsing_rejects_garbage_and_oversized_input() {
        assert!(parse_hex("", "SRP_B").is_err());
        assert!(parse_hex("xyz", "SRP_B").is_err());
        assert!(parse_hex("+ab", "SRP_B").is_err());
        assert!(parse_hex("a_b", "SRP_B").is_err());
        assert!(parse_hex(&"f".repeat(MAX_HEX_DIGITS + 1), "SRP_B").is_err());
        assert_eq!(parse_hex("0aBc", "SALT").unwrap(), BigUint::from(0xabcu32));
    }
}
