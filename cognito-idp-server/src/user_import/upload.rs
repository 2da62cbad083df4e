//! `PUT /user-import/{pool}/{job}`: the pre-signed URL of an import job. It answers as S3
//! does (an empty 200, or an XML `Error` with S3's code and HTTP status), checks the URL's
//! signature and expiry ([`presign::check`]), and keeps the file in the store in chunks of
//! lines, replacing an earlier upload of the same job, as a second `PUT` to S3 replaces the
//! object. A file is accepted while its job is `Created`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use rand::Rng;
use rand::distributions::Alphanumeric;

use super::job::{CHUNK_LINES, Chunk, ImportJob, Upload, chunk_key};
use super::presign;
use crate::domain::user_csv::MAX_FILE_BYTES;
use crate::state::Cognito;
use crate::store::resources;
use crate::store::{Store, StoreError};

/// The path of job `job_id`'s file.
pub fn path(pool_id: &str, job_id: &str) -> String {
    format!("/user-import/{pool_id}/{job_id}")
}

/// The route of the pre-signed URLs.
pub fn routes<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new().route("/user-import/{pool_id}/{job_id}", put(upload::<S>)).with_state(svc)
}

/// An S3 error document.
fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

fn access_denied() -> Response {
    s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied")
}

fn internal(e: StoreError) -> Response {
    tracing::error!(error = %e, "storing an import file failed");
    s3_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "We encountered an internal error. Please try again.")
}

async fn upload<S: Store + Clone>(
    State(svc): State<Cognito<S>>,
    Path((pool_id, job_id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let stored = match resources::get::<S, ImportJob>(&svc.store, &pool_id, &job_id).await {
        Ok(stored) => stored,
        Err(StoreError::NotFound) => return access_denied(),
        Err(e) => return internal(e),
    };
    let job = &stored.value;
    let now = svc.clock.now_ms();
    if let Err(refusal) =
        presign::check(uri.path(), uri.query().unwrap_or(""), &headers, &job.access_key_id, &job.signing_secret, now)
    {
        return s3_error(StatusCode::FORBIDDEN, refusal.code, refusal.message);
    }
    if job.status() != "Created" || job.expired(now) {
        return access_denied();
    }
    // A file over AWS's limit would fail its job; refusing it here keeps it out of memory.
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FILE_BYTES).await else {
        return s3_error(
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        );
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned());
    let header = lines.next().unwrap_or_default();
    let mut rest: Vec<String> = lines.collect();
    while rest.last().is_some_and(|l| l.trim().is_empty()) {
        rest.pop();
    }
    let upload_id: String = rand::thread_rng().sample_iter(&Alphanumeric).take(10).map(char::from).collect();
    let users = rest.iter().filter(|l| !l.trim().is_empty()).count() as u64;
    let mut chunks = 0u64;
    for (index, lines) in rest.chunks(CHUNK_LINES).enumerate() {
        let chunk = Chunk {
            key: chunk_key(&job_id, &upload_id, index as u64),
            first_line: 2 + (index * CHUNK_LINES) as u64,
            lines: lines.to_vec(),
        };
        if let Err(e) = resources::create(&svc.store, &pool_id, chunk).await {
            discard(&svc, &pool_id, &job_id, &upload_id, chunks).await;
            return internal(e);
        }
        chunks += 1;
    }
    let upload = Upload { id: upload_id.clone(), header, chunks, users, bytes: bytes.len() as u64 };
    let mut replaced = None;
    let written = resources::modify(&svc.store, &pool_id, &job_id, |job: &mut ImportJob| {
        if job.status() != "Created" {
            return Err(StoreError::Conflict);
        }
        replaced = job.upload.replace(upload.clone());
        Ok(())
    })
    .await;
    match written {
        Ok(_) => {
            if let Some(old) = replaced {
                discard(&svc, &pool_id, &job_id, &old.id, old.chunks).await;
            }
            (StatusCode::OK, [(header::CONTENT_LENGTH, "0")]).into_response()
        }
        Err(e) => {
            discard(&svc, &pool_id, &job_id, &upload_id, chunks).await;
            if e == StoreError::Conflict { access_denied() } else { internal(e) }
        }
    }
}

/// Deletes the chunks of an upload (best effort: they go with their pool in any case).
pub async fn discard<S: Store>(svc: &Cognito<S>, pool_id: &str, job_id: &str, upload_id: &str, chunks: u64) {
    for index in 0..chunks {
        let key = chunk_key(job_id, upload_id, index);
        if let Err(e) = resources::delete::<S, Chunk>(&svc.store, pool_id, &key).await
            && e != StoreError::NotFound
        {
            tracing::warn!(error = %e, job_id, "deleting a chunk of an import file failed");
        }
    }
}
