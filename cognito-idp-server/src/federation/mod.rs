//! Sign-in through the pool's identity providers (OpenID Connect and the social providers,
//! which Cognito reaches the same way): the relying party's protocol ([`oidc`], with
//! [`id_token`] for the token's checks), SAML 2.0 ([`saml`]), the pool's user a provider's user
//! becomes ([`users`]), and a provider's token presented to the API ([`presented`]). The
//! browser's side (the redirect to the provider, `/oauth2/idpresponse`, `/saml2/idpresponse`)
//! is in `crate::oauth`; the providers' settings are `crate::handlers::identity_providers`.

pub mod failure;
pub mod id_token;
pub mod oidc;
pub mod presented;
pub mod saml;
pub mod users;
