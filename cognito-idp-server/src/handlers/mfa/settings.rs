//! `AdminDeleteSoftwareToken`, and the legacy `SetUserSettings` / `AdminSetUserSettings`.
//!
//! - `AdminDeleteSoftwareToken` removes the user's TOTP registration and any preference for it,
//!   leaving the other factors as they are (AWS's API reference: "Removes the user's software
//!   token registration and any preference for TOTP MFA. It doesn't deactivate the other MFA
//!   factors"). What the next sign-in does then follows from the factors left: another one, or
//!   `MFA_SETUP` in a pool that requires MFA. A user without a token is left as they are.
//! - `SetUserSettings` / `AdminSetUserSettings` take `MFAOptions`, which "can only set an SMS
//!   configuration that uses SMS for delivery" (the API reference): an `SMS` option turns SMS MFA
//!   on (the user needs a phone number, as with `SetUserMFAPreference`), an empty list turns it
//!   off. Any other delivery medium is refused (the wording of that refusal is ours).

use cognito_idp::types::*;

use super::{SMS_MFA, SOFTWARE_TOKEN_MFA, UserMfa, update_mfa};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{find_admin_user, load_pool};
use crate::state::Cognito;
use crate::store::{Store, UserRecord};

/// `AdminDeleteSoftwareToken`.
pub async fn admin_delete_software_token<S: Store>(
    svc: &Cognito<S>,
    input: AdminDeleteSoftwareTokenRequest,
) -> ApiResult<AdminDeleteSoftwareTokenResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    update_mfa(svc, &pool, &user.username_key, |_, mfa| {
        mfa.set_enabled(SOFTWARE_TOKEN_MFA, false);
        mfa.totp_secret = None;
        mfa.totp_pending = None;
        mfa.totp_device_name = None;
        mfa.totp_last_step = 0;
        Ok(())
    })
    .await?;
    Ok(AdminDeleteSoftwareTokenResponse::default())
}

/// What `MFAOptions` asks for: SMS MFA on (an `SMS` option) or off (no option).
fn sms_wanted(options: &[MfaOptionType]) -> ApiResult<bool> {
    for option in options {
        match option.delivery_medium.as_ref().map(|m| m.as_str()) {
            Some("SMS") => {}
            other => {
                return Err(ApiError::invalid_parameter(format!(
                    "MFAOptions can only set SMS MFA: DeliveryMedium {} is not supported.",
                    other.unwrap_or("(none)")
                )));
            }
        }
    }
    Ok(!options.is_empty())
}

fn apply(user: &UserRecord, mfa: &mut UserMfa, on: bool) -> ApiResult<()> {
    if on && user.attribute("phone_number").is_none_or(|v| v.is_empty()) {
        return Err(ApiError::invalid_parameter(format!(
            "User does not have delivery config set to turn on {SMS_MFA}"
        )));
    }
    mfa.set_enabled(SMS_MFA, on);
    Ok(())
}

/// `SetUserSettings`: the signed-in user's own SMS MFA.
pub async fn set_user_settings<S: Store>(
    svc: &Cognito<S>,
    input: SetUserSettingsRequest,
) -> ApiResult<SetUserSettingsResponse> {
    let on = sms_wanted(&input.mfa_options)?;
    let auth = crate::tokens::authenticate(svc, &input.access_token).await?;
    update_mfa(svc, &auth.pool, &auth.user.username_key, |user, mfa| apply(user, mfa, on)).await?;
    Ok(SetUserSettingsResponse::default())
}

/// `AdminSetUserSettings`: a user's SMS MFA, by username, alias or `sub`.
pub async fn admin_set_user_settings<S: Store>(
    svc: &Cognito<S>,
    input: AdminSetUserSettingsRequest,
) -> ApiResult<AdminSetUserSettingsResponse> {
    let on = sms_wanted(&input.mfa_options)?;
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    update_mfa(svc, &pool, &user.username_key, |user, mfa| apply(user, mfa, on)).await?;
    Ok(AdminSetUserSettingsResponse::default())
}
