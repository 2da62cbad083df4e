//! Every SQL statement of the SQLite store. Each function runs inside the caller's transaction
//! (writes) or on a reader connection (reads).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::store::api::*;
use crate::store::history::{Stamp, kind};

mod devices;
mod events;
pub mod history;
mod passkeys;
mod resources;
mod signin;
pub use devices::{delete_device, get_device, insert_device, list_devices, update_device};
pub use events::{get_auth_event, insert_auth_event, list_auth_events, update_auth_event};
pub use passkeys::{delete_passkey, get_passkey, insert_passkey, list_passkeys, update_passkey};
pub use resources::{
    delete_resource, find_resource, get_resource, insert_resource, list_resources, list_resources_of_kind,
    update_resource,
};
pub use signin::*;

/// A database failure, for the caller an internal error.
pub(super) fn db_error(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn json_text(value: &impl serde::Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn json_value<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Maps a constraint violation to `violation`, anything else to a database error.
fn constraint(e: rusqlite::Error, violation: StoreError) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => violation,
        _ => db_error(e),
    }
}

fn exactly_one(changed: usize) -> StoreResult<()> {
    if changed == 1 { Ok(()) } else { Err(StoreError::NotFound) }
}

fn page<T>(mut items: Vec<T>, limit: usize, seq: impl Fn(&T) -> i64) -> Page<T> {
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(&seq)
    } else {
        None
    };
    Page { items, next }
}

fn pool_exists(conn: &Connection, id: &str) -> StoreResult<()> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT 1 FROM pools WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(db_error)?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

// --- pools

fn pool_row(row: &Row) -> rusqlite::Result<PoolRecord> {
    Ok(PoolRecord {
        seq: row.get(0)?,
        id: row.get(1)?,
        version: row.get(2)?,
        doc: json_value(&row.get::<_, String>(3)?)?,
    })
}

pub fn insert_pool(conn: &Connection, mut pool: PoolRecord) -> StoreResult<PoolRecord> {
    conn.prepare_cached("INSERT INTO pools (id, version, doc) VALUES (?1, 1, ?2)")
        .and_then(|mut s| s.execute(params![pool.id, json_text(&pool.doc)?]))
        .map_err(|e| constraint(e, StoreError::Conflict))?;
    pool.seq = conn.last_insert_rowid();
    pool.version = 1;
    Ok(pool)
}

pub fn get_pool(conn: &Connection, id: &str) -> StoreResult<PoolRecord> {
    conn.prepare_cached("SELECT seq, id, version, doc FROM pools WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], pool_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn pool_version(conn: &Connection, id: &str) -> StoreResult<(i64, i64)> {
    conn.prepare_cached("SELECT seq, version FROM pools WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn update_pool(conn: &Connection, mut pool: PoolRecord) -> StoreResult<PoolRecord> {
    let changed = conn
        .prepare_cached("UPDATE pools SET doc = ?1, version = version + 1 WHERE id = ?2 AND version = ?3")
        .and_then(|mut s| s.execute(params![json_text(&pool.doc)?, pool.id, pool.version]))
        .map_err(db_error)?;
    if changed == 0 {
        get_pool(conn, &pool.id)?;
        return Err(StoreError::Conflict);
    }
    pool.version += 1;
    Ok(pool)
}

pub fn delete_pool(conn: &Connection, id: &str) -> StoreResult<()> {
    // Memberships, aliases and codes go through the users' and groups' cascades; sessions and
    // secrets through the pool's; token families, refresh tokens and failures through users'.
    conn.prepare_cached("DELETE FROM outbox WHERE pool_id = ?1").and_then(|mut s| s.execute([id])).map_err(db_error)?;
    let changed =
        conn.prepare_cached("DELETE FROM pools WHERE id = ?1").and_then(|mut s| s.execute([id])).map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_pools(conn: &Connection, after: i64, limit: usize) -> StoreResult<Page<PoolRecord>> {
    let items = conn
        .prepare_cached("SELECT seq, id, version, doc FROM pools WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .and_then(|mut s| s.query_map(params![after, limit as i64 + 1], pool_row)?.collect::<Result<Vec<_>, _>>())
        .map_err(db_error)?;
    Ok(page(items, limit, |p| p.seq))
}

pub fn count_users(conn: &Connection, pool_id: &str) -> StoreResult<i64> {
    conn.prepare_cached("SELECT count(*) FROM users WHERE pool_id = ?1")
        .and_then(|mut s| s.query_row([pool_id], |r| r.get(0)))
        .map_err(db_error)
}

// --- clients

fn client_row(row: &Row) -> rusqlite::Result<ClientRecord> {
    Ok(ClientRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        id: row.get(2)?,
        version: row.get(3)?,
        doc: json_value(&row.get::<_, String>(4)?)?,
    })
}

const CLIENT_COLUMNS: &str = "seq, pool_id, id, version, doc";

pub fn insert_client(conn: &Connection, mut client: ClientRecord) -> StoreResult<ClientRecord> {
    pool_exists(conn, &client.pool_id)?;
    conn.prepare_cached("INSERT INTO clients (pool_id, id, version, doc) VALUES (?1, ?2, 1, ?3)")
        .and_then(|mut s| s.execute(params![client.pool_id, client.id, json_text(&client.doc)?]))
        .map_err(|e| constraint(e, StoreError::Conflict))?;
    client.seq = conn.last_insert_rowid();
    client.version = 1;
    Ok(client)
}

pub fn get_client(conn: &Connection, pool_id: &str, id: &str) -> StoreResult<ClientRecord> {
    conn.prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?1 AND pool_id = ?2"))
        .and_then(|mut s| s.query_row([id, pool_id], client_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn find_client(conn: &Connection, id: &str) -> StoreResult<ClientRecord> {
    conn.prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], client_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn update_client(conn: &Connection, mut client: ClientRecord) -> StoreResult<ClientRecord> {
    let changed = conn
        .prepare_cached(
            "UPDATE clients SET doc = ?1, version = version + 1 WHERE id = ?2 AND pool_id = ?3 AND version = ?4",
        )
        .and_then(|mut s| s.execute(params![json_text(&client.doc)?, client.id, client.pool_id, client.version]))
        .map_err(db_error)?;
    if changed == 0 {
        get_client(conn, &client.pool_id, &client.id)?;
        return Err(StoreError::Conflict);
    }
    client.version += 1;
    Ok(client)
}

pub fn delete_client(conn: &Connection, pool_id: &str, id: &str) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("DELETE FROM clients WHERE id = ?1 AND pool_id = ?2")
        .and_then(|mut s| s.execute([id, pool_id]))
        .map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_clients(conn: &Connection, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<ClientRecord>> {
    let items = conn
        .prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE pool_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![pool_id, after, limit as i64 + 1], client_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |c| c.seq))
}

// --- users

const USER_COLUMNS: &str = "u.seq, u.pool_id, u.username, u.username_key, u.sub, u.version, u.status, u.enabled, u.created_ms, u.modified_ms, u.doc";

fn user_row(row: &Row) -> rusqlite::Result<UserRecord> {
    let mut user: UserRecord = json_value(&row.get::<_, String>(10)?)?;
    user.seq = row.get(0)?;
    user.pool_id = row.get(1)?;
    user.username = row.get(2)?;
    user.username_key = row.get(3)?;
    user.sub = row.get(4)?;
    user.version = row.get(5)?;
    user.status = row.get(6)?;
    user.enabled = row.get(7)?;
    user.created_ms = row.get(8)?;
    user.modified_ms = row.get(9)?;
    Ok(user)
}

fn user_where(conn: &Connection, clause: &str, pool_id: &str, value: &str) -> StoreResult<UserRecord> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = ?1 AND {clause}"))
        .and_then(|mut s| s.query_row([pool_id, value], user_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn get_user(conn: &Connection, pool_id: &str, key: &str) -> StoreResult<UserRecord> {
    user_where(conn, "u.username_key = ?2", pool_id, key)
}

pub fn get_user_by_sub(conn: &Connection, pool_id: &str, sub: &str) -> StoreResult<UserRecord> {
    user_where(conn, "u.sub = ?2", pool_id, sub)
}

pub fn get_user_by_alias(conn: &Connection, pool_id: &str, alias: &Alias) -> StoreResult<UserRecord> {
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM aliases a JOIN users u ON u.seq = a.user_seq
         WHERE a.pool_id = ?1 AND a.kind = ?2 AND a.key = ?3"
    ))
    .and_then(|mut s| s.query_row([pool_id, &alias.kind, &alias.key], user_row).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

fn filter_values(user: &UserRecord) -> [Option<&str>; 6] {
    FILTER_COLUMNS.map(|column| user.attribute(column))
}

pub fn insert_user(
    conn: &Connection,
    stamp: Stamp,
    mut user: UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
    outbox: &[OutboxMessage],
) -> StoreResult<UserRecord> {
    pool_exists(conn, &user.pool_id)?;
    history::check_pause(conn, &stamp, &user.pool_id)?;
    let [email, phone, name, given, family, preferred] = filter_values(&user);
    conn.prepare_cached(
        "INSERT INTO users (pool_id, username, username_key, sub, version, status, enabled, created_ms, modified_ms,
                            email, phone_number, name, given_name, family_name, preferred_username, doc)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )
    .and_then(|mut s| {
        s.execute(params![
            user.pool_id,
            user.username,
            user.username_key,
            user.sub,
            user.status,
            user.enabled,
            user.created_ms,
            user.modified_ms,
            email,
            phone,
            name,
            given,
            family,
            preferred,
            json_text(&user)?
        ])
    })
    .map_err(|e| constraint(e, StoreError::UsernameExists))?;
    user.seq = conn.last_insert_rowid();
    user.version = 1;
    history::absent(conn, &stamp, &user.pool_id, kind::USER, &user.username_key)?;
    claim_aliases(conn, &user, aliases, on_conflict)?;
    insert_outbox(conn, outbox)?;
    Ok(user)
}

/// Makes `aliases` exactly the user's aliases.
fn claim_aliases(
    conn: &Connection,
    user: &UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM aliases WHERE user_seq = ?1")
        .and_then(|mut s| s.execute([user.seq]))
        .map_err(db_error)?;
    for alias in aliases {
        if on_conflict == AliasConflict::Take {
            conn.prepare_cached("DELETE FROM aliases WHERE pool_id = ?1 AND kind = ?2 AND key = ?3")
                .and_then(|mut s| s.execute([&user.pool_id, &alias.kind, &alias.key]))
                .map_err(db_error)?;
        }
        conn.prepare_cached("INSERT INTO aliases (pool_id, kind, key, user_seq) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![user.pool_id, alias.kind, alias.key, user.seq]))
            .map_err(|e| constraint(e, StoreError::AliasExists(alias.kind.clone())))?;
    }
    Ok(())
}

pub fn update_user(
    conn: &Connection,
    stamp: Stamp,
    mut user: UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
    outbox: &[OutboxMessage],
) -> StoreResult<UserRecord> {
    history::check_pause(conn, &stamp, &user.pool_id)?;
    // Appended before the update and rolled back with it when the version is stale.
    history::user_before(conn, &stamp, &user.pool_id, &user.username_key)?;
    let [email, phone, name, given, family, preferred] = filter_values(&user);
    let changed = conn
        .prepare_cached(
            "UPDATE users SET version = version + 1, status = ?1, enabled = ?2, modified_ms = ?3, email = ?4,
                 phone_number = ?5, name = ?6, given_name = ?7, family_name = ?8, preferred_username = ?9, doc = ?10
             WHERE seq = ?11 AND version = ?12",
        )
        .and_then(|mut s| {
            s.execute(params![
                user.status,
                user.enabled,
                user.modified_ms,
                email,
                phone,
                name,
                given,
                family,
                preferred,
                json_text(&user)?,
                user.seq,
                user.version
            ])
        })
        .map_err(db_error)?;
    if changed == 0 {
        get_user(conn, &user.pool_id, &user.username_key)?;
        return Err(StoreError::Conflict);
    }
    user.version += 1;
    claim_aliases(conn, &user, aliases, on_conflict)?;
    insert_outbox(conn, outbox)?;
    Ok(user)
}

pub fn delete_user(conn: &Connection, stamp: Stamp, pool_id: &str, key: &str) -> StoreResult<()> {
    history::check_pause(conn, &stamp, pool_id)?;
    if stamp.keep {
        let seq = user_seq(conn, pool_id, key)?;
        history::memberships_before(conn, &stamp, pool_id, "user_seq", seq)?;
        history::user_before(conn, &stamp, pool_id, key)?;
    }
    // Its token families (with their tokens) and failure counters go by cascade.
    delete_user_sessions(conn, pool_id, key)?;
    let changed = conn
        .prepare_cached("DELETE FROM users WHERE pool_id = ?1 AND username_key = ?2")
        .and_then(|mut s| s.execute([pool_id, key]))
        .map_err(db_error)?;
    exactly_one(changed)
}

/// The smallest string greater than every string starting with `prefix` (for a range scan on
/// an index), or `None` when no such bound is needed.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

pub fn list_users(
    conn: &Connection,
    pool_id: &str,
    filter: Option<&UserFilter>,
    after: i64,
    limit: usize,
) -> StoreResult<Page<UserRecord>> {
    let fetch = limit as i64 + 1;
    let Some(filter) = filter else {
        let items = conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = ?1 AND u.seq > ?2 ORDER BY u.seq LIMIT ?3"
            ))
            .and_then(|mut s| s.query_map(params![pool_id, after, fetch], user_row)?.collect::<Result<Vec<_>, _>>())
            .map_err(db_error)?;
        return Ok(page(items, limit, |u| u.seq));
    };
    let column = match &filter.field {
        FilterField::Username => "u.username",
        FilterField::Sub => "u.sub",
        FilterField::Status => "u.status",
        FilterField::Enabled => "u.enabled",
        FilterField::Column(c) => c,
    };
    let value: rusqlite::types::Value = match &filter.field {
        FilterField::Enabled => (filter.value == "Enabled").into(),
        _ => filter.value.clone().into(),
    };
    let items = if filter.prefix && !matches!(filter.field, FilterField::Enabled) {
        // A range on the column's index rather than LIKE, which SQLite will not use an index
        // for here (and which would treat `%` and `_` in the value as wildcards).
        let sql = match prefix_end(&filter.value) {
            Some(_) => format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = ?1 AND {column} >= ?2 AND {column} < ?3
                 AND u.seq > ?4 ORDER BY u.seq LIMIT ?5"
            ),
            None => format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = ?1 AND {column} >= ?2 AND ?3 IS NULL
                 AND u.seq > ?4 ORDER BY u.seq LIMIT ?5"
            ),
        };
        let end = prefix_end(&filter.value);
        conn.prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params![pool_id, filter.value, end, after, fetch], user_row)?.collect::<Result<Vec<_>, _>>()
            })
            .map_err(db_error)?
    } else {
        conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = ?1 AND {column} = ?2 AND u.seq > ?3
             ORDER BY u.seq LIMIT ?4"
        ))
        .and_then(|mut s| s.query_map(params![pool_id, value, after, fetch], user_row)?.collect::<Result<Vec<_>, _>>())
        .map_err(db_error)?
    };
    Ok(page(items, limit, |u| u.seq))
}

// --- groups

fn group_row(row: &Row) -> rusqlite::Result<GroupRecord> {
    Ok(GroupRecord {
        seq: row.get(0)?,
        pool_id: row.get(1)?,
        name: row.get(2)?,
        version: row.get(3)?,
        doc: json_value(&row.get::<_, String>(4)?)?,
    })
}

const GROUP_COLUMNS: &str = "g.seq, g.pool_id, g.name, g.version, g.doc";

pub fn insert_group(conn: &Connection, stamp: Stamp, mut group: GroupRecord) -> StoreResult<GroupRecord> {
    pool_exists(conn, &group.pool_id)?;
    history::check_pause(conn, &stamp, &group.pool_id)?;
    conn.prepare_cached("INSERT INTO groups (pool_id, name, version, doc) VALUES (?1, ?2, 1, ?3)")
        .and_then(|mut s| s.execute(params![group.pool_id, group.name, json_text(&group.doc)?]))
        .map_err(|e| constraint(e, StoreError::GroupExists))?;
    group.seq = conn.last_insert_rowid();
    group.version = 1;
    history::absent(conn, &stamp, &group.pool_id, kind::GROUP, &group.name)?;
    Ok(group)
}

pub fn get_group(conn: &Connection, pool_id: &str, name: &str) -> StoreResult<GroupRecord> {
    conn.prepare_cached(&format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = ?1 AND g.name = ?2"))
        .and_then(|mut s| s.query_row([pool_id, name], group_row).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn update_group(conn: &Connection, stamp: Stamp, mut group: GroupRecord) -> StoreResult<GroupRecord> {
    history::check_pause(conn, &stamp, &group.pool_id)?;
    history::group_before(conn, &stamp, &group.pool_id, &group.name)?;
    let changed = conn
        .prepare_cached("UPDATE groups SET doc = ?1, version = version + 1 WHERE seq = ?2 AND version = ?3")
        .and_then(|mut s| s.execute(params![json_text(&group.doc)?, group.seq, group.version]))
        .map_err(db_error)?;
    if changed == 0 {
        get_group(conn, &group.pool_id, &group.name)?;
        return Err(StoreError::Conflict);
    }
    group.version += 1;
    Ok(group)
}

pub fn delete_group(conn: &Connection, stamp: Stamp, pool_id: &str, name: &str) -> StoreResult<()> {
    history::check_pause(conn, &stamp, pool_id)?;
    if stamp.keep {
        let seq = group_seq(conn, pool_id, name)?;
        history::memberships_before(conn, &stamp, pool_id, "group_seq", seq)?;
        history::group_before(conn, &stamp, pool_id, name)?;
    }
    let changed = conn
        .prepare_cached("DELETE FROM groups WHERE pool_id = ?1 AND name = ?2")
        .and_then(|mut s| s.execute([pool_id, name]))
        .map_err(db_error)?;
    exactly_one(changed)
}

pub fn list_groups(conn: &Connection, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<GroupRecord>> {
    let items = conn
        .prepare_cached(&format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool_id = ?1 AND g.seq > ?2 ORDER BY g.seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![pool_id, after, limit as i64 + 1], group_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |g| g.seq))
}

pub(super) fn user_seq(conn: &Connection, pool_id: &str, key: &str) -> StoreResult<i64> {
    conn.prepare_cached("SELECT seq FROM users WHERE pool_id = ?1 AND username_key = ?2")
        .and_then(|mut s| s.query_row([pool_id, key], |r| r.get(0)).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

fn group_seq(conn: &Connection, pool_id: &str, name: &str) -> StoreResult<i64> {
    conn.prepare_cached("SELECT seq FROM groups WHERE pool_id = ?1 AND name = ?2")
        .and_then(|mut s| s.query_row([pool_id, name], |r| r.get(0)).optional())
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn add_member(conn: &Connection, stamp: Stamp, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
    let (group_seq, user) = (group_seq(conn, pool_id, group)?, user_seq(conn, pool_id, user_key)?);
    history::check_pause(conn, &stamp, pool_id)?;
    let added = conn
        .prepare_cached("INSERT OR IGNORE INTO memberships (group_seq, user_seq) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute([group_seq, user]))
        .map_err(db_error)?;
    if added == 1 {
        history::member_changed(conn, &stamp, pool_id, group, user_key, false)?;
    }
    Ok(())
}

pub fn remove_member(conn: &Connection, stamp: Stamp, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
    let (group_seq, user) = (group_seq(conn, pool_id, group)?, user_seq(conn, pool_id, user_key)?);
    history::check_pause(conn, &stamp, pool_id)?;
    let removed = conn
        .prepare_cached("DELETE FROM memberships WHERE group_seq = ?1 AND user_seq = ?2")
        .and_then(|mut s| s.execute([group_seq, user]))
        .map_err(db_error)?;
    if removed == 1 {
        history::member_changed(conn, &stamp, pool_id, group, user_key, true)?;
    }
    Ok(())
}

pub fn list_user_groups(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<GroupRecord>> {
    let user = user_seq(conn, pool_id, user_key)?;
    let items = conn
        .prepare_cached(&format!(
            "SELECT {GROUP_COLUMNS} FROM memberships m JOIN groups g ON g.seq = m.group_seq
             WHERE m.user_seq = ?1 AND m.group_seq > ?2 ORDER BY m.group_seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![user, after, limit as i64 + 1], group_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |g| g.seq))
}

pub fn list_group_members(
    conn: &Connection,
    pool_id: &str,
    group: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<UserRecord>> {
    let group = group_seq(conn, pool_id, group)?;
    let items = conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM memberships m JOIN users u ON u.seq = m.user_seq
             WHERE m.group_seq = ?1 AND m.user_seq > ?2 ORDER BY m.user_seq LIMIT ?3"
        ))
        .and_then(|mut s| {
            s.query_map(params![group, after, limit as i64 + 1], user_row)?.collect::<Result<Vec<_>, _>>()
        })
        .map_err(db_error)?;
    Ok(page(items, limit, |u| u.seq))
}

// --- codes

pub fn put_code(
    conn: &Connection,
    pool_id: &str,
    user_key: &str,
    purpose: &str,
    code: &CodeRecord,
    outbox: &[OutboxMessage],
) -> StoreResult<()> {
    let user = user_seq(conn, pool_id, user_key)?;
    conn.prepare_cached(
        "INSERT INTO codes (user_seq, purpose, hash, expires_ms, attempts) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_seq, purpose) DO UPDATE SET hash = ?3, expires_ms = ?4, attempts = ?5",
    )
    .and_then(|mut s| s.execute(params![user, purpose, code.hash, code.expires_ms, code.attempts]))
    .map_err(db_error)?;
    insert_outbox(conn, outbox)
}

pub fn get_code(conn: &Connection, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<CodeRecord> {
    let user = user_seq(conn, pool_id, user_key)?;
    conn.prepare_cached("SELECT hash, expires_ms, attempts FROM codes WHERE user_seq = ?1 AND purpose = ?2")
        .and_then(|mut s| {
            s.query_row(params![user, purpose], |r| {
                Ok(CodeRecord { hash: r.get(0)?, expires_ms: r.get(1)?, attempts: r.get(2)? })
            })
            .optional()
        })
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
}

pub fn code_failed(conn: &Connection, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<i64> {
    let user = user_seq(conn, pool_id, user_key)?;
    conn.prepare_cached(
        "UPDATE codes SET attempts = attempts + 1 WHERE user_seq = ?1 AND purpose = ?2 RETURNING attempts",
    )
    .and_then(|mut s| s.query_row(params![user, purpose], |r| r.get(0)).optional())
    .map_err(db_error)?
    .ok_or(StoreError::NotFound)
}

pub fn delete_code(conn: &Connection, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<()> {
    let user = user_seq(conn, pool_id, user_key)?;
    conn.prepare_cached("DELETE FROM codes WHERE user_seq = ?1 AND purpose = ?2")
        .and_then(|mut s| s.execute(params![user, purpose]))
        .map_err(db_error)?;
    Ok(())
}

// --- outbox, tags, settings

pub fn insert_outbox(conn: &Connection, messages: &[OutboxMessage]) -> StoreResult<()> {
    for m in messages {
        conn.prepare_cached(
            "INSERT INTO outbox (pool_id, username, kind, medium, destination, code, time_ms, message, subject)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut s| {
            s.execute(params![
                m.pool_id,
                m.username,
                m.kind,
                m.medium,
                m.destination,
                m.code,
                m.time_ms,
                m.message,
                m.subject
            ])
        })
        .map_err(db_error)?;
    }
    Ok(())
}

pub fn list_outbox(
    conn: &Connection,
    pool_id: Option<&str>,
    username: Option<&str>,
) -> StoreResult<Vec<OutboxMessage>> {
    conn.prepare_cached(
        "SELECT seq, pool_id, username, kind, medium, destination, code, time_ms, message, subject FROM outbox
         WHERE (?1 IS NULL OR pool_id = ?1) AND (?2 IS NULL OR username = ?2) ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map(params![pool_id, username], |r| {
            Ok(OutboxMessage {
                seq: r.get(0)?,
                pool_id: r.get(1)?,
                username: r.get(2)?,
                kind: r.get(3)?,
                medium: r.get(4)?,
                destination: r.get(5)?,
                code: r.get(6)?,
                time_ms: r.get(7)?,
                message: r.get(8)?,
                subject: r.get(9)?,
            })
        })?
        .collect()
    })
    .map_err(db_error)
}

pub fn tag(conn: &Connection, resource: &str, tags: &[(String, String)]) -> StoreResult<()> {
    for (key, value) in tags {
        conn.prepare_cached(
            "INSERT INTO tags (resource, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (resource, key) DO UPDATE SET value = ?3",
        )
        .and_then(|mut s| s.execute([resource, key, value]))
        .map_err(db_error)?;
    }
    Ok(())
}

pub fn untag(conn: &Connection, resource: &str, keys: &[String]) -> StoreResult<()> {
    for key in keys {
        conn.prepare_cached("DELETE FROM tags WHERE resource = ?1 AND key = ?2")
            .and_then(|mut s| s.execute([resource, key]))
            .map_err(db_error)?;
    }
    Ok(())
}

pub fn tags(conn: &Connection, resource: &str) -> StoreResult<Vec<(String, String)>> {
    conn.prepare_cached("SELECT key, value FROM tags WHERE resource = ?1 ORDER BY key")
        .and_then(|mut s| s.query_map([resource], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(db_error)
}

pub fn get_setting(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(db_error)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.prepare_cached("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2")
        .and_then(|mut s| s.execute([key, value]))
        .map_err(db_error)?;
    Ok(())
}

pub fn reset(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(RESET).map_err(db_error)?;
    conn.execute_batch(resources::RESET).map_err(db_error)?;
    conn.execute_batch(passkeys::RESET).map_err(db_error)?;
    conn.execute_batch(devices::RESET).map_err(db_error)?;
    conn.execute_batch(events::RESET).map_err(db_error)?;
    conn.execute_batch(history::RESET).map_err(db_error)?;
    conn.execute_batch(
        "DELETE FROM memberships; DELETE FROM codes; DELETE FROM aliases; DELETE FROM users; DELETE FROM groups;
         DELETE FROM clients; DELETE FROM pools; DELETE FROM outbox; DELETE FROM tags; DELETE FROM settings;",
    )
    .map_err(db_error)
}
