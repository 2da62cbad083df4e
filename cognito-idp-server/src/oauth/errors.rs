//! How the endpoints fail, as AWS's developer guide describes each endpoint:
//! - the token and revocation endpoints answer HTTP 400 with a JSON body `{"error": code}`
//!   (`invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
//!   `unsupported_grant_type`, `invalid_scope`, `unsupported_token_type`, and the token
//!   exchange's `invalid_target`);
//! - the authorization and logout endpoints send the browser to the domain's error page
//!   (`/error?error=redirect_mismatch&client_id=...`, the URL quoted in
//!   aws/aws-aspnet-cognito-identity-provider issue 167 and aws-samples/iam-identity-center-team
//!   issue 437) while the client and redirect URI are not known to be valid, and back to the
//!   app's redirect URI with `error` (and `error_description`, `state`) once they are;
//! - userInfo answers 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::errors::ApiError;

/// An OAuth error code of the token and revocation endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    /// A parameter is missing, repeated or malformed.
    InvalidRequest,
    /// Client authentication failed.
    InvalidClient,
    /// The code, refresh token or PKCE verifier is wrong, used, expired or another client's.
    InvalidGrant,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// Not a grant type Cognito knows.
    UnsupportedGrantType,
    /// A scope the client may not ask for.
    InvalidScope,
    /// The revocation endpoint was given an access or id token.
    UnsupportedTokenType,
    /// A token exchange's `resource` or `audience` cannot be served (RFC 8693 section 2.2.2).
    InvalidTarget,
    /// The server failed.
    ServerError,
}

impl OAuthError {
    /// The code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::UnauthorizedClient => "unauthorized_client",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::UnsupportedTokenType => "unsupported_token_type",
            OAuthError::InvalidTarget => "invalid_target",
            OAuthError::ServerError => "server_error",
        }
    }
}

impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> OAuthError {
        if is_trigger_failure(&e) {
            // A Lambda trigger refused or failed (PreTokenGeneration): the request cannot be
            // served, which is not a fault of the server. AWS's answer for this is not
            // documented; `invalid_request` is our choice among the endpoint's codes.
            tracing::info!(code = e.code.as_str(), message = %e.message, "a Lambda trigger failed the token request");
            return OAuthError::InvalidRequest;
        }
        tracing::error!(code = e.code.as_str(), message = %e.message, "OAuth endpoint failed");
        OAuthError::ServerError
    }
}

/// Whether `e` is a Lambda trigger's failure (`UserLambdaValidationException`,
/// `InvalidLambdaResponseException`, `UnexpectedLambdaException`).
pub fn is_trigger_failure(e: &ApiError) -> bool {
    use cognito_idp::ErrorCode;
    matches!(
        e.code,
        ErrorCode::UserLambdaValidationException
            | ErrorCode::InvalidLambdaResponseException
            | ErrorCode::UnexpectedLambdaException
    )
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = match self {
            OAuthError::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut response = (status, Json(json!({ "error": self.as_str() }))).into_response();
        no_store(&mut response);
        response
    }
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, which token responses carry (RFC 6749
/// section 5.1).
pub fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The domain's error page for `error` (`redirect_mismatch`, `invalid_request`, ...).
pub fn to_error_page(base: &str, error: &str, client_id: Option<&str>) -> Response {
    let mut query = url_encode_pairs(&[("error", error)]);
    if let Some(client_id) = client_id {
        query.push('&');
        query.push_str(&url_encode_pairs(&[("client_id", client_id)]));
    }
    found(&format!("{base}/error?{query}"))
}

/// `application/x-www-form-urlencoded` pairs.
pub fn url_encode_pairs(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>());
        out.push('=');
        out.push_str(&form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>());
    }
    out
}

/// The app's redirect URI with `pairs` added to its query (`fragment`: to its fragment, as the
/// implicit grant answers).
pub fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)], fragment: bool) -> Response {
    let encoded = url_encode_pairs(pairs);
    let url = if fragment {
        format!("{redirect_uri}#{encoded}")
    } else if redirect_uri.contains('?') {
        format!("{redirect_uri}&{encoded}")
    } else {
        format!("{redirect_uri}?{encoded}")
    };
    found(&url)
}

/// `302 Found` to `url`: AWS's endpoints redirect with 302 (axum's `Redirect` has 303, 307 and
/// 308 only).
pub fn found(url: &str) -> Response {
    match HeaderValue::from_str(url) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
