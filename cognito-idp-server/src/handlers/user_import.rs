//! User import: `GetCSVHeader`, `CreateUserImportJob`, `StartUserImportJob`,
//! `StopUserImportJob`, `DescribeUserImportJob`, `ListUserImportJobs`. The job is a pool-owned
//! resource; its file arrives at the pre-signed URL (`user_import::upload`) and a started job
//! is run by `user_import::runner`.
//!
//! The states are AWS's ("Status values for a user import job", AWS's guide): `Created` until
//! started (`Expired` a day later if never started), then `Pending` until the runner takes it,
//! `InProgress` while users are created, and `Succeeded` or `Failed`; a stop makes a pending
//! job `Stopped` at once and a running one `Stopping` until its next checkpoint.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use rand::Rng;
use rand::distributions::{Alphanumeric, Uniform};

use crate::clock::timestamp;
use crate::domain::attributes::Schema;
use crate::domain::user_csv;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Stored};
use crate::store::{Store, StoreError};
use crate::user_import::job::{ImportJob, RunMarker};
use crate::user_import::presign::{self, Presign};
use crate::user_import::{runner, upload};

/// Most jobs read at once while listing.
const LIST_BATCH: usize = 60;

fn random(length: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::thread_rng();
    let pick = Uniform::from(0..alphabet.len());
    (0..length).map(|_| alphabet[rng.sample(pick)] as char).collect()
}

fn job_not_found(job_id: &str) -> ApiError {
    ApiError::resource_not_found(format!("Import job {job_id} does not exist."))
}

fn not_in_state(job_id: &str, wanted: &str) -> ApiError {
    ApiError::new(ErrorCode::PreconditionNotMetException, format!("Import job {job_id} is not {wanted}."))
}

async fn load<S: Store>(svc: &Cognito<S>, pool_id: &str, job_id: &str) -> ApiResult<Stored<ImportJob>> {
    match resources::get::<S, ImportJob>(&svc.store, pool_id, job_id).await {
        Ok(job) => Ok(job),
        Err(StoreError::NotFound) => Err(job_not_found(job_id)),
        Err(e) => Err(e.into()),
    }
}

/// `GetCSVHeader`: the pool's columns in AWS's order (`domain::user_csv::header`).
pub async fn get_csv_header<S: Store>(svc: &Cognito<S>, input: GetCsvHeaderRequest) -> ApiResult<GetCsvHeaderResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    Ok(GetCsvHeaderResponse {
        user_pool_id: Some(pool.id().to_owned()),
        csv_header: Some(user_csv::header(&Schema::of(&pool.doc))),
    })
}

/// `CreateUserImportJob`: a `Created` job with no users counted yet and a pre-signed URL of
/// this server, valid for 15 minutes.
pub async fn create_user_import_job<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserImportJobRequest,
) -> ApiResult<CreateUserImportJobResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    // "You can't create or start user import jobs" during a point-in-time recovery.
    crate::handlers::pitr::refuse_if_paused(svc, pool.id()).await?;
    // `import-` and ten letters and digits, as AWS's job ids look (`import-d2IS8ZgMoX`).
    let job_id = format!(
        "import-{}",
        rand::thread_rng().sample_iter(&Alphanumeric).take(10).map(char::from).collect::<String>()
    );
    let access_key_id = format!("AKIA{}", random(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    let signing_secret = random(40, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    let now = svc.clock.now_ms();
    let url = presign::presign(&Presign {
        base: &svc.settings.endpoint,
        path: &upload::path(pool.id(), &job_id),
        region: &svc.settings.region,
        access_key_id: &access_key_id,
        secret: &signing_secret,
        now_ms: now,
    });
    let job = UserImportJobType {
        job_name: Some(input.job_name),
        job_id: Some(job_id),
        user_pool_id: Some(pool.id().to_owned()),
        pre_signed_url: Some(url),
        creation_date: Some(timestamp(now)),
        status: Some(UserImportJobStatusType::Created),
        cloud_watch_logs_role_arn: Some(input.cloud_watch_logs_role_arn),
        imported_users: Some(0),
        skipped_users: Some(0),
        failed_users: Some(0),
        password_hashing_algorithm: input.password_hashing_algorithm,
        ..Default::default()
    };
    let stored = ImportJob { job, access_key_id, signing_secret, upload: None, next_chunk: 0 };
    match resources::create(&svc.store, pool.id(), stored).await {
        Ok(created) => Ok(CreateUserImportJobResponse { user_import_job: Some(created.value.view(now)) }),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `StartUserImportJob`: a `Created` job becomes `Pending` and the runners are told.
pub async fn start_user_import_job<S: Store>(
    svc: &Cognito<S>,
    input: StartUserImportJobRequest,
) -> ApiResult<StartUserImportJobResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    crate::handlers::pitr::refuse_if_paused(svc, pool.id()).await?;
    let now = svc.clock.now_ms();
    let current = load(svc, pool.id(), &input.job_id).await?;
    if current.value.status() != "Created" || current.value.expired(now) {
        return Err(not_in_state(&input.job_id, "in the Created state"));
    }
    // The marker first: a runner that finds it before the job is `Pending` leaves it alone,
    // and a job is never `Pending` without one.
    let marker = RunMarker { job_id: input.job_id.clone(), owner: None, lease_until_ms: 0 };
    resources::create_or_get(&svc.store, pool.id(), marker).await?;
    let started = resources::modify(&svc.store, pool.id(), &input.job_id, |job: &mut ImportJob| {
        if job.status() != "Created" || job.expired(now) {
            return Err(not_in_state(&input.job_id, "in the Created state"));
        }
        job.job.status = Some(UserImportJobStatusType::Pending);
        job.job.start_date = Some(timestamp(now));
        Ok(())
    })
    .await?;
    runner::wake();
    Ok(StartUserImportJobResponse { user_import_job: Some(started.value.view(now)) })
}

/// `StopUserImportJob`: a `Pending` job is `Stopped` at once; an `InProgress` one is
/// `Stopping` until the runner's next checkpoint. A job can not be started again.
pub async fn stop_user_import_job<S: Store>(
    svc: &Cognito<S>,
    input: StopUserImportJobRequest,
) -> ApiResult<StopUserImportJobResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    load(svc, pool.id(), &input.job_id).await?;
    let now = svc.clock.now_ms();
    let stopped = resources::modify(&svc.store, pool.id(), &input.job_id, |job: &mut ImportJob| {
        match job.status() {
            "Pending" => {
                job.job.status = Some(UserImportJobStatusType::Stopped);
                job.job.completion_date = Some(timestamp(now));
                job.job.completion_message = Some("The Import Job was stopped by the developer.".into());
            }
            "InProgress" => job.job.status = Some(UserImportJobStatusType::Stopping),
            _ => return Err(not_in_state(&input.job_id, "running")),
        }
        Ok(())
    })
    .await?;
    Ok(StopUserImportJobResponse { user_import_job: Some(stopped.value.view(now)) })
}

/// `DescribeUserImportJob`.
pub async fn describe_user_import_job<S: Store>(
    svc: &Cognito<S>,
    input: DescribeUserImportJobRequest,
) -> ApiResult<DescribeUserImportJobResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let job = load(svc, pool.id(), &input.job_id).await?;
    Ok(DescribeUserImportJobResponse { user_import_job: Some(job.value.view(svc.clock.now_ms())) })
}

/// `ListUserImportJobs`: newest first ("Jobs are listed in chronological order from last
/// created to first created", AWS's guide), `MaxResults` at a time.
pub async fn list_user_import_jobs<S: Store>(
    svc: &Cognito<S>,
    input: ListUserImportJobsRequest,
) -> ApiResult<ListUserImportJobsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let before = match decode_token(input.pagination_token.as_deref())? {
        0 => i64::MAX,
        seq => seq,
    };
    let limit = input.max_results.clamp(1, 60) as usize;
    let mut jobs = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, ImportJob>(&svc.store, pool.id(), after, LIST_BATCH).await?;
        jobs.extend(page.items.into_iter().filter(|job| job.seq < before));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    jobs.sort_by_key(|job| std::cmp::Reverse(job.seq));
    let more = jobs.len() > limit;
    jobs.truncate(limit);
    let token = if more { jobs.last().map(|job| encode_token(job.seq)) } else { None };
    let now = svc.clock.now_ms();
    Ok(ListUserImportJobsResponse {
        user_import_jobs: Some(jobs.into_iter().map(|job| job.value.view(now)).collect()),
        pagination_token: token,
    })
}
