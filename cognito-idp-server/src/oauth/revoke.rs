//! The revocation endpoint, `POST /oauth2/revoke` (RFC 7009): revokes a refresh token and
//! every access token of its family, as `RevokeToken` does. An unknown refresh token is no
//! error (RFC 7009 section 2.2); an access or id token is `unsupported_token_type`; a client
//! whose `EnableTokenRevocation` is off is `unauthorized_client`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::client_auth;
use super::errors::OAuthError;
use super::host::HostMode;
use super::site::Site;
use crate::state::Cognito;
use crate::store::{Store, StoreError};
use crate::tokens::{jwt, refresh};

/// `POST /oauth2/revoke`.
pub async fn revoke<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let site = match Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await {
        Ok(Some(site)) => site,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return OAuthError::from(e).into_response(),
    };
    match run(&svc, &site, &headers, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn run<S: Store>(svc: &Cognito<S>, site: &Site, headers: &HeaderMap, body: &[u8]) -> Result<(), OAuthError> {
    let content_type = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::InvalidRequest);
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
    let token = param("token").ok_or(OAuthError::InvalidRequest)?;
    let app = client_auth::authenticate(svc, site, headers, param("client_id"), param("client_secret")).await?;
    if app.client.enable_token_revocation == Some(false) {
        return Err(OAuthError::UnauthorizedClient);
    }
    if jwt::parse(token).is_some() {
        return Err(OAuthError::UnsupportedTokenType);
    }
    let record = match svc.store.get_refresh(&refresh::hash(token)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(crate::errors::ApiError::from(e).into()),
    };
    if record.pool_id != app.pool.id() || record.client_id != app.client_id {
        return Err(OAuthError::InvalidRequest);
    }
    svc.store.revoke_family(app.pool.id(), &record.origin_jti).await.map_err(crate::errors::ApiError::from)?;
    Ok(())
}
