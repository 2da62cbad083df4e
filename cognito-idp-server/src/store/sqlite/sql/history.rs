//! History for point-in-time recovery (`store::history`): the rows the writes of user data
//! append, the pause they obey, and the recovery's own writes.

use rusqlite::{Connection, OptionalExtension, params};

use super::{db_error, get_group, get_user};
use crate::store::api::*;
use crate::store::history::{self, Stamp, kind, member_key};

/// [`StoreError::Paused`] while the pool is paused by a recovery (see `store::history`).
pub(super) fn check_pause(conn: &Connection, stamp: &Stamp, pool_id: &str) -> StoreResult<()> {
    if !stamp.paused_check {
        return Ok(());
    }
    let paused: Option<i64> = conn
        .prepare_cached(
            "SELECT 1 FROM resources WHERE pool_id = ?1 AND kind = ?2 AND key = ?3
                 AND json_extract(doc, '$.untilMs') > ?4",
        )
        .and_then(|mut s| {
            s.query_row(params![pool_id, history::PAUSE_KIND, history::PAUSE_KEY, stamp.now_ms], |r| r.get(0))
                .optional()
        })
        .map_err(db_error)?;
    if paused.is_some() { Err(StoreError::Paused) } else { Ok(()) }
}

/// Appends a row saying the record did not exist before now.
pub(super) fn absent(conn: &Connection, stamp: &Stamp, pool_id: &str, kind: &str, key: &str) -> StoreResult<()> {
    if !stamp.keep {
        return Ok(());
    }
    conn.prepare_cached("INSERT INTO history (pool_id, kind, key, at_ms, before) VALUES (?1, ?2, ?3, ?4, NULL)")
        .and_then(|mut s| s.execute(params![pool_id, kind, key, stamp.now_ms]))
        .map_err(db_error)?;
    Ok(())
}

/// Appends the user `key` as it is now (before the write changes it).
pub(super) fn user_before(conn: &Connection, stamp: &Stamp, pool_id: &str, key: &str) -> StoreResult<()> {
    if !stamp.keep {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO history (pool_id, kind, key, at_ms, before)
         SELECT pool_id, 'user', username_key, ?3,
                json_object('username', username, 'sub', sub, 'status', status, 'enabled', enabled,
                            'created_ms', created_ms, 'modified_ms', modified_ms, 'doc', json(doc))
         FROM users WHERE pool_id = ?1 AND username_key = ?2",
    )
    .and_then(|mut s| s.execute(params![pool_id, key, stamp.now_ms]))
    .map_err(db_error)?;
    Ok(())
}

/// Appends the group `name` as it is now.
pub(super) fn group_before(conn: &Connection, stamp: &Stamp, pool_id: &str, name: &str) -> StoreResult<()> {
    if !stamp.keep {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO history (pool_id, kind, key, at_ms, before)
         SELECT pool_id, 'group', name, ?3, json_object('doc', json(doc)) FROM groups WHERE pool_id = ?1 AND name = ?2",
    )
    .and_then(|mut s| s.execute(params![pool_id, name, stamp.now_ms]))
    .map_err(db_error)?;
    Ok(())
}

/// Appends the memberships of the user (by `user_seq`) or of the group (by `group_seq`) that a
/// deletion is about to take with it.
pub(super) fn memberships_before(
    conn: &Connection,
    stamp: &Stamp,
    pool_id: &str,
    column: &str,
    seq: i64,
) -> StoreResult<()> {
    if !stamp.keep {
        return Ok(());
    }
    let by = if column == "user_seq" { "m.user_seq" } else { "m.group_seq" };
    conn.prepare_cached(&format!(
        "INSERT INTO history (pool_id, kind, key, at_ms, before)
         SELECT ?1, 'member', g.name || char(10) || u.username_key, ?3, '{{}}'
         FROM memberships m JOIN groups g ON g.seq = m.group_seq JOIN users u ON u.seq = m.user_seq
         WHERE {by} = ?2"
    ))
    .and_then(|mut s| s.execute(params![pool_id, seq, stamp.now_ms]))
    .map_err(db_error)?;
    Ok(())
}

/// Appends one membership's state before it changed (`existed`).
pub(super) fn member_changed(
    conn: &Connection,
    stamp: &Stamp,
    pool_id: &str,
    group: &str,
    user_key: &str,
    existed: bool,
) -> StoreResult<()> {
    if !stamp.keep {
        return Ok(());
    }
    let before = existed.then_some("{}");
    conn.prepare_cached("INSERT INTO history (pool_id, kind, key, at_ms, before) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut s| s.execute(params![pool_id, kind::MEMBER, member_key(group, user_key), stamp.now_ms, before]))
        .map_err(db_error)?;
    Ok(())
}

/// The pool's history rows after `after_ms`, oldest first.
pub fn history_since(conn: &Connection, pool_id: &str, after_ms: i64) -> StoreResult<Vec<HistoryRow>> {
    conn.prepare_cached(
        "SELECT seq, kind, key, at_ms, before FROM history WHERE pool_id = ?1 AND at_ms > ?2 ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map(params![pool_id, after_ms], |r| {
            Ok(HistoryRow { seq: r.get(0)?, kind: r.get(1)?, key: r.get(2)?, at_ms: r.get(3)?, before: r.get(4)? })
        })?
        .collect()
    })
    .map_err(db_error)
}

/// Removes at most `limit` history rows older than `before_ms`; how many went.
pub fn purge(conn: &Connection, before_ms: i64, limit: i64) -> StoreResult<u64> {
    conn.prepare_cached("DELETE FROM history WHERE seq IN (SELECT seq FROM history WHERE at_ms < ?1 LIMIT ?2)")
        .and_then(|mut s| s.execute(params![before_ms, limit]))
        .map(|n| n as u64)
        .map_err(db_error)
}

/// Applies a recovery's changes (in [`RestoreChange::rank`] order), each appending history.
pub fn apply_restore(
    conn: &Connection,
    stamp: Stamp,
    pool_id: &str,
    mut changes: Vec<RestoreChange>,
) -> StoreResult<()> {
    changes.sort_by_key(RestoreChange::rank);
    for change in changes {
        match change {
            RestoreChange::RemoveMember(group, user_key) => {
                match super::remove_member(conn, stamp, pool_id, &group, &user_key) {
                    Ok(()) | Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            RestoreChange::DeleteUser(key) => match super::delete_user(conn, stamp, pool_id, &key) {
                Ok(()) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            },
            RestoreChange::DeleteGroup(name) => match super::delete_group(conn, stamp, pool_id, &name) {
                Ok(()) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            },
            RestoreChange::PutGroup { name, doc } => {
                let group = GroupRecord { seq: 0, pool_id: pool_id.to_owned(), name: name.clone(), version: 0, doc };
                match get_group(conn, pool_id, &name) {
                    Ok(current) => {
                        super::update_group(
                            conn,
                            stamp,
                            GroupRecord { seq: current.seq, version: current.version, ..group },
                        )?;
                    }
                    Err(StoreError::NotFound) => {
                        super::insert_group(conn, stamp, group)?;
                    }
                    Err(e) => return Err(e),
                }
            }
            RestoreChange::PutUser { user, aliases } => match get_user(conn, pool_id, &user.username_key) {
                Ok(current) => {
                    let user = UserRecord { seq: current.seq, version: current.version, ..*user };
                    super::update_user(conn, stamp, user, &aliases, AliasConflict::Take, &[])?;
                }
                Err(StoreError::NotFound) => {
                    super::insert_user(conn, stamp, *user, &aliases, AliasConflict::Take, &[])?;
                }
                Err(e) => return Err(e),
            },
            RestoreChange::AddMember(group, user_key) => {
                super::add_member(conn, stamp, pool_id, &group, &user_key)?;
            }
        }
    }
    Ok(())
}

/// Every history row (`reset`).
pub const RESET: &str = "DELETE FROM history;";
