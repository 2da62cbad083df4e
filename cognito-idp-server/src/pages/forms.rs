//! What the self-service pages (sign-up, confirmation, password reset, one-time codes) share:
//! reading their form, calling a public operation on the user's behalf as an app would (its
//! `SecretHash` computed here, since the pages are the client's own), and turning the
//! operation's answer into a message for the page.

use std::collections::HashMap;

use awsjson_types::Validate;
use axum::response::{Html, IntoResponse, Response};
use cognito_idp::ErrorCode;
use cognito_idp::types::CodeDeliveryDetailsType;
use maud::Markup;

use super::context::Page;
use super::layout::{Frame, look, page as frame_page};
use crate::domain::attributes;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::secret_hash;
use crate::oauth::browser;
use crate::oauth::errors::found;
use crate::state::Cognito;
use crate::store::Store;

/// A posted form.
pub type Fields = HashMap<String, String>;

/// Field `name` of `form`, or `""`.
pub fn value<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or_default()
}

/// The form's `_csrf` field.
pub fn csrf_field(form: &Fields) -> Option<&str> {
    form.get(browser::CSRF_FIELD).map(String::as_str)
}

/// The `SecretHash` of `username` for the page's client, when it has a secret: the public
/// operations demand it of a client with one, and the pages hold the secret, so the user never
/// sees it.
pub fn secret_hash(page: &Page, username: &str) -> Option<String> {
    secret_hash::compute(&page.auth.app.secrets, &page.auth.app.client_id, username)
}

/// Checks a request against the model's constraints, as the API's deserializer does before a
/// handler runs (lengths and patterns of the username, password, code...), with the API's
/// `InvalidParameterException` message.
pub fn validated<T: Validate + serde::Serialize>(request: T) -> ApiResult<T> {
    request.validate().map_err(|e| ApiError::invalid_parameter(e.to_string()))?;
    Ok(request)
}

/// The message of a failed operation, to show on the page; the server's own failures are not
/// the user's to read and go on to the error page.
pub fn message(e: ApiError) -> ApiResult<String> {
    if e.code == ErrorCode::InternalErrorException { Err(e) } else { Ok(e.message) }
}

/// "by email to d***@e***": where a code went, as the answer's `CodeDeliveryDetails` say
/// (masked by the operation).
pub fn delivered(details: Option<&CodeDeliveryDetailsType>) -> String {
    let Some(details) = details else { return String::new() };
    let medium = match details.delivery_medium.as_ref().map(|m| m.as_str()) {
        Some("SMS") => "by text message ",
        Some("EMAIL") => "by email ",
        _ => "",
    };
    match details.destination.as_deref().filter(|d| !d.is_empty()) {
        Some(to) => format!("{medium}to {to}"),
        None => medium.trim_end().to_owned(),
    }
}

/// A whole page: `body` in the frame, with the client's look.
pub async fn show<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    title: &str,
    error: Option<&str>,
    info: Option<&str>,
    body: Markup,
) -> Response {
    let look = look(svc, &page).await;
    let frame = Frame { site: &page.site, title, error, info, css: look.css.as_deref(), logo: look.logo.as_deref() };
    (page.jar, Html(frame_page(&frame, body).into_string())).into_response()
}

/// The username field's label: what the pool takes as a username.
pub fn username_label(page: &Page) -> &'static str {
    let pool = &page.site.pool.doc;
    match (attributes::is_username_attribute(pool, "email"), attributes::is_username_attribute(pool, "phone_number")) {
        (true, true) => "Email or phone number",
        (true, false) => "Email",
        (false, true) => "Phone number",
        (false, false) => "Username",
    }
}

/// The one-time-code factors (`EMAIL_OTP`, `SMS_OTP`) the page's pool allows to start a sign-in
/// (`Policies.SignInPolicy.AllowedFirstAuthFactors`).
pub fn code_factors(page: &Page) -> Vec<&'static str> {
    let allowed = page
        .site
        .pool
        .doc
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|s| s.allowed_first_auth_factors.as_ref());
    ["EMAIL_OTP", "SMS_OTP"]
        .into_iter()
        .filter(|factor| allowed.is_some_and(|a| a.iter().any(|f| f.as_str() == *factor)))
        .collect()
}

/// Whether the page may offer a sign-in with a one-time code (`/passwordless`, and its link on
/// the sign-in page). AWS's developer guide names three conditions:
/// - the pool allows `EMAIL_OTP` or `SMS_OTP` as a first factor ([`code_factors`]);
/// - the client allows choice-based sign-in: "Implement the `ALLOW_USER_AUTH` flow in your app
///   client, and Amazon Cognito prompts users to select a sign-in method from the available
///   options" ("Configure authentication methods for managed login");
/// - the domain serves managed login, not the classic hosted UI: "users can do passwordless
///   and passkey authentication only in managed login" ("Things to know about authentication
///   with user pools"), i.e. `ManagedLoginVersion` 2.
pub fn codes_offered(page: &Page) -> bool {
    page.site.version >= 2 && page.auth.app.allows("ALLOW_USER_AUTH", &[], false) && !code_factors(page).is_empty()
}

/// Whether the page may offer a sign-in with a passkey (`/passkey`, and its link on the sign-in
/// page): as for codes ([`codes_offered`]: managed login, a client with `ALLOW_USER_AUTH`), with
/// `WEB_AUTHN` among the pool's first factors.
pub fn passkeys_offered(page: &Page) -> bool {
    page.site.version >= 2
        && page.auth.app.allows("ALLOW_USER_AUTH", &[], false)
        && crate::handlers::passkeys::relying_party::enabled(&page.site.pool)
}

/// To the sign-in page, with the same authorization request: where a page is not offered
/// ([`codes_offered`], [`passkeys_offered`]).
pub fn to_login(page: Page) -> Response {
    let login = page.action("/login");
    (page.jar, found(&login)).into_response()
}
