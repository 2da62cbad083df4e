//! The sign-in form (username and password, AWS's classic input names), shown by the sign-in
//! page and by any later step that has to start over.

use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};

use super::context::Page;
use super::layout::{Frame, csrf, field};
use crate::state::Cognito;
use crate::store::Store;

/// The sign-in form.
pub async fn render<S: Store>(svc: &Cognito<S>, page: Page, username: Option<&str>, error: Option<&str>) -> Response {
    render_with(svc, page, username, error, None).await
}

/// The sign-in form with a message above it (where the self-service pages end: "Your account
/// is confirmed. Please sign in.").
pub async fn render_with<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: Option<&str>,
    error: Option<&str>,
    info: Option<&str>,
) -> Response {
    let look = super::layout::look(svc, &page).await;
    let frame = Frame {
        site: &page.site,
        title: "Sign in with your username and password",
        error,
        info,
        css: look.css.as_deref(),
        logo: look.logo.as_deref(),
    };
    let body = form(&page, username);
    (page.jar, Html(super::layout::page(&frame, body).into_string())).into_response()
}

fn form(page: &Page, username: Option<&str>) -> Markup {
    let query = page.auth.params.query();
    let self_sign_up = page
        .site
        .pool
        .doc
        .admin_create_user_config
        .as_ref()
        .is_none_or(|c| c.allow_admin_create_user_only != Some(true));
    html! {
        form method="post" action=(page.action("/login")) name="cognitoSignInForm" {
            (csrf(&page.csrf))
            (field("signInFormUsername", "username", "Username", "text", "username", username))
            (field("signInFormPassword", "password", "Password", "password", "current-password", None))
            a class="redirect-customizable" href=(format!("{}?{query}", page.site.link("/forgotPassword"))) { "Forgot your password?" }
            input name="signInSubmitButton" type="submit" class="btn btn-primary submitButton-customizable" value="Sign in";
        }
        // Only where a one-time code can be had (see `forms::codes_offered`).
        @if super::forms::codes_offered(page) {
            a class="redirect-customizable" href=(format!("{}?{query}", page.site.link("/passwordless"))) { "Sign in with a one-time code" }
        }
        @if super::forms::passkeys_offered(page) {
            a class="redirect-customizable" href=(format!("{}?{query}", page.site.link("/passkey"))) { "Sign in with a passkey" }
        }
        @if self_sign_up {
            p class="textDescription-customizable" {
                "Need an account? "
                a class="redirect-customizable" href=(format!("{}?{query}", page.site.link("/signup"))) { "Sign up" }
            }
        }
    }
}
