//! What an import job keeps, as pool-owned resources: the job itself ([`ImportJob`]), the
//! lines of its uploaded file ([`Chunk`]), and, while it is started and not finished, a
//! [`RunMarker`] that the runners of every instance look for and lease.

use cognito_idp::types::{UserImportJobStatusType, UserImportJobType};
use serde::{Deserialize, Serialize};

use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError, StoreResult};

/// How long a created job may wait to be started before it expires. AWS's guide gives
/// "24-48 hours" ("Status values for a user import job"); this server takes the first.
pub const EXPIRES_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// A user import job: the API's document and what the server keeps beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    /// What `DescribeUserImportJob` answers (counts and status as of the last checkpoint).
    pub job: UserImportJobType,
    /// The access key id in the pre-signed URL's credential.
    pub access_key_id: String,
    /// The secret the pre-signed URL is signed with (random per job; the URL is the only
    /// thing it signs, and the job's document is only read by this server).
    pub signing_secret: String,
    /// The file uploaded to the pre-signed URL, once one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<Upload>,
    /// The next chunk of the file to import: chunks before it are done and counted.
    #[serde(default)]
    pub next_chunk: u64,
}

/// An uploaded file: its header and where its lines are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    /// Names this upload's chunks (a new upload replaces the chunks of the one before).
    pub id: String,
    /// The first line.
    pub header: String,
    /// How many chunks of lines follow it.
    pub chunks: u64,
    /// How many lines (users) they hold.
    pub users: u64,
    /// The file's size in bytes.
    pub bytes: u64,
}

impl Resource for ImportJob {
    const KIND: &'static str = "user_import_job";

    fn key(&self) -> String {
        self.job.job_id.clone().unwrap_or_default()
    }
}

impl ImportJob {
    /// The job's id.
    pub fn id(&self) -> &str {
        self.job.job_id.as_deref().unwrap_or("")
    }

    /// The status as stored.
    pub fn status(&self) -> &str {
        self.job.status.as_ref().map(|s| s.as_str()).unwrap_or("Created")
    }

    /// The job as the API shows it at `now_ms`: a job still `Created` a day after it was
    /// created has expired.
    pub fn view(&self, now_ms: i64) -> UserImportJobType {
        let mut job = self.job.clone();
        if self.expired(now_ms) {
            job.status = Some(UserImportJobStatusType::Expired);
        }
        job
    }

    /// Whether the job was never started and is now too old to be.
    pub fn expired(&self, now_ms: i64) -> bool {
        let created_ms = self.job.creation_date.as_ref().map_or(0, |d| (d.as_secs_f64() * 1000.0) as i64);
        self.status() == "Created" && now_ms - created_ms > EXPIRES_AFTER_MS
    }

    /// Whether the job has finished (or can no longer run).
    pub fn finished(&self) -> bool {
        matches!(self.status(), "Succeeded" | "Failed" | "Stopped" | "Expired")
    }
}

/// The key of chunk `index` of upload `upload` of job `job`.
pub fn chunk_key(job: &str, upload: &str, index: u64) -> String {
    format!("{job}/{upload}/{index:07}")
}

/// Lines of an uploaded file (at most [`CHUNK_LINES`]), read and imported as one piece.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chunk {
    /// [`chunk_key`].
    pub key: String,
    /// The line number (in the file, the header being line 1) of the first line.
    pub first_line: u64,
    /// The lines, without their line ends.
    pub lines: Vec<String>,
}

/// Most lines in a chunk: a chunk is imported between two checkpoints.
pub const CHUNK_LINES: usize = 1000;

impl Resource for Chunk {
    const KIND: &'static str = "user_import_file";

    fn key(&self) -> String {
        self.key.clone()
    }
}

/// A started job's place in the queue, and which instance runs it until when. The runners
/// look for these across pools (the oldest first: one job runs at a time, as AWS runs one
/// import job at a time per account) and take one over when its lease has run out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunMarker {
    /// The job.
    pub job_id: String,
    /// The instance running it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Until when (milliseconds since the epoch, the machine's own time) the owner holds it.
    #[serde(default)]
    pub lease_until_ms: i64,
}

impl Resource for RunMarker {
    const KIND: &'static str = "user_import_run";

    fn key(&self) -> String {
        self.job_id.clone()
    }
}

/// Whether a job of the pool is started and not finished (`Pending`, `InProgress` or
/// `Stopping`): AWS refuses changes to the pool's configuration meanwhile
/// (`UserImportInProgressException`, which `UpdateUserPool`, `DeleteUserPool` and
/// `AddCustomAttributes` model).
pub async fn in_progress<S: Store>(store: &S, pool_id: &str) -> StoreResult<bool> {
    let mut after = 0;
    loop {
        let page = resources::list::<S, RunMarker>(store, pool_id, after, 50).await?;
        for marker in &page.items {
            match resources::get::<S, ImportJob>(store, pool_id, &marker.value.job_id).await {
                Ok(job) if matches!(job.value.status(), "Pending" | "InProgress" | "Stopping") => return Ok(true),
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        match page.next {
            Some(next) => after = next,
            None => return Ok(false),
        }
    }
}
