//! The SQL of users' passkeys (WebAuthn credentials): versioned documents keyed by credential id within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{constraint, db_error, exactly_one, json_text, json_value, page, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "d.seq, d.pool_id, u.username_key, d.credential_id, d.version, d.doc";

fn passkey_row(row: &Row) -> rusqlite::Result<PasskeyRecord> {
    Ok(PasskeyRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        user_key: row.get(2)?,
        credential_id: row.get(3)?,
        version: row.get(4)?,
        doc: json_value(&row.get::<_, String>(5)?)?,
    })
}

pub fn insert_passkey(conn: &Connection, mut passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
    let user = user_seq(conn, &passkey.pool_id, &passkey.user_key)?;
    conn.prepare_cached(
        "INSERT INTO passkeys (pool_id, credential_id, user_seq, version, doc) VALUES (?1, ?2, ?3, 1, ?4)",
    )
    .and_then(|mut s| s.execute(params![passkey.pool_id, passkey.credential_id, user, json_text(&passkey.doc)?]))
    .map_err(|e| constraint(e, StoreError::ResourceExists))?;
    passkey.seq = conn.last_insert_rowid();
    passkey.version = 1;
    Ok(passkey)
}

pub fn get_passkey(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    credential_id: &str,
) -> StoreResult<PasskeyRecord> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM passkeys d JOIN users u ON u.seq = d.user_seq
         WHERE d.pool_id = ?1 AND d.credential_id = ?2 AND u.username_key = ?3"
    ))
    .and_then(|mut s| s.query_row([pool_id, credential_id, user_key], passkey_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn update_passkey(conn: &Connection, mut passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
    let user = user_seq(conn, &passkey.pool_id, &passkey.user_key)?;
    let changed = conn
        .prepare_cached(
            "UPDATE passkeys SET doc = ?1, version = version + 1
             WHERE pool_id = ?2 AND credential_id = ?3 AND user_seq = ?4 AND version = ?5",
        )
        .and_then(|mut s| {
            s.execute(params![json_text(&passkey.doc)?, passkey.pool_id, passkey.credential_id, user, passkey.version])
        })
        .map_err(db_error)?;
    if changed == 0 {
        get_passkey(conn, &passkey.pool_id, &passkey.user_key, &passkey.credential_id)?;
        return Err(StoreError::Conflict);
    }
    passkey.version += 1;
    Ok(passkey)
}

pub fn delete_passkey(conn: &Connection, pool_id: &str, user_key: &str, credential_id: &str) -> StoreResult<()> {
    let user = user_seq(conn, pool_id, user_key)?;
    let changed = conn
        .prepare_cached("DELETE FROM passkeys WHERE pool_id = ?1 AND credential_id = ?2 AND user_seq = ?3")
        .and_then(|mut s| s.execute(params![pool_id, credential_id, user]))
        .map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_passkeys(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<PasskeyRecord>> {
    let Ok(user) = user_seq(conn, pool_id, user_key) else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let items = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM passkeys d JOIN users u ON u.seq = d.user_seq
             WHERE d.user_seq = ?1 AND d.seq > ?2 ORDER BY d.seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![user, after, limit as i64 + 1], passkey_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |d| d.seq))
}

/// Every passkey (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM passkeys;";
