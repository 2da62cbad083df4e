//! Encrypted assertions (`EncryptedResponses`): the provider encrypts each assertion for a key
//! pair Cognito makes for it, whose certificate it answers as `ActiveEncryptionCertificate`
//! (the API reference's describe example of a SAML provider's `ProviderDetails`). Only the
//! pool holds the private key, kept with the provider's details and never answered.
//!
//! The pair is RSA-2048 with a self-signed certificate valid for ten years, as the pool's
//! signing certificate is (`handlers::signing_certificate`); it survives updates of the provider
//! while `EncryptedResponses` stays `true`. Decryption is Bergshamra's XML Encryption.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, PKCS_RSA_SHA256};

use crate::errors::{ApiError, ApiResult};

/// The shown detail: the certificate assertions are encrypted for (base64 DER).
pub const CERTIFICATE: &str = "ActiveEncryptionCertificate";
/// The kept key (PKCS#8 DER, base64), never answered.
pub const KEY: &str = "cognito:encryption_key";
/// The kept certificate, so an update that does not give it again keeps the same pair.
pub const KEPT_CERTIFICATE: &str = "cognito:encryption_certificate";

/// Gives `details` an encryption pair when `EncryptedResponses` is `true` (keeping the one it
/// has), and takes it away otherwise.
pub fn complete(details: &mut BTreeMap<String, String>, provider: &str, now_s: i64) -> ApiResult<()> {
    if details.get("EncryptedResponses").map(String::as_str) != Some("true") {
        for key in [CERTIFICATE, KEY, KEPT_CERTIFICATE] {
            details.remove(key);
        }
        return Ok(());
    }
    if !(details.contains_key(KEY) && details.contains_key(KEPT_CERTIFICATE)) {
        let (certificate, key) = generate(provider, now_s)?;
        details.insert(KEPT_CERTIFICATE.into(), certificate);
        details.insert(KEY.into(), key);
    }
    let certificate = details[KEPT_CERTIFICATE].clone();
    details.insert(CERTIFICATE.into(), certificate);
    Ok(())
}

fn generate(provider: &str, now_s: i64) -> ApiResult<(String, String)> {
    let failed = |e: rcgen::Error| ApiError::internal(format!("could not make the encryption certificate: {e}"));
    let key = KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(failed)?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, format!("{provider} assertion encryption"));
    name.push(DnType::OrganizationName, "Amazon Cognito (local)");
    params.distinguished_name = name;
    let start = time::OffsetDateTime::from_unix_timestamp(now_s)
        .map_err(|e| ApiError::internal(format!("the clock is out of range: {e}")))?;
    params.not_before = start;
    params.not_after = start + time::Duration::days(3652);
    let certificate = params.self_signed(&key).map_err(failed)?;
    Ok((STANDARD.encode(certificate.der()), STANDARD.encode(key.serialize_der())))
}

/// The provider's decryption key, if it takes encrypted assertions.
pub fn key_of(details: Option<&BTreeMap<String, String>>) -> Option<Vec<u8>> {
    details.and_then(|d| d.get(KEY)).and_then(|k| STANDARD.decode(k).ok())
}

/// `text` with its first `EncryptedData` decrypted in place, with `key` (PKCS#8 DER).
pub fn decrypt(text: &str, key: &[u8]) -> Result<String, String> {
    let body = STANDARD.encode(key);
    let lines: Vec<&str> = body.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
    let key = bergshamra::keys::loader::load_pem_auto(pem.as_bytes(), None).map_err(|e| format!("the key: {e}"))?;
    let mut keys = bergshamra::KeysManager::new();
    keys.add_key(key);
    let mut context = bergshamra::EncContext::new(keys);
    // An encrypted assertion carries its content; nothing is fetched from elsewhere.
    context.disable_cipher_reference = true;
    bergshamra::decrypt(&context, text).map_err(|e| format!("the assertion could not be decrypted: {e}"))
}
