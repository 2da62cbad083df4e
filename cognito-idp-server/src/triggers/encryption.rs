//! The AWS Encryption SDK's message format, as Cognito encrypts the codes and temporary
//! passwords it hands to custom sender triggers, so that a function decrypts them with the AWS
//! Encryption SDK (any language) and a KMS keyring, exactly as it does behind real Cognito.
//!
//! What Cognito produces, read from a real `CustomEmailSender_SignUp` code quoted in a public
//! project's notes (`AYADeJsc8ABf...`, eu-west-1): message format version 1 (`0x01`, type
//! `0x80`), algorithm suite `0x0378` (AES-256-GCM, HKDF-SHA384, ECDSA P-384 signature; not key
//! committing, which is why AWS's examples decrypt with `REQUIRE_ENCRYPT_ALLOW_DECRYPT`), the
//! encryption context `aws-crypto-public-key` (the signature's key) and `userpool-id`, one
//! encrypted data key from provider `aws-kms` whose info is the KMS key's ARN, framed content
//! (type 2) with 4,096-byte frames and a zero header IV, and the signature as footer. This
//! module writes the same, by the message format of the AWS Encryption SDK's specification.
//!
//! Written here rather than taken from AWS's Rust Encryption SDK (`aws-esdk`): that crate
//! brings the AWS SDK for Rust's KMS client, its configuration loader and a Dafny runtime for
//! these ~150 lines of framing over aws-lc-rs, which the server already has
//! (see ARCHITECTURE.md, "Performance decisions"). The test `triggers_senders` decrypts what
//! this writes with the AWS Encryption SDK for Python through moto's KMS.

use std::collections::BTreeMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA384, Salt};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::signature::{ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The algorithm suite: AES-256-GCM with a 12-byte IV and 16-byte tag, HKDF-SHA384, ECDSA P-384.
pub const SUITE: u16 = 0x0378;
/// The content's frame length.
pub const FRAME_LENGTH: u32 = 4096;
/// The encryption context key of the signature's public key.
pub const PUBLIC_KEY_CONTEXT: &str = "aws-crypto-public-key";
/// The provider id of a KMS-encrypted data key.
pub const KMS_PROVIDER: &str = "aws-kms";

const IV_LEN: usize = 12;
const FRAME_AAD: &[u8] = b"AWSKMSEncryptionClient Frame";
const FINAL_FRAME_AAD: &[u8] = b"AWSKMSEncryptionClient Final Frame";
const FINAL_FRAME_MARK: u32 = 0xFFFF_FFFF;

/// Why a message could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionError(pub &'static str);

impl std::fmt::Display for EncryptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "encryption failed: {}", self.0)
    }
}

/// The message's signing key, made before the data key is asked for: its public half is part of
/// the encryption context KMS binds the data key to.
pub struct Signer {
    pair: EcdsaKeyPair,
    public: String,
}

impl Signer {
    /// A fresh P-384 key pair.
    pub fn generate() -> Result<Signer, EncryptionError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, &rng)
            .map_err(|_| EncryptionError("no signing key"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_ASN1_SIGNING, pkcs8.as_ref())
            .map_err(|_| EncryptionError("no signing key"))?;
        let public = STANDARD.encode(compress(pair.public_key().as_ref())?);
        Ok(Signer { pair, public })
    }

    /// The public key as the encryption context carries it: the compressed point, base64.
    pub fn public_key(&self) -> &str {
        &self.public
    }
}

/// SEC 1 point compression of an uncompressed P-384 point (`04 || x || y`).
fn compress(point: &[u8]) -> Result<Vec<u8>, EncryptionError> {
    if point.len() != 97 || point[0] != 4 {
        return Err(EncryptionError("unexpected public key form"));
    }
    let mut out = Vec::with_capacity(49);
    out.push(0x02 | (point[96] & 1));
    out.extend_from_slice(&point[1..49]);
    Ok(out)
}

/// The data key a message is encrypted under, as the keyring gave it.
pub struct EncryptedDataKey<'a> {
    /// The key.
    pub plaintext: &'a [u8],
    /// Its provider (`aws-kms`).
    pub provider_id: &'a str,
    /// The provider's key (the KMS key's ARN).
    pub provider_info: &'a str,
    /// The key encrypted by the provider.
    pub ciphertext: &'a [u8],
}

/// Encrypts `plaintext` into a message with `context` (which must hold the signer's public key
/// under [`PUBLIC_KEY_CONTEXT`]) under `key`, signed by `signer`.
pub fn encrypt(
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    key: &EncryptedDataKey<'_>,
    signer: &Signer,
) -> Result<Vec<u8>, EncryptionError> {
    let rng = SystemRandom::new();
    let mut message_id = [0u8; 16];
    rng.fill(&mut message_id).map_err(|_| EncryptionError("no randomness"))?;
    let cipher = derive_key(key.plaintext, &message_id)?;

    let mut out = header_body(&message_id, context, key)?;
    // The header's authentication tag: nothing encrypted, the header as associated data, and
    // a zero IV (the derived key is unique to the message).
    let tag = seal(&cipher, [0u8; IV_LEN], &out, &mut [])?;
    out.extend_from_slice(&[0u8; IV_LEN]);
    out.extend_from_slice(&tag);

    let frame = FRAME_LENGTH as usize;
    let mut sequence: u32 = 1;
    let mut rest = plaintext;
    while rest.len() > frame {
        let (content, tail) = rest.split_at(frame);
        let iv = frame_iv(sequence);
        let mut sealed = content.to_vec();
        let tag = seal(&cipher, iv, &body_aad(&message_id, FRAME_AAD, sequence, frame), &mut sealed)?;
        out.extend_from_slice(&sequence.to_be_bytes());
        out.extend_from_slice(&iv);
        out.extend_from_slice(&sealed);
        out.extend_from_slice(&tag);
        sequence += 1;
        rest = tail;
    }
    let iv = frame_iv(sequence);
    let mut sealed = rest.to_vec();
    let tag = seal(&cipher, iv, &body_aad(&message_id, FINAL_FRAME_AAD, sequence, rest.len()), &mut sealed)?;
    out.extend_from_slice(&FINAL_FRAME_MARK.to_be_bytes());
    out.extend_from_slice(&sequence.to_be_bytes());
    out.extend_from_slice(&iv);
    out.extend_from_slice(&(rest.len() as u32).to_be_bytes());
    out.extend_from_slice(&sealed);
    out.extend_from_slice(&tag);

    // The footer: ECDSA P-384 over SHA-384 of the header and body.
    let signature = signer.pair.sign(&rng, &out).map_err(|_| EncryptionError("signing failed"))?;
    let signature = signature.as_ref();
    out.extend_from_slice(&(signature.len() as u16).to_be_bytes());
    out.extend_from_slice(signature);
    Ok(out)
}

/// The header up to its authentication tag.
fn header_body(
    message_id: &[u8; 16],
    context: &BTreeMap<String, String>,
    key: &EncryptedDataKey<'_>,
) -> Result<Vec<u8>, EncryptionError> {
    let mut out = vec![0x01, 0x80];
    out.extend_from_slice(&SUITE.to_be_bytes());
    out.extend_from_slice(message_id);
    // The encryption context: its length, then the pair count and the pairs in key order (a
    // BTreeMap of Strings orders by UTF-8 bytes, as the format requires).
    let mut aad = Vec::new();
    if !context.is_empty() {
        aad.extend_from_slice(&u16_len(context.len())?);
        for (name, value) in context {
            field(&mut aad, name.as_bytes())?;
            field(&mut aad, value.as_bytes())?;
        }
    }
    out.extend_from_slice(&u16_len(aad.len())?);
    out.extend_from_slice(&aad);
    out.extend_from_slice(&1u16.to_be_bytes());
    field(&mut out, key.provider_id.as_bytes())?;
    field(&mut out, key.provider_info.as_bytes())?;
    field(&mut out, key.ciphertext)?;
    out.push(0x02); // framed content
    out.extend_from_slice(&[0u8; 4]); // reserved
    out.push(IV_LEN as u8);
    out.extend_from_slice(&FRAME_LENGTH.to_be_bytes());
    Ok(out)
}

fn u16_len(len: usize) -> Result<[u8; 2], EncryptionError> {
    u16::try_from(len).map(u16::to_be_bytes).map_err(|_| EncryptionError("header field too long"))
}

fn field(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EncryptionError> {
    out.extend_from_slice(&u16_len(bytes.len())?);
    out.extend_from_slice(bytes);
    Ok(())
}

/// The message key: HKDF-SHA384 of the data key, no salt, info = suite id || message id.
fn derive_key(data_key: &[u8], message_id: &[u8; 16]) -> Result<LessSafeKey, EncryptionError> {
    let suite = SUITE.to_be_bytes();
    let info: [&[u8]; 2] = [&suite, message_id];
    let prk = Salt::new(HKDF_SHA384, &[]).extract(data_key);
    let okm = prk.expand(&info, &AES_256_GCM).map_err(|_| EncryptionError("key derivation failed"))?;
    Ok(LessSafeKey::new(UnboundKey::from(okm)))
}

/// A frame's IV: its sequence number, big-endian, in the IV's last four bytes.
fn frame_iv(sequence: u32) -> [u8; IV_LEN] {
    let mut iv = [0u8; IV_LEN];
    iv[8..].copy_from_slice(&sequence.to_be_bytes());
    iv
}

/// A frame's associated data: message id, frame kind, sequence number, content length (u64).
fn body_aad(message_id: &[u8; 16], kind: &[u8], sequence: u32, len: usize) -> Vec<u8> {
    let mut aad = Vec::with_capacity(16 + kind.len() + 12);
    aad.extend_from_slice(message_id);
    aad.extend_from_slice(kind);
    aad.extend_from_slice(&sequence.to_be_bytes());
    aad.extend_from_slice(&(len as u64).to_be_bytes());
    aad
}

fn seal(key: &LessSafeKey, iv: [u8; IV_LEN], aad: &[u8], data: &mut [u8]) -> Result<Vec<u8>, EncryptionError> {
    let tag = key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::from(aad), data)
        .map_err(|_| EncryptionError("sealing failed"))?;
    Ok(tag.as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{ECDSA_P384_SHA384_ASN1, UnparsedPublicKey};

    fn read_u16(bytes: &[u8], at: &mut usize) -> usize {
        let v = u16::from_be_bytes([bytes[*at], bytes[*at + 1]]) as usize;
        *at += 2;
        v
    }

    fn read_field<'a>(bytes: &'a [u8], at: &mut usize) -> &'a [u8] {
        let len = read_u16(bytes, at);
        *at += len;
        &bytes[*at - len..*at]
    }

    /// Reads a message back by the format (independently of the writer's helpers), checks its
    /// header tag, frames and signature, and returns the plaintext and context.
    fn open(message: &[u8], data_key: &[u8], public_uncompressed: &[u8]) -> (Vec<u8>, Vec<(String, String)>) {
        assert_eq!(&message[..4], &[0x01, 0x80, 0x03, 0x78], "version 1, type 0x80, suite 0x0378");
        let message_id: [u8; 16] = message[4..20].try_into().unwrap();
        let mut at = 20;
        let aad_len = read_u16(message, &mut at);
        let aad_end = at + aad_len;
        let pairs = read_u16(message, &mut at);
        let mut context = Vec::new();
        for _ in 0..pairs {
            let k = String::from_utf8(read_field(message, &mut at).to_vec()).unwrap();
            let v = String::from_utf8(read_field(message, &mut at).to_vec()).unwrap();
            context.push((k, v));
        }
        assert_eq!(at, aad_end);
        assert_eq!(read_u16(message, &mut at), 1, "one encrypted data key");
        assert_eq!(read_field(message, &mut at), KMS_PROVIDER.as_bytes());
        read_field(message, &mut at);
        read_field(message, &mut at);
        assert_eq!(message[at], 2, "framed");
        assert_eq!(message[at + 5], 12, "IV length");
        assert_eq!(u32::from_be_bytes(message[at + 6..at + 10].try_into().unwrap()), FRAME_LENGTH);
        at += 10;
        let key = derive_key(data_key, &message_id).unwrap();
        let header_end = at;
        let mut tag_only = message[at + 12..at + 28].to_vec();
        key.open_in_place(Nonce::assume_unique_for_key([0; 12]), Aad::from(&message[..header_end]), &mut tag_only)
            .expect("header tag");
        at += 28;
        let mut plaintext = Vec::new();
        loop {
            let first = u32::from_be_bytes(message[at..at + 4].try_into().unwrap());
            let last = first == FINAL_FRAME_MARK;
            let sequence = if last { u32::from_be_bytes(message[at + 4..at + 8].try_into().unwrap()) } else { first };
            at += if last { 8 } else { 4 };
            let iv: [u8; 12] = message[at..at + 12].try_into().unwrap();
            assert_eq!(iv, frame_iv(sequence));
            at += 12;
            let len = if last {
                let len = u32::from_be_bytes(message[at..at + 4].try_into().unwrap()) as usize;
                at += 4;
                len
            } else {
                FRAME_LENGTH as usize
            };
            let mut sealed = message[at..at + len + 16].to_vec();
            let kind = if last { FINAL_FRAME_AAD } else { FRAME_AAD };
            let opened = key
                .open_in_place(
                    Nonce::assume_unique_for_key(iv),
                    Aad::from(body_aad(&message_id, kind, sequence, len)),
                    &mut sealed,
                )
                .expect("frame tag");
            plaintext.extend_from_slice(opened);
            at += len + 16;
            if last {
                break;
            }
        }
        let signed_end = at;
        let signature = read_field(message, &mut at);
        assert_eq!(at, message.len(), "nothing after the footer");
        UnparsedPublicKey::new(&ECDSA_P384_SHA384_ASN1, public_uncompressed)
            .verify(&message[..signed_end], signature)
            .expect("signature");
        (plaintext, context)
    }

    #[test]
    fn messages_open_by_the_format_with_their_context_and_signature() {
        let signer = Signer::generate().unwrap();
        let public = signer.pair.public_key().as_ref().to_vec();
        let compressed = STANDARD.decode(signer.public_key()).unwrap();
        assert_eq!(compressed.len(), 49);
        assert_eq!(&compressed[1..], &public[1..49]);
        let context = BTreeMap::from([
            ("userpool-id".to_owned(), "us-east-1_Abc".to_owned()),
            (PUBLIC_KEY_CONTEXT.to_owned(), signer.public_key().to_owned()),
        ]);
        let data_key = [7u8; 32];
        let key = EncryptedDataKey {
            plaintext: &data_key,
            provider_id: KMS_PROVIDER,
            provider_info: "arn:aws:kms:us-east-1:123456789012:key/k",
            ciphertext: b"wrapped",
        };
        // A code, an empty text, a text of exactly one frame, and one of several frames.
        for len in [6usize, 0, 4096, 9000] {
            let text: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let message = encrypt(&text, &context, &key, &signer).unwrap();
            let (opened, pairs) = open(&message, &data_key, &public);
            assert_eq!(opened, text, "length {len}");
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, [PUBLIC_KEY_CONTEXT, "userpool-id"], "sorted by key");
        }
        let first = encrypt(b"123456", &context, &key, &signer).unwrap();
        let second = encrypt(b"123456", &context, &key, &signer).unwrap();
        assert_ne!(first[4..20], second[4..20], "every message has its own id");
    }
}
