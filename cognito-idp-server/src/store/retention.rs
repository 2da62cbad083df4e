//! How long the sign-in state outlives its expiry, and how much of it one write removes.
//!
//! Sessions, refresh tokens and token families end by time, but nothing deletes them when they
//! expire: writes that come anyway remove a bounded batch of long-expired rows (so no write is
//! slowed by a backlog, and no table grows for ever). The store does not know the time (the
//! server's clock can be moved through `/_local/clock`), so the horizon comes from the write
//! itself: a new session expires at most [`SESSION_TTL_MAX_MS`] after now, and a rotated
//! refresh token stops working now or at most a minute later. The server also purges every few
//! minutes with its own time (`Store::purge_expired`, started by `app.rs`), so the tables stay
//! bounded when no such writes come.

/// A session is removed once it expired this long ago.
const SESSION_KEPT_MS: i64 = 60 * 60_000;

/// The longest a session lives: `AuthSessionValidity` is 3 to 15 minutes.
const SESSION_TTL_MAX_MS: i64 = 15 * 60_000;

/// A refresh token, or a token family, is removed once it expired this long ago. A family must
/// outlive the access tokens issued from it (a day at most) for their revocation to hold, and
/// a refresh token kept a while past its expiry is answered "expired" rather than "invalid".
const REFRESH_KEPT_MS: i64 = 7 * 24 * 60 * 60_000;

/// Most rows of each table one purge removes.
pub(super) const PURGE_BATCH: i64 = 64;

/// Most rows of each table one periodic purge ([`Store::purge_expired`]) removes: a server
/// nobody signs in to through challenges or rotation still cleans up, in bounded steps.
///
/// [`Store::purge_expired`]: crate::store::Store::purge_expired
pub const PERIODIC_BATCH: i64 = 500;

/// Rows that expired before these times may go.
#[derive(Debug, Clone, Copy)]
pub(super) struct Horizon {
    /// Sessions expired before this.
    pub sessions: i64,
    /// Refresh tokens and families expired before this.
    pub refresh: i64,
}

impl Horizon {
    /// What may go when a session expiring at `expires_ms` is stored: the current time is at
    /// least `expires_ms - SESSION_TTL_MAX_MS`.
    pub(super) fn at_session(expires_ms: i64) -> Horizon {
        Horizon::at(expires_ms.saturating_sub(SESSION_TTL_MAX_MS))
    }

    /// What may go when a refresh token is rotated to stop at `old_expires_ms` (now, or now
    /// plus a grace period of at most a minute, which the margins dwarf).
    pub(super) fn at_rotation(old_expires_ms: i64) -> Horizon {
        Horizon::at(old_expires_ms)
    }

    /// What may go at `now_ms` (a periodic purge, which is given the server's time).
    pub(super) fn at_now(now_ms: i64) -> Horizon {
        Horizon::at(now_ms)
    }

    fn at(now_ms: i64) -> Horizon {
        Horizon { sessions: now_ms.saturating_sub(SESSION_KEPT_MS), refresh: now_ms.saturating_sub(REFRESH_KEPT_MS) }
    }
}
