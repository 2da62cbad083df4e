//! A SAML identity provider's metadata: its entity ID, the certificates its signatures verify
//! against, and where its single sign-on and single logout services take the HTTP-Redirect
//! binding.
//!
//! Cognito reads the metadata when the provider is created or updated: from `MetadataFile`, or
//! fetched from `MetadataURL`. It answers what it found as the read-only details
//! `SSORedirectBindingURI` and `SLORedirectBindingURI` (the describe example of
//! `ProviderDetails` in the API reference), and refuses metadata whose signing certificate has
//! expired ("The signing certificate in your SAML provider metadata must not be expired when
//! you configure the SAML IdP", "Things to know about SAML IdPs"). Any of several signing
//! certificates verifies a response ("User pools support multiple signing certificates"), and
//! each must be at most 4,096 characters long. The document read is kept with the provider (a
//! detail never answered) so that sign-ins do not depend on the URL staying reachable.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use x509_cert::der::Decode;

use super::xml::{self, DS, MD, POST_BINDING, REDIRECT_BINDING};
use crate::errors::{ApiError, ApiResult};

/// The provider detail that keeps the metadata document read (never answered).
pub const KEPT: &str = "cognito:metadata";

/// The longest signing certificate AWS takes, in characters of base64.
const MAX_CERTIFICATE: usize = 4096;

/// What the pool needs of a provider's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdpMetadata {
    /// Its `entityID`: the `Issuer` of its responses.
    pub entity_id: String,
    /// Its signing certificates, DER.
    pub certificates: Vec<Vec<u8>>,
    /// Its single sign-on service for the HTTP-Redirect binding.
    pub sso_redirect: Option<String>,
    /// Its single logout service for the HTTP-Redirect binding.
    pub slo_redirect: Option<String>,
    /// `WantAuthnRequestsSigned`.
    pub wants_signed_requests: bool,
}

/// Reads a metadata document.
pub fn parse(text: &str) -> Result<IdpMetadata, String> {
    let doc = xml::parse(text)?;
    let root = doc.document_element().ok_or("the metadata is empty")?;
    let entity = if xml::is(&doc, root, MD, "EntityDescriptor") {
        root
    } else if xml::is(&doc, root, MD, "EntitiesDescriptor") {
        xml::children(&doc, root, MD, "EntityDescriptor")
            .into_iter()
            .find(|e| xml::child(&doc, *e, MD, "IDPSSODescriptor").is_some())
            .ok_or("the metadata describes no identity provider")?
    } else {
        return Err("the metadata has no EntityDescriptor".into());
    };
    let entity_id = xml::attribute(&doc, entity, "entityID").unwrap_or_default().trim().to_owned();
    if entity_id.is_empty() {
        return Err("the metadata's EntityDescriptor has no entityID".into());
    }
    let idp = xml::child(&doc, entity, MD, "IDPSSODescriptor").ok_or("the metadata has no IDPSSODescriptor")?;
    let mut certificates = Vec::new();
    for descriptor in xml::children(&doc, idp, MD, "KeyDescriptor") {
        if xml::attribute(&doc, descriptor, "use").is_some_and(|u| u != "signing") {
            continue;
        }
        let Some(data) = xml::path(&doc, descriptor, &[(DS, "KeyInfo"), (DS, "X509Data")]) else { continue };
        for certificate in xml::children(&doc, data, DS, "X509Certificate") {
            let text: String = xml::text(&doc, certificate).split_whitespace().collect();
            if text.len() > MAX_CERTIFICATE {
                return Err(format!("a signing certificate is longer than {MAX_CERTIFICATE} characters"));
            }
            let der = STANDARD.decode(text).map_err(|_| "a signing certificate is not base64")?;
            certificates.push(der);
        }
    }
    if certificates.is_empty() {
        return Err("the metadata has no signing certificate".into());
    }
    let service = |name: &str| {
        xml::children(&doc, idp, MD, name)
            .into_iter()
            .find(|s| xml::attribute(&doc, *s, "Binding") == Some(REDIRECT_BINDING))
            .and_then(|s| xml::attribute(&doc, s, "Location"))
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
    };
    Ok(IdpMetadata {
        entity_id,
        certificates,
        sso_redirect: service("SingleSignOnService"),
        slo_redirect: service("SingleLogoutService"),
        wants_signed_requests: xml::attribute(&doc, idp, "WantAuthnRequestsSigned") == Some("true"),
    })
}

impl IdpMetadata {
    /// Refuses a signing certificate that cannot be read or has expired at `now_s`.
    pub fn check_certificates(&self, now_s: i64) -> Result<(), String> {
        for der in &self.certificates {
            let certificate =
                x509_cert::Certificate::from_der(der).map_err(|e| format!("a signing certificate is invalid: {e}"))?;
            let not_after = certificate.tbs_certificate.validity.not_after.to_unix_duration().as_secs();
            if i64::try_from(not_after).unwrap_or(i64::MAX) < now_s {
                return Err("a signing certificate in the metadata has expired".into());
            }
        }
        Ok(())
    }

    /// A Bergshamra verifier that trusts the signing certificates (every one is tried) and
    /// nothing else: `DsigContext::new`'s defaults are its SAML hardening (trusted keys only,
    /// reference positions checked).
    pub fn verifier(&self) -> Result<bergshamra::DsigContext, String> {
        let mut keys = bergshamra::KeysManager::new();
        for der in &self.certificates {
            let key = bergshamra::keys::loader::load_x509_cert_der(der)
                .map_err(|e| format!("a signing certificate could not be used: {e}"))?;
            keys.add_key(key);
        }
        Ok(bergshamra::DsigContext::new(keys))
    }
}

/// Fetches the document at `MetadataURL`.
pub async fn fetch(url: &str) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;
    let response = client.get(url).send().await.map_err(|e| format!("the metadata could not be fetched: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("the metadata URL answered HTTP {}", response.status().as_u16()));
    }
    response.text().await.map_err(|e| format!("the metadata could not be read: {e}"))
}

/// Reads the metadata a SAML provider's details name (`MetadataFile`, else `MetadataURL`,
/// fetched), refuses what Cognito refuses, and completes the details with what was found:
/// `SSORedirectBindingURI`, `SLORedirectBindingURI` (when the provider has one) and the
/// document itself under [`KEPT`]. Refusals are `InvalidParameterException`s (worded by us).
pub async fn complete(details: &mut BTreeMap<String, String>, provider: &str, now_s: i64) -> ApiResult<()> {
    super::encryption::complete(details, provider, now_s)?;
    let text = match (details.get("MetadataFile"), details.get("MetadataURL")) {
        (Some(file), _) if !file.trim().is_empty() => file.clone(),
        (_, Some(url)) => fetch(url)
            .await
            .map_err(|e| ApiError::invalid_parameter(format!("Error retrieving metadata from {url}: {e}")))?,
        _ => return Err(ApiError::invalid_parameter("MetadataFile or MetadataURL is a required idp detail")),
    };
    let found = parse(&text).map_err(|e| ApiError::invalid_parameter(format!("Invalid SAML metadata: {e}")))?;
    found.check_certificates(now_s).map_err(|e| ApiError::invalid_parameter(format!("Invalid SAML metadata: {e}")))?;
    let Some(sso) = found.sso_redirect.clone() else {
        return Err(ApiError::invalid_parameter(
            "Invalid SAML metadata: the identity provider has no SingleSignOnService with the HTTP-Redirect binding",
        ));
    };
    details.insert("SSORedirectBindingURI".into(), sso);
    match found.slo_redirect {
        Some(slo) => details.insert("SLORedirectBindingURI".into(), slo),
        None => details.remove("SLORedirectBindingURI"),
    };
    details.insert(KEPT.into(), text);
    Ok(())
}

/// The metadata kept with a provider's details (read when it was created or updated).
pub fn kept(details: Option<&BTreeMap<String, String>>) -> Result<IdpMetadata, String> {
    let text = details.and_then(|d| d.get(KEPT)).ok_or("the identity provider has no metadata")?;
    parse(text)
}

/// The pool's own metadata as a service provider (AWS publishes none; `/_local/saml-metadata`
/// serves this so that an identity provider can be set up from one document): its entity ID,
/// its signing certificate (`GetSigningCertificate`), the provider's encryption certificate
/// when it takes encrypted assertions, the assertion consumer service and single logout
/// service for the HTTP-POST binding. Its requests are signed when the provider sets
/// `RequestSigningAlgorithm`; it wants assertions signed.
pub fn service_provider(
    entity_id: &str,
    acs: &str,
    slo: &str,
    signing_certificate: &str,
    encryption_certificate: Option<&str>,
    signs_requests: bool,
) -> String {
    let key = |usage: &str, certificate: &str| {
        format!(
            r#"<md:KeyDescriptor use="{usage}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"#
        )
    };
    let encryption = encryption_certificate.map(|c| key("encryption", c)).unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{entity_id}"><md:SPSSODescriptor AuthnRequestsSigned="{signs_requests}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{signing}{encryption}<md:SingleLogoutService Binding="{POST_BINDING}" Location="{slo}"/><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:AssertionConsumerService Binding="{POST_BINDING}" Location="{acs}" index="1" isDefault="true"/></md:SPSSODescriptor></md:EntityDescriptor>
"#,
        entity_id = xml::escape(entity_id),
        signing = key("signing", signing_certificate),
        slo = xml::escape(slo),
        acs = xml::escape(acs),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "MIIBszCCAVmgAwIBAgIUZ3mJ";

    fn metadata(extra: &str) -> String {
        format!(
            r#"<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="https://idp.example.com/metadata">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
      {CERT}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    {extra}
    <md:SingleSignOnService Binding="{POST}" Location="https://idp.example.com/sso/post"/>
    <md:SingleSignOnService Binding="{REDIRECT_BINDING}" Location="https://idp.example.com/sso/redirect"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#,
            POST = xml::POST_BINDING
        )
    }

    #[test]
    fn reads_the_entity_signing_certificates_and_redirect_services() {
        let slo =
            format!(r#"<md:SingleLogoutService Binding="{REDIRECT_BINDING}" Location="https://idp.example.com/slo"/>"#);
        let found = parse(&metadata(&slo)).unwrap();
        assert_eq!(found.entity_id, "https://idp.example.com/metadata");
        assert_eq!(found.certificates, vec![STANDARD.decode(CERT).unwrap()]);
        assert_eq!(found.sso_redirect.as_deref(), Some("https://idp.example.com/sso/redirect"));
        assert_eq!(found.slo_redirect.as_deref(), Some("https://idp.example.com/slo"));
        assert!(found.wants_signed_requests);
        assert_eq!(parse(&metadata("")).unwrap().slo_redirect, None);
    }

    #[test]
    fn the_pools_own_metadata_names_its_services_and_certificates() {
        let text = service_provider(
            "urn:amazon:cognito:sp:p",
            "https://sp/acs?a=1&b=2",
            "https://sp/slo",
            "SIGN",
            Some("ENC"),
            true,
        );
        let doc = xml::parse(&text).unwrap();
        let root = doc.document_element().unwrap();
        assert_eq!(xml::attribute(&doc, root, "entityID"), Some("urn:amazon:cognito:sp:p"));
        let sp = xml::child(&doc, root, MD, "SPSSODescriptor").unwrap();
        assert_eq!(xml::attribute(&doc, sp, "AuthnRequestsSigned"), Some("true"));
        let acs = xml::child(&doc, sp, MD, "AssertionConsumerService").unwrap();
        assert_eq!(xml::attribute(&doc, acs, "Location"), Some("https://sp/acs?a=1&b=2"));
        assert_eq!(xml::children(&doc, sp, MD, "KeyDescriptor").len(), 2);
    }

    #[test]
    fn refuses_what_is_not_idp_metadata() {
        assert!(parse("<a/>").is_err());
        assert!(parse("not xml").is_err());
        let no_key = metadata("").replace("use=\"signing\"", "use=\"encryption\"");
        assert_eq!(parse(&no_key).unwrap_err(), "the metadata has no signing certificate");
    }
}
