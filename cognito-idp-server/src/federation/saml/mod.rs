//! SAML 2.0 federation: the user pool as a service provider (SP) to a pool's SAML identity
//! providers, as AWS's developer guide describes it ("Using SAML identity providers with a user
//! pool", "SAML session initiation", "Signing out SAML users with single sign-out").
//!
//! - [`metadata`]: the provider's metadata (from `MetadataURL` or `MetadataFile`): entity ID,
//!   signing certificates, single sign-on and single logout endpoints.
//! - [`messages`]: what the pool sends: `AuthnRequest` and `LogoutRequest`, and the
//!   HTTP-Redirect binding that carries them, signed with the pool's signing certificate
//!   (`GetSigningCertificate`) when the provider asks for it.
//! - [`assertion`]: what the provider sends back to `/saml2/idpresponse`: a `Response` whose
//!   signatures are verified (Bergshamra, trusted keys only) and whose assertion is checked
//!   (issuer, audience, recipient, validity window, `InResponseTo`).
//! - [`logout`]: the provider's `LogoutResponse` at `/saml2/logout`.
//!
//! The browser's side is `crate::oauth::saml_redirect`, `crate::oauth::saml_acs` and
//! `crate::oauth::saml_logout`.

pub mod assertion;
pub mod encryption;
pub mod logout;
pub mod messages;
pub mod metadata;
pub mod xml;

/// The pool's entity ID as a service provider ("urn:amazon:cognito:sp:{userPoolId}", the
/// developer guide's quick reference for IdP configuration).
pub fn sp_entity_id(pool_id: &str) -> String {
    format!("urn:amazon:cognito:sp:{pool_id}")
}
