//! `SetUserMFAPreference` (the user, with an access token) and `AdminSetUserMFAPreference`.
//!
//! Each of `SMSMfaSettings`, `SoftwareTokenMfaSettings` and `EmailMfaSettings` turns its factor
//! on or off (`Enabled`) and may make it the preferred one (`PreferredMfa`); a factor left out
//! stays as it is. A factor can only be turned on when it can be delivered: AWS answers
//! `InvalidParameterException` "User does not have delivery config set to turn on
//! SOFTWARE_TOKEN_MFA" for TOTP before a verified token (aws/aws-sdk-js-v3 issue 4645), and
//! the same words with `SMS_MFA` for a user without a phone number (floci-io/floci's
//! message-MFA test); email needs an email address likewise.

use cognito_idp::types::*;

use super::{EMAIL_OTP, SMS_MFA, SOFTWARE_TOKEN_MFA, UserMfa, update_mfa};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{find_admin_user, load_pool};
use crate::state::Cognito;
use crate::store::{Store, UserRecord};

/// One factor's requested change: (factor, `Enabled`, `PreferredMfa`).
type Change = (&'static str, Option<bool>, Option<bool>);

fn changes(
    sms: Option<&SmsMfaSettingsType>,
    totp: Option<&SoftwareTokenMfaSettingsType>,
    email: Option<&EmailMfaSettingsType>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if let Some(s) = sms {
        out.push((SMS_MFA, s.enabled, s.preferred_mfa));
    }
    if let Some(s) = totp {
        out.push((SOFTWARE_TOKEN_MFA, s.enabled, s.preferred_mfa));
    }
    if let Some(s) = email {
        out.push((EMAIL_OTP, s.enabled, s.preferred_mfa));
    }
    out
}

/// Whether `factor` can reach `user`.
fn deliverable(user: &UserRecord, mfa: &UserMfa, factor: &str) -> bool {
    let has = |name: &str| user.attribute(name).is_some_and(|v| !v.is_empty());
    match factor {
        SMS_MFA => has("phone_number"),
        EMAIL_OTP => has("email"),
        _ => mfa.totp_secret.is_some(),
    }
}

/// Applies `changes` to the user's MFA state.
fn apply(user: &UserRecord, mfa: &mut UserMfa, changes: &[Change]) -> ApiResult<()> {
    if changes.iter().filter(|(_, _, preferred)| *preferred == Some(true)).count() > 1 {
        return Err(ApiError::invalid_parameter("Only one MFA type can be set as preferred."));
    }
    for &(factor, enabled, preferred) in changes {
        // Preferring a factor turns it on (a preferred factor that is off would never be used).
        let on = enabled.or(if preferred == Some(true) { Some(true) } else { None });
        match on {
            Some(true) => {
                if !deliverable(user, mfa, factor) {
                    return Err(ApiError::invalid_parameter(format!(
                        "User does not have delivery config set to turn on {factor}"
                    )));
                }
                mfa.set_enabled(factor, true);
            }
            Some(false) => mfa.set_enabled(factor, false),
            None => {}
        }
        match preferred {
            Some(true) if mfa.is_enabled(factor) => mfa.preferred = Some(factor.to_owned()),
            Some(false) if mfa.preferred.as_deref() == Some(factor) => mfa.preferred = None,
            _ => {}
        }
    }
    Ok(())
}

/// `SetUserMFAPreference`: the signed-in user's own factors.
pub async fn set_user_mfa_preference<S: Store>(
    svc: &Cognito<S>,
    input: SetUserMfaPreferenceRequest,
) -> ApiResult<SetUserMfaPreferenceResponse> {
    let auth = crate::tokens::authenticate(svc, &input.access_token).await?;
    let changes = changes(
        input.sms_mfa_settings.as_ref(),
        input.software_token_mfa_settings.as_ref(),
        input.email_mfa_settings.as_ref(),
    );
    update_mfa(svc, &auth.pool, &auth.user.username_key, |user, mfa| apply(user, mfa, &changes)).await?;
    Ok(SetUserMfaPreferenceResponse::default())
}

/// `AdminSetUserMFAPreference`: an administrator sets a user's factors (by username, alias or
/// `sub`, as the other admin operations take it).
pub async fn admin_set_user_mfa_preference<S: Store>(
    svc: &Cognito<S>,
    input: AdminSetUserMfaPreferenceRequest,
) -> ApiResult<AdminSetUserMfaPreferenceResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    let changes = changes(
        input.sms_mfa_settings.as_ref(),
        input.software_token_mfa_settings.as_ref(),
        input.email_mfa_settings.as_ref(),
    );
    update_mfa(svc, &pool, &user.username_key, |user, mfa| apply(user, mfa, &changes)).await?;
    Ok(AdminSetUserMfaPreferenceResponse::default())
}
