//! The two WebAuthn ceremonies over `webauthn_rp`: the options sent to the browser (in the
//! JSON shape AWS sends), the verifier's state kept between the two calls (encoded, so any
//! instance finishes what another started), and the verification of what the browser answers,
//! its failures mapped to AWS's errors.
//!
//! The shapes follow what Cognito sends, as amplify-js's recorded fixtures show them
//! (`packages/auth/__tests__/mockData.ts`): creation options with `rp {id, name}`, `user {id,
//! name, displayName}`, a 16-byte `challenge`, `pubKeyCredParams` ES256 and RS256, `timeout`,
//! `excludeCredentials`, `authenticatorSelection {requireResidentKey: true, residentKey:
//! "required", userVerification}`; request options (`CREDENTIAL_REQUEST_OPTIONS`, a JSON
//! string) with `hints`, `attestation: "none"`, `attestationFormats`, `challenge`, `timeout`
//! 180000, `rpId`, `allowCredentials` and `userVerification`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::ErrorCode;
use serde_json::{Value, json};
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::{AllowedCredentials, AuthenticationVerificationOptions};
use webauthn_rp::request::register::{
    CoseAlgorithmIdentifier, CoseAlgorithmIdentifiers, Extension, PublicKeyCredentialUserEntity,
    RegistrationVerificationOptions, UserHandle16, Username,
};
use webauthn_rp::request::{Credentials, PublicKeyCredentialDescriptor, TimedCeremony};
use webauthn_rp::response::auth::error::AuthCeremonyErr;
use webauthn_rp::response::register::error::RegCeremonyErr;
use webauthn_rp::response::register::{CompressedPubKey, DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, AuthenticatorAttachment, AuthenticatorTransport, CredentialId};
use webauthn_rp::{
    AuthenticatedCredential, NonDiscoverableAuthentication16, NonDiscoverableAuthenticationServerState,
    NonDiscoverableCredentialRequestOptions, PublicKeyCredentialCreationOptions, Registration, RegistrationServerState,
};

use super::relying_party::RelyingParty;
use crate::errors::{ApiError, ApiResult};

/// How long a registration may take, in milliseconds (the creation options' `timeout`).
pub const REGISTRATION_TIMEOUT_MS: u32 = 300_000;
/// How long a passkey sign-in may take (the request options' `timeout`, as AWS sends it).
pub const SIGN_IN_TIMEOUT_MS: u32 = 180_000;

/// The transports' names in WebAuthn's words.
const TRANSPORTS: [(AuthenticatorTransport, &str); 6] = [
    (AuthenticatorTransport::Ble, "ble"),
    (AuthenticatorTransport::Hybrid, "hybrid"),
    (AuthenticatorTransport::Internal, "internal"),
    (AuthenticatorTransport::Nfc, "nfc"),
    (AuthenticatorTransport::SmartCard, "smart-card"),
    (AuthenticatorTransport::Usb, "usb"),
];

/// A passkey as kept between ceremonies: what the verifier needs (its public key and
/// extensions, and the sign counter with the other flags that change), and what
/// `ListWebAuthnCredentials` shows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredential {
    /// `StaticState`, encoded by the verifier (base64url).
    pub static_state: String,
    /// `DynamicState` (7 bytes: flags and the sign counter), base64url.
    pub dynamic_state: String,
    /// The transports the browser reported.
    pub transports: Vec<String>,
    /// The same, encoded by the verifier (the allowed credentials' hint to the browser).
    pub transport_bits: u8,
    /// `platform`, `cross-platform`, or none.
    pub attachment: Option<String>,
    /// The relying party it was registered for.
    pub relying_party_id: String,
    /// When it was registered (milliseconds since the epoch).
    pub created_ms: i64,
    /// The last sign counter seen, readable (the verifier's copy is in `dynamic_state`).
    pub sign_count: u32,
}

/// A credential id as the API shows it: base64url without padding.
pub fn encode_id(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// The user handle of a user: the 16 bytes of its `sub` (a UUID), so it is stable and says
/// nothing about the user.
pub fn user_handle(sub: &str) -> UserHandle16 {
    let bytes = uuid::Uuid::parse_str(sub).map(|u| *u.as_bytes()).unwrap_or_else(|_| {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(sub.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        bytes
    });
    match UserHandle16::decode(bytes) {
        Ok(handle) => handle,
        Err(never) => match never {},
    }
}

fn transport_names(transports: AuthTransports) -> Vec<String> {
    TRANSPORTS.iter().filter(|(t, _)| transports.contains(*t)).map(|(_, n)| (*n).to_owned()).collect()
}

fn descriptor(id: &str, transports: u8) -> Option<PublicKeyCredentialDescriptor<Vec<u8>>> {
    let raw = URL_SAFE_NO_PAD.decode(id).ok()?;
    let transports = AuthTransports::decode(transports).or_else(|_| AuthTransports::decode(0)).ok()?;
    Some(PublicKeyCredentialDescriptor { id: CredentialId::decode(raw).ok()?, transports })
}

fn internal(what: &str, e: impl std::fmt::Debug) -> ApiError {
    ApiError::internal(format!("{what}: {e:?}"))
}

/// A registration started: the options for the browser and the state to keep.
pub struct Started {
    /// `CredentialCreationOptions` / the parsed `CREDENTIAL_REQUEST_OPTIONS`.
    pub options: Value,
    /// The verifier's state, encoded (base64url).
    pub state: String,
}

/// Starts a registration for the user `sub` named `username`, excluding the passkeys
/// `existing` (id, encoded transports) it has.
pub fn start_registration(
    rp: &RelyingParty,
    sub: &str,
    username: &str,
    existing: &[(String, u8)],
) -> ApiResult<Started> {
    let handle = user_handle(sub);
    let name =
        Username::try_from(username).or_else(|_| Username::try_from(sub)).map_err(|e| internal("user name", e))?;
    let exclude: Vec<_> = existing.iter().filter_map(|(id, t)| descriptor(id, *t)).collect();
    let user = PublicKeyCredentialUserEntity { name, id: &handle, display_name: None };
    let mut options = PublicKeyCredentialCreationOptions::passkey(&rp.rp, user, exclude);
    options.authenticator_selection.user_verification = rp.user_verification();
    // ES256 and RS256, as AWS offers them; no extensions (AWS asks for none).
    options.pub_key_cred_params = CoseAlgorithmIdentifiers::default()
        .remove(CoseAlgorithmIdentifier::Eddsa)
        .remove(CoseAlgorithmIdentifier::Es384);
    options.extensions = Extension::default();
    options.timeout = std::num::NonZeroU32::new(REGISTRATION_TIMEOUT_MS).unwrap_or(options.timeout);
    let challenge = options.challenge.as_data().to_le_bytes();
    let (server, _client) = options.start_ceremony().map_err(|e| internal("registration options", e))?;
    let state = server.encode().map_err(|e| internal("registration state", e))?;
    let exclude: Vec<Value> = existing.iter().map(|(id, _)| json!({ "type": "public-key", "id": id })).collect();
    let options = json!({
        "rp": { "id": rp.id, "name": rp.id },
        "user": { "id": URL_SAFE_NO_PAD.encode(handle.as_ref()), "name": username, "displayName": "" },
        "challenge": URL_SAFE_NO_PAD.encode(challenge),
        "pubKeyCredParams": [
            { "type": "public-key", "alg": -7 },
            { "type": "public-key", "alg": -257 },
        ],
        "timeout": REGISTRATION_TIMEOUT_MS,
        "excludeCredentials": exclude,
        "authenticatorSelection": {
            "requireResidentKey": true,
            "residentKey": "required",
            "userVerification": rp.user_verification_name(),
        },
    });
    Ok(Started { options, state: URL_SAFE_NO_PAD.encode(state) })
}

/// A registration verified: the credential id (base64url) and what to keep.
pub struct Registered {
    /// The credential id, base64url.
    pub id: String,
    /// What to store.
    pub credential: StoredCredential,
}

fn bad_credential(message: impl Into<String>) -> ApiError {
    ApiError::invalid_parameter(message)
}

fn challenge_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::WebAuthnChallengeNotFoundException,
        "No passkey registration is waiting for this challenge: call StartWebAuthnRegistration again.",
    )
}

/// Verifies a registration (`credential`, the browser's `RegistrationResponseJSON`) against
/// the state `state` kept by [`start_registration`].
pub fn finish_registration(rp: &RelyingParty, state: &str, credential: &Value, now_ms: i64) -> ApiResult<Registered> {
    // A certificate-signed packed statement is checked here and handed on as `none`.
    let credential = super::attestation::reduce(credential).map_err(|why| {
        ApiError::new(
            ErrorCode::WebAuthnCredentialNotSupportedException,
            format!("The passkey's attestation could not be verified: {why}."),
        )
    })?;
    let json = serde_json::to_vec(&credential).map_err(|e| internal("credential", e))?;
    let registration = Registration::from_json_relaxed(&json)
        .map_err(|e| bad_credential(format!("The credential is not a WebAuthn registration response: {e}")))?;
    let raw = URL_SAFE_NO_PAD.decode(state).map_err(|e| internal("registration state", e))?;
    let server =
        RegistrationServerState::<16>::decode(raw.as_slice()).map_err(|e| internal("registration state", e))?;
    let sent = registration.challenge_relaxed().map_err(|_| challenge_not_found())?;
    if sent.0 != server.sent_challenge().0 {
        return Err(challenge_not_found());
    }
    let origins = rp.origins();
    let options = RegistrationVerificationOptions::<_, &str> { allowed_origins: &origins, ..Default::default() };
    let verified = server.verify(&rp.rp, &registration, &options).map_err(|e| registration_error(rp, e))?;
    let static_state = verified.static_state().encode().map_err(|e| internal("credential key", e))?;
    let dynamic = verified.dynamic_state();
    let dynamic_state = dynamic.encode().map_err(|e| internal("credential state", e))?;
    let attachment = match registration.authenticator_attachment() {
        AuthenticatorAttachment::Platform => Some("platform".to_owned()),
        AuthenticatorAttachment::CrossPlatform => Some("cross-platform".to_owned()),
        AuthenticatorAttachment::None => None,
    };
    Ok(Registered {
        id: encode_id(verified.id().as_ref()),
        credential: StoredCredential {
            static_state: URL_SAFE_NO_PAD.encode(static_state),
            dynamic_state: URL_SAFE_NO_PAD.encode(dynamic_state),
            transports: transport_names(verified.transports()),
            transport_bits: verified.transports().encode().unwrap_or(0),
            attachment,
            relying_party_id: rp.id.clone(),
            created_ms: now_ms,
            sign_count: dynamic.sign_count,
        },
    })
}

/// AWS's error for a failed registration check.
fn registration_error(rp: &RelyingParty, e: RegCeremonyErr) -> ApiError {
    match e {
        RegCeremonyErr::Timeout | RegCeremonyErr::ChallengeMismatch => challenge_not_found(),
        RegCeremonyErr::OriginMismatch | RegCeremonyErr::CrossOrigin | RegCeremonyErr::TopOriginMismatch => {
            ApiError::new(
                ErrorCode::WebAuthnOriginNotAllowedException,
                format!("The passkey's origin does not align with the relying party id {}.", rp.id),
            )
        }
        RegCeremonyErr::RpIdHashMismatch => ApiError::new(
            ErrorCode::WebAuthnRelyingPartyMismatchException,
            format!("The passkey was not created for the relying party id {}.", rp.id),
        ),
        RegCeremonyErr::UserNotVerified => ApiError::new(
            ErrorCode::WebAuthnCredentialNotSupportedException,
            "The user pool requires user verification and the authenticator did not verify the user.",
        ),
        RegCeremonyErr::PubKey(_)
        | RegCeremonyErr::PublicKeyAlgorithmMismatch
        | RegCeremonyErr::AttestationObject(
            webauthn_rp::response::register::error::AttestationObjectErr::Attestation(_),
        )
        | RegCeremonyErr::AttestationSignature
        | RegCeremonyErr::Extension(_)
        | RegCeremonyErr::Credential(_) => ApiError::new(
            ErrorCode::WebAuthnCredentialNotSupportedException,
            format!("The passkey credential is not supported: {e}."),
        ),
        other => bad_credential(format!("The passkey credential is not valid: {other}.")),
    }
}

/// Starts a sign-in with one of the passkeys `credentials` (id, encoded transports).
pub fn start_sign_in(rp: &RelyingParty, credentials: &[(String, u8)]) -> ApiResult<Started> {
    let mut allowed = AllowedCredentials::with_capacity(credentials.len());
    for (id, transports) in credentials {
        if let Some(d) = descriptor(id, *transports) {
            allowed.push(d.into());
        }
    }
    let mut options = NonDiscoverableCredentialRequestOptions::second_factor(&rp.rp, allowed)
        .map_err(|e| internal("request options", e))?;
    options.options().user_verification = rp.user_verification();
    options.options().timeout = std::num::NonZeroU32::new(SIGN_IN_TIMEOUT_MS).unwrap_or(options.options().timeout);
    let challenge = options.options().challenge.as_data().to_le_bytes();
    let (server, _client) = options.start_ceremony().map_err(|e| internal("request options", e))?;
    let state = server.encode().map_err(|e| internal("sign-in state", e))?;
    let allow: Vec<Value> = credentials.iter().map(|(id, _)| json!({ "id": id, "type": "public-key" })).collect();
    let options = json!({
        "hints": [],
        "attestation": "none",
        "attestationFormats": [],
        "challenge": URL_SAFE_NO_PAD.encode(challenge),
        "timeout": SIGN_IN_TIMEOUT_MS,
        "rpId": rp.id,
        "allowCredentials": allow,
        "userVerification": rp.user_verification_name(),
    });
    Ok(Started { options, state: URL_SAFE_NO_PAD.encode(state) })
}

/// A stored public key as the verifier decodes it (Ed25519, P-256 and P-384 compressed, RSA).
type StoredKey = StaticState<CompressedPubKey<[u8; 32], [u8; 32], [u8; 48], Vec<u8>>>;

/// A passkey sign-in's answer, parsed: which credential it claims to be.
pub struct Assertion(NonDiscoverableAuthentication16);

impl Assertion {
    /// Parses the browser's `AuthenticationResponseJSON` (the `CREDENTIAL` answer).
    pub fn parse(json: &str) -> Option<Self> {
        NonDiscoverableAuthentication16::from_json_relaxed(json.as_bytes()).ok().map(Self)
    }

    /// The credential id it names, base64url.
    pub fn credential_id(&self) -> String {
        encode_id(self.0.raw_id().as_ref())
    }
}

/// Why a passkey sign-in failed (the caller answers `NotAuthorizedException`).
#[derive(Debug)]
pub struct Refused(pub String);

/// Verifies `assertion` with the stored `credential` of the user `sub` against the state kept
/// by [`start_sign_in`]; returns the credential as it must be stored after (sign counter,
/// flags).
pub fn finish_sign_in(
    rp: &RelyingParty,
    state: &str,
    sub: &str,
    assertion: &Assertion,
    credential: &StoredCredential,
) -> Result<StoredCredential, Refused> {
    let fail = |what: &str| Refused(what.to_owned());
    let raw = URL_SAFE_NO_PAD.decode(state).map_err(|_| fail("sign-in state"))?;
    let server = NonDiscoverableAuthenticationServerState::decode(raw.as_slice()).map_err(|_| fail("sign-in state"))?;
    let handle = user_handle(sub);
    let static_bytes = URL_SAFE_NO_PAD.decode(&credential.static_state).map_err(|_| fail("stored key"))?;
    let static_state: StoredKey = StaticState::decode(static_bytes.as_slice()).map_err(|_| fail("stored key"))?;
    let dynamic_bytes: [u8; 7] = URL_SAFE_NO_PAD
        .decode(&credential.dynamic_state)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| fail("stored state"))?;
    let dynamic = DynamicState::decode(dynamic_bytes).map_err(|_| fail("stored state"))?;
    let id = assertion.0.raw_id();
    let mut cred =
        AuthenticatedCredential::new(id, &handle, static_state, dynamic).map_err(|_| fail("stored credential"))?;
    let origins = rp.origins();
    let options = AuthenticationVerificationOptions::<_, &str> {
        allowed_origins: &origins,
        update_uv: true,
        ..Default::default()
    };
    server.verify(&rp.rp, &assertion.0, &mut cred, &options).map_err(|e| Refused(sign_in_error(&e)))?;
    let after = cred.dynamic_state();
    let encoded = after.encode().map_err(|_| fail("credential state"))?;
    Ok(StoredCredential {
        dynamic_state: URL_SAFE_NO_PAD.encode(encoded),
        sign_count: after.sign_count,
        ..credential.clone()
    })
}

/// A failed assertion in words (never sent with key material).
fn sign_in_error(e: &AuthCeremonyErr) -> String {
    match e {
        AuthCeremonyErr::Timeout | AuthCeremonyErr::ChallengeMismatch => "the passkey signed another challenge".into(),
        AuthCeremonyErr::OriginMismatch | AuthCeremonyErr::CrossOrigin | AuthCeremonyErr::TopOriginMismatch => {
            "the passkey's origin does not align with the relying party id".into()
        }
        AuthCeremonyErr::RpIdHashMismatch => "the passkey belongs to another relying party".into(),
        AuthCeremonyErr::AssertionSignature => "the passkey's signature is not valid".into(),
        AuthCeremonyErr::SignatureCounter => "the passkey's signature counter did not increase".into(),
        AuthCeremonyErr::UserNotVerified => "the authenticator did not verify the user".into(),
        other => format!("the passkey's answer is not valid: {other}"),
    }
}
