//! The groups' and memberships' statements.

use super::users::{USER_COLUMNS, user_row_at, user_seq};
use super::*;

const GROUP_COLUMNS: &str = "g.seq, g.pool_id, g.name, g.version, g.doc";

fn group_row(row: &Row) -> R<GroupRecord> {
    group_row_at(row, 0)
}

/// A group from [`GROUP_COLUMNS`] starting at column `at`.
fn group_row_at(row: &Row, at: usize) -> R<GroupRecord> {
    Ok(GroupRecord {
        seq: row.try_get(at)?,
        pool_id: row.try_get(at + 1)?,
        name: row.try_get(at + 2)?,
        version: row.try_get(at + 3)?,
        doc: json_value(row.try_get::<_, &str>(at + 4)?)?,
    })
}

pub async fn insert_group<C: GenericClient>(c: &C, stamp: Stamp, group: &GroupRecord) -> R<GroupRecord> {
    // No check that the pool exists: the foreign key does it (a missing pool is NotFound).
    history::check_pause(c, &stamp, &group.pool_id).await?;
    let rows = query(
        c,
        "INSERT INTO groups (pool_id, name, version, doc) VALUES ($1, $2, 1, $3) RETURNING seq",
        &[&group.pool_id, &group.name, &json_text(&group.doc)?],
    )
    .await?;
    history::absent(c, &stamp, &group.pool_id, kind::GROUP, &group.name).await?;
    Ok(GroupRecord { seq: rows[0].try_get(0)?, version: 1, ..group.clone() })
}

pub async fn get_group<C: GenericClient>(c: &C, pool_id: &str, name: &str) -> R<GroupRecord> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.name = $2");
    match query_opt(c, &sql, &[&pool_id, &name]).await? {
        Some(row) => group_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn update_group<C: GenericClient>(c: &C, stamp: Stamp, group: &GroupRecord) -> R<GroupRecord> {
    history::check_pause(c, &stamp, &group.pool_id).await?;
    history::group_before(c, &stamp, &group.pool_id, &group.name).await?;
    let changed = execute(
        c,
        "UPDATE groups SET doc = $1, version = version + 1 WHERE seq = $2 AND version = $3",
        &[&json_text(&group.doc)?, &group.seq, &group.version],
    )
    .await?;
    if changed == 0 {
        get_group(c, &group.pool_id, &group.name).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    Ok(GroupRecord { version: group.version + 1, ..group.clone() })
}

pub async fn delete_group<C: GenericClient>(c: &C, stamp: Stamp, pool_id: &str, name: &str) -> R<()> {
    history::check_pause(c, &stamp, pool_id).await?;
    if stamp.keep {
        let seq = group_seq(c, pool_id, name).await?;
        history::memberships_before(c, &stamp, pool_id, false, seq).await?;
        history::group_before(c, &stamp, pool_id, name).await?;
    }
    exactly_one(execute(c, "DELETE FROM groups WHERE pool_id = $1 AND name = $2", &[&pool_id, &name]).await?)
}

pub async fn list_groups<C: GenericClient>(c: &C, pool_id: &str, after: i64, limit: usize) -> R<Page<GroupRecord>> {
    let sql =
        format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.seq > $2 ORDER BY g.seq LIMIT $3");
    let rows = query(c, &sql, &[&pool_id, &after, &fetch(limit)]).await?;
    let items = rows.iter().map(group_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |g| g.seq))
}

async fn group_seq<C: GenericClient>(c: &C, pool_id: &str, name: &str) -> R<i64> {
    match query_opt(c, "SELECT seq FROM groups WHERE pool_id = $1 AND name = $2", &[&pool_id, &name]).await? {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn add_member<C: GenericClient>(c: &C, stamp: Stamp, pool_id: &str, group: &str, user_key: &str) -> R<()> {
    let (group_seq, user) = (group_seq(c, pool_id, group).await?, user_seq(c, pool_id, user_key).await?);
    history::check_pause(c, &stamp, pool_id).await?;
    let sql = "INSERT INTO memberships (group_seq, user_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    if execute(c, sql, &[&group_seq, &user]).await? == 1 {
        history::member_changed(c, &stamp, pool_id, group, user_key, false).await?;
    }
    Ok(())
}

pub async fn remove_member<C: GenericClient>(c: &C, stamp: Stamp, pool_id: &str, group: &str, user_key: &str) -> R<()> {
    let (group_seq, user) = (group_seq(c, pool_id, group).await?, user_seq(c, pool_id, user_key).await?);
    history::check_pause(c, &stamp, pool_id).await?;
    let sql = "DELETE FROM memberships WHERE group_seq = $1 AND user_seq = $2";
    if execute(c, sql, &[&group_seq, &user]).await? == 1 {
        history::member_changed(c, &stamp, pool_id, group, user_key, true).await?;
    }
    Ok(())
}

pub async fn list_user_groups<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> R<Page<GroupRecord>> {
    // One statement (one snapshot): no row when the user does not exist, one row of NULLs when
    // it belongs to no group (past `after`).
    let sql = format!(
        "SELECT u.seq, x.* FROM (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2) u
         LEFT JOIN LATERAL (
             SELECT {GROUP_COLUMNS} FROM memberships m JOIN groups g ON g.seq = m.group_seq
             WHERE m.user_seq = u.seq AND m.group_seq > $3 ORDER BY m.group_seq LIMIT $4
         ) x ON true
         ORDER BY x.seq"
    );
    let rows = query(c, &sql, &[&pool_id, &user_key, &after, &fetch(limit)]).await?;
    if rows.is_empty() {
        return Err(Fail::Store(StoreError::NotFound));
    }
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.try_get::<_, Option<i64>>(1)?.is_some() {
            items.push(group_row_at(row, 1)?);
        }
    }
    Ok(page(items, limit, |g| g.seq))
}

pub async fn list_group_members<C: GenericClient>(
    c: &C,
    pool_id: &str,
    group: &str,
    after: i64,
    limit: usize,
) -> R<Page<UserRecord>> {
    // As list_user_groups: one statement, no row for an unknown group.
    let sql = format!(
        "SELECT g.seq, x.* FROM (SELECT seq FROM groups WHERE pool_id = $1 AND name = $2) g
         LEFT JOIN LATERAL (
             SELECT {USER_COLUMNS} FROM memberships m JOIN users u ON u.seq = m.user_seq
             WHERE m.group_seq = g.seq AND m.user_seq > $3 ORDER BY m.user_seq LIMIT $4
         ) x ON true
         ORDER BY x.seq"
    );
    let rows = query(c, &sql, &[&pool_id, &group, &after, &fetch(limit)]).await?;
    if rows.is_empty() {
        return Err(Fail::Store(StoreError::NotFound));
    }
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.try_get::<_, Option<i64>>(1)?.is_some() {
            items.push(user_row_at(row, 1)?);
        }
    }
    Ok(page(items, limit, |u| u.seq))
}
