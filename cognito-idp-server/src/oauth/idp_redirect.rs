//! The first half of a federated sign-in: the browser is sent to the provider's authorization
//! endpoint with the provider's `client_id`, its `authorize_scopes`, a `state` and a `nonce`
//! of Cognito's own, and `redirect_uri` this domain's `/oauth2/idpresponse` (where AWS's
//! developer guide tells providers to send users back).
//!
//! What the second half needs is kept in the store's sessions under the SHA-256 of the
//! `state` (so any instance takes the provider's answer, once): the provider, the nonce, and
//! the app's authorization request as its query string, which `/oauth2/idpresponse` checks
//! again before it issues anything.

use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::browser;
use super::errors::{found, url_encode_pairs};
use super::site::Site;
use crate::errors::ApiResult;
use crate::federation::oidc::{self, Failure};
use crate::handlers::auth::session;
use crate::handlers::identity_providers::IdentityProvider;
use crate::state::Cognito;
use crate::store::{SessionRecord, Store};

/// What a pending federated sign-in keeps between the two redirects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// Always `federation`.
    pub kind: String,
    /// The provider's name.
    pub provider: String,
    /// The nonce its id token must carry.
    pub nonce: String,
    /// The app's authorization request (query string).
    pub request: String,
    /// The `redirect_uri` sent to the provider, which the code exchange repeats.
    pub redirect_uri: String,
}

/// The store key of the pending sign-in `state` names.
pub fn state_hash(state: &str) -> String {
    session::hash(&format!("federation:{state}"))
}

/// Sends the browser to `provider` for the app's authorization request `request` (its query
/// string) of app client `client_id`.
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    provider: &IdentityProvider,
    client_id: &str,
    request: String,
) -> ApiResult<Result<Response, Failure>> {
    if matches!(provider.kind(), cognito_idp::types::IdentityProviderTypeType::Saml) {
        return super::saml_redirect::start(svc, site, headers, provider, client_id, request).await;
    }
    let endpoints = match oidc::endpoints(svc, provider).await {
        Ok(endpoints) => endpoints,
        Err(failure) => return Ok(Err(failure)),
    };
    let state = browser::random();
    let nonce = browser::random();
    let redirect_uri = site.absolute(headers, "/oauth2/idpresponse");
    let pending = Pending {
        kind: "federation".into(),
        provider: provider.name().to_owned(),
        nonce: nonce.clone(),
        request,
        redirect_uri: redirect_uri.clone(),
    };
    let record = SessionRecord {
        id_hash: state_hash(&state),
        pool_id: site.pool.id().to_owned(),
        client_id: client_id.to_owned(),
        user_key: String::new(),
        expires_ms: svc.clock.now_ms() + browser::PENDING_MS,
        doc: serde_json::to_value(&pending).unwrap_or_default(),
    };
    svc.store.put_session(record, Vec::new()).await?;
    let scopes = provider.detail("authorize_scopes").unwrap_or("openid").replace(',', " ");
    let scopes = scopes.split_whitespace().collect::<Vec<_>>().join(" ");
    let query = url_encode_pairs(&[
        ("client_id", provider.detail("client_id").unwrap_or_default()),
        ("redirect_uri", &redirect_uri),
        ("response_type", "code"),
        ("scope", &scopes),
        ("state", &state),
        ("nonce", &nonce),
    ]);
    let separator = if endpoints.authorize.contains('?') { '&' } else { '?' };
    Ok(Ok(found(&format!("{}{separator}{query}", endpoints.authorize))))
}
