//! The group and the hash arithmetic of Cognito's SRP-6a, shared by the client and server sides.
//!
//! Cognito hashes integers in one particular encoding (see [`int_bytes`]) and derives the session
//! key with HKDF; every value here must match the service bit for bit, so each helper names the
//! exact bytes it hashes. Integers are kept as big-endian bytes between steps and become AWS-LC
//! numbers ([`BigNum`]) only for the arithmetic.

use std::sync::OnceLock;

use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::bn::{BigNum, Ctx, FixedBase, Modulus};
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
    /// N, with its Montgomery context: every exponentiation reuses it.
    pub n: Modulus,
    pub g: BigNum,
    /// The SRP-6a multiplier k = H(N | g), both in Cognito's integer encoding.
    pub k: BigNum,
}

/// The group, built on first use and then shared by every thread (`Group` is `Send + Sync`: see
/// `bn`). A failure to build it (only an allocation failure) is returned, not cached: the next
/// call tries again.
pub(crate) fn group() -> Result<&'static Group, SrpError> {
    static GROUP: OnceLock<Group> = OnceLock::new();
    if let Some(grp) = GROUP.get() {
        return Ok(grp);
    }
    let n_bytes = hex_to_bytes(N_HEX).ok_or(SrpError::InvalidHex("N"))?;
    let g_bytes = [2u8];
    let k = hash_to_int(&[&int_bytes(&n_bytes), &int_bytes(&g_bytes)])?;
    let grp = Group { n: Modulus::new(BigNum::from_be_bytes(&n_bytes)?)?, g: BigNum::from_be_bytes(&g_bytes)?, k };
    // Two threads may race to build it; one wins and the other's copy is dropped.
    Ok(GROUP.get_or_init(|| grp))
}

/// `bytes` without its leading zero bytes.
pub(crate) fn minimal(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// The big-endian bytes of an integer as this crate keeps and hands them out: without leading
/// zeros, and a single zero byte for zero.
pub(crate) fn canonical(bytes: &[u8]) -> Vec<u8> {
    let bytes = minimal(bytes);
    if bytes.is_empty() { vec![0] } else { bytes.to_vec() }
}

/// The bytes Cognito hashes for an integer given as big-endian bytes: minimal, with a leading
/// zero byte when the top bit is set (the two's-complement form of a positive number, as Java's
/// `BigInteger` writes it). Zero is a single zero byte. This is not RFC 5054's
/// PAD-to-length-of-N.
pub(crate) fn int_bytes(n: &[u8]) -> Vec<u8> {
    let bytes = minimal(n);
    let mut out = Vec::with_capacity(bytes.len() + 1);
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(bytes);
    out
}

pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn hash_to_int(parts: &[&[u8]]) -> Result<BigNum, SrpError> {
    BigNum::from_be_bytes(&Zeroizing::new(sha256(parts))[..])
}

/// Hexadecimal digits (any case, no sign, no separators) as big-endian bytes; an odd count is
/// read as if it had a leading `0`. `None` if a character is not a hexadecimal digit.
fn hex_to_bytes(hex: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let digits = hex.as_bytes();
    let (head, rest) = digits.split_at(digits.len() % 2);
    let mut out = Vec::with_capacity(digits.len() / 2 + 1);
    if let [c] = head {
        out.push(digit(*c)?);
    }
    for pair in rest.chunks_exact(2) {
        out.push(digit(pair[0])? << 4 | digit(pair[1])?);
    }
    Some(out)
}

/// Parses a hexadecimal challenge value (`SRP_A`, `SRP_B`, `SALT`) as an unsigned integer:
/// canonical big-endian bytes.
pub(crate) fn parse_hex(value: &str, name: &'static str) -> Result<Vec<u8>, SrpError> {
    if value.is_empty() || value.len() > MAX_HEX_DIGITS {
        return Err(SrpError::InvalidHex(name));
    }
    hex_to_bytes(value).map(|bytes| canonical(&bytes)).ok_or(SrpError::InvalidHex(name))
}

/// Lower-case hexadecimal without leading zeros ("0" for zero), of big-endian bytes: how Cognito
/// writes `SRP_A`, `SRP_B` and `SALT`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in minimal(bytes) {
        hex.push(DIGITS[usize::from(b >> 4)] as char);
        hex.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    match hex.strip_prefix('0') {
        Some(rest) => rest.to_owned(),
        None if hex.is_empty() => "0".to_owned(),
        None => hex,
    }
}

/// The widest exponent g's table covers: the ephemerals a and b are 128 random bytes; x is 32.
const G_TABLE_BYTES: usize = 128;

/// g's powers for fixed-base exponentiation (about 1.5 MiB), built on first use and shared; a
/// failure to build it is returned, not cached.
fn g_table() -> Result<&'static FixedBase, SrpError> {
    static TABLE: OnceLock<FixedBase> = OnceLock::new();
    if let Some(table) = TABLE.get() {
        return Ok(table);
    }
    let grp = group()?;
    let table = grp.n.fixed_base(&grp.g, G_TABLE_BYTES)?;
    Ok(TABLE.get_or_init(|| table))
}

/// g^e mod N (constant time in e, as far as its width): by g's table for the exponents SRP
/// makes (x of 32 bytes, a and b of 128), read as 32 or 128 bytes; anything wider (an ephemeral
/// given by a caller) by the general exponentiation. Which path runs depends only on the
/// exponent's length in bytes.
pub(crate) fn g_pow(e: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
    let grp = group()?;
    let width = match e.num_bytes() {
        0..=32 => 32,
        33..=G_TABLE_BYTES => G_TABLE_BYTES,
        _ => return grp.n.pow(&grp.g, e, ctx),
    };
    grp.n.pow_fixed(g_table()?, e, width, ctx)
}

/// Reduces an ephemeral secret (a or b) modulo N, refusing zero, whose public value would be 1.
pub(crate) fn ephemeral_secret(bytes: &[u8], ctx: &mut Ctx) -> Result<BigNum, SrpError> {
    let secret = group()?.n.reduce(&BigNum::from_be_bytes(bytes)?, ctx)?;
    if secret.is_zero() { Err(SrpError::InvalidEphemeral) } else { Ok(secret) }
}

/// u = H(A | B), the scrambling parameter both sides derive from the public values (big-endian
/// bytes).
pub(crate) fn scrambler(big_a: &[u8], big_b: &[u8]) -> Result<BigNum, SrpError> {
    let u = hash_to_int(&[&int_bytes(big_a), &int_bytes(big_b)])?;
    if u.is_zero() { Err(SrpError::ZeroU) } else { Ok(u) }
}

/// x = H(salt | H(poolName | userId | ":" | password)): the private key the verifier is built on.
/// `salt` is big-endian bytes.
pub(crate) fn private_key(salt: &[u8], pool_name: &str, user_id: &str, password: &str) -> Result<BigNum, SrpError> {
    let identity = Zeroizing::new(sha256(&[pool_name.as_bytes(), user_id.as_bytes(), b":", password.as_bytes()]));
    hash_to_int(&[&int_bytes(salt), &identity[..]])
}

/// The 16-byte claim key: HKDF-SHA256 with salt = u, input key material = S, info "Caldera
/// Derived Key".
pub(crate) fn claim_key(shared_secret: &BigNum, u: &BigNum) -> [u8; 16] {
    let secret = Zeroizing::new(int_bytes(&Zeroizing::new(shared_secret.to_be_bytes())));
    let hkdf = Hkdf::<Sha256>::new(Some(&int_bytes(&u.to_be_bytes())), &secret);
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
        assert_eq!(int_bytes(&[]), vec![0]);
        assert_eq!(int_bytes(&[0]), vec![0]);
        assert_eq!(int_bytes(&[0x7f]), vec![0x7f]);
        assert_eq!(int_bytes(&[0x80]), vec![0, 0x80]);
        assert_eq!(int_bytes(&[0, 0, 0x80]), vec![0, 0x80]);
        assert_eq!(int_bytes(&[0x01, 0x02]), vec![1, 2]);
        assert_eq!(int_bytes(&[0, 0x01, 0x02]), vec![1, 2]);
    }

    #[test]
    fn the_group_is_the_3072_bit_prime_with_a_sign_byte() {
        let grp = group().unwrap();
        assert_eq!(grp.n.value().num_bits(), 3072);
        assert_eq!(int_bytes(&grp.n.value().to_be_bytes()).len(), 385);
        assert!(std::ptr::eq(grp, group().unwrap()), "built once");
    }

    /// k and u are internal, so they are checked here against the values pycognito recorded.
    #[test]
    fn k_and_u_match_pycognito() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/srp_vectors.json")).unwrap();
        let mut ctx = Ctx::new().unwrap();
        for case in vectors["cases"].as_array().unwrap() {
            let hex = |v: &serde_json::Value| parse_hex(v.as_str().unwrap(), "vector").unwrap();
            assert_eq!(group().unwrap().k.to_be_bytes(), hex(&case["k"]));
            let a = ephemeral_secret(&hex(&case["inputs"]["a"]), &mut ctx).unwrap();
            let big_a = g_pow(&a, &mut ctx).unwrap().to_be_bytes();
            let u = scrambler(&big_a, &hex(&case["challenge_parameters"]["SRP_B"])).unwrap();
            assert_eq!(u.to_be_bytes(), hex(&case["u"]));
        }
    }

    #[test]
    fn hex_parsing_rejects_garbage_and_oversized_input() {
        assert!(parse_hex("", "SRP_B").is_err());
        assert!(parse_hex("xyz", "SRP_B").is_err());
        assert!(parse_hex("+ab", "SRP_B").is_err());
        assert!(parse_hex("a_b", "SRP_B").is_err());
        assert!(parse_hex("ab ", "SRP_B").is_err());
        assert!(parse_hex("é1", "SRP_B").is_err());
        assert!(parse_hex(&"f".repeat(MAX_HEX_DIGITS + 1), "SRP_B").is_err());
        assert_eq!(parse_hex("0aBc", "SALT").unwrap(), vec![0x0a, 0xbc]);
        assert_eq!(parse_hex("abc", "SALT").unwrap(), vec![0x0a, 0xbc]);
        assert_eq!(parse_hex("0000ff", "SALT").unwrap(), vec![0xff]);
        assert_eq!(parse_hex("000", "SALT").unwrap(), vec![0]);
    }

    #[test]
    fn hex_output_is_minimal_lower_case() {
        assert_eq!(to_hex(&[]), "0");
        assert_eq!(to_hex(&[0, 0]), "0");
        assert_eq!(to_hex(&[0x0a, 0xbc]), "abc");
        assert_eq!(to_hex(&[0, 0xab, 0x01]), "ab01");
        assert_eq!(to_hex(&[0x10]), "10");
        for value in ["1", "abc", "ff00ff", "1000000000000000000000000001"] {
            assert_eq!(to_hex(&parse_hex(value, "x").unwrap()), value);
        }
    }
}
