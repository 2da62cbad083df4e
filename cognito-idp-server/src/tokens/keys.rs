//! Each pool's signing keys: two RSA-2048 key pairs, one for access tokens and one for id
//! tokens (Cognito signs them with different keys, so their `kid`s differ: AWS's developer
//! guide, "Understanding the access token"). They are generated on first need, stored once
//! through [`Store::put_pool_secret_if_absent`] (so every instance signs with the same keys and
//! a restart keeps them), and kept decoded in memory per pool.

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
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError};

/// The name of the pool secret that holds the keys.
pub const SECRET_NAME: &str = "token_signing_keys";

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

    fn encode(&self) -> ApiResult<String> {
        let stored =
            Stored { version: 1, access: STANDARD.encode(self.access.pkcs8()?), id: STANDARD.encode(self.id.pkcs8()?) };
        serde_json::to_string(&stored).map_err(|e| ApiError::internal(format!("encoding signing keys: {e}")))
    }

    fn decode(text: &str) -> Option<PoolKeys> {
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
    fn get(&self, pool_id: &str, seq: i64) -> Option<Arc<PoolKeys>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(pool_id).filter(|(kept, _)| *kept == seq).map(|(_, keys)| keys.clone())
    }

    fn put(&self, pool_id: &str, seq: i64, keys: Arc<PoolKeys>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= KEY_CACHE_SIZE {
            map.clear();
        }
        map.insert(pool_id.to_owned(), (seq, keys));
    }
}

/// The pool's keys, generated and stored if it has none yet.
pub async fn for_signing<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Arc<PoolKeys>> {
    if let Some(keys) = svc.keys.get(pool.id(), pool.record.seq) {
        return Ok(keys);
    }
    let text = match svc.store.pool_secret(pool.id(), SECRET_NAME).await? {
        Some(text) => text,
        None => {
            // Generating two RSA keys takes tens of milliseconds: off the async threads.
            let keys = tokio::task::spawn_blocking(PoolKeys::generate)
                .await
                .map_err(|e| ApiError::internal(format!("key generation: {e}")))??;
            match svc.store.put_pool_secret_if_absent(pool.id(), SECRET_NAME, keys.encode()?).await {
                Ok(text) => text,
                Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
                Err(e) => return Err(e.into()),
            }
        }
    };
    remember(svc, pool, &text)
}

/// The pool's keys if it has any (verification never creates keys).
pub async fn for_checking<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Option<Arc<PoolKeys>>> {
    if let Some(keys) = svc.keys.get(pool.id(), pool.record.seq) {
        return Ok(Some(keys));
    }
    match svc.store.pool_secret(pool.id(), SECRET_NAME).await? {
        Some(text) => remember(svc, pool, &text).map(Some),
        None => Ok(None),
    }
}

fn remember<S: Store>(svc: &Cognito<S>, pool: &Pool, text: &str) -> ApiResult<Arc<PoolKeys>> {
    let keys = PoolKeys::decode(text)
        .ok_or_else(|| ApiError::internal(format!("the signing keys of pool {} do not decode", pool.id())))?;
    let keys = Arc::new(keys);
    svc.keys.put(pool.id(), pool.record.seq, keys.clone());
    Ok(keys)
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
