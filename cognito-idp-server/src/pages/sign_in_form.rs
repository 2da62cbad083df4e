//! The sign-in form (username and password, AWS's classic input names), shown by the sign-in
//! page and by any later step that has to start over.

use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};

use super::context::Page;
use super::layout::{Frame, csrf, field};
use crate::handlers::identity_providers;
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
    // The client's other providers, as buttons (and an email field when some of them route
    // by email domain); a store failure leaves just the password form.
    let providers = federation_choices(svc, &page).await;
    let body = form(&page, username, &providers);
    (page.jar, Html(super::layout::page(&frame, body).into_string())).into_response()
}

/// The providers the sign-in page offers: the client's `SupportedIdentityProviders` that are
/// providers of the pool, in that order, and whether any of them has `IdpIdentifiers`.
async fn federation_choices<S: Store>(svc: &Cognito<S>, page: &Page) -> (Vec<String>, bool) {
    let supported = page.auth.app.client.supported_identity_providers.clone().unwrap_or_default();
    if supported.iter().all(|p| p == "COGNITO") {
        return (Vec::new(), false);
    }
    let all = identity_providers::all(svc, page.site.pool.id()).await.unwrap_or_default();
    let offered: Vec<&identity_providers::IdentityProvider> =
        supported.iter().filter_map(|name| all.iter().find(|p| p.name() == name)).collect();
    let routed = offered.iter().any(|p| p.0.idp_identifiers.as_ref().is_some_and(|ids| !ids.is_empty()));
    (offered.iter().map(|p| p.name().to_owned()).collect(), routed)
}

/// The authorization endpoint with the page's request, sent to provider `name`.
fn provider_link(page: &Page, name: &str) -> String {
    let mut params = page.auth.params.clone();
    params.identity_provider = Some(name.to_owned());
    params.idp_identifier = None;
    format!("{}?{}", page.site.link("/oauth2/authorize"), params.query())
}

fn form(page: &Page, username: Option<&str>, (providers, routed): &(Vec<String>, bool)) -> Markup {
    let query = page.auth.params.query();
    let password =
        page.auth.app.client.supported_identity_providers.as_ref().is_none_or(|p| p.iter().any(|p| p == "COGNITO"));
    let self_sign_up = page
        .site
        .pool
        .doc
        .admin_create_user_config
        .as_ref()
        .is_none_or(|c| c.allow_admin_create_user_only != Some(true));
    html! {
        @if *routed {
            form method="post" action=(page.action("/login")) name="cognitoIdpForm" {
                (csrf(&page.csrf))
                (field("idpIdentifierEmail", "idp_email", "Corporate email", "email", "email", None))
                input name="idpIdentifierSubmitButton" type="submit" class="btn btn-primary submitButton-customizable" value="Sign in with your corporate ID";
            }
        }
        @for name in providers {
            a class="btn btn-primary idpButton-customizable" name=(format!("idp-{name}")) href=(provider_link(page, name)) {
                "Sign in with " (name)
            }
        }
        @if password {
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
}
