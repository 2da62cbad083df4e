//! The history point-in-time recovery reads: for every change of a pool's user data (a user, a
//! group, a membership), the record as it was *before* the change, appended by the write itself
//! in the same transaction, so history and data cannot diverge.
//!
//! Keeping the record before the change (not after) makes both reading and purging simple:
//! the state of a record at time `T` is the earliest history row after `T` for it, or, when it
//! has none, the record as it is now; and a row older than the retention period is never
//! needed again (no recovery point may precede it), so the purge deletes by age alone.
//!
//! While a recovery is under way the pool's user data is paused: the writes that keep history
//! answer [`StoreError::Paused`](super::StoreError::Paused) as long as the pool has a pause
//! marker whose `untilMs` is ahead (a resource of kind [`PAUSE_KIND`], written and removed by
//! the recovery handlers). The recovery's own writes go through
//! [`Store::apply_restore`](super::Store::apply_restore), which is not paused.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::api::{Alias, UserRecord};
use crate::clock::Clock;

/// The resource kind of a pool's pause marker (key [`PAUSE_KEY`]); its document holds
/// `untilMs`, when the pause ends unless the recovery lifts it earlier.
pub const PAUSE_KIND: &str = "pitr_pause";
/// The one key of a pool's pause marker: a second recovery cannot take it.
pub const PAUSE_KEY: &str = "pause";
/// AWS keeps recovery points for 14 days at most (the Plus feature plan).
pub const DEFAULT_RETENTION_MS: i64 = 14 * 24 * 3600 * 1000;

/// Whether and how the store keeps history: shared by every clone of a store.
#[derive(Clone, Default)]
pub struct History(Arc<Inner>);

struct Inner {
    off: AtomicBool,
    retention_ms: AtomicI64,
    clock: OnceLock<Clock>,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            off: AtomicBool::new(false),
            retention_ms: AtomicI64::new(DEFAULT_RETENTION_MS),
            clock: OnceLock::new(),
        }
    }
}

impl History {
    /// Sets what the store keeps: history on or off, for how long, and the clock that stamps
    /// it (the server's, so that `/_local/clock` moves history as it moves everything else).
    pub fn configure(&self, clock: Clock, enabled: bool, retention_ms: i64) {
        let _ = self.0.clock.set(clock);
        self.0.off.store(!enabled, Ordering::Relaxed);
        self.0.retention_ms.store(retention_ms.max(0), Ordering::Relaxed);
    }

    /// Whether writes keep history (and can be paused).
    pub fn enabled(&self) -> bool {
        !self.0.off.load(Ordering::Relaxed)
    }

    /// How long history is kept, in milliseconds.
    pub fn retention_ms(&self) -> i64 {
        self.0.retention_ms.load(Ordering::Relaxed)
    }

    /// The time history is stamped with now.
    pub fn now_ms(&self) -> i64 {
        match self.0.clock.get() {
            Some(clock) => clock.now_ms(),
            None => Clock::default().now_ms(),
        }
    }

    /// What a write of user data does about history and the pause, taken when it is queued.
    pub fn stamp(&self) -> Stamp {
        Stamp { now_ms: self.now_ms(), keep: self.enabled(), paused_check: self.enabled() }
    }

    /// The stamp of a recovery's own writes: history kept, never paused.
    pub fn restore_stamp(&self) -> Stamp {
        Stamp { paused_check: false, ..self.stamp() }
    }
}

/// What one write does about history: when it happens, whether it appends history, and
/// whether it is refused while its pool is paused.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    /// When the write happens (milliseconds since the epoch).
    pub now_ms: i64,
    /// Whether it appends the records it changes, as they were, to the history.
    pub keep: bool,
    /// Whether it answers `Paused` while its pool is paused.
    pub paused_check: bool,
}

/// What kind of record a history row is about.
pub mod kind {
    /// A user, keyed by its username key.
    pub const USER: &str = "user";
    /// A group, keyed by its name.
    pub const GROUP: &str = "group";
    /// A membership, keyed by [`member_key`](super::member_key).
    pub const MEMBER: &str = "member";
}

/// The history key of the membership of `user_key` in `group`.
pub fn member_key(group: &str, user_key: &str) -> String {
    format!("{group}\n{user_key}")
}

/// The group and user key of a membership's history key.
pub fn split_member_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('\n')
}

/// One history row: a record of a pool as it was just before a change at `at_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Store order.
    pub seq: i64,
    /// One of [`kind`].
    pub kind: String,
    /// The record's key within its kind.
    pub key: String,
    /// When the change happened.
    pub at_ms: i64,
    /// The record before the change (JSON, as [`UserImage`], [`GroupImage`] or `{}` for a
    /// membership); `None` when it did not exist.
    pub before: Option<String>,
}

/// A user as a history row keeps it: the stored columns and the document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserImage {
    /// The username as given.
    pub username: String,
    /// The `sub`.
    pub sub: String,
    /// The status.
    pub status: String,
    /// Enabled (SQLite writes 0 or 1, PostgreSQL a boolean).
    #[serde(deserialize_with = "flag")]
    pub enabled: bool,
    /// Created (milliseconds since the epoch).
    pub created_ms: i64,
    /// Last modified.
    pub modified_ms: i64,
    /// The stored document (attributes, password, `extra`).
    pub doc: UserRecord,
}

impl UserImage {
    /// The user record this image holds, for `pool_id` and `key`.
    pub fn into_record(self, pool_id: &str, key: &str) -> UserRecord {
        UserRecord {
            pool_id: pool_id.to_owned(),
            username: self.username,
            username_key: key.to_owned(),
            sub: self.sub,
            status: self.status,
            enabled: self.enabled,
            created_ms: self.created_ms,
            modified_ms: self.modified_ms,
            ..self.doc
        }
    }
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}

/// A group as a history row keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupImage {
    /// The `GroupType` document.
    pub doc: serde_json::Value,
}

/// One change a recovery makes, applied with the others in one transaction by
/// [`Store::apply_restore`](super::Store::apply_restore).
#[derive(Debug, Clone)]
pub enum RestoreChange {
    /// Makes the user `user.username_key` exactly this (inserted when absent), with `aliases`
    /// (taken from whoever holds them).
    PutUser {
        /// The user as it was.
        user: UserRecord,
        /// Its aliases.
        aliases: Vec<Alias>,
    },
    /// Deletes the user with this username key (its memberships go too).
    DeleteUser(String),
    /// Makes the group `name` hold `doc` (inserted when absent).
    PutGroup {
        /// The group's name.
        name: String,
        /// Its `GroupType` document.
        doc: serde_json::Value,
    },
    /// Deletes the group (its memberships go too).
    DeleteGroup(String),
    /// Adds the user (by username key) to the group.
    AddMember(String, String),
    /// Removes the user from the group.
    RemoveMember(String, String),
}

impl RestoreChange {
    /// The order changes are applied in: memberships and records that go first, then the
    /// records that come back, then their memberships.
    pub fn rank(&self) -> u8 {
        match self {
            RestoreChange::RemoveMember(..) => 0,
            RestoreChange::DeleteUser(_) => 1,
            RestoreChange::DeleteGroup(_) => 2,
            RestoreChange::PutGroup { .. } => 3,
            RestoreChange::PutUser { .. } => 4,
            RestoreChange::AddMember(..) => 5,
        }
    }
}
