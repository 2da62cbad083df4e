//! PostConfirmation (AWS's developer guide, "Post confirmation Lambda trigger"): called after a
//! user is confirmed, by `ConfirmSignUp` and `AdminConfirmSignUp`
//! (`PostConfirmation_ConfirmSignUp`) and by `ConfirmForgotPassword`
//! (`PostConfirmation_ConfirmForgotPassword`), with the confirmed user's attributes (`sub`,
//! `cognito:user_status`, the `cognito:*_alias` entries and the attributes: see
//! [`super::user_attributes`]) and the operation's `ClientMetadata`.
//!
//! The guide: "Amazon Cognito invokes this trigger after a signed-up user confirms their user
//! account" and "the post confirmation Lambda function is triggered just after Amazon Cognito
//! confirms a new user". The confirmation is written first, so a failing function does not undo
//! it: the operation answers the function's failure (`UserLambdaValidationException`,
//! "PostConfirmation failed with error X.") while the user stays confirmed (or the new password
//! stays set), and confirming again answers that the user is already `CONFIRMED`. AWS reads
//! nothing from the answer.

use std::collections::BTreeMap;

use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// The operation that confirmed the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `ConfirmSignUp`, `AdminConfirmSignUp`.
    ConfirmSignUp,
    /// `ConfirmForgotPassword`.
    ConfirmForgotPassword,
}

/// Calls the pool's PostConfirmation function, if any, for `user` as stored after the
/// confirmation. `client_id` is the app client of the call (`None` for `AdminConfirmSignUp`).
pub async fn run<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    source: Source,
    client_id: Option<&str>,
    user: &UserRecord,
    client_metadata: Option<&BTreeMap<String, String>>,
) -> ApiResult<()> {
    if crate::triggers::function_of(&pool.doc, Trigger::PostConfirmation).is_none() {
        return Ok(());
    }
    let trigger_source = match source {
        Source::ConfirmSignUp => "PostConfirmation_ConfirmSignUp",
        Source::ConfirmForgotPassword => "PostConfirmation_ConfirmForgotPassword",
    };
    let envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        trigger_source,
        Some(&user.username),
        Some(client_id.unwrap_or(super::NO_CLIENT)),
    )
    .request("userAttributes", super::user_attributes(pool, user))
    .request("clientMetadata", event::metadata(client_metadata));
    svc.triggers.invoke(&pool.doc, Trigger::PostConfirmation, envelope).await?;
    Ok(())
}
