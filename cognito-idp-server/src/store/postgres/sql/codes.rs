//! The one-time codes' statements.

use super::*;

pub async fn put_code<C: GenericClient>(
    c: &C,
    pool_id: &str,
    user_key: &str,
    purpose: &str,
    code: &CodeRecord,
    outbox: &[OutboxMessage],
) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    execute(
        c,
        "INSERT INTO codes (user_seq, purpose, hash, expires_ms, attempts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_seq, purpose) DO UPDATE
         SET hash = EXCLUDED.hash, expires_ms = EXCLUDED.expires_ms, attempts = EXCLUDED.attempts",
        &[&user, &purpose, &code.hash, &code.expires_ms, &code.attempts],
    )
    .await?;
    insert_outbox(c, outbox).await
}

pub async fn get_code<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<CodeRecord> {
    // One statement: the user's existence and its code, as one snapshot.
    let row = query_opt(
        c,
        "SELECT u.seq, k.hash, k.expires_ms, k.attempts FROM users u
         LEFT JOIN codes k ON k.user_seq = u.seq AND k.purpose = $3
         WHERE u.pool_id = $1 AND u.username_key = $2",
        &[&pool_id, &user_key, &purpose],
    )
    .await?
    .ok_or(Fail::Store(StoreError::NotFound))?;
    let Some(hash) = row.try_get::<_, Option<String>>(1)? else {
        return Err(Fail::Store(StoreError::NotFound));
    };
    Ok(CodeRecord { hash, expires_ms: row.try_get(2)?, attempts: row.try_get(3)? })
}

pub async fn code_failed<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<i64> {
    // The row lock UPDATE takes makes concurrent wrong guesses (from any instance) count one
    // after the other.
    let row = query_opt(
        c,
        "UPDATE codes SET attempts = attempts + 1
         WHERE purpose = $3 AND user_seq = (SELECT seq FROM users WHERE pool_id = $1 AND username_key = $2)
         RETURNING attempts",
        &[&pool_id, &user_key, &purpose],
    )
    .await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(Fail::Store(StoreError::NotFound)),
    }
}

pub async fn delete_code<C: GenericClient>(c: &C, pool_id: &str, user_key: &str, purpose: &str) -> R<()> {
    let user = user_seq(c, pool_id, user_key).await?;
    execute(c, "DELETE FROM codes WHERE user_seq = $1 AND purpose = $2", &[&user, &purpose]).await?;
    Ok(())
}
