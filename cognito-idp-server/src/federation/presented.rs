//! A provider's token presented to the API: the subject or actor of a token exchange
//! (`GetDerivedToken` with `SubjectTokenProviderName` or `ActorTokenProviderName`). The model
//! says such a token comes "from a SAML or OIDC provider that you registered with your user
//! pool, so that Amazon Cognito can validate it against that provider's configuration". So:
//!
//! - a SAML 2.0 provider's token is a signed `Assertion` (`SAML2`), base64url-encoded as RFC
//!   8693 section 3 encodes one (standard base64 is taken too), checked as an assertion posted
//!   to the pool is ([`saml::assertion::verify_assertion`]): the provider's signature, its
//!   issuer, the pool's audience, the validity window; for a provider set for
//!   `EncryptedResponses`, the `EncryptedAssertion` its responses carry, decrypted first;
//! - an OpenID Connect provider's (and Google's and Sign in with Apple's, which Cognito reaches
//!   the same way) is its `ID_TOKEN`, checked as one from a sign-in is ([`id_token::verify`]):
//!   the provider's JWKS, its issuer, the provider's `client_id` as audience, the expiry; there
//!   is no nonce to match. An access token of a provider has no check the provider's
//!   configuration defines (it need not be a JWT, nor be meant for the pool), and Facebook and
//!   Login with Amazon issue no id tokens: these are refused as parameters.
//!
//! The token names a user as a sign-in through the provider would ([`users::find`]): the local
//! user it is linked to, else `{ProviderName}_{subject}`. A token exchange issues a token "that
//! represents the user" and makes none, so a provider identity that never signed in to the pool
//! is `UserNotFoundException` (our reading; AWS documents neither way).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use cognito_idp::types::IdentityProviderTypeType;
use serde_json::{Map, Value, json};

use super::saml::{self, assertion, encryption, metadata};
use super::{id_token, oidc, users};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::identity_providers::IdentityProvider;
use crate::state::{Cognito, Pool};
use crate::store::resources;
use crate::store::{Store, StoreError};
use crate::tokens::presented::{Presented, Refusal};

/// Checks `token` of type `token_type` (`ID_TOKEN`, `ACCESS_TOKEN`, `SAML2`) as a token of the
/// pool's provider `provider_name`. The answer is shaped as a pool token's check is
/// ([`crate::tokens::presented::check`]): the user, and claims with the token's `sub` (the
/// user's), `exp` and `auth_time`, and no `scope` (a provider's token holds none of the pool's
/// scopes). A provider the pool does not have is `ResourceNotFoundException`; a token type the
/// provider does not issue, `InvalidParameterException`.
pub async fn check<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    provider_name: &str,
    token: &str,
    token_type: &str,
) -> ApiResult<Result<Presented, Refusal>> {
    let provider = match resources::get::<S, IdentityProvider>(&svc.store, pool.id(), provider_name).await {
        Ok(stored) => stored.value,
        Err(StoreError::NotFound) => {
            return Err(ApiError::resource_not_found(format!("Identity provider {provider_name} does not exist.")));
        }
        Err(e) => return Err(e.into()),
    };
    let now_s = svc.clock.now_ms() / 1000;
    let kind = provider.kind();
    let checked = match (&kind, token_type) {
        (IdentityProviderTypeType::Saml, "SAML2") => saml_claims(pool, &provider, token, now_s),
        (IdentityProviderTypeType::Saml, _) => {
            return Err(ApiError::invalid_parameter(format!(
                "{provider_name} is a SAML provider: its token type is SAML2."
            )));
        }
        (
            IdentityProviderTypeType::Oidc
            | IdentityProviderTypeType::Google
            | IdentityProviderTypeType::SignInWithApple,
            "ID_TOKEN",
        ) => oidc_claims(svc, &provider, token, now_s).await,
        (
            IdentityProviderTypeType::Oidc
            | IdentityProviderTypeType::Google
            | IdentityProviderTypeType::SignInWithApple,
            _,
        ) => {
            return Err(ApiError::invalid_parameter(format!(
                "Only an ID_TOKEN of the provider {provider_name} can be validated."
            )));
        }
        _ => {
            return Err(ApiError::invalid_parameter(format!(
                "Tokens of the provider {provider_name} ({}) cannot be validated.",
                kind.as_str()
            )));
        }
    };
    let (claims, exp) = match checked {
        Ok(found) => found,
        Err(why) => {
            // Both verifiers word a token past its time as "... expired": the operation
            // answers that as it answers an expired token of the pool's.
            tracing::info!(provider = provider_name, why, "a provider's presented token was refused");
            return Ok(Err(if why.contains("expired") { Refusal::Expired } else { Refusal::Invalid }));
        }
    };
    let user = match users::find(svc, pool, &provider, &claims).await {
        Ok(user) => user,
        Err(e) if e.code == cognito_idp::ErrorCode::UserNotFoundException => return Ok(Err(Refusal::UserNotFound)),
        Err(e) if e.code == cognito_idp::ErrorCode::NotAuthorizedException => return Ok(Err(Refusal::UserDisabled)),
        Err(e) => return Err(e),
    };
    let auth_time = claims.get("auth_time").or_else(|| claims.get("iat")).and_then(Value::as_i64).unwrap_or(now_s);
    let mut presented = Map::new();
    presented.insert("sub".into(), json!(user.sub));
    presented.insert("exp".into(), json!(exp.unwrap_or(i64::MAX)));
    presented.insert("auth_time".into(), json!(auth_time));
    Ok(Ok(Presented { claims: presented, user: Some(user) }))
}

/// A SAML provider's assertion: its claims and `NotOnOrAfter`.
fn saml_claims(
    pool: &Pool,
    provider: &IdentityProvider,
    token: &str,
    now_s: i64,
) -> Result<(Map<String, Value>, Option<i64>), String> {
    let compact: String = token.split_whitespace().collect();
    let trimmed = compact.trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
        .map_err(|_| "the SAML2 token is not base64".to_owned())?;
    let text = String::from_utf8(bytes).map_err(|_| "the SAML2 token is not UTF-8 text".to_owned())?;
    let details = provider.0.provider_details.as_ref();
    let found = metadata::kept(details)?;
    let key = encryption::key_of(details);
    let verified = assertion::verify_assertion(&text, &found, &saml::sp_entity_id(pool.id()), now_s, key.as_deref())
        .map_err(|failure| failure.description)?;
    Ok((verified.claims(), verified.not_on_or_after))
}

/// An OpenID Connect provider's id token: its claims and `exp`.
async fn oidc_claims<S: Store>(
    svc: &Cognito<S>,
    provider: &IdentityProvider,
    token: &str,
    now_s: i64,
) -> Result<(Map<String, Value>, Option<i64>), String> {
    let endpoints = oidc::endpoints(svc, provider).await.map_err(|f| f.description)?;
    let jwks = oidc::jwks(provider, &endpoints).await.map_err(|f| f.description)?;
    let expected = id_token::Expected {
        issuer: endpoints.issuer.as_deref(),
        audience: provider.detail("client_id").unwrap_or_default(),
        nonce: None,
        now_s,
    };
    let claims = id_token::verify(token, &jwks, &expected).map_err(|f| f.description)?;
    let exp = claims.get("exp").and_then(Value::as_i64);
    Ok((claims, exp))
}
