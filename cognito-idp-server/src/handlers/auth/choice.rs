//! `USER_AUTH`, choice-based sign-in: the user picks a first factor among those the pool allows
//! (`Policies.SignInPolicy.AllowedFirstAuthFactors`, `PASSWORD` alone by default) and the user
//! can use, either up front (`PREFERRED_CHALLENGE`) or when answering `SELECT_CHALLENGE`
//! (`ANSWER`). Factors: `PASSWORD` (the password in the same call), `PASSWORD_SRP` (`SRP_A`,
//! then `PASSWORD_VERIFIER`), `EMAIL_OTP` and `SMS_OTP` (a code sent through the outbox, kept
//! hashed in the session). Parameter names as AWS's API reference for `ChallengeResponseType`
//! gives them. `WEB_AUTHN` (a passkey, `handlers::auth::passkey`) is offered to users who have one.

use std::collections::BTreeMap;

use super::app::{App, code_mismatch, incorrect, required};
use super::flow::{self, Disclosure, Outcome};
use super::{lockout, session, srp};
use crate::domain::codes;
use crate::domain::mask::{Delivery, Medium};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::{self, Occasion, Sent};
use crate::handlers::secret_hash::Missing;
use crate::handlers::triggered::custom_message::Source;
use crate::handlers::{mfa, passkeys};
use crate::state::{Cognito, Pool};
use crate::store::{SessionRecord, Store, UserRecord};

/// Wrong codes one OTP challenge accepts before its session ends.
pub const MAX_CODE_ATTEMPTS: i64 = 3;

/// Digits of a sign-in code (AWS's passwordless codes are longer than its six-digit MFA codes).
const OTP_DIGITS: usize = 8;

/// The first factors the pool allows, as challenge names (`PASSWORD` allows both password
/// challenges).
pub fn pool_factors(pool: &Pool) -> Vec<&'static str> {
    let allowed: Vec<String> = pool
        .doc
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|s| s.allowed_first_auth_factors.as_ref())
        .map(|f| f.iter().map(|f| f.as_str().to_owned()).collect())
        .unwrap_or_else(|| vec!["PASSWORD".to_owned()]);
    let mut factors = Vec::new();
    if allowed.iter().any(|f| f == "PASSWORD") {
        factors.extend(["PASSWORD", "PASSWORD_SRP"]);
    }
    for other in ["EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] {
        if allowed.iter().any(|f| f == other) {
            factors.push(other);
        }
    }
    factors
}

fn has(user: &UserRecord, attribute: &str) -> bool {
    user.attribute(attribute).is_some_and(|v| !v.is_empty())
}

/// The first factors `user` can use among the pool's: a password, an email address, a phone
/// number, a passkey (`has_passkey`: see [`passkeys::has_any`]).
pub fn user_factors(pool: &Pool, user: &UserRecord, has_passkey: bool) -> Vec<String> {
    pool_factors(pool)
        .into_iter()
        .filter(|factor| match *factor {
            "PASSWORD" | "PASSWORD_SRP" => user.password_hash.is_some(),
            "EMAIL_OTP" => has(user, "email"),
            "WEB_AUTHN" => has_passkey,
            _ => has(user, "phone_number"),
        })
        .map(str::to_owned)
        .collect()
}

/// `InitiateAuth` / `AdminInitiateAuth` with `USER_AUTH`. An unknown user is not disclosed,
/// whatever the client's `PreventUserExistenceErrors`: AWS answers with the pool's challenges
/// and fails later (developer guide, "Managing user existence error responses": choice-based
/// authentication is not affected by the setting).
pub async fn initiate<S: Store>(svc: &Cognito<S>, app: &App, params: &BTreeMap<String, String>) -> ApiResult<Outcome> {
    let username = required(params, "USERNAME")?;
    let user = flow::find(svc, &app.pool, username).await?;
    let names: Vec<&str> = std::iter::once(username).chain(user.as_ref().map(|u| u.username.as_str())).collect();
    app.check_secret(&names, params.get("SECRET_HASH").map(String::as_str), Missing::SecretHash)?;
    // PreAuthentication once per choice-based sign-in, as it starts (InitiateAuth carries the
    // validation data), whichever factor follows.
    flow::pre_authentication(svc, app, username, user.as_ref()).await?;
    let Some(user) = user else {
        // A password sign-in of a user the pool does not have yet: the UserMigration trigger
        // may bring it in, as for USER_PASSWORD_AUTH (never for passwordless factors: "Amazon
        // Cognito doesn't invoke this trigger when users authenticate with passwordless
        // sign-in", AWS's guide on the trigger).
        if params.get("PREFERRED_CHALLENGE").is_some_and(|p| p == "PASSWORD")
            && pool_factors(&app.pool).contains(&"PASSWORD")
            && migrates(app)
            && let Some(password) = params.get("PASSWORD")
        {
            return flow::migrate(svc, app, username, password, Disclosure::Never).await;
        }
        let available: Vec<String> = pool_factors(&app.pool).into_iter().map(str::to_owned).collect();
        let key = app.pool.username_key(username);
        return select(svc, app, &key, available, false).await;
    };
    flow::check_usable(&user)?;
    let has_passkey =
        pool_factors(&app.pool).contains(&"WEB_AUTHN") && passkeys::has_any(svc, &app.pool, &user).await?;
    let available = user_factors(&app.pool, &user, has_passkey);
    match params.get("PREFERRED_CHALLENGE").filter(|p| available.contains(p)) {
        Some(preferred) => start_factor(svc, app, &user, preferred, params).await,
        None => select(svc, app, &user.username_key, available, true).await,
    }
}

/// Whether the pool has a UserMigration function.
fn migrates(app: &App) -> bool {
    crate::triggers::function_of(&app.pool.doc, crate::triggers::Trigger::UserMigration).is_some()
}

/// `SELECT_CHALLENGE` with the factors offered.
async fn select<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user_key: &str,
    available: Vec<String>,
    real: bool,
) -> ApiResult<Outcome> {
    let state = serde_json::json!({ "available": available, "real": real });
    let mut outcome =
        flow::challenge(svc, app, user_key, "SELECT_CHALLENGE", BTreeMap::new(), state, Sent::default()).await?;
    outcome.available = Some(available);
    Ok(outcome)
}

/// Starts the factor `factor` with what the call carries (`PASSWORD`, `SRP_A`).
async fn start_factor<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: &UserRecord,
    factor: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    match factor {
        "PASSWORD" => {
            let password = required(params, "PASSWORD")?;
            flow::verify_password(svc, app, user, password).await?;
            flow::after_first_factor(svc, app, user).await
        }
        "PASSWORD_SRP" => {
            let srp_a = required(params, "SRP_A")?;
            srp::start(svc, app, &user.username, Some(user), srp_a).await
        }
        "WEB_AUTHN" => super::passkey::start(svc, app, user).await,
        otp => send_code(svc, app, user, otp).await,
    }
}

/// Sends a sign-in code by email or SMS and asks for it (`CODE_DELIVERY_DELIVERY_MEDIUM`,
/// `CODE_DELIVERY_DESTINATION`, masked).
async fn send_code<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord, factor: &str) -> ApiResult<Outcome> {
    let medium = if factor == "EMAIL_OTP" { Medium::Email } else { Medium::Sms };
    let destination = user.attribute(medium.attribute()).unwrap_or_default();
    let delivery = Delivery::new(medium, destination);
    let code: String = codes::new_code().chars().chain(codes::new_code().chars()).take(OTP_DIGITS).collect();
    // A sign-in code is CustomMessage_Authentication's, as MFA codes are (AWS's guide on custom
    // SMS senders: "Amazon Cognito sends an SMS OTP or MFA code" for `_Authentication`).
    let occasion = Occasion::new(Source::Authentication, factor).client(&app.client_id);
    let template = mfa::authentication_template(&app.pool);
    let to = std::slice::from_ref(&delivery);
    let sent = messages::compose_with(svc, &app.pool, user, occasion, to, &code, template).await?;
    let parameters = BTreeMap::from([
        ("CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(), medium.as_str().to_owned()),
        ("CODE_DELIVERY_DESTINATION".to_owned(), delivery.masked()),
        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
    ]);
    let state = serde_json::json!({
        "otp": factor,
        "codeHash": codes::hash(&code, &user.username_key, &purpose(factor)),
    });
    flow::challenge(svc, app, &user.username_key, factor, parameters, state, sent).await
}

fn purpose(factor: &str) -> String {
    format!("SIGN_IN_{factor}")
}

/// The answer to `SELECT_CHALLENGE`: `ANSWER` must be one of the challenges offered.
pub async fn answer_select<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let answer = required(responses, "ANSWER")?;
    let state = session::state(record);
    let offered: Vec<&str> = state
        .get("available")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if !offered.contains(&answer) {
        return Err(ApiError::invalid_parameter(format!("The challenge {answer} is not available for this user.")));
    }
    let real = state.get("real").and_then(|v| v.as_bool()).unwrap_or(false);
    match user.filter(|_| real) {
        Some(user) => {
            flow::check_usable(&user)?;
            start_factor(svc, app, &user, answer, responses).await
        }
        // An unknown user: a password check that always fails, an SRP challenge no claim
        // satisfies, or a code that was never sent.
        None => match answer {
            "PASSWORD" if migrates(app) => {
                let (username, password) = (required(responses, "USERNAME")?, required(responses, "PASSWORD")?);
                flow::migrate(svc, app, username, password, Disclosure::Never).await
            }
            "PASSWORD" => {
                flow::spend_a_check(svc, required(responses, "PASSWORD")?).await;
                Err(incorrect())
            }
            "PASSWORD_SRP" => {
                let username = required(responses, "USERNAME")?;
                srp::start(svc, app, username, None, required(responses, "SRP_A")?).await
            }
            // An unknown user has no passkey to offer.
            "WEB_AUTHN" => Err(incorrect()),
            otp => {
                let medium = if otp == "EMAIL_OTP" { "EMAIL" } else { "SMS" };
                let parameters = BTreeMap::from([("CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(), medium.to_owned())]);
                let state = serde_json::json!({ "otp": otp, "codeHash": "" });
                flow::challenge(svc, app, &record.user_key, otp, parameters, state, Sent::default()).await
            }
        },
    }
}

/// Whether a session of `EMAIL_OTP` / `SMS_OTP` is a sign-in code of this module (the same
/// challenge names also serve email and SMS MFA, which the MFA module checks).
pub fn is_first_factor(record: &SessionRecord) -> bool {
    session::state(record).get("otp").is_some()
}

/// The answer to a sign-in code (`EMAIL_OTP_CODE`, `SMS_OTP_CODE`). A wrong code puts the
/// session back for another try, [`MAX_CODE_ATTEMPTS`] in all, and counts for the lockout.
/// A right one completes the sign-in: a passwordless first factor is not followed by MFA.
pub async fn answer_code<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let factor = session::challenge(&record).to_owned();
    let code = required(responses, &format!("{factor}_CODE"))?;
    let hash = session::state(&record).get("codeHash").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let Some(user) = user else {
        return Err(code_mismatch());
    };
    flow::check_usable(&user)?;
    let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
    if hash.is_empty() || !codes::matches(code, &user.username_key, &purpose(&factor), &hash) {
        lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
        if session::attempts(&record) + 1 < MAX_CODE_ATTEMPTS {
            session::put_back(svc, record).await?;
        }
        return Err(code_mismatch());
    }
    lockout::succeeded(svc, app.pool.id(), &user.username_key, failures).await?;
    flow::check_confirmed(svc, &user)?;
    flow::issue(svc, app, &user).await
}
