//! PreAuthentication (AWS's developer guide, "Pre authentication Lambda trigger"): called when a
//! user starts to sign in (`PreAuthentication_Authentication`), before the first factor is
//! checked, with the user's attributes and `validationData`: the `ClientMetadata` of
//! `InitiateAuth` / `AdminInitiateAuth` (the guide: "The request includes client validation
//! data from the ClientMetadata values that your app passes to ... InitiateAuth and
//! AdminInitiateAuth"; the API reference lists Pre authentication among the only triggers
//! that get it). The event has no `clientMetadata` of its own.
//!
//! For a user who does not exist the trigger runs only when the app client hides unknown users
//! (`PreventUserExistenceErrors: ENABLED`): the guide's note ("doesn't activate when a user
//! doesn't exist unless the PreventUserExistenceErrors setting ... is set to ENABLED"), with
//! `userNotFound: true`, the name as typed and no attributes (`userNotFound` is present, `false`
//! for a known user, only for such clients). The function can only refuse:
//! its error fails the sign-in with `UserLambdaValidationException` ("PreAuthentication failed
//! with error X."); AWS reads nothing from its answer ("Amazon Cognito doesn't process any
//! added information that your function returns in the response").

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// Calls the pool's PreAuthentication function, if any, before `username` signs in through
/// `client_id`. `user` is the user the name found; `None` for an unknown name, which invokes
/// the function only when `hides_unknown_users`.
pub async fn run<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    username: &str,
    user: Option<&UserRecord>,
    hides_unknown_users: bool,
    validation_data: Option<&BTreeMap<String, String>>,
) -> ApiResult<()> {
    if crate::triggers::function_of(&pool.doc, Trigger::PreAuthentication).is_none() {
        return Ok(());
    }
    let (user_name, attributes) = match user {
        Some(user) => (user.username.as_str(), super::user_attributes(pool, user)),
        None if hides_unknown_users => (username, json!({})),
        None => return Ok(()),
    };
    let mut envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        "PreAuthentication_Authentication",
        Some(user_name),
        Some(client_id),
    )
    .request("userAttributes", attributes)
    .request("validationData", event::metadata(validation_data));
    // "When you set PreventUserExistenceErrors to ENABLED for your user pool client, Amazon
    // Cognito populates this Boolean": present (true or false) for such clients only.
    if hides_unknown_users {
        envelope = envelope.request("userNotFound", Value::Bool(user.is_none()));
    }
    svc.triggers.invoke(&pool.doc, Trigger::PreAuthentication, envelope).await?;
    Ok(())
}
