//! Verifying a provider's id token (OpenID Connect Core 3.1.3.7): an RS256 signature by a
//! key of the provider's JWKS (the header's `kid`, or the set's only RSA key), then `iss`,
//! `aud` (the provider's `client_id`), `exp` and `nonce`.
//!
//! The signature is checked with AWS-LC (`aws-lc-rs`), which the server already signs its
//! own tokens with, from the key's `n` and `e`; only RS256 is accepted, so the header's `alg`
//! cannot choose a weaker check.

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::failure::Failure;

/// What the token must say.
pub struct Expected<'a> {
    /// `iss` (unchecked when the provider names none).
    pub issuer: Option<&'a str>,
    /// A member of `aud`: the provider's `client_id` for this pool.
    pub audience: &'a str,
    /// `nonce`: the one the authorization request carried; `None` for a token presented to the
    /// API (`GetDerivedToken`), which answers no request of the pool's.
    pub nonce: Option<&'a str>,
    /// Now, in seconds.
    pub now_s: i64,
}

/// How far a provider's clock may be ahead or behind.
const LEEWAY_S: i64 = 60;

fn part(text: &str) -> Result<Map<String, Value>, Failure> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| malformed())?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(malformed()),
    }
}

fn malformed() -> Failure {
    Failure::invalid("Bad id_token: it is not a signed JWT")
}

fn key_bytes(jwk: &Map<String, Value>, name: &str) -> Option<Vec<u8>> {
    jwk.get(name).and_then(Value::as_str).and_then(|v| URL_SAFE_NO_PAD.decode(v.trim_end_matches('=')).ok())
}

/// Checks `token` against the provider's `jwks` and `expected`; its claims when it passes.
pub fn verify(token: &str, jwks: &Map<String, Value>, expected: &Expected) -> Result<Map<String, Value>, Failure> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let head = part(header)?;
    if head.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(Failure::invalid("Bad id_token: only RS256 signatures are accepted"));
    }
    let kid = head.get("kid").and_then(Value::as_str);
    let keys: Vec<&Map<String, Value>> = jwks
        .get("keys")
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let rsa: Vec<&&Map<String, Value>> =
        keys.iter().filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA")).collect();
    let key = match kid {
        Some(kid) => rsa.iter().find(|k| k.get("kid").and_then(Value::as_str) == Some(kid)),
        None if rsa.len() == 1 => rsa.first(),
        None => None,
    };
    let Some(key) = key else {
        return Err(Failure::invalid("Bad id_token: no key of the identity provider's JWKS signed it"));
    };
    let (Some(n), Some(e)) = (key_bytes(key, "n"), key_bytes(key, "e")) else {
        return Err(Failure::invalid("Bad id_token: the identity provider's key is unreadable"));
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| malformed())?;
    let signed = &token[..header.len() + 1 + payload.len()];
    RsaPublicKeyComponents { n: &n, e: &e }
        .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature)
        .map_err(|_| Failure::invalid("Bad id_token signature"))?;
    let claims = part(payload)?;
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    if let Some(issuer) = expected.issuer
        && iss.trim_end_matches('/') != issuer.trim_end_matches('/')
    {
        return Err(Failure::invalid(format!("Bad id_token issuer {iss}")));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == expected.audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(expected.audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(Failure::invalid("Bad id_token audience"));
    }
    match claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp + LEEWAY_S > expected.now_s => {}
        _ => return Err(Failure::invalid("Bad id_token: it has expired")),
    }
    if let Some(nonce) = expected.nonce
        && claims.get("nonce").and_then(Value::as_str) != Some(nonce)
    {
        return Err(Failure::invalid("Bad id_token nonce"));
    }
    if claims.get("sub").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(Failure::invalid("Bad id_token: it names no subject"));
    }
    Ok(claims)
}
