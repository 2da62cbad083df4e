//! The pools' and app clients' statements.

use super::*;

fn pool_row(row: &Row) -> R<PoolRecord> {
    Ok(PoolRecord {
        seq: row.try_get(0)?,
        id: row.try_get(1)?,
        version: row.try_get(2)?,
        doc: json_value(row.try_get::<_, &str>(3)?)?,
    })
}

pub async fn insert_pool<C: GenericClient>(c: &C, pool: &PoolRecord) -> R<PoolRecord> {
    let row = query_opt(
        c,
        "INSERT INTO pools (id, version, doc) VALUES ($1, 1, $2) RETURNING seq",
        &[&pool.id, &json_text(&pool.doc)?],
    )
    .await?
    .ok_or(Fail::Store(StoreError::NotFound))?;
    Ok(PoolRecord { seq: row.try_get(0)?, version: 1, ..pool.clone() })
}

pub async fn pool_version<C: GenericClient>(c: &C, id: &str) -> R<(i64, i64)> {
    match query_opt(c, "SELECT seq, version FROM pools WHERE id = $1", &[&id]).await? {
        Some(row) => Ok((row.try_get(0)?, row.try_get(1)?)),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn get_pool<C: GenericClient>(c: &C, id: &str) -> R<PoolRecord> {
    match query_opt(c, "SELECT seq, id, version, doc FROM pools WHERE id = $1", &[&id]).await? {
        Some(row) => pool_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_pool<C: GenericClient>(c: &C, pool: &PoolRecord) -> R<PoolRecord> {
    let changed = execute(
        c,
        "UPDATE pools SET doc = $1, version = version + 1 WHERE id = $2 AND version = $3",
        &[&json_text(&pool.doc)?, &pool.id, &pool.version],
    )
    .await?;
    if changed == 0 {
        get_pool(c, &pool.id).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(PoolRecord { version: pool.version + 1, ..pool.clone() })
}

pub async fn delete_pool<C: GenericClient>(c: &C, id: &str) -> R<()> {
    // Clients, users, groups, sessions and secrets go by cascade; memberships, aliases, codes,
    // token families (with their tokens) and failure counters through the users' and groups'.
    execute(c, "DELETE FROM outbox WHERE pool_id = $1", &[&id]).await?;
    exactly_one(execute(c, "DELETE FROM pools WHERE id = $1", &[&id]).await?)
}

pub async fn list_pools<C: GenericClient>(c: &C, after: i64, limit: usize) -> R<Page<PoolRecord>> {
    let rows = query(
        c,
        "SELECT seq, id, version, doc FROM pools WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &fetch(limit)],
    )
    .await?;
    let items = rows.iter().map(pool_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |p| p.seq))
}

pub async fn count_users<C: GenericClient>(c: &C, pool_id: &str) -> R<i64> {
    Ok(query(c, "SELECT count(*) FROM users WHERE pool_id = $1", &[&pool_id]).await?[0].try_get(0)?)
}

// --- clients

const CLIENT_COLUMNS: &str = "seq, pool_id, id, version, doc";

fn client_row(row: &Row) -> R<ClientRecord> {
    Ok(ClientRecord {
        seq: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        id: row.try_get(2)?,
        version: row.try_get(3)?,
        doc: json_value(row.try_get::<_, &str>(4)?)?,
    })
}

pub async fn insert_client<C: GenericClient>(c: &C, client: &ClientRecord) -> R<ClientRecord> {
    // No check that the pool exists: the foreign key does it (a missing pool is NotFound).
    let row = query(
        c,
        "INSERT INTO clients (pool_id, id, version, doc) VALUES ($1, $2, 1, $3) RETURNING seq",
        &[&client.pool_id, &client.id, &json_text(&client.doc)?],
    )
    .await?;
    Ok(ClientRecord { seq: row[0].try_get(0)?, version: 1, ..client.clone() })
}

pub async fn get_client<C: GenericClient>(c: &C, pool_id: &str, id: &str) -> R<ClientRecord> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1 AND pool_id = $2");
    match query_opt(c, &sql, &[&id, &pool_id]).await? {
        Some(row) => client_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn find_client<C: GenericClient>(c: &C, id: &str) -> R<ClientRecord> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1");
    match query_opt(c, &sql, &[&id]).await? {
        Some(row) => client_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_client<C: GenericClient>(c: &C, client: &ClientRecord) -> R<ClientRecord> {
    let changed = execute(
        c,
        "UPDATE clients SET doc = $1, version = version + 1 WHERE id = $2 AND pool_id = $3 AND version = $4",
        &[&json_text(&client.doc)?, &client.id, &client.pool_id, &client.version],
    )
    .await?;
    if changed == 0 {
        get_client(c, &client.pool_id, &client.id).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(ClientRecord { version: client.version + 1, ..client.clone() })
}

pub async fn delete_client<C: GenericClient>(c: &C, pool_id: &str, id: &str) -> R<()> {
    exactly_one(execute(c, "DELETE FROM clients WHERE id = $1 AND pool_id = $2", &[&id, &pool_id]).await?)
}

pub async fn list_clients<C: GenericClient>(c: &C, pool_id: &str, after: i64, limit: usize) -> R<Page<ClientRecord>> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE pool_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
    let rows = query(c, &sql, &[&pool_id, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(client_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |c| c.seq))
}
