//! The SQLite schema, as numbered migrations (`PRAGMA user_version` records the last applied).
//!
//! A newer server opens an older file by applying the migrations it lacks, in one transaction;
//! an older server refuses a newer file rather than misreading it.

use rusqlite::Connection;

use crate::store::api::{StoreError, StoreResult};

/// Migration `i` brings a database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: pools, clients, users with their aliases, groups, codes, outbox, tags, settings.
    r#"
    CREATE TABLE pools (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        id      TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        doc     TEXT NOT NULL
    );
    CREATE TABLE clients (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        id      TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        doc     TEXT NOT NULL
    );
    CREATE INDEX clients_by_pool ON clients(pool_id, seq);
    CREATE TABLE users (
        seq                INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id            TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        username           TEXT NOT NULL,
        username_key       TEXT NOT NULL,
        sub                TEXT NOT NULL,
        version            INTEGER NOT NULL,
        status             TEXT NOT NULL,
        enabled            INTEGER NOT NULL,
        created_ms         INTEGER NOT NULL,
        modified_ms        INTEGER NOT NULL,
        email              TEXT,
        phone_number       TEXT,
        name               TEXT,
        given_name         TEXT,
        family_name        TEXT,
        preferred_username TEXT,
        doc                TEXT NOT NULL,
        UNIQUE (pool_id, username_key),
        UNIQUE (pool_id, sub)
    );
    CREATE INDEX users_by_username ON users(pool_id, username);
    CREATE INDEX users_by_status ON users(pool_id, status);
    CREATE INDEX users_by_email ON users(pool_id, email);
    CREATE INDEX users_by_phone_number ON users(pool_id, phone_number);
    CREATE INDEX users_by_name ON users(pool_id, name);
    CREATE INDEX users_by_given_name ON users(pool_id, given_name);
    CREATE INDEX users_by_family_name ON users(pool_id, family_name);
    CREATE INDEX users_by_preferred_username ON users(pool_id, preferred_username);
    CREATE TABLE aliases (
        pool_id  TEXT NOT NULL,
        kind     TEXT NOT NULL,
        key      TEXT NOT NULL,
        user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        PRIMARY KEY (pool_id, kind, key)
    );
    CREATE INDEX aliases_by_user ON aliases(user_seq);
    CREATE TABLE groups (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc     TEXT NOT NULL,
        UNIQUE (pool_id, name)
    );
    CREATE TABLE memberships (
        group_seq INTEGER NOT NULL REFERENCES groups(seq) ON DELETE CASCADE,
        user_seq  INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        PRIMARY KEY (group_seq, user_seq)
    );
    CREATE INDEX memberships_by_user ON memberships(user_seq, group_seq);
    CREATE TABLE codes (
        user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        purpose    TEXT NOT NULL,
        hash       TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        attempts   INTEGER NOT NULL,
        PRIMARY KEY (user_seq, purpose)
    );
    CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id     TEXT NOT NULL,
        username    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        medium      TEXT NOT NULL,
        destination TEXT NOT NULL,
        code        TEXT NOT NULL,
        time_ms     INTEGER NOT NULL
    );
    CREATE INDEX outbox_by_user ON outbox(pool_id, username);
    CREATE TABLE tags (
        resource TEXT NOT NULL,
        key      TEXT NOT NULL,
        value    TEXT NOT NULL,
        PRIMARY KEY (resource, key)
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // 2: the state of sign-ins (part 2): pools' secrets (signing keys), challenge sessions,
    // refresh tokens in families (one per sign-in, named by its `origin_jti`), and failed
    // sign-ins. Everything goes with its pool; families (with their tokens) and failure
    // counters also with their user. Sessions name their user by key without referring to it
    // (a challenge may be for an unknown user), so deleting a user deletes them explicitly.
    r#"
    CREATE TABLE pool_secrets (
        pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        value   TEXT NOT NULL,
        PRIMARY KEY (pool_id, name)
    );
    CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY,
        pool_id    TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        client_id  TEXT NOT NULL,
        user_key   TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        doc        TEXT NOT NULL
    );
    CREATE INDEX sessions_by_user ON sessions(pool_id, user_key);
    CREATE INDEX sessions_by_expiry ON sessions(expires_ms);
    CREATE TABLE token_families (
        pool_id    TEXT NOT NULL,
        origin_jti TEXT NOT NULL,
        user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        client_id  TEXT NOT NULL,
        revoked    INTEGER NOT NULL DEFAULT 0,
        expires_ms INTEGER NOT NULL,
        PRIMARY KEY (pool_id, origin_jti)
    );
    CREATE INDEX token_families_by_user ON token_families(user_seq);
    CREATE INDEX token_families_by_expiry ON token_families(expires_ms);
    CREATE TABLE refresh_tokens (
        hash       TEXT PRIMARY KEY,
        pool_id    TEXT NOT NULL,
        client_id  TEXT NOT NULL,
        user_key   TEXT NOT NULL,
        origin_jti TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        FOREIGN KEY (pool_id, origin_jti) REFERENCES token_families(pool_id, origin_jti) ON DELETE CASCADE
    );
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens(pool_id, origin_jti);
    CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens(expires_ms);
    CREATE TABLE sign_in_failures (
        user_seq INTEGER PRIMARY KEY REFERENCES users(seq) ON DELETE CASCADE,
        failures INTEGER NOT NULL,
        last_ms  INTEGER NOT NULL
    );
    "#,
    // 3: pool-owned resources of every other kind (domains, resource servers, identity
    // providers, ...) as versioned documents, one table for all kinds, with the names they
    // must hold uniquely (`owner` is the pool for per-pool names, empty for server-wide ones).
    // The pools' secrets (signing keys) become resources of kind `secret`, their value a JSON
    // string, so the keys that signed existing tokens stay.
    r#"
    CREATE TABLE resources (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        kind    TEXT NOT NULL,
        key     TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc     TEXT NOT NULL,
        UNIQUE (pool_id, kind, key)
    );
    CREATE INDEX resources_by_kind ON resources(pool_id, kind, seq);
    CREATE TABLE resource_names (
        scope        TEXT NOT NULL,
        owner        TEXT NOT NULL,
        name         TEXT NOT NULL,
        resource_seq INTEGER NOT NULL REFERENCES resources(seq) ON DELETE CASCADE,
        PRIMARY KEY (scope, owner, name)
    );
    CREATE INDEX resource_names_by_resource ON resource_names(resource_seq);
    INSERT INTO resources (pool_id, kind, key, version, doc)
        SELECT pool_id, 'secret', name, 1, json_quote(value) FROM pool_secrets ORDER BY pool_id, name;
    DROP TABLE pool_secrets;
    "#,
    // 4: the outbox keeps the text delivered (the pool's template or the CustomMessage
    // trigger's answer, code in it) and an email's subject; older messages have neither.
    r#"
    ALTER TABLE outbox ADD COLUMN message TEXT;
    ALTER TABLE outbox ADD COLUMN subject TEXT;
    "#,
    // 5: the devices users confirmed (`ConfirmDevice`), each of one user: they go with their
    // user, and with their pool through its users. Device keys are unique per pool.
    r#"
    CREATE TABLE devices (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id    TEXT NOT NULL,
        device_key TEXT NOT NULL,
        user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        version    INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        UNIQUE (pool_id, device_key)
    );
    CREATE INDEX devices_by_user ON devices(user_seq, seq);
    "#,
    // 6: resources of one kind across every pool, for work any instance picks up (user import
    // jobs waiting to run).
    r#"
    CREATE INDEX resources_of_kind ON resources(kind, seq);
    "#,
    // 7: token families tracked as user sessions (`ListUserSessions`): a family signed in while
    // its pool tracked sessions carries the session's id, dates and document; others keep NULLs.
    r#"
    ALTER TABLE token_families ADD COLUMN session_id TEXT;
    ALTER TABLE token_families ADD COLUMN created_ms INTEGER;
    ALTER TABLE token_families ADD COLUMN last_active_ms INTEGER;
    ALTER TABLE token_families ADD COLUMN session_doc TEXT;
    "#,
    // 8: users' authentication events (`AdminListUserAuthEvents`), each of one user: they go
    // with their user, and with their pool through its users; listed per user newest first.
    // Event ids are unique per pool.
    r#"
    CREATE TABLE auth_events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id    TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        created_ms INTEGER NOT NULL,
        version    INTEGER NOT NULL,
        doc        TEXT NOT NULL,
        UNIQUE (pool_id, event_id)
    );
    CREATE INDEX auth_events_by_user ON auth_events(user_seq, seq);
    "#,
    // 9: the passkeys (WebAuthn credentials) users registered, each of one user, as devices
    // are: they go with their user. Credential ids are unique per pool.
    r#"
    CREATE TABLE passkeys (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id       TEXT NOT NULL,
        credential_id TEXT NOT NULL,
        user_seq      INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
        version       INTEGER NOT NULL,
        doc           TEXT NOT NULL,
        UNIQUE (pool_id, credential_id)
    );
    CREATE INDEX passkeys_by_user ON passkeys(user_seq, seq);
    "#,
    // 10: point-in-time recovery's history (`store::history`): each change
    // of a user, group or membership appends the record as it was before (NULL: it did not
    // exist), in the same transaction. Read by pool after a time; purged by age.
    r#"
    CREATE TABLE history (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        kind    TEXT NOT NULL,
        key     TEXT NOT NULL,
        at_ms   INTEGER NOT NULL,
        before  TEXT
    );
    CREATE INDEX history_by_pool ON history(pool_id, at_ms);
    CREATE INDEX history_by_age ON history(at_ms);
    "#,
];

/// The schema version this server writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`CURRENT`], applying what it lacks in one transaction.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(super::sql::db_error)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(super::sql::db_error)?;
    if version > CURRENT {
        return Err(StoreError::Database(format!(
            "the database is at schema version {version}, newer than this server's {CURRENT}: upgrade the server"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql).map_err(super::sql::db_error)?;
        tx.pragma_update(None, "user_version", index as i64 + 1).map_err(super::sql::db_error)?;
    }
    tx.commit().map_err(super::sql::db_error)
}
