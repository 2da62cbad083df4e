//! What a point-in-time recovery reads and writes: history rows, and the changes a restore
//! applies in one transaction.

use super::records::{Alias, UserRecord};

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
    /// The record before the change (JSON, as `history::images` keeps them, or `{}` for a
    /// membership); `None` when it did not exist.
    pub before: Option<String>,
}

/// One change a recovery makes, applied with the others in one transaction by
/// [`Store::apply_restore`].
#[derive(Debug, Clone)]
pub enum RestoreChange {
    /// Makes the user `user.username_key` exactly this (inserted when absent), with `aliases`
    /// (taken from whoever holds them).
    PutUser {
        /// The user as it was.
        user: Box<UserRecord>,
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
