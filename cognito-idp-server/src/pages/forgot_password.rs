//! Password recovery: `GET|POST /forgotPassword` asks the username (field `username`, button
//! `reset_my_password`, the classic hosted UI's names) and sends a code through
//! `ForgotPassword`; `POST /confirmForgotPassword` takes the code and the new password twice
//! (`code`, `password`, `confirmPassword`) through `ConfirmForgotPassword`, then shows the
//! sign-in page. AWS's endpoint list ("User-interactive managed login and classic hosted UI
//! endpoints") has the same steps: `/login` links to `/forgotPassword`, which leads to
//! `/confirmforgotPassword`, which leads back to `/login`.
//!
//! Both steps are the API's own ([`recovery`]): the request allowance, codes that expire and
//! survive a few wrong guesses, the pool's password policy, and `PreventUserExistenceErrors`,
//! under which an unknown user is told a code was sent (to a simulated destination) and then
//! that the code is wrong, as an app calling the API would be.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use cognito_idp::types::{ConfirmForgotPasswordRequest, ForgotPasswordRequest};
use maud::html;

use super::challenge::EXPIRED_FORM;
use super::context::{self, Page, PageRequest};
use super::forms::{self, Fields, value};
use super::layout::{csrf, field};
use crate::handlers::recovery;
use crate::state::Cognito;
use crate::store::Store;

/// What the sign-in page says after a reset.
pub const RESET: &str = "Your password has been reset. Please sign in with your new password.";

/// When the two new passwords differ (the wording of the new-password challenge page).
const MISMATCH: &str = "Password confirmation must match.";

/// `GET /forgotPassword`.
pub async fn show<S: Store>(State(svc): State<Cognito<S>>, request: PageRequest) -> Response {
    context::serve(&svc, request, async |page| Ok(render_request(&svc, page, None, None).await)).await
}

/// `POST /forgotPassword`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render_request(&svc, page, Some(&username), Some(EXPIRED_FORM)).await);
        }
        let request = ForgotPasswordRequest {
            client_id: page.auth.app.client_id.clone(),
            secret_hash: forms::secret_hash(&page, &username),
            username: username.clone(),
            ..ForgotPasswordRequest::default()
        };
        let sent = match forms::validated(request) {
            Ok(request) => recovery::forgot_password(&svc, request).await,
            Err(e) => Err(e),
        };
        Ok(match sent {
            Ok(answer) => {
                let info = code_sent(&answer.code_delivery_details);
                render_confirm(&svc, page, &username, None, Some(&info)).await
            }
            Err(e) => render_request(&svc, page, Some(&username), Some(&forms::message(e)?)).await,
        })
    })
    .await
}

/// `POST /confirmForgotPassword`.
pub async fn confirm<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render_confirm(&svc, page, &username, Some(EXPIRED_FORM), None).await);
        }
        let password = value(&form, "password");
        // Checked here, before the code is spent on a typo.
        if password != value(&form, "confirmPassword") {
            return Ok(render_confirm(&svc, page, &username, Some(MISMATCH), None).await);
        }
        let request = ConfirmForgotPasswordRequest {
            client_id: page.auth.app.client_id.clone(),
            secret_hash: forms::secret_hash(&page, &username),
            username: username.clone(),
            confirmation_code: value(&form, "code").trim().to_owned(),
            password: password.to_owned(),
            ..ConfirmForgotPasswordRequest::default()
        };
        let reset = match forms::validated(request) {
            Ok(request) => recovery::confirm_forgot_password(&svc, request).await,
            Err(e) => Err(e),
        };
        Ok(match reset {
            Ok(_) => super::sign_in_form::render_with(&svc, page, Some(&username), None, Some(RESET)).await,
            // A wrong code or a password the policy refuses: the same form for another try.
            Err(e) => render_confirm(&svc, page, &username, Some(&forms::message(e)?), None).await,
        })
    })
    .await
}

fn code_sent(details: &Option<cognito_idp::types::CodeDeliveryDetailsType>) -> String {
    format!(
        "We have sent a password reset code {}. Enter it below to reset your password.",
        forms::delivered(details.as_ref())
    )
}

/// The first step: the username.
async fn render_request<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: Option<&str>,
    error: Option<&str>,
) -> Response {
    let label = forms::username_label(&page);
    let body = html! {
        p class="textDescription-customizable" {
            "Enter your " (label.to_lowercase()) " below and we will send a message to reset your password."
        }
        form method="post" action=(page.action("/forgotPassword")) name="cognitoForgotPasswordForm" {
            (csrf(&page.csrf))
            (field("forgotPasswordUsername", "username", label, "text", "username", username.filter(|u| !u.is_empty())))
            input name="reset_my_password" type="submit" class="btn btn-primary submitButton-customizable"
                value="Reset my password";
        }
        a class="redirect-customizable" href=(page.action("/login")) { "Back to sign in" }
    };
    forms::show(svc, page, "Forgot your password?", error, None, body).await
}

/// The second step: the code and the new password.
async fn render_confirm<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: &str,
    error: Option<&str>,
    info: Option<&str>,
) -> Response {
    let body = html! {
        form method="post" action=(page.action("/confirmForgotPassword")) name="cognitoConfirmForgotPasswordForm" {
            (csrf(&page.csrf))
            input type="hidden" name="username" value=(username);
            (field("forgotPasswordCode", "code", "Code", "text", "one-time-code", None))
            (field("forgotPasswordNew", "password", "New Password", "password", "new-password", None))
            (field("forgotPasswordConfirm", "confirmPassword", "Enter New Password Again", "password", "new-password", None))
            input name="reset_password" type="submit" class="btn btn-primary submitButton-customizable"
                value="Change Password";
        }
        form method="post" action=(page.action("/forgotPassword")) name="cognitoResendResetCodeForm" {
            (csrf(&page.csrf))
            input type="hidden" name="username" value=(username);
            p class="textDescription-customizable" {
                "Didn't receive a code? "
                input name="reset_my_password" type="submit" class="btn btn-link redirect-customizable" value="Send a new code";
            }
        }
    };
    forms::show(svc, page, "Reset your password", error, info, body).await
}
