//! PreTokenGeneration (AWS's developer guide, "Pre token generation Lambda trigger"): called
//! before tokens are issued, with what Cognito would write into them; the answer adds,
//! overrides and suppresses claims, scopes and group claims. This module builds the event and
//! reads the answer into a [`Customization`]; the tokens module applies it
//! (`crate::tokens::custom`), in the one place every issuance goes through.
//!
//! - **Versions**: `LambdaConfig.PreTokenGenerationConfig.LambdaVersion` chooses `V1_0`, `V2_0`
//!   or `V3_0`; a pool with only the older `PreTokenGeneration` member gets `V1_0` (the guide:
//!   "User pools deliver V1_0 events by default"). The event's `version` is `"1"`, `"2"` or
//!   `"3"` (the guide's sample events carry `"version": "2"`).
//! - **Sources** ([`Source`]): the guide's table of trigger sources.
//!   `TokenGeneration_ClientCredentials` is sent only for `V3_0` ("Your user pool only sends
//!   this event when your event version is V3_0"); with `V1_0` or `V2_0`, machine tokens invoke
//!   nothing.
//! - **Request**: `userAttributes` (`sub`, `cognito:user_status` and the attributes, as the
//!   guide's sample events show), `groupConfiguration` (`groupsToOverride`: the user's groups,
//!   `iamRolesToOverride`: their roles, `preferredRole`: the role of the group with the best
//!   precedence), `clientMetadata`, and from `V2_0` `scopes` (the access token's scopes). The
//!   `response` starts as `{"claimsOverrideDetails": null}` (`V1_0`, as in
//!   aws-lambda-rust-runtime's fixture `example-cognito-event-userpools-pretokengen-incoming.json`)
//!   or `{"claimsAndScopeOverrideDetails": null}`.
//! - **Answer**: `V1_0`: `claimsOverrideDetails` with `claimsToAddOrOverride` (strings: "Response
//!   objects to version one events can return strings"), `claimsToSuppress` and
//!   `groupOverrideDetails`, applied to the ID token, the group override to both tokens ("Group
//!   overrides are the only changes to the access token that version 1 events can make").
//!   `V2_0`/`V3_0`: `claimsAndScopeOverrideDetails` with `idTokenGeneration`
//!   (`claimsToAddOrOverride` of any JSON type, `claimsToSuppress`), `accessTokenGeneration`
//!   (the same, `scopesToAdd`, `scopesToSuppress`) and `groupOverrideDetails`.
//! - **Group override**: "Your function replaces the groupOverrideDetails object with the object
//!   that you provide. If you provide an empty or null object in the response, then Amazon
//!   Cognito suppresses the groups": a `groupOverrideDetails` member that is present (even null)
//!   replaces the group claims; an absent one leaves them.
//! - `clientMetadata`: the `ClientMetadata` of `RespondToAuthChallenge`,
//!   `GetTokensFromRefreshToken`, `GetClientToken`, or the token endpoint's
//!   `aws_client_metadata`; never that of `InitiateAuth` (its API reference lists Pre token
//!   generation among the triggers it invokes without passing it).
//! - An answer whose members have the wrong JSON types is `InvalidLambdaResponseException`, as an
//!   answer that is not an event is. For `V1_0`, numbers and booleans are taken as their text
//!   (the documented type is a string map); objects and arrays are refused.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use cognito_idp::types::UserPoolType;

use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};
use crate::triggers::lambda::InvokeError;

/// Why tokens are issued: the event's `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `TokenGeneration_Authentication`: a sign-in through the API completed.
    Authentication,
    /// `TokenGeneration_HostedAuth`: a sign-in through the managed login pages (tokens from
    /// the token endpoint's code exchange, or the implicit grant).
    HostedAuth,
    /// `TokenGeneration_NewPasswordChallenge`: the answer to `NEW_PASSWORD_REQUIRED`.
    NewPasswordChallenge,
    /// `TokenGeneration_AuthenticateDevice`: a device's authentication (not reachable until
    /// devices are remembered).
    AuthenticateDevice,
    /// `TokenGeneration_RefreshTokens`: a refresh token used.
    RefreshTokens,
    /// `TokenGeneration_ClientCredentials`: a machine token (`V3_0` only).
    ClientCredentials,
}

impl Source {
    /// The `triggerSource`.
    pub fn trigger_source(self) -> &'static str {
        match self {
            Source::Authentication => "TokenGeneration_Authentication",
            Source::HostedAuth => "TokenGeneration_HostedAuth",
            Source::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            Source::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            Source::RefreshTokens => "TokenGeneration_RefreshTokens",
            Source::ClientCredentials => "TokenGeneration_ClientCredentials",
        }
    }
}

/// What the caller of an issuance knows for the trigger: why, and the call's client metadata.
#[derive(Debug, Clone, Copy)]
pub struct Generation<'a> {
    /// The trigger source.
    pub source: Source,
    /// `clientMetadata`.
    pub client_metadata: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Generation<'a> {
    /// An issuance for `source` without client metadata.
    pub fn new(source: Source) -> Generation<'a> {
        Generation { source, client_metadata: None }
    }

    /// An issuance for `source` with the call's `ClientMetadata`.
    pub fn with_metadata(source: Source, client_metadata: Option<&'a BTreeMap<String, String>>) -> Generation<'a> {
        Generation { source, client_metadata }
    }
}

/// The event version a pool's configuration asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    /// `V1_0`: the ID token, and group overrides in the access token.
    #[default]
    V1,
    /// `V2_0`: both tokens of users.
    V2,
    /// `V3_0`: both tokens of users, and machine tokens.
    V3,
}

impl Version {
    fn event_version(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2 => "2",
            Version::V3 => "3",
        }
    }
}

/// The event version `pool` is configured for, if it has a PreTokenGeneration function.
pub fn version_of(pool: &UserPoolType) -> Option<Version> {
    crate::triggers::function_of(pool, Trigger::PreTokenGeneration)?;
    let config = pool.lambda_config.as_ref()?.pre_token_generation_config.as_ref();
    Some(match config.map(|c| c.lambda_version.as_str()) {
        Some("V2_0") => Version::V2,
        Some("V3_0") => Version::V3,
        _ => Version::V1,
    })
}

/// The group claims of a user's tokens (`request.groupConfiguration`, and
/// `response.groupOverrideDetails` when the function replaces them): `cognito:groups`,
/// `cognito:roles` and `cognito:preferred_role`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupConfiguration {
    /// `groupsToOverride`: the groups, in token order.
    pub groups: Vec<String>,
    /// `iamRolesToOverride`: the groups' roles.
    pub roles: Vec<String>,
    /// `preferredRole`.
    pub preferred_role: Option<String>,
}

impl GroupConfiguration {
    fn to_event(&self) -> Value {
        json!({
            "groupsToOverride": self.groups,
            "iamRolesToOverride": self.roles,
            "preferredRole": self.preferred_role,
        })
    }
}

/// Claims to add or override, and to suppress, in one token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimChanges {
    /// `claimsToAddOrOverride`, in the answer's order.
    pub add: Vec<(String, Value)>,
    /// `claimsToSuppress`.
    pub suppress: Vec<String>,
}

/// What a function's answer asks of the tokens (nothing, when the pool has no function).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customization {
    /// The event version answered.
    pub version: Version,
    /// Changes to the ID token.
    pub id: ClaimChanges,
    /// Changes to the access token (`V2_0` and `V3_0`).
    pub access: ClaimChanges,
    /// `scopesToAdd`.
    pub scopes_to_add: Vec<String>,
    /// `scopesToSuppress`.
    pub scopes_to_suppress: Vec<String>,
    /// The group claims that replace the user's, when the answer has `groupOverrideDetails`.
    pub groups: Option<GroupConfiguration>,
}

/// Calls the pool's PreTokenGeneration function, if any, before tokens are issued to `user`
/// through `client_id` with `scopes` (the access token's) and the user's `groups`.
#[allow(clippy::too_many_arguments)]
pub async fn for_user<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    user: &UserRecord,
    groups: &GroupConfiguration,
    scopes: &[String],
    generation: &Generation<'_>,
) -> ApiResult<Customization> {
    let Some(version) = version_of(&pool.doc) else { return Ok(Customization::default()) };
    let envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        generation.source.trigger_source(),
        Some(&user.username),
        Some(client_id),
    )
    .request("userAttributes", super::user_attributes(pool, user));
    invoke(svc, pool, version, envelope, groups, scopes, generation.client_metadata).await
}

/// Calls the pool's PreTokenGeneration function before a machine token is issued to
/// `client_id` with `scopes` (`TokenGeneration_ClientCredentials`): only for `V3_0`. The event
/// names no user (`userName` null, no attributes, no groups).
pub async fn for_client<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    scopes: &[String],
    client_metadata: Option<&BTreeMap<String, String>>,
) -> ApiResult<Customization> {
    if version_of(&pool.doc) != Some(Version::V3) {
        return Ok(Customization::default());
    }
    let envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        Source::ClientCredentials.trigger_source(),
        None,
        Some(client_id),
    )
    .request("userAttributes", json!({}));
    invoke(svc, pool, Version::V3, envelope, &GroupConfiguration::default(), scopes, client_metadata).await
}

async fn invoke<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    version: Version,
    mut envelope: Envelope,
    groups: &GroupConfiguration,
    scopes: &[String],
    client_metadata: Option<&BTreeMap<String, String>>,
) -> ApiResult<Customization> {
    envelope.version = version.event_version().to_owned();
    envelope = envelope.request("groupConfiguration", groups.to_event());
    if version != Version::V1 {
        envelope = envelope.request("scopes", scopes.to_vec());
    }
    envelope = envelope.request("clientMetadata", event::metadata(client_metadata));
    envelope = match version {
        Version::V1 => envelope.response("claimsOverrideDetails", Value::Null),
        _ => envelope.response("claimsAndScopeOverrideDetails", Value::Null),
    };
    let Some(answer) = svc.triggers.invoke(&pool.doc, Trigger::PreTokenGeneration, envelope).await? else {
        return Ok(Customization::default());
    };
    read_answer(version, &answer).map_err(|_| InvokeError::Unrecognizable.into_api_error(Trigger::PreTokenGeneration))
}

/// A member of the answer that is not of its documented type.
#[derive(Debug)]
struct Malformed;

/// The answer's `response`, read for `version`.
fn read_answer(version: Version, answer: &Value) -> Result<Customization, Malformed> {
    let response = answer.get("response").filter(|r| !r.is_null());
    let mut custom = Customization { version, ..Customization::default() };
    let details_name = if version == Version::V1 { "claimsOverrideDetails" } else { "claimsAndScopeOverrideDetails" };
    let Some(details) = response.and_then(|r| r.get(details_name)) else { return Ok(custom) };
    let details = match details {
        Value::Null => return Ok(custom),
        // An empty list reads as nothing (the guide's sample events show `[]` here).
        Value::Array(items) if items.is_empty() => return Ok(custom),
        Value::Object(details) => details,
        _ => return Err(Malformed),
    };
    if let Some(groups) = details.get("groupOverrideDetails") {
        custom.groups = Some(read_groups(groups)?);
    }
    if version == Version::V1 {
        custom.id = read_changes(details, true)?;
        return Ok(custom);
    }
    if let Some(id) = member_object(details, "idTokenGeneration")? {
        custom.id = read_changes(id, false)?;
    }
    if let Some(access) = member_object(details, "accessTokenGeneration")? {
        custom.access = read_changes(access, false)?;
        custom.scopes_to_add = strings(access.get("scopesToAdd"))?;
        custom.scopes_to_suppress = strings(access.get("scopesToSuppress"))?;
    }
    Ok(custom)
}

/// `name` of `object` as an object (absent or null: `None`).
fn member_object<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a Map<String, Value>>, Malformed> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(Malformed),
    }
}

/// A list of strings (absent or null: empty).
fn strings(value: Option<&Value>) -> Result<Vec<String>, Malformed> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().map(|item| item.as_str().map(str::to_owned).ok_or(Malformed)).collect()
        }
        Some(_) => Err(Malformed),
    }
}

/// `claimsToAddOrOverride` and `claimsToSuppress` of `object`. With `strings_only` (`V1_0`),
/// numbers and booleans become their text and other values are refused.
fn read_changes(object: &Map<String, Value>, strings_only: bool) -> Result<ClaimChanges, Malformed> {
    let add = match object.get("claimsToAddOrOverride") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(claims)) => claims
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| match value {
                Value::String(_) => Ok((name.clone(), value.clone())),
                Value::Number(_) | Value::Bool(_) if strings_only => Ok((name.clone(), Value::from(value.to_string()))),
                _ if strings_only => Err(Malformed),
                _ => Ok((name.clone(), value.clone())),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(Malformed),
    };
    Ok(ClaimChanges { add, suppress: strings(object.get("claimsToSuppress"))? })
}

/// `groupOverrideDetails` (null or empty: no groups).
fn read_groups(value: &Value) -> Result<GroupConfiguration, Malformed> {
    let object = match value {
        Value::Null => return Ok(GroupConfiguration::default()),
        Value::Object(object) => object,
        _ => return Err(Malformed),
    };
    let preferred_role = match object.get("preferredRole") {
        None | Some(Value::Null) => None,
        Some(Value::String(role)) => Some(role.clone()).filter(|r| !r.is_empty()),
        Some(_) => return Err(Malformed),
    };
    Ok(GroupConfiguration {
        groups: strings(object.get("groupsToOverride"))?,
        roles: strings(object.get("iamRolesToOverride"))?,
        preferred_role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_one_answers_change_the_id_token_and_the_groups() {
        let answer = json!({"response": {"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold", "n": 7, "b": true},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["a"], "iamRolesToOverride": null, "preferredRole": null}
        }}});
        let custom = read_answer(Version::V1, &answer).unwrap();
        // The map's order is serde_json's (sorted, or as written with `preserve_order`, which
        // another crate in the workspace may switch on): only the set of claims matters.
        let mut added = custom.id.add.clone();
        added.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            added,
            vec![("b".to_owned(), json!("true")), ("n".to_owned(), json!("7")), ("tier".to_owned(), json!("gold"))]
        );
        assert_eq!(custom.id.suppress, vec!["email".to_owned()]);
        assert_eq!(custom.access, ClaimChanges::default());
        assert_eq!(custom.groups.unwrap().groups, vec!["a".to_owned()]);
        let complex = json!({"response": {"claimsOverrideDetails": {"claimsToAddOrOverride": {"o": {"x": 1}}}}});
        assert!(read_answer(Version::V1, &complex).is_err());
    }

    #[test]
    fn version_two_answers_carry_both_tokens_and_scopes_and_absent_groups_stay() {
        let answer = json!({"response": {"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"o": {"x": [1, true]}}},
            "accessTokenGeneration": {"claimsToSuppress": ["x"], "scopesToAdd": ["a/b"], "scopesToSuppress": ["c"]}
        }}});
        let custom = read_answer(Version::V2, &answer).unwrap();
        assert_eq!(custom.id.add, vec![("o".to_owned(), json!({"x": [1, true]}))]);
        assert_eq!(custom.access.suppress, vec!["x".to_owned()]);
        assert_eq!(
            (custom.scopes_to_add.as_slice(), custom.scopes_to_suppress.as_slice()),
            (&["a/b".to_owned()][..], &["c".to_owned()][..])
        );
        assert!(custom.groups.is_none());
        for nothing in [
            json!({"response": {}}),
            json!({"response": {"claimsAndScopeOverrideDetails": null}}),
            json!({"response": {"claimsAndScopeOverrideDetails": []}}),
        ] {
            assert_eq!(
                read_answer(Version::V2, &nothing).unwrap(),
                Customization { version: Version::V2, ..Default::default() }
            );
        }
        let null_groups = json!({"response": {"claimsAndScopeOverrideDetails": {"groupOverrideDetails": null}}});
        assert_eq!(read_answer(Version::V3, &null_groups).unwrap().groups, Some(GroupConfiguration::default()));
        let bad =
            json!({"response": {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "a"}}}});
        assert!(read_answer(Version::V2, &bad).is_err());
    }
}
