//! The SQLite store: one file in WAL mode, one writer thread that commits in groups, and a
//! small pool of reader connections.
//!
//! Why a writer thread: SQLite takes one writer at a time, and with `synchronous=FULL` every
//! commit waits for an fsync (about 4 ms on this project's machines). The writer takes every
//! write queued while the previous commit was syncing and applies them in one transaction,
//! each inside a savepoint so a failing write rolls back alone; the callers hear back only
//! after the commit, so a 200 answer always means the write is on disk. One fsync then serves
//! many requests (group commit), which is what makes durable writes fast.

mod schema;
/// The schema version this server writes (`PRAGMA user_version` of a migrated file).
pub use schema::CURRENT as SCHEMA_VERSION;
mod sql;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use self::sql::db_error;
use super::api::*;
use super::history::History;

/// How SQLite syncs commits to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// fsync the WAL at every commit: nothing acknowledged is lost, even on power loss.
    #[default]
    Full,
    /// fsync only at checkpoints: safe against a crash of the process, while a power loss can
    /// lose the last commits.
    Normal,
}

/// Where the database lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// A file (created if missing).
    File(PathBuf),
    /// Memory only: gone when the process ends.
    Memory,
}

type Done = Box<dyn FnOnce(StoreResult<()>) + Send>;
/// A write: given the connection (or `None` when no transaction could be begun, so that it
/// only reports the failure), it runs and says whether it succeeded, and hands back what
/// answers its caller once the commit's outcome is known.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Done) + Send>;

/// Most writes one transaction takes: bounds the latency a write can add to those after it.
const MAX_BATCH: usize = 256;

/// The SQLite implementation of [`Store`].
#[derive(Clone)]
pub struct SqliteStore {
    writer: mpsc::Sender<Job>,
    readers: Option<Arc<Readers>>,
    history: History,
}

struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating and migrating as needed) the database at `location`.
    pub fn open(location: Location, synchronous: Synchronous) -> StoreResult<SqliteStore> {
        let (path, mut conn) = match &location {
            Location::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Database(format!("creating {}: {e}", dir.display())))?;
                }
                (Some(path.clone()), Connection::open(path).map_err(db_error)?)
            }
            Location::Memory => (None, Connection::open_in_memory().map_err(db_error)?),
        };
        configure(&conn, synchronous)?;
        schema::migrate(&mut conn)?;
        let (writer, jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(conn, jobs))
            .map_err(|e| StoreError::Database(format!("starting the writer: {e}")))?;
        let readers = path.map(|path| Arc::new(Readers { path, idle: Mutex::new(Vec::new()) }));
        Ok(SqliteStore { writer, readers, history: History::default() })
    }

    /// Runs `f` in the writer's transaction; resolves after the commit.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Some(conn) => f(conn),
                None => Err(StoreError::Database("no transaction could be begun".into())),
            };
            let ok = result.is_ok();
            let done: Done = Box::new(move |commit| {
                let _ = tx.send(commit.and(result));
            });
            (ok, done)
        });
        self.writer.send(job).map_err(|_| StoreError::Database("the writer has stopped".into()))?;
        rx.await.unwrap_or_else(|_| Err(StoreError::Database("the writer has stopped".into())))
    }

    /// Runs `f` on a reader connection (WAL readers see every committed write and never block
    /// the writer); in memory, on the writer.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let Some(readers) = &self.readers else {
            return self.write(f).await;
        };
        let readers = readers.clone();
        tokio::task::spawn_blocking(move || readers.run(f))
            .await
            .unwrap_or_else(|e| Err(StoreError::Database(format!("reader failed: {e}"))))
    }

    /// A point read (one row by key, a few microseconds in SQLite) run on the calling thread:
    /// handing it to a blocking thread and back cost more than the read itself. WAL readers
    /// never wait for the writer, so this does not stall the async worker. Listings, whose cost
    /// grows with the data, go through [`read`](Self::read).
    async fn point_read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        match &self.readers {
            Some(readers) => readers.run(f),
            None => self.write(f).await,
        }
    }
}

impl Readers {
    /// Runs `f` on an idle reader connection (opening one if none is idle).
    fn run<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = match self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        let result = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < 16 {
            idle.push(conn);
        }
        result
    }
}

fn configure(conn: &Connection, synchronous: Synchronous) -> StoreResult<()> {
    conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
    let sync = match synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync).map_err(db_error)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(db_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db_error)?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

fn open_reader(path: &Path) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(db_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db_error)?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// The writer: takes the jobs queued so far, runs each in a savepoint of one transaction,
/// commits once, then answers them all.
fn write_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut done = Vec::with_capacity(batch.len());
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error) {
            tracing::error!(error = %e, "beginning a write transaction failed");
            for job in batch {
                let (_, finish) = job(None);
                finish(Err(e.clone()));
            }
            continue;
        }
        for job in batch {
            // A job whose savepoint cannot be taken is not run: it could not roll back alone.
            if conn.execute_batch("SAVEPOINT job").is_err() {
                done.push(job(None).1);
                continue;
            }
            let (ok, finish) = job(Some(&conn));
            let end = if ok { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
            if let Err(e) = conn.execute_batch(end) {
                tracing::error!(error = %e, "ending a savepoint failed");
            }
            done.push(finish);
        }
        let committed = conn.execute_batch("COMMIT").map_err(db_error);
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for finish in done {
            finish(committed.clone());
        }
    }
}

impl Store for SqliteStore {
    async fn insert_pool(&self, pool: PoolRecord) -> StoreResult<PoolRecord> {
        self.write(move |c| sql::insert_pool(c, pool)).await
    }
    async fn get_pool(&self, id: &str) -> StoreResult<PoolRecord> {
        let id = id.to_owned();
        self.point_read(move |c| sql::get_pool(c, &id)).await
    }
    async fn pool_version(&self, id: &str) -> StoreResult<(i64, i64)> {
        let id = id.to_owned();
        self.point_read(move |c| sql::pool_version(c, &id)).await
    }
    async fn update_pool(&self, pool: PoolRecord) -> StoreResult<PoolRecord> {
        self.write(move |c| sql::update_pool(c, pool)).await
    }
    async fn delete_pool(&self, id: &str) -> StoreResult<()> {
        let id = id.to_owned();
        self.write(move |c| sql::delete_pool(c, &id)).await
    }
    async fn list_pools(&self, after: i64, limit: usize) -> StoreResult<Page<PoolRecord>> {
        self.read(move |c| sql::list_pools(c, after, limit)).await
    }
    async fn count_users(&self, pool_id: &str) -> StoreResult<i64> {
        let pool_id = pool_id.to_owned();
        self.read(move |c| sql::count_users(c, &pool_id)).await
    }

    async fn insert_client(&self, client: ClientRecord) -> StoreResult<ClientRecord> {
        self.write(move |c| sql::insert_client(c, client)).await
    }
    async fn get_client(&self, pool_id: &str, id: &str) -> StoreResult<ClientRecord> {
        let (pool_id, id) = (pool_id.to_owned(), id.to_owned());
        self.point_read(move |c| sql::get_client(c, &pool_id, &id)).await
    }
    async fn find_client(&self, id: &str) -> StoreResult<ClientRecord> {
        let id = id.to_owned();
        self.point_read(move |c| sql::find_client(c, &id)).await
    }
    async fn update_client(&self, client: ClientRecord) -> StoreResult<ClientRecord> {
        self.write(move |c| sql::update_client(c, client)).await
    }
    async fn delete_client(&self, pool_id: &str, id: &str) -> StoreResult<()> {
        let (pool_id, id) = (pool_id.to_owned(), id.to_owned());
        self.write(move |c| sql::delete_client(c, &pool_id, &id)).await
    }
    async fn list_clients(&self, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<ClientRecord>> {
        let pool_id = pool_id.to_owned();
        self.read(move |c| sql::list_clients(c, &pool_id, after, limit)).await
    }

    async fn insert_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<UserRecord> {
        let stamp = self.history.stamp();
        self.write(move |c| sql::insert_user(c, stamp, user, &aliases, on_conflict, &outbox)).await
    }
    async fn get_user(&self, pool_id: &str, key: &str) -> StoreResult<UserRecord> {
        let (pool_id, key) = (pool_id.to_owned(), key.to_owned());
        self.point_read(move |c| sql::get_user(c, &pool_id, &key)).await
    }
    async fn get_user_by_alias(&self, pool_id: &str, alias: &Alias) -> StoreResult<UserRecord> {
        let (pool_id, alias) = (pool_id.to_owned(), alias.clone());
        self.point_read(move |c| sql::get_user_by_alias(c, &pool_id, &alias)).await
    }
    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<UserRecord> {
        let (pool_id, sub) = (pool_id.to_owned(), sub.to_owned());
        self.point_read(move |c| sql::get_user_by_sub(c, &pool_id, &sub)).await
    }
    async fn update_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<UserRecord> {
        let stamp = self.history.stamp();
        self.write(move |c| sql::update_user(c, stamp, user, &aliases, on_conflict, &outbox)).await
    }
    async fn delete_user(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        let (pool_id, key) = (pool_id.to_owned(), key.to_owned());
        let stamp = self.history.stamp();
        self.write(move |c| sql::delete_user(c, stamp, &pool_id, &key)).await
    }
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<UserFilter>,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<UserRecord>> {
        let pool_id = pool_id.to_owned();
        self.read(move |c| sql::list_users(c, &pool_id, filter.as_ref(), after, limit)).await
    }

    async fn insert_group(&self, group: GroupRecord) -> StoreResult<GroupRecord> {
        let stamp = self.history.stamp();
        self.write(move |c| sql::insert_group(c, stamp, group)).await
    }
    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<GroupRecord> {
        let (pool_id, name) = (pool_id.to_owned(), name.to_owned());
        self.point_read(move |c| sql::get_group(c, &pool_id, &name)).await
    }
    async fn update_group(&self, group: GroupRecord) -> StoreResult<GroupRecord> {
        let stamp = self.history.stamp();
        self.write(move |c| sql::update_group(c, stamp, group)).await
    }
    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let (pool_id, name) = (pool_id.to_owned(), name.to_owned());
        let stamp = self.history.stamp();
        self.write(move |c| sql::delete_group(c, stamp, &pool_id, &name)).await
    }
    async fn list_groups(&self, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<GroupRecord>> {
        let pool_id = pool_id.to_owned();
        self.read(move |c| sql::list_groups(c, &pool_id, after, limit)).await
    }
    async fn add_member(&self, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
        let (pool_id, group, user_key) = (pool_id.to_owned(), group.to_owned(), user_key.to_owned());
        let stamp = self.history.stamp();
        self.write(move |c| sql::add_member(c, stamp, &pool_id, &group, &user_key)).await
    }
    async fn remove_member(&self, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
        let (pool_id, group, user_key) = (pool_id.to_owned(), group.to_owned(), user_key.to_owned());
        let stamp = self.history.stamp();
        self.write(move |c| sql::remove_member(c, stamp, &pool_id, &group, &user_key)).await
    }
    async fn list_user_groups(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<GroupRecord>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::list_user_groups(c, &pool_id, &user_key, after, limit)).await
    }
    async fn list_group_members(
        &self,
        pool_id: &str,
        group: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<UserRecord>> {
        let (pool_id, group) = (pool_id.to_owned(), group.to_owned());
        self.read(move |c| sql::list_group_members(c, &pool_id, &group, after, limit)).await
    }

    async fn put_code(
        &self,
        pool_id: &str,
        user_key: &str,
        purpose: &str,
        code: CodeRecord,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<()> {
        let (pool_id, user_key, purpose) = (pool_id.to_owned(), user_key.to_owned(), purpose.to_owned());
        self.write(move |c| sql::put_code(c, &pool_id, &user_key, &purpose, &code, &outbox)).await
    }
    async fn get_code(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<CodeRecord> {
        let (pool_id, user_key, purpose) = (pool_id.to_owned(), user_key.to_owned(), purpose.to_owned());
        self.point_read(move |c| sql::get_code(c, &pool_id, &user_key, &purpose)).await
    }
    async fn code_failed(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<i64> {
        let (pool_id, user_key, purpose) = (pool_id.to_owned(), user_key.to_owned(), purpose.to_owned());
        self.write(move |c| sql::code_failed(c, &pool_id, &user_key, &purpose)).await
    }
    async fn delete_code(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<()> {
        let (pool_id, user_key, purpose) = (pool_id.to_owned(), user_key.to_owned(), purpose.to_owned());
        self.write(move |c| sql::delete_code(c, &pool_id, &user_key, &purpose)).await
    }

    async fn insert_resource(&self, resource: ResourceRecord) -> StoreResult<ResourceRecord> {
        self.write(move |c| sql::insert_resource(c, resource)).await
    }
    async fn get_resource(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<ResourceRecord> {
        let (pool_id, kind, key) = (pool_id.to_owned(), kind.to_owned(), key.to_owned());
        self.point_read(move |c| sql::get_resource(c, &pool_id, &kind, &key)).await
    }
    async fn find_resource(&self, name: &UniqueName, pool_id: &str) -> StoreResult<ResourceRecord> {
        let (name, pool_id) = (name.clone(), pool_id.to_owned());
        self.point_read(move |c| sql::find_resource(c, &name, &pool_id)).await
    }
    async fn update_resource(&self, resource: ResourceRecord) -> StoreResult<ResourceRecord> {
        self.write(move |c| sql::update_resource(c, resource)).await
    }
    async fn delete_resource(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<()> {
        let (pool_id, kind, key) = (pool_id.to_owned(), kind.to_owned(), key.to_owned());
        self.write(move |c| sql::delete_resource(c, &pool_id, &kind, &key)).await
    }
    async fn list_resources(
        &self,
        pool_id: &str,
        kind: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<ResourceRecord>> {
        let (pool_id, kind) = (pool_id.to_owned(), kind.to_owned());
        self.read(move |c| sql::list_resources(c, &pool_id, &kind, after, limit)).await
    }
    async fn insert_device(&self, device: DeviceRecord) -> StoreResult<DeviceRecord> {
        self.write(move |c| sql::insert_device(c, device)).await
    }
    async fn get_device(&self, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<DeviceRecord> {
        let (pool_id, user_key, device_key) = (pool_id.to_owned(), user_key.to_owned(), device_key.to_owned());
        self.point_read(move |c| sql::get_device(c, &pool_id, &user_key, &device_key)).await
    }
    async fn update_device(&self, device: DeviceRecord) -> StoreResult<DeviceRecord> {
        self.write(move |c| sql::update_device(c, device)).await
    }
    async fn delete_device(&self, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<()> {
        let (pool_id, user_key, device_key) = (pool_id.to_owned(), user_key.to_owned(), device_key.to_owned());
        self.write(move |c| sql::delete_device(c, &pool_id, &user_key, &device_key)).await
    }
    async fn insert_auth_event(&self, event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
        self.write(move |c| sql::insert_auth_event(c, event)).await
    }
    async fn get_auth_event(&self, pool_id: &str, user_key: &str, event_id: &str) -> StoreResult<AuthEventRecord> {
        let (pool_id, user_key, event_id) = (pool_id.to_owned(), user_key.to_owned(), event_id.to_owned());
        self.point_read(move |c| sql::get_auth_event(c, &pool_id, &user_key, &event_id)).await
    }
    async fn update_auth_event(&self, event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
        self.write(move |c| sql::update_auth_event(c, event)).await
    }
    async fn list_auth_events(
        &self,
        pool_id: &str,
        user_key: &str,
        before: i64,
        limit: usize,
    ) -> StoreResult<Page<AuthEventRecord>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::list_auth_events(c, &pool_id, &user_key, before, limit)).await
    }
    async fn list_devices(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<DeviceRecord>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::list_devices(c, &pool_id, &user_key, after, limit)).await
    }
    async fn insert_passkey(&self, passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
        self.write(move |c| sql::insert_passkey(c, passkey)).await
    }
    async fn get_passkey(&self, pool_id: &str, user_key: &str, credential_id: &str) -> StoreResult<PasskeyRecord> {
        let (pool_id, user_key, credential_id) = (pool_id.to_owned(), user_key.to_owned(), credential_id.to_owned());
        self.point_read(move |c| sql::get_passkey(c, &pool_id, &user_key, &credential_id)).await
    }
    async fn update_passkey(&self, passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
        self.write(move |c| sql::update_passkey(c, passkey)).await
    }
    async fn delete_passkey(&self, pool_id: &str, user_key: &str, credential_id: &str) -> StoreResult<()> {
        let (pool_id, user_key, credential_id) = (pool_id.to_owned(), user_key.to_owned(), credential_id.to_owned());
        self.write(move |c| sql::delete_passkey(c, &pool_id, &user_key, &credential_id)).await
    }
    async fn list_passkeys(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<PasskeyRecord>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::list_passkeys(c, &pool_id, &user_key, after, limit)).await
    }
    async fn list_resources_of_kind(&self, kind: &str, after: i64, limit: usize) -> StoreResult<Page<ResourceRecord>> {
        let kind = kind.to_owned();
        self.read(move |c| sql::list_resources_of_kind(c, &kind, after, limit)).await
    }
    async fn put_session(&self, session: SessionRecord, outbox: Vec<OutboxMessage>) -> StoreResult<()> {
        self.write(move |c| sql::put_session(c, &session, &outbox)).await
    }
    async fn take_session(&self, id_hash: &str) -> StoreResult<SessionRecord> {
        let id_hash = id_hash.to_owned();
        self.write(move |c| sql::take_session(c, &id_hash)).await
    }
    async fn get_session(&self, id_hash: &str) -> StoreResult<SessionRecord> {
        let id_hash = id_hash.to_owned();
        self.point_read(move |c| sql::get_session(c, &id_hash)).await
    }
    async fn insert_refresh(&self, token: RefreshRecord) -> StoreResult<()> {
        self.write(move |c| sql::insert_refresh(c, &token)).await
    }
    async fn get_refresh(&self, hash: &str) -> StoreResult<RefreshRecord> {
        let hash = hash.to_owned();
        self.point_read(move |c| sql::get_refresh(c, &hash)).await
    }
    async fn rotate_refresh(&self, old_hash: &str, old_expires_ms: i64, new: RefreshRecord) -> StoreResult<()> {
        let old_hash = old_hash.to_owned();
        self.write(move |c| sql::rotate_refresh(c, &old_hash, old_expires_ms, &new)).await
    }
    async fn revoke_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        let (pool_id, origin_jti) = (pool_id.to_owned(), origin_jti.to_owned());
        self.write(move |c| sql::revoke_family(c, &pool_id, &origin_jti)).await
    }
    async fn family_valid(&self, pool_id: &str, origin_jti: &str) -> StoreResult<bool> {
        let (pool_id, origin_jti) = (pool_id.to_owned(), origin_jti.to_owned());
        self.point_read(move |c| sql::family_valid(c, &pool_id, &origin_jti)).await
    }
    async fn revoke_user_families(&self, pool_id: &str, user_key: &str) -> StoreResult<()> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.write(move |c| sql::revoke_user_families(c, &pool_id, &user_key)).await
    }
    async fn sign_in_failed(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<SignInFailures> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.write(move |c| sql::sign_in_failed(c, &pool_id, &user_key, now_ms)).await
    }
    async fn sign_in_failures(&self, pool_id: &str, user_key: &str) -> StoreResult<SignInFailures> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.point_read(move |c| sql::sign_in_failures(c, &pool_id, &user_key)).await
    }
    async fn clear_sign_in_failures(&self, pool_id: &str, user_key: &str) -> StoreResult<()> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.write(move |c| sql::clear_sign_in_failures(c, &pool_id, &user_key)).await
    }
    async fn track_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        session_id: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> StoreResult<()> {
        let (pool_id, origin_jti, session_id) = (pool_id.to_owned(), origin_jti.to_owned(), session_id.to_owned());
        self.write(move |c| sql::track_family(c, &pool_id, &origin_jti, &session_id, now_ms, &doc)).await
    }
    async fn touch_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> StoreResult<()> {
        let (pool_id, origin_jti) = (pool_id.to_owned(), origin_jti.to_owned());
        self.write(move |c| sql::touch_family(c, &pool_id, &origin_jti, now_ms, &doc)).await
    }
    async fn tracked_families(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<Vec<TrackedFamily>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::tracked_families(c, &pool_id, &user_key, now_ms)).await
    }
    async fn user_sessions(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<Vec<SessionRecord>> {
        let (pool_id, user_key) = (pool_id.to_owned(), user_key.to_owned());
        self.read(move |c| sql::user_sessions(c, &pool_id, &user_key, now_ms)).await
    }
    async fn purge_expired(&self, now_ms: i64) -> StoreResult<u64> {
        let history_before = now_ms.saturating_sub(self.history.retention_ms());
        self.write(move |c| {
            Ok(sql::purge_expired(c, now_ms)? + sql::history::purge(c, history_before, crate::store::PERIODIC_BATCH)?)
        })
        .await
    }

    fn history(&self) -> &History {
        &self.history
    }
    async fn history_since(&self, pool_id: &str, after_ms: i64) -> StoreResult<Vec<HistoryRow>> {
        let pool_id = pool_id.to_owned();
        self.read(move |c| sql::history::history_since(c, &pool_id, after_ms)).await
    }
    async fn apply_restore(&self, pool_id: &str, changes: Vec<RestoreChange>) -> StoreResult<()> {
        let (pool_id, stamp) = (pool_id.to_owned(), self.history.restore_stamp());
        self.write(move |c| sql::history::apply_restore(c, stamp, &pool_id, changes)).await
    }

    async fn list_outbox(&self, pool_id: Option<&str>, username: Option<&str>) -> StoreResult<Vec<OutboxMessage>> {
        let (pool_id, username) = (pool_id.map(str::to_owned), username.map(str::to_owned));
        self.read(move |c| sql::list_outbox(c, pool_id.as_deref(), username.as_deref())).await
    }
    async fn add_outbox(&self, messages: Vec<OutboxMessage>) -> StoreResult<()> {
        self.write(move |c| sql::insert_outbox(c, &messages)).await
    }
    async fn tag(&self, resource: &str, tags: Vec<(String, String)>) -> StoreResult<()> {
        let resource = resource.to_owned();
        self.write(move |c| sql::tag(c, &resource, &tags)).await
    }
    async fn untag(&self, resource: &str, keys: Vec<String>) -> StoreResult<()> {
        let resource = resource.to_owned();
        self.write(move |c| sql::untag(c, &resource, &keys)).await
    }
    async fn tags(&self, resource: &str) -> StoreResult<Vec<(String, String)>> {
        let resource = resource.to_owned();
        self.read(move |c| sql::tags(c, &resource)).await
    }
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.point_read(move |c| sql::get_setting(c, &key)).await
    }
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |c| sql::set_setting(c, &key, &value)).await
    }
    async fn reset(&self) -> StoreResult<()> {
        self.write(sql::reset).await
    }
}
