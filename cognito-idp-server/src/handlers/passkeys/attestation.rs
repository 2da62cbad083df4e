//! `packed` attestation with an attestation certificate (`x5c`), the statement security keys
//! and Chromium's authenticators make when asked for attestation. `webauthn_rp` verifies `none`
//! and `packed` self attestation only, so this module checks the certificate's statement
//! (WebAuthn §8.2: the signature over `authenticatorData || SHA-256(clientDataJSON)` with the
//! certificate's key and the statement's `alg`; the certificate's requirements of §8.2.1) and
//! hands the verifier the same credential with a `none` statement, which it then checks like
//! any other (client data, relying party, flags, key). No trust anchor is consulted: Cognito
//! asks for no attestation (`attestation: "none"` in its options), so a certificate proves the
//! authenticator's make to no one, and is only held to being well formed and to its signature.

use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::BasicConstraints;

/// `id-fido-gen-ce-aaguid`: the AAGUID an attestation certificate may carry.
const AAGUID_EXTENSION: &str = "1.3.6.1.4.1.45724.1.1.4";
/// `basicConstraints`.
const BASIC_CONSTRAINTS: &str = "2.5.29.19";

fn field<'a>(map: &'a [(Cbor, Cbor)], name: &str) -> Option<&'a Cbor> {
    map.iter().find(|(k, _)| k.as_text() == Some(name)).map(|(_, v)| v)
}

fn decode(value: &Value) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(value.as_str()?.trim_end_matches('=')).ok()
}

/// `credential` (a `RegistrationResponseJSON`) with a certificate-signed `packed` statement
/// checked and replaced by `none`; any other credential as it is. `Err` says why a statement
/// with a certificate does not hold.
pub fn reduce(credential: &Value) -> Result<Value, String> {
    let Some(object) = decode(&credential["response"]["attestationObject"]) else { return Ok(credential.clone()) };
    let Ok(Cbor::Map(map)) = ciborium::from_reader::<Cbor, _>(object.as_slice()) else {
        return Ok(credential.clone());
    };
    let statement = match (field(&map, "fmt").and_then(Cbor::as_text), field(&map, "attStmt")) {
        (Some("packed"), Some(Cbor::Map(statement))) if field(statement, "x5c").is_some() => statement,
        _ => return Ok(credential.clone()),
    };
    let auth_data = field(&map, "authData").and_then(Cbor::as_bytes).ok_or("the attestation has no authData")?;
    let client_data = decode(&credential["response"]["clientDataJSON"]).ok_or("clientDataJSON is not base64url")?;
    let alg = field(statement, "alg").and_then(Cbor::as_integer).and_then(|a| i64::try_from(a).ok());
    let sig = field(statement, "sig").and_then(Cbor::as_bytes).ok_or("the packed statement has no sig")?;
    let leaf = field(statement, "x5c")
        .and_then(Cbor::as_array)
        .and_then(|chain| chain.first())
        .and_then(Cbor::as_bytes)
        .ok_or("the packed statement's x5c holds no certificate")?;
    let certificate =
        Certificate::from_der(leaf).map_err(|e| format!("the attestation certificate is not DER: {e}"))?;
    check_certificate(&certificate, auth_data)?;
    let key = certificate
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .ok_or("the attestation certificate's key is not whole bytes")?;
    let algorithm: &'static dyn signature::VerificationAlgorithm = match alg {
        Some(-7) => &signature::ECDSA_P256_SHA256_ASN1,
        Some(-35) => &signature::ECDSA_P384_SHA384_ASN1,
        Some(-257) => &signature::RSA_PKCS1_2048_8192_SHA256,
        Some(-8) => &signature::ED25519,
        other => return Err(format!("the packed statement's algorithm {other:?} is not supported")),
    };
    let mut signed = auth_data.clone();
    signed.extend(Sha256::digest(&client_data));
    UnparsedPublicKey::new(algorithm, key)
        .verify(&signed, sig)
        .map_err(|_| "the packed attestation's signature does not verify".to_owned())?;
    let none = Cbor::Map(vec![
        (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
        (Cbor::Text("attStmt".into()), Cbor::Map(Vec::new())),
        (Cbor::Text("authData".into()), Cbor::Bytes(auth_data.clone())),
    ]);
    let mut reduced = Vec::new();
    ciborium::into_writer(&none, &mut reduced).map_err(|e| format!("re-encoding the attestation: {e}"))?;
    let mut out = credential.clone();
    out["response"]["attestationObject"] = Value::String(URL_SAFE_NO_PAD.encode(reduced));
    Ok(out)
}

/// WebAuthn §8.2.1: version 3, `OU=Authenticator Attestation`, not a CA, and the AAGUID
/// extension, when there is one, equal to the authenticator data's.
fn check_certificate(certificate: &Certificate, auth_data: &[u8]) -> Result<(), String> {
    let tbs = &certificate.tbs_certificate;
    if tbs.version != x509_cert::Version::V3 {
        return Err("the attestation certificate is not version 3".into());
    }
    if !tbs.subject.to_string().split(',').any(|part| part.trim() == "OU=Authenticator Attestation") {
        return Err("the attestation certificate's subject lacks OU=Authenticator Attestation".into());
    }
    for extension in tbs.extensions.iter().flatten() {
        let id = extension.extn_id.to_string();
        if id == BASIC_CONSTRAINTS {
            let constraints = BasicConstraints::from_der(extension.extn_value.as_bytes())
                .map_err(|e| format!("the attestation certificate's basic constraints: {e}"))?;
            if constraints.ca {
                return Err("the attestation certificate is a CA certificate".into());
            }
        } else if id == AAGUID_EXTENSION {
            let inner = x509_cert::der::asn1::OctetString::from_der(extension.extn_value.as_bytes())
                .map_err(|e| format!("the attestation certificate's AAGUID: {e}"))?;
            if auth_data.get(37..53) != Some(inner.as_bytes()) {
                return Err("the attestation certificate's AAGUID is not the authenticator's".into());
            }
        }
    }
    // Encoding it again proves the whole structure is well formed.
    certificate.to_der().map(drop).map_err(|e| format!("the attestation certificate: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registration Chromium's virtual authenticator made when asked for `direct`
    /// attestation: `packed` with its batch certificate.
    fn chromium() -> Value {
        serde_json::json!({
            "id": "QqVA4wXJd-1xfahqvixpvz-ZMFk46tIJAhnqjbkXlxo",
            "response": {
                "attestationObject": "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEYwRAIgfiAWhtpLD9D03qjtWxXaZi1n7hl8yLUAX3OJwlaicoECIDjokRGADIJ2b24LHkZsXar8ov_1I8NUMEE91BNegiw3Y3g1Y4FZAdkwggHVMIIBeqADAgECAgEBMAoGCCqGSM49BAMCMGAxCzAJBgNVBAYTAlVTMREwDwYDVQQKDAhDaHJvbWl1bTEiMCAGA1UECwwZQXV0aGVudGljYXRvciBBdHRlc3RhdGlvbjEaMBgGA1UEAwwRQmF0Y2ggQ2VydGlmaWNhdGUwHhcNMTcwNzE0MDI0MDAwWhcNNDYxMjAxMDIwOTA5WjBgMQswCQYDVQQGEwJVUzERMA8GA1UECgwIQ2hyb21pdW0xIjAgBgNVBAsMGUF1dGhlbnRpY2F0b3IgQXR0ZXN0YXRpb24xGjAYBgNVBAMMEUJhdGNoIENlcnRpZmljYXRlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjWF-ZclQjmS8xWc6yCpnmdo8FEZoLCWMRj__31jf0vo-bDeLU9eVxKTf-0GZ7deGLyOrrwIDtLiRG6BWmZThAaMlMCMwDAYDVR0TAQH_BAIwADATBgsrBgEEAYLlHAIBAQQEAwIDCDAKBggqhkjOPQQDAgNJADBGAiEA74FoIDxUfTlFbNwcsMej-WnUS4y44UiPPxwxbZV3YDQCIQDtnZDv8_gJAhRGALlBoTi3hdso8IKl1562mRi2GjBBJmhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIEKlQOMFyXftcX2oar4sab8_mTBZOOrSCQIZ6o25F5capQECAyYgASFYIJh3AgKC_55YI6kZFutWjGqm62rQXFvmJcuYcaii8IQhIlgg_NS5b2yYwuF_tX3SJnnnVusXhcDjvYCMaVreoscfNRc",
                "clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiX3M3MzZvR0hmX21qNlM5MDVrZzdoZyIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDYxNjEiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
                "transports": ["internal"]
            },
            "type": "public-key"
        })
    }

    fn format_of(credential: &Value) -> String {
        let object = decode(&credential["response"]["attestationObject"]).unwrap();
        let Cbor::Map(map) = ciborium::from_reader::<Cbor, _>(object.as_slice()).unwrap() else { panic!("a map") };
        field(&map, "fmt").and_then(Cbor::as_text).unwrap().to_owned()
    }

    #[test]
    fn a_certificate_statement_is_checked_and_reduced_to_none() {
        let credential = chromium();
        assert_eq!(format_of(&credential), "packed");
        let reduced = reduce(&credential).expect("Chromium's statement verifies");
        assert_eq!(format_of(&reduced), "none");
        assert_eq!(reduced["response"]["clientDataJSON"], credential["response"]["clientDataJSON"]);
        // Reduced again, it is left as it is.
        assert_eq!(reduce(&reduced).unwrap(), reduced);
    }

    #[test]
    fn a_statement_over_other_client_data_is_refused() {
        let mut credential = chromium();
        let other = br#"{"type":"webauthn.create","challenge":"AAAAAAAAAAAAAAAAAAAAAA","origin":"http://localhost:46161","crossOrigin":false}"#;
        credential["response"]["clientDataJSON"] = Value::String(URL_SAFE_NO_PAD.encode(other));
        let refused = reduce(&credential).unwrap_err();
        assert!(refused.contains("signature does not verify"), "{refused}");
    }
}
