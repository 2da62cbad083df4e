//! The SQL of users' authentication events: documents keyed by event id within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users),
//! listed per user newest first.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{constraint, db_error, json_text, json_value, page, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "e.seq, e.pool_id, u.username_key, e.event_id, e.created_ms, e.version, e.doc";

fn event_row(row: &Row) -> rusqlite::Result<AuthEventRecord> {
    Ok(AuthEventRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        user_key: row.get(2)?,
        event_id: row.get(3)?,
        created_ms: row.get(4)?,
        version: row.get(5)?,
        doc: json_value(&row.get::<_, String>(6)?)?,
    })
}

pub fn insert_auth_event(conn: &Connection, mut event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
    let user = user_seq(conn, &event.pool_id, &event.user_key)?;
    conn.prepare_cached(
        "INSERT INTO auth_events (pool_id, event_id, user_seq, created_ms, version, doc)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
    )
    .and_then(|mut s| s.execute(params![event.pool_id, event.event_id, user, event.created_ms, json_text(&event.doc)?]))
    .map_err(|e| constraint(e, StoreError::ResourceExists))?;
    event.seq = conn.last_insert_rowid();
    event.version = 1;
    Ok(event)
}

pub fn get_auth_event(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    event_id: &str,
) -> StoreResult<AuthEventRecord> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM auth_events e JOIN users u ON u.seq = e.user_seq
         WHERE e.pool_id = ?1 AND e.event_id = ?2 AND u.username_key = ?3"
    ))
    .and_then(|mut s| s.query_row([pool_id, event_id, user_key], event_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn update_auth_event(conn: &Connection, mut event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
    let user = user_seq(conn, &event.pool_id, &event.user_key)?;
    let changed = conn
        .prepare_cached(
            "UPDATE auth_events SET doc = ?1, version = version + 1
             WHERE pool_id = ?2 AND event_id = ?3 AND user_seq = ?4 AND version = ?5",
        )
        .and_then(|mut s| {
            s.execute(params![json_text(&event.doc)?, event.pool_id, event.event_id, user, event.version])
        })
        .map_err(db_error)?;
    if changed == 0 {
        get_auth_event(conn, &event.pool_id, &event.user_key, &event.event_id)?;
        return Err(StoreError::Conflict);
    }
    event.version += 1;
    Ok(event)
}

pub fn list_auth_events(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    before: i64,
    limit: usize,
) -> StoreResult<Page<AuthEventRecord>> {
    let Ok(user) = user_seq(conn, pool_id, user_key) else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let before = if before <= 0 { i64::MAX } else { before };
    let items = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM auth_events e JOIN users u ON u.seq = e.user_seq
             WHERE e.user_seq = ?1 AND e.seq < ?2 ORDER BY e.seq DESC LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![user, before, limit as i64 + 1], event_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |e| e.seq))
}

/// Every event (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM auth_events;";
