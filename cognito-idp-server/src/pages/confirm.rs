//! The confirmation page that follows a sign-up, `POST /confirm` (the code, field `code`, through
//! `ConfirmSignUp`), and `POST /resendcode` (a new code through `ResendConfirmationCode`), both
//! paths of AWS's endpoint list ("User-interactive managed login and classic hosted UI
//! endpoints": `/confirm` is reached only from `/signup`, `/resendcode` sends the code again).
//!
//! The username travels in a hidden field, as the API's callers pass it; the password chosen on
//! the sign-up page never does. So a confirmed user signs in on the sign-in page, which says so
//! ("Your account is confirmed. Please sign in."), instead of being signed in by a password
//! the page would have had to carry. Both operations run as for an app calling them:
//! `PreventUserExistenceErrors`, the code's expiry and attempt limits, and the outbox.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use cognito_idp::types::{CodeDeliveryDetailsType, ConfirmSignUpRequest, ResendConfirmationCodeRequest};
use maud::html;

use super::challenge::EXPIRED_FORM;
use super::context::{self, Page, PageRequest};
use super::forms::{self, Fields, value};
use super::layout::{csrf, field};
use crate::handlers::signup;
use crate::state::Cognito;
use crate::store::Store;

/// What the sign-in page says once the account is confirmed.
pub const CONFIRMED: &str = "Your account is confirmed. Please sign in.";

/// The page's title.
const TITLE: &str = "Confirm your account";

/// The message above the code field: where the code went.
pub fn code_sent(details: Option<&CodeDeliveryDetailsType>) -> String {
    format!("We have sent a code {}. Enter it below to confirm your account.", forms::delivered(details))
}

/// `POST /confirm`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render(&svc, page, &username, Some(EXPIRED_FORM), None).await);
        }
        let request = ConfirmSignUpRequest {
            client_id: page.auth.app.client_id.clone(),
            secret_hash: forms::secret_hash(&page, &username),
            username: username.clone(),
            confirmation_code: value(&form, "code").trim().to_owned(),
            ..ConfirmSignUpRequest::default()
        };
        let confirmed = match forms::validated(request) {
            Ok(request) => signup::confirm_sign_up(&svc, request).await,
            Err(e) => Err(e),
        };
        Ok(match confirmed {
            Ok(_) => super::sign_in_form::render_with(&svc, page, Some(&username), None, Some(CONFIRMED)).await,
            // A wrong or expired code: the same page, for another try or a new code.
            Err(e) => render(&svc, page, &username, Some(&forms::message(e)?), None).await,
        })
    })
    .await
}

/// `POST /resendcode`.
pub async fn resend<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render(&svc, page, &username, Some(EXPIRED_FORM), None).await);
        }
        let request = ResendConfirmationCodeRequest {
            client_id: page.auth.app.client_id.clone(),
            secret_hash: forms::secret_hash(&page, &username),
            username: username.clone(),
            ..ResendConfirmationCodeRequest::default()
        };
        let sent = match forms::validated(request) {
            Ok(request) => signup::resend_confirmation_code(&svc, request).await,
            Err(e) => Err(e),
        };
        Ok(match sent {
            Ok(answer) => {
                let info = code_sent(answer.code_delivery_details.as_ref());
                render(&svc, page, &username, None, Some(&info)).await
            }
            Err(e) => render(&svc, page, &username, Some(&forms::message(e)?), None).await,
        })
    })
    .await
}

/// The confirmation form for `username`, with a second form that asks for a new code.
pub async fn render<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: &str,
    error: Option<&str>,
    info: Option<&str>,
) -> Response {
    let body = html! {
        form method="post" action=(page.action("/confirm")) name="cognitoConfirmSignUpForm" {
            (csrf(&page.csrf))
            input type="hidden" name="username" value=(username);
            (field("confirmSignUpCode", "code", "Verification code", "text", "one-time-code", None))
            input name="confirm" type="submit" class="btn btn-primary submitButton-customizable" value="Confirm account";
        }
        form method="post" action=(page.action("/resendcode")) name="cognitoResendCodeForm" {
            (csrf(&page.csrf))
            input type="hidden" name="username" value=(username);
            p class="textDescription-customizable" {
                "Didn't receive a code? "
                input name="resendCodeButton" type="submit" class="btn btn-link redirect-customizable" value="Resend code";
            }
        }
    };
    forms::show(svc, page, TITLE, error, info, body).await
}
