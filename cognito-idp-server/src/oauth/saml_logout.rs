//! Single logout with a SAML provider (AWS's developer guide, "Signing out SAML users with
//! single sign-out"): when a browser whose session came from a SAML provider with
//! `IDPSignout` set reaches `/logout`, its pool session ends and it is sent to the provider's
//! `SingleLogoutService` (`SLORedirectBindingURI`) with a signed `LogoutRequest` for the
//! assertion's `NameID` and `SessionIndex`; the provider posts its `LogoutResponse` to
//! `/saml2/logout`, and the browser goes on to where the sign-out was going (the client's
//! `logout_uri`, or the sign-in page).

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::authorize;
use super::browser::{self, SESSION_COOKIE};
use super::errors::{found, to_error_page};
use super::host::HostMode;
use super::saml_acs::{Posted, remembered};
use super::saml_redirect::{relay_hash, signing_key};
use super::site::Site;
use crate::errors::{ApiError, ApiResult};
use crate::federation::saml::{self, logout, messages, metadata};
use crate::handlers::identity_providers;
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, StoreError};

/// A sign-out waiting for the provider's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingLogout {
    /// Always `saml_logout`.
    kind: String,
    provider: String,
    request_id: String,
    /// This domain's `/saml2/logout`, where the answer must be posted.
    destination: String,
    /// Where the browser goes after.
    then: String,
}

/// For a browser signed in through a SAML provider that takes single logout: ends the pool
/// session and sends the browser to the provider, to come back to `then`. `None` for any
/// other browser (the caller signs it out as usual).
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    jar: &CookieJar,
    then: &str,
) -> ApiResult<Option<(CookieJar, Response)>> {
    let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else { return Ok(None) };
    let record = match svc.store.get_session(&browser::session_hash(&raw)).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if record.pool_id != site.pool.id() {
        return Ok(None);
    }
    let Some(session) = remembered(&record.doc) else { return Ok(None) };
    let provider = match identity_providers::get(svc, site.pool.id(), &session.provider).await {
        Ok(stored) => stored.value,
        Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => return Ok(None),
        Err(e) => return Err(e),
    };
    if provider.detail("IDPSignout") != Some("true") {
        return Ok(None);
    }
    let Some(slo) = provider.detail("SLORedirectBindingURI").map(str::to_owned) else { return Ok(None) };
    let request_id = messages::new_id();
    let relay_state = browser::random();
    let now_ms = svc.clock.now_ms();
    let pending = PendingLogout {
        kind: "saml_logout".into(),
        provider: provider.name().to_owned(),
        request_id: request_id.clone(),
        destination: site.absolute(headers, "/saml2/logout"),
        then: then.to_owned(),
    };
    svc.store
        .put_session(
            SessionRecord {
                id_hash: relay_hash(&relay_state),
                pool_id: site.pool.id().to_owned(),
                client_id: record.client_id.clone(),
                user_key: String::new(),
                expires_ms: now_ms + browser::PENDING_MS,
                doc: serde_json::to_value(&pending).unwrap_or_default(),
            },
            Vec::new(),
        )
        .await?;
    let issuer = saml::sp_entity_id(site.pool.id());
    let message = messages::logout_request(&request_id, &issuer, &slo, &session, now_ms / 1000);
    let key = signing_key(svc, site.pool.id()).await?;
    let url = messages::redirect_url(&slo, &message, &relay_state, Some(&key))
        .map_err(|e| ApiError::internal(format!("the SAML logout request: {e}")))?;
    let jar = browser::end(svc, site, jar.clone()).await?;
    Ok(Some((jar, found(&url))))
}

/// `POST /saml2/logout`: the provider's `LogoutResponse`.
pub async fn logout_response<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    Form(posted): Form<Posted>,
) -> Response {
    let result: ApiResult<Response> = async {
        let Some(site) = Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let refused = || to_error_page(&site.base, "invalid_request", None);
        let relay_state = posted.relay_state.unwrap_or_default();
        if relay_state.is_empty() {
            return Ok(refused());
        }
        let record = match svc.store.take_session(&relay_hash(&relay_state)).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Ok(refused()),
            Err(e) => return Err(e.into()),
        };
        let pending: Option<PendingLogout> = serde_json::from_value(record.doc).ok();
        let Some(pending) = pending.filter(|p| p.kind == "saml_logout") else { return Ok(refused()) };
        if record.pool_id != site.pool.id() || record.expires_ms <= svc.clock.now_ms() {
            return Ok(refused());
        }
        let provider = match identity_providers::get(&svc, site.pool.id(), &pending.provider).await {
            Ok(stored) => stored.value,
            Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => return Ok(refused()),
            Err(e) => return Err(e),
        };
        let text = posted
            .saml_response
            .as_deref()
            .map(|r| r.split_whitespace().collect::<String>())
            .and_then(|r| STANDARD.decode(r).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let Some(text) = text else { return Ok(refused()) };
        let checked = metadata::kept(provider.0.provider_details.as_ref())
            .and_then(|found| logout::verify(&text, &found, &pending.request_id, &pending.destination));
        match checked {
            Ok(success) => {
                if !success {
                    tracing::info!(provider = pending.provider, "the identity provider did not sign the user out");
                }
                Ok(found(&pending.then))
            }
            Err(reason) => {
                tracing::info!(provider = pending.provider, reason, "SAML logout response refused");
                Ok(refused())
            }
        }
    }
    .await;
    result.unwrap_or_else(authorize::server_error)
}
