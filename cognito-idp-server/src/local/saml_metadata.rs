//! `GET /_local/saml-metadata?domain=PREFIX[&provider=NAME]`: the pool's metadata as a SAML
//! service provider, for setting up an identity provider from one document. AWS publishes no
//! such document (its developer guide lists the entity ID, the ACS URL and the signing
//! certificate to enter by hand); the values here are the same, with the domain's URLs as this
//! request reached the server. With `provider`, that provider's assertion encryption
//! certificate is included when it is set for `EncryptedResponses`, and `AuthnRequestsSigned`
//! follows its `RequestSigningAlgorithm`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::errors::ApiResult;
use crate::federation::saml::{self, encryption, metadata};
use crate::handlers::identity_providers;
use crate::handlers::signing_certificate;
use crate::oauth::site::Site;
use crate::state::Cognito;
use crate::store::Store;

/// The query.
#[derive(Debug, Deserialize)]
pub struct MetadataQuery {
    /// The pool's domain prefix.
    domain: String,
    /// A SAML provider of the pool.
    provider: Option<String>,
}

/// `GET /_local/saml-metadata`.
pub async fn saml_metadata<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    headers: HeaderMap,
    Query(query): Query<MetadataQuery>,
) -> Response {
    match document(&svc, &headers, &query).await {
        Ok(Some(text)) => ([(header::CONTENT_TYPE, "application/samlmetadata+xml")], text).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "No such domain or provider.").into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e.message).into_response(),
    }
}

async fn document<S: Store>(svc: &Cognito<S>, headers: &HeaderMap, query: &MetadataQuery) -> ApiResult<Option<String>> {
    let Some(site) = Site::resolve(svc, &query.domain, false, headers).await? else { return Ok(None) };
    let pool_id = site.pool.id().to_owned();
    let (encryption_certificate, signs_requests) = match &query.provider {
        Some(name) => {
            let provider = match identity_providers::get(svc, &pool_id, name).await {
                Ok(stored) => stored.value,
                Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => return Ok(None),
                Err(e) => return Err(e),
            };
            let details = provider.0.provider_details.as_ref();
            let certificate = details.and_then(|d| d.get(encryption::CERTIFICATE)).cloned();
            (certificate, provider.detail("RequestSigningAlgorithm").is_some())
        }
        None => (None, false),
    };
    let signing = signing_certificate::for_pool(svc, &pool_id).await?;
    Ok(Some(metadata::service_provider(
        &saml::sp_entity_id(&pool_id),
        &site.absolute(headers, "/saml2/idpresponse"),
        &site.absolute(headers, "/saml2/logout"),
        &signing.certificate,
        encryption_certificate.as_deref(),
        signs_requests,
    )))
}
