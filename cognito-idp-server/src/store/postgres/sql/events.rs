//! The SQL of users' authentication events: documents keyed by event id within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users),
//! listed per user newest first.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{Fail, R, execute, fetch, json_text, json_value, page, query, query_opt, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "e.seq, e.pool_id, u.username_key, e.event_id, e.created_ms, e.version, e.doc";

fn event_row(row: &Row) -> R<AuthEventRecord> {
    Ok(AuthEventRecord {
        seq: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        user_key: row.try_get(2)?,
        event_id: row.try_get(3)?,
        created_ms: row.try_get(4)?,
        version: row.try_get(5)?,
        doc: json_value(row.try_get::<_, &str>(6)?)?,
    })
}

pub async fn insert_auth_event<C: GenericClient>(c: &C, event: &AuthEventRecord) -> R<AuthEventRecord> {
    let user = user_seq(c, &event.pool_id, &event.user_key).await?;
    let row = query_opt(
        c,
        "INSERT INTO auth_events (pool_id, event_id, user_seq, created_ms, version, doc) VALUES ($1, $2, $3, $4, 1, $5)
         ON CONFLICT (pool_id, event_id) DO NOTHING RETURNING seq",
        &[&event.pool_id, &event.event_id, &user, &event.created_ms, &json_text(&event.doc)?],
    )
    .await?
    .ok_or(Fail::Store(StoreError::ResourceExists))?;
    Ok(AuthEventRecord { seq: row.try_get(0)?, version: 1, ..event.clone() })
}

pub async fn get_auth_event<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    event_id: &str,
) -> R<AuthEventRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM auth_events e JOIN users u ON u.seq = e.user_seq
         WHERE e.pool_id = $1 AND e.event_id = $2 AND u.username_key = $3"
    );
    match query_opt(c, &sql, &[&pool_id, &event_id, &user_key]).await? {
        Some(row) => event_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_auth_event<C: GenericClient>(c: &C, event: &AuthEventRecord) -> R<AuthEventRecord> {
    let user = user_seq(c, &event.pool_id, &event.user_key).await?;
    let changed = execute(
        c,
        "UPDATE auth_events SET doc = $1, version = version + 1
         WHERE pool_id = $2 AND event_id = $3 AND user_seq = $4 AND version = $5",
        &[&json_text(&event.doc)?, &event.pool_id, &event.event_id, &user, &event.version],
    )
    .await?;
    if changed == 0 {
        get_auth_event(c, &event.pool_id, &event.user_key, &event.event_id).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(AuthEventRecord { version: event.version + 1, ..event.clone() })
}

pub async fn list_auth_events<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    before: i64,
    limit: usize,
) -> R<Page<AuthEventRecord>> {
    let user = match user_seq(c, pool_id, user_key).await {
        Ok(user) => user,
        Err(Fail::Store(StoreError::NotFound)) => return Ok(Page { items: Vec::new(), next: None }),
        Err(e) => return Err(e),
    };
    let before = if before <= 0 { i64::MAX } else { before };
    let sql = format!(
        "SELECT {COLUMNS} FROM auth_events e JOIN users u ON u.seq = e.user_seq
         WHERE e.user_seq = $1 AND e.seq < $2 ORDER BY e.seq DESC LIMIT $3"
    );
    let rows = query(c, &sql, &[&user, &before, &fetch(limit)]).await?;
    let items = rows.iter().map(event_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |e| e.seq))
}

/// Every event (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM auth_events;";
