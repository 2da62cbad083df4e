//! The userInfo endpoint, `GET` or `POST /oauth2/userInfo` with `Authorization: Bearer
//! <access token>`: the user's attributes that the token's scopes authorize (AWS's developer
//! guide, "Scopes"): `sub` and `username` always; `email` and `email_verified` with `email`;
//! `phone_number` and `phone_number_verified` with `phone`; every attribute the client can
//! read with `profile` or `aws.cognito.signin.user.admin`. Unlike in the id token, every value
//! is a string, `email_verified` included (the sample response of AWS's userInfo endpoint
//! page has `"email_verified": "true"`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::host::HostMode;
use super::site::Site;
use crate::handlers::auth::app::App;
use crate::state::Cognito;
use crate::store::Store;
use crate::tokens::access;
use crate::tokens::claims::ADMIN_SCOPE;

/// RFC 6750's answer to a missing or bad token (`error` absent when no token was given).
fn unauthorized(error: Option<(&str, &str)>) -> Response {
    let challenge = match error {
        Some((code, description)) => format!(r#"Bearer error="{code}", error_description="{description}""#),
        None => "Bearer".to_owned(),
    };
    let body = match error {
        Some((code, description)) => serde_json::json!({ "error": code, "error_description": description }),
        None => serde_json::json!({ "error": "invalid_request" }),
    };
    let status = if error.is_some_and(|e| e.0 == "insufficient_scope") {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// `GET|POST /oauth2/userInfo`.
pub async fn user_info<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
) -> Response {
    let site = match Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await {
        Ok(Some(site)) => site,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return super::authorize::server_error(e),
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = token.filter(|t| !t.is_empty()) else { return unauthorized(None) };
    let who = match access::verify(&svc, &token).await {
        Ok(who) => who,
        Err(e) if e.code == cognito_idp::ErrorCode::InternalErrorException => {
            return super::authorize::server_error(e);
        }
        Err(e) if e.message.contains("expired") => {
            return unauthorized(Some(("invalid_token", "Access token is expired")));
        }
        Err(e) if e.message.contains("revoked") => {
            return unauthorized(Some(("invalid_token", "Access token has been revoked")));
        }
        Err(_) => return unauthorized(Some(("invalid_token", "Invalid access token"))),
    };
    if who.pool.id() != site.pool.id() {
        return unauthorized(Some(("invalid_token", "Invalid access token")));
    }
    let has = |scope: &str| who.scopes.iter().any(|s| s == scope);
    if !has("openid") && !has(ADMIN_SCOPE) {
        return unauthorized(Some(("insufficient_scope", "Access token does not contain openid scope")));
    }
    let readable = match App::load(&svc, Some(site.pool.id()), &who.client_id).await {
        Ok(app) => app.client.read_attributes.filter(|r| !r.is_empty()),
        Err(_) => return unauthorized(Some(("invalid_token", "Invalid access token"))),
    };
    let all = has("profile") || has(ADMIN_SCOPE);
    let mut body = Map::new();
    body.insert("sub".into(), Value::from(who.user.sub.as_str()));
    for (name, value) in &who.user.attributes {
        if name == "sub" || readable.as_ref().is_some_and(|r| !r.iter().any(|n| n == name)) {
            continue;
        }
        let scoped = match name.as_str() {
            "email" | "email_verified" => all || has("email"),
            "phone_number" | "phone_number_verified" => all || has("phone"),
            _ => all,
        };
        if scoped {
            body.insert(name.clone(), Value::from(value.as_str()));
        }
    }
    body.insert("username".into(), Value::from(who.user.username.as_str()));
    let mut response = Json(Value::Object(body)).into_response();
    super::errors::no_store(&mut response);
    response
}
