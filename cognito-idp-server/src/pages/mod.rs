//! The managed login pages (the classic hosted UI, `ManagedLoginVersion` 1, and managed login,
//! version 2), rendered on the server with maud. Each page is a form that posts back to its
//! own path with the authorization request's parameters in the query string, as AWS's pages
//! do, so a sign-in needs no state beyond the store's (challenge sessions, CSRF tokens and the
//! browser session), and any instance can serve any step.
//!
//! Every step goes through the same code as the API ([`crate::handlers`]): password checks,
//! lockout, `PreventUserExistenceErrors`, MFA, codes through the outbox. Form fields carry
//! AWS's classic input names (`username`, `password`, `signInSubmitButton`, ...), which test
//! suites written for the real hosted UI select by, and a visible label each.
//!
//! - [`layout`]: the page frame (the pool's or client's UI customization applied).
//! - [`context`]: what every page starts from: its site, the checked authorization request,
//!   the CSRF token.
//! - [`login`]: sign-in; [`sign_in_form`] its form. [`challenge`]: what follows a password (new password, MFA, TOTP
//!   set-up, factor selection). [`error`]: the error page.
//! - [`signup`] and [`confirm`]: self-service sign-up and its confirmation code.
//!   [`forgot_password`]: password recovery. [`passwordless`]: sign-in with a one-time code; [`passkey`]: with a passkey.
//!   [`forms`]: what these share (the form, the `SecretHash`, the API's messages).

pub mod challenge;
pub mod confirm;
pub mod context;
pub mod error;
pub mod forgot_password;
pub mod forms;
pub mod layout;
pub mod login;
pub mod passkey;
pub mod passwordless;
pub mod sign_in_form;
pub mod signup;

use axum::Router;
use axum::routing::{get, post};

use crate::state::Cognito;
use crate::store::Store;

/// The pages' routes, under the domain's path.
pub fn routes<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new()
        .route("/domain/{domain}/login", get(login::show::<S>).post(login::submit::<S>))
        .route("/domain/{domain}/challenge", axum::routing::post(challenge::submit::<S>))
        .route("/domain/{domain}/error", get(error::show::<S>))
        .route("/domain/{domain}/signup", get(signup::show::<S>).post(signup::submit::<S>))
        .route("/domain/{domain}/confirm", post(confirm::submit::<S>))
        .route("/domain/{domain}/resendcode", post(confirm::resend::<S>))
        .route("/domain/{domain}/forgotPassword", get(forgot_password::show::<S>).post(forgot_password::submit::<S>))
        .route("/domain/{domain}/confirmForgotPassword", post(forgot_password::confirm::<S>))
        .route("/domain/{domain}/passwordless", get(passwordless::show::<S>).post(passwordless::submit::<S>))
        .route("/domain/{domain}/passkey", get(passkey::show::<S>).post(passkey::submit::<S>))
        .with_state(svc)
}
