//! Every SQL statement of the PostgreSQL store. Writes run inside the caller's transaction,
//! reads on a pooled connection (one statement, or a read-only transaction where a read takes
//! two). Statements are prepared once per connection (`prepare_cached`).

use std::borrow::Cow;

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

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

/// Why a statement failed: an answer the store gives (not found, taken...), or PostgreSQL's
/// error, which the caller maps (constraint names, retries, connection failures).
#[derive(Debug)]
pub enum Fail {
    /// A store answer.
    Store(StoreError),
    /// PostgreSQL (or the connection to it) failed.
    Pg(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Self {
        Fail::Pg(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

/// A statement's result.
pub type R<T> = Result<T, Fail>;

type Params<'a> = [&'a (dyn ToSql + Sync)];

async fn query<C: GenericClient>(c: &C, sql: &str, params: &Params<'_>) -> R<Vec<Row>> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.query(&statement, params).await?)
}

async fn query_opt<C: GenericClient>(c: &C, sql: &str, params: &Params<'_>) -> R<Option<Row>> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&statement, params).await?)
}

async fn execute<C: GenericClient>(c: &C, sql: &str, params: &Params<'_>) -> R<u64> {
    let statement = c.prepare_cached(sql).await?;
    Ok(c.execute(&statement, params).await?)
}

fn json_text(value: &impl serde::Serialize) -> R<String> {
    serde_json::to_string(value).map_err(|e| Fail::Store(StoreError::Database(format!("encoding a document: {e}"))))
}

fn json_value<T: serde::de::DeserializeOwned>(text: &str) -> R<T> {
    serde_json::from_str(text).map_err(|e| Fail::Store(StoreError::Database(format!("a stored document: {e}"))))
}

/// PostgreSQL's text cannot hold NUL, which attribute and tag values may contain (the model
/// does not forbid it): such text is kept with U+FFFD in its place, in the columns that only
/// search or list. Documents keep the exact value (JSON escapes NUL).
fn text(value: &str) -> Cow<'_, str> {
    if value.contains('\0') { Cow::Owned(value.replace('\0', "\u{FFFD}")) } else { Cow::Borrowed(value) }
}

fn exactly_one(changed: u64) -> R<()> {
    if changed == 1 { Ok(()) } else { Err(Fail::Store(StoreError::NotFound)) }
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

fn fetch(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX - 1).saturating_add(1)
}

// --- pools

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

// --- users

const USER_COLUMNS: &str = "u.seq, u.pool_id, u.username, u.username_key, u.sub, u.version, u.status, u.enabled, u.created_ms, u.modified_ms, u.doc";

fn user_row(row: &Row) -> R<UserRecord> {
    user_row_at(row, 0)
}

/// A user from [`USER_COLUMNS`] starting at column `at`.
fn user_row_at(row: &Row, at: usize) -> R<UserRecord> {
    let mut user: UserRecord = json_value(row.try_get::<_, &str>(at + 10)?)?;
    user.seq = row.try_get(at)?;
    user.pool_id = row.try_get(at + 1)?;
    user.username = row.try_get(at + 2)?;
    user.username_key = row.try_get(at + 3)?;
    user.sub = row.try_get(at + 4)?;
    user.version = row.try_get(at + 5)?;
    user.status = row.try_get(at + 6)?;
    user.enabled = row.try_get(at + 7)?;
    user.created_ms = row.try_get(at + 8)?;
    user.modified_ms = row.try_get(at + 9)?;
    Ok(user)
}

async fn one_user<C: GenericClient>(c: &C, sql: &str, params: &Params<'_>) -> R<UserRecord> {
    match query_opt(c, sql, params).await? {
        Some(row) => user_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn get_user<C: GenericClient>(c: &C, pool_id: &str, key: &str) -> R<UserRecord> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.username_key = $2");
    one_user(c, &sql, &[&pool_id, &key]).await
}

pub async fn get_user_by_sub<C: GenericClient>(c: &C, pool_id: &str, sub: &str) -> R<UserRecord> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.sub = $2");
    one_user(c, &sql, &[&pool_id, &sub]).await
}

pub async fn get_user_by_alias<C: GenericClient>(c: &C, pool_id: &str, alias: &Alias) -> R<UserRecord> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM aliases a JOIN users u ON u.seq = a.user_seq
         WHERE a.pool_id = $1 AND a.kind = $2 AND a.key = $3"
    );
    one_user(c, &sql, &[&pool_id, &alias.kind, &text(&alias.key)]).await
}

/// The searchable columns' values, in [`FILTER_COLUMNS`] order.
fn filter_values(user: &UserRecord) -> [Option<Cow<'_, str>>; 6] {
    FILTER_COLUMNS.map(|column| user.attribute(column).map(text))
}

pub async fn insert_user<C: GenericClient>(
    c: &C,
    stamp: Stamp,
    user: &UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
    outbox: &[OutboxMessage],
) -> R<UserRecord> {
    // No check that the pool exists: the foreign key does it (a missing pool is NotFound).
    history::check_pause(c, &stamp, &user.pool_id).await?;
    let [email, phone, name, given, family, preferred] = filter_values(user);
    let (email, phone, name) = (email.as_deref(), phone.as_deref(), name.as_deref());
    let (given, family, preferred) = (given.as_deref(), family.as_deref(), preferred.as_deref());
    let rows = query(
        c,
        "INSERT INTO users (pool_id, username, username_key, sub, version, status, enabled, created_ms, modified_ms,
                            email, phone_number, name, given_name, family_name, preferred_username, doc)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING seq",
        &[
            &user.pool_id,
            &user.username,
            &user.username_key,
            &user.sub,
            &user.status,
            &user.enabled,
            &user.created_ms,
            &user.modified_ms,
            &email,
            &phone,
            &name,
            &given,
            &family,
            &preferred,
            &json_text(user)?,
        ],
    )
    .await?;
    let stored = UserRecord { seq: rows[0].try_get(0)?, version: 1, ..user.clone() };
    history::absent(c, &stamp, &user.pool_id, kind::USER, &user.username_key).await?;
    claim_aliases(c, &stored, aliases, on_conflict, true).await?;
    insert_outbox(c, outbox).await?;
    Ok(stored)
}

/// Makes `aliases` exactly the user's aliases (a `new` user has none yet).
async fn claim_aliases<C: GenericClient>(
    c: &C,
    user: &UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
    new: bool,
) -> R<()> {
    if !new {
        execute(c, "DELETE FROM aliases WHERE user_seq = $1", &[&user.seq]).await?;
    }
    for alias in aliases {
        let key = text(&alias.key);
        let params: &Params = &[&user.pool_id, &alias.kind, &key, &user.seq];
        let result = match on_conflict {
            // One statement, so that two instances taking the same alias at once both succeed
            // in turn (the later one holds it), as they would one after the other.
            AliasConflict::Take => {
                execute(
                    c,
                    "INSERT INTO aliases (pool_id, kind, key, user_seq) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (pool_id, kind, key) DO UPDATE SET user_seq = EXCLUDED.user_seq",
                    params,
                )
                .await
            }
            AliasConflict::Fail => {
                execute(c, "INSERT INTO aliases (pool_id, kind, key, user_seq) VALUES ($1, $2, $3, $4)", params).await
            }
        };
        match result {
            Err(Fail::Pg(e)) if violated(&e) == Some("aliases_pkey") => {
                return Err(Fail::Store(StoreError::AliasExists(alias.kind.clone())));
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

pub async fn update_user<C: GenericClient>(
    c: &C,
    stamp: Stamp,
    user: &UserRecord,
    aliases: &[Alias],
    on_conflict: AliasConflict,
    outbox: &[OutboxMessage],
) -> R<UserRecord> {
    history::check_pause(c, &stamp, &user.pool_id).await?;
    // Appended before the update and rolled back with it when the version is stale.
    history::user_before(c, &stamp, &user.pool_id, &user.username_key).await?;
    let [email, phone, name, given, family, preferred] = filter_values(user);
    let (email, phone, name) = (email.as_deref(), phone.as_deref(), name.as_deref());
    let (given, family, preferred) = (given.as_deref(), family.as_deref(), preferred.as_deref());
    let changed = execute(
        c,
        "UPDATE users SET version = version + 1, status = $1, enabled = $2, modified_ms = $3, email = $4,
             phone_number = $5, name = $6, given_name = $7, family_name = $8, preferred_username = $9, doc = $10
         WHERE seq = $11 AND version = $12",
        &[
            &user.status,
            &user.enabled,
            &user.modified_ms,
            &email,
            &phone,
            &name,
            &given,
            &family,
            &preferred,
            &json_text(user)?,
            &user.seq,
            &user.version,
        ],
    )
    .await?;
    if changed == 0 {
        get_user(c, &user.pool_id, &user.username_key).await?;
        return Err(Fail::Store(StoreError::Conflict));
    }
    let stored = UserRecord { version: user.version + 1, ..user.clone() };
    claim_aliases(c, &stored, aliases, on_conflict, false).await?;
    insert_outbox(c, outbox).await?;
    Ok(stored)
}

pub async fn delete_user<C: GenericClient>(c: &C, stamp: Stamp, pool_id: &str, key: &str) -> R<()> {
    history::check_pause(c, &stamp, pool_id).await?;
    if stamp.keep {
        let seq = user_seq(c, pool_id, key).await?;
        history::memberships_before(c, &stamp, pool_id, true, seq).await?;
        history::user_before(c, &stamp, pool_id, key).await?;
    }
    // Its token families (with their tokens) and failure counters go by cascade.
    delete_user_sessions(c, pool_id, key).await?;
    exactly_one(execute(c, "DELETE FROM users WHERE pool_id = $1 AND username_key = $2", &[&pool_id, &key]).await?)
}

/// The smallest string greater than every string starting with `prefix` in code-point order
/// (for a range scan on a `COLLATE "C"` index), or `None` when no such bound exists.
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

pub async fn list_users<C: GenericClient>(
    c: &C,
    pool_id: &str,
    filter: Option<&UserFilter>,
    after: i64,
    limit: usize,
) -> R<Page<UserRecord>> {
    let fetch = fetch(limit);
    let Some(filter) = filter else {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.seq > $2 ORDER BY u.seq LIMIT $3");
        let rows = query(c, &sql, &[&pool_id, &after, &fetch]).await?;
        let items = rows.iter().map(user_row).collect::<R<Vec<_>>>()?;
        return Ok(page(items, limit, |u| u.seq));
    };
    let column = match &filter.field {
        FilterField::Username => "u.username",
        FilterField::Sub => "u.sub",
        FilterField::Status => "u.status",
        FilterField::Enabled => "u.enabled",
        // The names come from FILTER_COLUMNS, never from the request.
        FilterField::Column(name) => name,
    };
    let value = text(&filter.value);
    let rows = match &filter.field {
        FilterField::Enabled => {
            let enabled = filter.value == "Enabled";
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.enabled = $2 AND u.seq > $3
                 ORDER BY u.seq LIMIT $4"
            );
            query(c, &sql, &[&pool_id, &enabled, &after, &fetch]).await?
        }
        // A range on the column's index (its collation is "C", so this is code-point order)
        // rather than LIKE, which would treat `%` and `_` in the value as wildcards.
        _ if filter.prefix => match prefix_end(&value) {
            Some(end) => {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND {column} >= $2 AND {column} < $3
                     AND u.seq > $4 ORDER BY u.seq LIMIT $5"
                );
                query(c, &sql, &[&pool_id, &value, &end, &after, &fetch]).await?
            }
            None => {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND {column} >= $2
                     AND u.seq > $3 ORDER BY u.seq LIMIT $4"
                );
                query(c, &sql, &[&pool_id, &value, &after, &fetch]).await?
            }
        },
        _ => {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND {column} = $2 AND u.seq > $3
                 ORDER BY u.seq LIMIT $4"
            );
            query(c, &sql, &[&pool_id, &value, &after, &fetch]).await?
        }
    };
    let items = rows.iter().map(user_row).collect::<R<Vec<_>>>()?;
    Ok(page(items, limit, |u| u.seq))
}

// --- groups

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

pub(super) async fn user_seq<C: GenericClient>(c: &C, pool_id: &str, key: &str) -> R<i64> {
    match query_opt(c, "SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2", &[&pool_id, &key]).await? {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
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

// --- codes

pub async fn put_code<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    purpose: &str,
    code: &CodeRecord,
    outbox: &[OutboxMessage],
) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    execute(
        c,
        "INSERT INTO codes (user_seq, purpose, hash, expires_ms, attempts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_seq, purpose) DO UPDATE
         SET hash = EXCLUDED.hash, expires_ms = EXCLUDED.expires_ms, attempts = EXCLUDED.attempts",
        &[&user, &purpose, &code.hash, &code.expires_ms, &code.attempts],
    )
    .await?;
    insert_outbox(c, outbox).await
}

pub async fn get_code<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<CodeRecord> {
    // One statement: the user's existence and its code, as one snapshot.
    let row = query_opt(
        c,
        "SELECT u.seq, k.hash, k.expires_ms, k.attempts FROM users u
         LEFT JOIN codes k ON k.user_seq = u.seq AND k.purpose = $3
         WHERE u.pool_id = $1 AND u.username_key = $2",
        &[&pool_id, &user_key, &purpose],
    )
    .await?
    .ok_or(Fail::Store(StoreError::NotFound))?;
    let Some(hash) = row.try_get::<_, Option<String>>(1)? else {
        return Err(Fail::Store(StoreError::NotFound));
    };
    Ok(CodeRecord { hash, expires_ms: row.try_get(2)?, attempts: row.try_get(3)? })
}

pub async fn code_failed<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<i64> {
    // The row lock UPDATE takes makes concurrent wrong guesses (from any instance) count one
    // after the other.
    let row = query_opt(
        c,
        "UPDATE codes SET attempts = attempts + 1
         WHERE purpose = $3 AND user_seq = (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2)
         RETURNING attempts",
        &[&pool_id, &user_key, &purpose],
    )
    .await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn delete_code<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    execute(c, "DELETE FROM codes WHERE user_seq = $1 AND purpose = $2", &[&user, &purpose]).await?;
    Ok(())
}

// --- outbox, tags, settings

pub async fn insert_outbox<C: GenericClient>(c: &C, messages: &[OutboxMessage]) -> R<()> {
    for m in messages {
        execute(
            c,
            "INSERT INTO outbox (pool_id, username, kind, medium, destination, code, time_ms, message, subject)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &m.pool_id,
                &m.username,
                &m.kind,
                &m.medium,
                &text(&m.destination),
                &m.code,
                &m.time_ms,
                &m.message.as_deref().map(text),
                &m.subject.as_deref().map(text),
            ],
        )
        .await?;
    }
    Ok(())
}

pub async fn list_outbox<C: GenericClient>(
    c: &C,
    pool_id: Option<&str>,
    username: Option<&str>,
) -> R<Vec<OutboxMessage>> {
    let rows = query(
        c,
        "SELECT seq, pool_id, username, kind, medium, destination, code, time_ms, message, subject FROM outbox
         WHERE ($1::text IS NULL OR pool_id = $1) AND ($2::text IS NULL OR username = $2) ORDER BY seq",
        &[&pool_id, &username],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMessage {
                seq: r.try_get(0)?,
                pool_id: r.try_get(1)?,
                username: r.try_get(2)?,
                kind: r.try_get(3)?,
                medium: r.try_get(4)?,
                destination: r.try_get(5)?,
                code: r.try_get(6)?,
                time_ms: r.try_get(7)?,
                message: r.try_get(8)?,
                subject: r.try_get(9)?,
            })
        })
        .collect()
}

pub async fn tag<C: GenericClient>(c: &C, resource: &str, tags: &[(String, String)]) -> R<()> {
    for (key, value) in tags {
        execute(
            c,
            "INSERT INTO tags (resource, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (resource, key) DO UPDATE SET value = EXCLUDED.value",
            &[&resource, &text(key), &text(value)],
        )
        .await?;
    }
    Ok(())
}

pub async fn untag<C: GenericClient>(c: &C, resource: &str, keys: &[String]) -> R<()> {
    for key in keys {
        execute(c, "DELETE FROM tags WHERE resource = $1 AND key = $2", &[&resource, &text(key)]).await?;
    }
    Ok(())
}

pub async fn tags<C: GenericClient>(c: &C, resource: &str) -> R<Vec<(String, String)>> {
    let rows = query(c, "SELECT key, value FROM tags WHERE resource = $1 ORDER BY key", &[&resource]).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

pub async fn get_setting<C: GenericClient>(c: &C, key: &str) -> R<Option<String>> {
    match query_opt(c, "SELECT value FROM settings WHERE key = $1", &[&key]).await? {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

pub async fn set_setting<C: GenericClient>(c: &C, key: &str, value: &str) -> R<()> {
    execute(
        c,
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[&key, &text(value)],
    )
    .await?;
    Ok(())
}

pub async fn reset<C: GenericClient>(c: &C) -> R<()> {
    c.batch_execute(RESET).await?;
    c.batch_execute(resources::RESET).await?;
    c.batch_execute(passkeys::RESET).await?;
    c.batch_execute(devices::RESET).await?;
    c.batch_execute(events::RESET).await?;
    c.batch_execute(history::RESET).await?;
    c.batch_execute(
        "DELETE FROM memberships; DELETE FROM codes; DELETE FROM aliases; DELETE FROM users; DELETE FROM groups;
         DELETE FROM clients; DELETE FROM pools; DELETE FROM outbox; DELETE FROM tags; DELETE FROM settings;",
    )
    .await?;
    Ok(())
}

/// The constraint a unique violation broke, if `e` is one.
pub(super) fn violated(e: &tokio_postgres::Error) -> Option<&str> {
    let db = e.as_db_error()?;
    if *db.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION { db.constraint() } else { None }
}
