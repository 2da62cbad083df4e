//! PreSignUp (AWS's developer guide, "Pre sign-up Lambda trigger"): called before a user is
//! created by `SignUp` (`PreSignUp_SignUp`) or `AdminCreateUser` (`PreSignUp_AdminCreateUser`),
//! with the user's attributes, `validationData` and `clientMetadata`. The function may refuse
//! the user (a function error: `UserLambdaValidationException`, nothing is created) or answer
//! `autoConfirmUser` (a signed-up user is confirmed at once and no confirmation code is sent),
//! `autoVerifyEmail` and `autoVerifyPhone` (the attribute is marked verified; AWS refuses them
//! when the attribute is missing).

use std::collections::BTreeMap;

use cognito_idp::types::AttributeType;

use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::Store;
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope, answered_flag};

/// What the function decided (all `false` when the pool has no PreSignUp trigger).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decision {
    /// `autoConfirmUser`.
    pub confirm: bool,
    /// `autoVerifyEmail`.
    pub verify_email: bool,
    /// `autoVerifyPhone`.
    pub verify_phone: bool,
}

/// The operation that creates the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `SignUp`.
    SignUp,
    /// `AdminCreateUser`.
    AdminCreateUser,
    /// A provider's user signing in for the first time (managed login federation).
    ExternalProvider,
}

/// Calls the pool's PreSignUp function, if any, for `username` with `attributes` (without
/// `sub`).
#[allow(clippy::too_many_arguments)]
pub async fn run<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    source: Source,
    username: &str,
    client_id: Option<&str>,
    attributes: &[(String, String)],
    validation_data: Option<&[AttributeType]>,
    client_metadata: Option<&BTreeMap<String, String>>,
) -> ApiResult<Decision> {
    let trigger_source = match source {
        Source::SignUp => "PreSignUp_SignUp",
        Source::AdminCreateUser => "PreSignUp_AdminCreateUser",
        Source::ExternalProvider => "PreSignUp_ExternalProvider",
    };
    let shown: Vec<(String, String)> = attributes.iter().filter(|(n, _)| n != "sub").cloned().collect();
    let validation: serde_json::Map<String, serde_json::Value> = validation_data
        .unwrap_or_default()
        .iter()
        .map(|a| (a.name.clone(), serde_json::Value::from(a.value.clone().unwrap_or_default())))
        .collect();
    let envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        trigger_source,
        Some(username),
        Some(client_id.unwrap_or(super::NO_CLIENT)),
    )
    .request("userAttributes", event::attributes(&shown))
    .request("validationData", serde_json::Value::Object(validation))
    .request("clientMetadata", event::metadata(client_metadata))
    .response("autoConfirmUser", false)
    .response("autoVerifyPhone", false)
    .response("autoVerifyEmail", false);
    let Some(answer) = svc.triggers.invoke(&pool.doc, Trigger::PreSignUp, envelope).await? else {
        return Ok(Decision::default());
    };
    let decision = Decision {
        confirm: answered_flag(&answer, "autoConfirmUser"),
        verify_email: answered_flag(&answer, "autoVerifyEmail"),
        verify_phone: answered_flag(&answer, "autoVerifyPhone"),
    };
    let has = |name: &str| attributes.iter().any(|(n, v)| n == name && !v.is_empty());
    // AWS's refusals of a flag without its attribute (the developer guide: "If autoVerifyEmail
    // is set to true, the email attribute must have a valid, non-null value").
    if decision.verify_email && !has("email") {
        return Err(ApiError::invalid_parameter(
            "PreSignUp failed with error Email address is required to auto verify email.",
        ));
    }
    if decision.verify_phone && !has("phone_number") {
        return Err(ApiError::invalid_parameter(
            "PreSignUp failed with error Phone number is required to auto verify phone number.",
        ));
    }
    Ok(decision)
}

impl Decision {
    /// Marks the verified attributes on `attributes`.
    pub fn apply_verification(&self, attributes: &mut Vec<(String, String)>) {
        for (on, flag) in [(self.verify_email, "email_verified"), (self.verify_phone, "phone_number_verified")] {
            if !on {
                continue;
            }
            match attributes.iter_mut().find(|(n, _)| n == flag) {
                Some(slot) => slot.1 = "true".into(),
                None => attributes.push((flag.to_owned(), "true".into())),
            }
        }
    }
}
