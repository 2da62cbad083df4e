//! The domain's error page, `GET /error?error=...&client_id=...`: where the authorization and
//! logout endpoints send a browser whose client or redirect URI could not be verified. AWS's
//! page says "An error was encountered with the requested page." (quoted in
//! aws/aws-aspnet-cognito-identity-provider issue 167) and names the error.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{Frame, page};
use crate::oauth::host::HostMode;
use crate::oauth::site::Site;
use crate::state::Cognito;
use crate::store::Store;

/// The page's parameters.
#[derive(Debug, Deserialize)]
pub struct ErrorParams {
    /// `redirect_mismatch`, `invalid_request`, ...
    pub error: Option<String>,
    /// The client the request named.
    pub client_id: Option<String>,
}

/// `GET /error`.
pub async fn show<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    Query(params): Query<ErrorParams>,
) -> Response {
    let site = match Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await {
        Ok(Some(site)) => site,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return crate::oauth::authorize::server_error(e),
    };
    let frame = Frame {
        site: &site,
        title: "An error was encountered with the requested page.",
        error: None,
        info: None,
        css: None,
        logo: None,
    };
    let body = html! {
        p id="errorCode" class="textDescription-customizable" { (params.error.as_deref().unwrap_or("invalid_request")) }
    };
    (StatusCode::BAD_REQUEST, Html(page(&frame, body).into_string())).into_response()
}
