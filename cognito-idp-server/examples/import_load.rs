//! The user import half of `bench/import.sh`: a pool, a generated CSV file of `--users` users
//! (username, email, `email_verified`, a given name, `cognito:mfa_enabled`), a user import job,
//! the file `PUT` to its pre-signed URL, the job started, and `DescribeUserImportJob` every
//! 50 ms until it ends. Prints JSON: the users imported, the seconds from `StartUserImportJob`
//! to the answer that showed the job `Succeeded`, and users per second over that time.
//!
//! ```text
//! import_load --url URL [--users 100000]
//! ```
//!
//! Bounded: it gives up after an hour.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Args, Error, call};

const USAGE: &str = "import_load run --url URL [--users 100000]";

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse(USAGE)?;
    let url = args.get("url")?.to_owned();
    let users = args.number("users", 100_000)?;
    let http = reqwest::Client::new();
    let api = |operation: &'static str, body: Value| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let (status, answer) = call(&http, &url, operation, &body).await?;
            if status != 200 {
                return Err(Error::from(format!("{operation}: {status} {answer}")));
            }
            Ok::<_, Error>(answer)
        }
    };
    let pool = api("CreateUserPool", json!({"PoolName": "import-bench", "AutoVerifiedAttributes": ["email"]})).await?;
    let pool = pool["UserPool"]["Id"].as_str().ok_or("no pool id")?.to_owned();
    let header = api("GetCSVHeader", json!({"UserPoolId": pool})).await?;
    let header: Vec<String> = serde_json::from_value(header["CSVHeader"].clone())?;
    let mut file = header.join(",");
    for i in 0..users {
        file.push('\n');
        let line: Vec<String> = header
            .iter()
            .map(|column| match column.as_str() {
                "cognito:username" => format!("user-{i:07}"),
                "email" => format!("user-{i:07}@example.com"),
                "email_verified" => "true".into(),
                "given_name" => format!("Given{i}"),
                "cognito:mfa_enabled" => "false".into(),
                _ => String::new(),
            })
            .collect();
        file.push_str(&line.join(","));
    }
    let job = api(
        "CreateUserImportJob",
        json!({"UserPoolId": pool, "JobName": "bench", "CloudWatchLogsRoleArn": "arn:aws:iam::000000000000:role/Import"}),
    )
    .await?;
    let job_id = job["UserImportJob"]["JobId"].as_str().ok_or("no job id")?.to_owned();
    let presigned = job["UserImportJob"]["PreSignedUrl"].as_str().ok_or("no URL")?.to_owned();
    let bytes = file.len();
    let uploading = Instant::now();
    let uploaded = http.put(&presigned).header("x-amz-server-side-encryption", "aws:kms").body(file).send().await?;
    if !uploaded.status().is_success() {
        return Err(format!("upload: {} {}", uploaded.status(), uploaded.text().await?).into());
    }
    let upload_seconds = uploading.elapsed().as_secs_f64();
    let started = Instant::now();
    api("StartUserImportJob", json!({"UserPoolId": pool, "JobId": job_id})).await?;
    let described = loop {
        let described = api("DescribeUserImportJob", json!({"UserPoolId": pool, "JobId": job_id})).await?;
        let status = described["UserImportJob"]["Status"].as_str().unwrap_or("").to_owned();
        if matches!(status.as_str(), "Succeeded" | "Failed" | "Stopped") {
            break described;
        }
        if started.elapsed() > Duration::from_secs(3600) {
            return Err("the job did not end within an hour".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    let job = &described["UserImportJob"];
    let imported = job["ImportedUsers"].as_u64().unwrap_or(0);
    println!(
        "{}",
        json!({
            "status": job["Status"],
            "users": users,
            "imported": imported,
            "failed": job["FailedUsers"],
            "skipped": job["SkippedUsers"],
            "file_bytes": bytes,
            "upload_seconds": upload_seconds,
            "seconds": seconds,
            "users_per_second": imported as f64 / seconds,
        })
    );
    Ok(())
}
