//! `RespondToAuthChallenge` and `AdminRespondToAuthChallenge`: the session is taken (single
//! use), must belong to the client and pool answering, and names the challenge and the user;
//! the answer goes to the module that issued the challenge.

use std::collections::{BTreeMap, HashMap};

use cognito_idp::ErrorCode;
use cognito_idp::server::RequestContext;
use cognito_idp::types::{
    AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse, AttributeType,
    RespondToAuthChallengeRequest, RespondToAuthChallengeResponse,
};

use super::app::{Api, App, ProvedDevice, incorrect, missing, required};
use super::flow::{self, Outcome};
use super::{choice, custom, device, lockout, session, srp};
use crate::domain::attributes::{self, Schema, Write};
use crate::domain::password;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::secret_hash::Missing;
use crate::handlers::sessions::tracking::Seen;
use crate::handlers::{devices, events, mfa, shared};
use crate::state::Cognito;
use crate::store::{Alias, AliasConflict, SessionRecord, Store, StoreError, UserRecord};

/// Wrong MFA codes one session accepts before it ends (AWS lets the user retry a code with the
/// same session: amplify-js keeps the user on the code screen after `CodeMismatchException`).
const MAX_CODE_ATTEMPTS: i64 = choice::MAX_CODE_ATTEMPTS;

/// `Invalid session for the user.`: a session of another client, pool or user, or for another
/// challenge.
fn invalid_session() -> ApiError {
    ApiError::not_authorized("Invalid session for the user.")
}

/// `RespondToAuthChallenge`.
pub async fn respond_to_auth_challenge<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: RespondToAuthChallengeRequest,
) -> ApiResult<RespondToAuthChallengeResponse> {
    let responses = input.challenge_responses.unwrap_or_default();
    let app = App::load(svc, None, &input.client_id)
        .await?
        .with_client_metadata(input.client_metadata)
        .with_device_key(responses.get("DEVICE_KEY"), devices::source_ip(&ctx))
        .seen_as(Seen::of(&ctx))
        .with_event_context(events::Context::of(Some(&ctx), None, input.user_context_data.as_ref()));
    let outcome = run(svc, &app, input.challenge_name.as_str(), input.session.as_deref(), &responses).await?;
    let (challenge_name, session, challenge_parameters, authentication_result, available_challenges) =
        outcome.into_parts();
    Ok(RespondToAuthChallengeResponse {
        challenge_name,
        session,
        challenge_parameters,
        authentication_result,
        available_challenges,
    })
}

/// `AdminRespondToAuthChallenge`.
pub async fn admin_respond_to_auth_challenge<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: AdminRespondToAuthChallengeRequest,
) -> ApiResult<AdminRespondToAuthChallengeResponse> {
    let responses = input.challenge_responses.unwrap_or_default();
    let app = App::load(svc, Some(&input.user_pool_id), &input.client_id)
        .await?
        .with_client_metadata(input.client_metadata)
        .with_device_key(responses.get("DEVICE_KEY"), devices::source_ip(&ctx))
        .seen_as(Seen::of(&ctx))
        .with_event_context(events::Context::of(Some(&ctx), input.context_data.as_ref(), None));
    let outcome = run(svc, &app, input.challenge_name.as_str(), input.session.as_deref(), &responses).await?;
    let (challenge_name, session, challenge_parameters, authentication_result, available_challenges) =
        outcome.into_parts();
    Ok(AdminRespondToAuthChallengeResponse {
        challenge_name,
        session,
        challenge_parameters,
        authentication_result,
        available_challenges,
    })
}

/// An answer from the managed login pages (`app` of [`App::browser`]) to a challenge they were
/// given: the same checks and steps as `RespondToAuthChallenge`, but no `SECRET_HASH`.
pub async fn browser_answer<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    challenge: &str,
    raw_session: &str,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    run(svc, app, challenge, Some(raw_session), responses).await
}

async fn run<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    challenge: &str,
    raw_session: Option<&str>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let username = required(responses, "USERNAME")?;
    // SRP clients answer PASSWORD_VERIFIER without the Session (pycognito does): the secret
    // block they echo names the sign-in (see `session::start_as`).
    let echoed = (challenge == "PASSWORD_VERIFIER").then(|| responses.get("PASSWORD_CLAIM_SECRET_BLOCK")).flatten();
    let raw = raw_session.filter(|s| !s.is_empty()).or(echoed.map(String::as_str)).ok_or_else(|| missing("Session"))?;
    let record = session::take(svc, raw).await?;
    if record.client_id != app.client_id
        || record.pool_id != app.pool.id()
        || session::challenge(&record) != challenge
        || session::is_browser(&record) != (app.api == Api::Browser)
    {
        return Err(invalid_session());
    }
    // The session's user as stored now (a deleted user's session leads nowhere); the answer's
    // USERNAME must name it, by username or alias.
    let user = flow::reread(svc, &app.pool, &record.user_key).await?;
    if let Some(user) = &user {
        let named = flow::find(svc, &app.pool, username).await?;
        if named.is_none_or(|n| n.username_key != user.username_key) && username != user.username {
            return Err(invalid_session());
        }
    } else if app.pool.username_key(username) != record.user_key
        && flow::find(svc, &app.pool, username).await?.is_some()
    {
        return Err(invalid_session());
    }
    let names: Vec<&str> = std::iter::once(username).chain(user.as_ref().map(|u| u.username.as_str())).collect();
    app.check_secret(&names, responses.get("SECRET_HASH").map(String::as_str), Missing::SecretHash)?;
    // The challenges after a proved device go on on it (`handlers::auth::device`).
    let on_device;
    let app = match session::device(&record) {
        Some(key) => {
            on_device = App { device: Some(ProvedDevice { key: key.to_owned(), remembered: false }), ..app.clone() };
            &on_device
        }
        None => app,
    };
    match challenge {
        "PASSWORD_VERIFIER" if srp::custom_state(&record).is_some() => {
            custom::after_password(svc, app, &record, user, responses).await
        }
        "PASSWORD_VERIFIER" => {
            // An unknown device fails the answer but keeps the session, for a retry without it.
            if let Err(e) = device::check_presented(svc, app, &record.user_key).await {
                session::put_back(svc, record).await?;
                return Err(e);
            }
            srp::answer(svc, app, &record, user, responses).await
        }
        "DEVICE_SRP_AUTH" => device::answer_srp_auth(svc, app, &record, user, responses).await,
        "DEVICE_PASSWORD_VERIFIER" => device::answer_verifier(svc, app, &record, user, responses).await,
        "CUSTOM_CHALLENGE" => custom::answer(svc, app, &record, user, responses).await,
        "NEW_PASSWORD_REQUIRED" => {
            let user = user.ok_or_else(invalid_session)?;
            new_password(svc, app, user, responses).await
        }
        "SELECT_CHALLENGE" => choice::answer_select(svc, app, &record, user, responses).await,
        "WEB_AUTHN" => super::passkey::answer(svc, app, &record, user, responses).await,
        "EMAIL_OTP" | "SMS_OTP" if choice::is_first_factor(&record) => {
            choice::answer_code(svc, app, record, user, responses).await
        }
        "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "SELECT_MFA_TYPE" | "MFA_SETUP" => {
            let user = user.ok_or_else(incorrect)?;
            answer_mfa(svc, app, record, user, responses).await
        }
        other => Err(ApiError::invalid_parameter(format!("The challenge {other} is not supported."))),
    }
}

/// An MFA answer, checked by the MFA module. A wrong code counts for the lockout (AWS's
/// developer guide: five wrong MFA codes start the same exponential lockout as passwords) and
/// puts the session back for another try.
async fn answer_mfa<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: SessionRecord,
    user: UserRecord,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    flow::check_usable(&user)?;
    let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
    let answers: HashMap<String, String> = responses.clone().into_iter().collect();
    let name = session::challenge(&record).to_owned();
    match mfa::check_answer(svc, &app.pool, &app.client, &user, &name, session::state(&record), &answers).await {
        Ok(mfa::Next::Tokens(user)) => {
            lockout::succeeded(svc, app.pool.id(), &user.username_key, failures).await?;
            flow::issue(svc, app, &user).await
        }
        Ok(mfa::Next::Challenge(step)) => flow::mfa_challenge(svc, app, &user, step).await,
        Err(e) if e.code == ErrorCode::CodeMismatchException => {
            events::mfa_failed(svc, &app.pool, &user).await;
            lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
            if session::attempts(&record) + 1 < MAX_CODE_ATTEMPTS {
                session::put_back(svc, record).await?;
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The answer to `NEW_PASSWORD_REQUIRED`: `NEW_PASSWORD` (the pool's policy applies) and
/// `userAttributes.<name>` values, which must supply every required attribute the user lacks
/// (`requiredAttributes`) and may set other writable ones. The user becomes `CONFIRMED`; MFA or
/// tokens follow.
async fn new_password<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    user: UserRecord,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    if user.status != "FORCE_CHANGE_PASSWORD" {
        return Err(invalid_session());
    }
    flow::check_usable(&user)?;
    let new = required(responses, "NEW_PASSWORD")?;
    let schema = Schema::of(&app.pool.doc);
    let given: Vec<AttributeType> = responses
        .iter()
        .filter_map(|(key, value)| {
            key.strip_prefix("userAttributes.")
                .map(|name| AttributeType { name: name.to_owned(), value: Some(value.clone()) })
        })
        .collect();
    attributes::check(&schema, &given, Write::Update)?;
    let supplied: HashMap<String, String> =
        given.iter().map(|a| (a.name.clone(), a.value.clone().unwrap_or_default())).collect();
    let lacking = flow::missing_required(&app.pool, &user, &supplied);
    if !lacking.is_empty() {
        let problems: Vec<(String, String)> = lacking
            .iter()
            .map(|name| (name.trim_start_matches("userAttributes.").to_owned(), attributes::REQUIRED.to_owned()))
            .collect();
        return Err(attributes::schema_error(Write::Create, &problems));
    }
    let policy =
        app.pool.doc.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_else(password::default_policy);
    password::check(new, &policy)?;
    let stored = super::stored_password(svc, &app.pool, &user.username, new).await?;
    let mut current = user;
    for _ in 0..8 {
        let mut next = current.clone();
        stored.apply(&mut next);
        next.status = "CONFIRMED".into();
        next.temporary_password_expires_ms = None;
        for attribute in &given {
            let value = attribute.value.as_deref().unwrap_or("");
            if value.is_empty() {
                next.remove_attribute(&attribute.name);
            } else {
                next.set_attribute(&attribute.name, attributes::normalize(&schema, &attribute.name, value));
            }
        }
        next.modified_ms = svc.clock.now_ms();
        let aliases: Vec<Alias> = attributes::aliases(&app.pool.doc, &next.attributes)
            .into_iter()
            .map(|(kind, value)| Alias { kind: kind.to_owned(), key: shared::alias_key(&app.pool, kind, value) })
            .collect();
        match svc.store.update_user(next, aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(saved) => {
                let source = crate::handlers::triggered::pre_token_generation::Source::NewPasswordChallenge;
                return flow::mfa_or_tokens_as(svc, app, &saved, source).await;
            }
            Err(StoreError::Conflict) => match flow::reread(svc, &app.pool, &current.username_key).await? {
                Some(fresh) if fresh.status == "FORCE_CHANGE_PASSWORD" => current = fresh,
                _ => return Err(invalid_session()),
            },
            Err(StoreError::NotFound) => return Err(invalid_session()),
            Err(StoreError::AliasExists(kind)) => {
                return Err(ApiError::new(ErrorCode::AliasExistsException, attributes::alias_taken_message(&kind)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}
