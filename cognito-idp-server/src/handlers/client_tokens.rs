//! Machine-to-machine tokens through the API: `GetClientToken`.
//!
//! AWS's reference: the app client "must have a client secret and the ALLOW_CLIENT_TOKEN_AUTH
//! authentication flow", which "is mutually exclusive with user authentication flows"; the
//! scopes asked for are custom scopes (`resource-server-identifier/scope-name`) that "must
//! belong to a resource server in your user pool", and without any, "Amazon Cognito authorizes
//! the scopes that are configured for the app client". The answer is an access token, its
//! lifetime in seconds and `Bearer`; no id or refresh token (there is no user).

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::app::App;
use crate::handlers::{clients, resource_servers, secret_hash};
use crate::state::Cognito;
use crate::store::Store;
use crate::tokens;

use clients::CLIENT_TOKEN_FLOW as FLOW;

/// `GetClientToken`.
pub async fn get_client_token<S: Store>(
    svc: &Cognito<S>,
    input: GetClientTokenRequest,
) -> ApiResult<GetClientTokenResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    if app.secrets.is_empty() || !clients::auth_flows(&app.client).iter().any(|f| f == FLOW) {
        // Worded as InitiateAuth words a flow the client does not allow.
        return Err(ApiError::new(
            ErrorCode::NotAuthorizedException,
            format!("{FLOW} flow not enabled for this client"),
        ));
    }
    secret_hash::check_client_secret(&app.secrets, &app.client_id, Some(&input.secret))?;
    let pool = &app.pool;
    let scopes = match input.scopes.filter(|s| !s.is_empty()) {
        Some(asked) => {
            let known = resource_servers::custom_scopes(svc, pool.id()).await?;
            if let Some(unknown) = asked.iter().find(|s| !known.contains(s)) {
                // The wording is ours: no AWS answer was found quoted.
                return Err(ApiError::invalid_parameter(format!("Invalid scope requested: {unknown}")));
            }
            asked
        }
        None => app.client.allowed_o_auth_scopes.clone().unwrap_or_default(),
    };
    let metadata = input.client_metadata.as_ref();
    let (token, lifetime) = tokens::client_token(svc, pool, &app.client, &scopes, metadata).await?;
    Ok(GetClientTokenResponse {
        client_authentication_result: Some(ClientAuthenticationResultType {
            access_token: Some(token),
            expires_in: Some(i32::try_from(lifetime).unwrap_or(i32::MAX)),
            token_type: Some("Bearer".into()),
        }),
    })
}
