//! The claims of access and id tokens, and their lifetimes, as Cognito writes them.
//!
//! Evidence for the claim set: AWS's developer guide ("Understanding the access token",
//! "Understanding the identity (ID) token") and real tokens quoted in issues (e.g.
//! awslabs/aws-amplify-identity-broker issue 376 shows a decoded access token: sub, iss,
//! client_id, origin_jti, event_id, token_use, scope `aws.cognito.signin.user.admin`,
//! auth_time, exp, iat, jti, username; ghdna/cognito-express issue 4 shows `email_verified` as a
//! JSON boolean in an id token). `version: 2` is in the guide's sample access token.

use cognito_idp::types::{TimeUnitsType, UserPoolClientType};
use serde_json::Value;

use super::jwt::Claims;
use crate::errors::ApiResult;
use crate::handlers::triggered::pre_token_generation::GroupConfiguration;
use crate::state::{Cognito, Pool};
use crate::store::{GroupRecord, Store, UserRecord};

/// The scope of every access token from the user-pools API (not the hosted UI).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Token lifetimes in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// Access tokens.
    pub access: i64,
    /// Id tokens.
    pub id: i64,
    /// Refresh tokens.
    pub refresh: i64,
}

/// The lifetimes `client` sets: `AccessTokenValidity` and `IdTokenValidity` in hours and
/// `RefreshTokenValidity` in days unless `TokenValidityUnits` says otherwise; 60 minutes,
/// 60 minutes and 30 days when unset (AWS's `UserPoolClientType` documentation).
pub fn lifetimes(client: &UserPoolClientType) -> Lifetimes {
    let units = client.token_validity_units.clone().unwrap_or_default();
    let seconds = |value: Option<i32>, unit: Option<&TimeUnitsType>, default_unit: &str, default: i64| {
        let Some(value) = value.filter(|v| *v > 0) else { return default };
        let unit = match unit.map(|u| u.as_str()).unwrap_or(default_unit) {
            "seconds" => 1,
            "minutes" => 60,
            "hours" => 3600,
            _ => 86_400,
        };
        i64::from(value) * unit
    };
    Lifetimes {
        access: seconds(client.access_token_validity, units.access_token.as_ref(), "hours", 3600),
        id: seconds(client.id_token_validity, units.id_token.as_ref(), "hours", 3600),
        refresh: seconds(client.refresh_token_validity, units.refresh_token.as_ref(), "days", 30 * 86_400),
    }
}

/// What both tokens of one issuance share.
pub struct Issue<'a> {
    /// `iss`.
    pub issuer: &'a str,
    /// The app client.
    pub client_id: &'a str,
    /// The family.
    pub origin_jti: &'a str,
    /// The sign-in event.
    pub event_id: &'a str,
    /// When the user authenticated (seconds).
    pub auth_time: i64,
    /// Now (seconds).
    pub now: i64,
    /// The group claims (the user's groups, or what a PreTokenGeneration function put instead).
    pub groups: &'a GroupConfiguration,
    /// The access token's `scope`.
    pub scope: &'a str,
    /// The id token's `nonce` (the authorization request's).
    pub nonce: Option<&'a str>,
    /// The id token's `at_hash` (tokens of the OAuth 2.0 endpoints).
    pub at_hash: Option<&'a str>,
}

/// `at_hash` (OpenID Connect Core 3.1.3.6): the left half of the SHA-256 of the access token,
/// base64url without padding.
pub fn at_hash(access_token: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// A group as the tokens name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The name.
    pub name: String,
    /// `Precedence`.
    pub precedence: Option<i64>,
    /// `RoleArn`.
    pub role_arn: Option<String>,
}

/// The groups of `user`, lowest precedence first (groups without one last), ties in creation
/// order: the order `cognito:groups` lists them in (AWS's guide on groups: the role of the group
/// with the lowest precedence is `cognito:preferred_role`).
pub async fn groups<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) -> ApiResult<Vec<Group>> {
    let mut records: Vec<GroupRecord> = Vec::new();
    let mut after = 0;
    loop {
        let page = svc.store.list_user_groups(pool.id(), &user.username_key, after, 500).await?;
        records.extend(page.items);
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    let mut groups: Vec<Group> = records
        .into_iter()
        .map(|record| Group {
            precedence: record.doc.get("Precedence").and_then(Value::as_i64),
            role_arn: record.doc.get("RoleArn").and_then(Value::as_str).map(str::to_owned),
            name: record.name,
        })
        .collect();
    groups.sort_by_key(|g| (g.precedence.is_none(), g.precedence.unwrap_or(0)));
    Ok(groups)
}

/// The access token's claims.
pub fn access(issue: &Issue, user: &UserRecord, exp: i64, jti: &str) -> Claims {
    let mut claims = Claims::default();
    claims.put("sub", user.sub.as_str());
    put_groups(&mut claims, issue.groups, false);
    claims.put("iss", issue.issuer);
    claims.put("version", 2);
    claims.put("client_id", issue.client_id);
    claims.put("origin_jti", issue.origin_jti);
    claims.put("event_id", issue.event_id);
    claims.put("token_use", "access");
    claims.put("scope", issue.scope);
    claims.put("auth_time", issue.auth_time);
    claims.put("exp", exp);
    claims.put("iat", issue.now);
    claims.put("jti", jti);
    claims.put("username", user.username.as_str());
    claims
}

/// A machine-to-machine access token's claims (`client_credentials`, `GetClientToken`): no
/// user, so `sub` is the app client, and `scope` the custom scopes granted. The set and order
/// are those of the decoded client-credentials token in AWS's developer guide ("Scopes, M2M,
/// and resource servers"): sub, token_use, scope, auth_time, iss, exp, iat, version, jti,
/// client_id.
pub fn client_access(issuer: &str, client_id: &str, scopes: &[String], now: i64, exp: i64, jti: &str) -> Claims {
    let mut claims = Claims::default();
    claims.put("sub", client_id);
    claims.put("token_use", "access");
    if !scopes.is_empty() {
        claims.put("scope", scopes.join(" "));
    }
    claims.put("auth_time", now);
    claims.put("iss", issuer);
    claims.put("exp", exp);
    claims.put("iat", now);
    claims.put("version", 2);
    claims.put("jti", jti);
    claims.put("client_id", client_id);
    claims
}

/// A token exchange's token (`GetDerivedToken`): `base`, the subject user's access or id token
/// as [`access`] or [`id`] write it, with what the exchange changes. `scopes` replaces an access
/// token's `scope` (removed when nothing is granted); `audience` is `aud` (after `client_id` in
/// an access token, in place of the client in an id token); `act` (RFC 8693 section 4.1, see
/// [`actor`]) goes before `exp`.
pub fn derived(mut base: Claims, scopes: Option<&[String]>, audience: Option<&str>, act: Option<Value>) -> Claims {
    let position = |claims: &Claims, name: &str| claims.0.iter().position(|(n, _)| n == name);
    if let Some(scopes) = scopes {
        match position(&base, "scope") {
            Some(i) if scopes.is_empty() => {
                base.0.remove(i);
            }
            Some(i) => base.0[i].1 = Value::from(scopes.join(" ")),
            None if !scopes.is_empty() => base.put("scope", scopes.join(" ")),
            None => {}
        }
    }
    if let Some(audience) = audience {
        match position(&base, "aud") {
            Some(i) => base.0[i].1 = Value::from(audience),
            None => {
                let at = position(&base, "client_id").map_or(base.0.len(), |i| i + 1);
                base.0.insert(at, ("aud".to_owned(), Value::from(audience)));
            }
        }
    }
    if let Some(act) = act {
        let at = position(&base, "exp").unwrap_or(base.0.len());
        base.0.insert(at, ("act".to_owned(), act));
    }
    base
}

/// The `act` claim naming the actor `sub` (RFC 8693 section 4.1: "a JSON object ... the claims
/// within it identify the actor"), with the subject token's own `act`, if it had one, nested in
/// it: the outermost is the current actor, the nested ones prior actors of a delegation chain.
pub fn actor(sub: &str, prior: Option<&Value>) -> Value {
    let mut act = serde_json::Map::new();
    act.insert("sub".to_owned(), Value::from(sub));
    if let Some(prior) = prior.filter(|p| p.is_object()) {
        act.insert("act".to_owned(), prior.clone());
    }
    Value::Object(act)
}

/// The id token's claims: the user's attributes that `client` may read.
pub fn id(issue: &Issue, client: &UserPoolClientType, user: &UserRecord, exp: i64, jti: &str) -> Claims {
    let mut claims = Claims::default();
    // Hosted-UI id tokens begin with `at_hash` (decoded ones quoted in aws-amplify issues).
    if let Some(at_hash) = issue.at_hash {
        claims.put("at_hash", at_hash);
    }
    claims.put("sub", user.sub.as_str());
    put_groups(&mut claims, issue.groups, true);
    claims.put("iss", issue.issuer);
    claims.put("cognito:username", user.username.as_str());
    if let Some(nonce) = issue.nonce {
        claims.put("nonce", nonce);
    }
    claims.put("origin_jti", issue.origin_jti);
    claims.put("aud", issue.client_id);
    claims.put("event_id", issue.event_id);
    claims.put("token_use", "id");
    claims.put("auth_time", issue.auth_time);
    // A client without ReadAttributes reads every attribute (AWS's ReadAttributes doc).
    let readable = client.read_attributes.as_deref().filter(|r| !r.is_empty());
    for (name, value) in &user.attributes {
        if name == "sub" || readable.is_some_and(|r| !r.iter().any(|n| n == name)) {
            continue;
        }
        claims.put(name, attribute_value(name, value));
    }
    claims.put("exp", exp);
    claims.put("iat", issue.now);
    claims.put("jti", jti);
    claims
}

/// An attribute as a claim: the verified flags are booleans, `updated_at` a number and
/// `identities` an array (as in Cognito's id tokens); everything else, custom attributes
/// included, is a string.
pub fn attribute_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => Value::Bool(value.eq_ignore_ascii_case("true")),
        "updated_at" => value.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(value)),
        // Federated users' identities are an array in the id token (see `domain::identities`).
        "identities" => crate::domain::identities::claim(value),
        _ => Value::from(value),
    }
}

/// The group claims of `groups` (lowest precedence first): the names, the distinct roles,
/// and the role of the first group with both a role and a precedence (AWS's guide on groups:
/// the role of the group with the lowest precedence is `cognito:preferred_role`).
pub fn group_configuration(groups: &[Group]) -> GroupConfiguration {
    let mut roles: Vec<String> = Vec::new();
    for arn in groups.iter().filter_map(|g| g.role_arn.as_deref()) {
        if !roles.iter().any(|r| r == arn) {
            roles.push(arn.to_owned());
        }
    }
    GroupConfiguration {
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        roles,
        preferred_role: groups
            .iter()
            .find(|g| g.role_arn.is_some() && g.precedence.is_some())
            .and_then(|g| g.role_arn.clone()),
    }
}

/// `cognito:groups` when there are groups; the id token also names the roles
/// (`cognito:preferred_role`, `cognito:roles`) when there are any.
fn put_groups(claims: &mut Claims, groups: &GroupConfiguration, roles: bool) {
    if groups.groups.is_empty() {
        return;
    }
    claims.put("cognito:groups", groups.groups.iter().map(|g| Value::from(g.as_str())).collect::<Vec<_>>());
    if !roles {
        return;
    }
    if let Some(preferred) = &groups.preferred_role {
        claims.put("cognito:preferred_role", preferred.as_str());
    }
    if !groups.roles.is_empty() {
        claims.put("cognito:roles", groups.roles.iter().map(|r| Value::from(r.as_str())).collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod tests {
    use cognito_idp::types::TokenValidityUnitsType;

    use super::*;

    #[test]
    fn lifetimes_follow_the_client_and_its_units() {
        let client = UserPoolClientType::default();
        assert_eq!(lifetimes(&client), Lifetimes { access: 3600, id: 3600, refresh: 30 * 86_400 });
        let client = UserPoolClientType {
            access_token_validity: Some(2),
            id_token_validity: Some(10),
            refresh_token_validity: Some(1),
            ..Default::default()
        };
        assert_eq!(lifetimes(&client), Lifetimes { access: 7200, id: 36_000, refresh: 86_400 });
        let client = UserPoolClientType {
            access_token_validity: Some(5),
            id_token_validity: Some(300),
            refresh_token_validity: Some(60),
            token_validity_units: Some(TokenValidityUnitsType {
                access_token: Some(TimeUnitsType::from("minutes")),
                id_token: Some(TimeUnitsType::from("seconds")),
                refresh_token: Some(TimeUnitsType::from("minutes")),
            }),
            ..Default::default()
        };
        assert_eq!(lifetimes(&client), Lifetimes { access: 300, id: 300, refresh: 3600 });
    }

    #[test]
    fn derived_tokens_replace_scope_and_add_audience_and_actor() {
        let mut base = Claims::default();
        for name in ["sub", "iss", "client_id", "scope", "exp", "jti"] {
            base.put(name, name);
        }
        let names = |c: &Claims| c.0.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>().join(",");
        let scopes = ["a/read".to_owned(), "b".to_owned()];
        let act = actor("svc", Some(&serde_json::json!({ "sub": "earlier" })));
        let claims = derived(base.clone(), Some(&scopes), Some("orders"), Some(act));
        assert_eq!(names(&claims), "sub,iss,client_id,aud,scope,act,exp,jti");
        let value = |c: &Claims, n: &str| c.0.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(value(&claims, "scope"), "a/read b");
        assert_eq!(value(&claims, "aud"), "orders");
        assert_eq!(value(&claims, "act"), serde_json::json!({ "sub": "svc", "act": { "sub": "earlier" } }));
        let claims = derived(base.clone(), Some(&[]), None, None);
        assert_eq!(names(&claims), "sub,iss,client_id,exp,jti");
        assert_eq!(names(&derived(base, None, None, None)), "sub,iss,client_id,scope,exp,jti");
        let mut id = Claims::default();
        id.put("aud", "client");
        id.put("exp", 1);
        let id = derived(id, None, Some("orders"), None);
        assert_eq!(names(&id), "aud,exp");
        assert_eq!(value(&id, "aud"), "orders");
        assert_eq!(actor("svc", Some(&Value::from("not an object"))), serde_json::json!({ "sub": "svc" }));
    }

    #[test]
    fn attributes_keep_cognitos_types() {
        assert_eq!(attribute_value("email_verified", "true"), Value::Bool(true));
        assert_eq!(attribute_value("phone_number_verified", "false"), Value::Bool(false));
        assert_eq!(attribute_value("updated_at", "17"), Value::from(17));
        assert_eq!(attribute_value("custom:n", "17"), Value::from("17"));
    }
}
