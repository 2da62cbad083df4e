//! A PreTokenGeneration function's answer applied to the claims of a token: the one place every
//! issuance (sign-in, managed login, refresh, machine tokens) changes claims and scopes. What
//! may change follows the "Claims and scopes reference" table of AWS's developer guide ("Pre
//! token generation Lambda trigger"):
//!
//! - claims the table marks "can't add, modify or suppress" keep Cognito's value whatever the
//!   answer says: `sub`, `cognito:username`, `username`, `identities`, `aud` (but see below),
//!   `client_id`, `event_id`, `device_key`, `version`, `acr`, `amr`, `at_hash`, `auth_time`,
//!   `azp`, `exp`, `iat`, `iss`, `jti`, `nbf`, `nonce`, `origin_jti`, `token_use`, and any other
//!   claim with the `cognito:` prefix. AWS documents no error for them, and other local
//!   emulators record that Cognito quietly drops them, so they are ignored;
//! - `scope` changes only through `scopesToAdd` / `scopesToSuppress` ("You can't add scope
//!   values that contain one or more blank-space characters");
//! - `cognito:groups`, `cognito:roles` and `cognito:preferred_role` change through
//!   `groupOverrideDetails` (applied when the claims are built) and are suppressed by naming
//!   `cognito:groups` ("To suppress the cognito:preferred_role and cognito:roles claims, add
//!   cognito:groups to claimsToSuppress");
//! - `dev:` attributes can be suppressed, not added;
//! - `aud` may be added to an access token only with the app client's id as its value;
//! - in the ID token, `phone_number_verified`, `email_verified`, `updated_at` and `address`
//!   take no complex values ("you can populate complex objects to the values of claims except
//!   for ..."): such a value is ignored, and a string keeps the claim's type;
//! - "If your function both suppresses and replaces a claim value, then Amazon Cognito
//!   suppresses the claim."

use serde_json::Value;

use super::claims::attribute_value;
use super::jwt::Claims;
use crate::handlers::triggered::pre_token_generation::{ClaimChanges, Customization};

/// Claims no answer changes (the guide's table, "No" in every column).
const FIXED: [&str; 21] = [
    "sub",
    "username",
    "identities",
    "aud",
    "client_id",
    "event_id",
    "device_key",
    "version",
    "acr",
    "amr",
    "at_hash",
    "auth_time",
    "azp",
    "exp",
    "iat",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "token_use",
];

/// The token being changed.
#[derive(Debug, Clone, Copy)]
pub enum Token<'a> {
    /// The ID token.
    Id,
    /// The access token of app client `client_id`.
    Access {
        /// The app client.
        client_id: &'a str,
    },
}

/// Applies `custom` to the claims of `token` (built with the group claims the answer chose).
pub fn apply(custom: &Customization, token: Token, claims: &mut Claims) {
    let changes: &ClaimChanges = match token {
        Token::Id => &custom.id,
        Token::Access { .. } => &custom.access,
    };
    for name in &changes.suppress {
        if name == "cognito:groups" {
            remove(claims, "cognito:groups");
            remove(claims, "cognito:roles");
            remove(claims, "cognito:preferred_role");
        } else if suppressible(name) {
            remove(claims, name);
        }
    }
    for (name, value) in &changes.add {
        if changes.suppress.iter().any(|s| s == name) {
            continue;
        }
        let value = match token {
            Token::Access { client_id } if name == "aud" => match value.as_str() {
                Some(aud) if aud == client_id => value.clone(),
                _ => continue,
            },
            _ if !addable(name) => continue,
            Token::Id => match typed_id_claim(name, value) {
                Some(value) => value,
                None => continue,
            },
            Token::Access { .. } => value.clone(),
        };
        set(claims, name, value);
    }
}

/// The `scope` claim after `scopesToAdd` and `scopesToSuppress` (`V2_0`, `V3_0`): the granted
/// scopes, those added (without blanks, once each), less those suppressed.
pub fn scopes(custom: &Customization, granted: &[String]) -> Vec<String> {
    let mut scopes: Vec<String> = granted.to_vec();
    for scope in &custom.scopes_to_add {
        if !scope.is_empty() && !scope.chars().any(char::is_whitespace) && !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scopes.retain(|s| !custom.scopes_to_suppress.contains(s));
    scopes
}

/// Whether an answer may add or override claim `name`.
fn addable(name: &str) -> bool {
    !FIXED.contains(&name) && name != "scope" && !name.starts_with("cognito:") && !name.starts_with("dev:")
}

/// Whether an answer may suppress claim `name` (`cognito:groups` aside).
fn suppressible(name: &str) -> bool {
    !FIXED.contains(&name) && name != "scope" && !name.starts_with("cognito:")
}

/// The value an ID token claim takes: the claims with a fixed type keep it.
fn typed_id_claim(name: &str, value: &Value) -> Option<Value> {
    match (name, value) {
        ("email_verified" | "phone_number_verified", Value::Bool(_)) => Some(value.clone()),
        ("updated_at", Value::Number(_)) => Some(value.clone()),
        ("email_verified" | "phone_number_verified" | "updated_at" | "address", Value::String(text)) => {
            Some(attribute_value(name, text))
        }
        ("email_verified" | "phone_number_verified" | "updated_at" | "address", _) => None,
        _ => Some(value.clone()),
    }
}

fn remove(claims: &mut Claims, name: &str) {
    claims.0.retain(|(n, _)| n != name);
}

/// Overrides `name` where it is, or adds it before `exp` (Cognito's tokens end with `exp`,
/// `iat`, `jti`).
fn set(claims: &mut Claims, name: &str, value: Value) {
    if let Some(slot) = claims.0.iter_mut().find(|(n, _)| n == name) {
        slot.1 = value;
        return;
    }
    let at = claims.0.iter().position(|(n, _)| n == "exp").unwrap_or(claims.0.len());
    claims.0.insert(at, (name.to_owned(), value));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(pairs: &[(&str, Value)]) -> Claims {
        Claims(pairs.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect())
    }

    fn names(claims: &Claims) -> Vec<&str> {
        claims.0.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn fixed_claims_keep_their_values_and_suppression_wins() {
        let mut id = claims(&[
            ("sub", json!("s")),
            ("cognito:groups", json!(["g"])),
            ("cognito:roles", json!(["r"])),
            ("email", json!("e")),
            ("email_verified", json!(true)),
            ("exp", json!(1)),
        ]);
        let custom = Customization {
            id: ClaimChanges {
                add: vec![
                    ("sub".into(), json!("x")),
                    ("cognito:username".into(), json!("x")),
                    ("dev:x".into(), json!("x")),
                    ("email".into(), json!("new")),
                    ("tier".into(), json!({"a": 1})),
                    ("gone".into(), json!("x")),
                    ("email_verified".into(), json!("false")),
                    ("updated_at".into(), json!({"no": 1})),
                ],
                suppress: vec!["cognito:groups".into(), "gone".into(), "iss".into()],
            },
            ..Customization::default()
        };
        apply(&custom, Token::Id, &mut id);
        assert_eq!(names(&id), ["sub", "email", "email_verified", "tier", "exp"]);
        assert_eq!(id.0[0].1, json!("s"));
        assert_eq!(id.0[1].1, json!("new"));
        assert_eq!(id.0[2].1, json!(false));
        assert_eq!(id.0[3].1, json!({"a": 1}));
    }

    #[test]
    fn access_tokens_take_their_own_changes_and_aud_only_for_the_client() {
        let mut access = claims(&[("client_id", json!("c")), ("scope", json!("a")), ("exp", json!(1))]);
        let custom = Customization {
            access: ClaimChanges {
                add: vec![("aud".into(), json!("c")), ("scope".into(), json!("z")), ("client_id".into(), json!("z"))],
                suppress: vec!["client_id".into()],
            },
            ..Customization::default()
        };
        apply(&custom, Token::Access { client_id: "c" }, &mut access);
        assert_eq!(names(&access), ["client_id", "scope", "aud", "exp"]);
        let other = Customization {
            access: ClaimChanges { add: vec![("aud".into(), json!("elsewhere"))], suppress: vec![] },
            ..Customization::default()
        };
        let mut access = claims(&[("exp", json!(1))]);
        apply(&other, Token::Access { client_id: "c" }, &mut access);
        assert_eq!(names(&access), ["exp"]);
    }

    #[test]
    fn scopes_are_added_once_without_blanks_and_suppressed() {
        let custom = Customization {
            scopes_to_add: vec!["x/y".into(), "a".into(), "has space".into(), "x/y".into()],
            scopes_to_suppress: vec!["b".into()],
            ..Customization::default()
        };
        assert_eq!(scopes(&custom, &["a".into(), "b".into()]), ["a", "x/y"]);
    }
}
