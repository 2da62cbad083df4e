//! JSON Web Tokens as Cognito makes them: compact JWS, RS256 only. Signed and checked here
//! directly with the pool's keys (no general-purpose JWT library: the server accepts exactly
//! one algorithm and one header shape, so `alg: none`, HS256 with the public key as secret and
//! other algorithm confusions have no code path).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::key_pairs::SigningKey;
use crate::errors::ApiResult;

/// Claims in the order they are written (Cognito's tokens list them in a fixed order).
#[derive(Debug, Default, Clone)]
pub struct Claims(pub Vec<(String, Value)>);

impl Claims {
    /// Adds a claim.
    pub fn put(&mut self, name: &str, value: impl Into<Value>) {
        self.0.push((name.to_owned(), value.into()));
    }

    fn to_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Value::String(name.clone()).to_string());
            out.push(':');
            out.push_str(&value.to_string());
        }
        out.push('}');
        out
    }
}

/// The signed token: `base64url(header).base64url(claims).base64url(signature)`, with the
/// header Cognito writes (`{"kid":..,"alg":"RS256"}`).
pub fn sign(key: &SigningKey, claims: &Claims) -> ApiResult<String> {
    let header = serde_json::json!({ "kid": key.kid, "alg": "RS256" });
    let header = format!(r#"{{"kid":{},"alg":"RS256"}}"#, header["kid"]);
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims.to_json()));
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(token)
}

/// A token split and decoded, its signature not yet checked.
#[derive(Debug)]
pub struct Unverified<'a> {
    /// The header's `kid`.
    pub kid: String,
    /// The claims.
    pub claims: Map<String, Value>,
    signed: &'a str,
    signature: Vec<u8>,
}

impl Unverified<'_> {
    /// Whether `key` signed it.
    pub fn signed_by(&self, key: &SigningKey) -> bool {
        self.kid == key.kid && key.verify(self.signed.as_bytes(), &self.signature)
    }
}

/// Splits and decodes a compact JWS whose header says `alg: RS256` and names a `kid`; `None`
/// for anything else (other algorithms, `alg: none`, JWE, malformed base64 or JSON).
pub fn parse(token: &str) -> Option<Unverified<'_>> {
    let mut parts = token.split('.');
    let (header, claims, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || signature.is_empty() {
        return None;
    }
    let header: Map<String, Value> = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return None;
    }
    // A header that asks for anything else (embedded keys, critical extensions) is not ours.
    if header.keys().any(|k| !matches!(k.as_str(), "kid" | "alg" | "typ")) {
        return None;
    }
    let kid = header.get("kid").and_then(Value::as_str)?.to_owned();
    let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let signed = &token[..token.len() - token.rsplit('.').next().map_or(0, str::len) - 1];
    Some(Unverified { kid, claims, signed, signature })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::key_pairs::PoolKeys;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn signs_and_checks_rs256_only() {
        let keys = PoolKeys::generate().unwrap();
        let mut claims = Claims::default();
        claims.put("sub", "abc");
        claims.put("exp", 5);
        let token = sign(&keys.access, &claims).unwrap();
        let parsed = parse(&token).unwrap();
        assert!(parsed.signed_by(&keys.access));
        assert!(!parsed.signed_by(&keys.id));
        assert_eq!(parsed.claims["sub"], "abc");
        let header = URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap();
        assert_eq!(String::from_utf8(header).unwrap(), format!(r#"{{"kid":"{}","alg":"RS256"}}"#, keys.access.kid));

        // Tampered claims, alg none, HS256, missing kid, extra parts.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], b64(r#"{"sub":"evil","exp":5}"#), parts[2]);
        assert!(!parse(&forged).unwrap().signed_by(&keys.access));
        let kid = &keys.access.kid;
        let none = format!("{}.{}.", b64(&format!(r#"{{"kid":"{kid}","alg":"none"}}"#)), parts[1]);
        assert!(parse(&none).is_none());
        let none_sig = format!("{}.{}.{}", b64(&format!(r#"{{"kid":"{kid}","alg":"none"}}"#)), parts[1], parts[2]);
        assert!(parse(&none_sig).is_none());
        let hs = format!("{}.{}.{}", b64(&format!(r#"{{"kid":"{kid}","alg":"HS256"}}"#)), parts[1], parts[2]);
        assert!(parse(&hs).is_none());
        assert!(parse(&format!("{}.{}.{}", b64(r#"{"alg":"RS256"}"#), parts[1], parts[2])).is_none());
        assert!(parse(&format!("{token}.x")).is_none());
        assert!(parse("not a token").is_none());
        let jwk =
            format!("{}.{}.{}", b64(&format!(r#"{{"kid":"{kid}","alg":"RS256","jwk":{{}}}}"#)), parts[1], parts[2]);
        assert!(parse(&jwk).is_none());
    }
}
