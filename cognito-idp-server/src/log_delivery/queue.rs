//! The queue records wait in and the task that sends them: batches by time window, one call
//! per destination and batch, bounded retries, and the journal of outcomes. Knows nothing of
//! pools' configurations ([`super`] decides where a record goes).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

use super::destinations::{Clients, Destination, Endpoints, Line};

/// How long the queue collects records before a batch goes.
pub const BATCH_WINDOW: Duration = Duration::from_millis(200);
/// The most records in one batch (`PutRecordBatch` takes 500 at most; `PutLogEvents` 10,000).
pub const BATCH_MAX: usize = 500;
/// Calls per batch at most (the first and the retries).
pub const ATTEMPTS: u32 = 3;
/// The pause before the first retry (doubled before each next one).
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// How many batch outcomes the journal keeps.
pub const KEPT: usize = 1000;

/// The event sources a pool exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// `userNotification`: email and SMS message delivery errors (`ERROR`).
    UserNotification,
    /// `userAuthEvents`: threat protection's user activity (`INFO`).
    UserAuthEvents,
}

impl Source {
    /// The API's name (`EventSourceName`).
    pub fn name(self) -> &'static str {
        match self {
            Source::UserNotification => "userNotification",
            Source::UserAuthEvents => "userAuthEvents",
        }
    }
}

/// One record on its way.
pub(crate) struct Job {
    pub(crate) pool_id: String,
    pub(crate) source: Source,
    pub(crate) destination: Destination,
    pub(crate) line: Line,
}

/// The outcome of one batch.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The pool.
    pub user_pool_id: String,
    /// `userNotification` or `userAuthEvents`.
    pub event_source: &'static str,
    /// `cloudWatchLogs`, `s3` or `firehose`.
    pub destination: &'static str,
    /// The destination's ARN.
    pub arn: String,
    /// Records in the batch.
    pub records: usize,
    /// Calls made.
    pub attempts: u32,
    /// `delivered` or `failed`.
    pub outcome: &'static str,
    /// The last failure, if any.
    pub error: Option<String>,
}

/// What the handlers hand records to. Cheap to clone.
#[derive(Clone)]
pub struct Deliverer {
    inner: Arc<Inner>,
}

struct Inner {
    clients: Clients,
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
    journal: Mutex<VecDeque<Delivery>>,
}

impl Default for Deliverer {
    fn default() -> Self {
        Deliverer::new(Endpoints::resolve(None, None, None), "us-east-1", "000000000000")
    }
}

impl Deliverer {
    /// Delivers through `endpoints`, for a server in `region` of account `account`.
    pub fn new(endpoints: Endpoints, region: &str, account: &str) -> Deliverer {
        let clients = Clients::new(endpoints, region, account);
        Deliverer { inner: Arc::new(Inner { clients, queue: OnceLock::new(), journal: Mutex::default() }) }
    }

    /// The batches' outcomes so far, oldest first, of pool `pool_id` if given.
    pub fn journal(&self, pool_id: Option<&str>) -> Vec<Delivery> {
        let journal = self.inner.journal.lock().unwrap_or_else(|e| e.into_inner());
        journal.iter().filter(|d| pool_id.is_none_or(|p| d.user_pool_id == p)).cloned().collect()
    }

    /// Forgets the journal (`/_local/reset`).
    pub fn clear(&self) {
        self.inner.journal.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub(crate) fn enqueue(&self, job: Job) {
        let queue = self.inner.queue.get_or_init(|| {
            let (send, receive) = mpsc::unbounded_channel();
            tokio::spawn(run(Arc::downgrade(&self.inner), receive));
            send
        });
        if queue.send(job).is_err() {
            tracing::warn!("the log delivery queue is gone; a record was dropped");
        }
    }
}

/// The queue's task: batches by time window, sends each destination's part on its own task.
/// Ends when the deliverer is dropped.
async fn run(inner: std::sync::Weak<Inner>, mut receive: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receive.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
        while batch.len() < BATCH_MAX {
            match tokio::time::timeout_at(deadline, receive.recv()).await {
                Ok(Some(job)) => batch.push(job),
                _ => break,
            }
        }
        let Some(inner) = inner.upgrade() else { return };
        let mut groups: Vec<((String, Source, Destination), Vec<Line>)> = Vec::new();
        for job in batch {
            let key = (job.pool_id, job.source, job.destination);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, lines)) => lines.push(job.line),
                None => groups.push((key, vec![job.line])),
            }
        }
        for ((pool_id, source, destination), lines) in groups {
            tokio::spawn(send_batch(inner.clone(), pool_id, source, destination, lines));
        }
    }
}

/// Sends one destination's records, retrying, and journals the outcome.
async fn send_batch(
    inner: Arc<Inner>,
    pool_id: String,
    source: Source,
    destination: Destination,
    mut lines: Vec<Line>,
) {
    let records = lines.len();
    let mut pause = FIRST_PAUSE;
    let mut attempts = 0;
    let mut error = None;
    while attempts < ATTEMPTS {
        attempts += 1;
        match inner.clients.send(&destination, &pool_id, source.name(), &mut lines).await {
            Ok(()) => {
                error = None;
                break;
            }
            Err(failure) => {
                error = Some(failure.message);
                if attempts < ATTEMPTS {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
            }
        }
    }
    let delivery = Delivery {
        user_pool_id: pool_id,
        event_source: source.name(),
        destination: destination.kind(),
        arn: destination.arn().to_owned(),
        records,
        attempts,
        outcome: if error.is_none() { "delivered" } else { "failed" },
        error,
    };
    match &delivery.error {
        None => {
            tracing::info!(pool = %delivery.user_pool_id, source = delivery.event_source, destination = %delivery.arn, records, "logs delivered")
        }
        Some(e) => {
            tracing::warn!(pool = %delivery.user_pool_id, source = delivery.event_source, destination = %delivery.arn, records, attempts, error = %e, "log delivery failed")
        }
    }
    let mut journal = inner.journal.lock().unwrap_or_else(|e| e.into_inner());
    if journal.len() == KEPT {
        journal.pop_front();
    }
    journal.push_back(delivery);
}
