//! MFA: the pool's MFA configuration, the user's factors and preferences, TOTP registration,
//! and the MFA step of sign-in.
//!
//! - [`config`]: `SetUserPoolMfaConfig` / `GetUserPoolMfaConfig`. What `UserPoolType` has
//!   (`MfaConfiguration`, `SmsConfiguration`, `SmsAuthenticationMessage`) stays in the pool's
//!   document, so `DescribeUserPool` shows it; the rest (the factors' settings, WebAuthn) is kept
//!   in the same document under [`POOL_KEY`], which `UpdateUserPool` carries over.
//! - [`software_token`]: `AssociateSoftwareToken` / `VerifySoftwareToken` (access token, or the
//!   session of an `MFA_SETUP` challenge).
//! - [`preferences`]: `SetUserMFAPreference` / `AdminSetUserMFAPreference`.
//! - [`settings`]: `AdminDeleteSoftwareToken`, and the legacy `SetUserSettings` /
//!   `AdminSetUserSettings`.
//! - here: [`next_step`] and [`check_answer`], which the sign-in handlers call after a correct
//!   first factor and for each MFA answer, and [`mfa_fields`] for `GetUser` / `AdminGetUser`.
//!
//! A user's MFA state lives in `UserRecord::extra` under [`USER_KEY`] ([`UserMfa`]), written
//! with `update_user` (optimistic: a lost race re-reads and re-checks, so two instances cannot
//! both accept the same TOTP code).

pub mod config;
pub mod preferences;
pub mod settings;
pub mod software_token;

use std::collections::HashMap;

use cognito_idp::ErrorCode;
use cognito_idp::types::{UserPoolClientType, UserPoolType};
use serde::{Deserialize, Serialize};

use crate::domain::mask::{Delivery, Medium};
use crate::domain::{codes, totp};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::{self, Occasion, Sent};
use crate::handlers::shared::user_aliases;
use crate::handlers::triggered::custom_message::{Source, Template};
use crate::state::{Cognito, Pool};
use crate::store::{AliasConflict, Store, StoreError, UserRecord};

/// The SMS factor's name on the wire.
pub const SMS_MFA: &str = "SMS_MFA";
/// The TOTP factor's name on the wire.
pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";
/// The email factor's name on the wire (the challenge is `EMAIL_OTP`).
pub const EMAIL_OTP: &str = "EMAIL_OTP";
/// The challenge that asks the user to pick one of several factors.
pub const SELECT_MFA_TYPE: &str = "SELECT_MFA_TYPE";
/// The challenge that asks the user to set a factor up (pools with MFA `ON`).
pub const MFA_SETUP: &str = "MFA_SETUP";

/// Where a user's MFA state lives in `UserRecord::extra`.
pub const USER_KEY: &str = "mfa";
/// Where the pool's MFA settings that `UserPoolType` has no member for live in the pool's
/// stored document (a `GetUserPoolMfaConfigResponse` without `MfaConfiguration`).
pub const POOL_KEY: &str = "x-local-mfa";

/// How long an SMS or email MFA code works: 3 minutes, as Cognito's SMS MFA codes ("The code
/// is valid for 3 minutes", AWS's developer guide on SMS MFA).
const CODE_TTL_MS: i64 = 3 * 60 * 1000;
/// How often a user write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 8;

/// The factors in the order Cognito lists them (`MFAS_CAN_CHOOSE`, `UserMFASettingList`).
const ORDER: [&str; 3] = [SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP];

/// A user's MFA state, as kept in `UserRecord::extra[USER_KEY]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMfa {
    /// The factors the user turned on (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enabled: Vec<String>,
    /// The preferred one, if any (always one of `enabled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
    /// The verified TOTP secret (base32). It must be readable to check codes, so it is the one
    /// credential kept as it is; it is useless without the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// A secret `AssociateSoftwareToken` handed out that `VerifySoftwareToken` has not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_pending: Option<String>,
    /// `FriendlyDeviceName` given at verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_device_name: Option<String>,
    /// The last TOTP step a code was accepted for: a code is accepted once.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub totp_last_step: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl UserMfa {
    /// The user's MFA state (default when none was stored).
    pub fn of(user: &UserRecord) -> UserMfa {
        user.extra.get(USER_KEY).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
    }

    /// Stores this state into `user`.
    pub fn store_in(&self, user: &mut UserRecord) {
        if *self == UserMfa::default() {
            user.extra.remove(USER_KEY);
        } else if let Ok(value) = serde_json::to_value(self) {
            user.extra.insert(USER_KEY.to_owned(), value);
        }
    }

    /// Whether `factor` is on.
    pub fn is_enabled(&self, factor: &str) -> bool {
        self.enabled.iter().any(|f| f == factor)
    }

    /// Turns `factor` on or off (off also drops it as the preference).
    pub fn set_enabled(&mut self, factor: &str, on: bool) {
        self.enabled.retain(|f| f != factor);
        if on {
            self.enabled.push(factor.to_owned());
            self.enabled.sort_by_key(|f| ORDER.iter().position(|o| o == f));
        } else if self.preferred.as_deref() == Some(factor) {
            self.preferred = None;
        }
    }
}

/// `UserMFASettingList` and `PreferredMfaSetting` of a user, as `GetUser` and `AdminGetUser`
/// report them: the list is left out when no factor is on (as AWS leaves it out), and the
/// preference when none was set.
pub fn mfa_fields(user: &UserRecord) -> (Option<Vec<String>>, Option<String>) {
    let mfa = UserMfa::of(user);
    let list = if mfa.enabled.is_empty() { None } else { Some(mfa.enabled.clone()) };
    (list, mfa.preferred.clone())
}

/// The pool's MFA mode: `OFF`, `ON` or `OPTIONAL`.
pub fn mode(pool: &UserPoolType) -> &str {
    pool.mfa_configuration.as_ref().map(|m| m.as_str()).unwrap_or("OFF")
}

/// Which factors the pool offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolFactors {
    /// SMS messages (an `SmsMfaConfiguration`, or an `SmsConfiguration` set with MFA on).
    pub sms: bool,
    /// TOTP (`SoftwareTokenMfaConfiguration.Enabled`).
    pub totp: bool,
    /// Email messages (an `EmailMfaConfiguration`).
    pub email: bool,
}

impl PoolFactors {
    /// Whether the pool offers `factor`.
    pub fn offers(&self, factor: &str) -> bool {
        match factor {
            SMS_MFA => self.sms,
            SOFTWARE_TOKEN_MFA => self.totp,
            EMAIL_OTP => self.email,
            _ => false,
        }
    }
}

/// The factors `pool` offers, from its MFA settings.
pub fn pool_factors(pool: &Pool) -> PoolFactors {
    if mode(&pool.doc) == "OFF" {
        return PoolFactors::default();
    }
    let stored = config::stored(pool);
    PoolFactors {
        // A pool created or updated with MFA on and an SmsConfiguration (the older way, before
        // SetUserPoolMfaConfig) sends SMS codes too.
        sms: stored.sms_mfa_configuration.is_some() || pool.doc.sms_configuration.is_some(),
        totp: stored.software_token_mfa_configuration.as_ref().and_then(|c| c.enabled).unwrap_or(false),
        email: stored.email_mfa_configuration.is_some(),
    }
}

/// A challenge sign-in must put to the user before tokens are issued.
#[derive(Debug)]
pub struct Challenge {
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SELECT_MFA_TYPE` or `MFA_SETUP`.
    pub name: String,
    /// `ChallengeParameters` to return (besides `USER_ID_FOR_SRP`, which the caller adds).
    pub parameters: HashMap<String, String>,
    /// What to keep in the session to check the answer (a code's hash, the factor...).
    pub state: serde_json::Value,
    /// Messages (codes) to store with the session, and to hand to custom senders after.
    pub sent: Sent,
}

/// What follows a correct MFA answer.
#[derive(Debug)]
pub enum Next {
    /// Sign-in is complete: issue tokens to this user (as it is stored after the answer).
    Tokens(UserRecord),
    /// Another challenge (the code of the factor picked at `SELECT_MFA_TYPE`, or MFA after
    /// `MFA_SETUP`).
    Challenge(Challenge),
}

/// The factors `user` can be challenged with now: those turned on that can still be delivered
/// (SMS needs a phone number, email an address, TOTP a verified secret). A TOTP secret keeps
/// working after the pool turns TOTP off ("users who previously associated and verified a TOTP
/// token can continue to use it", AWS's developer guide on TOTP MFA).
fn usable_factors(pool: &Pool, user: &UserRecord, mfa: &UserMfa) -> Vec<&'static str> {
    let offered = pool_factors(pool);
    ORDER
        .into_iter()
        .filter(|factor| mfa.is_enabled(factor))
        .filter(|factor| match *factor {
            SMS_MFA => offered.sms && has(user, "phone_number"),
            EMAIL_OTP => offered.email && has(user, "email"),
            _ => mfa.totp_secret.is_some(),
        })
        .collect()
}

fn has(user: &UserRecord, attribute: &str) -> bool {
    user.attribute(attribute).is_some_and(|v| !v.is_empty())
}

/// After a correct first factor: the MFA challenge the pool's configuration and the user's
/// factors call for, or `None` when tokens may be issued now.
///
/// Pool `OFF`: none. A user with factors on gets the preferred one, or the only one, or
/// `SELECT_MFA_TYPE` among several (AWS's API reference for `SetUserMFAPreference`: "If
/// multiple options are activated and no preference is set, a challenge to choose an MFA
/// option will be returned during sign-in"). A user with none: nothing in `OPTIONAL` pools; in
/// `ON` pools an SMS or email code when the pool sends them and the user has the attribute,
/// otherwise `MFA_SETUP` (the API reference for `InitiateAuth`'s `MFA_SETUP`).
pub async fn next_step<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
) -> ApiResult<Option<Challenge>> {
    let mode = mode(&pool.doc);
    if mode == "OFF" {
        return Ok(None);
    }
    let mfa = UserMfa::of(user);
    let usable = usable_factors(pool, user, &mfa);
    if let Some(preferred) = mfa.preferred.as_deref().and_then(|p| usable.iter().find(|f| **f == p)) {
        return factor_challenge(svc, pool, client, user, preferred).await.map(Some);
    }
    match usable.as_slice() {
        [one] => return factor_challenge(svc, pool, client, user, one).await.map(Some),
        [_, _, ..] => return Ok(Some(select_challenge(&usable))),
        [] => {}
    }
    if mode != "ON" {
        return Ok(None);
    }
    let offered = pool_factors(pool);
    if offered.sms && has(user, "phone_number") {
        return factor_challenge(svc, pool, client, user, SMS_MFA).await.map(Some);
    }
    if offered.email && has(user, "email") {
        return factor_challenge(svc, pool, client, user, EMAIL_OTP).await.map(Some);
    }
    let can_setup: Vec<&str> = ORDER.into_iter().filter(|f| offered.offers(f)).collect();
    Ok(Some(Challenge {
        name: MFA_SETUP.into(),
        parameters: HashMap::from([("MFAS_CAN_SETUP".to_owned(), json_list(&can_setup))]),
        state: serde_json::json!({ "factor": MFA_SETUP }),
        sent: Sent::default(),
    }))
}

/// A JSON array of names as one string, as Cognito's list parameters are
/// (`["SMS_MFA","SOFTWARE_TOKEN_MFA"]`, quoted by amplify-js's tests).
fn json_list(names: &[&str]) -> String {
    serde_json::to_string(names).unwrap_or_else(|_| "[]".into())
}

fn select_challenge(factors: &[&str]) -> Challenge {
    Challenge {
        name: SELECT_MFA_TYPE.into(),
        parameters: HashMap::from([("MFAS_CAN_CHOOSE".to_owned(), json_list(factors))]),
        state: serde_json::json!({ "factor": SELECT_MFA_TYPE, "choices": factors }),
        sent: Sent::default(),
    }
}

/// The purpose an MFA code's hash is bound to.
fn purpose(factor: &str) -> String {
    format!("MFA_{factor}")
}

/// The challenge for one factor: TOTP asks for the app's code (nothing is sent); SMS and email
/// send a fresh code, kept hashed in the session, and name where it went, masked
/// (`CODE_DELIVERY_DESTINATION`, `CODE_DELIVERY_DELIVERY_MEDIUM`).
async fn factor_challenge<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    factor: &str,
) -> ApiResult<Challenge> {
    if factor == SOFTWARE_TOKEN_MFA {
        return Ok(Challenge {
            name: SOFTWARE_TOKEN_MFA.into(),
            parameters: HashMap::new(),
            state: serde_json::json!({ "factor": SOFTWARE_TOKEN_MFA }),
            sent: Sent::default(),
        });
    }
    let medium = if factor == SMS_MFA { Medium::Sms } else { Medium::Email };
    let destination = user.attribute(medium.attribute()).filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::invalid_parameter(format!("User does not have delivery config set to turn on {factor}"))
    })?;
    let delivery = Delivery::new(medium, destination);
    let code = codes::new_code();
    let mut occasion = Occasion::new(Source::Authentication, factor);
    if let Some(client_id) = client.client_id.as_deref() {
        occasion = occasion.client(client_id);
    }
    let to = std::slice::from_ref(&delivery);
    let sent = messages::compose_with(svc, pool, user, occasion, to, &code, authentication_template(pool)).await?;
    Ok(Challenge {
        name: factor.into(),
        parameters: HashMap::from([
            ("CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(), medium.as_str().to_owned()),
            ("CODE_DELIVERY_DESTINATION".to_owned(), delivery.masked()),
        ]),
        state: serde_json::json!({
            "factor": factor,
            "codeHash": codes::hash(&code, &user.username_key, &purpose(factor)),
            "expiresMs": svc.clock.now_ms() + CODE_TTL_MS,
        }),
        sent,
    })
}

/// The texts of sign-in codes: the pool's `SmsAuthenticationMessage`, and the email MFA
/// configuration's message and subject ("The template for the email messages that your user
/// pool sends to users with codes for MFA and sign-in with email OTPs", AWS's reference for
/// `EmailMfaConfigType`), over `handlers::messages`' defaults.
pub fn authentication_template(pool: &Pool) -> Template {
    let mut template = messages::template(pool, Source::Authentication);
    if let Some(email) = config::stored(pool).email_mfa_configuration {
        if let Some(message) = email.message.filter(|m| !m.is_empty()) {
            template.email = message;
        }
        if let Some(subject) = email.subject.filter(|s| !s.is_empty()) {
            template.subject = subject;
        }
    }
    template
}

/// `Invalid code or auth state for the user.`: AWS's `CodeMismatchException` for a wrong MFA
/// code (aws-amplify/amplify-js issues 3066 and 11069 quote it).
pub fn code_mismatch() -> ApiError {
    ApiError::new(ErrorCode::CodeMismatchException, "Invalid code or auth state for the user.")
}

/// `Your software token has already been used once.`: a TOTP code accepted before (AWS's
/// `ExpiredCodeException`, quoted by amplify-swift's integration tests and several apps).
pub fn code_reused() -> ApiError {
    ApiError::new(ErrorCode::ExpiredCodeException, "Your software token has already been used once.")
}

fn code_expired() -> ApiError {
    ApiError::new(ErrorCode::ExpiredCodeException, "Invalid code provided, please request a code again.")
}

fn missing(parameter: &str) -> ApiError {
    ApiError::invalid_parameter(format!("Missing required parameter {parameter}"))
}

/// Checks the answer to challenge `name` (kept as `state` in the session): `Ok(Next)` says what
/// follows (tokens, or another challenge such as the code after `SELECT_MFA_TYPE`); a wrong code
/// is `CodeMismatchException`, an expired one `ExpiredCodeException`.
pub async fn check_answer<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
    name: &str,
    state: &serde_json::Value,
    responses: &HashMap<String, String>,
) -> ApiResult<Next> {
    match name {
        SMS_MFA | EMAIL_OTP => {
            let key = if name == SMS_MFA { "SMS_MFA_CODE" } else { "EMAIL_OTP_CODE" };
            let code = responses.get(key).ok_or_else(|| missing(key))?;
            let hash = state.get("codeHash").and_then(|v| v.as_str()).unwrap_or_default();
            let expires = state.get("expiresMs").and_then(|v| v.as_i64()).unwrap_or(0);
            if state.get("factor").and_then(|v| v.as_str()) != Some(name) {
                return Err(code_mismatch());
            }
            if !codes::matches(code, &user.username_key, &purpose(name), hash) {
                return Err(code_mismatch());
            }
            if expires <= svc.clock.now_ms() {
                return Err(code_expired());
            }
            Ok(Next::Tokens(user.clone()))
        }
        SOFTWARE_TOKEN_MFA => {
            let code = responses.get("SOFTWARE_TOKEN_MFA_CODE").ok_or_else(|| missing("SOFTWARE_TOKEN_MFA_CODE"))?;
            let user = accept_totp(svc, pool, &user.username_key, code, Secret::Verified, code_mismatch).await?;
            Ok(Next::Tokens(user))
        }
        SELECT_MFA_TYPE => {
            let answer = responses.get("ANSWER").ok_or_else(|| missing("ANSWER"))?;
            // AWS's reference names the email choice both EMAIL_OTP and EMAIL_MFA.
            let answer = if answer == "EMAIL_MFA" { EMAIL_OTP } else { answer.as_str() };
            let choices = state.get("choices").and_then(|v| v.as_array()).cloned().unwrap_or_default();
            if !choices.iter().any(|c| c.as_str() == Some(answer)) {
                return Err(ApiError::invalid_parameter(format!("Invalid ANSWER {answer}: the user can choose {}", {
                    let names: Vec<&str> = choices.iter().filter_map(|c| c.as_str()).collect();
                    names.join(", ")
                })));
            }
            let factor = ORDER.into_iter().find(|f| *f == answer).unwrap_or(SOFTWARE_TOKEN_MFA);
            Ok(Next::Challenge(factor_challenge(svc, pool, client, user, factor).await?))
        }
        MFA_SETUP => {
            // The session of a successful VerifySoftwareToken says the setup is done.
            if state.get("verified").and_then(|v| v.as_bool()) != Some(true) {
                return Err(code_mismatch());
            }
            let fresh = reread(svc, pool, &user.username_key).await?;
            Ok(Next::Tokens(fresh))
        }
        other => Err(ApiError::invalid_parameter(format!("{other} is not an MFA challenge"))),
    }
}

async fn reread<S: Store>(svc: &Cognito<S>, pool: &Pool, user_key: &str) -> ApiResult<UserRecord> {
    match svc.store.get_user(pool.id(), user_key).await {
        Ok(user) => Ok(user),
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Which TOTP secret a code is checked against.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Secret {
    /// The verified one (sign-in).
    Verified,
    /// The one `AssociateSoftwareToken` handed out (`VerifySoftwareToken`), which this makes the
    /// verified one.
    Pending,
}

/// Checks a TOTP `code` of the user `user_key` against its secret at the server's time (one
/// step of drift either side), and records the step it matched so the code is not accepted
/// again, in one optimistic write: if another instance accepted a code meanwhile, the write
/// fails, the user is read again and the step checked again. `wrong` is the error for a code
/// that does not match. Returns the user as stored after the answer.
pub(crate) async fn accept_totp<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user_key: &str,
    code: &str,
    which: Secret,
    wrong: fn() -> ApiError,
) -> ApiResult<UserRecord> {
    accept_totp_with(svc, pool, user_key, code, which, wrong, |_| {}).await
}

/// [`accept_totp`], also applying `change` to the user's MFA state in the same write.
pub(crate) async fn accept_totp_with<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user_key: &str,
    code: &str,
    which: Secret,
    wrong: fn() -> ApiError,
    change: impl Fn(&mut UserMfa),
) -> ApiResult<UserRecord> {
    update_mfa(svc, pool, user_key, |_, mfa| {
        let secret = match which {
            Secret::Verified => mfa.totp_secret.clone(),
            Secret::Pending => mfa.totp_pending.clone(),
        };
        let Some(secret) = secret else {
            return Err(match which {
                // AWS's SoftwareTokenMFANotFoundException wording (amazon-cognito-identity-js
                // issue 630).
                Secret::Verified => ApiError::new(
                    ErrorCode::SoftwareTokenMfaNotFoundException,
                    "Software Token MFA does not exist for the user.",
                ),
                Secret::Pending => ApiError::new(
                    ErrorCode::InvalidParameterException,
                    "User has not associated a software token; call AssociateSoftwareToken first.",
                ),
            });
        };
        let now_s = svc.clock.now_ms().div_euclid(1000);
        let step = totp::matching_step(&secret, code, now_s).ok_or_else(wrong)?;
        if step <= mfa.totp_last_step {
            return Err(code_reused());
        }
        mfa.totp_last_step = step;
        if which == Secret::Pending {
            mfa.totp_secret = Some(secret);
            mfa.totp_pending = None;
        }
        change(mfa);
        Ok(())
    })
    .await
}

/// Reads the user `user_key`, lets `change` edit its MFA state (or refuse with an error), and
/// writes it back with the version it read; a write that lost a race reads and runs `change`
/// again. Nothing is written when `change` leaves the state as it was. Returns the user as
/// stored.
pub(crate) async fn update_mfa<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user_key: &str,
    mut change: impl FnMut(&UserRecord, &mut UserMfa) -> ApiResult<()>,
) -> ApiResult<UserRecord> {
    for _ in 0..RETRIES {
        let mut user = reread(svc, pool, user_key).await?;
        let before = UserMfa::of(&user);
        let mut mfa = before.clone();
        change(&user, &mut mfa)?;
        if mfa == before {
            return Ok(user);
        }
        mfa.store_in(&mut user);
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(stored) => return Ok(stored),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}
