//! Runs started import jobs: a background task per instance that finds the oldest started
//! job (its [`RunMarker`]), leases it, and imports its file chunk by chunk, writing the counts
//! and the next chunk into the job after each one.
//!
//! - **One job at a time.** AWS runs one import job at a time per account ("Only one import
//!   job can be active at a time per account", AWS's guide, "Starting a user import job"): the
//!   oldest started job runs, the others stay `Pending`.
//! - **One instance at a time.** The marker's lease (an optimistic write of the marker, so two
//!   instances cannot both take it) names the instance running the job until a time of the
//!   machine's own clock, renewed between chunks; an instance that stops leaves a lease that
//!   runs out, and another takes the job over from its last checkpoint.
//! - **A restart loses nothing.** A chunk interrupted before its checkpoint is imported again;
//!   its users that exist already and carry this job's id count as imported, not skipped.
//! - **Stopping** is a write of the job's status by `StopUserImportJob`; the runner sees it at
//!   its next checkpoint, which then records `Stopped`.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_idp::types::UserImportJobStatusType;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::job::{Chunk, ImportJob, RunMarker, chunk_key};
use super::upload::discard;
use crate::clock::timestamp;
use crate::domain::attributes::{Schema, alias_taken_message};
use crate::domain::ids;
use crate::domain::user_csv::{self, Columns, MAX_FILE_BYTES, MAX_USERS};
use crate::handlers::mfa::{SMS_MFA, UserMfa};
use crate::handlers::{Pool, load_pool, resolve_username, user_aliases};
use crate::state::Cognito;
use crate::store::resources::{self, Resource, Stored};
use crate::store::{AliasConflict, Store, StoreError, StoreResult, UserRecord};

/// Where an imported user keeps the id of the job that created it (in `UserRecord::extra`).
pub const IMPORT_KEY: &str = "importJob";

/// How often a runner looks for work when nothing woke it.
const POLL: Duration = Duration::from_secs(1);
/// How long a lease lasts without renewal.
const LEASE_MS: i64 = 15_000;
/// A lease is renewed when less than this is left.
const RENEW_BELOW_MS: i64 = 10_000;
/// Users of a chunk created at once: enough for the store to commit them together.
const CONCURRENCY: usize = 32;

/// Wakes the runners of this process (`StartUserImportJob` calls it, so a job starts at once;
/// other instances find it on their next look).
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Tells the runners of this process to look for work now.
pub fn wake() {
    WAKE.notify_waiters();
}

fn machine_now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The runner of one instance: looks for work whenever woken and every [`POLL`].
pub async fn run<S: Store + Clone>(svc: Cognito<S>) {
    let me = ids::sub();
    loop {
        tokio::select! {
            _ = WAKE.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
        if let Err(e) = round(&svc, &me).await {
            tracing::warn!(error = %e, "running user import jobs failed; trying again later");
        }
    }
}

/// Finds the oldest started job and runs it if no other instance holds it.
async fn round<S: Store + Clone>(svc: &Cognito<S>, me: &str) -> StoreResult<()> {
    let mut after = 0;
    loop {
        let page = svc.store.list_resources_of_kind(RunMarker::KIND, after, 50).await?;
        for record in page.items {
            let marker = match resources::get::<S, RunMarker>(&svc.store, &record.pool_id, &record.key).await {
                Ok(marker) => marker,
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            let job = match resources::get::<S, ImportJob>(&svc.store, &marker.pool_id, &marker.value.job_id).await {
                Ok(job) => job,
                Err(StoreError::NotFound) => {
                    forget(svc, &marker.pool_id, &marker.value.job_id).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match job.value.status() {
                // StartUserImportJob writes the marker first, then the job's status.
                "Created" => continue,
                "Pending" | "InProgress" | "Stopping" => {}
                _ => {
                    forget(svc, &marker.pool_id, &marker.value.job_id).await;
                    continue;
                }
            }
            if let Some(lease) = claim(svc, marker, me).await? {
                tracing::info!(job_id = %lease.value.job_id, "running a user import job");
                execute(svc, lease).await?;
            }
            return Ok(());
        }
        match page.next {
            Some(next) => after = next,
            None => return Ok(()),
        }
    }
}

/// Takes the marker's lease if it is free, run out or already this instance's.
async fn claim<S: Store>(
    svc: &Cognito<S>,
    mut marker: Stored<RunMarker>,
    me: &str,
) -> StoreResult<Option<Stored<RunMarker>>> {
    let now = machine_now_ms();
    if marker.value.owner.as_deref().is_some_and(|owner| owner != me) && marker.value.lease_until_ms > now {
        return Ok(None);
    }
    marker.value.owner = Some(me.to_owned());
    marker.value.lease_until_ms = now + LEASE_MS;
    match resources::update(&svc.store, marker).await {
        Ok(lease) => Ok(Some(lease)),
        Err(StoreError::Conflict | StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Renews the lease when it runs low; false when another instance has taken the job.
async fn renew<S: Store>(svc: &Cognito<S>, lease: &mut Stored<RunMarker>) -> StoreResult<bool> {
    let now = machine_now_ms();
    if lease.value.lease_until_ms - now > RENEW_BELOW_MS {
        return Ok(true);
    }
    let mut next = lease.clone();
    next.value.lease_until_ms = now + LEASE_MS;
    match resources::update(&svc.store, next).await {
        Ok(renewed) => {
            *lease = renewed;
            Ok(true)
        }
        Err(StoreError::Conflict | StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes a finished job's marker.
async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, job_id: &str) {
    match resources::delete::<S, RunMarker>(&svc.store, pool_id, job_id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, job_id, "removing a finished import job's marker failed"),
    }
}

/// Users of one chunk by outcome.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    imported: i64,
    skipped: i64,
    failed: i64,
}

/// What became of one line.
enum Outcome {
    Imported,
    Skipped(&'static str),
    Failed(String),
    /// The pool is gone: the job ends.
    Abort,
}

/// The completion messages: the guide's samples for a stopped job and one whose users all
/// failed; the others are ours.
const STOPPED: &str = "The Import Job was stopped by the developer.";
const TOO_MANY_FAILED: &str = "Too many users have failed or been skipped during the import.";
const SUCCEEDED: &str = "Import Job Completed Successfully.";

/// Runs a leased job from its last checkpoint to its end (or until it is stopped, or another
/// instance takes it).
async fn execute<S: Store + Clone>(svc: &Cognito<S>, mut lease: Stored<RunMarker>) -> StoreResult<()> {
    let pool_id = lease.pool_id.clone();
    let job_id = lease.value.job_id.clone();
    let started = resources::modify(&svc.store, &pool_id, &job_id, |job: &mut ImportJob| {
        if job.status() == "Pending" {
            job.job.status = Some(UserImportJobStatusType::InProgress);
        }
        Ok::<_, StoreError>(())
    })
    .await?;
    let job = started.value;
    if job.status() != "InProgress" {
        return finish(svc, &pool_id, &job_id, UserImportJobStatusType::Stopped, STOPPED).await;
    }
    let pool = match load_pool(svc, &pool_id).await {
        Ok(pool) => pool,
        Err(_) => return Ok(()),
    };
    let Some(upload) = job.upload.clone() else {
        let message = "No CSV file was uploaded to the job's pre-signed URL.";
        return finish(svc, &pool_id, &job_id, UserImportJobStatusType::Failed, message).await;
    };
    if upload.users as usize > MAX_USERS || upload.bytes as usize > MAX_FILE_BYTES {
        let message = "The CSV file has more than 500,000 users or 100 MB.";
        return finish(svc, &pool_id, &job_id, UserImportJobStatusType::Failed, message).await;
    }
    let schema = Arc::new(Schema::of(&pool.doc));
    let columns = match Columns::parse(&upload.header, &user_csv::header(&schema)) {
        Ok(columns) => Arc::new(columns),
        Err(message) => return finish(svc, &pool_id, &job_id, UserImportJobStatusType::Failed, &message).await,
    };
    for index in job.next_chunk..upload.chunks {
        let key = chunk_key(&job_id, &upload.id, index);
        let chunk = match resources::get::<S, Chunk>(&svc.store, &pool_id, &key).await {
            Ok(chunk) => chunk.value,
            Err(StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        };
        let Some(counts) = import_chunk(svc, &pool, &schema, &columns, &job_id, chunk).await else { return Ok(()) };
        let mut stopped = false;
        let checkpoint = resources::modify(&svc.store, &pool_id, &job_id, |job: &mut ImportJob| {
            // Another instance got here first (this one's lease ran out meanwhile).
            if job.next_chunk != index {
                return Err(StoreError::Conflict);
            }
            job.next_chunk = index + 1;
            let add = |n: &mut Option<i64>, k: i64| *n = Some(n.unwrap_or(0) + k);
            add(&mut job.job.imported_users, counts.imported);
            add(&mut job.job.skipped_users, counts.skipped);
            add(&mut job.job.failed_users, counts.failed);
            stopped = job.status() == "Stopping";
            Ok(())
        })
        .await;
        match checkpoint {
            Ok(_) => {}
            Err(StoreError::Conflict | StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(e),
        }
        if stopped {
            return finish(svc, &pool_id, &job_id, UserImportJobStatusType::Stopped, STOPPED).await;
        }
        if !renew(svc, &mut lease).await? {
            return Ok(());
        }
    }
    let done = resources::get::<S, ImportJob>(&svc.store, &pool_id, &job_id).await?.value.job;
    let imported = done.imported_users.unwrap_or(0);
    let others = done.skipped_users.unwrap_or(0) + done.failed_users.unwrap_or(0);
    // The guide's sample of a failed job shows no user imported and all of them failed.
    if imported == 0 && others > 0 {
        finish(svc, &pool_id, &job_id, UserImportJobStatusType::Failed, TOO_MANY_FAILED).await
    } else {
        finish(svc, &pool_id, &job_id, UserImportJobStatusType::Succeeded, SUCCEEDED).await
    }
}

/// Records the job's end (a job being stopped ends `Stopped` whatever else happened), removes
/// its file and its marker.
async fn finish<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    job_id: &str,
    status: UserImportJobStatusType,
    message: &str,
) -> StoreResult<()> {
    let now = timestamp(svc.clock.now_ms());
    let written = resources::modify(&svc.store, pool_id, job_id, |job: &mut ImportJob| {
        let (status, message) = if job.status() == "Stopping" {
            (UserImportJobStatusType::Stopped, STOPPED)
        } else {
            (status.clone(), message)
        };
        job.job.status = Some(status);
        job.job.completion_message = Some(message.to_owned());
        job.job.completion_date = Some(now);
        Ok::<_, StoreError>(())
    })
    .await;
    let job = match written {
        Ok(job) => job.value,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    tracing::info!(job_id, status = job.status(), "user import job finished");
    if let Some(upload) = &job.upload {
        discard(svc, pool_id, job_id, &upload.id, upload.chunks).await;
    }
    forget(svc, pool_id, job_id).await;
    Ok(())
}

/// Imports the lines of a chunk, [`CONCURRENCY`] at a time; `None` when the pool is gone.
async fn import_chunk<S: Store + Clone>(
    svc: &Cognito<S>,
    pool: &Arc<Pool>,
    schema: &Arc<Schema>,
    columns: &Arc<Columns>,
    job_id: &str,
    chunk: Chunk,
) -> Option<Counts> {
    let mut counts = Counts::default();
    let mut aborted = false;
    let mut tally = |number: u64, outcome: Result<Outcome, tokio::task::JoinError>| match outcome {
        Ok(Outcome::Imported) => {
            counts.imported += 1;
            tracing::debug!(job_id, "[SUCCEEDED] Line Number {number} - The import succeeded.");
        }
        Ok(Outcome::Skipped(reason)) => {
            counts.skipped += 1;
            tracing::info!(job_id, "[SKIPPED] Line Number {number} - {reason}");
        }
        Ok(Outcome::Failed(reason)) => {
            counts.failed += 1;
            tracing::info!(job_id, "[FAILED] Line Number {number} - {reason}");
        }
        Ok(Outcome::Abort) => aborted = true,
        Err(e) => {
            counts.failed += 1;
            tracing::error!(job_id, error = %e, "[FAILED] Line Number {number} - The user couldn't be imported due to an internal error.");
        }
    };
    let mut running = JoinSet::new();
    for (offset, line) in chunk.lines.into_iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        while running.len() >= CONCURRENCY {
            match running.join_next().await {
                Some(Ok((number, outcome))) => tally(number, Ok(outcome)),
                Some(Err(e)) => tally(0, Err(e)),
                None => break,
            }
        }
        let number = chunk.first_line + offset as u64;
        let (svc, pool, schema, columns, job_id) =
            (svc.clone(), pool.clone(), schema.clone(), columns.clone(), job_id.to_owned());
        running.spawn(async move { (number, import_line(&svc, &pool, &schema, &columns, &job_id, &line).await) });
    }
    while let Some(joined) = running.join_next().await {
        match joined {
            Ok((number, outcome)) => tally(number, Ok(outcome)),
            Err(e) => tally(0, Err(e)),
        }
    }
    if aborted { None } else { Some(counts) }
}

/// Creates the user of one line: `RESET_REQUIRED`, without a password, with the line's `sub`
/// if it gives one (AWS's guide: "your users will be in a RESET_REQUIRED state when imported").
async fn import_line<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    schema: &Schema,
    columns: &Columns,
    job_id: &str,
    line: &str,
) -> Outcome {
    let row = match user_csv::row(line, columns, &pool.doc, schema) {
        Ok(row) => row,
        Err(reason) => return Outcome::Failed(reason),
    };
    let sub = row.sub.clone().unwrap_or_else(ids::sub);
    let mut attributes = row.attributes;
    let username = match resolve_username(pool, &row.username, &sub, &mut attributes) {
        Ok(username) => username,
        Err(e) => return Outcome::Failed(e.message),
    };
    let now = svc.clock.now_ms();
    let key = pool.username_key(&username);
    let mut user = UserRecord {
        pool_id: pool.id().to_owned(),
        username_key: key.clone(),
        username,
        sub: sub.clone(),
        status: "RESET_REQUIRED".into(),
        enabled: true,
        created_ms: now,
        modified_ms: now,
        attributes: std::iter::once(("sub".to_owned(), sub)).chain(attributes).collect(),
        ..Default::default()
    };
    user.extra.insert(IMPORT_KEY.to_owned(), job_id.into());
    if row.mfa_enabled {
        let mut mfa = UserMfa::default();
        mfa.set_enabled(SMS_MFA, true);
        mfa.store_in(&mut user);
    }
    let aliases = user_aliases(pool, &user);
    match svc.store.insert_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
        Ok(_) => Outcome::Imported,
        Err(StoreError::UsernameExists) => match svc.store.get_user(pool.id(), &key).await {
            // Imported by this job before a restart interrupted its chunk.
            Ok(existing) if existing.extra.get(IMPORT_KEY).and_then(|v| v.as_str()) == Some(job_id) => {
                Outcome::Imported
            }
            Ok(_) => Outcome::Skipped("The user already exists."),
            // Not the username: the `sub` the line gives is another user's.
            Err(StoreError::NotFound) => Outcome::Failed("Another user of the user pool has this sub.".into()),
            Err(_) => Outcome::Failed("The user couldn't be imported due to an internal error.".into()),
        },
        Err(StoreError::AliasExists(kind)) => Outcome::Failed(alias_taken_message(&kind)),
        Err(StoreError::NotFound) => Outcome::Abort,
        Err(e) => {
            tracing::error!(error = %e, job_id, "importing a user failed");
            Outcome::Failed("The user couldn't be imported due to an internal error.".into())
        }
    }
}
