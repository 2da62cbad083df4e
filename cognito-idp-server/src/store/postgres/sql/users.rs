//! The users' statements: users, their aliases and the `ListUsers` scans.

use super::*;

pub(super) const USER_COLUMNS: &str = "u.seq, u.pool_id, u.username, u.username_key, u.sub, u.version, u.status, u.enabled, u.created_ms, u.modified_ms, u.doc";

fn user_row(row: &Row) -> R<UserRecord> {
    user_row_at(row, 0)
}

/// A user from [`USER_COLUMNS`] starting at column `at`.
pub(super) fn user_row_at(row: &Row, at: usize) -> R<UserRecord> {
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

/// The `seq` of a user (what rows that belong to a user refer to).
pub(super) async fn user_seq<C: GenericClient>(c: &C, pool_id: &str, key: &str) -> R<i64> {
    match query_opt(c, "SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2", &[&pool_id, &key]).await? {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}
