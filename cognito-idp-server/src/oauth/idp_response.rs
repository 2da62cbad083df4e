//! `GET /oauth2/idpresponse`: where a provider sends the user back with a code (or an error).
//!
//! The `state` must name a pending sign-in of this pool (`idp_redirect`), taken once; an
//! unknown, used or expired one goes to the domain's error page, since nothing says which app
//! to tell. Otherwise the app's authorization request is checked again, the code exchanged and
//! the id token verified (`crate::federation::oidc`), the pool's user made or found
//! (`crate::federation::users`), a managed login session started, and the app gets its code
//! (or tokens) as after a password sign-in. Failures go back to the app's redirect URI with
//! `error` and `error_description`, as AWS's developer guide ("Managed login and federation
//! error responses") shows them; a provider's own error keeps its `error` and is described as
//! `{provider} Error - {error} {description}`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use super::authorize::{self, AuthorizeParams};
use super::errors::to_error_page;
use super::host::HostMode;
use super::idp_redirect::{Pending, state_hash};
use super::site::Site;
use crate::errors::ApiResult;
use crate::federation::{oidc, users};
use crate::handlers::identity_providers;
use crate::handlers::sessions::tracking::Seen;
use crate::state::Cognito;
use crate::store::{Store, StoreError};

/// `GET /oauth2/idpresponse`.
pub async fn idp_response<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let result: ApiResult<Response> = async {
        let Some(site) = Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let invalid_state = || to_error_page(&site.base, "invalid_state", None);
        let Some(state) = query.get("state").filter(|s| !s.is_empty()) else { return Ok(invalid_state()) };
        let record = match svc.store.take_session(&state_hash(state)).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Ok(invalid_state()),
            Err(e) => return Err(e.into()),
        };
        let pending: Option<Pending> = serde_json::from_value(record.doc.clone()).ok();
        let Some(pending) = pending.filter(|p| p.kind == "federation") else { return Ok(invalid_state()) };
        if record.pool_id != site.pool.id() || record.expires_ms <= svc.clock.now_ms() {
            return Ok(invalid_state());
        }
        let params: AuthorizeParams = serde_urlencoded::from_str(&pending.request).unwrap_or_default();
        let auth = match authorize::validate(&svc, &site, params).await? {
            Ok(auth) => auth,
            Err(refusal) => return Ok(refusal.into_response(&site)),
        };
        let fail = |error: String, description: String| Ok(auth.refusal(error, description).into_response(&site));
        let provider = match identity_providers::get(&svc, site.pool.id(), &pending.provider).await {
            Ok(stored) => stored.value,
            Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
                return fail(
                    "invalid_request".into(),
                    format!("{} is not an identity provider of the user pool", pending.provider),
                );
            }
            Err(e) => return Err(e),
        };
        if let Some(error) = query.get("error") {
            let description = query.get("error_description").map(String::as_str).unwrap_or_default();
            let text = format!("{} Error - {error} {description}", provider.name());
            return fail(error.clone(), text.trim_end().to_owned());
        }
        let Some(code) = query.get("code").filter(|c| !c.is_empty()) else {
            return fail("invalid_request".into(), "The identity provider sent no code".into());
        };
        let endpoints = match oidc::endpoints(&svc, &provider).await {
            Ok(endpoints) => endpoints,
            Err(failure) => return fail(failure.error, failure.description),
        };
        let now_ms = svc.clock.now_ms();
        let exchange =
            oidc::Exchange { code, redirect_uri: &pending.redirect_uri, nonce: &pending.nonce, now_s: now_ms / 1000 };
        let claims = match oidc::claims(&provider, &endpoints, &exchange).await {
            Ok(claims) => claims,
            Err(failure) => return fail(failure.error, failure.description),
        };
        let user = match users::sign_in(&svc, &site.pool, &provider, &claims, &auth.app.client_id, None).await {
            Ok(user) => user,
            // A trigger's refusal, a disabled user, a taken alias: the API's words, to the app.
            Err(e) if e.code != cognito_idp::ErrorCode::InternalErrorException => {
                return fail("invalid_request".into(), e.message);
            }
            Err(e) => return Err(e),
        };
        // As after a password: a managed login session, and the SSO and token sessions of a
        // pool that tracks user sessions.
        let seen = Seen::from_parts(&headers, None);
        match authorize::signed_in(&svc, &site, &auth, &user, &seen, jar, Default::default()).await {
            Ok(response) => Ok(response),
            // PreTokenGeneration refused or failed: the app is told, as for PreSignUp.
            Err(e) if super::errors::is_trigger_failure(&e) => fail("invalid_request".into(), e.message),
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(authorize::server_error)
}
