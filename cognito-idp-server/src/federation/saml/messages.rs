//! What the pool sends a SAML provider, and how: an `AuthnRequest` to sign in (SP-initiated
//! sign-in) or a `LogoutRequest` to sign out (single logout), deflated, base64-encoded and put
//! in the query of a redirect to the provider (the HTTP-Redirect binding, SAML 2.0 Bindings
//! 3.4.4). When the provider is configured with `RequestSigningAlgorithm` (`rsa-sha256`, its
//! only value), or for a logout request always ("Amazon Cognito signs the sign-out request
//! with your user pool signing certificate", the developer guide on single sign-out), the query
//! carries `SigAlg` and a `Signature` over `SAMLRequest=..&RelayState=..&SigAlg=..` made with
//! the pool's signing key (`GetSigningCertificate`'s certificate).

use std::io::Write;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::DeflateEncoder;
use rand::RngCore;

use super::xml::{POST_BINDING, SAML, SAMLP, escape, instant};

/// The `SigAlg` of RSA with SHA-256.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// A message ID: SAML's IDs are `xs:ID`s, so they start with a letter or underscore.
pub fn new_id() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("_{hex}")
}

/// An `AuthnRequest` from `issuer` to the provider's `destination`, asking for a response
/// posted to `acs`.
pub fn authn_request(id: &str, issuer: &str, destination: &str, acs: &str, now_s: i64) -> String {
    format!(
        r#"<saml2p:AuthnRequest xmlns:saml2p="{SAMLP}" AssertionConsumerServiceURL="{acs}" Destination="{destination}" ForceAuthn="false" ID="{id}" IsPassive="false" IssueInstant="{now}" ProtocolBinding="{POST_BINDING}" Version="2.0"><saml2:Issuer xmlns:saml2="{SAML}">{issuer}</saml2:Issuer><saml2p:NameIDPolicy AllowCreate="true" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"/></saml2p:AuthnRequest>"#,
        acs = escape(acs),
        destination = escape(destination),
        now = instant(now_s),
        issuer = escape(issuer),
    )
}

/// The user a `LogoutRequest` signs out: the `NameID` (and its format) and the
/// `SessionIndex` of the assertion that signed them in.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SamlSession {
    /// The provider's name in the pool.
    pub provider: String,
    /// The assertion's `NameID`.
    pub name_id: String,
    /// Its `Format`, if given.
    pub name_id_format: Option<String>,
    /// The `SessionIndex` of its `AuthnStatement`, if given.
    pub session_index: Option<String>,
}

/// A `LogoutRequest` from `issuer` to the provider's `destination` for `session`.
pub fn logout_request(id: &str, issuer: &str, destination: &str, session: &SamlSession, now_s: i64) -> String {
    let format = session.name_id_format.as_deref().map(|f| format!(r#" Format="{}""#, escape(f))).unwrap_or_default();
    let index = session
        .session_index
        .as_deref()
        .map(|i| format!("<saml2p:SessionIndex>{}</saml2p:SessionIndex>", escape(i)))
        .unwrap_or_default();
    format!(
        r#"<saml2p:LogoutRequest xmlns:saml2p="{SAMLP}" xmlns:saml2="{SAML}" Destination="{destination}" ID="{id}" IssueInstant="{now}" Version="2.0"><saml2:Issuer>{issuer}</saml2:Issuer><saml2:NameID{format}>{name_id}</saml2:NameID>{index}</saml2p:LogoutRequest>"#,
        destination = escape(destination),
        now = instant(now_s),
        issuer = escape(issuer),
        name_id = escape(&session.name_id),
    )
}

fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The URL that carries `message` to `endpoint` by the HTTP-Redirect binding, with
/// `relay_state`, signed with `signing_key` (PKCS#8 DER) when given.
pub fn redirect_url(
    endpoint: &str,
    message: &str,
    relay_state: &str,
    signing_key: Option<&[u8]>,
) -> Result<String, String> {
    let mut deflater = DeflateEncoder::new(Vec::new(), Compression::default());
    deflater.write_all(message.as_bytes()).map_err(|e| format!("deflate: {e}"))?;
    let deflated = deflater.finish().map_err(|e| format!("deflate: {e}"))?;
    let mut query = format!("SAMLRequest={}", url_encode(&STANDARD.encode(deflated)));
    if !relay_state.is_empty() {
        query.push_str(&format!("&RelayState={}", url_encode(relay_state)));
    }
    if let Some(key) = signing_key {
        query.push_str(&format!("&SigAlg={}", url_encode(RSA_SHA256)));
        let key = RsaKeyPair::from_pkcs8(key).map_err(|e| format!("the pool's signing key: {e}"))?;
        let mut signature = vec![0u8; key.public_modulus_len()];
        key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), query.as_bytes(), &mut signature)
            .map_err(|e| format!("signing: {e}"))?;
        query.push_str(&format!("&Signature={}", url_encode(&STANDARD.encode(signature))));
    }
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Ok(format!("{endpoint}{separator}{query}"))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
    use flate2::read::DeflateDecoder;

    use super::*;

    fn query(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }

    #[test]
    fn a_signed_redirect_carries_the_deflated_request_and_a_verifiable_signature() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let request = authn_request("_abc", "urn:amazon:cognito:sp:p", "https://idp/sso", "https://sp/acs", 0);
        let url = redirect_url("https://idp/sso?tenant=1", &request, "relay", Some(&key.serialize_der())).unwrap();
        assert!(url.starts_with("https://idp/sso?tenant=1&SAMLRequest="));
        let pairs = query(&url);
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["tenant", "SAMLRequest", "RelayState", "SigAlg", "Signature"]);
        let mut inflated = String::new();
        DeflateDecoder::new(&STANDARD.decode(&pairs[1].1).unwrap()[..]).read_to_string(&mut inflated).unwrap();
        assert_eq!(inflated, request);
        // The signature covers the three parameters as they appear, URL-encoded.
        let signed = url.split_once("SAMLRequest=").unwrap().1.split("&Signature=").next().unwrap();
        let signed = format!("SAMLRequest={signed}");
        let pair = RsaKeyPair::from_pkcs8(&key.serialize_der()).unwrap();
        let public = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref().to_vec());
        public.verify(signed.as_bytes(), &STANDARD.decode(&pairs[4].1).unwrap()).unwrap();
        assert!(
            !query(&redirect_url("https://idp/sso", &request, "", None).unwrap()).iter().any(|(n, _)| n == "SigAlg")
        );
    }

    #[test]
    fn a_logout_request_names_the_user_and_session() {
        let session = SamlSession {
            provider: "Corp".into(),
            name_id: "alice@example.com".into(),
            name_id_format: Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress".into()),
            session_index: Some("s1".into()),
        };
        let request = logout_request("_x", "urn:amazon:cognito:sp:p", "https://idp/slo", &session, 0);
        assert!(request.contains(r#"<saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml2:NameID>"#));
        assert!(request.contains("<saml2p:SessionIndex>s1</saml2p:SessionIndex>"));
    }
}
