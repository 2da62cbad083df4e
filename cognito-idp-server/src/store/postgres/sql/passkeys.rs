//! The SQL of users' passkeys (WebAuthn credentials): versioned documents keyed by credential id within the pool, each
//! row referring to its user (so it goes with the user, and with the pool through its users).

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{Fail, R, exactly_one, execute, fetch, json_text, json_value, page, query, query_opt, user_seq};
use crate::store::api::*;

const COLUMNS: &str = "d.seq, d.pool_id, u.username_key, d.credential_id, d.version, d.doc";

fn passkey_row(row: &Row) -> R<PasskeyRecord> {
    Ok(PasskeyRecord {
        seq: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        user_key: row.try_get(2)?,
        credential_id: row.try_get(3)?,
        version: row.try_get(4)?,
        doc: json_value(row.try_get::<_, &str>(5)?)?,
    })
}

pub async fn insert_passkey<C: GenericClient>(c: &C, passkey: &PasskeyRecord) -> R<PasskeyRecord> {
    let user = user_seq(c, &passkey.pool_id, &passkey.user_key).await?;
    // A user deleted meanwhile is a foreign-key violation: NotFound.
    let row = query_opt(
        c,
        "INSERT INTO passkeys (pool_id, credential_id, user_seq, version, doc) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (pool_id, credential_id) DO NOTHING RETURNING seq",
        &[&passkey.pool_id, &passkey.credential_id, &user, &json_text(&passkey.doc)?],
    )
    .await?
    .ok_or(Fail::Store(StoreError::ResourceExists))?;
    Ok(PasskeyRecord { seq: row.try_get(0)?, version: 1, ..passkey.clone() })
}

pub async fn get_passkey<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    credential_id: &str,
) -> R<PasskeyRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM passkeys d JOIN users u ON u.seq = d.user_seq
         WHERE d.pool_id = $1 AND d.credential_id = $2 AND u.username_key = $3"
    );
    match query_opt(c, &sql, &[&pool_id, &credential_id, &user_key]).await? {
        Some(row) => passkey_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_passkey<C: GenericClient>(c: &C, passkey: &PasskeyRecord) -> R<PasskeyRecord> {
    let user = user_seq(c, &passkey.pool_id, &passkey.user_key).await?;
    let changed = execute(
        c,
        "UPDATE passkeys SET doc = $1, version = version + 1
         WHERE pool_id = $2 AND credential_id = $3 AND user_seq = $4 AND version = $5",
        &[&json_text(&passkey.doc)?, &passkey.pool_id, &passkey.credential_id, &user, &passkey.version],
    )
    .await?;
    if changed == 0 {
        get_passkey(c, &passkey.pool_id, &passkey.user_key, &passkey.credential_id).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(PasskeyRecord { version: passkey.version + 1, ..passkey.clone() })
}

pub async fn delete_passkey<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, credential_id: &str) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    let changed = execute(
        c,
        "DELETE FROM passkeys WHERE pool_id = $1 AND credential_id = $2 AND user_seq = $3",
        &[&pool_id, &credential_id, &user],
    )
    .await?;
    exactly_one(changed)
}

pub async fn list_passkeys<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> R<Page<PasskeyRecord>> {
    let user = match user_seq(c, pool_id, user_key).await {
        Ok(user) => user,
        Err(Fail::Store(StoreError::NotFound)) => return Ok(Page { items: Vec::new(), next: None }),
        Err(e) => return Err(e),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM passkeys d JOIN users u ON u.seq = d.user_seq
         WHERE d.user_seq = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3"
    );
    let rows = query(c, &sql, &[&user, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(passkey_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |d| d.seq))
}

/// Every passkey (`reset`), before the users they refer to.
pub const RESET: &str = "DELETE FROM passkeys;";
