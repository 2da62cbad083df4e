//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` at the token endpoint: the
//! same exchange as `GetDerivedToken` ([`crate::handlers::derived_tokens::derive`]), which AWS's
//! developer guide says can be called "directly with the AWS SDK, or through the Token endpoint
//! with a token-exchange grant" ("Exchanging tokens for downstream services").
//!
//! AWS documents the grant only by that sentence, so its wire is RFC 8693's:
//!
//! - the request (section 2.1): `subject_token` and `subject_token_type`, `actor_token` and
//!   `actor_token_type`, `requested_token_type`, `audience`, `resource` and `scope`, with the
//!   client authenticated as for the other grants; the token types are the RFC's URNs
//!   (section 3) for an access token, an id token and a SAML 2.0 assertion, the three types the
//!   operation's `TokenTypeIdentifierType` names;
//! - the answer (section 2.2.1): the issued token as `access_token` (whatever its type),
//!   `issued_token_type`, `token_type` (`Bearer` for an access token, `N_A` for an id token,
//!   which is not usable as one), `expires_in` and the granted `scope`;
//! - failures (section 2.2.2): `invalid_request` for a malformed or unsupported request,
//!   `invalid_grant` for a subject or actor token that is refused, `invalid_target` for a
//!   `resource` the pool does not know, `unauthorized_client` for a client without the exchange
//!   flow (its `ExplicitAuthFlows`, as for the operation) or a pool without the feature plan.
//!
//! The form has no member for a third-party provider's name (`SubjectTokenProviderName`), so
//! a SAML 2.0 subject here is refused as the operation refuses one without it.

use std::collections::HashMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use cognito_idp::ErrorCode;
use cognito_idp::types::{GetDerivedTokenRequest, IssuedTokenTypeIdentifierType, TokenTypeIdentifierType};
use serde::Serialize;

use super::errors::{OAuthError, no_store};
use crate::errors::ApiError;
use crate::handlers::auth::app::App;
use crate::handlers::derived_tokens;
use crate::state::Cognito;
use crate::store::Store;

/// The grant's `grant_type`.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// RFC 8693 section 3's token type identifiers, with the operation's names for them.
const TOKEN_TYPES: [(&str, &str); 3] = [
    ("urn:ietf:params:oauth:token-type:access_token", "ACCESS_TOKEN"),
    ("urn:ietf:params:oauth:token-type:id_token", "ID_TOKEN"),
    ("urn:ietf:params:oauth:token-type:saml2", "SAML2"),
];

fn operation_type(urn: &str) -> Result<&'static str, OAuthError> {
    TOKEN_TYPES.iter().find(|(u, _)| *u == urn).map(|(_, name)| *name).ok_or(OAuthError::InvalidRequest)
}

fn urn_of(name: &str) -> &'static str {
    TOKEN_TYPES.iter().find(|(_, n)| *n == name).map_or(TOKEN_TYPES[0].0, |(urn, _)| *urn)
}

/// The answer (RFC 8693 section 2.2.1), in the RFC's order.
#[derive(Debug, Serialize)]
pub struct ExchangeResponse {
    /// The issued token, an access or an id token.
    pub access_token: String,
    /// Its type's URN.
    pub issued_token_type: &'static str,
    /// `Bearer` for an access token, `N_A` for an id token.
    pub token_type: &'static str,
    /// Seconds until the issued token expires.
    pub expires_in: i64,
    /// The granted scopes, space-separated (an access token's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl IntoResponse for ExchangeResponse {
    fn into_response(self) -> Response {
        let mut response = Json(self).into_response();
        no_store(&mut response);
        response
    }
}

/// The grant, for the authenticated `app`, from the form's `params`.
pub async fn token_exchange<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    params: &HashMap<String, String>,
) -> Result<ExchangeResponse, OAuthError> {
    let param = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let (Some(subject_token), Some(subject_type)) = (param("subject_token"), param("subject_token_type")) else {
        return Err(OAuthError::InvalidRequest);
    };
    let actor_type = param("actor_token_type").map(operation_type).transpose()?;
    let requested = match param("requested_token_type") {
        Some(urn) => match operation_type(urn)? {
            "SAML2" => return Err(OAuthError::InvalidRequest),
            name => Some(IssuedTokenTypeIdentifierType::from(name)),
        },
        None => None,
    };
    let flow = derived_tokens::required_flow(param("actor_token").is_some());
    if !derived_tokens::allows(app, flow) {
        return Err(OAuthError::UnauthorizedClient);
    }
    let list = |name: &str| param(name).map(|v| vec![v.to_owned()]);
    let input = GetDerivedTokenRequest {
        client_id: app.client_id.clone(),
        client_secret: None,
        subject_token: subject_token.to_owned(),
        subject_token_type: TokenTypeIdentifierType::from(operation_type(subject_type)?),
        subject_token_provider_name: None,
        actor_token: param("actor_token").map(str::to_owned),
        actor_token_type: actor_type.map(TokenTypeIdentifierType::from),
        actor_token_provider_name: None,
        scopes: param("scope").map(|s| s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()),
        audiences: list("audience"),
        resources: list("resource"),
        requested_token_type: requested,
    };
    let issued = derived_tokens::derive(svc, app, &input).await.map_err(refusal)?;
    let is_access = issued.issued_token_type.as_str() == "ACCESS_TOKEN";
    Ok(ExchangeResponse {
        access_token: issued.issued_token,
        issued_token_type: urn_of(issued.issued_token_type.as_str()),
        token_type: if is_access { "Bearer" } else { "N_A" },
        expires_in: i64::from(issued.expires_in.unwrap_or_default()),
        scope: issued.scopes.map(|s| s.join(" ")).filter(|s| !s.is_empty()),
    })
}

/// The operation's refusal as the grant's error code.
fn refusal(e: ApiError) -> OAuthError {
    match e.code {
        ErrorCode::InvalidParameterException => OAuthError::InvalidRequest,
        ErrorCode::NotAuthorizedException | ErrorCode::UserNotFoundException => OAuthError::InvalidGrant,
        ErrorCode::ResourceNotFoundException => OAuthError::InvalidTarget,
        ErrorCode::OperationNotEnabledException => OAuthError::UnauthorizedClient,
        _ => OAuthError::from(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_are_the_rfcs_urns_both_ways() {
        assert_eq!(operation_type("urn:ietf:params:oauth:token-type:id_token"), Ok("ID_TOKEN"));
        assert_eq!(operation_type("urn:ietf:params:oauth:token-type:saml2"), Ok("SAML2"));
        assert_eq!(operation_type("urn:ietf:params:oauth:token-type:jwt"), Err(OAuthError::InvalidRequest));
        assert_eq!(operation_type("ACCESS_TOKEN"), Err(OAuthError::InvalidRequest));
        assert_eq!(urn_of("ACCESS_TOKEN"), "urn:ietf:params:oauth:token-type:access_token");
        assert_eq!(urn_of("ID_TOKEN"), "urn:ietf:params:oauth:token-type:id_token");
    }
}
