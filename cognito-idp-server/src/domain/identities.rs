//! The `identities` attribute of federated and linked users: a JSON array (as a string) of
//! the provider identities the user signs in with, which the id token carries as a claim of
//! its own (an array). The members and their form are Cognito's, as a decoded id token of a
//! Google user shows them: `[{"userId":"1026...","providerName":"Google","providerType":
//! "Google","issuer":null,"primary":"true","dateCreated":"1682704282933"}]` (a token quoted in
//! a public repository's comment; `primary` and `dateCreated` are strings there).

use serde::{Deserialize, Serialize};

/// One identity of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The user's subject at the provider.
    #[serde(rename = "userId")]
    pub user_id: String,
    /// The provider's name in the pool.
    #[serde(rename = "providerName")]
    pub provider_name: String,
    /// Its type (`OIDC`, `Google`, `SAML`, ...).
    #[serde(rename = "providerType")]
    pub provider_type: String,
    /// A SAML provider's issuer; `null` otherwise.
    pub issuer: Option<String>,
    /// `"true"` for the identity the user was created by, `"false"` for linked ones.
    pub primary: String,
    /// Milliseconds since the epoch, as a string.
    #[serde(rename = "dateCreated")]
    pub date_created: String,
}

/// The identities an `identities` attribute holds (none when absent or unreadable).
pub fn parse(value: Option<&str>) -> Vec<Identity> {
    value.and_then(|v| serde_json::from_str(v).ok()).unwrap_or_default()
}

/// The attribute's value for `identities`.
pub fn render(identities: &[Identity]) -> String {
    serde_json::to_string(identities).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_keep_cognitos_member_order_and_null_issuer() {
        let identity = Identity {
            user_id: "42".into(),
            provider_name: "Google".into(),
            provider_type: "Google".into(),
            issuer: None,
            primary: "true".into(),
            date_created: "1682704282933".into(),
        };
        let text = render(std::slice::from_ref(&identity));
        assert_eq!(
            text,
            r#"[{"userId":"42","providerName":"Google","providerType":"Google","issuer":null,"primary":"true","dateCreated":"1682704282933"}]"#
        );
        assert_eq!(parse(Some(&text)), vec![identity]);
    }
}
