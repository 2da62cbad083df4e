//! The local console: server-rendered pages under `/_local/` for a developer debugging an app
//! against this server. The pools, their app clients, groups and users (searchable, with
//! attributes, status and groups), the outbox with its codes, the Lambda trigger invocations,
//! and one button that resets everything. Read-only apart from that button; off with the other
//! local endpoints (`--no-local-endpoints`, `--self-hosted`).
//!
//! - [`views`]: the markup.
//! - here: the routes, which read the store as the API handlers do.

mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::state::Cognito;
use crate::store::{FilterField, Store, StoreError, UserFilter};

/// How many rows a table shows (the newest pages of very large pools are not the point here).
pub const ROWS: usize = 200;
/// The sign-in events a user's page shows, newest first.
pub const EVENT_ROWS: usize = 20;

/// The console's front page at `/_local/` itself (a nested router sees only `/_local`).
pub fn front<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new().route("/_local/", get(index::<S>)).with_state(svc)
}

/// The console's routes, to nest under `/_local`.
pub fn routes<S: Store + Clone>() -> Router<Cognito<S>> {
    Router::new()
        .route("/", get(index::<S>))
        .route("/pools/{pool}", get(pool::<S>))
        .route("/pools/{pool}/users/{username}", get(user::<S>))
        .route("/messages", get(messages::<S>))
        .route("/invocations", get(invocations::<S>))
        .route("/console/reset", post(reset::<S>))
}

fn failure(e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, views::problem(&e.to_string())).into_response()
}

fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, views::problem(&format!("{what} does not exist."))).into_response()
}

/// `GET /_local/`: the pools, with their user counts.
async fn index<S: Store + Clone>(State(svc): State<Cognito<S>>) -> Response {
    let pools = match svc.store.list_pools(0, ROWS).await {
        Ok(page) => page.items,
        Err(e) => return failure(e),
    };
    let mut rows = Vec::with_capacity(pools.len());
    for pool in pools {
        let users = svc.store.count_users(&pool.id).await.unwrap_or(0);
        rows.push(views::PoolRow::of(&pool, users));
    }
    views::index(&rows).into_response()
}

#[derive(Deserialize)]
struct Search {
    /// A username, or email address when it has an `@`, prefix.
    search: Option<String>,
}

/// `GET /_local/pools/{pool}?search=..`: the pool's app clients, groups and users.
async fn pool<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    Path(pool_id): Path<String>,
    Query(query): Query<Search>,
) -> Response {
    let pool = match svc.store.get_pool(&pool_id).await {
        Ok(pool) => pool,
        Err(StoreError::NotFound) => return not_found(&format!("User pool {pool_id}")),
        Err(e) => return failure(e),
    };
    let search = query.search.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = search.as_ref().map(|s| UserFilter {
        field: if s.contains('@') { FilterField::Column("email") } else { FilterField::Username },
        prefix: true,
        value: s.clone(),
    });
    let (clients, groups, users) = match tokio::try_join!(
        svc.store.list_clients(&pool_id, 0, ROWS),
        svc.store.list_groups(&pool_id, 0, ROWS),
        svc.store.list_users(&pool_id, filter, 0, ROWS),
    ) {
        Ok(found) => found,
        Err(e) => return failure(e),
    };
    views::pool(&pool, &clients.items, &groups.items, &users.items, search.as_deref()).into_response()
}

/// `GET /_local/pools/{pool}/users/{username}`: one user, with attributes, status, groups and
/// the messages sent to them.
async fn user<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    Path((pool_id, username)): Path<(String, String)>,
) -> Response {
    let pool = match crate::handlers::shared::load_pool(&svc, &pool_id).await {
        Ok(pool) => pool,
        Err(_) => return not_found(&format!("User pool {pool_id}")),
    };
    let user = match crate::handlers::shared::find_user(&svc, &pool, &username).await {
        Ok(user) => user,
        Err(_) => return not_found(&format!("User {username}")),
    };
    let groups = svc.store.list_user_groups(&pool_id, &user.username_key, 0, ROWS).await;
    let sent = svc.store.list_outbox(Some(&pool_id), Some(&user.username)).await;
    let devices = svc.store.list_devices(&pool_id, &user.username_key, 0, ROWS).await;
    let (groups, sent, devices) = match (groups, sent, devices) {
        (Ok(groups), Ok(sent), Ok(devices)) => (groups, sent, devices),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return failure(e),
    };
    // Threat protection's recent events of the user (none unless the pool records them).
    let events: Vec<_> = match svc.store.list_auth_events(&pool_id, &user.username_key, 0, EVENT_ROWS).await {
        Ok(page) => page.items.iter().filter_map(crate::handlers::events::Stored::of).map(|s| s.event).collect(),
        Err(e) => return failure(e),
    };
    let devices: Result<Vec<_>, _> =
        devices.items.iter().map(|d| crate::handlers::devices::device_type(&svc, &pool, &user, d)).collect();
    let sessions = crate::handlers::sessions::user_sessions::sessions(&svc, &pool, &user, None).await;
    match (devices, sessions) {
        (Ok(devices), Ok(sessions)) => {
            let extras = views::UserExtras { devices, sessions, events };
            views::user(&pool_id, &user, &groups.items, &sent, &extras).into_response()
        }
        (Err(e), _) | (_, Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.message).into_response(),
    }
}

#[derive(Deserialize)]
struct PoolQuery {
    #[serde(rename = "userPoolId")]
    pool_id: Option<String>,
}

/// `GET /_local/messages?userPoolId=..`: the outbox, newest first.
async fn messages<S: Store + Clone>(State(svc): State<Cognito<S>>, Query(query): Query<PoolQuery>) -> Response {
    match svc.store.list_outbox(query.pool_id.as_deref(), None).await {
        Ok(mut sent) => {
            sent.reverse();
            sent.truncate(ROWS);
            views::messages(&sent, query.pool_id.as_deref()).into_response()
        }
        Err(e) => failure(e),
    }
}

/// `GET /_local/invocations?userPoolId=..`: the trigger invocations, newest first.
async fn invocations<S: Store + Clone>(State(svc): State<Cognito<S>>, Query(query): Query<PoolQuery>) -> Response {
    let mut entries = svc.triggers.journal().list(query.pool_id.as_deref());
    entries.reverse();
    entries.truncate(ROWS);
    views::invocations(&entries, query.pool_id.as_deref()).into_response()
}

/// `POST /_local/console/reset`: what `POST /_local/reset` does, then back to the pools.
async fn reset<S: Store + Clone>(State(svc): State<Cognito<S>>) -> Response {
    match svc.store.reset().await {
        Ok(()) => {
            svc.clock.set_offset_ms(0);
            svc.triggers.journal().clear();
            Redirect::to("/_local/").into_response()
        }
        Err(e) => failure(e),
    }
}
