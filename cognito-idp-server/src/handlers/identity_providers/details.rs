//! What each provider type's `ProviderDetails` and `AttributeMapping` must hold, and what
//! Cognito adds to them.
//!
//! The keys per type, and what a describe answers for each, are the API reference's
//! (`IdentityProviderType.ProviderDetails`: the "Create or update request" and "Describe
//! response" examples of OIDC, SAML, LoginWithAmazon, Google, SignInWithApple and Facebook).
//! Social providers get the endpoints Cognito uses for them (`authorize_url`, `token_url`,
//! `attributes_url`, `token_request_method`, ...), and Sign in with Apple's `private_key` is
//! kept but never shown again (the describe example has none). AWS's refusal of missing
//! social keys is quoted in aws-amplify/amplify-cli issue 8266 ("client_id, client_secret and
//! authorize_scopes are all required idp details"); the other types' refusals are worded the
//! same way.

use std::collections::BTreeMap;

use cognito_idp::types::IdentityProviderTypeType;

use crate::domain::attributes::Schema;
use crate::errors::{ApiError, ApiResult};

/// Provider details, by key.
pub type Details = BTreeMap<String, String>;

/// The keys Cognito keeps but never answers (Sign in with Apple's signing key, and the SAML
/// metadata document read when the provider was created or updated).
pub const HIDDEN: [&str; 4] = [
    "private_key",
    crate::federation::saml::metadata::KEPT,
    crate::federation::saml::encryption::KEY,
    crate::federation::saml::encryption::KEPT_CERTIFICATE,
];

/// Whether `kind` is one of the social providers, whose name must be their type.
pub fn is_social(kind: &IdentityProviderTypeType) -> bool {
    matches!(
        kind,
        IdentityProviderTypeType::Google
            | IdentityProviderTypeType::Facebook
            | IdentityProviderTypeType::LoginWithAmazon
            | IdentityProviderTypeType::SignInWithApple
    )
}

/// The claim that identifies a user of a provider type (its subject), which the
/// `username` mapping defaults to: `sub`, Facebook's `id`, Login with Amazon's `user_id`
/// (`AdminLinkProviderForUser`'s documentation of `SourceUser`). SAML's is the `NameID`.
pub fn subject_claim(kind: &IdentityProviderTypeType) -> &'static str {
    match kind {
        IdentityProviderTypeType::Facebook => "id",
        IdentityProviderTypeType::LoginWithAmazon => "user_id",
        IdentityProviderTypeType::Saml => "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
        _ => "sub",
    }
}

fn require(details: &Details, keys: &[&str]) -> ApiResult<()> {
    if keys.iter().all(|k| details.get(*k).is_some_and(|v| !v.trim().is_empty())) {
        return Ok(());
    }
    let list = match keys {
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let verb = if keys.len() == 1 { "is a required idp detail" } else { "are all required idp details" };
    Err(ApiError::invalid_parameter(format!("{list} {verb}")))
}

fn check_url(details: &Details, key: &str) -> ApiResult<()> {
    match details.get(key) {
        Some(value) if !(value.starts_with("https://") || value.starts_with("http://")) => {
            Err(ApiError::invalid_parameter(format!("{key} must be a valid URL")))
        }
        _ => Ok(()),
    }
}

fn check_boolean(details: &Details, key: &str) -> ApiResult<()> {
    match details.get(key).map(String::as_str) {
        None | Some("true") | Some("false") => Ok(()),
        Some(_) => Err(ApiError::invalid_parameter(format!("{key} must be true or false"))),
    }
}

/// Checks `given` for a provider of `kind` and returns the details as stored: what was given,
/// minus keys Cognito sets itself, plus what Cognito adds for the type.
pub fn complete(kind: &IdentityProviderTypeType, given: &Details) -> ApiResult<Details> {
    let mut details = given.clone();
    // Cognito sets this one itself ("read-only", the API reference).
    details.remove("attributes_url_add_attributes");
    let mut put = |key: &str, value: String| drop(details.insert(key.to_owned(), value));
    match kind {
        IdentityProviderTypeType::Oidc => {
            require(given, &["client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"])?;
            match given.get("attributes_request_method").map(String::as_str) {
                Some("GET") | Some("POST") => {}
                _ => return Err(ApiError::invalid_parameter("attributes_request_method must be GET or POST")),
            }
            for key in ["oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"] {
                check_url(given, key)?;
            }
            put("attributes_url_add_attributes", "false".into());
        }
        IdentityProviderTypeType::Google => {
            require(given, &["client_id", "client_secret", "authorize_scopes"])?;
            put("attributes_url", "https://people.googleapis.com/v1/people/me?personFields=".into());
            put("attributes_url_add_attributes", "true".into());
            put("authorize_url", "https://accounts.google.com/o/oauth2/v2/auth".into());
            put("oidc_issuer", "https://accounts.google.com".into());
            put("token_request_method", "POST".into());
            put("token_url", "https://www.googleapis.com/oauth2/v4/token".into());
        }
        IdentityProviderTypeType::Facebook => {
            require(given, &["client_id", "client_secret", "authorize_scopes"])?;
            // The describe example's version; a given one is kept.
            let version = given.get("api_version").cloned().unwrap_or_else(|| "v17.0".to_owned());
            put("api_version", version.clone());
            put("attributes_url", format!("https://graph.facebook.com/{version}/me?fields="));
            put("attributes_url_add_attributes", "true".into());
            put("authorize_url", format!("https://www.facebook.com/{version}/dialog/oauth"));
            put("token_request_method", "GET".into());
            put("token_url", format!("https://graph.facebook.com/{version}/oauth/access_token"));
        }
        IdentityProviderTypeType::LoginWithAmazon => {
            require(given, &["client_id", "client_secret", "authorize_scopes"])?;
            put("attributes_url", "https://api.amazon.com/user/profile".into());
            put("attributes_url_add_attributes", "false".into());
            put("authorize_url", "https://www.amazon.com/ap/oa".into());
            put("token_request_method", "POST".into());
            put("token_url", "https://api.amazon.com/auth/o2/token".into());
        }
        IdentityProviderTypeType::SignInWithApple => {
            require(given, &["client_id", "team_id", "key_id", "private_key", "authorize_scopes"])?;
            put("attributes_url_add_attributes", "false".into());
            put("authorize_url", "https://appleid.apple.com/auth/authorize".into());
            put("oidc_issuer", "https://appleid.apple.com".into());
            put("token_request_method", "POST".into());
            put("token_url", "https://appleid.apple.com/auth/token".into());
        }
        IdentityProviderTypeType::Saml => {
            let file = given.get("MetadataFile").filter(|v| !v.trim().is_empty());
            let url = given.get("MetadataURL").filter(|v| !v.trim().is_empty());
            match (file, url) {
                (None, None) => {
                    return Err(ApiError::invalid_parameter("MetadataFile or MetadataURL is a required idp detail"));
                }
                (Some(_), Some(_)) => {
                    return Err(ApiError::invalid_parameter("Only one of MetadataFile or MetadataURL can be given"));
                }
                _ => {}
            }
            check_url(given, "MetadataURL")?;
            for key in ["IDPSignout", "IDPInit", "EncryptedResponses"] {
                check_boolean(given, key)?;
            }
            if let Some(algorithm) = given.get("RequestSigningAlgorithm")
                && algorithm != "rsa-sha256"
            {
                return Err(ApiError::invalid_parameter("RequestSigningAlgorithm only accepts rsa-sha256"));
            }
        }
        IdentityProviderTypeType::Unknown(_) => {
            return Err(ApiError::invalid_parameter("Provider type is not supported."));
        }
        _ => return Err(ApiError::invalid_parameter("Provider type is not supported.")),
    }
    Ok(details)
}

/// The details as answered: without the keys Cognito never shows.
pub fn shown(details: &Details) -> Details {
    details.iter().filter(|(k, _)| !HIDDEN.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Checks an `AttributeMapping` against the pool's attributes and returns it as stored: every
/// key is a pool attribute (or `username`, the provider's claim that names the user), never
/// `sub` or `identities` (Cognito's own), and `username` maps to the type's subject unless
/// given (AWS adds `"username": "sub"` to an OIDC provider's mapping).
pub fn mapping(
    kind: &IdentityProviderTypeType,
    schema: &Schema,
    given: Option<&BTreeMap<String, String>>,
) -> ApiResult<BTreeMap<String, String>> {
    let mut mapping = given.cloned().unwrap_or_default();
    for key in mapping.keys() {
        if key == "username" {
            continue;
        }
        if key == "sub" || key == "identities" || schema.get(key).is_none() {
            // Wording ours (no AWS answer found quoted).
            return Err(ApiError::invalid_parameter(format!(
                "Attribute {key} cannot be mapped: it is not a user pool attribute that can be written"
            )));
        }
    }
    if !matches!(kind, IdentityProviderTypeType::Saml) {
        mapping.entry("username".to_owned()).or_insert_with(|| subject_claim(kind).to_owned());
    }
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(pairs: &[(&str, &str)]) -> Details {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn social_providers_need_their_keys_and_get_their_endpoints() {
        let missing = complete(&IdentityProviderTypeType::Google, &details(&[("client_id", "a")])).unwrap_err();
        assert_eq!(missing.message, "client_id, client_secret and authorize_scopes are all required idp details");
        let google = complete(
            &IdentityProviderTypeType::Google,
            &details(&[("client_id", "a"), ("client_secret", "b"), ("authorize_scopes", "openid")]),
        )
        .unwrap();
        assert_eq!(google["oidc_issuer"], "https://accounts.google.com");
        assert_eq!(google["attributes_url_add_attributes"], "true");
    }

    #[test]
    fn oidc_needs_a_request_method_of_get_or_post() {
        let given = details(&[
            ("client_id", "a"),
            ("attributes_request_method", "PUT"),
            ("oidc_issuer", "https://idp.example.com"),
            ("authorize_scopes", "openid"),
        ]);
        assert!(complete(&IdentityProviderTypeType::Oidc, &given).is_err());
    }
}
