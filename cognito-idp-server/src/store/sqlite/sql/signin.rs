//! The SQL of sign-in state: challenge sessions, refresh tokens and their
//! families, failed sign-ins. Writes run in the writer's transaction, so each function is
//! atomic, and across processes too (the writer holds SQLite's write lock).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{constraint, db_error, insert_outbox, json_text, json_value, pool_exists, user_seq};
use crate::store::api::*;
use crate::store::retention::{Horizon, PERIODIC_BATCH, PURGE_BATCH};

// --- sessions

fn session_row(row: &Row) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id_hash: row.get(0)?,
        pool_id: row.get(1)?,
        client_id: row.get(2)?,
        user_key: row.get(3)?,
        expires_ms: row.get(4)?,
        doc: json_value(&row.get::<_, String>(5)?)?,
    })
}

pub fn put_session(conn: &Connection, session: &SessionRecord, outbox: &[OutboxMessage]) -> StoreResult<()> {
    pool_exists(conn, &session.pool_id)?;
    conn.prepare_cached(
        "INSERT INTO sessions (id_hash, pool_id, client_id, user_key, expires_ms, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id_hash) DO UPDATE SET pool_id = ?2, client_id = ?3, user_key = ?4, expires_ms = ?5, doc = ?6",
    )
    .and_then(|mut s| {
        s.execute(params![
            session.id_hash,
            session.pool_id,
            session.client_id,
            session.user_key,
            session.expires_ms,
            json_text(&session.doc)?
        ])
    })
    .map_err(db_error)?;
    insert_outbox(conn, outbox)?;
    purge(conn, Horizon::at_session(session.expires_ms), PURGE_BATCH).map(drop)
}

pub fn take_session(conn: &Connection, id_hash: &str) -> StoreResult<SessionRecord> {
    conn.prepare_cached(
        "DELETE FROM sessions WHERE id_hash = ?1 RETURNING id_hash, pool_id, client_id, user_key, expires_ms, doc",
    )
    .and_then(|mut s| s.query_row([id_hash], session_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn get_session(conn: &Connection, id_hash: &str) -> StoreResult<SessionRecord> {
    conn.prepare_cached(
        "SELECT id_hash, pool_id, client_id, user_key, expires_ms, doc FROM sessions WHERE id_hash = ?1",
    )
    .and_then(|mut s| s.query_row([id_hash], session_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

// --- refresh tokens and their families

fn refresh_row(row: &Row) -> rusqlite::Result<RefreshRecord> {
    Ok(RefreshRecord {
        hash: row.get(0)?,
        pool_id: row.get(1)?,
        client_id: row.get(2)?,
        user_key: row.get(3)?,
        origin_jti: row.get(4)?,
        expires_ms: row.get(5)?,
        doc: json_value(&row.get::<_, String>(6)?)?,
    })
}

/// Stores the token row itself (its family exists).
fn store_refresh(conn: &Connection, token: &RefreshRecord) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO refresh_tokens (hash, pool_id, client_id, user_key, origin_jti, expires_ms, doc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            token.hash,
            token.pool_id,
            token.client_id,
            token.user_key,
            token.origin_jti,
            token.expires_ms,
            json_text(&token.doc)?
        ])
    })
    .map_err(|e| constraint(e, StoreError::Conflict))?;
    Ok(())
}

pub fn insert_refresh(conn: &Connection, token: &RefreshRecord) -> StoreResult<()> {
    let user = user_seq(conn, &token.pool_id, &token.user_key)?;
    // A family lives as long as its longest-lived token (then a while more, see retention).
    conn.prepare_cached(
        "INSERT INTO token_families (pool_id, origin_jti, user_seq, client_id, revoked, expires_ms)
         VALUES (?1, ?2, ?3, ?4, 0, ?5)
         ON CONFLICT (pool_id, origin_jti) DO UPDATE SET expires_ms = max(expires_ms, excluded.expires_ms)",
    )
    .and_then(|mut s| s.execute(params![token.pool_id, token.origin_jti, user, token.client_id, token.expires_ms]))
    .map_err(db_error)?;
    store_refresh(conn, token)
}

const REFRESH_COLUMNS: &str = "r.hash, r.pool_id, r.client_id, r.user_key, r.origin_jti, r.expires_ms, r.doc";

pub fn get_refresh(conn: &Connection, hash: &str) -> StoreResult<RefreshRecord> {
    conn.prepare_cached(&format!(
        "SELECT {REFRESH_COLUMNS} FROM refresh_tokens r
         JOIN token_families f ON f.pool_id = r.pool_id AND f.origin_jti = r.origin_jti
         WHERE r.hash = ?1 AND NOT f.revoked"
    ))
    .and_then(|mut s| s.query_row([hash], refresh_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn rotate_refresh(conn: &Connection, old_hash: &str, old_expires_ms: i64, new: &RefreshRecord) -> StoreResult<()> {
    let old = get_refresh(conn, old_hash)?;
    if old.pool_id != new.pool_id || old.origin_jti != new.origin_jti {
        return Err(StoreError::Database("rotate_refresh: the new token names another family".into()));
    }
    conn.prepare_cached("UPDATE refresh_tokens SET expires_ms = min(expires_ms, ?2) WHERE hash = ?1")
        .and_then(|mut s| s.execute(params![old_hash, old_expires_ms]))
        .map_err(db_error)?;
    conn.prepare_cached(
        "UPDATE token_families SET expires_ms = max(expires_ms, ?3) WHERE pool_id = ?1 AND origin_jti = ?2",
    )
    .and_then(|mut s| s.execute(params![new.pool_id, new.origin_jti, new.expires_ms]))
    .map_err(db_error)?;
    store_refresh(conn, new)?;
    purge(conn, Horizon::at_rotation(old_expires_ms), PURGE_BATCH).map(drop)
}

pub fn revoke_family(conn: &Connection, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
    // The tokens stay (useless: every read joins the family) until the family is purged.
    conn.prepare_cached("UPDATE token_families SET revoked = 1 WHERE pool_id = ?1 AND origin_jti = ?2 AND NOT revoked")
        .and_then(|mut s| s.execute([pool_id, origin_jti]))
        .map_err(db_error)?;
    Ok(())
}

pub fn family_valid(conn: &Connection, pool_id: &str, origin_jti: &str) -> StoreResult<bool> {
    let revoked: Option<bool> = conn
        .prepare_cached("SELECT revoked FROM token_families WHERE pool_id = ?1 AND origin_jti = ?2")
        .and_then(|mut s| s.query_row([pool_id, origin_jti], |r| r.get(0)).optional())
        .map_err(db_error)?;
    Ok(revoked == Some(false))
}

pub fn revoke_user_families(conn: &Connection, pool_id: &str, user_key: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE token_families SET revoked = 1
         WHERE user_seq = (SELECT seq FROM users WHERE pool_id = ?1 AND username_key = ?2) AND NOT revoked",
    )
    .and_then(|mut s| s.execute([pool_id, user_key]))
    .map_err(db_error)?;
    Ok(())
}

// --- token families tracked as user sessions

pub fn track_family(
    conn: &Connection,
    pool_id: &str,
    origin_jti: &str,
    session_id: &str,
    now_ms: i64,
    doc: &serde_json::Value,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE token_families SET session_id = ?3, created_ms = ?4, last_active_ms = ?4, session_doc = ?5
         WHERE pool_id = ?1 AND origin_jti = ?2",
    )
    .and_then(|mut s| s.execute(params![pool_id, origin_jti, session_id, now_ms, json_text(doc)?]))
    .map_err(db_error)?;
    Ok(())
}

pub fn touch_family(
    conn: &Connection,
    pool_id: &str,
    origin_jti: &str,
    now_ms: i64,
    doc: &serde_json::Value,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE token_families SET last_active_ms = ?3, session_doc = json_patch(session_doc, ?4)
         WHERE pool_id = ?1 AND origin_jti = ?2 AND session_id IS NOT NULL",
    )
    .and_then(|mut s| s.execute(params![pool_id, origin_jti, now_ms, json_text(doc)?]))
    .map_err(db_error)?;
    Ok(())
}

pub fn tracked_families(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    now_ms: i64,
) -> StoreResult<Vec<TrackedFamily>> {
    conn.prepare_cached(
        "SELECT f.origin_jti, f.client_id, f.session_id, f.created_ms, f.last_active_ms, f.session_doc
         FROM token_families f
         WHERE f.user_seq = (SELECT seq FROM users WHERE pool_id = ?1 AND username_key = ?2)
           AND f.session_id IS NOT NULL AND NOT f.revoked AND f.expires_ms > ?3
         ORDER BY f.created_ms, f.session_id",
    )
    .and_then(|mut s| {
        s.query_map(params![pool_id, user_key, now_ms], |row| {
            Ok(TrackedFamily {
                origin_jti: row.get(0)?,
                client_id: row.get(1)?,
                session_id: row.get(2)?,
                created_ms: row.get(3)?,
                last_active_ms: row.get(4)?,
                doc: json_value(&row.get::<_, String>(5)?)?,
            })
        })?
        .collect()
    })
    .map_err(db_error)
}

pub fn user_sessions(conn: &Connection, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<Vec<SessionRecord>> {
    conn.prepare_cached(
        "SELECT id_hash, pool_id, client_id, user_key, expires_ms, doc FROM sessions
         WHERE pool_id = ?1 AND user_key = ?2 AND expires_ms > ?3",
    )
    .and_then(|mut s| s.query_map(params![pool_id, user_key, now_ms], session_row)?.collect())
    .map_err(db_error)
}

// --- failed sign-ins

pub fn sign_in_failed(conn: &Connection, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<SignInFailures> {
    let user = user_seq(conn, pool_id, user_key)?;
    conn.prepare_cached(
        "INSERT INTO sign_in_failures (user_seq, failures, last_ms) VALUES (?1, 1, ?2)
         ON CONFLICT (user_seq) DO UPDATE SET failures = failures + 1, last_ms = excluded.last_ms
         RETURNING failures, last_ms",
    )
    .and_then(|mut s| {
        s.query_row(params![user, now_ms], |r| Ok(SignInFailures { count: r.get(0)?, last_ms: r.get(1)? }))
    })
    .map_err(db_error)
}

pub fn sign_in_failures(conn: &Connection, pool_id: &str, user_key: &str) -> StoreResult<SignInFailures> {
    let found = conn
        .prepare_cached(
            "SELECT f.failures, f.last_ms FROM users u JOIN sign_in_failures f ON f.user_seq = u.seq
             WHERE u.pool_id = ?1 AND u.username_key = ?2",
        )
        .and_then(|mut s| {
            s.query_row([pool_id, user_key], |r| Ok(SignInFailures { count: r.get(0)?, last_ms: r.get(1)? })).optional()
        })
        .map_err(db_error)?;
    Ok(found.unwrap_or_default())
}

pub fn clear_sign_in_failures(conn: &Connection, pool_id: &str, user_key: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "DELETE FROM sign_in_failures
         WHERE user_seq = (SELECT seq FROM users WHERE pool_id = ?1 AND username_key = ?2)",
    )
    .and_then(|mut s| s.execute([pool_id, user_key]))
    .map_err(db_error)?;
    Ok(())
}

// --- cascades and purges

/// Deletes what a user's deletion does not cascade to: its sessions, which name the user by
/// key only.
pub fn delete_user_sessions(conn: &Connection, pool_id: &str, user_key: &str) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE pool_id = ?1 AND user_key = ?2")
        .and_then(|mut s| s.execute([pool_id, user_key]))
        .map_err(db_error)?;
    Ok(())
}

/// The periodic purge at `now_ms` (`Store::purge_expired`): returns the rows removed.
pub fn purge_expired(conn: &Connection, now_ms: i64) -> StoreResult<u64> {
    purge(conn, Horizon::at_now(now_ms), PERIODIC_BATCH)
}

/// Removes at most `limit` long-expired sessions, token families (with their tokens) and
/// refresh tokens each (see `store::retention`); returns how many rows went.
fn purge(conn: &Connection, horizon: Horizon, limit: i64) -> StoreResult<u64> {
    let statements = [
        (
            "DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions WHERE expires_ms < ?1 LIMIT ?2)",
            horizon.sessions,
        ),
        (
            "DELETE FROM token_families WHERE rowid IN
                 (SELECT rowid FROM token_families WHERE expires_ms < ?1 LIMIT ?2)",
            horizon.refresh,
        ),
        (
            "DELETE FROM refresh_tokens WHERE hash IN (SELECT hash FROM refresh_tokens WHERE expires_ms < ?1 LIMIT ?2)",
            horizon.refresh,
        ),
    ];
    let mut removed = 0;
    for (sql, before) in statements {
        removed += conn.prepare_cached(sql).and_then(|mut s| s.execute(params![before, limit])).map_err(db_error)?;
    }
    Ok(removed as u64)
}

/// Every row of sign-in state (`reset`), children first.
pub const RESET: &str = "DELETE FROM refresh_tokens; DELETE FROM token_families; DELETE FROM sign_in_failures;
     DELETE FROM sessions;";
