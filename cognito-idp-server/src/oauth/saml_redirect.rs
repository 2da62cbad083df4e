//! The first half of an SP-initiated SAML sign-in: the browser is sent to the provider's
//! single sign-on service (`SSORedirectBindingURI`) with an `AuthnRequest` for this domain's
//! `/saml2/idpresponse` and a `RelayState` of Cognito's own ("The relayState token is an
//! opaque reference to state information maintained by Amazon Cognito", "Things to know about
//! SAML IdPs").
//!
//! What the second half needs is kept in the store's sessions under the SHA-256 of the relay
//! state, taken once: the provider, the request's ID (which the response must answer), the URL
//! the response must be posted to, and the app's authorization request.

use axum::http::HeaderMap;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::browser;
use super::errors::found;
use super::site::Site;
use crate::errors::ApiResult;
use crate::federation::failure::Failure;
use crate::federation::saml::{self, messages, metadata};
use crate::handlers::auth::session;
use crate::handlers::identity_providers::IdentityProvider;
use crate::handlers::signing_certificate;
use crate::state::Cognito;
use crate::store::{SessionRecord, Store};

/// What a pending SP-initiated SAML sign-in keeps between the two requests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSaml {
    /// Always `saml`.
    pub kind: String,
    /// The provider's name.
    pub provider: String,
    /// The `AuthnRequest`'s ID.
    pub request_id: String,
    /// Where the response must be posted (the request's `AssertionConsumerServiceURL`).
    pub acs: String,
    /// The app's authorization request (query string).
    pub request: String,
}

/// The store key of what `relay_state` refers to.
pub fn relay_hash(relay_state: &str) -> String {
    session::hash(&format!("saml:{relay_state}"))
}

/// The pool's SAML signing key (PKCS#8 DER), made on first need.
pub async fn signing_key<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<u8>> {
    let certificate = signing_certificate::for_pool(svc, pool_id).await?;
    STANDARD
        .decode(certificate.private_key)
        .map_err(|e| crate::errors::ApiError::internal(format!("the pool's SAML key is unreadable: {e}")))
}

/// Sends the browser to SAML `provider` for the app's authorization request `request` (its
/// query string) of app client `client_id`.
pub async fn start<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    provider: &IdentityProvider,
    client_id: &str,
    request: String,
) -> ApiResult<Result<Response, Failure>> {
    let found_metadata = match metadata::kept(provider.0.provider_details.as_ref()) {
        Ok(found) => found,
        Err(e) => return Ok(Err(Failure::invalid(format!("{} Error - {e}", provider.name())))),
    };
    let Some(sso) = provider.detail("SSORedirectBindingURI").map(str::to_owned).or(found_metadata.sso_redirect) else {
        return Ok(Err(Failure::invalid(format!("{} Error - no single sign-on service", provider.name()))));
    };
    let relay_state = browser::random();
    let request_id = messages::new_id();
    let acs = site.absolute(headers, "/saml2/idpresponse");
    let pending = PendingSaml {
        kind: "saml".into(),
        provider: provider.name().to_owned(),
        request_id: request_id.clone(),
        acs: acs.clone(),
        request,
    };
    let now_ms = svc.clock.now_ms();
    svc.store
        .put_session(
            SessionRecord {
                id_hash: relay_hash(&relay_state),
                pool_id: site.pool.id().to_owned(),
                client_id: client_id.to_owned(),
                user_key: String::new(),
                expires_ms: now_ms + browser::PENDING_MS,
                doc: serde_json::to_value(&pending).unwrap_or_default(),
            },
            Vec::new(),
        )
        .await?;
    let issuer = saml::sp_entity_id(site.pool.id());
    let message = messages::authn_request(&request_id, &issuer, &sso, &acs, now_ms / 1000);
    // Signed only when the provider is set to have requests signed (`RequestSigningAlgorithm`).
    let key = match provider.detail("RequestSigningAlgorithm") {
        Some(_) => Some(signing_key(svc, site.pool.id()).await?),
        None => None,
    };
    let url = messages::redirect_url(&sso, &message, &relay_state, key.as_deref())
        .map_err(|e| crate::errors::ApiError::internal(format!("the SAML request: {e}")))?;
    Ok(Ok(found(&url)))
}
