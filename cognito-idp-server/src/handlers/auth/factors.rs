//! `GetUserAuthFactors` (the signed-in user) and `AdminGetUserAuthFactors`: a user's MFA
//! settings, as `GetUser` reports them, and `ConfiguredUserAuthFactors`, the authentication
//! types the user has.
//!
//! AWS's API reference: the list holds the options that "are eligible ... selections for
//! `PREFERRED_CHALLENGE` and are returned in `InitiateAuth:AvailableChallenges`", for example
//! `["PASSWORD", "WEB_AUTHN"]`; "`PASSWORD` can only be used as a first authentication factor.
//! `SOFTWARE_TOKEN` can only be used as an MFA factor. `EMAIL_OTP`, `SMS_OTP`, and `WEB_AUTHN`
//! can be used as either". So, in `AuthFactorType`'s order:
//! - `PASSWORD`, `EMAIL_OTP`, `SMS_OTP`: the first factors of the pool's sign-in policy that the
//!   user can use (a password; an email address; a phone number), as `USER_AUTH` offers them;
//! - `EMAIL_OTP` and `SMS_OTP` also when the user has turned that MFA factor on;
//! - `WEB_AUTHN`: a registered passkey, in a pool whose sign-in policy allows passkeys;
//! - `SOFTWARE_TOKEN`: a registered (verified) TOTP authenticator.

use cognito_idp::types::*;

use super::choice::user_factors;
use crate::errors::ApiResult;
use crate::handlers::mfa::{self, EMAIL_OTP, SMS_MFA, UserMfa};
use crate::handlers::passkeys;
use crate::handlers::shared::{find_admin_user, load_pool};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// `ConfiguredUserAuthFactors` of `user` (see the module's documentation); `has_passkey`:
/// whether the user registered a passkey.
pub fn configured(pool: &Pool, user: &UserRecord, has_passkey: bool) -> Vec<AuthFactorType> {
    let first = user_factors(pool, user, has_passkey);
    let mfa = UserMfa::of(user);
    let first_has = |name: &str| first.iter().any(|f| f == name);
    let mut out = Vec::new();
    if first_has("PASSWORD") {
        out.push(AuthFactorType::Password);
    }
    if first_has("EMAIL_OTP") || mfa.is_enabled(EMAIL_OTP) {
        out.push(AuthFactorType::EmailOtp);
    }
    if first_has("SMS_OTP") || mfa.is_enabled(SMS_MFA) {
        out.push(AuthFactorType::SmsOtp);
    }
    if first_has("WEB_AUTHN") {
        out.push(AuthFactorType::WebAuthn);
    }
    if mfa.totp_secret.is_some() {
        out.push(AuthFactorType::SoftwareToken);
    }
    out
}

/// `GetUserAuthFactors`.
pub async fn get_user_auth_factors<S: Store>(
    svc: &Cognito<S>,
    input: GetUserAuthFactorsRequest,
) -> ApiResult<GetUserAuthFactorsResponse> {
    let auth = crate::tokens::authenticate(svc, &input.access_token).await?;
    let (user_mfa_setting_list, preferred_mfa_setting) = mfa::mfa_fields(&auth.user);
    Ok(GetUserAuthFactorsResponse {
        username: auth.user.username.clone(),
        preferred_mfa_setting,
        user_mfa_setting_list,
        configured_user_auth_factors: Some(configured(
            &auth.pool,
            &auth.user,
            passkeys::has_any(svc, &auth.pool, &auth.user).await?,
        )),
    })
}

/// `AdminGetUserAuthFactors`: by username, alias or `sub`.
pub async fn admin_get_user_auth_factors<S: Store>(
    svc: &Cognito<S>,
    input: AdminGetUserAuthFactorsRequest,
) -> ApiResult<AdminGetUserAuthFactorsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    let (user_mfa_setting_list, preferred_mfa_setting) = mfa::mfa_fields(&user);
    Ok(AdminGetUserAuthFactorsResponse {
        username: user.username.clone(),
        preferred_mfa_setting,
        user_mfa_setting_list,
        configured_user_auth_factors: Some(configured(&pool, &user, passkeys::has_any(svc, &pool, &user).await?)),
    })
}
