//! The SQL of pool-owned resources: one table of versioned documents for every kind, and the
//! unique names they hold. Each function runs in the caller's transaction (writes: the writer's,
//! so an insert and its names commit together) or on a reader connection.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{constraint, db_error, exactly_one, json_text, json_value, page, pool_exists};
use crate::store::api::*;

/// The `owner` column of a name: its pool for per-pool names, empty for server-wide ones.
fn owner<'a>(name: &UniqueName, pool_id: &'a str) -> &'a str {
    if name.per_pool { pool_id } else { "" }
}

fn resource_row(row: &Row) -> rusqlite::Result<ResourceRecord> {
    Ok(ResourceRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        kind: row.get(2)?,
        key: row.get(3)?,
        version: row.get(4)?,
        doc: json_value(&row.get::<_, String>(5)?)?,
        names: Vec::new(),
    })
}

const COLUMNS: &str = "seq, pool_id, kind, key, version, doc";

/// Reads the names of `resource` into it.
fn with_names(conn: &Connection, mut resource: ResourceRecord) -> StoreResult<ResourceRecord> {
    let pool_id = resource.pool_id.clone();
    resource.names = conn
        .prepare_cached("SELECT scope, owner, name FROM resource_names WHERE resource_seq = ?1 ORDER BY scope, name")
        .and_then(|mut s| {
            s.query_map([resource.seq], |r| {
                let owner: String = r.get(1)?;
                Ok(UniqueName { scope: r.get(0)?, per_pool: !owner.is_empty() && owner == pool_id, value: r.get(2)? })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(resource)
}

/// Stores the names of the resource `seq`; the first one another resource holds fails the
/// write with [`StoreError::NameTaken`] (the transaction is the caller's, so nothing stays).
fn insert_names(conn: &Connection, seq: i64, pool_id: &str, names: &[UniqueName]) -> StoreResult<()> {
    for name in names {
        conn.prepare_cached("INSERT INTO resource_names (scope, owner, name, resource_seq) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![name.scope, owner(name, pool_id), name.value, seq]))
            .map_err(|e| constraint(e, StoreError::NameTaken(name.scope.clone())))?;
    }
    Ok(())
}

pub fn insert_resource(conn: &Connection, mut resource: ResourceRecord) -> StoreResult<ResourceRecord> {
    pool_exists(conn, &resource.pool_id)?;
    conn.prepare_cached("INSERT INTO resources (pool_id, kind, key, version, doc) VALUES (?1, ?2, ?3, 1, ?4)")
        .and_then(|mut s| s.execute(params![resource.pool_id, resource.kind, resource.key, json_text(&resource.doc)?]))
        .map_err(|e| constraint(e, StoreError::ResourceExists))?;
    resource.seq = conn.last_insert_rowid();
    resource.version = 1;
    insert_names(conn, resource.seq, &resource.pool_id, &resource.names)?;
    resource.names.sort();
    Ok(resource)
}

pub fn get_resource(conn: &Connection, pool_id: &str, kind: &str, key: &str) -> StoreResult<ResourceRecord> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM resources WHERE pool_id = ?1 AND kind = ?2 AND key = ?3"))
        .and_then(|mut s| s.query_row([pool_id, kind, key], resource_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    with_names(conn, found)
}

pub fn find_resource(conn: &Connection, name: &UniqueName, pool_id: &str) -> StoreResult<ResourceRecord> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM resources WHERE seq =
                 (SELECT resource_seq FROM resource_names WHERE scope = ?1 AND owner = ?2 AND name = ?3)"
        ))
        .and_then(|mut s| s.query_row([&name.scope, owner(name, pool_id), &name.value], resource_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
    with_names(conn, found)
}

pub fn update_resource(conn: &Connection, mut resource: ResourceRecord) -> StoreResult<ResourceRecord> {
    let seq: Option<i64> = conn
        .prepare_cached(
            "UPDATE resources SET doc = ?1, version = version + 1
             WHERE pool_id = ?2 AND kind = ?3 AND key = ?4 AND version = ?5 RETURNING seq",
        )
        .and_then(|mut s| {
            s.query_row(
                params![json_text(&resource.doc)?, resource.pool_id, resource.kind, resource.key, resource.version],
                |r| r.get(0),
            )
            .optional()
        })
        .map_err(db_error)?;
    let Some(seq) = seq else {
        get_resource(conn, &resource.pool_id, &resource.kind, &resource.key)?;
        return Err(StoreError::Conflict);
    };
    conn.prepare_cached("DELETE FROM resource_names WHERE resource_seq = ?1")
        .and_then(|mut s| s.execute([seq]))
        .map_err(db_error)?;
    insert_names(conn, seq, &resource.pool_id, &resource.names)?;
    resource.seq = seq;
    resource.version += 1;
    resource.names.sort();
    Ok(resource)
}

pub fn delete_resource(conn: &Connection, pool_id: &str, kind: &str, key: &str) -> StoreResult<()> {
    // Its names go through the foreign key's cascade.
    let changed = conn
        .prepare_cached("DELETE FROM resources WHERE pool_id = ?1 AND kind = ?2 AND key = ?3")
        .and_then(|mut s| s.execute([pool_id, kind, key]))
        .map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_resources(
    conn: &Connection,
    pool_id: &str,
    kind: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<ResourceRecord>> {
    let items = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM resources WHERE pool_id = ?1 AND kind = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4"
        ))
        .and_then(|mut s| {
            s.query_map(params![pool_id, kind, after, limit as i64 + 1], resource_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    let mut page = page(items, limit, |r| r.seq);
    page.items = page.items.into_iter().map(|r| with_names(conn, r)).collect::<StoreResult<_>>()?;
    Ok(page)
}

pub fn list_resources_of_kind(
    conn: &Connection,
    kind: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<ResourceRecord>> {
    let items = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM resources WHERE kind = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"))
        .and_then(|mut s| {
            s.query_map(params![kind, after, limit as i64 + 1], resource_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    let mut page = page(items, limit, |r| r.seq);
    page.items = page.items.into_iter().map(|r| with_names(conn, r)).collect::<StoreResult<_>>()?;
    Ok(page)
}

/// Every resource and name (`reset`), names first.
pub const RESET: &str = "DELETE FROM resource_names; DELETE FROM resources;";
