//! `GET /{poolId}/.well-known/jwks.json` and `GET /{poolId}/.well-known/openid-configuration`,
//! where Cognito serves them under the issuer (`https://cognito-idp.{region}.amazonaws.com/
//! {poolId}/.well-known/...`), so that verifiers pointed at the issuer find the keys.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use cognito_idp::ErrorCode;

use super::{issuer, keys};
use crate::errors::ApiError;
use crate::handlers::{domains, load_pool};
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

/// The OpenID discovery document, with the members of Cognito's: a pool with a domain also
/// names its endpoints (`authorization_endpoint`, `token_endpoint`, `userinfo_endpoint`,
/// `revocation_endpoint`, `end_session_endpoint`), on its custom domain if it has one. Here
/// they are under `/domain/{domain}/` on the address the document was fetched from, which
/// every client on this machine reaches (see [`crate::oauth`]).
async fn openid_configuration<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = load_pool(&svc, &pool_id).await {
        return failure(e);
    }
    let (prefix, custom) = match domains::of_pool(&svc, &pool_id).await {
        Ok(found) => found,
        Err(e) => return failure(e),
    };
    let issuer = issuer(&svc, &pool_id);
    let mut document = serde_json::Map::new();
    let mut put = |name: &str, value: Value| drop(document.insert(name.to_owned(), value));
    if let Some(domain) = custom.or(prefix) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        let scheme = match headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) {
            Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        let base = format!("{scheme}://{host}{}/{domain}", crate::oauth::PATH_PREFIX);
        put("authorization_endpoint", json!(format!("{base}/oauth2/authorize")));
        put("end_session_endpoint", json!(format!("{base}/logout")));
        put("revocation_endpoint", json!(format!("{base}/oauth2/revoke")));
        put("token_endpoint", json!(format!("{base}/oauth2/token")));
        put("userinfo_endpoint", json!(format!("{base}/oauth2/userInfo")));
    }
    put("id_token_signing_alg_values_supported", json!(["RS256"]));
    put("issuer", json!(issuer));
    put("jwks_uri", json!(format!("{issuer}/.well-known/jwks.json")));
    put("response_types_supported", json!(["code", "token"]));
    put("scopes_supported", json!(["openid", "email", "phone", "profile"]));
    put("subject_types_supported", json!(["public"]));
    put("token_endpoint_auth_methods_supported", json!(["client_secret_basic", "client_secret_post"]));
    Json(Value::Object(document)).into_response()
}
