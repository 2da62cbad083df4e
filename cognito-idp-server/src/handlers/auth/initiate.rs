//! `InitiateAuth` and `AdminInitiateAuth`: which flows each operation takes, whether the app
//! client allows them, and the first step of each.

use std::collections::BTreeMap;

use cognito_idp::server::RequestContext;
use cognito_idp::types::{
    AdminInitiateAuthRequest, AdminInitiateAuthResponse, InitiateAuthRequest, InitiateAuthResponse,
};

use super::app::{Api, App, required};
use super::flow::{self, Outcome};
use super::{choice, custom, srp};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::secret_hash::{self, Missing};
use crate::handlers::sessions::tracking::Seen;
use crate::handlers::{devices, events};
use crate::state::Cognito;
use crate::store::Store;
use crate::tokens;

/// `InitiateAuth`.
pub async fn initiate_auth<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: InitiateAuthRequest,
) -> ApiResult<InitiateAuthResponse> {
    let params = input.auth_parameters.unwrap_or_default();
    let app = App::load(svc, None, &input.client_id)
        .await?
        .with_validation_data(input.client_metadata)
        .with_device_key(params.get("DEVICE_KEY"), devices::source_ip(&ctx))
        .seen_as(Seen::of(&ctx))
        .with_event_context(events::Context::of(Some(&ctx), None, input.user_context_data.as_ref()));
    let outcome = run(svc, &app, input.auth_flow.as_str(), &params).await?;
    let (challenge_name, session, challenge_parameters, authentication_result, available_challenges) =
        outcome.into_parts();
    Ok(InitiateAuthResponse {
        challenge_name,
        session,
        challenge_parameters,
        authentication_result,
        available_challenges,
    })
}

/// `AdminInitiateAuth`.
pub async fn admin_initiate_auth<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: AdminInitiateAuthRequest,
) -> ApiResult<AdminInitiateAuthResponse> {
    let params = input.auth_parameters.unwrap_or_default();
    let app = App::load(svc, Some(&input.user_pool_id), &input.client_id)
        .await?
        .with_validation_data(input.client_metadata)
        .with_device_key(params.get("DEVICE_KEY"), devices::source_ip(&ctx))
        .seen_as(Seen::of(&ctx))
        .with_event_context(events::Context::of(Some(&ctx), input.context_data.as_ref(), None));
    let outcome = run(svc, &app, input.auth_flow.as_str(), &params).await?;
    let (challenge_name, session, challenge_parameters, authentication_result, available_challenges) =
        outcome.into_parts();
    Ok(AdminInitiateAuthResponse {
        challenge_name,
        session,
        challenge_parameters,
        authentication_result,
        available_challenges,
    })
}

/// A sign-in with username and password from the managed login pages (`app` of
/// [`App::browser`]): `USER_PASSWORD_AUTH`'s steps whatever the client's `ExplicitAuthFlows`,
/// without `SECRET_HASH`.
pub async fn browser_password<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    username: &str,
    password: &str,
) -> ApiResult<Outcome> {
    let user = flow::find(svc, &app.pool, username).await?;
    flow::pre_authentication(svc, app, username, user.as_ref()).await?;
    let Some(user) = user else {
        return flow::migrate(svc, app, username, password, flow::Disclosure::AsTheClientSays).await;
    };
    flow::verify_password(svc, app, &user, password).await?;
    flow::after_first_factor(svc, app, &user).await
}

/// The first step of a choice-based sign-in from the managed login pages (`USER_AUTH`, with or
/// without a preferred challenge), whatever the client's `ExplicitAuthFlows`.
pub async fn browser_choice<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    params: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    choice::initiate(svc, app, params).await
}

/// `Initiate Auth method not supported.`: a flow of the other operation. AWS confirmed to the
/// moto project that `USER_PASSWORD_AUTH` is `InitiateAuth`'s only and `ADMIN_USER_PASSWORD_AUTH`
/// `AdminInitiateAuth`'s only (getmoto/moto pull request 4836); the message is quoted in
/// awsdocs/aws-doc-sdk-examples issue 5289.
fn not_supported() -> ApiError {
    ApiError::invalid_parameter("Initiate Auth method not supported.")
}

/// Checks that the operation takes `flow` and the client allows it, with AWS's wording per flow
/// (`USER_PASSWORD_AUTH flow not enabled for this client` and `USER_SRP_AUTH is not enabled for
/// the client.` are quoted by many projects; `Auth flow not enabled for this client` for the
/// administrators' password flow is quoted in public troubleshooting notes; the refresh,
/// custom and choice-based wordings follow the same pattern).
fn check_flow(app: &App, flow: &str) -> ApiResult<()> {
    let (allowed, message) = match (flow, app.api) {
        ("USER_PASSWORD_AUTH", Api::Public) => (
            app.allows("ALLOW_USER_PASSWORD_AUTH", &["USER_PASSWORD_AUTH"], false),
            "USER_PASSWORD_AUTH flow not enabled for this client",
        ),
        ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", Api::Admin) => (
            app.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH", &["ADMIN_NO_SRP_AUTH"], false),
            "Auth flow not enabled for this client",
        ),
        ("USER_PASSWORD_AUTH", Api::Admin) | ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", Api::Public) => {
            return Err(not_supported());
        }
        ("USER_SRP_AUTH", _) => {
            (app.allows("ALLOW_USER_SRP_AUTH", &[], true), "USER_SRP_AUTH is not enabled for the client.")
        }
        ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => {
            (app.allows("ALLOW_REFRESH_TOKEN_AUTH", &[], true), "Refresh Token flow not enabled for this client")
        }
        ("CUSTOM_AUTH", _) => (
            app.allows("ALLOW_CUSTOM_AUTH", &["CUSTOM_AUTH_FLOW_ONLY"], true),
            "CUSTOM_AUTH flow not enabled for this client",
        ),
        ("USER_AUTH", _) => (app.allows("ALLOW_USER_AUTH", &[], false), "USER_AUTH flow not enabled for this client"),
        _ => return Err(not_supported()),
    };
    if allowed { Ok(()) } else { Err(ApiError::invalid_parameter(message)) }
}

/// Runs the first step of `flow`.
async fn run<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    flow: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    check_flow(app, flow)?;
    let secret_hash = params.get("SECRET_HASH").map(String::as_str);
    match flow {
        "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
            let username = required(params, "USERNAME")?;
            let password = required(params, "PASSWORD")?;
            let user = flow::find(svc, &app.pool, username).await?;
            let names: Vec<&str> =
                std::iter::once(username).chain(user.as_ref().map(|u| u.username.as_str())).collect();
            app.check_secret(&names, secret_hash, Missing::Secret)?;
            flow::pre_authentication(svc, app, username, user.as_ref()).await?;
            let Some(user) = user else {
                return flow::migrate(svc, app, username, password, flow::Disclosure::AsTheClientSays).await;
            };
            flow::verify_password(svc, app, &user, password).await?;
            flow::after_first_factor(svc, app, &user).await
        }
        "USER_SRP_AUTH" => {
            let username = required(params, "USERNAME")?;
            let srp_a = required(params, "SRP_A")?;
            let user = flow::find(svc, &app.pool, username).await?;
            let names: Vec<&str> =
                std::iter::once(username).chain(user.as_ref().map(|u| u.username.as_str())).collect();
            app.check_secret(&names, secret_hash, Missing::SecretHash)?;
            flow::pre_authentication(svc, app, username, user.as_ref()).await?;
            match &user {
                None if !app.hides_unknown_users() => return Err(app.unknown_user()),
                None => {}
                // The account's state is known before any proof: SRP clients learn it here
                // (amplify-js issue 1464: an unconfirmed user is told so whatever the password).
                Some(user) => {
                    flow::check_usable(user)?;
                    if user.status == "UNCONFIRMED" {
                        flow::check_confirmed(svc, user)?;
                    }
                }
            }
            srp::start(svc, app, username, user.as_ref(), srp_a).await
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            let token = required(params, "REFRESH_TOKEN")?;
            // The hash is over the name the token's user is stored under (in pools whose
            // usernames are emails or phone numbers, the `sub`: aws/aws-sdk-net-extensions-cognito
            // issue 122, aws-amplify/amplify-android issue 3111), which only the token knows: a
            // missing hash is refused first, a wrong one once the token has named its user. A
            // USERNAME parameter plays no part (the token names the user).
            let secret = app.secret();
            if secret.is_some() && secret_hash.is_none_or(str::is_empty) {
                return Err(secret_hash::missing(&app.client_id, Missing::Secret));
            }
            let check = |user: &crate::store::UserRecord| match (secret, secret_hash) {
                (Some(_), Some(given))
                    if !secret_hash::matches_any(&app.secrets, &app.client_id, &[user.username.as_str()], given) =>
                {
                    Err(secret_hash::refresh_mismatch(&app.client_id))
                }
                _ => Ok(()),
            };
            let device_key = params.get("DEVICE_KEY").map(String::as_str);
            let result = tokens::refresh(svc, &app.pool, &app.client, token, device_key, &app.seen, check).await?;
            Ok(Outcome { result: Some(result), ..Outcome::default() })
        }
        // Custom challenges, run by the pool's Lambda triggers (AWS's answer for a pool without
        // them is `custom`'s).
        "CUSTOM_AUTH" => custom::initiate(svc, app, params).await,
        _ => choice::initiate(svc, app, params).await,
    }
}
