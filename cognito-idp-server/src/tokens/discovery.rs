//! `GET /{poolId}/.well-known/jwks.json` and `GET /{poolId}/.well-known/openid-configuration`,
//! where Cognito serves them under the issuer (`https://cognito-idp.{region}.amazonaws.com/
//! {poolId}/.well-known/...`), so that verifiers pointed at the issuer find the keys.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use cognito_idp::ErrorCode;

use super::{issuer, keys};
use crate::errors::ApiError;
use crate::handlers::load_pool;
use crate::state::Cognito;
use crate::store::Store;

/// The two routes.
pub fn routes<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new()
        .route("/{pool_id}/.well-known/jwks.json", get(jwks::<S>))
        .route("/{pool_id}/.well-known/openid-configuration", get(openid_configuration::<S>))
        .with_state(svc)
}

fn failure(e: ApiError) -> Response {
    let status = match e.code {
        ErrorCode::ResourceNotFoundException => StatusCode::NOT_FOUND,
        ErrorCode::InternalErrorException => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, Json(json!({ "__type": e.code.as_str(), "message": e.message }))).into_response()
}

/// The pool's public keys (access and id), created on first need as for a sign-in.
async fn jwks<S: Store + Clone>(State(svc): State<Cognito<S>>, Path(pool_id): Path<String>) -> Response {
    let pool = match load_pool(&svc, &pool_id).await {
        Ok(pool) => pool,
        Err(e) => return failure(e),
    };
    match keys::for_signing(&svc, &pool).await {
        Ok(keys) => ([(header::CACHE_CONTROL, "max-age=300")], Json(keys.jwks())).into_response(),
        Err(e) => failure(e),
    }
}

/// The OpenID discovery document: what Cognito lists without a domain's OAuth endpoints (this
/// server has no hosted UI).
async fn openid_configuration<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    Path(pool_id): Path<String>,
) -> Response {
    if let Err(e) = load_pool(&svc, &pool_id).await {
        return failure(e);
    }
    let issuer = issuer(&svc, &pool_id);
    Json(json!({
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
    .into_response()
}
