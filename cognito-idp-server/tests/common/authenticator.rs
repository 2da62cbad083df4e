//! A software passkey authenticator: what a browser and its authenticator would answer to the
//! server's creation and request options, made here so that tests (and the passkey load of
//! `examples/passkey_load.rs`) can send real, signed WebAuthn responses over HTTP, and bend one
//! part of them at a time (the origin, the relying party, the challenge) to see each refusal.
//!
//! Keys are ECDSA P-256 (COSE ES256) from AWS-LC; the CBOR it writes is the little the two
//! ceremonies need, in CTAP2's canonical order. Attestation is `none`, or `packed` self
//! attestation (signed by the credential's own key).

#![allow(dead_code)]

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// What the authenticator changes in one answer (the browser's part or its own).
#[derive(Debug, Clone, Default)]
pub struct Bend {
    /// The origin the client data names, instead of the authenticator's.
    pub origin: Option<String>,
    /// The relying party id hashed into the authenticator data, instead of the options'.
    pub rp_id: Option<String>,
    /// The challenge the client data carries (base64url), instead of the options'.
    pub challenge: Option<String>,
    /// Leave the user-verified flag off.
    pub unverified: bool,
    /// The signature counter to report, instead of the next one.
    pub counter: Option<u32>,
}

/// Attestation statement formats it can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attestation {
    /// `none`.
    None,
    /// `packed`, self attestation.
    Packed,
}

/// One passkey of one user, held in software.
pub struct Authenticator {
    key: EcdsaKeyPair,
    id: Vec<u8>,
    counter: u32,
    origin: String,
    user_handle: Option<String>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

// --- the little CBOR the ceremonies need
fn head(major: u8, len: usize, out: &mut Vec<u8>) {
    let major = major << 5;
    match len {
        0..=23 => out.push(major | len as u8),
        24..=0xff => out.extend([major | 24, len as u8]),
        _ => {
            out.push(major | 25);
            out.extend((len as u16).to_be_bytes());
        }
    }
}
fn int(value: i64, out: &mut Vec<u8>) {
    if value >= 0 { head(0, value as usize, out) } else { head(1, (-1 - value) as usize, out) }
}
fn bytes(value: &[u8], out: &mut Vec<u8>) {
    head(2, value.len(), out);
    out.extend_from_slice(value);
}
fn text(value: &str, out: &mut Vec<u8>) {
    head(3, value.len(), out);
    out.extend_from_slice(value.as_bytes());
}

impl Authenticator {
    /// A new passkey, answering from `origin` (`http://localhost:3000`, say).
    pub fn new(origin: &str) -> Authenticator {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).expect("a P-256 key");
        let id = Sha256::digest(key.public_key().as_ref()).to_vec();
        Authenticator { key, id, counter: 0, origin: origin.to_owned(), user_handle: None }
    }

    /// The credential id, base64url.
    pub fn credential_id(&self) -> String {
        b64(&self.id)
    }

    /// The signature counter it last reported.
    pub fn counter(&self) -> u32 {
        self.counter
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref();
        let mut out = Vec::new();
        head(5, 5, &mut out);
        int(1, &mut out);
        int(2, &mut out); // kty: EC2
        int(3, &mut out);
        int(-7, &mut out); // alg: ES256
        int(-1, &mut out);
        int(1, &mut out); // crv: P-256
        int(-2, &mut out);
        bytes(&point[1..33], &mut out);
        int(-3, &mut out);
        bytes(&point[33..65], &mut out);
        out
    }

    fn client_data(&self, kind: &str, challenge: &str, bend: &Bend) -> Vec<u8> {
        let origin = bend.origin.as_deref().unwrap_or(&self.origin);
        let challenge = bend.challenge.as_deref().unwrap_or(challenge);
        // The members in the order the specification serializes them.
        format!(r#"{{"type":"{kind}","challenge":"{challenge}","origin":"{origin}","crossOrigin":false}}"#).into_bytes()
    }

    fn auth_data(&mut self, rp_id: &str, bend: &Bend, attested: bool) -> Vec<u8> {
        let rp_id = bend.rp_id.as_deref().unwrap_or(rp_id);
        let mut out = Sha256::digest(rp_id.as_bytes()).to_vec();
        let mut flags = 0x01; // user present
        if !bend.unverified {
            flags |= 0x04;
        }
        if attested {
            flags |= 0x40;
        }
        out.push(flags);
        self.counter = bend.counter.unwrap_or(self.counter + 1);
        out.extend(self.counter.to_be_bytes());
        if attested {
            out.extend([0u8; 16]); // AAGUID
            out.extend((self.id.len() as u16).to_be_bytes());
            out.extend(&self.id);
            out.extend(self.cose_key());
        }
        out
    }

    fn sign(&self, auth_data: &[u8], client_data: &[u8]) -> Vec<u8> {
        let mut message = auth_data.to_vec();
        message.extend(Sha256::digest(client_data));
        self.key.sign(&SystemRandom::new(), &message).expect("a signature").as_ref().to_vec()
    }

    /// The browser's `RegistrationResponseJSON` to the creation options `options`
    /// (`StartWebAuthnRegistration`'s `CredentialCreationOptions`).
    pub fn register(&mut self, options: &Value, attestation: Attestation, bend: &Bend) -> Value {
        let rp_id = options["rp"]["id"].as_str().expect("rp.id");
        let challenge = options["challenge"].as_str().expect("challenge");
        self.user_handle = options["user"]["id"].as_str().map(str::to_owned);
        let client_data = self.client_data("webauthn.create", challenge, bend);
        let auth_data = self.auth_data(rp_id, bend, true);
        let mut object = Vec::new();
        head(5, 3, &mut object);
        text("fmt", &mut object);
        match attestation {
            Attestation::None => {
                text("none", &mut object);
                text("attStmt", &mut object);
                head(5, 0, &mut object);
            }
            Attestation::Packed => {
                text("packed", &mut object);
                text("attStmt", &mut object);
                head(5, 2, &mut object);
                text("alg", &mut object);
                int(-7, &mut object);
                text("sig", &mut object);
                bytes(&self.sign(&auth_data, &client_data), &mut object);
            }
        }
        text("authData", &mut object);
        bytes(&auth_data, &mut object);
        json!({
            "id": self.credential_id(),
            "rawId": self.credential_id(),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&object),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }

    /// The browser's `AuthenticationResponseJSON` (as the JSON string `CREDENTIAL` takes) to
    /// the request options `options` (the `CREDENTIAL_REQUEST_OPTIONS` string).
    pub fn assert(&mut self, options: &str, bend: &Bend) -> String {
        let options: Value = serde_json::from_str(options).expect("request options are JSON");
        let rp_id = options["rpId"].as_str().expect("rpId");
        let challenge = options["challenge"].as_str().expect("challenge");
        let client_data = self.client_data("webauthn.get", challenge, bend);
        let auth_data = self.auth_data(rp_id, bend, false);
        let signature = self.sign(&auth_data, &client_data);
        json!({
            "id": self.credential_id(),
            "rawId": self.credential_id(),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&signature),
                "userHandle": self.user_handle,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
        .to_string()
    }
}
