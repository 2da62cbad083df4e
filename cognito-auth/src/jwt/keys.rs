//! The user pool's signing keys: fetched from its JWKS once, cached, and refetched when a token
//! names a key the cache lacks (Cognito adds keys when it rotates them) — at most once per
//! interval, so tokens with made-up `kid`s cannot turn the verifier into a JWKS flooder.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use serde_json::Value;

use super::error::JwtError;

/// A JWKS larger than this is refused: Cognito's holds two keys (about 1 KiB).
const MAX_JWKS_BYTES: usize = 1 << 20;

pub(crate) struct KeyCache {
    url: String,
    http: reqwest::Client,
    min_refetch_interval: Duration,
    state: RwLock<State>,
    /// Held while fetching, so concurrent misses on the same new key cause one request.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Arc<DecodingKey>>,
    loaded: bool,
    last_fetch: Option<Instant>,
    last_error: Option<String>,
}

impl KeyCache {
    pub(crate) fn new(url: String, http: reqwest::Client, min_refetch_interval: Duration) -> Self {
        Self { url, http, min_refetch_interval, state: RwLock::default(), fetching: tokio::sync::Mutex::new(()) }
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The key with this `kid`, fetching the JWKS if it is not cached and a fetch is allowed.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, JwtError> {
        if let Some(key) = self.read().keys.get(kid) {
            return Ok(key.clone());
        }
        let _fetching = self.fetching.lock().await;
        // Another task may have fetched the key while this one waited.
        if let Some(key) = self.read().keys.get(kid) {
            return Ok(key.clone());
        }
        self.refresh().await?;
        self.read().keys.get(kid).cloned().ok_or_else(|| JwtError::UnknownKeyId(kid.to_owned()))
    }

    /// Fetches the JWKS now unless one was fetched less than the interval ago.
    pub(crate) async fn prefetch(&self) -> Result<(), JwtError> {
        let _fetching = self.fetching.lock().await;
        self.refresh().await
    }

    /// Fetches the JWKS if the rate limit allows; otherwise reports why keys may be missing.
    /// Called with `fetching` held.
    async fn refresh(&self) -> Result<(), JwtError> {
        {
            let mut state = self.write();
            if state.last_fetch.is_some_and(|at| at.elapsed() < self.min_refetch_interval) {
                return match (&state.last_error, state.loaded) {
                    (Some(error), false) => Err(JwtError::KeysUnavailable(error.clone())),
                    _ => Ok(()),
                };
            }
            // Counted before the request, so a failing endpoint is not retried at once either.
            state.last_fetch = Some(Instant::now());
        }
        let fetched = self.fetch().await;
        let mut state = self.write();
        match fetched {
            Ok(keys) => {
                state.keys = keys;
                state.loaded = true;
                state.last_error = None;
                Ok(())
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                // Keys already cached stay usable while the endpoint is failing.
                if state.loaded { Ok(()) } else { Err(JwtError::KeysUnavailable(error)) }
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<DecodingKey>>, String> {
        let mut response = self.http.get(&self.url).send().await.map_err(|e| format!("GET {}: {e}", self.url))?;
        if !response.status().is_success() {
            return Err(format!("GET {}: HTTP {}", self.url, response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("GET {}: {e}", self.url))? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(format!("GET {}: JWKS larger than {MAX_JWKS_BYTES} bytes", self.url));
            }
            body.extend_from_slice(&chunk);
        }
        parse_jwks(&body).map_err(|e| format!("GET {}: {e}", self.url))
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // No code panics while holding the lock; if some did, the state is still consistent.
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The RS256 signing keys of a JWKS document, by `kid`. Keys of other types or uses, and keys
/// that do not parse, are skipped rather than failing the whole set.
pub(crate) fn parse_jwks(body: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, String> {
    let document: Value = serde_json::from_slice(body).map_err(|e| format!("JWKS is not JSON: {e}"))?;
    let Some(entries) = document.get("keys").and_then(Value::as_array) else {
        return Err("JWKS has no `keys` list".to_owned());
    };
    let mut keys = HashMap::new();
    for entry in entries {
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else {
            continue;
        };
        let (Some(kid), AlgorithmParameters::RSA(_)) = (&jwk.common.key_id, &jwk.algorithm) else {
            continue;
        };
        let for_signatures = matches!(jwk.common.public_key_use, None | Some(PublicKeyUse::Signature));
        let for_rs256 = matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256));
        if !(for_signatures && for_rs256) {
            continue;
        }
        if let Ok(key) = DecodingKey::from_jwk(&jwk) {
            keys.insert(kid.clone(), Arc::new(key));
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rs256_signing_keys_with_a_kid_are_kept() {
        let n = "sXch3f2vPb2pVfs5bnOQpk7gQZ5hG0G1QzH3-Lw0Ns1uSPFCl3S1Umzv6bfhMLNyKHNx5vqEoG0H6WPLl3SdRQ";
        let jwks = serde_json::json!({ "keys": [
            { "kty": "RSA", "kid": "good", "alg": "RS256", "use": "sig", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "no-alg-or-use", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "for-encryption", "alg": "RS256", "use": "enc", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "other-alg", "alg": "RS512", "n": n, "e": "AQAB" },
            { "kty": "RSA", "alg": "RS256", "n": n, "e": "AQAB" },
            { "kty": "oct", "kid": "hmac", "k": "c2VjcmV0" },
            { "kty": "RSA", "kid": "bad-base64", "n": "!!", "e": "AQAB" },
            { "kty": "nonsense" },
            "not an object",
        ]});
        let keys = parse_jwks(jwks.to_string().as_bytes()).unwrap();
        let mut kids: Vec<_> = keys.keys().map(String::as_str).collect();
        kids.sort();
        assert_eq!(kids, ["good", "no-alg-or-use"]);
    }

    #[test]
    fn documents_that_are_not_a_jwks_are_errors() {
        assert!(parse_jwks(b"").is_err());
        assert!(parse_jwks(b"[]").is_err());
        assert!(parse_jwks(br#"{"keys": {}}"#).is_err());
        assert!(parse_jwks(br#"{"keys": []}"#).unwrap().is_empty());
    }
}
