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
//! [`Store::apply_restore`](super::Store::apply_restore), which is not paused. How the rows
//! keep records is [`images`].

pub mod images;

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

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
