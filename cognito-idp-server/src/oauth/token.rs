//! The token endpoint, `POST /oauth2/token` (`application/x-www-form-urlencoded`):
//! `authorization_code` (with PKCE), `refresh_token` and `client_credentials`, as AWS's
//! developer guide ("Token endpoint") describes them, and the token exchange grant
//! ([`super::token_exchange`]). Answers are JSON with `no-store`
//! caching; failures are HTTP 400 `{"error": code}` (see [`super::errors`]).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::client_auth;
use super::codes;
use super::errors::{OAuthError, no_store};
use super::host::HostMode;
use super::site::Site;
use super::token_exchange;
use crate::handlers::auth::app::App;
use crate::handlers::sessions::tracking::Seen;
use crate::handlers::triggered::pre_token_generation::Source;
use crate::state::Cognito;
use crate::store::{Store, StoreError};
use crate::tokens::{self, refresh};

/// The token response, in the order Cognito writes it.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    /// With `openid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Always.
    pub access_token: String,
    /// From a code; from a refresh only when the client rotates them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The access token's lifetime in seconds.
    pub expires_in: i64,
    /// `Bearer`.
    pub token_type: &'static str,
}

impl IntoResponse for TokenResponse {
    fn into_response(self) -> Response {
        let mut response = Json(self).into_response();
        no_store(&mut response);
        response
    }
}

/// The form's parameters; a parameter given twice is `invalid_request` (RFC 6749 section 3.2).
fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(OAuthError::InvalidRequest);
    }
    let mut params = HashMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if params.insert(name.into_owned(), value.into_owned()).is_some() {
            return Err(OAuthError::InvalidRequest);
        }
    }
    Ok(params)
}

/// `POST /oauth2/token`.
pub async fn token<S: Store>(
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
    match grant(&svc, &site, &headers, &body).await {
        Ok(answer) => answer,
        Err(e) => e.into_response(),
    }
}

async fn grant<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OAuthError> {
    let params = parse_form(headers, body)?;
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let grant_type = param("grant_type").ok_or(OAuthError::InvalidRequest)?;
    let app = client_auth::authenticate(svc, site, headers, param("client_id"), param("client_secret"))
        .await?
        .seen_as(Seen::from_parts(headers, None));
    let tokens = match grant_type {
        "authorization_code" => {
            authorization_code(svc, &app, param("code"), param("redirect_uri"), param("code_verifier")).await
        }
        "refresh_token" => refresh_token(svc, &app, param("refresh_token"), param("device_key")).await,
        "client_credentials" => client_credentials(svc, &app, param("scope"), param("aws_client_metadata")).await,
        token_exchange::GRANT_TYPE => {
            return Ok(token_exchange::token_exchange(svc, &app, &params).await?.into_response());
        }
        _ => Err(OAuthError::UnsupportedGrantType),
    };
    Ok(tokens?.into_response())
}

fn allows_flow(app: &App, flow: &str) -> bool {
    app.client.allowed_o_auth_flows_user_pool_client == Some(true)
        && app.client.allowed_o_auth_flows.as_ref().is_some_and(|f| f.iter().any(|f| f.as_str() == flow))
}

/// `grant_type=authorization_code`: the code is taken (single use) whatever follows; it must be
/// this client's, for this redirect URI, and prove its PKCE challenge.
async fn authorization_code<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    code: Option<&str>,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let (Some(code), Some(redirect_uri)) = (code, redirect_uri) else { return Err(OAuthError::InvalidRequest) };
    if !allows_flow(app, "code") {
        return Err(OAuthError::UnauthorizedClient);
    }
    let Some((record, grant)) = codes::redeem(svc, code).await? else { return Err(OAuthError::InvalidGrant) };
    if record.client_id != app.client_id || record.pool_id != app.pool.id() || grant.redirect_uri != redirect_uri {
        return Err(OAuthError::InvalidGrant);
    }
    if let Some(challenge) = &grant.code_challenge {
        let Some(verifier) = verifier else { return Err(OAuthError::InvalidGrant) };
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
            return Err(OAuthError::InvalidGrant);
        }
    }
    let user = match svc.store.get_user(app.pool.id(), &record.user_key).await {
        Ok(user) if user.sub == grant.sub && user.enabled => user,
        Ok(_) | Err(StoreError::NotFound) => return Err(OAuthError::InvalidGrant),
        Err(e) => return Err(OAuthError::from(crate::errors::ApiError::from(e))),
    };
    let oauth = tokens::OAuthGrant {
        scopes: &grant.scopes,
        nonce: grant.nonce.as_deref(),
        auth_time_s: grant.auth_time,
        with_refresh: true,
        // Codes are issued by the managed login pages only.
        source: Source::HostedAuth,
        seen: app.seen.clone(),
        origin_session_id: grant.sso_session.as_deref(),
    };
    let result = tokens::issue_oauth(svc, &app.pool, &app.client, &user, &oauth).await?;
    Ok(TokenResponse {
        id_token: result.id_token,
        access_token: result.access_token.unwrap_or_default(),
        refresh_token: result.refresh_token,
        expires_in: i64::from(result.expires_in.unwrap_or_default()),
        token_type: "Bearer",
    })
}

/// `grant_type=refresh_token`: new access (and id) tokens with the scopes first granted; a
/// new refresh token only when the client rotates them. A refresh token of an API sign-in on a
/// device needs that `device_key` (the form field AWS's token endpoint takes for it, seen in
/// the CloudTrail record quoted in aws/aws-sdk-java-v2 issue 3418).
async fn refresh_token<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    token: Option<&str>,
    device_key: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    let token = token.ok_or(OAuthError::InvalidRequest)?;
    let via = refresh::Via::GetTokens;
    let result =
        refresh::refresh(svc, &app.pool, &app.client, token, via, None, device_key, &app.seen, |_| Ok(())).await;
    let result = match result {
        Ok(result) => result,
        Err(e) if e.code == cognito_idp::ErrorCode::InternalErrorException || super::errors::is_trigger_failure(&e) => {
            return Err(e.into());
        }
        Err(_) => return Err(OAuthError::InvalidGrant),
    };
    Ok(TokenResponse {
        id_token: result.id_token,
        access_token: result.access_token.unwrap_or_default(),
        refresh_token: result.refresh_token,
        expires_in: i64::from(result.expires_in.unwrap_or_default()),
        token_type: "Bearer",
    })
}

/// `grant_type=client_credentials`: a confidential client allowed the flow, with custom scopes
/// it is allowed (all of them when `scope` is absent). `aws_client_metadata` is the client
/// metadata of a `V3_0` PreTokenGeneration trigger: a JSON object of strings, URL-encoded into
/// the form (AWS's developer guide, "Client metadata for machine-to-machine (M2M) client
/// credentials"); one that is not such an object is `invalid_request` (our reading).
async fn client_credentials<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    scope: Option<&str>,
    client_metadata: Option<&str>,
) -> Result<TokenResponse, OAuthError> {
    if app.secrets.is_empty() || !allows_flow(app, "client_credentials") {
        return Err(OAuthError::UnauthorizedClient);
    }
    let allowed = app.client.allowed_o_auth_scopes.clone().unwrap_or_default();
    let scopes: Vec<String> = match scope {
        Some(asked) => {
            let mut scopes: Vec<String> = Vec::new();
            for scope in asked.split(' ').filter(|s| !s.is_empty()) {
                if !allowed.iter().any(|a| a == scope) {
                    return Err(OAuthError::InvalidScope);
                }
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
            scopes
        }
        None => allowed,
    };
    let metadata: Option<std::collections::BTreeMap<String, String>> = match client_metadata {
        Some(text) => Some(serde_json::from_str(text).map_err(|_| OAuthError::InvalidRequest)?),
        None => None,
    };
    let (access_token, expires_in) =
        tokens::client_token(svc, &app.pool, &app.client, &scopes, metadata.as_ref()).await?;
    Ok(TokenResponse { id_token: None, access_token, refresh_token: None, expires_in, token_type: "Bearer" })
}
