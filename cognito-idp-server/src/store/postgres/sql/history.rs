//! History for point-in-time recovery (`store::history`), as the SQLite store keeps it: the
//! rows the writes of user data append, the pause they obey, and the recovery's own writes.

use deadpool_postgres::GenericClient;

use super::{Fail, R, execute, query, query_opt};
use crate::store::api::*;
use crate::store::history::{self, Stamp, kind, member_key};

/// [`StoreError::Paused`] while the pool is paused by a recovery.
pub(in crate::store::postgres) async fn check_pause<C: GenericClient>(c: &C, stamp: &Stamp, pool_id: &str) -> R<()> {
    if !stamp.paused_check {
        return Ok(());
    }
    let paused = query_opt(
        c,
        "SELECT 1 FROM resources WHERE pool_id = $1 AND kind = $2 AND key = $3
             AND (doc::jsonb ->> 'untilMs')::bigint > $4",
        &[&pool_id, &history::PAUSE_KIND, &history::PAUSE_KEY, &stamp.now_ms],
    )
    .await?;
    if paused.is_some() { Err(Fail::Store(StoreError::Paused)) } else { Ok(()) }
}

/// Appends a row saying the record did not exist before now.
pub(in crate::store::postgres) async fn absent<C: GenericClient>(
    c: &C,
    stamp: &Stamp,
    pool_id: &str,
    kind: &str,
    key: &str,
) -> R<()> {
    if stamp.keep {
        execute(
            c,
            "INSERT INTO history (pool_id, kind, key, at_ms, before) VALUES ($1, $2, $3, $4, NULL)",
            &[&pool_id, &kind, &key, &stamp.now_ms],
        )
        .await?;
    }
    Ok(())
}

/// Appends the user `key` as it is now (before the write changes it).
pub(in crate::store::postgres) async fn user_before<C: GenericClient>(
    c: &C,
    stamp: &Stamp,
    pool_id: &str,
    key: &str,
) -> R<()> {
    if stamp.keep {
        execute(
            c,
            "INSERT INTO history (pool_id, kind, key, at_ms, before)
             SELECT pool_id, 'user', username_key, $3,
                    json_build_object('username', username, 'sub', sub, 'status', status, 'enabled', enabled,
                                      'created_ms', created_ms, 'modified_ms', modified_ms, 'doc', doc::json)::text
             FROM users WHERE pool_id = $1 AND username_key = $2",
            &[&pool_id, &key, &stamp.now_ms],
        )
        .await?;
    }
    Ok(())
}

/// Appends the group `name` as it is now.
pub(in crate::store::postgres) async fn group_before<C: GenericClient>(
    c: &C,
    stamp: &Stamp,
    pool_id: &str,
    name: &str,
) -> R<()> {
    if stamp.keep {
        execute(
            c,
            "INSERT INTO history (pool_id, kind, key, at_ms, before)
             SELECT pool_id, 'group', name, $3, json_build_object('doc', doc::json)::text
             FROM groups WHERE pool_id = $1 AND name = $2",
            &[&pool_id, &name, &stamp.now_ms],
        )
        .await?;
    }
    Ok(())
}

/// Appends the memberships of the user (`by_user`) or group with `seq` that a deletion is about
/// to take with it.
pub(in crate::store::postgres) async fn memberships_before<C: GenericClient>(
    c: &C,
    stamp: &Stamp,
    pool_id: &str,
    by_user: bool,
    seq: i64,
) -> R<()> {
    if !stamp.keep {
        return Ok(());
    }
    let sql = if by_user {
        "INSERT INTO history (pool_id, kind, key, at_ms, before)
         SELECT $1, 'member', g.name || chr(10) || u.username_key, $3, '{}'
         FROM memberships m JOIN groups g ON g.seq = m.group_seq JOIN users u ON u.seq = m.user_seq
         WHERE m.user_seq = $2"
    } else {
        "INSERT INTO history (pool_id, kind, key, at_ms, before)
         SELECT $1, 'member', g.name || chr(10) || u.username_key, $3, '{}'
         FROM memberships m JOIN groups g ON g.seq = m.group_seq JOIN users u ON u.seq = m.user_seq
         WHERE m.group_seq = $2"
    };
    execute(c, sql, &[&pool_id, &seq, &stamp.now_ms]).await?;
    Ok(())
}

/// Appends one membership's state before it changed (`existed`).
pub(in crate::store::postgres) async fn member_changed<C: GenericClient>(
    c: &C,
    stamp: &Stamp,
    pool_id: &str,
    group: &str,
    user_key: &str,
    existed: bool,
) -> R<()> {
    if stamp.keep {
        let before = existed.then_some("{}");
        execute(
            c,
            "INSERT INTO history (pool_id, kind, key, at_ms, before) VALUES ($1, $2, $3, $4, $5)",
            &[&pool_id, &kind::MEMBER, &member_key(group, user_key), &stamp.now_ms, &before],
        )
        .await?;
    }
    Ok(())
}

/// The pool's history rows after `after_ms`, oldest first.
pub async fn history_since<C: GenericClient>(c: &C, pool_id: &str, after_ms: i64) -> R<Vec<HistoryRow>> {
    let rows = query(
        c,
        "SELECT seq, kind, key, at_ms, before FROM history WHERE pool_id = $1 AND at_ms > $2 ORDER BY seq",
        &[&pool_id, &after_ms],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryRow {
                seq: r.try_get(0)?,
                kind: r.try_get(1)?,
                key: r.try_get(2)?,
                at_ms: r.try_get(3)?,
                before: r.try_get(4)?,
            })
        })
        .collect()
}

/// Removes at most `limit` history rows older than `before_ms`; how many went.
pub async fn purge<C: GenericClient>(c: &C, before_ms: i64, limit: i64) -> R<u64> {
    execute(
        c,
        "DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE at_ms < $1 LIMIT $2)",
        &[&before_ms, &limit],
    )
    .await
}

/// Skips a change that found nothing to do.
fn tolerate_missing(result: R<()>) -> R<()> {
    match result {
        Err(Fail::Store(StoreError::NotFound)) => Ok(()),
        other => other,
    }
}

/// Applies a recovery's changes (in [`RestoreChange::rank`] order), each appending history.
pub async fn apply_restore<C: GenericClient>(
    c: &C,
    stamp: Stamp,
    pool_id: &str,
    mut changes: Vec<RestoreChange>,
) -> R<()> {
    changes.sort_by_key(RestoreChange::rank);
    for change in changes {
        match change {
            RestoreChange::RemoveMember(group, user_key) => {
                tolerate_missing(super::remove_member(c, stamp, pool_id, &group, &user_key).await)?;
            }
            RestoreChange::DeleteUser(key) => tolerate_missing(super::delete_user(c, stamp, pool_id, &key).await)?,
            RestoreChange::DeleteGroup(name) => {
                tolerate_missing(super::delete_group(c, stamp, pool_id, &name).await)?;
            }
            RestoreChange::PutGroup { name, doc } => {
                let group = GroupRecord { seq: 0, pool_id: pool_id.to_owned(), name: name.clone(), version: 0, doc };
                match super::get_group(c, pool_id, &name).await {
                    Ok(current) => {
                        let group = GroupRecord { seq: current.seq, version: current.version, ..group };
                        super::update_group(c, stamp, &group).await?;
                    }
                    Err(Fail::Store(StoreError::NotFound)) => {
                        super::insert_group(c, stamp, &group).await?;
                    }
                    Err(e) => return Err(e),
                }
            }
            RestoreChange::PutUser { user, aliases } => match super::get_user(c, pool_id, &user.username_key).await {
                Ok(current) => {
                    let user = UserRecord { seq: current.seq, version: current.version, ..*user };
                    super::update_user(c, stamp, &user, &aliases, AliasConflict::Take, &[]).await?;
                }
                Err(Fail::Store(StoreError::NotFound)) => {
                    super::insert_user(c, stamp, &user, &aliases, AliasConflict::Take, &[]).await?;
                }
                Err(e) => return Err(e),
            },
            RestoreChange::AddMember(group, user_key) => {
                super::add_member(c, stamp, pool_id, &group, &user_key).await?;
            }
        }
    }
    Ok(())
}

/// Every history row (`reset`).
pub const RESET: &str = "DELETE FROM history;";
