//! What the operations ask of a pool's Lambda triggers: one module per trigger, each building
//! its event from what the operation knows and reading the answer into what the operation
//! does next. The invocation itself is [`crate::triggers`].

pub mod auth_challenge;
pub mod custom_message;
pub mod custom_sender;
pub mod post_authentication;
pub mod post_confirmation;
pub mod pre_authentication;
pub mod pre_sign_up;
pub mod pre_token_generation;
pub mod user_migration;

use serde_json::{Map, Value};

use crate::domain::attributes;
use crate::state::Pool;
use crate::store::UserRecord;

/// `callerContext.clientId` of an event that no app client caused (administrators'
/// operations): the value AWS's sample events for `AdminCreateUser` carry.
pub const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";

/// `request.userAttributes` of an event about a user who exists, as Cognito sends them: `sub`,
/// then `cognito:email_alias` / `cognito:phone_number_alias` when the address is one the user
/// signs in with (an alias or username attribute of the pool), then `cognito:user_status`,
/// then the user's attributes, all strings.
///
/// Evidence: the developer guide's sample pre token generation events (`sub` and
/// `cognito:user_status` beside the attributes), and events recorded from real pools in many
/// projects' tests (PostConfirmation, PostAuthentication and VerifyAuthChallengeResponse events
/// with `cognito:email_alias` and `cognito:user_status: CONFIRMED`, e.g. in
/// aws-samples/serverless-registration-app-genai pull request 12, whose function read
/// `cognito:email_alias`).
pub fn user_attributes(pool: &Pool, user: &UserRecord) -> Value {
    let mut out = Map::new();
    out.insert("sub".into(), Value::from(user.sub.as_str()));
    for (kind, value) in attributes::aliases(&pool.doc, &user.attributes) {
        if kind == "email" || kind == "phone_number" {
            out.insert(format!("cognito:{kind}_alias"), Value::from(value));
        }
    }
    out.insert("cognito:user_status".into(), Value::from(user.status.as_str()));
    for (name, value) in &user.attributes {
        if name != "sub" {
            out.insert(name.clone(), Value::from(value.as_str()));
        }
    }
    Value::Object(out)
}
