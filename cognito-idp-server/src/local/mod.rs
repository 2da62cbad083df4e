//! `/_local/`: what tests need that AWS has no API for. The outbox (codes and temporary
//! passwords the server "sent"), the Lambda trigger invocations, a reset of all data, and the
//! clock's offset, as JSON; the pool's SAML service provider metadata; and the same for a person, as the pages of the [`console`]. Off
//! with `--no-local-endpoints`.

pub mod console;
pub mod saml_metadata;
pub mod seed;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use cognito_idp::ErrorCode;

use crate::state::Cognito;
use crate::store::Store;

/// The setting that keeps the clock's offset, so it survives restarts.
pub const CLOCK_OFFSET: &str = "clock_offset_ms";

/// The `/_local/` routes.
pub fn routes<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new()
        .route("/outbox", get(outbox::<S>))
        .route("/reset", post(reset::<S>))
        .route("/clock", get(clock::<S>).post(set_clock::<S>))
        .route("/triggers", get(triggers::<S>))
        .route("/log-deliveries", get(log_deliveries::<S>))
        .route("/saml-metadata", get(saml_metadata::saml_metadata::<S>))
        .merge(console::routes::<S>())
        .with_state(svc)
}

fn failure(e: impl std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({"__type": ErrorCode::InternalErrorException.as_str(), "message": e.to_string()})),
    )
        .into_response()
}

#[derive(Deserialize)]
struct OutboxQuery {
    #[serde(rename = "userPoolId")]
    pool_id: Option<String>,
    username: Option<String>,
}

/// `GET /_local/outbox?userPoolId=..&username=..`: the messages sent, oldest first.
async fn outbox<S: Store + Clone>(State(svc): State<Cognito<S>>, Query(query): Query<OutboxQuery>) -> Response {
    match svc.store.list_outbox(query.pool_id.as_deref(), query.username.as_deref()).await {
        Ok(messages) => Json(json!({ "messages": messages })).into_response(),
        Err(e) => failure(e),
    }
}

/// `POST /_local/reset`: deletes every pool, user and message, and resets the clock.
async fn reset<S: Store + Clone>(State(svc): State<Cognito<S>>) -> Response {
    match svc.store.reset().await {
        Ok(()) => {
            svc.clock.set_offset_ms(0);
            svc.triggers.journal().clear();
            svc.logs.clear();
            svc.limits.forget();
            Json(json!({})).into_response()
        }
        Err(e) => failure(e),
    }
}

/// `GET /_local/triggers?userPoolId=..`: the Lambda trigger invocations this instance made,
/// oldest first (function, trigger source, event, answer, outcome, milliseconds).
async fn triggers<S: Store + Clone>(State(svc): State<Cognito<S>>, Query(query): Query<OutboxQuery>) -> Response {
    Json(json!({ "invocations": svc.triggers.journal().list(query.pool_id.as_deref()) })).into_response()
}

/// `GET /_local/log-deliveries?userPoolId=..`: the exported log batches this instance sent,
/// oldest first (pool, event source, destination, records, attempts, outcome, last error).
async fn log_deliveries<S: Store + Clone>(State(svc): State<Cognito<S>>, Query(query): Query<OutboxQuery>) -> Response {
    Json(json!({ "deliveries": svc.logs.journal(query.pool_id.as_deref()) })).into_response()
}

/// `GET /_local/clock`: the server's time and offset.
async fn clock<S: Store + Clone>(State(svc): State<Cognito<S>>) -> Response {
    Json(json!({ "nowMs": svc.clock.now_ms(), "offsetMs": svc.clock.offset_ms() })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetClock {
    /// Moves the clock forward by this much (from where it is).
    advance_seconds: Option<i64>,
    /// Sets the offset from the system's clock outright (0 to go back to real time).
    offset_seconds: Option<i64>,
}

/// `POST /_local/clock` `{"advanceSeconds": N}` or `{"offsetSeconds": N}`.
async fn set_clock<S: Store + Clone>(State(svc): State<Cognito<S>>, Json(body): Json<SetClock>) -> Response {
    let offset = match (body.advance_seconds, body.offset_seconds) {
        (Some(advance), None) => svc.clock.offset_ms() + advance * 1000,
        (None, Some(offset)) => offset * 1000,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"__type": ErrorCode::InvalidParameterException.as_str(), "message": "give one of advanceSeconds or offsetSeconds"})),
            )
                .into_response();
        }
    };
    if let Err(e) = svc.store.set_setting(CLOCK_OFFSET, &offset.to_string()).await {
        return failure(e);
    }
    svc.clock.set_offset_ms(offset);
    clock(State(svc)).await
}
