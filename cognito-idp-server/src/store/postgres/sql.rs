//! Every SQL statement of the PostgreSQL store, one module per kind of record (re-exported
//! here), with the helpers they share. Writes run inside the caller's transaction, reads on a
//! pooled connection (one statement, or a read-only transaction where a read takes two).
//! Statements are prepared once per connection (`prepare_cached`).

use std::borrow::Cow;

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::store::api::*;
use crate::store::history::{Stamp, kind};

mod codes;
mod devices;
mod events;
mod groups;
pub mod history;
mod passkeys;
mod pools;
mod resources;
mod server_wide;
mod signin;
mod users;
pub use codes::*;
pub use devices::{delete_device, get_device, insert_device, list_devices, update_device};
pub use events::{get_auth_event, insert_auth_event, list_auth_events, update_auth_event};
pub use groups::*;
pub use passkeys::{delete_passkey, get_passkey, insert_passkey, list_passkeys, update_passkey};
pub use pools::*;
pub use resources::{
    delete_resource, find_resource, get_resource, insert_resource, list_resources, list_resources_of_kind,
    update_resource,
};
pub use server_wide::*;
pub use signin::*;
pub use users::*;

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
