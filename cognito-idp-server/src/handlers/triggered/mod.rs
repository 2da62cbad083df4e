//! What the operations ask of a pool's Lambda triggers: one module per trigger, each building
//! its event from what the operation knows and reading the answer into what the operation
//! does next. The invocation itself is [`crate::triggers`].

pub mod auth_challenge;
pub mod custom_message;
pub mod pre_sign_up;
pub mod user_migration;

use serde_json::{Map, Value};

use crate::domain::attributes;
use crate::state::Pool;
use crate::store::UserRecord;

/// `callerContext.clientId` of an event that no app client caused (administrators'
/// operations): the value AWS's sample events for `AdminCreateUser` carry.
pub const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";

/// `request.userAttributes` of a stored user's events: its attributes (`sub` among them) as
/// strings, `cognito:user_status`, and `cognito:email_alias` / `cognito:phone_number_alias` for
/// an email address or phone number the user signs in with. Real events show this shape
/// (aws-amplify/amplify-js issue 5834 quotes a DefineAuthChallenge event with
/// `cognito:user_status` and `cognito:phone_number_alias`; a CustomMessage_ForgotPassword event
/// with `cognito:email_alias` is quoted in projects' comments; aws-lambda-rust-runtime's
/// challenge fixtures have the same members).
pub fn user_attributes(pool: &Pool, user: &UserRecord) -> Value {
    let mut map = Map::new();
    for (name, value) in &user.attributes {
        map.insert(name.clone(), Value::from(value.as_str()));
    }
    map.insert("cognito:user_status".into(), Value::from(user.status.as_str()));
    for (kind, value) in attributes::aliases(&pool.doc, &user.attributes) {
        if kind == "email" || kind == "phone_number" {
            map.insert(format!("cognito:{kind}_alias"), Value::from(value));
        }
    }
    Value::Object(map)
}
