//! PostAuthentication (AWS's developer guide, "Post authentication Lambda trigger"): called once
//! a sign-in has succeeded (`PostAuthentication_Authentication`), before any token is issued,
//! with the user's attributes, `newDeviceUsed` and `clientMetadata`.
//!
//! - `clientMetadata` is the `ClientMetadata` of `RespondToAuthChallenge` /
//!   `AdminRespondToAuthChallenge` when the sign-in ends there; the API reference of
//!   `InitiateAuth` lists Post authentication among the triggers it invokes without passing its
//!   `ClientMetadata`, so a sign-in that ends in `InitiateAuth` sends an empty object.
//! - `newDeviceUsed`: "Amazon Cognito only sets this flag if the remembered devices value of the
//!   user pool is Always or User Opt-In. This flag indicates a user signed in on a new device":
//!   `true` for a sign-in without a proved device in a pool with a `DeviceConfiguration` (the one
//!   that gets `NewDeviceMetadata`), else `false`.
//! - AWS reads nothing from the answer; a function error fails the sign-in with
//!   `UserLambdaValidationException` ("PostAuthentication failed with error X.") and no tokens
//!   are returned (the operation answers the error instead of its result).

use std::collections::BTreeMap;

use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// Calls the pool's PostAuthentication function, if any, for `user` signed in through
/// `client_id`.
pub async fn run<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    user: &UserRecord,
    client_metadata: Option<&BTreeMap<String, String>>,
    new_device_used: bool,
) -> ApiResult<()> {
    if crate::triggers::function_of(&pool.doc, Trigger::PostAuthentication).is_none() {
        return Ok(());
    }
    let envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        "PostAuthentication_Authentication",
        Some(&user.username),
        Some(client_id),
    )
    .request("newDeviceUsed", new_device_used)
    .request("userAttributes", super::user_attributes(pool, user))
    .request("clientMetadata", event::metadata(client_metadata));
    svc.triggers.invoke(&pool.doc, Trigger::PostAuthentication, envelope).await?;
    Ok(())
}
