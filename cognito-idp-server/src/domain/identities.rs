//! The `identities` attribute of federated and linked users: a JSON array (as a string) of
//! the provider identities the user signs in with, which the id token carries as a claim of
//! its own (an array). The members are Cognito's, and so is their form in each place:
//!
//! - in the attribute (what `AdminGetUser` and the triggers see), `primary` is a boolean and
//!   `dateCreated` a number: `[{"userId":"AD\\rumesh","providerName":"ADFS","providerType":
//!   "SAML","issuer":"http://.../adfs/services/trust","primary":true,"dateCreated":
//!   1614866385549}]`, in `TokenGeneration_HostedAuth` events of SAML users quoted in public
//!   repositories (an AD FS and an Entra ID one);
//! - in the id token both are strings: `[{"userId":"1026...","providerName":"Google",
//!   "providerType":"Google","issuer":null,"primary":"true","dateCreated":"1682704282933"}]`
//!   (a decoded token quoted in a public repository's comment), which [`claim`] makes.
//!
//! Attributes written before this distinction (strings) still read.

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
    /// Whether the user was created by this identity (`false` for linked ones).
    #[serde(deserialize_with = "flexible::boolean")]
    pub primary: bool,
    /// Milliseconds since the epoch.
    #[serde(rename = "dateCreated", deserialize_with = "flexible::integer")]
    pub date_created: i64,
}

/// Members written as strings by earlier versions read as their values.
mod flexible {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Bool(b) => b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        })
    }

    pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n.as_i64().unwrap_or_default(),
            Value::String(s) => s.parse().unwrap_or_default(),
            _ => 0,
        })
    }
}

/// The identities an `identities` attribute holds (none when absent or unreadable).
pub fn parse(value: Option<&str>) -> Vec<Identity> {
    value.and_then(|v| serde_json::from_str(v).ok()).unwrap_or_default()
}

/// The attribute's value for `identities`.
pub fn render(identities: &[Identity]) -> String {
    serde_json::to_string(identities).unwrap_or_else(|_| "[]".to_owned())
}

/// The id token's `identities` claim for the attribute's value: the array, with `primary` and
/// `dateCreated` as strings.
pub fn claim(value: &str) -> serde_json::Value {
    use serde_json::Value;
    let Ok(Value::Array(mut list)) = serde_json::from_str::<Value>(value) else { return Value::from(value) };
    for identity in list.iter_mut().filter_map(Value::as_object_mut) {
        for member in ["primary", "dateCreated"] {
            if let Some(found) = identity.get_mut(member)
                && !found.is_string()
                && !found.is_null()
            {
                *found = Value::String(found.to_string());
            }
        }
    }
    Value::Array(list)
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
            primary: true,
            date_created: 1682704282933,
        };
        let text = render(std::slice::from_ref(&identity));
        assert_eq!(
            text,
            r#"[{"userId":"42","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1682704282933}]"#
        );
        assert_eq!(parse(Some(&text)), vec![identity.clone()]);
        // As earlier versions wrote it.
        let old = text.replace("true,", "\"true\",").replace("1682704282933", "\"1682704282933\"");
        assert_eq!(parse(Some(&old)), vec![identity]);
        // The token's form: strings.
        let claim = claim(&text);
        assert_eq!(claim[0]["primary"], "true");
        assert_eq!(claim[0]["dateCreated"], "1682704282933");
        assert_eq!(claim[0]["issuer"], serde_json::Value::Null);
    }
}
