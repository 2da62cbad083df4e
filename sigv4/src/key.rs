//! The signing key: HMAC-SHA256 chained over the scope, starting from `"AWS4" + secret`.

use std::fmt;

use ring::hmac;

use crate::canonical::hex;

/// A key derived for one day, region and service; it signs strings to sign.
///
/// ```
/// let key = awsjson_sigv4::SigningKey::derive(
///     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam",
/// );
/// assert_eq!(key.to_hex(), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// kDate = HMAC("AWS4" + secret, date), kRegion = HMAC(kDate, region),
    /// kService = HMAC(kRegion, service), kSigning = HMAC(kService, "aws4_request").
    /// `date` is `YYYYMMDD`.
    pub fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> SigningKey {
        let mut key = Vec::with_capacity(4 + secret_access_key.len());
        key.extend_from_slice(b"AWS4");
        key.extend_from_slice(secret_access_key.as_bytes());
        let mut current = hmac_sha256(&key, date.as_bytes());
        for part in [region, service, "aws4_request"] {
            current = hmac_sha256(&current, part.as_bytes());
        }
        SigningKey(current)
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex of the key.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// The signature of a string to sign: lowercase hex HMAC-SHA256.
    pub fn sign(&self, string_to_sign: &str) -> String {
        hex(&hmac_sha256(&self.0, string_to_sign.as_bytes()))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_aws_documentation_example() {
        let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
        assert_eq!(key.to_hex(), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        assert!(!format!("{key:?}").contains("c4af"));
    }

    #[test]
    fn every_scope_part_changes_the_key() {
        let base = SigningKey::derive("secret", "20150830", "us-east-1", "iam");
        for other in [
            SigningKey::derive("secreT", "20150830", "us-east-1", "iam"),
            SigningKey::derive("secret", "20150831", "us-east-1", "iam"),
            SigningKey::derive("secret", "20150830", "us-east-2", "iam"),
            SigningKey::derive("secret", "20150830", "us-east-1", "sts"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // HMAC-SHA256 with key "Jefe" (RFC 4231, test case 2): checks the primitive is wired right.
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
