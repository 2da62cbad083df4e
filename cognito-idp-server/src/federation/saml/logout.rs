//! The provider's `LogoutResponse`, posted to `/saml2/logout` after the pool's
//! `LogoutRequest` ("Your IdP must send the LogoutResponse in an HTTP POST request. Amazon
//! Cognito then redirects them to the redirect destination from their initial sign-out
//! request", the developer guide on single sign-out).
//!
//! It must answer the pool's request (`InResponseTo`), come from the provider (`Issuer`) and,
//! when it carries an XML signature, verify against the provider's certificates. The user's
//! pool session has already ended when the request went out, so what the response decides is
//! only whether the sign-out completes; a response that fails the checks is refused.

use bergshamra::VerifyResult;

use super::metadata::IdpMetadata;
use super::xml::{self, SAML, SAMLP, SUCCESS};

/// Checks `text` as the answer to request `request_id` posted to `destination`: whether the
/// provider says it signed the user out, or why the response is refused.
pub fn verify(text: &str, metadata: &IdpMetadata, request_id: &str, destination: &str) -> Result<bool, String> {
    let doc = xml::parse(text)?;
    let root = doc.document_element().ok_or("the logout response is empty")?;
    if !xml::is(&doc, root, SAMLP, "LogoutResponse") {
        return Err("the document is not a SAML LogoutResponse".into());
    }
    if xml::attribute(&doc, root, "InResponseTo") != Some(request_id) {
        return Err("the logout response does not answer this sign-out".into());
    }
    if let Some(issuer) = xml::child(&doc, root, SAML, "Issuer").map(|i| xml::text(&doc, i))
        && issuer != metadata.entity_id
    {
        return Err(format!("the logout response's Issuer {issuer} is not the identity provider"));
    }
    if let Some(at) = xml::attribute(&doc, root, "Destination")
        && at != destination
    {
        return Err(format!("the logout response's Destination {at} is not {destination}"));
    }
    if !doc.get_elements_by_tag_name_ns(xml::DS, "Signature").is_empty() {
        let context = metadata.verifier()?;
        let results = bergshamra::dsig::verify::verify_all_document_with_source(&context, &doc, Some(text))
            .map_err(|e| format!("the logout response's signature is invalid: {e}"))?;
        let covered = results.iter().all(VerifyResult::is_valid)
            && results.iter().any(|r| match r {
                VerifyResult::Valid { references, .. } => references.iter().any(|x| x.resolved_node == Some(root)),
                VerifyResult::Invalid { .. } => false,
            });
        if !covered {
            return Err("the logout response's signature is invalid".into());
        }
    }
    let status = xml::path(&doc, root, &[(SAMLP, "Status"), (SAMLP, "StatusCode")])
        .and_then(|code| xml::attribute(&doc, code, "Value"))
        .unwrap_or_default();
    Ok(status == SUCCESS)
}
