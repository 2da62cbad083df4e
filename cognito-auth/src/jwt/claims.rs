//! The claims of Cognito ID and access tokens, typed.

use serde_json::{Map, Value};

use super::error::JwtError;
use super::token_use::TokenUse;

/// The verified claims of a Cognito token.
///
/// The common claims are typed; everything (including custom attributes such as `email` or
/// `custom:tenant` in ID tokens) is in [`CognitoClaims::raw`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CognitoClaims {
    /// `sub`: the user's stable, unique id in the pool.
    pub sub: String,
    /// The user name: `cognito:username` in ID tokens, `username` in access tokens.
    pub username: Option<String>,
    /// `token_use`.
    pub token_use: TokenUse,
    /// The app client the token was issued to: `aud` in ID tokens, `client_id` in access tokens.
    pub client_id: String,
    /// `exp`, seconds since the Unix epoch.
    pub exp: u64,
    /// `iat`, seconds since the Unix epoch.
    pub iat: Option<u64>,
    /// `auth_time`, seconds since the Unix epoch: when the user signed in.
    pub auth_time: Option<u64>,
    /// `cognito:groups`; empty when the user is in no group.
    pub groups: Vec<String>,
    /// `scope` of access tokens, split on spaces; empty for ID tokens.
    pub scopes: Vec<String>,
    /// Every claim of the token as it was sent.
    pub raw: Map<String, Value>,
}

impl CognitoClaims {
    /// Types the claims of a token whose signature, issuer and expiry were already checked,
    /// and checks `token_use` and the app client.
    pub(crate) fn check(
        raw: Map<String, Value>,
        expected: TokenUse,
        client_allowed: impl Fn(&str) -> bool,
    ) -> Result<Self, JwtError> {
        let found = raw.get("token_use").and_then(Value::as_str);
        if found != Some(expected.as_str()) {
            return Err(JwtError::WrongTokenUse { expected, found: found.map(str::to_owned) });
        }
        let client_id = match expected {
            // `aud` may be a string or, in general JWTs, a list; Cognito writes a string.
            TokenUse::Id => match raw.get("aud") {
                Some(Value::String(aud)) => Some(aud.as_str()),
                Some(Value::Array(auds)) => auds.iter().filter_map(Value::as_str).find(|aud| client_allowed(aud)),
                _ => None,
            },
            TokenUse::Access => raw.get("client_id").and_then(Value::as_str),
        };
        let client_id = match client_id {
            Some(id) if client_allowed(id) => id.to_owned(),
            _ => return Err(JwtError::WrongAudience),
        };
        let username_claim = match expected {
            TokenUse::Id => "cognito:username",
            TokenUse::Access => "username",
        };
        Ok(Self {
            sub: string(&raw, "sub")?.ok_or_else(|| missing("sub"))?,
            username: string(&raw, username_claim)?,
            token_use: expected,
            client_id,
            exp: seconds(&raw, "exp")?.ok_or_else(|| missing("exp"))?,
            iat: seconds(&raw, "iat")?,
            auth_time: seconds(&raw, "auth_time")?,
            groups: strings(&raw, "cognito:groups")?,
            scopes: string(&raw, "scope")?
                .map(|s| s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default(),
            raw,
        })
    }
}

fn missing(name: &str) -> JwtError {
    JwtError::InvalidClaims(format!("`{name}` is missing"))
}

fn wrong_type(name: &str, expected: &str) -> JwtError {
    JwtError::InvalidClaims(format!("`{name}` is not {expected}"))
}

fn string(raw: &Map<String, Value>, name: &str) -> Result<Option<String>, JwtError> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong_type(name, "a string")),
    }
}

fn seconds(raw: &Map<String, Value>, name: &str) -> Result<Option<u64>, JwtError> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| wrong_type(name, "a whole number of seconds")),
    }
}

fn strings(raw: &Map<String, Value>, name: &str) -> Result<Vec<String>, JwtError> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| wrong_type(name, "a list of strings")))
            .collect(),
        Some(_) => Err(wrong_type(name, "a list of strings")),
    }
}
