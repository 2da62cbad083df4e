//! The PostgreSQL store: several server instances share one database.
//!
//! Every store call is one transaction on a pooled connection (reads that are one statement
//! run without an explicit transaction, which PostgreSQL makes one). Everything an answer
//! depends on lives in the database and every rule is the database's: uniqueness through named
//! constraints (a unique violation is mapped, by constraint name, to the store's error),
//! counters through `UPDATE ... RETURNING`, optimistic versions through `WHERE version = $n`.
//! No lock, cache or counter lives in the process, so any number of instances may serve the
//! same data. A 200 answer means the transaction committed (with PostgreSQL's default
//! `synchronous_commit = on`, on disk).
//!
//! Failures of the connection come back as [`StoreError::Database`] (an internal error for the
//! caller). A transaction that failed before its COMMIT was sent (the connection dropped, a
//! deadlock, a serialization failure) is run again a few times, since nothing of it was kept;
//! one whose COMMIT was sent but not answered is not, since it may have committed. Broken
//! connections leave the pool as they are noticed, and new ones are made when PostgreSQL is
//! back, so the server recovers by itself.

mod schema;
mod sql;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use self::sql::{Fail, violated};
use super::api::*;
use super::history::History;

pub use schema::CURRENT as SCHEMA_VERSION;

/// How to reach PostgreSQL and how to use it.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// `postgres://user[:password]@host[:port]/dbname[?param=value...]` (libpq's URL form).
    pub url: String,
    /// Most connections this instance keeps open.
    pub pool_size: usize,
    /// Longest a statement may run, in milliseconds (0: no limit). Also bounds how long a
    /// request waits for a free connection or for a new one.
    pub statement_timeout_ms: u64,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions { url: String::new(), pool_size: 16, statement_timeout_ms: 5000 }
    }
}

/// Whether `db` (the `--db` value) names a PostgreSQL database rather than an SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The PostgreSQL implementation of [`Store`]. Cheap to clone (it shares the pool).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    history: History,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self.pool.status();
        f.debug_struct("PgStore").field("size", &status.size).field("available", &status.available).finish()
    }
}

/// Attempts of one store call when it fails before its COMMIT (see the module's doc).
const ATTEMPTS: u32 = 3;

impl PgStore {
    /// Connects, and brings the schema to [`SCHEMA_VERSION`] (waiting while another instance
    /// does it). Fails when PostgreSQL cannot be reached or its schema is newer than this
    /// server's.
    pub async fn open(options: &PgOptions) -> StoreResult<PgStore> {
        let store = PgStore::connect(options)?;
        let mut conn = store.conn().await?;
        schema::migrate(&mut conn, SCHEMA_VERSION).await.map_err(fail_to_store)?;
        Ok(store)
    }

    /// A pool for `options` without connecting yet.
    fn connect(options: &PgOptions) -> StoreResult<PgStore> {
        let mut config: tokio_postgres::Config =
            options.url.parse().map_err(|e| StoreError::Database(format!("the PostgreSQL URL: {e}")))?;
        let timeout = match options.statement_timeout_ms {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        };
        // Server-side limits, as libpq's `options` carries them (after any the URL gives).
        let mut server_options = config.get_options().unwrap_or_default().to_owned();
        server_options.push_str(&format!(" -c statement_timeout={}", options.statement_timeout_ms));
        // A transaction left open by an instance that stopped answering (frozen, not killed:
        // a killed one's connection closes and PostgreSQL rolls back at once) must not hold
        // its row locks for ever.
        server_options.push_str(" -c idle_in_transaction_session_timeout=60000");
        config.options(server_options.trim());
        if config.get_application_name().is_none() {
            config.application_name("cognito-idp-server");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        // Notice a peer that vanished without closing (a network partition) within a minute.
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let wait = timeout.unwrap_or(Duration::from_secs(30));
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(wait))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| StoreError::Database(format!("the connection pool: {e}")))?;
        Ok(PgStore { pool, history: History::default() })
    }

    /// A connection from the pool (a new one if none is idle).
    async fn conn(&self) -> StoreResult<Object> {
        self.pool.get().await.map_err(|e| StoreError::Database(format!("connecting to PostgreSQL: {e}")))
    }
}

/// Brings the database at `options.url` to schema version `target` (at most
/// [`SCHEMA_VERSION`]) and returns the version it was at: for operators who migrate before
/// starting the servers, and for tests of migrations.
pub async fn migrate(options: &PgOptions, target: i64) -> StoreResult<i64> {
    let store = PgStore::connect(options)?;
    let mut conn = store.conn().await?;
    schema::migrate(&mut conn, target).await.map_err(fail_to_store)
}

/// What a failure means for the store's caller.
fn fail_to_store(fail: Fail) -> StoreError {
    let e = match fail {
        Fail::Store(e) => return e,
        Fail::Pg(e) => e,
    };
    match violated(&e) {
        Some("users_pool_username_key" | "users_pool_sub_key") => return StoreError::UsernameExists,
        Some("groups_pool_name_key") => return StoreError::GroupExists,
        Some("resources_pool_kind_key" | "devices_pool_key" | "auth_events_pool_id" | "passkeys_pool_key") => {
            return StoreError::ResourceExists;
        }
        // As in SQLite: a pool or client id that is taken is a conflict (ids are random).
        Some("pools_id_key" | "clients_id_key") => return StoreError::Conflict,
        // A refresh token's hash taken: as in SQLite, a conflict.
        Some("refresh_tokens_pkey") => return StoreError::Conflict,
        _ => {}
    }
    // The pool, user or group a row refers to went away in the meantime (another instance
    // deleted it between our check and our insert).
    if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
        return StoreError::NotFound;
    }
    StoreError::Database(describe(&e))
}

/// The error with PostgreSQL's own message and SQLSTATE when there is one.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({}: {})", e, db.code().code(), db.message()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// Whether a transaction that failed this way before its COMMIT may simply run again.
fn retryable(fail: &Fail) -> bool {
    let Fail::Pg(e) = fail else { return false };
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
        }
        // An I/O error on the socket: the connection is gone.
        None => std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()),
    }
}

/// Runs `$call` (an expression using the connection named `$c`) on a pooled connection, again
/// on a fresh one if it failed in a way that kept nothing.
macro_rules! on_conn {
    ($store:expr, $c:ident => $call:expr) => {{
        let mut attempt = 1;
        loop {
            let $c = $store.conn().await?;
            match $call.await {
                Ok(value) => break Ok(value),
                Err(fail) if attempt < ATTEMPTS && retryable(&fail) => {
                    drop($c);
                    attempt += 1;
                    tracing::warn!(attempt, "a read failed on a broken connection; again on another");
                }
                Err(fail) => break Err(fail_to_store(fail)),
            }
        }
    }};
}

/// Runs `$call` (an expression using the transaction named `$tx`) in one transaction and
/// commits; runs it again (a new transaction) if it failed before the COMMIT in a way that
/// kept nothing.
macro_rules! in_tx {
    ($store:expr, $tx:ident => $call:expr) => {{
        let mut attempt = 1;
        loop {
            let mut conn = $store.conn().await?;
            let outcome: Result<_, Fail> = async {
                let $tx = conn.transaction().await?;
                let value = $call.await?;
                Ok(($tx, value))
            }
            .await;
            match outcome {
                Ok((tx, value)) => {
                    // Not retried: a COMMIT without an answer may have committed.
                    break match tx.commit().await {
                        Ok(()) => Ok(value),
                        Err(e) => Err(fail_to_store(Fail::Pg(e))),
                    };
                }
                Err(fail) if attempt < ATTEMPTS && retryable(&fail) => {
                    attempt += 1;
                    tracing::warn!(attempt, "a transaction failed before its commit; running it again");
                    tokio::time::sleep(Duration::from_millis(5 * attempt as u64)).await;
                }
                Err(fail) => break Err(fail_to_store(fail)),
            }
        }
    }};
}

impl Store for PgStore {
    async fn insert_pool(&self, pool: PoolRecord) -> StoreResult<PoolRecord> {
        in_tx!(self, tx => sql::insert_pool(&tx, &pool))
    }
    async fn get_pool(&self, id: &str) -> StoreResult<PoolRecord> {
        on_conn!(self, c => sql::get_pool(&c, id))
    }
    async fn pool_version(&self, id: &str) -> StoreResult<(i64, i64)> {
        on_conn!(self, c => sql::pool_version(&c, id))
    }
    async fn update_pool(&self, pool: PoolRecord) -> StoreResult<PoolRecord> {
        in_tx!(self, tx => sql::update_pool(&tx, &pool))
    }
    async fn delete_pool(&self, id: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_pool(&tx, id))
    }
    async fn list_pools(&self, after: i64, limit: usize) -> StoreResult<Page<PoolRecord>> {
        on_conn!(self, c => sql::list_pools(&c, after, limit))
    }
    async fn count_users(&self, pool_id: &str) -> StoreResult<i64> {
        on_conn!(self, c => sql::count_users(&c, pool_id))
    }

    async fn insert_client(&self, client: ClientRecord) -> StoreResult<ClientRecord> {
        in_tx!(self, tx => sql::insert_client(&tx, &client))
    }
    async fn get_client(&self, pool_id: &str, id: &str) -> StoreResult<ClientRecord> {
        on_conn!(self, c => sql::get_client(&c, pool_id, id))
    }
    async fn find_client(&self, id: &str) -> StoreResult<ClientRecord> {
        on_conn!(self, c => sql::find_client(&c, id))
    }
    async fn update_client(&self, client: ClientRecord) -> StoreResult<ClientRecord> {
        in_tx!(self, tx => sql::update_client(&tx, &client))
    }
    async fn delete_client(&self, pool_id: &str, id: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_client(&tx, pool_id, id))
    }
    async fn list_clients(&self, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<ClientRecord>> {
        on_conn!(self, c => sql::list_clients(&c, pool_id, after, limit))
    }

    async fn insert_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<UserRecord> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::insert_user(&tx, stamp, &user, &aliases, on_conflict, &outbox))
    }
    async fn get_user(&self, pool_id: &str, key: &str) -> StoreResult<UserRecord> {
        on_conn!(self, c => sql::get_user(&c, pool_id, key))
    }
    async fn get_user_by_alias(&self, pool_id: &str, alias: &Alias) -> StoreResult<UserRecord> {
        on_conn!(self, c => sql::get_user_by_alias(&c, pool_id, alias))
    }
    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<UserRecord> {
        on_conn!(self, c => sql::get_user_by_sub(&c, pool_id, sub))
    }
    async fn update_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<UserRecord> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::update_user(&tx, stamp, &user, &aliases, on_conflict, &outbox))
    }
    async fn delete_user(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::delete_user(&tx, stamp, pool_id, key))
    }
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<UserFilter>,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<UserRecord>> {
        on_conn!(self, c => sql::list_users(&c, pool_id, filter.as_ref(), after, limit))
    }

    async fn insert_group(&self, group: GroupRecord) -> StoreResult<GroupRecord> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::insert_group(&tx, stamp, &group))
    }
    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<GroupRecord> {
        on_conn!(self, c => sql::get_group(&c, pool_id, name))
    }
    async fn update_group(&self, group: GroupRecord) -> StoreResult<GroupRecord> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::update_group(&tx, stamp, &group))
    }
    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::delete_group(&tx, stamp, pool_id, name))
    }
    async fn list_groups(&self, pool_id: &str, after: i64, limit: usize) -> StoreResult<Page<GroupRecord>> {
        on_conn!(self, c => sql::list_groups(&c, pool_id, after, limit))
    }
    async fn add_member(&self, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::add_member(&tx, stamp, pool_id, group, user_key))
    }
    async fn remove_member(&self, pool_id: &str, group: &str, user_key: &str) -> StoreResult<()> {
        let stamp = self.history.stamp();
        in_tx!(self, tx => sql::remove_member(&tx, stamp, pool_id, group, user_key))
    }
    async fn list_user_groups(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<GroupRecord>> {
        on_conn!(self, c => sql::list_user_groups(&c, pool_id, user_key, after, limit))
    }
    async fn list_group_members(
        &self,
        pool_id: &str,
        group: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<UserRecord>> {
        on_conn!(self, c => sql::list_group_members(&c, pool_id, group, after, limit))
    }

    async fn put_code(
        &self,
        pool_id: &str,
        user_key: &str,
        purpose: &str,
        code: CodeRecord,
        outbox: Vec<OutboxMessage>,
    ) -> StoreResult<()> {
        in_tx!(self, tx => sql::put_code(&tx, pool_id, user_key, purpose, &code, &outbox))
    }
    async fn get_code(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<CodeRecord> {
        on_conn!(self, c => sql::get_code(&c, pool_id, user_key, purpose))
    }
    async fn code_failed(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<i64> {
        in_tx!(self, tx => sql::code_failed(&tx, pool_id, user_key, purpose))
    }
    async fn delete_code(&self, pool_id: &str, user_key: &str, purpose: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_code(&tx, pool_id, user_key, purpose))
    }

    async fn insert_resource(&self, resource: ResourceRecord) -> StoreResult<ResourceRecord> {
        in_tx!(self, tx => sql::insert_resource(&tx, &resource))
    }
    async fn get_resource(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<ResourceRecord> {
        on_conn!(self, c => sql::get_resource(&c, pool_id, kind, key))
    }
    async fn find_resource(&self, name: &UniqueName, pool_id: &str) -> StoreResult<ResourceRecord> {
        on_conn!(self, c => sql::find_resource(&c, name, pool_id))
    }
    async fn update_resource(&self, resource: ResourceRecord) -> StoreResult<ResourceRecord> {
        in_tx!(self, tx => sql::update_resource(&tx, &resource))
    }
    async fn delete_resource(&self, pool_id: &str, kind: &str, key: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_resource(&tx, pool_id, kind, key))
    }
    async fn list_resources(
        &self,
        pool_id: &str,
        kind: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<ResourceRecord>> {
        on_conn!(self, c => sql::list_resources(&c, pool_id, kind, after, limit))
    }
    async fn insert_device(&self, device: DeviceRecord) -> StoreResult<DeviceRecord> {
        in_tx!(self, tx => sql::insert_device(&tx, &device))
    }
    async fn get_device(&self, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<DeviceRecord> {
        on_conn!(self, c => sql::get_device(&c, pool_id, user_key, device_key))
    }
    async fn update_device(&self, device: DeviceRecord) -> StoreResult<DeviceRecord> {
        in_tx!(self, tx => sql::update_device(&tx, &device))
    }
    async fn delete_device(&self, pool_id: &str, user_key: &str, device_key: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_device(&tx, pool_id, user_key, device_key))
    }
    async fn insert_auth_event(&self, event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
        in_tx!(self, tx => sql::insert_auth_event(&tx, &event))
    }
    async fn get_auth_event(&self, pool_id: &str, user_key: &str, event_id: &str) -> StoreResult<AuthEventRecord> {
        on_conn!(self, c => sql::get_auth_event(&c, pool_id, user_key, event_id))
    }
    async fn update_auth_event(&self, event: AuthEventRecord) -> StoreResult<AuthEventRecord> {
        in_tx!(self, tx => sql::update_auth_event(&tx, &event))
    }
    async fn list_auth_events(
        &self,
        pool_id: &str,
        user_key: &str,
        before: i64,
        limit: usize,
    ) -> StoreResult<Page<AuthEventRecord>> {
        on_conn!(self, c => sql::list_auth_events(&c, pool_id, user_key, before, limit))
    }
    async fn list_devices(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<DeviceRecord>> {
        on_conn!(self, c => sql::list_devices(&c, pool_id, user_key, after, limit))
    }
    async fn insert_passkey(&self, passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
        in_tx!(self, tx => sql::insert_passkey(&tx, &passkey))
    }
    async fn get_passkey(&self, pool_id: &str, user_key: &str, credential_id: &str) -> StoreResult<PasskeyRecord> {
        on_conn!(self, c => sql::get_passkey(&c, pool_id, user_key, credential_id))
    }
    async fn update_passkey(&self, passkey: PasskeyRecord) -> StoreResult<PasskeyRecord> {
        in_tx!(self, tx => sql::update_passkey(&tx, &passkey))
    }
    async fn delete_passkey(&self, pool_id: &str, user_key: &str, credential_id: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::delete_passkey(&tx, pool_id, user_key, credential_id))
    }
    async fn list_passkeys(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Page<PasskeyRecord>> {
        on_conn!(self, c => sql::list_passkeys(&c, pool_id, user_key, after, limit))
    }
    async fn list_resources_of_kind(&self, kind: &str, after: i64, limit: usize) -> StoreResult<Page<ResourceRecord>> {
        on_conn!(self, c => sql::list_resources_of_kind(&c, kind, after, limit))
    }
    async fn put_session(&self, session: SessionRecord, outbox: Vec<OutboxMessage>) -> StoreResult<()> {
        in_tx!(self, tx => sql::put_session(&tx, &session, &outbox))
    }
    async fn take_session(&self, id_hash: &str) -> StoreResult<SessionRecord> {
        in_tx!(self, tx => sql::take_session(&tx, id_hash))
    }
    async fn get_session(&self, id_hash: &str) -> StoreResult<SessionRecord> {
        on_conn!(self, c => sql::get_session(&c, id_hash))
    }
    async fn insert_refresh(&self, token: RefreshRecord) -> StoreResult<()> {
        in_tx!(self, tx => sql::insert_refresh(&tx, &token))
    }
    async fn get_refresh(&self, hash: &str) -> StoreResult<RefreshRecord> {
        on_conn!(self, c => sql::get_refresh(&c, hash))
    }
    async fn rotate_refresh(&self, old_hash: &str, old_expires_ms: i64, new: RefreshRecord) -> StoreResult<()> {
        in_tx!(self, tx => sql::rotate_refresh(&tx, old_hash, old_expires_ms, &new))
    }
    async fn revoke_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::revoke_family(&tx, pool_id, origin_jti))
    }
    async fn family_valid(&self, pool_id: &str, origin_jti: &str) -> StoreResult<bool> {
        on_conn!(self, c => sql::family_valid(&c, pool_id, origin_jti))
    }
    async fn revoke_user_families(&self, pool_id: &str, user_key: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::revoke_user_families(&tx, pool_id, user_key))
    }
    async fn track_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        session_id: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> StoreResult<()> {
        in_tx!(self, tx => sql::track_family(&tx, pool_id, origin_jti, session_id, now_ms, &doc))
    }
    async fn touch_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> StoreResult<()> {
        in_tx!(self, tx => sql::touch_family(&tx, pool_id, origin_jti, now_ms, &doc))
    }
    async fn tracked_families(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<Vec<TrackedFamily>> {
        on_conn!(self, c => sql::tracked_families(&c, pool_id, user_key, now_ms))
    }
    async fn user_sessions(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<Vec<SessionRecord>> {
        on_conn!(self, c => sql::user_sessions(&c, pool_id, user_key, now_ms))
    }
    async fn sign_in_failed(&self, pool_id: &str, user_key: &str, now_ms: i64) -> StoreResult<SignInFailures> {
        in_tx!(self, tx => sql::sign_in_failed(&tx, pool_id, user_key, now_ms))
    }
    async fn sign_in_failures(&self, pool_id: &str, user_key: &str) -> StoreResult<SignInFailures> {
        on_conn!(self, c => sql::sign_in_failures(&c, pool_id, user_key))
    }
    async fn clear_sign_in_failures(&self, pool_id: &str, user_key: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::clear_sign_in_failures(&tx, pool_id, user_key))
    }
    async fn purge_expired(&self, now_ms: i64) -> StoreResult<u64> {
        let history_before = now_ms.saturating_sub(self.history.retention_ms());
        let expired = in_tx!(self, tx => sql::purge_expired(&tx, now_ms))?;
        let history = in_tx!(self, tx => sql::history::purge(&tx, history_before, crate::store::PERIODIC_BATCH))?;
        Ok(expired + history)
    }

    fn history(&self) -> &History {
        &self.history
    }
    async fn history_since(&self, pool_id: &str, after_ms: i64) -> StoreResult<Vec<HistoryRow>> {
        on_conn!(self, c => sql::history::history_since(&c, pool_id, after_ms))
    }
    async fn apply_restore(&self, pool_id: &str, changes: Vec<RestoreChange>) -> StoreResult<()> {
        let stamp = self.history.restore_stamp();
        in_tx!(self, tx => sql::history::apply_restore(&tx, stamp, pool_id, changes.clone()))
    }

    async fn list_outbox(&self, pool_id: Option<&str>, username: Option<&str>) -> StoreResult<Vec<OutboxMessage>> {
        on_conn!(self, c => sql::list_outbox(&c, pool_id, username))
    }
    async fn add_outbox(&self, messages: Vec<OutboxMessage>) -> StoreResult<()> {
        in_tx!(self, tx => sql::insert_outbox(&tx, &messages))
    }
    async fn tag(&self, resource: &str, tags: Vec<(String, String)>) -> StoreResult<()> {
        in_tx!(self, tx => sql::tag(&tx, resource, &tags))
    }
    async fn untag(&self, resource: &str, keys: Vec<String>) -> StoreResult<()> {
        in_tx!(self, tx => sql::untag(&tx, resource, &keys))
    }
    async fn tags(&self, resource: &str) -> StoreResult<Vec<(String, String)>> {
        on_conn!(self, c => sql::tags(&c, resource))
    }
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>> {
        on_conn!(self, c => sql::get_setting(&c, key))
    }
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        in_tx!(self, tx => sql::set_setting(&tx, key, value))
    }
    async fn reset(&self) -> StoreResult<()> {
        in_tx!(self, tx => sql::reset(&tx))
    }
}
