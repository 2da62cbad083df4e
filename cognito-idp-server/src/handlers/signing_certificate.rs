//! `GetSigningCertificate`: the pool's certificate for SAML 2.0 federation (what signs its
//! SAML requests), as the base64 of its DER encoding, which is what AWS answers (the
//! certificate body without PEM armour).
//!
//! The certificate is self-signed with an RSA-2048 key (SHA-256 with RSA), valid for ten years
//! ("Issued certificates are valid for 10 years from the date of issue", the API reference),
//! made with rcgen over AWS-LC on first need and kept as a pool-owned resource with its key,
//! stored with an insert-if-absent so that racing instances answer the same certificate.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_idp::types::{GetSigningCertificateRequest, GetSigningCertificateResponse};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, PKCS_RSA_SHA256};
use serde::{Deserialize, Serialize};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// A pool's SAML signing certificate and its key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SigningCertificate {
    /// The certificate, DER, base64.
    pub certificate: String,
    /// Its private key, PKCS#8 DER, base64 (signs the pool's SAML requests).
    pub private_key: String,
}

impl Resource for SigningCertificate {
    const KIND: &'static str = "saml_signing_certificate";

    fn key(&self) -> String {
        "current".to_owned()
    }
}

/// How long a certificate is valid.
const VALID_YEARS: i64 = 10;

fn generate(pool_id: &str, now_ms: i64) -> ApiResult<SigningCertificate> {
    let failed =
        |what: &str, e: rcgen::Error| ApiError::internal(format!("could not make the SAML certificate ({what}): {e}"));
    let key = KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(|e| failed("key", e))?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| failed("parameters", e))?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, pool_id);
    name.push(DnType::OrganizationName, "Amazon Cognito (local)");
    params.distinguished_name = name;
    let start = time::OffsetDateTime::from_unix_timestamp(now_ms / 1000)
        .map_err(|e| ApiError::internal(format!("the clock is out of range: {e}")))?;
    params.not_before = start;
    params.not_after = start + time::Duration::days(365 * VALID_YEARS + VALID_YEARS / 4);
    let certificate = params.self_signed(&key).map_err(|e| failed("signature", e))?;
    Ok(SigningCertificate {
        certificate: STANDARD.encode(certificate.der()),
        private_key: STANDARD.encode(key.serialize_der()),
    })
}

/// The pool's certificate, made on first need.
pub async fn for_pool<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<SigningCertificate> {
    match resources::get::<S, SigningCertificate>(&svc.store, pool_id, "current").await {
        Ok(stored) => return Ok(stored.value),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let pool_id_owned = pool_id.to_owned();
    let now = svc.clock.now_ms();
    // RSA key generation takes tens of milliseconds: off the async threads.
    let made = tokio::task::spawn_blocking(move || generate(&pool_id_owned, now))
        .await
        .map_err(|e| ApiError::internal(format!("certificate task: {e}")))??;
    match resources::create_or_get(&svc.store, pool_id, made).await {
        Ok(stored) => Ok(stored.value),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool_id)),
        Err(e) => Err(e.into()),
    }
}

/// `GetSigningCertificate`.
pub async fn get_signing_certificate<S: Store>(
    svc: &Cognito<S>,
    input: GetSigningCertificateRequest,
) -> ApiResult<GetSigningCertificateResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let certificate = for_pool(svc, pool.id()).await?;
    Ok(GetSigningCertificateResponse { certificate: Some(certificate.certificate) })
}
