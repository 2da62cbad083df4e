//! Password recovery: `ForgotPassword` and `ConfirmForgotPassword`.
//!
//! Public operations (no SigV4, no token): the caller names an app client and a user, with
//! `SECRET_HASH` for clients with a secret (checked as sign-up checks it). `ForgotPassword`
//! sends a code to the user's verified email or phone number (the pool's
//! `AccountRecoverySetting` decides which) and changes nothing else: the old password keeps
//! working until `ConfirmForgotPassword` sets the new one with the code. Codes are stored
//! hashed (purpose [`one_time_codes::RESET_PASSWORD`], the one `AdminResetUserPassword` uses), work
//! for an hour, survive five wrong guesses, and are used once.
//!
//! With the client's `PreventUserExistenceErrors` `ENABLED`, nothing tells whether a user
//! exists: AWS's developer guide ("Managing user existence error responses") says
//! `ForgotPassword` answers "CodeDeliveryDetails with a simulated delivery medium" when the user
//! "isn't found, is deactivated, or doesn't have a verified delivery mechanism", and
//! `ConfirmForgotPassword` answers `CodeMismatchException` "for users that don't exist or are
//! disabled".

use cognito_idp::ErrorCode;
use cognito_idp::server::RequestContext;
use cognito_idp::types::*;

use crate::domain::password;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::app::App;
use crate::handlers::events;
use crate::handlers::messages::Occasion;
use crate::handlers::one_time_codes::{self, WhenAbsent, attempt_limit, code_mismatch, simulated_delivery};
use crate::handlers::risk::assess;
use crate::handlers::secret_hash::Missing;
use crate::handlers::shared::{Pool, find_user, user_aliases};
use crate::handlers::triggered::custom_message::Source;
use crate::handlers::triggered::post_confirmation;
use crate::handlers::triggered::user_migration::{self, Migrated};
use crate::handlers::users;
use crate::state::Cognito;
use crate::store::{AliasConflict, Store, StoreError, UserRecord};

/// The outbox kind of the code `ForgotPassword` sends.
pub const KIND_FORGOT_PASSWORD: &str = "FORGOT_PASSWORD";

/// Where `ForgotPassword` keeps the times of a user's recent requests, in the user's `extra`.
const REQUESTS_KEY: &str = "forgotPasswordRequests";
/// Requests a user may make in [`REQUEST_WINDOW_MS`]; the next one is refused. AWS's guide
/// ("Forgot password behavior"): "In a given hour, we allow between 5 and 20 attempts for a user
/// to request or enter a password reset code"; amazon-cognito-identity-js issue 548 saw
/// `LimitExceededException` after five requests.
const MAX_REQUESTS: usize = 5;
/// The window requests are counted in: an hour.
const REQUEST_WINDOW_MS: i64 = 60 * 60 * 1000;
/// How often a write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 8;

/// `UserNotFoundException: Username/client id combination not found.`, AWS's answer on the
/// public operations (aws-amplify/aws-sdk-ios issue 4837 shows it for ForgotPassword).
fn user_not_found() -> ApiError {
    ApiError::new(ErrorCode::UserNotFoundException, "Username/client id combination not found.")
}

/// Finds the user a public recovery request names: by username, or by an alias or username
/// attribute the pool signs in with (AWS's reference: "you can use the username or an email,
/// phone, or preferred username alias").
async fn find<S: Store>(svc: &Cognito<S>, pool: &Pool, username: &str) -> ApiResult<Option<UserRecord>> {
    match find_user(svc, pool, username).await {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.code == ErrorCode::UserNotFoundException => Ok(None),
        Err(e) => Err(e),
    }
}

/// Counts a request in the user's recent requests, or `LimitExceededException` when the hour's
/// allowance is spent. Returns the user as stored after it.
async fn count_request<S: Store>(svc: &Cognito<S>, pool: &Pool, mut user: UserRecord) -> ApiResult<UserRecord> {
    for _ in 0..RETRIES {
        let now = svc.clock.now_ms();
        let mut recent: Vec<i64> = user
            .extra
            .get(REQUESTS_KEY)
            .and_then(|v| v.as_array())
            .map(|times| times.iter().filter_map(|t| t.as_i64()).filter(|t| now - t < REQUEST_WINDOW_MS).collect())
            .unwrap_or_default();
        if recent.len() >= MAX_REQUESTS {
            return Err(attempt_limit());
        }
        recent.push(now);
        user.extra.insert(REQUESTS_KEY.into(), serde_json::json!(recent));
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user.clone(), aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(stored) => return Ok(stored),
            Err(StoreError::Conflict) => {
                user = match svc.store.get_user(pool.id(), &user.username_key).await {
                    Ok(fresh) => fresh,
                    Err(StoreError::NotFound) => return Err(user_not_found()),
                    Err(e) => return Err(e.into()),
                };
            }
            Err(StoreError::NotFound) => return Err(user_not_found()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `ForgotPassword`.
pub async fn forgot_password<S: Store>(
    svc: &Cognito<S>,
    input: ForgotPasswordRequest,
) -> ApiResult<ForgotPasswordResponse> {
    let context = events::Context::of(None, None, input.user_context_data.as_ref());
    forgot_password_with(svc, input, context).await
}

/// [`forgot_password`] through the API, whose caller's address threat protection's event records.
pub async fn forgot_password_at<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: ForgotPasswordRequest,
) -> ApiResult<ForgotPasswordResponse> {
    let context = events::Context::of(Some(&ctx), None, input.user_context_data.as_ref());
    forgot_password_with(svc, input, context).await
}

async fn forgot_password_with<S: Store>(
    svc: &Cognito<S>,
    input: ForgotPasswordRequest,
    context: events::Context,
) -> ApiResult<ForgotPasswordResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    app.check_secret(&[&input.username], input.secret_hash.as_deref(), Missing::Secret)?;
    let pool = &app.pool;
    // With PreventUserExistenceErrors, every answer that would disclose the user is a
    // simulated delivery instead; nothing is stored for it.
    let hidden = |app: &App| {
        Ok(ForgotPasswordResponse { code_delivery_details: Some(simulated_delivery(&app.pool.doc, &input.username)) })
    };
    let user = match find(svc, pool, &input.username).await? {
        Some(user) => user,
        // An unknown user: the pool's UserMigration trigger may create it
        // (`handlers::triggered::user_migration`), and the reset goes on with it.
        None => {
            let request = user_migration::Request {
                source: user_migration::Source::ForgotPassword,
                username: &input.username,
                password: None,
                client_id: &app.client_id,
                validation_data: None,
                client_metadata: input.client_metadata.as_ref(),
            };
            match user_migration::run(svc, pool, request).await? {
                Migrated::User(user) => *user,
                _ if app.hides_unknown_users() => return hidden(&app),
                Migrated::NoTrigger => return Err(user_not_found()),
                Migrated::NotFound => return Err(user_migration::not_migrated(&app.client_id)),
            }
        }
    };
    if !user.enabled {
        // `NotAuthorizedException: User is disabled.` (amazon-cognito-identity-js issue 373).
        return if app.hides_unknown_users() {
            hidden(&app)
        } else {
            Err(ApiError::not_authorized("User is disabled."))
        };
    }
    if user.status == "FORCE_CHANGE_PASSWORD" {
        // A user who never set a password has none to recover: AWS answers this, as several
        // projects handle it word for word (and aws-amplify/amplify-js issue 6543 reports that
        // no code is sent to such users).
        return Err(ApiError::not_authorized("User password cannot be reset in the current state."));
    }
    let Some(to) = users::recovery_destination(pool, &user) else {
        if app.hides_unknown_users() {
            return hidden(&app);
        }
        // AWS's reference: "If neither a verified phone number nor a verified email exists,
        // Amazon Cognito responds with an InvalidParameterException error"; the message as
        // AdminResetUserPassword's.
        return Err(ApiError::invalid_parameter(
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
        ));
    };
    let user = count_request(svc, pool, user).await?;
    let purpose = one_time_codes::RESET_PASSWORD;
    let occasion = Occasion::new(Source::ForgotPassword, KIND_FORGOT_PASSWORD)
        .client(&app.client_id)
        .metadata(input.client_metadata.as_ref());
    let details = one_time_codes::send(svc, pool, &user, purpose, occasion, &to, one_time_codes::RESET_TTL_MS).await?;
    events::passed(svc, pool, &user, "ForgotPassword", &context).await;
    Ok(ForgotPasswordResponse { code_delivery_details: Some(details) })
}

/// `ConfirmForgotPassword`: the code checked (expired or never requested:
/// `ExpiredCodeException`; wrong: `CodeMismatchException`; after five wrong ones,
/// `LimitExceededException` until a new code), the new password checked against the pool's
/// policy, then set: the user is `CONFIRMED` (from `RESET_REQUIRED` too), the code is spent and
/// failed sign-ins are forgotten.
pub async fn confirm_forgot_password<S: Store>(
    svc: &Cognito<S>,
    input: ConfirmForgotPasswordRequest,
) -> ApiResult<ConfirmForgotPasswordResponse> {
    let context = events::Context::of(None, None, input.user_context_data.as_ref());
    confirm_forgot_password_with(svc, input, context).await
}

/// [`confirm_forgot_password`] through the API, whose caller's address threat protection's event records.
pub async fn confirm_forgot_password_at<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: ConfirmForgotPasswordRequest,
) -> ApiResult<ConfirmForgotPasswordResponse> {
    let context = events::Context::of(Some(&ctx), None, input.user_context_data.as_ref());
    confirm_forgot_password_with(svc, input, context).await
}

async fn confirm_forgot_password_with<S: Store>(
    svc: &Cognito<S>,
    input: ConfirmForgotPasswordRequest,
    context: events::Context,
) -> ApiResult<ConfirmForgotPasswordResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    app.check_secret(&[&input.username], input.secret_hash.as_deref(), Missing::Secret)?;
    let pool = &app.pool;
    let Some(user) = find(svc, pool, &input.username).await? else {
        return Err(if app.hides_unknown_users() { code_mismatch() } else { user_not_found() });
    };
    if !user.enabled {
        return Err(if app.hides_unknown_users() {
            code_mismatch()
        } else {
            ApiError::not_authorized("User is disabled.")
        });
    }
    // The policy first, so that a password the pool refuses does not spend an attempt.
    password::check(&input.password, &users::policy(pool))?;
    let purpose = one_time_codes::RESET_PASSWORD;
    let code = &input.confirmation_code;
    let hash = one_time_codes::check(svc, pool.id(), &user.username_key, purpose, code, WhenAbsent::Expired).await?;
    let occasion = assess::Occasion::PasswordChange;
    assess::password(svc, pool, Some(&app.client_id), Some(&user), &input.password, occasion, &context).await?;
    let stored = super::auth::stored_password(svc, pool, &user.username, &input.password).await?;
    let mut current = user;
    for attempt in 0..RETRIES {
        if attempt > 0 {
            current = match svc.store.get_user(pool.id(), &current.username_key).await {
                Ok(fresh) => fresh,
                Err(StoreError::NotFound) => return Err(user_not_found()),
                Err(e) => return Err(e.into()),
            };
        }
        let mut user = current.clone();
        one_time_codes::mark_used(&mut user, purpose, &hash)?;
        stored.apply(&mut user);
        user.status = "CONFIRMED".into();
        user.temporary_password_expires_ms = None;
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(user) => {
                one_time_codes::spend(svc, pool.id(), &user.username_key, purpose).await;
                // Best effort: the password is set either way.
                if let Err(e) = svc.store.clear_sign_in_failures(pool.id(), &user.username_key).await {
                    tracing::warn!(error = %e, "clearing failed sign-ins after a password reset failed");
                }
                // After the new password is written: a failing function fails the call, the
                // password stays set (see `post_confirmation`).
                let source = post_confirmation::Source::ConfirmForgotPassword;
                let metadata = input.client_metadata.as_ref();
                post_confirmation::run(svc, pool, source, Some(&app.client_id), &user, metadata).await?;
                events::passed(svc, pool, &user, "PasswordChange", &context).await;
                return Ok(ConfirmForgotPasswordResponse::default());
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(user_not_found()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}
