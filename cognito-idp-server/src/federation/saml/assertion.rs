//! What a SAML provider posts to `/saml2/idpresponse`: a `Response` carrying one assertion
//! about the user, checked before anything is believed:
//!
//! - every XML signature in it verifies against a signing certificate of the provider's
//!   metadata, and at least one covers the `Response` or the very `Assertion` read (Bergshamra
//!   with trusted keys only, reference positions checked and duplicate IDs refused, so a
//!   wrapped or injected assertion is not the one read); an unsigned response is refused;
//! - the status is `Success`; the `Destination` (if any) and the subject confirmation's
//!   `Recipient` are this pool's assertion consumer service; the issuer is the provider's
//!   entity ID; the audience includes the pool's entity ID;
//! - the validity window (`NotBefore`, `NotOnOrAfter` of the conditions and of the bearer
//!   confirmation) holds now, give or take [`SKEW_S`];
//! - `InResponseTo` names the pool's own request for SP-initiated sign-in, and is absent for
//!   IdP-initiated sign-in.
//!
//! Failures are told to the app as AWS tells them: `error=server_error` with
//! `error_description=Invalid SAML response received: {reason}` (the description AWS sends
//! for a bad signature is quoted in aws/aws-sdk-js-v3 issue 6201: "Invalid SAML response
//! received: SAML Assertion signature is invalid."; the other reasons are worded by us).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bergshamra::VerifyResult;
use cognito_idp::types::IdentityProviderTypeType;
use serde_json::{Map, Value};
use uppsala::{Document, NodeId};

use super::encryption;
use super::metadata::IdpMetadata;
use super::xml::{self, DS, SAML, SAMLP, SUCCESS};
use crate::federation::failure::Failure;
use crate::handlers::identity_providers::details;

/// How far the clocks of the pool and its provider may disagree (ours; AWS does not say).
pub const SKEW_S: i64 = 120;
/// The longest `SAMLResponse` taken ("The saml2/idpresponse endpoint can accept SAML
/// assertions of up to 100,000 characters in length", the endpoint's reference).
pub const MAX_RESPONSE_CHARS: usize = 100_000;

/// What the response must match.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The provider's metadata.
    pub metadata: &'a IdpMetadata,
    /// The pool's entity ID.
    pub audience: &'a str,
    /// The URL the response was posted to (`/saml2/idpresponse`).
    pub acs: &'a str,
    /// The ID of the pool's `AuthnRequest` (SP-initiated), or `None` (IdP-initiated).
    pub in_response_to: Option<&'a str>,
    /// Now, in seconds.
    pub now_s: i64,
    /// The provider's decryption key (PKCS#8 DER), when it is set for `EncryptedResponses`:
    /// its assertions must then come encrypted.
    pub decryption_key: Option<&'a [u8]>,
}

/// The user an accepted assertion names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    /// The assertion's `ID` (IdP-initiated responses are taken once by it).
    pub assertion_id: String,
    /// Until when the assertion may be used (seconds), if it says.
    pub not_on_or_after: Option<i64>,
    /// The subject's `NameID`.
    pub name_id: String,
    /// Its `Format`.
    pub name_id_format: Option<String>,
    /// The `SessionIndex` of its first `AuthnStatement`.
    pub session_index: Option<String>,
    /// Its attributes, by `Name`, with every value.
    pub attributes: Vec<(String, Vec<String>)>,
}

impl Verified {
    /// The assertion as claims for the attribute mapping: each attribute by its `Name`, and the
    /// `NameID` as the subject claim the user is named by. An attribute of several values is
    /// written `[a, b]`, as Cognito writes one: `"custom:groups": "[RIDY-RUMESH, RIDY-JOSE,
    /// RUMESH]"` and `"[GROUPID1, GROUPID2]"` in AD FS and Entra ID users' trigger events quoted in
    /// public repositories, and AWS's own sample (aws-samples/amazon-cognito-example-for-external-
    /// idp) parses the brackets off "if we have more than one group".
    pub fn claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        for (name, values) in &self.attributes {
            let value = match &values[..] {
                [] => continue,
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            claims.insert(name.clone(), Value::String(value));
        }
        let subject = details::subject_claim(&IdentityProviderTypeType::Saml);
        claims.insert(subject.to_owned(), Value::String(self.name_id.clone()));
        claims
    }
}

/// What an assertion is read against: the provider, the pool's entity ID, the time, and for
/// one posted to `/saml2/idpresponse`, that URL and the request it answers (`None`: an
/// assertion presented to the API, which names no consumer service and answers no request).
struct Reading<'a> {
    metadata: &'a IdpMetadata,
    audience: &'a str,
    now_s: i64,
    posted: Option<(&'a str, Option<&'a str>)>,
}

impl<'a> Expected<'a> {
    fn reading(&self) -> Reading<'a> {
        Reading {
            metadata: self.metadata,
            audience: self.audience,
            now_s: self.now_s,
            posted: Some((self.acs, self.in_response_to)),
        }
    }
}

fn invalid(reason: impl std::fmt::Display) -> Failure {
    Failure { error: "server_error".into(), description: format!("Invalid SAML response received: {reason}") }
}

/// The posted `SAMLResponse` (base64, whitespace allowed) as XML text.
pub fn decode(posted: &str) -> Result<String, Failure> {
    if posted.len() > MAX_RESPONSE_CHARS {
        return Err(invalid(format!("the SAML response is longer than {MAX_RESPONSE_CHARS} characters.")));
    }
    let compact: String = posted.split_whitespace().collect();
    let bytes = STANDARD.decode(compact).map_err(|_| invalid("the SAML response is not base64."))?;
    String::from_utf8(bytes).map_err(|_| invalid("the SAML response is not UTF-8 text."))
}

/// Verifies the response `text` against `expected`.
pub fn verify(text: &str, expected: &Expected<'_>) -> Result<Verified, Failure> {
    let doc = xml::parse(text).map_err(invalid)?;
    let root = doc.document_element().ok_or_else(|| invalid("the SAML response is empty."))?;
    if !xml::is(&doc, root, SAMLP, "Response") {
        return Err(invalid("the document is not a SAML Response."));
    }
    let status = xml::path(&doc, root, &[(SAMLP, "Status"), (SAMLP, "StatusCode")])
        .and_then(|code| xml::attribute(&doc, code, "Value"))
        .unwrap_or_default();
    if status != SUCCESS {
        return Err(invalid(format!("the identity provider answered status {status}.")));
    }
    if let Some(destination) = xml::attribute(&doc, root, "Destination")
        && destination != expected.acs
    {
        return Err(invalid(format!("the response's Destination {destination} is not {}.", expected.acs)));
    }
    let reading = expected.reading();
    check_issuer(&doc, root, &reading, "response", false)?;
    match (xml::attribute(&doc, root, "InResponseTo"), expected.in_response_to) {
        (Some(got), Some(want)) if got != want => return Err(invalid("the response is not for this request.")),
        (Some(_), None) => return Err(invalid("the response answers a request this user pool did not make.")),
        _ => {}
    }
    let encrypted = xml::children(&doc, root, SAML, "EncryptedAssertion");
    let plain = xml::children(&doc, root, SAML, "Assertion");
    match (&encrypted[..], &plain[..], expected.decryption_key) {
        ([], [assertion], None) => {
            check_signatures(&doc, text, root, *assertion, expected.metadata, None)?;
            read(&doc, *assertion, &reading)
        }
        ([_], [], Some(key)) => {
            // The response's own signature covers the encrypted form: checked before the
            // assertion is decrypted in place; the assertion's, inside, after.
            let response_signed = response_signature(&doc, text, root, expected.metadata)?;
            let decrypted = encryption::decrypt(text, key).map_err(invalid)?;
            let doc = xml::parse(&decrypted).map_err(invalid)?;
            let root = doc.document_element().ok_or_else(|| invalid("the SAML response is empty."))?;
            let assertion = xml::path(&doc, root, &[(SAML, "EncryptedAssertion"), (SAML, "Assertion")])
                .ok_or_else(|| invalid("the encrypted assertion holds no assertion."))?;
            check_signatures(&doc, &decrypted, root, assertion, expected.metadata, Some(response_signed))?;
            read(&doc, assertion, &reading)
        }
        ([], [_], Some(_)) => {
            Err(invalid("the assertion is not encrypted, and the provider requires EncryptedResponses."))
        }
        ([_], [], None) => {
            Err(invalid("the assertion is encrypted, and the provider is not set for EncryptedResponses."))
        }
        _ => Err(invalid("the response must carry exactly one assertion.")),
    }
}

/// Verifies a bare, signed `Assertion` presented to the API as a token (`GetDerivedToken`'s
/// `SAML2` subject or actor token, RFC 8693's `urn:ietf:params:oauth:token-type:saml2`):
/// its own signature by the provider, its issuer, audience and validity window, as for a
/// response posted to the pool; there is no consumer service or request to match. A provider
/// set for `EncryptedResponses` (`decryption_key`) takes only an `EncryptedAssertion`, as its
/// responses do, and an app holding such an assertion holds it encrypted; it is decrypted
/// here, then its assertion's signature checked.
pub fn verify_assertion(
    text: &str,
    metadata: &IdpMetadata,
    audience: &str,
    now_s: i64,
    decryption_key: Option<&[u8]>,
) -> Result<Verified, Failure> {
    let reading = Reading { metadata, audience, now_s, posted: None };
    let doc = xml::parse(text).map_err(invalid)?;
    let root = doc.document_element().ok_or_else(|| invalid("the SAML assertion is empty."))?;
    let encrypted = xml::is(&doc, root, SAML, "EncryptedAssertion");
    if !encrypted && !xml::is(&doc, root, SAML, "Assertion") {
        return Err(invalid("the document is not a SAML Assertion."));
    }
    match (encrypted, decryption_key) {
        (false, None) => {
            check_signatures(&doc, text, root, root, metadata, None)?;
            read(&doc, root, &reading)
        }
        (true, Some(key)) => {
            let decrypted = encryption::decrypt(text, key).map_err(invalid)?;
            let doc = xml::parse(&decrypted).map_err(invalid)?;
            let root = doc.document_element().ok_or_else(|| invalid("the SAML assertion is empty."))?;
            let assertion = xml::child(&doc, root, SAML, "Assertion")
                .ok_or_else(|| invalid("the encrypted assertion holds no assertion."))?;
            check_signatures(&doc, &decrypted, root, assertion, metadata, None)?;
            read(&doc, assertion, &reading)
        }
        (false, Some(_)) => {
            Err(invalid("the assertion is not encrypted, and the provider requires EncryptedResponses."))
        }
        (true, None) => Err(invalid("the assertion is encrypted, and the provider is not set for EncryptedResponses.")),
    }
}

/// What a checked, signed assertion says (its issuer, conditions and subject checked here).
fn read(doc: &Document<'_>, assertion: NodeId, expected: &Reading<'_>) -> Result<Verified, Failure> {
    check_issuer(doc, assertion, expected, "assertion", true)?;
    let conditions = check_conditions(doc, assertion, expected)?;
    let (name_id, name_id_format) = subject(doc, assertion, expected)?;
    let session_index = xml::children(doc, assertion, SAML, "AuthnStatement")
        .first()
        .and_then(|statement| xml::attribute(doc, *statement, "SessionIndex"))
        .map(str::to_owned);
    let mut attributes = Vec::new();
    for statement in xml::children(doc, assertion, SAML, "AttributeStatement") {
        for attribute in xml::children(doc, statement, SAML, "Attribute") {
            let Some(name) = xml::attribute(doc, attribute, "Name") else { continue };
            let values =
                xml::children(doc, attribute, SAML, "AttributeValue").into_iter().map(|v| xml::text(doc, v)).collect();
            attributes.push((name.to_owned(), values));
        }
    }
    Ok(Verified {
        assertion_id: xml::attribute(doc, assertion, "ID").unwrap_or_default().to_owned(),
        not_on_or_after: conditions,
        name_id,
        name_id_format,
        session_index,
        attributes,
    })
}

fn check_issuer(
    doc: &Document<'_>,
    element: NodeId,
    expected: &Reading<'_>,
    what: &str,
    required: bool,
) -> Result<(), Failure> {
    match xml::child(doc, element, SAML, "Issuer").map(|i| xml::text(doc, i)) {
        Some(issuer) if issuer != expected.metadata.entity_id => {
            Err(invalid(format!("the {what}'s Issuer {issuer} is not the identity provider's entity ID.")))
        }
        None if required => Err(invalid(format!("the {what} has no Issuer."))),
        _ => Ok(()),
    }
}

/// Every signature valid, and one of them over the response or the assertion read. After
/// decryption (`Some(response_signed)`), the response's own signature (checked before, over
/// the encrypted form) is passed over, and counts if it was there.
fn check_signatures(
    doc: &Document<'_>,
    text: &str,
    root: NodeId,
    assertion: NodeId,
    metadata: &IdpMetadata,
    after_decryption: Option<bool>,
) -> Result<(), Failure> {
    let context = metadata.verifier().map_err(invalid)?;
    let results = match bergshamra::dsig::verify::verify_all_document_with_source(&context, doc, Some(text)) {
        Ok(results) => results,
        Err(bergshamra::Error::MissingElement(_)) if after_decryption == Some(true) => return Ok(()),
        Err(bergshamra::Error::MissingElement(_)) => return Err(invalid("the SAML response is not signed.")),
        Err(e) => {
            tracing::debug!(error = %e, "SAML response refused");
            return Err(invalid("SAML Assertion signature is invalid."));
        }
    };
    // Bergshamra reports the signatures in document order.
    let nodes = doc.get_elements_by_tag_name_ns(DS, "Signature");
    let mut covered = after_decryption == Some(true);
    for (index, result) in results.iter().enumerate() {
        if after_decryption.is_some() && nodes.get(index).and_then(|n| doc.parent(*n)) == Some(root) {
            continue;
        }
        match result {
            VerifyResult::Valid { references, .. } => {
                covered |=
                    references.iter().any(|r| r.resolved_node == Some(root) || r.resolved_node == Some(assertion));
            }
            VerifyResult::Invalid { reason } => {
                tracing::debug!(reason, "SAML signature refused");
                return Err(invalid("SAML Assertion signature is invalid."));
            }
        }
    }
    if !covered {
        return Err(invalid("neither the response nor its assertion is signed."));
    }
    Ok(())
}

/// Whether the response itself carries a valid signature (before decryption: any signature
/// there is the response's); a signature that does not verify is refused.
fn response_signature(doc: &Document<'_>, text: &str, root: NodeId, metadata: &IdpMetadata) -> Result<bool, Failure> {
    let context = metadata.verifier().map_err(invalid)?;
    match bergshamra::dsig::verify::verify_all_document_with_source(&context, doc, Some(text)) {
        Ok(results) => {
            let mut signed = false;
            for result in &results {
                match result {
                    VerifyResult::Valid { references, .. } => {
                        signed |= references.iter().any(|r| r.resolved_node == Some(root));
                    }
                    VerifyResult::Invalid { .. } => return Err(invalid("SAML Assertion signature is invalid.")),
                }
            }
            Ok(signed)
        }
        Err(bergshamra::Error::MissingElement(_)) => Ok(false),
        Err(_) => Err(invalid("SAML Assertion signature is invalid.")),
    }
}

/// The conditions: the window and the audience. Returns the assertion's `NotOnOrAfter`.
fn check_conditions(doc: &Document<'_>, assertion: NodeId, expected: &Reading<'_>) -> Result<Option<i64>, Failure> {
    let Some(conditions) = xml::child(doc, assertion, SAML, "Conditions") else {
        return Err(invalid("the assertion has no Conditions."));
    };
    let not_on_or_after = window(doc, conditions, expected.now_s, "assertion")?;
    for restriction in xml::children(doc, conditions, SAML, "AudienceRestriction") {
        let audiences: Vec<String> =
            xml::children(doc, restriction, SAML, "Audience").into_iter().map(|a| xml::text(doc, a)).collect();
        if !audiences.iter().any(|a| a == expected.audience) {
            return Err(invalid(format!("the assertion's audience is not {}.", expected.audience)));
        }
    }
    if xml::children(doc, conditions, SAML, "AudienceRestriction").is_empty() {
        return Err(invalid(format!("the assertion names no audience; it must be {}.", expected.audience)));
    }
    Ok(not_on_or_after)
}

/// `NotBefore` and `NotOnOrAfter` of `element` against now, with the skew.
fn window(doc: &Document<'_>, element: NodeId, now_s: i64, what: &str) -> Result<Option<i64>, Failure> {
    let read = |name: &str| -> Result<Option<i64>, Failure> {
        match xml::attribute(doc, element, name) {
            None => Ok(None),
            Some(value) => {
                xml::seconds(value).map(Some).ok_or_else(|| invalid(format!("{name} {value} is not a time.")))
            }
        }
    };
    if let Some(not_before) = read("NotBefore")?
        && now_s + SKEW_S < not_before
    {
        return Err(invalid(format!("the {what} is not valid yet.")));
    }
    let not_on_or_after = read("NotOnOrAfter")?;
    if let Some(end) = not_on_or_after
        && now_s - SKEW_S >= end
    {
        return Err(invalid(format!("the {what} has expired.")));
    }
    Ok(not_on_or_after)
}

/// The subject's `NameID` and format, after its bearer confirmation is checked.
fn subject(doc: &Document<'_>, assertion: NodeId, expected: &Reading<'_>) -> Result<(String, Option<String>), Failure> {
    let subject =
        xml::child(doc, assertion, SAML, "Subject").ok_or_else(|| invalid("the assertion has no Subject."))?;
    let name =
        xml::child(doc, subject, SAML, "NameID").ok_or_else(|| invalid("the assertion's subject has no NameID."))?;
    let name_id = xml::text(doc, name);
    if name_id.is_empty() {
        return Err(invalid("the assertion's NameID is empty."));
    }
    let bearer = xml::children(doc, subject, SAML, "SubjectConfirmation")
        .into_iter()
        .find(|c| xml::attribute(doc, *c, "Method") == Some("urn:oasis:names:tc:SAML:2.0:cm:bearer"))
        .ok_or_else(|| invalid("the assertion has no bearer subject confirmation."))?;
    if let Some(data) = xml::child(doc, bearer, SAML, "SubjectConfirmationData") {
        if let Some((acs, in_response_to)) = expected.posted {
            if let Some(recipient) = xml::attribute(doc, data, "Recipient")
                && recipient != acs
            {
                return Err(invalid(format!("the assertion's Recipient {recipient} is not {acs}.")));
            }
            match (xml::attribute(doc, data, "InResponseTo"), in_response_to) {
                (Some(got), Some(want)) if got != want => {
                    return Err(invalid("the assertion is not for this request."));
                }
                (Some(_), None) => {
                    return Err(invalid("the assertion answers a request this user pool did not make."));
                }
                _ => {}
            }
        }
        window(doc, data, expected.now_s, "subject confirmation")?;
    }
    let format = xml::attribute(doc, name, "Format").map(str::to_owned);
    Ok((name_id, format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::saml::xml::instant;

    const IDP: &str = "https://idp.example.com/metadata";
    const SP: &str = "urn:amazon:cognito:sp:us-east-1_test";
    const ACS: &str = "https://sp.example.com/saml2/idpresponse";
    const NOW: i64 = 1_796_533_200;

    struct Signer {
        key_pem: String,
        certificate: Vec<u8>,
    }

    /// A change made to a response before it is signed.
    type Change = Box<dyn Fn(String) -> String>;

    fn signer() -> Signer {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let certificate = rcgen::CertificateParams::new(vec!["idp".to_owned()]).unwrap().self_signed(&key).unwrap();
        let body = STANDARD.encode(key.serialize_der());
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
        let key_pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
        Signer { key_pem, certificate: certificate.der().to_vec() }
    }

    fn signature_template(reference: &str) -> String {
        format!(
            r##"<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{reference}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"##
        )
    }

    /// A response for request `_req` whose assertion is signed (by `signer`), with `change`
    /// applied to the template first.
    fn response(signer: &Signer, change: impl Fn(String) -> String) -> String {
        sign(signer, &change(template()))
    }

    fn template() -> String {
        format!(
            r#"<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r1" Version="2.0" IssueInstant="{now}" Destination="{ACS}" InResponseTo="_req"><saml:Issuer>{IDP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="{now}"><saml:Issuer>{IDP}</saml:Issuer>{signature}<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="_req" NotOnOrAfter="{later}" Recipient="{ACS}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{earlier}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>{SP}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{now}" SessionIndex="s-1"/><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute><saml:Attribute Name="groups"><saml:AttributeValue>admins</saml:AttributeValue><saml:AttributeValue>staff</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"#,
            now = instant(NOW),
            earlier = instant(NOW - 60),
            later = instant(NOW + 300),
            signature = signature_template("_a1"),
        )
    }

    fn sign(signer: &Signer, template: &str) -> String {
        let mut keys = bergshamra::KeysManager::new();
        keys.add_key(bergshamra::keys::loader::load_pem_auto(signer.key_pem.as_bytes(), None).unwrap());
        bergshamra::sign(&bergshamra::DsigContext::new(keys), template).unwrap()
    }

    fn metadata(signer: &Signer) -> IdpMetadata {
        IdpMetadata { entity_id: IDP.into(), certificates: vec![signer.certificate.clone()], ..Default::default() }
    }

    fn check(text: &str, metadata: &IdpMetadata, in_response_to: Option<&str>) -> Result<Verified, String> {
        let expected = Expected { metadata, audience: SP, acs: ACS, in_response_to, now_s: NOW, decryption_key: None };
        verify(text, &expected).map_err(|f| {
            assert_eq!(f.error, "server_error");
            f.description
        })
    }

    #[test]
    fn attributes_become_claims_and_the_name_id_the_subject() {
        let verified = Verified {
            name_id: "alice@example.com".into(),
            attributes: vec![
                ("email".into(), vec!["alice@example.com".into()]),
                ("groups".into(), vec!["admins".into(), "staff".into()]),
                ("empty".into(), vec![]),
            ],
            ..Default::default()
        };
        let claims = verified.claims();
        assert_eq!(claims["email"], "alice@example.com");
        assert_eq!(claims["groups"], "[admins, staff]");
        assert!(!claims.contains_key("empty"));
        assert_eq!(claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"], "alice@example.com");
    }

    #[test]
    fn a_signed_assertion_for_the_pool_is_read() {
        let idp = signer();
        let verified = check(&response(&idp, |t| t), &metadata(&idp), Some("_req")).unwrap();
        assert_eq!(verified.name_id, "alice@example.com");
        assert_eq!(verified.name_id_format.as_deref(), Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
        assert_eq!(verified.session_index.as_deref(), Some("s-1"));
        assert_eq!(verified.assertion_id, "_a1");
        assert_eq!(verified.not_on_or_after, Some(NOW + 300));
        assert_eq!(
            verified.attributes,
            vec![
                ("email".to_owned(), vec!["alice@example.com".to_owned()]),
                ("groups".to_owned(), vec!["admins".to_owned(), "staff".to_owned()])
            ]
        );
        // Posted as base64, with line breaks as some providers send it.
        let posted = STANDARD.encode(response(&idp, |t| t));
        let wrapped: String =
            posted.as_bytes().chunks(76).map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap())).collect();
        assert!(decode(&wrapped).unwrap().starts_with("<samlp:Response"));
    }

    /// The template's assertion alone, with its namespace declared on it.
    fn bare_template() -> String {
        let text = template();
        let (start, end) = (text.find("<saml:Assertion").unwrap(), text.find("</samlp:Response>").unwrap());
        text[start..end].replacen("<saml:Assertion ", &format!(r#"<saml:Assertion xmlns:saml="{SAML}" "#), 1)
    }

    /// [`bare_template`] with `change`, signed.
    fn bare_assertion(signer: &Signer, change: impl Fn(String) -> String) -> String {
        sign(signer, &change(bare_template()))
    }

    #[test]
    fn a_bare_assertion_presented_as_a_token_is_read_without_the_acs_checks() {
        let idp = signer();
        let check = |text: &str| verify_assertion(text, &metadata(&idp), SP, NOW, None).map_err(|f| f.description);
        let verified = check(&bare_assertion(&idp, |t| t)).expect("a signed assertion for the pool");
        assert_eq!((verified.name_id.as_str(), verified.not_on_or_after), ("alice@example.com", Some(NOW + 300)));
        // Its Recipient and InResponseTo name the consumer service and a request: not checked.
        let elsewhere = bare_assertion(&idp, |t| t.replace(ACS, "https://elsewhere.example.com/acs"));
        assert!(check(&elsewhere).is_ok());
        // Signature, audience, window and issuer are.
        let tampered = bare_assertion(&idp, |t| t).replace(">alice@", ">mallory@");
        assert!(check(&tampered).unwrap_err().contains("signature is invalid"));
        assert!(check(&bare_assertion(&signer(), |t| t)).unwrap_err().contains("signature is invalid"));
        let other_pool = bare_assertion(&idp, |t| t.replace(SP, "urn:amazon:cognito:sp:us-east-1_other"));
        assert!(check(&other_pool).unwrap_err().contains("audience"));
        let late = verify_assertion(&bare_assertion(&idp, |t| t), &metadata(&idp), SP, NOW + 300 + SKEW_S, None);
        assert!(late.unwrap_err().description.contains("expired"));
        let issuer = bare_assertion(&idp, |t| t.replace(IDP, "https://other-idp.example.com"));
        assert!(check(&issuer).unwrap_err().contains("Issuer"));
        let unsigned = bare_template().replace(&signature_template("_a1"), "");
        assert!(check(&unsigned).unwrap_err().contains("not signed"));
        // A whole response is not an assertion.
        assert!(check(&response(&idp, |t| t)).unwrap_err().contains("not a SAML Assertion"));
    }

    #[test]
    fn tampering_another_key_or_no_signature_is_refused() {
        let idp = signer();
        let signed = response(&idp, |t| t);
        let tampered = signed.replace("<saml:AttributeValue>admins<", "<saml:AttributeValue>root<");
        assert_eq!(
            check(&tampered, &metadata(&idp), Some("_req")).unwrap_err(),
            "Invalid SAML response received: SAML Assertion signature is invalid."
        );
        let other = signer();
        assert!(
            check(&response(&other, |t| t), &metadata(&idp), Some("_req"))
                .unwrap_err()
                .contains("signature is invalid")
        );
        let unsigned = template().replace(&signature_template("_a1"), "");
        assert!(check(&unsigned, &metadata(&idp), Some("_req")).unwrap_err().contains("not signed"));
    }

    #[test]
    fn a_second_assertion_wrapped_beside_the_signed_one_is_refused() {
        let idp = signer();
        let signed = response(&idp, |t| t);
        let evil = r#"<saml:Assertion ID="_evil" Version="2.0"><saml:Issuer>https://idp.example.com/metadata</saml:Issuer><saml:Subject><saml:NameID>admin</saml:NameID></saml:Subject></saml:Assertion>"#;
        let wrapped = signed.replace("</samlp:Status>", &format!("</samlp:Status>{evil}"));
        assert!(check(&wrapped, &metadata(&idp), Some("_req")).unwrap_err().contains("exactly one assertion"));
        // The signed assertion moved into an extension, an unsigned one in its place.
        let assertion_start = signed.find("<saml:Assertion").unwrap();
        let assertion_end = signed.find("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
        let original = &signed[assertion_start..assertion_end];
        let moved = format!(
            "{}<samlp:Extensions>{original}</samlp:Extensions>{}{}",
            &signed[..assertion_start],
            original
                .replace("ID=\"_a1\"", "ID=\"_a2\"")
                .replace("alice@example.com</saml:NameID>", "admin</saml:NameID>"),
            &signed[assertion_end..]
        );
        assert!(check(&moved, &metadata(&idp), Some("_req")).is_err());
    }

    #[test]
    fn audience_recipient_window_issuer_and_request_are_checked() {
        let idp = signer();
        let found = metadata(&idp);
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|t| t.replace(SP, "urn:amazon:cognito:sp:other")), "audience is not"),
            (Box::new(|t| t.replace(&format!("Recipient=\"{ACS}\""), "Recipient=\"https://evil/acs\"")), "Recipient"),
            (
                Box::new(|t| t.replace(&format!("Destination=\"{ACS}\""), "Destination=\"https://evil/acs\"")),
                "Destination",
            ),
            (Box::new(|t| t.replace(&instant(NOW + 300), &instant(NOW - 3600))), "expired"),
            (Box::new(|t| t.replace(&instant(NOW - 60), &instant(NOW + 3600))), "not valid yet"),
            (
                Box::new(|t| {
                    t.replace(&format!("<saml:Issuer>{IDP}</saml:Issuer>"), "<saml:Issuer>https://evil</saml:Issuer>")
                }),
                "Issuer",
            ),
            (Box::new(|t| t.replace(SUCCESS, "urn:oasis:names:tc:SAML:2.0:status:Responder")), "status"),
        ];
        for (change, reason) in cases {
            let refused = check(&response(&idp, change), &found, Some("_req")).unwrap_err();
            assert!(refused.contains(reason), "{refused} should say {reason}");
        }
        assert!(check(&response(&idp, |t| t), &found, Some("_other")).unwrap_err().contains("not for this request"));
        // IdP-initiated: a response that answers a request is not unsolicited.
        assert!(check(&response(&idp, |t| t), &found, None).unwrap_err().contains("did not make"));
        let unsolicited = response(&idp, |t| t.replace(" InResponseTo=\"_req\"", ""));
        assert!(check(&unsolicited, &found, None).is_ok());
    }
}
