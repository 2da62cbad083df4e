//! The sign-in page, `GET|POST /login`: username and password (AWS's classic input names
//! `username`, `password` and the button `signInSubmitButton`), then whatever the sign-in
//! asks next ([`super::challenge`]). A browser already signed in on the domain is sent straight
//! back to the app with a code, unless the request says `prompt=login`.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::challenge::{self, Step};
use super::context::{self, PageRequest};
use super::sign_in_form::render;
use crate::errors::ApiResult;
use crate::handlers::auth::initiate;
use crate::handlers::identity_providers;
use crate::oauth::authorize::{self};
use crate::oauth::browser;
use crate::state::Cognito;
use crate::store::Store;

/// What the confirmation page says to a user who signed in before confirming.
const NOT_CONFIRMED: &str = "Your account is not confirmed yet. Enter the code we sent you, or ask for a new one.";

/// `GET /login`.
pub async fn show<S: Store>(State(svc): State<Cognito<S>>, request: PageRequest) -> Response {
    context::serve(&svc, request, async |page| {
        if page.auth.params.prompt.as_deref() != Some("login")
            && let Some(signed_in) = browser::current(&svc, &page.site, &page.jar).await?
            && browser::reusable(&svc, &page.site, &page.auth.app.client_id, &signed_in).await?
        {
            let sso = signed_in.sso_session_id.as_deref();
            let redirect =
                authorize::complete_from(&svc, &page.auth, &signed_in.user, signed_in.auth_time, sso).await?;
            return Ok((page.jar, redirect).into_response());
        }
        Ok(render(&svc, page, None, None).await)
    })
    .await
}

/// `POST /login`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let username = form.get("username").map(|u| u.trim()).unwrap_or_default().to_owned();
        if !context::csrf_ok(&svc, &page, form.get(browser::CSRF_FIELD).map(String::as_str)).await? {
            return Ok(render(&svc, page, Some(&username), Some(challenge::EXPIRED_FORM)).await);
        }
        if let Some(email) = form.get("idp_email") {
            return idp_email(&svc, page, email).await;
        }
        let password = form.get("password").map(String::as_str).unwrap_or_default();
        if username.is_empty() || password.is_empty() {
            return Ok(render(&svc, page, Some(&username), Some("Username and password are required.")).await);
        }
        let outcome = initiate::browser_password(&svc, &page.auth.app, &username, password).await;
        // A user who signed up and never confirmed (and gave the right password: the API says
        // so only then) is asked for the confirmation code, as the hosted UI does, rather than
        // shown the error.
        if outcome.as_ref().is_err_and(|e| e.code == cognito_idp::ErrorCode::UserNotConfirmedException) {
            return Ok(super::confirm::render(&svc, page, &username, None, Some(NOT_CONFIRMED)).await);
        }
        Ok(match challenge::proceed(&svc, page, &username, outcome).await? {
            Step::Done(response) => response,
            Step::Failed(page, message) => render(&svc, page, Some(&username), Some(&message)).await,
        })
    })
    .await
}

/// The corporate-ID form: the email's domain names the provider (its `IdpIdentifiers`), and the
/// browser goes on to it through the authorization endpoint's `idp_identifier`.
async fn idp_email<S: Store>(svc: &Cognito<S>, page: super::context::Page, email: &str) -> ApiResult<Response> {
    let domain = email.trim().rsplit_once('@').map(|(_, d)| d).unwrap_or(email.trim()).to_owned();
    let supported = page.auth.app.client.supported_identity_providers.clone().unwrap_or_default();
    let found = match domain.is_empty() {
        true => None,
        false => identity_providers::by_identifier(svc, page.site.pool.id(), &domain).await?,
    };
    match found.filter(|p| supported.iter().any(|s| s == p.name())) {
        Some(_) => {
            let mut params = page.auth.params.clone();
            params.identity_provider = None;
            params.idp_identifier = Some(domain);
            let url = format!("{}?{}", page.site.link("/oauth2/authorize"), params.query());
            Ok((page.jar, crate::oauth::errors::found(&url)).into_response())
        }
        None => Ok(render(svc, page, None, Some("No identity provider is set up for this email domain.")).await),
    }
}
