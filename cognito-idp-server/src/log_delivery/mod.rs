//! Delivery of a pool's exported logs to the destinations its `SetLogDeliveryConfiguration`
//! names ([`crate::handlers::log_delivery`]): CloudWatch Logs, S3 or Firehose
//! ([`destinations`]).
//!
//! [`deliver`] is the one entry point: whoever makes a record (message delivery errors here,
//! [`user_notification_error`]; threat protection's sign-in events elsewhere) calls it with the
//! pool, the event source and the record's JSON. If the pool exports that source, the record
//! joins a queue and the call returns; nothing about delivery reaches the operation, as AWS's
//! delivery is "best effort" (the guide). A background task (started with the first record)
//! takes what arrived within [`queue::BATCH_WINDOW`] (at most [`queue::BATCH_MAX`] records), sends each
//! destination's records in one call, and tries a failed call [`queue::ATTEMPTS`] times in all with a
//! growing pause. Every batch's outcome is logged and kept in a bounded journal that
//! `GET /_local/log-deliveries` shows.

pub mod destinations;
pub mod queue;

use serde_json::{Value, json};

use crate::handlers::log_delivery::configuration;
use crate::state::Cognito;
use crate::store::Store;

use destinations::Line;
pub use destinations::{Destination, Endpoints};
use queue::Job;
pub use queue::{Deliverer, Delivery, Source};

/// Hands `record` (one log record's JSON) to the pool's destination for `source`, if the pool
/// exports that source; returns at once (see the module's documentation). Never fails: a pool
/// whose configuration cannot be read logs a warning and delivers nothing.
pub async fn deliver<S: Store>(svc: &Cognito<S>, pool_id: &str, source: Source, record: Value) {
    let config = match configuration(svc, pool_id).await {
        Ok(config) => config,
        Err(e) => {
            tracing::warn!(pool = pool_id, error = %e, "reading the log delivery configuration failed");
            return;
        }
    };
    let Some(entry) = config.log_configurations.iter().find(|c| c.event_source.as_str() == source.name()) else {
        return;
    };
    let destination =
        if let Some(arn) = entry.cloud_watch_logs_configuration.as_ref().and_then(|c| c.log_group_arn.clone()) {
            Destination::CloudWatchLogs(arn)
        } else if let Some(arn) = entry.s3_configuration.as_ref().and_then(|c| c.bucket_arn.clone()) {
            Destination::S3(arn)
        } else if let Some(arn) = entry.firehose_configuration.as_ref().and_then(|c| c.stream_arn.clone()) {
            Destination::Firehose(arn)
        } else {
            return;
        };
    let time_ms = record
        .get("eventTimestamp")
        .and_then(|t| t.as_str().and_then(|s| s.parse().ok()).or(t.as_i64()))
        .unwrap_or_else(|| svc.clock.now_ms());
    let line = Line { time_ms, text: record.to_string() };
    svc.logs.enqueue(Job { pool_id: pool_id.to_owned(), source, destination, line });
}

/// Exports threat protection's event of `user` as a `userAuthEvents` record: the envelope of
/// the `userNotification` records (`eventTimestamp`, `eventSource` `USER_AUTH_EVENTS`,
/// `logLevel` `INFO`, `logSourceId.userPoolId`) around the event as `AdminListUserAuthEvents`
/// shows it, with the user's name and `sub`. AWS's guide shows no example of these records, so
/// the shape of `message` is ours.
pub async fn user_auth_event<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    username: &str,
    sub: &str,
    event: &cognito_idp::types::AuthEventType,
) {
    let mut message = serde_json::to_value(event).unwrap_or_else(|_| json!({}));
    if let Some(object) = message.as_object_mut() {
        object.insert("UserName".into(), username.into());
        object.insert("UserSub".into(), sub.into());
    }
    let record = json!({
        "eventTimestamp": svc.clock.now_ms().to_string(),
        "eventSource": "USER_AUTH_EVENTS",
        "logLevel": "INFO",
        "message": message,
        "logSourceId": {"userPoolId": pool_id},
    });
    deliver(svc, pool_id, Source::UserAuthEvents, record).await;
}

/// Exports a message delivery error of the pool as AWS's `userNotification` record (the guide's
/// example event: `eventTimestamp` in ms as a string, `eventSource` `USER_NOTIFICATION`,
/// `logLevel` `ERROR`, `message.details`, `logSourceId.userPoolId`).
pub async fn user_notification_error<S: Store>(svc: &Cognito<S>, pool_id: &str, details: &str) {
    let record = json!({
        "eventTimestamp": svc.clock.now_ms().to_string(),
        "eventSource": "USER_NOTIFICATION",
        "logLevel": "ERROR",
        "message": {"details": details},
        "logSourceId": {"userPoolId": pool_id},
    });
    deliver(svc, pool_id, Source::UserNotification, record).await;
}
