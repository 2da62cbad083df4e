//! The SQL of users' devices: versioned documents keyed by device key within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users).

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{Fail, R, exactly_one, execute, fetch, json_text, json_value, page, query, query_opt, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "d.seq, d.pool_id, u.username_key, d.device_key, d.version, d.doc";

fn device_row(row: &Row) -> R<DeviceRecord> {
    Ok(DeviceRecord {
        seq: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        user_key: row.try_get(2)?,
        device_key: row.try_get(3)?,
        version: row.try_get(4)?,
        doc: json_value(row.try_get::<_, &str>(5)?)?,
    })
}

pub async fn insert_device<C: GenericClient>(c: &C, device: &DeviceRecord) -> R<DeviceRecord> {
    let user = user_seq(c, &device.pool_id, &device.user_key).await?;
    // A user deleted meanwhile is a foreign-key violation: NotFound.
    let row = query_opt(
        c,
        "INSERT INTO devices (pool_id, device_key, user_seq, version, doc) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (pool_id, device_key) DO NOTHING RETURNING seq",
        &[&device.pool_id, &device.device_key, &user, &json_text(&device.doc)?],
    )
    .await?
    .ok_or(Fail::Store(StoreError::ResourceExists))?;
    Ok(DeviceRecord { seq: row.try_get(0)?, version: 1, ..device.clone() })
}

pub async fn get_device<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, device_key: &str) -> R<DeviceRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM devices d JOIN users u ON u.seq = d.user_seq
         WHERE d.pool_id = $1 AND d.device_key = $2 AND u.username_key = $3"
    );
    match query_opt(c, &sql, &[&pool_id, &device_key, &user_key]).await? {
        Some(row) => device_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_device<C: GenericClient>(c: &C, device: &DeviceRecord) -> R<DeviceRecord> {
    let user = user_seq(c, &device.pool_id, &device.user_key).await?;
    let changed = execute(
        c,
        "UPDATE devices SET doc = $1, version = version + 1
         WHERE pool_id = $2 AND device_key = $3 AND user_seq = $4 AND version = $5",
        &[&json_text(&device.doc)?, &device.pool_id, &device.device_key, &user, &device.version],
    )
    .await?;
    if changed == 0 {
        get_device(c, &device.pool_id, &device.user_key, &device.device_key).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(DeviceRecord { version: device.version + 1, ..device.clone() })
}

pub async fn delete_device<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, device_key: &str) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    let changed = execute(
        c,
        "DELETE FROM devices WHERE pool_id = $1 AND device_key = $2 AND user_seq = $3",
        &[&pool_id, &device_key, &user],
    )
    .await?;
    exactly_one(changed)
}

pub async fn list_devices<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> R<Page<DeviceRecord>> {
    let user = match user_seq(c, pool_id, user_key).await {
        Ok(user) => user,
        Err(Fail::Store(StoreError::NotFound)) => return Ok(Page { items: Vec::new(), next: None }),
        Err(e) => return Err(e),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM devices d JOIN users u ON u.seq = d.user_seq
         WHERE d.user_seq = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3"
    );
    let rows = query(c, &sql, &[&user, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(device_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |d| d.seq))
}

/// Every device (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM devices;";
