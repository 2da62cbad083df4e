//! The cost of checking one SAML response at `/saml2/idpresponse`, on one thread: a response
//! of the shape identity providers send (the assertion and the response each signed,
//! RSA-2048 with SHA-256 and exclusive canonicalization, five attributes), checked by
//! `federation::saml::assertion::verify` against its metadata (both signatures, issuer,
//! audience, recipient, window, request). Beside it, for scale, the server's own RS256 token
//! signature, of which a sign-in's code exchange makes two.
//!
//! ```text
//! cargo run --release -p cognito-idp-server --example saml_cost -- [--rounds 300]
//! ```
//!
//! Prints one JSON object: the median and minimum milliseconds of a check and of a token
//! signature, and their ratio.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_idp_server::federation::saml::assertion::{Expected, verify};
use cognito_idp_server::federation::saml::metadata::IdpMetadata;
use cognito_idp_server::federation::saml::xml::{DS, SAML, SAMLP, SUCCESS, instant};
use cognito_idp_server::tokens::key_pairs::SigningKey;
use serde_json::json;

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "urn:amazon:cognito:sp:us-east-1_bench";
const ACS: &str = "https://bench.auth.us-east-1.amazoncognito.com/saml2/idpresponse";
const NOW: i64 = 1_796_533_200;

fn signature(reference: &str) -> String {
    format!(
        r##"<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{reference}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"##
    )
}

/// A response whose assertion, then whole, is signed with `key_pem`.
fn response(key_pem: &str) -> String {
    let attributes: String = ["email", "given_name", "family_name", "department", "groups"]
        .iter()
        .map(|name| format!(r#"<saml:Attribute Name="{name}"><saml:AttributeValue>{name}-value</saml:AttributeValue></saml:Attribute>"#))
        .collect();
    let assertion = format!(
        r#"<saml:Assertion xmlns:saml="{SAML}" ID="_a1" Version="2.0" IssueInstant="{now}"><saml:Issuer>{IDP}</saml:Issuer>{signature}<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="_req" NotOnOrAfter="{later}" Recipient="{ACS}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{now}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>{SP}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{now}" SessionIndex="s-1"/><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"#,
        now = instant(NOW),
        later = instant(NOW + 900),
        signature = signature("_a1"),
    );
    let context = || {
        let mut keys = bergshamra::KeysManager::new();
        keys.add_key(bergshamra::keys::loader::load_pem_auto(key_pem.as_bytes(), None).unwrap());
        bergshamra::DsigContext::new(keys)
    };
    let assertion = bergshamra::sign(&context(), &assertion).unwrap();
    let assertion = assertion.trim_start_matches(|c| c != '<').trim_start_matches("<?xml version=\"1.0\"?>");
    let template = format!(
        r#"<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r1" Version="2.0" IssueInstant="{now}" Destination="{ACS}" InResponseTo="_req"><saml:Issuer>{IDP}</saml:Issuer>{signature}<samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status>{assertion}</samlp:Response>"#,
        now = instant(NOW),
        signature = signature("_r1"),
    );
    bergshamra::sign(&context(), &template).unwrap()
}

fn median(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(300)
        .max(1);
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let certificate = rcgen::CertificateParams::new(vec!["idp".to_owned()]).unwrap().self_signed(&key).unwrap();
    let body = STANDARD.encode(key.serialize_der());
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let key_pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
    let text = response(&key_pem);
    let metadata =
        IdpMetadata { entity_id: IDP.into(), certificates: vec![certificate.der().to_vec()], ..Default::default() };
    let expected = Expected {
        metadata: &metadata,
        audience: SP,
        acs: ACS,
        in_response_to: Some("_req"),
        now_s: NOW,
        decryption_key: None,
    };
    verify(&text, &expected).expect("the benchmark's response verifies");
    let mut checks = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(verify(&text, &expected).unwrap());
        checks.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let token_key = SigningKey::generate().unwrap();
    let message = vec![b'x'; 900];
    let mut signatures = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(token_key.sign(&message).unwrap());
        signatures.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (check_median, check_min) = median(checks);
    let (sign_median, sign_min) = median(signatures);
    println!(
        "{}",
        json!({
            "rounds": rounds,
            "response_bytes": text.len(),
            "check_median_ms": check_median,
            "check_min_ms": check_min,
            "token_signature_median_ms": sign_median,
            "token_signature_min_ms": sign_min,
            "check_over_token_signature": check_median / sign_median,
        })
    );
}
