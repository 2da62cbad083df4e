//! The logout endpoint, `GET /logout` (AWS's developer guide, "Logout endpoint"): ends the
//! browser's session and sends it either to one of the client's `LogoutURLs`
//! (`client_id` and `logout_uri`) or, to sign in again, to the sign-in page (`client_id`,
//! `redirect_uri`, `response_type` and the other authorization parameters). A URI the client
//! does not list goes to the error page, as at the authorization endpoint.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::authorize::{self, AuthorizeParams};
use super::browser;
use super::errors::{found, to_error_page};
use super::host::HostMode;
use super::site::Site;
use crate::errors::ApiResult;
use crate::handlers::auth::app::App;
use crate::state::Cognito;
use crate::store::Store;

/// `logout_uri` beside the authorization parameters.
#[derive(Debug, Deserialize)]
pub struct LogoutParams {
    /// One of the client's `LogoutURLs`.
    pub logout_uri: Option<String>,
    /// Or: sign in again with these.
    #[serde(flatten)]
    pub authorize: AuthorizeParams,
}

/// `GET /logout`.
pub async fn logout<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(params): Query<LogoutParams>,
) -> Response {
    let result: ApiResult<Response> = async {
        let Some(site) = Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let Some(client_id) = params.authorize.client_id.clone().filter(|c| !c.is_empty()) else {
            return Ok(to_error_page(&site.base, "invalid_request", None));
        };
        if let Some(logout_uri) = params.logout_uri.as_deref().filter(|u| !u.is_empty()) {
            let app = match App::browser(&svc, site.pool.id(), &client_id).await {
                Ok(app) => app,
                Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
                    return Ok(to_error_page(&site.base, "invalid_request", Some(&client_id)));
                }
                Err(e) => return Err(e),
            };
            if !app.client.logout_ur_ls.as_ref().is_some_and(|urls| urls.iter().any(|u| u == logout_uri)) {
                return Ok(to_error_page(&site.base, "redirect_mismatch", Some(&client_id)));
            }
            if let Some(signed_out) = super::saml_logout::start(&svc, &site, &headers, &jar, logout_uri).await? {
                return Ok(signed_out.into_response());
            }
            let jar = browser::end(&svc, &site, jar).await?;
            return Ok((jar, found(logout_uri)).into_response());
        }
        if params.authorize.redirect_uri.is_none() || params.authorize.response_type.is_none() {
            return Ok(to_error_page(&site.base, "invalid_request", Some(&client_id)));
        }
        let auth = match authorize::validate(&svc, &site, params.authorize).await? {
            Ok(auth) => auth,
            Err(refusal) => return Ok(refusal.into_response(&site)),
        };
        let login = format!("{}?{}", site.link("/login"), auth.params.query());
        if let Some(signed_out) = super::saml_logout::start(&svc, &site, &headers, &jar, &login).await? {
            return Ok(signed_out.into_response());
        }
        let jar = browser::end(&svc, &site, jar).await?;
        Ok((jar, found(&login)).into_response())
    }
    .await;
    result.unwrap_or_else(authorize::server_error)
}
