//! What belongs to no pool's records: the outbox, tags (by ARN) and settings.

use super::*;

pub async fn insert_outbox<C: GenericClient>(c: &C, messages: &[OutboxMessage]) -> R<()> {
    for m in messages {
        execute(
            c,
            "INSERT INTO outbox (pool_id, username, kind, medium, destination, code, time_ms, message, subject)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &m.pool_id,
                &m.username,
                &m.kind,
                &m.medium,
                &text(&m.destination),
                &m.code,
                &m.time_ms,
                &m.message.as_deref().map(text),
                &m.subject.as_deref().map(text),
            ],
        )
        .await?;
    }
    Ok(())
}

pub async fn list_outbox<C: GenericClient>(
    c: &C,
    pool_id: Option<&str>,
    username: Option<&str>,
) -> R<Vec<OutboxMessage>> {
    let rows = query(
        c,
        "SELECT seq, pool_id, username, kind, medium, destination, code, time_ms, message, subject FROM outbox
         WHERE ($1::text IS NULL OR pool_id = $1) AND ($2::text IS NULL OR username = $2) ORDER BY seq",
        &[&pool_id, &username],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMessage {
                seq: r.try_get(0)?,
                pool_id: r.try_get(1)?,
                username: r.try_get(2)?,
                kind: r.try_get(3)?,
                medium: r.try_get(4)?,
                destination: r.try_get(5)?,
                code: r.try_get(6)?,
                time_ms: r.try_get(7)?,
                message: r.try_get(8)?,
                subject: r.try_get(9)?,
            })
        })
        .collect()
}

pub async fn tag<C: GenericClient>(c: &C, resource: &str, tags: &[(String, String)]) -> R<()> {
    for (key, value) in tags {
        execute(
            c,
            "INSERT INTO tags (resource, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (resource, key) DO UPDATE SET value = EXCLUDED.value",
            &[&resource, &text(key), &text(value)],
        )
        .await?;
    }
    Ok(())
}

pub async fn untag<C: GenericClient>(c: &C, resource: &str, keys: &[String]) -> R<()> {
    for key in keys {
        execute(c, "DELETE FROM tags WHERE resource = $1 AND key = $2", &[&resource, &text(key)]).await?;
    }
    Ok(())
}

pub async fn tags<C: GenericClient>(c: &C, resource: &str) -> R<Vec<(String, String)>> {
    let rows = query(c, "SELECT key, value FROM tags WHERE resource = $1 ORDER BY key", &[&resource]).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

pub async fn get_setting<C: GenericClient>(c: &C, key: &str) -> R<Option<String>> {
    match query_opt(c, "SELECT value FROM settings WHERE key = $1", &[&key]).await? {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

pub async fn set_setting<C: GenericClient>(c: &C, key: &str, value: &str) -> R<()> {
    execute(
        c,
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[&key, &text(value)],
    )
    .await?;
    Ok(())
}
