//! The app client secret: `SECRET_HASH` / `SecretHash` (HMAC-SHA256 of username + client id,
//! keyed by the client's secret) and `ClientSecret`, with AWS's messages in one place.
//!
//! AWS words a missing hash two ways, depending on the operation (both `NotAuthorizedException`):
//!
//! - [`Missing::Secret`], `Client <id> is configured for secret but secret was not received`:
//!   `SignUp` (quoted with a SignUp call in jumarko's clojure-experiments and grepped for after
//!   `aws cognito-idp sign-up` by a public Cognito pentest tool), `InitiateAuth` with
//!   `USER_PASSWORD_AUTH` (CLI output quoted in a public how-to on getting tokens) and with
//!   `REFRESH_TOKEN_AUTH` (furaiev/amazon-cognito-identity-dart-2 issue 160). The operations
//!   that take `SecretHash` as SignUp does (ConfirmSignUp, ResendConfirmationCode,
//!   ForgotPassword, ConfirmForgotPassword), the administrators' password flow and
//!   GetTokensFromRefreshToken / RevokeToken (`ClientSecret`) answer the same here: no quote of
//!   theirs was found.
//! - [`Missing::SecretHash`], `Client <id> is configured with secret but SECRET_HASH was not
//!   received`: `USER_SRP_AUTH` (aws/aws-sdk-cpp issue 3246, aws-amplify/amplify-android issue
//!   2504) and `RespondToAuthChallenge` (furaiev/amazon-cognito-identity-dart-2 issue 249, an
//!   SMS_MFA answer); `USER_AUTH`, the newest flow, is taken to answer as these do.
//!
//! A wrong hash is `Unable to verify secret hash for client <id>`, except on the refresh flows,
//! which have answered `SecretHash does not match for the client: <id>` since 2022
//! (aws/aws-sdk-net-extensions-cognito issues 94 and 122, aws-amplify/amplify-android issue
//! 3111; the older wording is quoted for refreshes in 2019-2021, e.g. aws/aws-sdk-java 1917).

use subtle::ConstantTimeEq;

use crate::errors::{ApiError, ApiResult};

/// Which wording an operation uses for a missing hash (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// `... is configured for secret but secret was not received`.
    Secret,
    /// `... is configured with secret but SECRET_HASH was not received`.
    SecretHash,
}

/// The answer for a client with a secret called without its hash (or secret).
pub fn missing(client_id: &str, wording: Missing) -> ApiError {
    ApiError::not_authorized(match wording {
        Missing::Secret => format!("Client {client_id} is configured for secret but secret was not received"),
        Missing::SecretHash => {
            format!("Client {client_id} is configured with secret but SECRET_HASH was not received")
        }
    })
}

/// The answer for a wrong hash (or secret).
pub fn unverified(client_id: &str) -> ApiError {
    ApiError::not_authorized(format!("Unable to verify secret hash for client {client_id}"))
}

/// The answer for a wrong hash on `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
pub fn refresh_mismatch(client_id: &str) -> ApiError {
    ApiError::not_authorized(format!("SecretHash does not match for the client: {client_id}"))
}

/// The client's secret, if it has one.
pub fn secret_of(client: &cognito_idp::types::UserPoolClientType) -> Option<&str> {
    client.client_secret.as_deref().filter(|s| !s.is_empty())
}

/// Checks a hash for a client with `secrets` (its active secrets, two while they rotate;
/// nothing to check without one: a hash sent to a client without a secret is ignored): it must
/// be the hash of one of `names` with one of the secrets, compared in constant time, else
/// [`unverified`]; absent or empty, [`missing`] with `wording`.
pub fn check(
    secrets: &[String],
    client_id: &str,
    names: &[&str],
    given: Option<&str>,
    wording: Missing,
) -> ApiResult<()> {
    if secrets.is_empty() {
        return Ok(());
    }
    let Some(given) = given.filter(|g| !g.is_empty()) else { return Err(missing(client_id, wording)) };
    if matches_any(secrets, client_id, names, given) { Ok(()) } else { Err(unverified(client_id)) }
}

/// Whether `given` is the hash of one of `names` with one of `secrets` (every pair is tried:
/// constant time in which one matched).
pub fn matches_any(secrets: &[String], client_id: &str, names: &[&str], given: &str) -> bool {
    let mut matched = false;
    for secret in secrets {
        for name in names {
            let expected = cognito_auth::secret_hash(name, client_id, secret);
            matched |= bool::from(expected.as_bytes().ct_eq(given.as_bytes()));
        }
    }
    matched
}

/// The hash a caller that knows the client's secrets sends for `username` (the managed login
/// pages call the public operations on the user's behalf): with the first active secret, which
/// [`check`] accepts as it accepts any of them; `None` for a client without a secret.
pub fn compute(secrets: &[String], client_id: &str, username: &str) -> Option<String> {
    secrets.first().map(|secret| cognito_auth::secret_hash(username, client_id, secret))
}

/// Checks a `ClientSecret` given as is (`GetTokensFromRefreshToken`, `RevokeToken`) against
/// the client's active secrets, in constant time.
pub fn check_client_secret(secrets: &[String], client_id: &str, given: Option<&str>) -> ApiResult<()> {
    if secrets.is_empty() {
        return Ok(());
    }
    let Some(given) = given.filter(|g| !g.is_empty()) else { return Err(missing(client_id, Missing::Secret)) };
    let mut matched = false;
    for secret in secrets {
        matched |= bool::from(given.as_bytes().ct_eq(secret.as_bytes()));
    }
    if matched { Ok(()) } else { Err(unverified(client_id)) }
}
