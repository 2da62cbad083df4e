//! The custom authentication triggers (AWS's developer guide, "Custom authentication challenge
//! Lambda triggers"): DefineAuthChallenge decides the next step of a `CUSTOM_AUTH` sign-in
//! from the challenges so far, CreateAuthChallenge makes a `CUSTOM_CHALLENGE`, and
//! VerifyAuthChallengeResponse judges the answer. The sign-in itself (sessions, SRP, tokens)
//! is `handlers::auth::custom`'s; this module builds the events and reads the answers.
//!
//! Events (the guide's parameters; aws-lambda-rust-runtime's
//! `CognitoEventUserPools{Define,Create,Verify}AuthChallenge*` and their fixtures
//! `example-cognito-event-userpools-{define,create,verify}-auth-challenge*.json`; a real
//! DefineAuthChallenge event quoted in aws-amplify/amplify-js issue 5834):
//! - every one: `request.userAttributes` (with `sub` and `cognito:user_status`; none for a user
//!   that does not exist), `request.clientMetadata` when the answer carried `ClientMetadata`
//!   ("doesn't include data passed in the ClientMetadata parameter in AdminInitiateAuth and
//!   InitiateAuth"; the real event has no such member), and `request.userNotFound`, which
//!   "Amazon Cognito populates when PreventUserExistenceErrors is set to ENABLED" (absent
//!   otherwise, as in the real event);
//! - Define and Create: `request.session`, the challenges so far in order, each
//!   `{challengeName, challengeResult, challengeMetadata}` (`challengeMetadata` `null` unless
//!   CreateAuthChallenge named the custom challenge); Create also `request.challengeName`;
//! - Verify: `request.privateChallengeParameters` (Create's) and `request.challengeAnswer`;
//! - `response` defaults: Define `challengeName: null, issueTokens: false, failAuthentication:
//!   false`; Create `publicChallengeParameters: {}, privateChallengeParameters: {},
//!   challengeMetadata: null`; Verify `answerCorrect: false`.
//!
//! Answers: Define's `failAuthentication` ends the sign-in, `issueTokens` completes it, else
//! `challengeName` is the next challenge; an answer naming none of them is not one Cognito can
//! act on (`InvalidLambdaResponseException`, `Unrecognizable lambda output`: ours, in the words
//! AWS uses for output it cannot read). Create's maps hold strings; Verify's `answerCorrect`
//! `null` or absent is `false`.

use std::collections::BTreeMap;

use cognito_idp::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// The trigger source of all three.
const SOURCES: [(Trigger, &str); 3] = [
    (Trigger::DefineAuthChallenge, "DefineAuthChallenge_Authentication"),
    (Trigger::CreateAuthChallenge, "CreateAuthChallenge_Authentication"),
    (Trigger::VerifyAuthChallengeResponse, "VerifyAuthChallengeResponse_Authentication"),
];

/// One entry of `request.session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResult {
    /// `SRP_A`, `PASSWORD_VERIFIER`, `CUSTOM_CHALLENGE`.
    pub challenge_name: String,
    /// Whether the user passed it.
    pub challenge_result: bool,
    /// CreateAuthChallenge's `challengeMetadata` for a custom challenge, else `null`.
    pub challenge_metadata: Option<String>,
}

impl ChallengeResult {
    /// An entry for challenge `name` with `result` and no metadata.
    pub fn new(name: &str, result: bool) -> ChallengeResult {
        ChallengeResult { challenge_name: name.to_owned(), challenge_result: result, challenge_metadata: None }
    }
}

/// Who signs in, as the events name them.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The app client.
    pub client_id: &'a str,
    /// `userName`: the stored username, or the name given for a user that does not exist.
    pub username: &'a str,
    /// The user, if it exists.
    pub user: Option<&'a UserRecord>,
    /// Whether the client hides unknown users (`userNotFound` is sent).
    pub hides_unknown_users: bool,
    /// The answer's `ClientMetadata`.
    pub metadata: Option<&'a BTreeMap<String, String>>,
}

/// What DefineAuthChallenge decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// `failAuthentication`.
    Fail,
    /// `issueTokens`.
    Tokens,
    /// `challengeName`.
    Challenge(String),
}

/// What CreateAuthChallenge made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Created {
    /// `publicChallengeParameters`: the client's `ChallengeParameters`.
    pub public: BTreeMap<String, String>,
    /// `privateChallengeParameters`: kept for VerifyAuthChallengeResponse.
    pub private: BTreeMap<String, String>,
    /// `challengeMetadata`.
    pub metadata: Option<String>,
}

/// `Custom auth lambda trigger is not configured for the user pool.`: AWS's answer to
/// `CUSTOM_AUTH` in a pool without the triggers (InvalidParameterException).
pub fn not_configured() -> ApiError {
    ApiError::invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
}

fn unrecognizable() -> ApiError {
    ApiError::new(ErrorCode::InvalidLambdaResponseException, "Unrecognizable lambda output")
}

/// Whether the pool has the trigger.
pub fn configured(pool: &Pool, trigger: Trigger) -> bool {
    crate::triggers::function_of(&pool.doc, trigger).is_some()
}

fn envelope<S: Store>(svc: &Cognito<S>, pool: &Pool, trigger: Trigger, caller: &Caller<'_>) -> Envelope {
    let source = SOURCES.iter().find(|(t, _)| *t == trigger).map(|(_, s)| *s).unwrap_or_default();
    let attributes = match caller.user {
        Some(user) => super::user_attributes(pool, user),
        None => json!({}),
    };
    let mut envelope =
        Envelope::new(&svc.settings.region, pool.id(), source, Some(caller.username), Some(caller.client_id))
            .request("userAttributes", attributes);
    if let Some(metadata) = caller.metadata {
        envelope = envelope.request("clientMetadata", event::metadata(Some(metadata)));
    }
    if caller.hides_unknown_users {
        envelope = envelope.request("userNotFound", caller.user.is_none());
    }
    envelope
}

fn history(session: &[ChallengeResult]) -> Value {
    serde_json::to_value(session).unwrap_or_else(|_| json!([]))
}

async fn invoke<S: Store>(svc: &Cognito<S>, pool: &Pool, trigger: Trigger, envelope: Envelope) -> ApiResult<Value> {
    match svc.triggers.invoke(&pool.doc, trigger, envelope).await? {
        Some(answer) => Ok(answer.get("response").cloned().unwrap_or(Value::Null)),
        None => Err(not_configured()),
    }
}

/// Asks DefineAuthChallenge what follows `session`.
pub async fn define<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    caller: &Caller<'_>,
    session: &[ChallengeResult],
) -> ApiResult<Next> {
    let envelope = envelope(svc, pool, Trigger::DefineAuthChallenge, caller)
        .request("session", history(session))
        .response("challengeName", Value::Null)
        .response("issueTokens", false)
        .response("failAuthentication", false);
    let response = invoke(svc, pool, Trigger::DefineAuthChallenge, envelope).await?;
    let flag = |name: &str| response.get(name).and_then(Value::as_bool).unwrap_or(false);
    if flag("failAuthentication") {
        return Ok(Next::Fail);
    }
    if flag("issueTokens") {
        return Ok(Next::Tokens);
    }
    match response.get("challengeName").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => Ok(Next::Challenge(name.to_owned())),
        _ => Err(unrecognizable()),
    }
}

/// Asks CreateAuthChallenge for challenge `name`.
pub async fn create<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    caller: &Caller<'_>,
    name: &str,
    session: &[ChallengeResult],
) -> ApiResult<Created> {
    let envelope = envelope(svc, pool, Trigger::CreateAuthChallenge, caller)
        .request("challengeName", name)
        .request("session", history(session))
        .response("publicChallengeParameters", json!({}))
        .response("privateChallengeParameters", json!({}))
        .response("challengeMetadata", Value::Null);
    let response = invoke(svc, pool, Trigger::CreateAuthChallenge, envelope).await?;
    let metadata = match response.get("challengeMetadata") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err(unrecognizable()),
    };
    Ok(Created {
        public: strings(response.get("publicChallengeParameters"))?,
        private: strings(response.get("privateChallengeParameters"))?,
        metadata,
    })
}

/// Asks VerifyAuthChallengeResponse whether `answer` is right.
pub async fn verify<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    caller: &Caller<'_>,
    private: &BTreeMap<String, String>,
    answer: &str,
) -> ApiResult<bool> {
    let private: Map<String, Value> = private.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
    let envelope = envelope(svc, pool, Trigger::VerifyAuthChallengeResponse, caller)
        .request("privateChallengeParameters", Value::Object(private))
        .request("challengeAnswer", answer)
        .response("answerCorrect", false);
    let response = invoke(svc, pool, Trigger::VerifyAuthChallengeResponse, envelope).await?;
    Ok(response.get("answerCorrect").and_then(Value::as_bool).unwrap_or(false))
}

/// A map of strings (`null` or absent: empty); numbers and booleans as their text.
fn strings(value: Option<&Value>) -> ApiResult<BTreeMap<String, String>> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                _ => Err(unrecognizable()),
            })
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}
