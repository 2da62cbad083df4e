//! Pool-owned resources, called directly on both backends through the typed view
//! (`store::resources`): keys unique per pool and kind, names unique per pool or across the
//! server, listing in creation order with cursors, optimistic updates, racing writers through
//! two instances, and the cascades of deleting a pool and of `reset`; and a database of the
//! previous schema whose pool secrets become resources.
//!
//! Every check runs on a real SQLite file (tempfile) and on a real PostgreSQL (a throwaway
//! server, see `pg/mod.rs`; without PostgreSQL on the machine that half prints SKIPPED). "Two
//! instances" are two stores opened on the same database.

mod common;

use cognito_idp_server::store::postgres::{PgOptions, PgStore, migrate};
use cognito_idp_server::store::resources::{self, Resource, Stored};
use cognito_idp_server::store::sqlite::{Location, SqliteStore, Synchronous};
use cognito_idp_server::store::*;
use common::pg::{self, Postgres};
use common::stores::on_both;
use serde::{Deserialize, Serialize};

const POOL: &str = "us-east-1_Resrc1";
const OTHER_POOL: &str = "us-east-1_Resrc2";

/// A kind shaped as a domain: keyed by its name, which must be unique across the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Domain {
    name: String,
    version: u32,
}

impl Resource for Domain {
    const KIND: &'static str = "test_domain";
    fn key(&self) -> String {
        self.name.clone()
    }
    fn unique_names(&self) -> Vec<UniqueName> {
        vec![UniqueName::server_wide("test_domain", &self.name)]
    }
}

/// A kind shaped as an identity provider: keyed by name, with identifiers unique in its pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Provider {
    name: String,
    identifiers: Vec<String>,
}

impl Resource for Provider {
    const KIND: &'static str = "test_provider";
    fn key(&self) -> String {
        self.name.clone()
    }
    fn unique_names(&self) -> Vec<UniqueName> {
        self.identifiers.iter().map(|i| UniqueName::in_pool("test_idp_identifier", i)).collect()
    }
}

/// A kind with no names beyond its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Note {
    id: u32,
    text: String,
}

impl Resource for Note {
    const KIND: &'static str = "test_note";
    fn key(&self) -> String {
        self.id.to_string()
    }
}

fn domain(name: &str) -> Domain {
    Domain { name: name.into(), version: 1 }
}

fn provider(name: &str, identifiers: &[&str]) -> Provider {
    Provider { name: name.into(), identifiers: identifiers.iter().map(|s| s.to_string()).collect() }
}

async fn pool<S: Store>(store: &S, id: &str) {
    let record = PoolRecord { seq: 0, id: id.into(), version: 0, doc: serde_json::json!({ "Id": id }) };
    store.insert_pool(record).await.unwrap();
}

// --- the two backends

// --- keys and names

async fn check_keys_and_names<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    pool(a, OTHER_POOL).await;

    let created = resources::create(a, POOL, domain("auth-one")).await.unwrap();
    assert_eq!((created.version, created.value.clone()), (1, domain("auth-one")));
    assert_eq!(resources::get::<S, Domain>(b, POOL, "auth-one").await.unwrap(), created);
    // The same key again in the pool: taken. The name is server-wide: taken in another pool too.
    let again = resources::create(b, POOL, domain("auth-one")).await.unwrap_err();
    assert_eq!(again, StoreError::ResourceExists);
    let elsewhere = resources::create(b, OTHER_POOL, domain("auth-one")).await.unwrap_err();
    assert_eq!(elsewhere, StoreError::NameTaken("test_domain".into()));
    // A missing pool.
    let nowhere = resources::create(a, "us-east-1_Nowhere", domain("auth-two")).await.unwrap_err();
    assert_eq!(nowhere, StoreError::NotFound);
    // The name finds its holder from any pool; a kind that does not match finds nothing.
    let name = UniqueName::server_wide("test_domain", "auth-one");
    assert_eq!(resources::find::<S, Domain>(b, &name, OTHER_POOL).await.unwrap().pool_id, POOL);
    assert_eq!(resources::find::<S, Note>(b, &name, POOL).await.unwrap_err(), StoreError::NotFound);
    let unknown = UniqueName::server_wide("test_domain", "auth-none");
    assert_eq!(resources::find::<S, Domain>(b, &unknown, POOL).await.unwrap_err(), StoreError::NotFound);

    // Per-pool names: unique within the pool, free in another; a failed insert leaves nothing.
    resources::create(a, POOL, provider("Google", &["example.com", "example.org"])).await.unwrap();
    let clash = resources::create(b, POOL, provider("Okta", &["example.net", "example.org"])).await.unwrap_err();
    assert_eq!(clash, StoreError::NameTaken("test_idp_identifier".into()));
    assert_eq!(resources::get::<S, Provider>(a, POOL, "Okta").await.unwrap_err(), StoreError::NotFound);
    let net = UniqueName::in_pool("test_idp_identifier", "example.net");
    assert_eq!(resources::find::<S, Provider>(a, &net, POOL).await.unwrap_err(), StoreError::NotFound);
    resources::create(b, OTHER_POOL, provider("Okta", &["example.org"])).await.unwrap();
    let org = UniqueName::in_pool("test_idp_identifier", "example.org");
    assert_eq!(resources::find::<S, Provider>(a, &org, POOL).await.unwrap().value.name, "Google");
    assert_eq!(resources::find::<S, Provider>(a, &org, OTHER_POOL).await.unwrap().value.name, "Okta");
    // Kinds do not share keys: a note "1" and a note-like key of another kind coexist.
    resources::create(a, POOL, Note { id: 1, text: "one".into() }).await.unwrap();
    resources::create(a, POOL, domain("1")).await.unwrap();

    // An update replaces the names: the old ones are free again, the new ones are checked.
    let mut google = resources::get::<S, Provider>(a, POOL, "Google").await.unwrap();
    google.value.identifiers = vec!["example.com".into(), "example.net".into()];
    let google = resources::update(a, google).await.unwrap();
    assert_eq!(google.version, 2);
    resources::create(b, POOL, provider("Okta", &["example.org"])).await.unwrap();
    let mut okta = resources::get::<S, Provider>(b, POOL, "Okta").await.unwrap();
    okta.value.identifiers.push("example.com".into());
    assert_eq!(resources::update(b, okta).await.unwrap_err(), StoreError::NameTaken("test_idp_identifier".into()));
    let okta = resources::get::<S, Provider>(b, POOL, "Okta").await.unwrap();
    assert_eq!((okta.version, okta.value.identifiers.clone()), (1, vec!["example.org".to_string()]));

    // Deleting frees the key and the names.
    resources::delete::<S, Domain>(b, POOL, "auth-one").await.unwrap();
    assert_eq!(resources::delete::<S, Domain>(b, POOL, "auth-one").await.unwrap_err(), StoreError::NotFound);
    resources::create(a, OTHER_POOL, domain("auth-one")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keys_are_unique_per_pool_and_kind_and_names_in_their_scope() {
    on_both!(check_keys_and_names);
}

// --- optimistic updates and races

async fn check_concurrency<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    let first = resources::create(a, POOL, Note { id: 7, text: "v1".into() }).await.unwrap();
    let mut stale = first.clone();
    let mut fresh = resources::get::<S, Note>(b, POOL, "7").await.unwrap();
    fresh.value.text = "v2".into();
    assert_eq!(resources::update(b, fresh).await.unwrap().version, 2);
    stale.value.text = "lost".into();
    assert_eq!(resources::update(a, stale).await.unwrap_err(), StoreError::Conflict);
    assert_eq!(resources::get::<S, Note>(a, POOL, "7").await.unwrap().value.text, "v2");
    let gone = Stored { pool_id: POOL.into(), seq: 0, version: 1, value: Note { id: 99, text: String::new() } };
    assert_eq!(resources::update(a, gone).await.unwrap_err(), StoreError::NotFound);

    // Sixteen writers through two instances each append to one note: none is lost.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let mut attempts = 0;
            loop {
                attempts += 1;
                let changed: Result<Stored<Note>, StoreError> =
                    resources::modify(&store, POOL, "7", |note: &mut Note| {
                        note.text.push_str(&format!(",{i}"));
                        Ok(())
                    })
                    .await;
                match changed {
                    Ok(_) => return,
                    Err(StoreError::Conflict) if attempts < 20 => continue,
                    Err(e) => panic!("writer {i}: {e}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let note = resources::get::<S, Note>(a, POOL, "7").await.unwrap();
    let mut written: Vec<u32> = note.value.text.split(',').skip(1).map(|n| n.parse().unwrap()).collect();
    written.sort();
    assert_eq!(written, (0..16).collect::<Vec<_>>());
    assert_eq!(note.version, 18);

    // Instances creating one resource at once: exactly one wins, and every caller of
    // create_or_get reads the winner.
    for round in 0..4u32 {
        let mut tasks = Vec::new();
        for i in 0..8u32 {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                let note = Note { id: 100 + round, text: format!("writer {i}") };
                resources::create_or_get(&store, POOL, note).await.unwrap().value.text
            }));
        }
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap());
        }
        let stored = resources::get::<S, Note>(a, POOL, &(100 + round).to_string()).await.unwrap().value.text;
        assert!(seen.iter().all(|t| *t == stored), "round {round}: {seen:?} but {stored}");
    }

    // One server-wide name wanted by resources of two pools at once: exactly one gets it.
    pool(a, OTHER_POOL).await;
    for round in 0..4 {
        let name = format!("contested-{round}");
        let (x, y) =
            tokio::join!(resources::create(a, POOL, domain(&name)), resources::create(b, OTHER_POOL, domain(&name)));
        let won = [x.is_ok(), y.is_ok()];
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "round {round}: {x:?} {y:?}");
        let lost = if x.is_ok() { y } else { x };
        assert_eq!(lost.unwrap_err(), StoreError::NameTaken("test_domain".into()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn updates_are_optimistic_and_racing_writers_have_one_outcome() {
    on_both!(check_concurrency);
}

// --- listing

async fn check_listing<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    pool(a, OTHER_POOL).await;
    for id in 0..25 {
        let store = if id % 2 == 0 { a } else { b };
        resources::create(store, POOL, Note { id, text: format!("n{id}") }).await.unwrap();
        if id % 5 == 0 {
            resources::create(store, OTHER_POOL, Note { id, text: "other".into() }).await.unwrap();
            resources::create(store, POOL, domain(&format!("d{id}"))).await.unwrap();
        }
    }
    // Pages of 10 in creation order, continued by the cursor through either instance.
    let mut seen = Vec::new();
    let mut after = 0;
    let mut pages = 0;
    loop {
        let store = if pages % 2 == 0 { a } else { b };
        let page = resources::list::<S, Note>(store, POOL, after, 10).await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 10);
        seen.extend(page.items.iter().map(|n| n.value.id));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..25).collect::<Vec<_>>());
    // A resource added after a page was read comes on a later page; one deleted is not listed.
    let first = resources::list::<S, Note>(a, POOL, 0, 10).await.unwrap();
    resources::create(b, POOL, Note { id: 500, text: "late".into() }).await.unwrap();
    resources::delete::<S, Note>(b, POOL, "15").await.unwrap();
    let mut rest = Vec::new();
    let mut after = first.next.unwrap();
    loop {
        let page = resources::list::<S, Note>(a, POOL, after, 10).await.unwrap();
        rest.extend(page.items.iter().map(|n| n.value.id));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(rest, (10..25).filter(|i| *i != 15).chain([500]).collect::<Vec<_>>());
    // Listings are per kind and per pool.
    let domains = resources::list::<S, Domain>(a, POOL, 0, 60).await.unwrap();
    assert_eq!(domains.items.len(), 5);
    assert_eq!(domains.next, None);
    assert_eq!(resources::list::<S, Note>(b, OTHER_POOL, 0, 60).await.unwrap().items.len(), 5);
    assert!(resources::list::<S, Provider>(b, POOL, 0, 60).await.unwrap().items.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn listings_page_in_creation_order_per_pool_and_kind() {
    on_both!(check_listing);
}

// --- cascades

async fn check_cascades<S: Store + Clone>(a: &S, b: &S) {
    pool(a, POOL).await;
    pool(a, OTHER_POOL).await;
    resources::create(a, POOL, domain("gone-with-pool")).await.unwrap();
    resources::create(a, POOL, provider("Google", &["example.com"])).await.unwrap();
    resources::create(a, OTHER_POOL, domain("stays")).await.unwrap();
    resources::create(a, OTHER_POOL, provider("Google", &["example.com"])).await.unwrap();

    // Deleting a pool deletes its resources and frees their names, and nothing of another pool.
    b.delete_pool(POOL).await.unwrap();
    pool(a, POOL).await;
    assert_eq!(resources::get::<S, Domain>(a, POOL, "gone-with-pool").await.unwrap_err(), StoreError::NotFound);
    assert!(resources::list::<S, Provider>(a, POOL, 0, 60).await.unwrap().items.is_empty());
    resources::create(a, OTHER_POOL, domain("gone-with-pool")).await.unwrap();
    assert_eq!(resources::get::<S, Domain>(b, OTHER_POOL, "stays").await.unwrap().value, domain("stays"));
    let com = UniqueName::in_pool("test_idp_identifier", "example.com");
    assert_eq!(resources::find::<S, Provider>(b, &com, OTHER_POOL).await.unwrap().pool_id, OTHER_POOL);

    // Reset deletes every resource and name.
    a.reset().await.unwrap();
    pool(a, OTHER_POOL).await;
    assert!(resources::list::<S, Domain>(b, OTHER_POOL, 0, 60).await.unwrap().items.is_empty());
    let stays = UniqueName::server_wide("test_domain", "stays");
    assert_eq!(resources::find::<S, Domain>(b, &stays, OTHER_POOL).await.unwrap_err(), StoreError::NotFound);
    resources::create(b, OTHER_POOL, domain("stays")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_pool_and_reset_delete_its_resources_and_free_their_names() {
    on_both!(check_cascades);
}

// --- upgrades: the pools' secrets of the previous schema become resources

/// The signing keys as the server stores them (`tokens::keys`): kind `secret`, key
/// `token_signing_keys`, the document a JSON string.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
struct SigningKeys(String);

impl Resource for SigningKeys {
    const KIND: &'static str = "secret";
    fn key(&self) -> String {
        "token_signing_keys".into()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_sqlite_file_of_schema_2_keeps_its_pools_signing_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        // A file as a server of schema 2 left it: made by this server, then its resource tables
        // replaced by version 2's table of secrets holding a pool's keys, its outbox without
        // version 4's columns, and without version 5's devices, version 7's session columns,
        // version 8's events, version 9's passkeys and version 10's history.
        let store = SqliteStore::open(Location::File(path.clone()), Synchronous::Full).unwrap();
        pool(&store, POOL).await;
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE resource_names; DROP TABLE resources; DROP TABLE devices; DROP TABLE auth_events; DROP TABLE passkeys; DROP TABLE history;
             CREATE TABLE pool_secrets (
                 pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
                 name    TEXT NOT NULL,
                 value   TEXT NOT NULL,
                 PRIMARY KEY (pool_id, name)
             );
             INSERT INTO pool_secrets VALUES ('us-east-1_Resrc1', 'token_signing_keys', '{\"version\":1,\"access\":\"QQ==\"}');
             ALTER TABLE outbox DROP COLUMN message;
             ALTER TABLE outbox DROP COLUMN subject;
             ALTER TABLE token_families DROP COLUMN session_id;
             ALTER TABLE token_families DROP COLUMN created_ms;
             ALTER TABLE token_families DROP COLUMN last_active_ms;
             ALTER TABLE token_families DROP COLUMN session_doc;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(Location::File(path.clone()), Synchronous::Full).unwrap();
    let keys = resources::get::<_, SigningKeys>(&store, POOL, "token_signing_keys").await.unwrap();
    assert_eq!(keys.value.0, "{\"version\":1,\"access\":\"QQ==\"}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, cognito_idp_server::store::sqlite::SCHEMA_VERSION, "migrated to the current version");
    let left: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'pool_secrets'", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "the old table is gone");
    // And the migrated keys go with their pool.
    store.delete_pool(POOL).await.unwrap();
    pool(&store, POOL).await;
    assert!(resources::get::<_, SigningKeys>(&store, POOL, "token_signing_keys").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_database_of_schema_3_keeps_its_pools_signing_keys() {
    let Some(postgres) = Postgres::shared() else { return };
    let url = postgres.create_database().await;
    let options = PgOptions { url: url.clone(), ..PgOptions::default() };
    assert_eq!(migrate(&options, 3).await.unwrap(), 0);
    let db = pg::connect(&url).await;
    db.batch_execute(
        "INSERT INTO pools (id, version, doc) VALUES ('us-east-1_Resrc1', 1, '{}');
         INSERT INTO pool_secrets VALUES ('us-east-1_Resrc1', 'token_signing_keys', 'keys \"quoted\"');",
    )
    .await
    .unwrap();
    let store = PgStore::open(&options).await.unwrap();
    let keys = resources::get::<_, SigningKeys>(&store, POOL, "token_signing_keys").await.unwrap();
    assert_eq!(keys.value.0, "keys \"quoted\"");
    let left = db.query_one("SELECT to_regclass('pool_secrets')::text", &[]).await.unwrap();
    assert_eq!(left.get::<_, Option<String>>(0), None, "the old table is gone");
    // Applying version 4 again (its record taken back by hand) changes nothing.
    db.batch_execute("DELETE FROM cognito_migrations WHERE version = 4").await.unwrap();
    let store = PgStore::open(&options).await.unwrap();
    assert_eq!(
        resources::get::<_, SigningKeys>(&store, POOL, "token_signing_keys").await.unwrap().value.0,
        keys.value.0
    );
}
