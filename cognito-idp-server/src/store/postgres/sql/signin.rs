//! The SQL of sign-in state: pool secrets, challenge sessions, refresh tokens and their
//! families, failed sign-ins. What must hold across instances is the database's: a session is
//! taken by one `DELETE ... RETURNING` (a concurrent one finds the row gone), a secret is
//! inserted `ON CONFLICT DO NOTHING` and read back, failures count by one upsert. Statements
//! that lock a family and one of its tokens lock the family first, so they cannot deadlock.

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{Fail, R, execute, insert_outbox, json_text, json_value, query, query_opt, user_seq};
use crate::store::api::*;
use crate::store::retention::{Horizon, PERIODIC_BATCH, PURGE_BATCH};

// --- sessions

fn session_row(row: &Row) -> R<SessionRecord> {
    Ok(SessionRecord {
        id_hash: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        client_id: row.try_get(2)?,
        user_key: row.try_get(3)?,
        expires_ms: row.try_get(4)?,
        doc: json_value(row.try_get::<_, &str>(5)?)?,
    })
}

pub async fn put_session<C: GenericClient>(c: &C, session: &SessionRecord, outbox: &[OutboxMessage]) -> R<()> {
    execute(
        c,
        "INSERT INTO sessions (id_hash, pool_id, client_id, user_key, expires_ms, doc) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id_hash) DO UPDATE SET pool_id = EXCLUDED.pool_id, client_id = EXCLUDED.client_id,
             user_key = EXCLUDED.user_key, expires_ms = EXCLUDED.expires_ms, doc = EXCLUDED.doc",
        &[
            &session.id_hash,
            &session.pool_id,
            &session.client_id,
            &session.user_key,
            &session.expires_ms,
            &json_text(&session.doc)?,
        ],
    )
    .await?;
    insert_outbox(c, outbox).await?;
    purge(c, Horizon::at_session(session.expires_ms), PURGE_BATCH).await.map(drop)
}

pub async fn take_session<C: GenericClient>(c: &C, id_hash: &str) -> R<SessionRecord> {
    let row = query_opt(
        c,
        "DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash, pool_id, client_id, user_key, expires_ms, doc",
        &[&id_hash],
    )
    .await?;
    match row {
        Some(row) => session_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn get_session<C: GenericClient>(c: &C, id_hash: &str) -> R<SessionRecord> {
    let row = query_opt(
        c,
        "SELECT id_hash, pool_id, client_id, user_key, expires_ms, doc FROM sessions WHERE id_hash = $1",
        &[&id_hash],
    )
    .await?;
    match row {
        Some(row) => session_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

// --- refresh tokens and their families

const REFRESH_COLUMNS: &str = "r.hash, r.pool_id, r.client_id, r.user_key, r.origin_jti, r.expires_ms, r.doc";

fn refresh_row(row: &Row) -> R<RefreshRecord> {
    Ok(RefreshRecord {
        hash: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        client_id: row.try_get(2)?,
        user_key: row.try_get(3)?,
        origin_jti: row.try_get(4)?,
        expires_ms: row.try_get(5)?,
        doc: json_value(row.try_get::<_, &str>(6)?)?,
    })
}

/// Stores the token row itself (its family exists).
async fn store_refresh<C: GenericClient>(c: &C, token: &RefreshRecord) -> R<()> {
    execute(
        c,
        "INSERT INTO refresh_tokens (hash, pool_id, client_id, user_key, origin_jti, expires_ms, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &token.hash,
            &token.pool_id,
            &token.client_id,
            &token.user_key,
            &token.origin_jti,
            &token.expires_ms,
            &json_text(&token.doc)?,
        ],
    )
    .await?;
    Ok(())
}

pub async fn insert_refresh<C: GenericClient>(c: &C, token: &RefreshRecord) -> R<()> {
    // A user deleted between this read and the insert is a foreign-key violation: NotFound.
    let user = user_seq(c, &token.pool_id, &token.user_key).await?;
    // A family lives as long as its longest-lived token (then a while more, see retention).
    execute(
        c,
        "INSERT INTO token_families (pool_id, origin_jti, user_seq, client_id, revoked, expires_ms)
         VALUES ($1, $2, $3, $4, false, $5)
         ON CONFLICT (pool_id, origin_jti) DO UPDATE
         SET expires_ms = GREATEST(token_families.expires_ms, EXCLUDED.expires_ms)",
        &[&token.pool_id, &token.origin_jti, &user, &token.client_id, &token.expires_ms],
    )
    .await?;
    store_refresh(c, token).await
}

pub async fn get_refresh<C: GenericClient>(c: &C, hash: &str) -> R<RefreshRecord> {
    let sql = format!(
        "SELECT {REFRESH_COLUMNS} FROM refresh_tokens r
         JOIN token_families f ON f.pool_id = r.pool_id AND f.origin_jti = r.origin_jti
         WHERE r.hash = $1 AND NOT f.revoked"
    );
    match query_opt(c, &sql, &[&hash]).await? {
        Some(row) => refresh_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn rotate_refresh<C: GenericClient>(
    c: &C,
    old_hash: &str,
    old_expires_ms: i64,
    new: &RefreshRecord,
) -> R<()> {
    let family = query_opt(c, "SELECT pool_id, origin_jti FROM refresh_tokens WHERE hash = $1", &[&old_hash]).await?;
    let Some(family) = family else { return Err(Fail::Store(StoreError::NotFound)) };
    let (pool_id, origin_jti): (String, String) = (family.try_get(0)?, family.try_get(1)?);
    if pool_id != new.pool_id || origin_jti != new.origin_jti {
        return Err(Fail::Store(StoreError::Database("rotate_refresh: the new token names another family".into())));
    }
    // The family first (locking it, so a concurrent revocation comes before or after all of
    // this), then the token.
    let live = execute(
        c,
        "UPDATE token_families SET expires_ms = GREATEST(expires_ms, $3)
         WHERE pool_id = $1 AND origin_jti = $2 AND NOT revoked",
        &[&pool_id, &origin_jti, &new.expires_ms],
    )
    .await?;
    if live == 0 {
        return Err(Fail::Store(StoreError::NotFound));
    }
    let still_there = execute(
        c,
        "UPDATE refresh_tokens SET expires_ms = LEAST(expires_ms, $2) WHERE hash = $1",
        &[&old_hash, &old_expires_ms],
    )
    .await?;
    if still_there == 0 {
        return Err(Fail::Store(StoreError::NotFound));
    }
    store_refresh(c, new).await?;
    purge(c, Horizon::at_rotation(old_expires_ms), PURGE_BATCH).await.map(drop)
}

pub async fn revoke_family<C: GenericClient>(c: &C, pool_id: &str, origin_jti: &str) -> R<()> {
    // The tokens stay (useless: every read joins the family) until the family is purged.
    execute(
        c,
        "UPDATE token_families SET revoked = true WHERE pool_id = $1 AND origin_jti = $2 AND NOT revoked",
        &[&pool_id, &origin_jti],
    )
    .await?;
    Ok(())
}

pub async fn family_valid<C: GenericClient>(c: &C, pool_id: &str, origin_jti: &str) -> R<bool> {
    let row = query_opt(
        c,
        "SELECT revoked FROM token_families WHERE pool_id = $1 AND origin_jti = $2",
        &[&pool_id, &origin_jti],
    )
    .await?;
    match row {
        Some(row) => Ok(!row.try_get::<_, bool>(0)?),
        None => Ok(false),
    }
}

pub async fn revoke_user_families<C: GenericClient>(c: &C, pool_id: &str, user_key: &str) -> R<()> {
    execute(
        c,
        "UPDATE token_families SET revoked = true
         WHERE user_seq = (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2) AND NOT revoked",
        &[&pool_id, &user_key],
    )
    .await?;
    Ok(())
}

// --- token families tracked as user sessions

pub async fn track_family<C: GenericClient>(
    c: &C,
    pool_id: &str,
    origin_jti: &str,
    session_id: &str,
    now_ms: i64,
    doc: &serde_json::Value,
) -> R<()> {
    execute(
        c,
        "UPDATE token_families SET session_id = $3, created_ms = $4, last_active_ms = $4, session_doc = $5
         WHERE pool_id = $1 AND origin_jti = $2",
        &[&pool_id, &origin_jti, &session_id, &now_ms, &json_text(doc)?],
    )
    .await?;
    Ok(())
}

pub async fn touch_family<C: GenericClient>(
    c: &C,
    pool_id: &str,
    origin_jti: &str,
    now_ms: i64,
    doc: &serde_json::Value,
) -> R<()> {
    execute(
        c,
        "UPDATE token_families SET last_active_ms = $3, session_doc = (session_doc::jsonb || $4::text::jsonb)::text
         WHERE pool_id = $1 AND origin_jti = $2 AND session_id IS NOT NULL",
        &[&pool_id, &origin_jti, &now_ms, &json_text(doc)?],
    )
    .await?;
    Ok(())
}

pub async fn tracked_families<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    now_ms: i64,
) -> R<Vec<TrackedFamily>> {
    let rows = query(
        c,
        "SELECT f.origin_jti, f.client_id, f.session_id, f.created_ms, f.last_active_ms, f.session_doc
         FROM token_families f
         WHERE f.user_seq = (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2)
           AND f.session_id IS NOT NULL AND NOT f.revoked AND f.expires_ms > $3
         ORDER BY f.created_ms, f.session_id",
        &[&pool_id, &user_key, &now_ms],
    )
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TrackedFamily {
                origin_jti: row.try_get(0)?,
                client_id: row.try_get(1)?,
                session_id: row.try_get(2)?,
                created_ms: row.try_get(3)?,
                last_active_ms: row.try_get(4)?,
                doc: json_value(row.try_get::<_, &str>(5)?)?,
            })
        })
        .collect()
}

pub async fn user_sessions<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    now_ms: i64,
) -> R<Vec<SessionRecord>> {
    let rows = query(
        c,
        "SELECT id_hash, pool_id, client_id, user_key, expires_ms, doc FROM sessions
         WHERE pool_id = $1 AND user_key = $2 AND expires_ms > $3",
        &[&pool_id, &user_key, &now_ms],
    )
    .await?;
    rows.iter().map(session_row).collect()
}

// --- failed sign-ins

fn failures_row(row: &Row) -> R<SignInFailures> {
    Ok(SignInFailures { count: row.try_get(0)?, last_ms: row.try_get(1)? })
}

pub async fn sign_in_failed<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, now_ms: i64) -> R<SignInFailures> {
    // One upsert: concurrent failures through any instances each add one.
    let row = query_opt(
        c,
        "INSERT INTO sign_in_failures (user_seq, failures, last_ms)
         SELECT seq, 1, $3 FROM users WHERE pool_id = $1 AND username_key = $2
         ON CONFLICT (user_seq) DO UPDATE
         SET failures = sign_in_failures.failures + 1, last_ms = EXCLUDED.last_ms
         RETURNING failures, last_ms",
        &[&pool_id, &user_key, &now_ms],
    )
    .await?;
    match row {
        Some(row) => failures_row(&row),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn sign_in_failures<C: GenericClient>(c: &C, pool_id: &str, user_key: &str) -> R<SignInFailures> {
    let row = query_opt(
        c,
        "SELECT f.failures, f.last_ms FROM users u JOIN sign_in_failures f ON f.user_seq = u.seq
         WHERE u.pool_id = $1 AND u.username_key = $2",
        &[&pool_id, &user_key],
    )
    .await?;
    match row {
        Some(row) => failures_row(&row),
        None => Ok(SignInFailures::default()),
    }
}

pub async fn clear_sign_in_failures<C: GenericClient>(c: &C, pool_id: &str, user_key: &str) -> R<()> {
    execute(
        c,
        "DELETE FROM sign_in_failures
         WHERE user_seq = (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2)",
        &[&pool_id, &user_key],
    )
    .await?;
    Ok(())
}

// --- cascades and purges

/// Deletes what a user's deletion does not cascade to: its sessions, which name the user by
/// key only.
pub async fn delete_user_sessions<C: GenericClient>(c: &C, pool_id: &str, user_key: &str) -> R<()> {
    execute(c, "DELETE FROM sessions WHERE pool_id = $1 AND user_key = $2", &[&pool_id, &user_key]).await?;
    Ok(())
}

/// The periodic purge at `now_ms` (`Store::purge_expired`): returns the rows removed.
pub async fn purge_expired<C: GenericClient>(c: &C, now_ms: i64) -> R<u64> {
    purge(c, Horizon::at_now(now_ms), PERIODIC_BATCH).await
}

/// Removes at most `limit` long-expired sessions, token families (with their tokens) and
/// refresh tokens each (see `store::retention`); returns how many rows went. Rows another
/// transaction holds are skipped, so instances purging at once neither wait for nor deadlock
/// with each other.
async fn purge<C: GenericClient>(c: &C, horizon: Horizon, limit: i64) -> R<u64> {
    let statements = [
        (
            "DELETE FROM sessions WHERE id_hash IN
                 (SELECT id_hash FROM sessions WHERE expires_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            horizon.sessions,
        ),
        (
            "DELETE FROM token_families WHERE (pool_id, origin_jti) IN
                 (SELECT pool_id, origin_jti FROM token_families WHERE expires_ms < $1
                  LIMIT $2 FOR UPDATE SKIP LOCKED)",
            horizon.refresh,
        ),
        (
            "DELETE FROM refresh_tokens WHERE hash IN
                 (SELECT hash FROM refresh_tokens WHERE expires_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            horizon.refresh,
        ),
    ];
    let mut removed = 0;
    for (sql, before) in statements {
        removed += execute(c, sql, &[&before, &limit]).await?;
    }
    Ok(removed)
}

/// Every row of sign-in state (`reset`), children first.
pub const RESET: &str = "DELETE FROM refresh_tokens; DELETE FROM token_families; DELETE FROM sign_in_failures;
     DELETE FROM sessions;";
