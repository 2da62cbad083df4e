//! Storage: the one trait handlers talk to, its records, and its errors.
//!
//! The trait is deliberately small and record-shaped: pools, app clients, users and groups are
//! stored as documents (the API's own JSON types) beside the few columns that are looked up,
//! listed or kept unique. All behaviour lives in the handlers; a backend only has to keep
//! records, enforce uniqueness with its own constraints, and apply each call atomically.
//!
//! Nothing here assumes one process: uniqueness (usernames, subs, aliases, group and client
//! names) is the database's, updates are optimistic (a record carries the `version` it was read
//! at, and a write of a stale version fails with [`StoreError::Conflict`]), and paging cursors
//! are plain sequence numbers any instance can continue from.

mod api;
mod error;
pub mod history;
pub mod postgres;
mod records;
pub mod resources;
mod restore;
mod retention;
mod sign_in_state;
pub mod sqlite;
mod user_data;

pub use api::*;
pub use retention::PERIODIC_BATCH;
