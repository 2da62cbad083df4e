//! RSA-2048 signing key pairs, a pool's two of them (access and id tokens), their stored form,
//! and the cache of decoded keys every handler shares (`state::Cognito::keys`). Nothing here
//! reads the store: `tokens::keys` fetches, generates and stores them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::errors::{ApiError, ApiResult};

/// One RSA key pair and its key id.
pub struct SigningKey {
    /// The `kid` in the tokens' header and in the JWKS.
    pub kid: String,
    pair: KeyPair,
    /// The public key as a PKCS#1 `RSAPublicKey` (what verification takes).
    public: Vec<u8>,
}

impl SigningKey {
    /// A new RSA-2048 key pair.
    pub fn generate() -> ApiResult<SigningKey> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| ApiError::internal("could not generate an RSA key pair"))?;
        Ok(Self::from_pair(pair))
    }

    fn from_pair(pair: KeyPair) -> SigningKey {
        let public = pair.public_key().as_ref().to_vec();
        // Shaped as AWS's kids are (base64 of 32 bytes): the SHA-256 of the public key, so a
        // kid names exactly one key.
        let kid = STANDARD.encode(Sha256::digest(&public));
        SigningKey { kid, pair, public }
    }

    /// The key pair from its PKCS#8 DER form.
    fn from_pkcs8(der: &[u8]) -> Option<SigningKey> {
        KeyPair::from_pkcs8(der).ok().map(Self::from_pair)
    }

    fn pkcs8(&self) -> ApiResult<Vec<u8>> {
        let der = self.pair.as_der().map_err(|_| ApiError::internal("could not encode an RSA key pair"))?;
        Ok(der.as_ref().to_vec())
    }

    /// The RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> ApiResult<Vec<u8>> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut signature)
            .map_err(|_| ApiError::internal("could not sign a token"))?;
        Ok(signature)
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.public).verify(message, signature).is_ok()
    }

    /// The public key as a JWK, as Cognito's `jwks.json` lists it.
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "use": "sig",
        })
    }
}

/// A pool's two keys.
pub struct PoolKeys {
    /// Signs access tokens.
    pub access: SigningKey,
    /// Signs id tokens.
    pub id: SigningKey,
}

impl PoolKeys {
    /// Two new key pairs.
    pub fn generate() -> ApiResult<PoolKeys> {
        Ok(PoolKeys { access: SigningKey::generate()?, id: SigningKey::generate()? })
    }

    /// The JWKS document: both public keys.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.id.jwk(), self.access.jwk()] })
    }

    /// The stored form (PKCS#8 DER of both keys, in base64, as JSON).
    pub fn encode(&self) -> ApiResult<String> {
        let stored =
            Stored { version: 1, access: STANDARD.encode(self.access.pkcs8()?), id: STANDARD.encode(self.id.pkcs8()?) };
        serde_json::to_string(&stored).map_err(|e| ApiError::internal(format!("encoding signing keys: {e}")))
    }

    /// The keys from their stored form; `None` if it does not decode.
    pub fn decode(text: &str) -> Option<PoolKeys> {
        let stored: Stored = serde_json::from_str(text).ok()?;
        let key = |b64: &str| STANDARD.decode(b64).ok().and_then(|der| SigningKey::from_pkcs8(&der));
        Some(PoolKeys { access: key(&stored.access)?, id: key(&stored.id)? })
    }
}

/// The stored form: PKCS#8 DER in base64.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    access: String,
    id: String,
}

/// Decoded keys by pool id, with the pool's `seq` (a re-created pool has other keys).
#[derive(Clone, Default)]
pub struct KeyCache(Arc<Mutex<HashMap<String, CachedKeys>>>);

/// A pool's decoded keys and the pool `seq` they belong to.
type CachedKeys = (i64, Arc<PoolKeys>);

/// Pools whose keys are kept at most; past that the cache starts over.
const KEY_CACHE_SIZE: usize = 4096;

impl KeyCache {
    /// The keys of pool `pool_id` if they were decoded for the pool with `seq`.
    pub fn get(&self, pool_id: &str, seq: i64) -> Option<Arc<PoolKeys>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(pool_id).filter(|(kept, _)| *kept == seq).map(|(_, keys)| keys.clone())
    }

    /// Keeps the decoded keys of pool `pool_id` (`seq`).
    pub fn put(&self, pool_id: &str, seq: i64, keys: Arc<PoolKeys>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= KEY_CACHE_SIZE {
            map.clear();
        }
        map.insert(pool_id.to_owned(), (seq, keys));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_their_stored_form_and_differ() {
        let keys = PoolKeys::generate().unwrap();
        assert_ne!(keys.access.kid, keys.id.kid);
        let again = PoolKeys::decode(&keys.encode().unwrap()).unwrap();
        assert_eq!(again.access.kid, keys.access.kid);
        assert_eq!(again.id.kid, keys.id.kid);
        let signature = keys.access.sign(b"message").unwrap();
        assert_eq!(signature.len(), 256);
        assert!(again.access.verify(b"message", &signature));
        assert!(!again.id.verify(b"message", &signature));
        assert!(!again.access.verify(b"messagE", &signature));
        let jwk = keys.access.jwk();
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap().len(), 256);
        assert!(PoolKeys::decode("{}").is_none());
    }
}
