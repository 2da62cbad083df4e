//! Sign-in with a one-time code, `GET|POST /passwordless`: the page asks the username, then
//! starts a choice-based sign-in (`USER_AUTH`, [`initiate::browser_choice`]) and hands its first
//! step to the challenge pages ([`challenge::proceed`]): the code's page for `EMAIL_OTP` or
//! `SMS_OTP`, or the choice of factor (`SELECT_CHALLENGE`).
//!
//! The preferred challenge is the pool's only code factor when it allows one of `EMAIL_OTP` and
//! `SMS_OTP`; with both, none is preferred and the user chooses among what their account can
//! use (as `SELECT_CHALLENGE` lists it, which also names `PASSWORD` where the pool allows it).
//! A user the preferred factor does not suit (no email address, say) is given the choice too,
//! as the API does. An unknown user is not disclosed: choice-based sign-in answers with the
//! pool's factors and fails at the code (see [`crate::handlers::auth::choice`]).
//!
//! The page exists only where [`forms::codes_offered`] says so (managed login, a client with
//! `ALLOW_USER_AUTH`, a pool allowing a code factor); elsewhere it sends the browser to the
//! sign-in page.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::challenge::{self, EXPIRED_FORM, Step};
use super::context::{self, Page, PageRequest};
use super::forms::{self, Fields, value};
use super::layout::{csrf, field};
use crate::handlers::auth::initiate;
use crate::state::Cognito;
use crate::store::Store;

/// The page's title.
const TITLE: &str = "Sign in with a one-time code";

/// `GET /passwordless`.
pub async fn show<S: Store>(State(svc): State<Cognito<S>>, request: PageRequest) -> Response {
    context::serve(&svc, request, async |page| {
        if !forms::codes_offered(&page) {
            return Ok(forms::to_login(page));
        }
        Ok(render(&svc, page, None, None).await)
    })
    .await
}

/// `POST /passwordless`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        if !forms::codes_offered(&page) {
            return Ok(forms::to_login(page));
        }
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render(&svc, page, Some(&username), Some(EXPIRED_FORM)).await);
        }
        let mut params = BTreeMap::from([("USERNAME".to_owned(), username.clone())]);
        if let [only] = forms::code_factors(&page)[..] {
            params.insert("PREFERRED_CHALLENGE".to_owned(), only.to_owned());
        }
        let outcome = initiate::browser_choice(&svc, &page.auth.app, &params).await;
        Ok(match challenge::proceed(&svc, page, &username, outcome).await? {
            Step::Done(response) => response,
            Step::Failed(page, message) => render(&svc, page, Some(&username), Some(&message)).await,
        })
    })
    .await
}

/// The username form.
async fn render<S: Store>(svc: &Cognito<S>, page: Page, username: Option<&str>, error: Option<&str>) -> Response {
    let label = forms::username_label(&page);
    let body = html! {
        form method="post" action=(page.action("/passwordless")) name="cognitoPasswordlessForm" {
            (csrf(&page.csrf))
            (field("passwordlessUsername", "username", label, "text", "username", username.filter(|u| !u.is_empty())))
            input name="passwordlessSubmitButton" type="submit" class="btn btn-primary submitButton-customizable"
                value="Send me a code";
        }
        a class="redirect-customizable" href=(page.action("/login")) { "Sign in with a password" }
    };
    let info = "We will send a one-time code to sign you in.";
    forms::show(svc, page, TITLE, error, Some(info), body).await
}
