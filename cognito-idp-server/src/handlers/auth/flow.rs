//! What every sign-in flow shares: finding the user, the checks of its state, the password
//! check, and what follows a correct first factor (a new password, MFA, or tokens).

use std::collections::{BTreeMap, HashMap};

use cognito_idp::ErrorCode;
use cognito_idp::types::{AuthenticationResultType, ChallengeNameType};

use super::app::{Api, App, incorrect};
use super::{device, lockout, session};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::Sent;
use crate::handlers::risk::assess::{self, Occasion};
use crate::handlers::triggered::pre_token_generation::{Generation, Source};
use crate::handlers::triggered::user_migration::{self, Migrated};
use crate::handlers::triggered::{post_authentication, pre_authentication};
use crate::handlers::{devices, events, mfa, shared};
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError, UserRecord};
use crate::tokens;

/// Where a sign-in step leaves the user: a challenge to answer (with its session), or tokens.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The next challenge, if any.
    pub challenge_name: Option<String>,
    /// The session to answer it with.
    pub session: Option<String>,
    /// Its parameters (an empty map with tokens, as AWS sends it).
    pub parameters: BTreeMap<String, String>,
    /// The tokens, when sign-in is complete.
    pub result: Option<AuthenticationResultType>,
    /// `AvailableChallenges` of `SELECT_CHALLENGE`.
    pub available: Option<Vec<String>>,
    /// The user, when a sign-in through the managed login pages is complete (they issue an
    /// authorization code or tokens of their own instead of the API's).
    pub signed_in: Option<Box<UserRecord>>,
}

impl Outcome {
    /// The fields every sign-in response has, in the generated types.
    #[allow(clippy::type_complexity)]
    pub fn into_parts(
        self,
    ) -> (
        Option<ChallengeNameType>,
        Option<String>,
        Option<BTreeMap<String, String>>,
        Option<AuthenticationResultType>,
        Option<Vec<ChallengeNameType>>,
    ) {
        let available = self.available.map(|names| names.iter().map(|n| ChallengeNameType::from(n.as_str())).collect());
        (
            self.challenge_name.as_deref().map(ChallengeNameType::from),
            self.session,
            Some(self.parameters),
            self.result,
            available,
        )
    }
}

/// Starts a challenge `name` for `user_key`: the session (with `state` and the codes `sent`
/// stores, handed to custom senders once it is stored) and the outcome that names it.
pub async fn challenge<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user_key: &str,
    name: &str,
    parameters: BTreeMap<String, String>,
    state: serde_json::Value,
    mut sent: Sent,
) -> ApiResult<Outcome> {
    let ttl = session::ttl_ms(&app.client);
    let browser = app.api == Api::Browser;
    let outbox = sent.take_outbox();
    let device = app.device.as_ref().map(|d| d.key.as_str());
    let (pool_id, client_id) = (app.pool.id(), app.client_id.as_str());
    let raw = session::start(svc, pool_id, client_id, user_key, name, state, ttl, outbox, browser, device).await?;
    sent.hand_off(svc).await;
    Ok(Outcome { challenge_name: Some(name.to_owned()), session: Some(raw), parameters, ..Outcome::default() })
}

/// A sign-in with a password by a user the pool does not have: the pool's UserMigration
/// trigger, when it has one, may create the user with this password
/// (`handlers::triggered::user_migration`), and the sign-in goes on with it (a user it leaves
/// `RESET_REQUIRED` gets `PasswordResetRequiredException`, as AWS's guide says). The sign-in's
/// `ClientMetadata` is the event's `validationData`. A user the function does not know is
/// disclosed as `disclosure` says.
pub async fn migrate<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    password: &str,
    disclosure: Disclosure,
) -> ApiResult<Outcome> {
    let request = user_migration::Request {
        source: user_migration::Source::Authentication,
        username,
        password: Some(password),
        client_id: &app.client_id,
        validation_data: app.validation_data.as_ref(),
        client_metadata: None,
    };
    let hidden = disclosure == Disclosure::Never || app.hides_unknown_users();
    match user_migration::run(svc, &app.pool, request).await? {
        Migrated::User(user) => {
            check_usable(&user)?;
            check_confirmed(svc, &user)?;
            after_first_factor(svc, app, &user).await
        }
        Migrated::NoTrigger => {
            spend_a_check(svc, password).await;
            Err(if hidden { incorrect() } else { app.unknown_user() })
        }
        Migrated::NotFound if hidden => Err(incorrect()),
        Migrated::NotFound => Err(user_migration::not_migrated(&app.client_id)),
    }
}

/// Whether a sign-in may say that a user does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// As the client's `PreventUserExistenceErrors` says.
    AsTheClientSays,
    /// Never (choice-based sign-in, which the setting does not affect).
    Never,
}

/// The user `username` names (its username or a sign-in alias), if any.
pub async fn find<S: Store>(svc: &Cognito<S>, pool: &Pool, username: &str) -> ApiResult<Option<UserRecord>> {
    match shared::find_user(svc, pool, username).await {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.code == ErrorCode::UserNotFoundException => Ok(None),
        Err(e) => Err(e),
    }
}

/// The user a session was issued for, as stored now.
pub async fn reread<S: Store>(svc: &Cognito<S>, pool: &Pool, user_key: &str) -> ApiResult<Option<UserRecord>> {
    match svc.store.get_user(pool.id(), user_key).await {
        Ok(user) => Ok(Some(user)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// States that end a sign-in before any password is looked at: a disabled user
/// (`User is disabled.`, NotAuthorizedException, quoted in localstack issue 8454 and moto issue
/// 6552) and one whose password an administrator reset (`Password reset required for the
/// user`, PasswordResetRequiredException: the old password no longer exists).
pub fn check_usable(user: &UserRecord) -> ApiResult<()> {
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    if user.status == "RESET_REQUIRED" {
        return Err(ApiError::new(ErrorCode::PasswordResetRequiredException, "Password reset required for the user"));
    }
    Ok(())
}

/// States that end a sign-in once the password proved right: an expired temporary password
/// (`Temporary password has expired and must be reset by an administrator.`, the message AWS's
/// developer guide gives for it) and an unconfirmed user (`User is not confirmed.`,
/// UserNotConfirmedException).
pub fn check_confirmed<S: Store>(svc: &Cognito<S>, user: &UserRecord) -> ApiResult<()> {
    if user.status == "FORCE_CHANGE_PASSWORD"
        && user.temporary_password_expires_ms.is_some_and(|expires| expires <= svc.clock.now_ms())
    {
        return Err(ApiError::not_authorized("Temporary password has expired and must be reset by an administrator."));
    }
    if user.status == "UNCONFIRMED" {
        return Err(ApiError::new(ErrorCode::UserNotConfirmedException, "User is not confirmed."));
    }
    Ok(())
}

/// Checks `password` against `user`'s Argon2id hash, with the lockout: `Password attempts
/// exceeded` while locked out, a failure counted on a wrong password, the count cleared on a
/// right one.
pub async fn verify_password<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: &UserRecord,
    password: &str,
) -> ApiResult<()> {
    check_usable(user)?;
    let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
    let right = match &user.password_hash {
        Some(hash) => svc.hasher.verify(password.to_owned(), hash.clone()).await,
        None => false,
    };
    if !right {
        events::password_failed(svc, &app.pool, user, &app.event_context).await;
        lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
        return Err(incorrect());
    }
    lockout::succeeded(svc, app.pool.id(), &user.username_key, failures).await?;
    check_confirmed(svc, user)?;
    assess::password(svc, &app.pool, Some(&app.client_id), Some(user), password, Occasion::SignIn, &app.event_context)
        .await
}

/// Spends about the time a password check takes for a user that does not exist, so the answer's
/// timing does not tell an unknown username from a wrong password.
pub async fn spend_a_check<S: Store>(svc: &Cognito<S>, password: &str) {
    // A hash of the cost in use, made once per process.
    static DUMMY: tokio::sync::OnceCell<Option<String>> = tokio::sync::OnceCell::const_new();
    let dummy = DUMMY.get_or_init(|| async { svc.hasher.hash("not a password".into()).await.ok() }).await;
    if let Some(hash) = dummy {
        let _ = svc.hasher.verify(password.to_owned(), hash.clone()).await;
    }
}

/// The JSON form of a list of names, as Cognito's list-valued challenge parameters are.
pub fn json_list(names: &[String]) -> String {
    serde_json::to_string(names).unwrap_or_else(|_| "[]".into())
}

/// After a correct first factor (password or SRP proof): `NEW_PASSWORD_REQUIRED` for a user on
/// a temporary password, then MFA, then tokens.
pub async fn after_first_factor<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Outcome> {
    if user.status == "FORCE_CHANGE_PASSWORD" {
        return new_password_required(svc, app, user).await;
    }
    if let Some(outcome) = device::start(svc, app, user).await? {
        return Ok(outcome);
    }
    mfa_or_tokens(svc, app, user).await
}

/// The `NEW_PASSWORD_REQUIRED` challenge. Its parameters as AWS sends them: `userAttributes`,
/// the user's attributes as a JSON object (without `sub`), `requiredAttributes`, a JSON list
/// of the pool's required attributes the user lacks as `userAttributes.<name>`, and
/// `USER_ID_FOR_SRP` (AdminInitiateAuth's API reference; amazon-cognito-identity-js reads
/// both JSON strings).
async fn new_password_required<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Outcome> {
    let attributes: serde_json::Map<String, serde_json::Value> = user
        .attributes
        .iter()
        .filter(|(name, _)| name != "sub")
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    let required = missing_required(&app.pool, user, &HashMap::new());
    let parameters = BTreeMap::from([
        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
        ("userAttributes".to_owned(), serde_json::Value::Object(attributes).to_string()),
        ("requiredAttributes".to_owned(), json_list(&required)),
    ]);
    let state = serde_json::json!({ "newPassword": true });
    challenge(svc, app, &user.username_key, "NEW_PASSWORD_REQUIRED", parameters, state, Sent::default()).await
}

/// The pool's required attributes (as `userAttributes.<name>`) that `user` lacks and `given`
/// does not supply.
pub fn missing_required(pool: &Pool, user: &UserRecord, given: &HashMap<String, String>) -> Vec<String> {
    crate::domain::attributes::Schema::of(&pool.doc)
        .attributes()
        .iter()
        .filter(|a| a.required && a.name != "sub")
        .filter(|a| user.attribute(&a.name).is_none_or(str::is_empty))
        .filter(|a| given.get(&a.name).is_none_or(|v| v.is_empty()))
        .map(|a| format!("userAttributes.{}", a.name))
        .collect()
}

/// MFA if the pool and user call for it, otherwise tokens.
pub async fn mfa_or_tokens<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Outcome> {
    mfa_or_tokens_as(svc, app, user, Source::Authentication).await
}

/// [`mfa_or_tokens`], tokens issued for the PreTokenGeneration source `source`
/// (`TokenGeneration_NewPasswordChallenge` after a new password).
pub async fn mfa_or_tokens_as<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: &UserRecord,
    source: Source,
) -> ApiResult<Outcome> {
    assess::sign_in(svc, &app.pool, &app.client_id, user, &app.event_context).await?;
    if app.device.as_ref().is_some_and(|d| d.remembered) && devices::remembered_skips_mfa(&app.pool) {
        return issue_as(svc, app, user, source).await;
    }
    match mfa::next_step(svc, &app.pool, &app.client, user).await? {
        Some(step) => mfa_challenge(svc, app, user, step).await,
        None => issue_as(svc, app, user, source).await,
    }
}

/// An MFA challenge the MFA module chose, with its session (its state kept as the MFA module
/// gave it) and `USER_ID_FOR_SRP`.
pub async fn mfa_challenge<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: &UserRecord,
    step: mfa::Challenge,
) -> ApiResult<Outcome> {
    let mut parameters: BTreeMap<String, String> = step.parameters.into_iter().collect();
    parameters.insert("USER_ID_FOR_SRP".to_owned(), user.username.clone());
    events::mfa_asked(svc, &app.pool, user).await;
    challenge(svc, app, &user.username_key, &step.name, parameters, step.state, step.sent).await
}

/// The PreAuthentication trigger before `username`'s first factor is checked (`user`: whom the
/// name found). Called by every flow that checks a first factor (password, SRP, choice), once
/// per sign-in, before anything is counted against the user.
pub async fn pre_authentication<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    user: Option<&UserRecord>,
) -> ApiResult<()> {
    let hides = app.hides_unknown_users();
    pre_authentication::run(svc, &app.pool, &app.client_id, username, user, hides, app.validation_data.as_ref()).await
}

/// Tokens for a completed sign-in (the user, for the managed login pages):
/// `TokenGeneration_Authentication`.
pub async fn issue<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Outcome> {
    issue_as(svc, app, user, Source::Authentication).await
}

/// [`issue`] for the PreTokenGeneration source `source`. The PostAuthentication trigger runs
/// first, for every sign-in (the managed login pages' too): its failure fails the sign-in and
/// no tokens are issued.
pub async fn issue_as<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord, source: Source) -> ApiResult<Outcome> {
    let metadata = app.client_metadata.as_ref();
    // A sign-in through the API without a proved device, in a pool that remembers devices, is
    // on a new one (it gets `NewDeviceMetadata` below).
    let new_device_used = app.api != Api::Browser && app.device.is_none() && devices::remembers(&app.pool);
    post_authentication::run(svc, &app.pool, &app.client_id, user, metadata, new_device_used).await?;
    events::signed_in(svc, &app.pool, user, &app.event_context).await;
    if app.api == Api::Browser {
        return Ok(Outcome { signed_in: Some(Box::new(user.clone())), ..Outcome::default() });
    }
    let now_s = svc.clock.now_ms() / 1000;
    // A sign-in that ended with its device's authentication (DEVICE_SRP_AUTH, then any MFA) is
    // `TokenGeneration_AuthenticateDevice` ("End of the authentication of a user device", AWS's
    // guide on the pre token generation trigger's sources).
    let source =
        if source == Source::Authentication && app.device.is_some() { Source::AuthenticateDevice } else { source };
    let generation = Generation::with_metadata(source, metadata);
    // A sign-in on a proved device keeps it; any other, in a pool that tracks devices, is
    // given a new one (`NewDeviceMetadata`), which its tokens are bound to.
    let new_device = match &app.device {
        Some(_) => None,
        None => devices::new_metadata(svc, &app.pool),
    };
    let device_key = app.device.as_ref().map(|d| d.key.clone()).or_else(|| new_device.as_ref()?.device_key.clone());
    let mut result =
        tokens::issue_on_device(svc, &app.pool, &app.client, user, now_s, &generation, device_key, &app.seen).await?;
    result.new_device_metadata = new_device;
    Ok(Outcome { result: Some(result), ..Outcome::default() })
}
