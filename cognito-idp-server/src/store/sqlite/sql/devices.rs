//! The SQL of users' devices: versioned documents keyed by device key within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{constraint, db_error, exactly_one, json_text, json_value, page, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "d.seq, d.pool_id, u.username_key, d.device_key, d.version, d.doc";

fn device_row(row: &Row) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        user_key: row.get(2)?,
        device_key: row.get(3)?,
        version: row.get(4)?,
        doc: json_value(&row.get::<_, String>(5)?)?,
    })
}

pub fn insert_device(conn: &Connection, mut device: DeviceRecord) -> StoreResult<DeviceRecord> {
    let user = user_seq(conn, &device.pool_id, &device.user_key)?;
    conn.prepare_cached("INSERT INTO devices (pool_id, device_key, user_seq, version, doc) VALUES (?1, ?2, ?3, 1, ?4)")
        .and_then(|mut s| s.execute(params![device.pool_id, device.device_key, user, json_text(&device.doc)?]))
        .map_err(|e| constraint(e, StoreError::ResourceExists))?;
    device.seq = conn.last_insert_rowid();
    device.version = 1;
    Ok(device)
}

pub fn get_device(conn: &Connection, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<DeviceRecord> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM devices d JOIN users u ON u.seq = d.user_seq
         WHERE d.pool_id = ?1 AND d.device_key = ?2 AND u.username_key = ?3"
    ))
    .and_then(|mut s| s.query_row([pool_id, device_key, user_key], device_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn update_device(conn: &Connection, mut device: DeviceRecord) -> StoreResult<DeviceRecord> {
    let user = user_seq(conn, &device.pool_id, &device.user_key)?;
    let changed = conn
        .prepare_cached(
            "UPDATE devices SET doc = ?1, version = version + 1
             WHERE pool_id = ?2 AND device_key = ?3 AND user_seq = ?4 AND version = ?5",
        )
        .and_then(|mut s| {
            s.execute(params![json_text(&device.doc)?, device.pool_id, device.device_key, user, device.version])
        })
        .map_err(db_error)?;
    if changed == 0 {
        get_device(conn, &device.pool_id, &device.user_key, &device.device_key)?;
        return Err(StoreError::Conflict);
    }
    device.version += 1;
    Ok(device)
}

pub fn delete_device(conn: &Connection, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<()> {
    let user = user_seq(conn, pool_id, user_key)?;
    let changed = conn
        .prepare_cached("DELETE FROM devices WHERE pool_id = ?1 AND device_key = ?2 AND user_seq = ?3")
        .and_then(|mut s| s.execute(params![pool_id, device_key, user]))
        .map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_devices(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<DeviceRecord>> {
    let Ok(user) = user_seq(conn, pool_id, user_key) else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let items = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices d JOIN users u ON u.seq = d.user_seq
             WHERE d.user_seq = ?1 AND d.seq > ?2 ORDER BY d.seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![user, after, limit as i64 + 1], device_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |d| d.seq))
}

/// Every device (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM devices;";
