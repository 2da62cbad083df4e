//! The SQL of pool-owned resources: one table of versioned documents for every kind, and the
//! unique names they hold. Writes run in the caller's transaction, so a resource and its names
//! commit together or not at all.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{Fail, R, exactly_one, execute, fetch, json_text, json_value, page, query, query_opt};
use crate::store::api::*;

/// The `owner` column of a name: its pool for per-pool names, empty for server-wide ones.
fn owner<'a>(name: &UniqueName, pool_id: &'a str) -> &'a str {
    if name.per_pool { pool_id } else { "" }
}

const COLUMNS: &str = "seq, pool_id, kind, key, version, doc";

fn resource_row(row: &Row) -> R<ResourceRecord> {
    Ok(ResourceRecord {
        seq: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        kind: row.try_get(2)?,
        key: row.try_get(3)?,
        version: row.try_get(4)?,
        doc: json_value(row.try_get::<_, &str>(5)?)?,
        names: Vec::new(),
    })
}

/// Reads the names of `resource` into it.
async fn with_names<C: GenericClient>(c: &C, mut resource: ResourceRecord) -> R<ResourceRecord> {
    let rows = query(
        c,
        "SELECT scope, owner, name FROM resource_names WHERE resource_seq = $1 ORDER BY scope, name",
        &[&resource.seq],
    )
    .await?;
    resource.names = rows
        .iter()
        .map(|r| {
            let owner: &str = r.try_get(1)?;
            Ok(UniqueName {
                scope: r.try_get(0)?,
                per_pool: !owner.is_empty() && owner == resource.pool_id,
                value: r.try_get(2)?,
            })
        })
        .collect::<R<_>>()?;
    Ok(resource)
}

/// Stores the names of the resource `seq`. A name another transaction holds, committed or
/// not, makes the insert wait for it and then do nothing: [`StoreError::NameTaken`], and the
/// caller's transaction is rolled back with everything it wrote.
async fn insert_names<C: GenericClient>(c: &C, seq: i64, pool_id: &str, names: &[UniqueName]) -> R<()> {
    for name in names {
        let inserted = execute(
            c,
            "INSERT INTO resource_names (scope, owner, name, resource_seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (scope, owner, name) DO NOTHING",
            &[&name.scope, &owner(name, pool_id), &name.value, &seq],
        )
        .await?;
        if inserted == 0 {
            return Err(Fail::Store(StoreError::NameTaken(name.scope.clone())));
        }
    }
    Ok(())
}

pub async fn insert_resource<C: GenericClient>(c: &C, resource: &ResourceRecord) -> R<ResourceRecord> {
    // A missing pool is a foreign-key violation: NotFound.
    let row = query_opt(
        c,
        "INSERT INTO resources (pool_id, kind, key, version, doc) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (pool_id, kind, key) DO NOTHING RETURNING seq",
        &[&resource.pool_id, &resource.kind, &resource.key, &json_text(&resource.doc)?],
    )
    .await?
    .ok_or(Fail::Store(StoreError::ResourceExists))?;
    let seq: i64 = row.try_get(0)?;
    insert_names(c, seq, &resource.pool_id, &resource.names).await?;
    let mut names = resource.names.clone();
    names.sort();
    Ok(ResourceRecord { seq, version: 1, names, ..resource.clone() })
}

pub async fn get_resource<C: GenericClient>(c: &C, pool_id: &str, kind: &str, key: &str) -> R<ResourceRecord> {
    let sql = format!("SELECT {COLUMNS} FROM resources WHERE pool_id = $1 AND kind = $2 AND key = $3");
    match query_opt(c, &sql, &[&pool_id, &kind, &key]).await? {
        Some(row) => with_names(c, resource_row(&row)?).await,
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn find_resource<C: GenericClient>(c: &C, name: &UniqueName, pool_id: &str) -> R<ResourceRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM resources WHERE seq =
             (SELECT resource_seq FROM resource_names WHERE scope = $1 AND owner = $2 AND name = $3)"
    );
    match query_opt(c, &sql, &[&name.scope, &owner(name, pool_id), &name.value]).await? {
        Some(row) => with_names(c, resource_row(&row)?).await,
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_resource<C: GenericClient>(c: &C, resource: &ResourceRecord) -> R<ResourceRecord> {
    let row = query_opt(
        c,
        "UPDATE resources SET doc = $1, version = version + 1
         WHERE pool_id = $2 AND kind = $3 AND key = $4 AND version = $5 RETURNING seq",
        &[&json_text(&resource.doc)?, &resource.pool_id, &resource.kind, &resource.key, &resource.version],
    )
    .await?;
    let Some(row) = row else {
        get_resource(c, &resource.pool_id, &resource.kind, &resource.key).await?;
        return Err(Fail::Store(StoreError::Conflict));
    };
    let seq: i64 = row.try_get(0)?;
    execute(c, "DELETE FROM resource_names WHERE resource_seq = $1", &[&seq]).await?;
    insert_names(c, seq, &resource.pool_id, &resource.names).await?;
    let mut names = resource.names.clone();
    names.sort();
    Ok(ResourceRecord { seq, version: resource.version + 1, names, ..resource.clone() })
}

pub async fn delete_resource<C: GenericClient>(c: &C, pool_id: &str, kind: &str, key: &str) -> R<()> {
    // Its names go through the foreign key's cascade.
    let changed =
        execute(c, "DELETE FROM resources WHERE pool_id = $1 AND kind = $2 AND key = $3", &[&pool_id, &kind, &key])
            .await?;
    exactly_one(changed)
}

pub async fn list_resources<C: GenericClient>(
    c: &C,
    pool_id: &str,
    kind: &str,
    after: i64,
    limit: usize,
) -> R<Page<ResourceRecord>> {
    let sql =
        format!("SELECT {COLUMNS} FROM resources WHERE pool_id = $1 AND kind = $2 AND seq > $3 ORDER BY seq LIMIT $4");
    let rows = query(c, &sql, &[&pool_id, &kind, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(resource_row).collect::<R<Vec<_>>>()?;
    let mut page = page(items, limit, |r| r.seq);
    let mut named = Vec::with_capacity(page.items.len());
    for item in std::mem::take(&mut page.items) {
        named.push(with_names(c, item).await?);
    }
    page.items = named;
    Ok(page)
}

pub async fn list_resources_of_kind<C: GenericClient>(
    c: &C,
    kind: &str,
    after: i64,
    limit: usize,
) -> R<Page<ResourceRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM resources WHERE kind = $1 AND seq > $2 ORDER BY seq LIMIT $3");
    let rows = query(c, &sql, &[&kind, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(resource_row).collect::<R<Vec<_>>>()?;
    let mut page = page(items, limit, |r| r.seq);
    let mut named = Vec::with_capacity(page.items.len());
    for item in std::mem::take(&mut page.items) {
        named.push(with_names(c, item).await?);
    }
    page.items = named;
    Ok(page)
}

/// Every resource and name (`reset`), names first.
pub const RESET: &str = "DELETE FROM resource_names; DELETE FROM resources;";
