//! Why a store call fails.

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The record (or the pool it belongs to) does not exist.
    #[error("not found")]
    NotFound,
    /// A user with the same username key already exists in the pool.
    #[error("username exists")]
    UsernameExists,
    /// Another user of the pool holds the alias (kind, e.g. `email`).
    #[error("alias {0} exists")]
    AliasExists(String),
    /// A group with the same name already exists in the pool.
    #[error("group exists")]
    GroupExists,
    /// A resource of the same kind and key already exists in the pool.
    #[error("resource exists")]
    ResourceExists,
    /// Another resource holds one of the unique names of a resource being written: the name's
    /// scope (e.g. `domain`).
    #[error("{0} taken")]
    NameTaken(String),
    /// The record changed since it was read (optimistic concurrency); read again and retry.
    #[error("conflict")]
    Conflict,
    /// The pool's user data is paused by a point-in-time recovery (`store::history`): writes
    /// of users, groups and memberships wait until it ends.
    #[error("paused by a recovery")]
    Paused,
    /// The database failed (I/O, corruption, unavailable): an internal error for the caller.
    #[error("database: {0}")]
    Database(String),
}

/// A store result.
pub type StoreResult<T> = Result<T, StoreError>;
