//! Two stores on one database, for the tests that call the store directly on both backends:
//! "two instances" are two stores opened on the same SQLite file (each with its own writer
//! thread, locking the file as two processes would) or the same PostgreSQL schema.

use cognito_idp_server::clock::Clock;
use cognito_idp_server::domain::password::{Cost, Hasher};
use cognito_idp_server::state::{Cognito, Settings};
use cognito_idp_server::store::Store;
use cognito_idp_server::store::postgres::{PgOptions, PgStore};
use cognito_idp_server::store::sqlite::{Location, SqliteStore, Synchronous};

use super::pg::Postgres;

/// Two SQLite stores on one new file (kept while the directory lives).
pub fn sqlite_pair() -> (tempfile::TempDir, SqliteStore, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cognito.db");
    let a = SqliteStore::open(Location::File(path.clone()), Synchronous::Normal).unwrap();
    let b = SqliteStore::open(Location::File(path), Synchronous::Normal).unwrap();
    (dir, a, b)
}

/// Two PostgreSQL stores on one new schema; `None` (SKIPPED printed) without PostgreSQL.
pub async fn pg_pair() -> Option<(PgStore, PgStore)> {
    let url = Postgres::shared()?.create_schema().await;
    let options = PgOptions { url, ..PgOptions::default() };
    let a = PgStore::open(&options).await.unwrap();
    let b = PgStore::open(&options).await.unwrap();
    Some((a, b))
}

/// The handlers' state on `store` (an "instance" without HTTP), for calling handlers and the
/// helpers other modules use directly.
pub fn service<S: Store>(store: S) -> Cognito<S> {
    Cognito {
        store,
        settings: std::sync::Arc::new(Settings::default()),
        clock: Clock::default(),
        hasher: Hasher::new(Cost::DEV).unwrap(),
        pools: Default::default(),
        keys: Default::default(),
        triggers: Default::default(),
        limits: Default::default(),
        logs: Default::default(),
    }
}

/// Runs `$check(&a, &b)` on two SQLite stores, then on two PostgreSQL stores when there is a
/// PostgreSQL.
#[allow(unused_macros)]
macro_rules! on_both {
    ($check:ident) => {{
        let (_dir, a, b) = $crate::common::stores::sqlite_pair();
        $check(&a, &b).await;
        if let Some((a, b)) = $crate::common::stores::pg_pair().await {
            $check(&a, &b).await;
        }
    }};
}
#[allow(unused_imports)]
pub(crate) use on_both;
