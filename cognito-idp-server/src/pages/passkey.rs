//! Sign-in with a passkey, `GET|POST /passkey`: the page asks the username, then starts a
//! choice-based sign-in (`USER_AUTH`, [`initiate::browser_choice`]) preferring `WEB_AUTHN` and
//! hands its first step to the challenge pages ([`challenge::proceed`]): the passkey's page,
//! whose script asks the browser for the passkey and sends its answer, or the choice of factor
//! (`SELECT_CHALLENGE`) for a user without one. An unknown user is not disclosed, as on the API.
//!
//! The page exists only where [`forms::passkeys_offered`] says so (managed login, a client with
//! `ALLOW_USER_AUTH`, a pool allowing `WEB_AUTHN`); elsewhere it sends the browser to the
//! sign-in page. The browser's relying party rules apply: the page's host must be the pool's
//! relying party id or under it (`localhost` for a local server).

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
const TITLE: &str = "Sign in with a passkey";

/// `GET /passkey`.
pub async fn show<S: Store>(State(svc): State<Cognito<S>>, request: PageRequest) -> Response {
    context::serve(&svc, request, async |page| {
        if !forms::passkeys_offered(&page) {
            return Ok(forms::to_login(page));
        }
        Ok(render(&svc, page, None, None).await)
    })
    .await
}

/// `POST /passkey`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        if !forms::passkeys_offered(&page) {
            return Ok(forms::to_login(page));
        }
        let username = value(&form, "username").trim().to_owned();
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render(&svc, page, Some(&username), Some(EXPIRED_FORM)).await);
        }
        let params = BTreeMap::from([
            ("USERNAME".to_owned(), username.clone()),
            ("PREFERRED_CHALLENGE".to_owned(), "WEB_AUTHN".to_owned()),
        ]);
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
        form method="post" action=(page.action("/passkey")) name="cognitoPasskeyForm" {
            (csrf(&page.csrf))
            (field("passkeyUsername", "username", label, "text", "username webauthn", username.filter(|u| !u.is_empty())))
            input name="passkeySubmitButton" type="submit" class="btn btn-primary submitButton-customizable"
                value="Continue with a passkey";
        }
        a class="redirect-customizable" href=(page.action("/login")) { "Sign in with a password" }
    };
    let info = "Your browser will ask for the passkey of your account.";
    forms::show(svc, page, TITLE, error, Some(info), body).await
}
