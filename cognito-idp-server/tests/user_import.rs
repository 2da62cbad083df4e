//! User import jobs over HTTP: `GetCSVHeader`, `CreateUserImportJob` and its pre-signed URL
//! (an HTTP `PUT` to this server, signed and expiring as AWS's are), `StartUserImportJob`,
//! `StopUserImportJob`, `DescribeUserImportJob`, `ListUserImportJobs`, and the users a job
//! creates: `RESET_REQUIRED`, their `sub` kept when the file gives one, able to reset their
//! password and sign in. boto3 and requests import a generated file of 10,000 users; a job
//! interrupted by a crash finishes after a restart.

mod common;

use std::time::{Duration, Instant};

use cognito_idp::Client;
use cognito_idp::types::{AuthFlowType, SchemaAttributeType, UserImportJobType};
use common::tools::{present, tool_available};
use common::{ACCESS_KEY, ChildServer, InProcessServer, REGION, SECRET_KEY, failure, pair};
use serde_json::{Value, json};

const ROLE: &str = "arn:aws:iam::000000000000:role/CognitoImport";

/// How long a job may take before a test gives up on it (a bound, not a measurement: the
/// machine may be busy).
const JOB_BOUND: Duration = Duration::from_secs(900);

/// A pool that auto-verifies email, with a custom attribute.
async fn pool(client: &Client) -> String {
    let created = client
        .create_user_pool()
        .pool_name("import")
        .auto_verified_attributes("email")
        .schema(SchemaAttributeType {
            name: Some("plan".into()),
            attribute_data_type: Some("String".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect("CreateUserPool");
    created.user_pool.and_then(|p| p.id).expect("a pool id")
}

async fn create_job(client: &Client, pool: &str) -> UserImportJobType {
    let created = client
        .create_user_import_job()
        .user_pool_id(pool)
        .job_name("job")
        .cloud_watch_logs_role_arn(ROLE)
        .send()
        .await
        .expect("CreateUserImportJob");
    created.user_import_job.expect("a job")
}

/// `PUT`s `body` to a pre-signed URL as AWS's guide's `curl` does, with the encryption header.
async fn put(url: &str, body: &str, encryption: bool) -> (u16, String) {
    let mut request = reqwest::Client::new().put(url).body(body.to_owned());
    if encryption {
        request = request.header("x-amz-server-side-encryption", "aws:kms");
    }
    let response = request.send().await.expect("the PUT is answered");
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

/// Describes the job until it has ended.
async fn finished(client: &Client, pool: &str, job: &str) -> UserImportJobType {
    let started = Instant::now();
    loop {
        let described = client.describe_user_import_job().user_pool_id(pool).job_id(job).send().await;
        let job_type = described.expect("DescribeUserImportJob").user_import_job.expect("a job");
        let status = job_type.status.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default();
        if matches!(status.as_str(), "Succeeded" | "Failed" | "Stopped") {
            return job_type;
        }
        assert!(started.elapsed() < JOB_BOUND, "the job did not end: {job_type:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn status(job: &UserImportJobType) -> &str {
    job.status.as_ref().map(|s| s.as_str()).unwrap_or("")
}

/// A file of `users` valid lines for [`pool`]'s header (`given` columns set, the rest empty).
fn csv(header: &[String], users: std::ops::Range<usize>) -> String {
    let mut lines = vec![header.join(",")];
    for i in users {
        let value = |column: &str| match column {
            "cognito:username" => format!("user-{i:05}"),
            "email" => format!("user-{i:05}@example.com"),
            "email_verified" => "true".into(),
            "cognito:mfa_enabled" => "false".into(),
            _ => String::new(),
        };
        lines.push(header.iter().map(|c| value(c)).collect::<Vec<_>>().join(","));
    }
    lines.join("\n")
}

async fn header_of(client: &Client, pool: &str) -> Vec<String> {
    let header = client.get_csv_header().user_pool_id(pool).send().await.expect("GetCSVHeader");
    header.csv_header.expect("a header")
}

async fn count_users(client: &Client, pool: &str) -> usize {
    let mut users = 0;
    let mut token = None;
    loop {
        let page = client.list_users().user_pool_id(pool).set_pagination_token(token).send().await.expect("ListUsers");
        users += page.users.map_or(0, |u| u.len());
        token = page.pagination_token;
        if token.is_none() {
            return users;
        }
    }
}

#[tokio::test]
async fn the_csv_header_is_the_pools_columns_in_awss_order() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;
    let header = header_of(&client, &pool).await;
    let expected = [
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
        "email_verified",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "phone_number",
        "phone_number_verified",
        "address",
        "updated_at",
        "custom:plan",
        "cognito:mfa_enabled",
        "cognito:username",
    ];
    assert_eq!(header, expected);
    let missing = client.get_csv_header().user_pool_id("us-east-1_nothere00").send().await;
    assert_eq!(failure(missing), pair("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist."));
}

/// The 10,000 users of a generated file, imported with boto3 as AWS's guide does it, plus one
/// that exists (skipped) and one with no verified attribute (failed).
#[tokio::test]
async fn boto3_imports_a_generated_csv_of_10000_users() {
    if !present(tool_available("python3", &["-c", "import boto3, requests"]), "python3 with boto3 and requests") {
        return;
    }
    let server = InProcessServer::start().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/user_import/import_users.py");
    let mut command = tokio::process::Command::new("python3");
    command.arg(script).args([&server.url(), REGION, ACCESS_KEY, SECRET_KEY, "10000"]);
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(var);
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true").kill_on_drop(true);
    let output =
        tokio::time::timeout(JOB_BOUND, command.output()).await.expect("the script ends").expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");

    assert_eq!(out["header"].as_array().unwrap().len(), 22);
    assert_eq!(
        out["created"],
        json!({"Status": "Created", "JobName": "generated", "ImportedUsers": 0, "CloudWatchLogsRoleArn": ROLE})
    );
    let job_id = out["job_id"].as_str().unwrap();
    assert!(job_id.starts_with("import-") && job_id.len() == "import-".len() + 10, "{job_id}");
    let url = out["url"].as_str().unwrap();
    let expected_start = format!(
        "{}/user-import/{}/{job_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA",
        server.url(),
        out["pool"].as_str().unwrap()
    );
    assert!(url.starts_with(&expected_start), "{url}");
    for part in [
        "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=",
        "&X-Amz-Expires=900&",
        "&X-Amz-SignedHeaders=host%3Bx-amz-server-side-encryption&X-Amz-Signature=",
    ] {
        assert!(url.contains(part), "{url} lacks {part}");
    }
    assert_eq!(out["refused"][0], 403);
    assert!(out["refused"][1].as_str().unwrap().contains("<Code>SignatureDoesNotMatch</Code>"), "{}", out["refused"]);
    assert_eq!(out["uploaded"], 200);
    assert_eq!(out["started"], "Pending");
    assert_eq!(
        out["described"],
        json!({"Status": "Succeeded", "ImportedUsers": 10000, "SkippedUsers": 1, "FailedUsers": 1,
               "CompletionMessage": "Import Job Completed Successfully."})
    );
    assert_eq!(out["has_dates"], true);
    assert_eq!(out["users"], 10001, "the imported users and the one that existed");
    assert_eq!(out["listed"], json!([job_id]));

    let first = &out["first"];
    assert_eq!(first["status"], "RESET_REQUIRED");
    assert_eq!(first["attributes"]["sub"], out["expected_sub"], "the file's sub is kept");
    assert_eq!(first["attributes"]["address"], "1 Main Street, Springfield");
    assert_eq!(first["attributes"]["email_verified"], "true");
    assert_eq!(first["attributes"]["custom:plan"], "silver");
    assert_eq!(first["attributes"]["birthdate"], "1985-02-01");
    let second = &out["second"];
    assert_eq!(second["status"], "RESET_REQUIRED");
    assert_eq!(second["attributes"]["given_name"], "Given1");
    assert!(uuid_like(second["attributes"]["sub"].as_str().unwrap()), "a sub is made when the file has none");

    // An imported user resets the password, then signs in (AWS's guide, "Requiring imported
    // users to reset their passwords").
    let client = server.client();
    let (pool, app) = (out["pool"].as_str().unwrap(), out["client"].as_str().unwrap());
    let sign_in = |password: &'static str| {
        client
            .initiate_auth()
            .client_id(app)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "user-00002")
            .auth_parameters("PASSWORD", password)
            .send()
    };
    let (code, _) = failure(sign_in("Whatever1!").await);
    assert_eq!(code, "PasswordResetRequiredException");
    client.forgot_password().client_id(app).username("user-00002").send().await.expect("ForgotPassword");
    let code = server.outbox_code(pool, "user-00002", Some("FORGOT_PASSWORD")).await;
    client
        .confirm_forgot_password()
        .client_id(app)
        .username("user-00002")
        .confirmation_code(code)
        .password("Imported-1-password")
        .send()
        .await
        .expect("ConfirmForgotPassword");
    sign_in("Imported-1-password").await.expect("the imported user signs in");
}

fn uuid_like(value: &str) -> bool {
    value.len() == 36 && value.matches('-').count() == 4
}

#[tokio::test]
async fn the_presigned_url_is_checked_and_expires() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;
    let job = create_job(&client, &pool).await;
    let url = job.pre_signed_url.clone().unwrap();
    let body = csv(&header_of(&client, &pool).await, 0..3);

    let (status, text) = put(&url, &body, false).await;
    assert_eq!(status, 403);
    assert!(text.contains("<Code>SignatureDoesNotMatch</Code>"), "{text}");
    let (status, text) = put(&url.replace("X-Amz-Expires=900", "X-Amz-Expires=90000"), &body, true).await;
    assert_eq!((status, text.contains("SignatureDoesNotMatch")), (403, true), "{text}");
    let (status, text) = put(&url.replace(&pool, "us-east-1_other0000"), &body, true).await;
    assert_eq!((status, text.contains("AccessDenied")), (403, true), "{text}");
    let unsigned = url.split("&X-Amz-Signature").next().unwrap();
    let (status, text) = put(unsigned, &body, true).await;
    assert_eq!((status, text.contains("AuthorizationQueryParametersError")), (403, true), "{text}");

    // A second upload replaces the first, as a second PUT to S3 does.
    assert_eq!(put(&url, "cognito:username\nnobody", true).await.0, 200);
    assert_eq!(put(&url, &body, true).await.0, 200);

    // 15 minutes later the URL has expired.
    server.advance_clock(15 * 60 + 1).await;
    let (status, text) = put(&url, &body, true).await;
    assert_eq!(status, 403);
    assert!(text.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"), "{text}");

    client.start_user_import_job().user_pool_id(&pool).job_id(job.job_id.as_deref().unwrap()).send().await.unwrap();
    let done = finished(&client, &pool, job.job_id.as_deref().unwrap()).await;
    assert_eq!((status_of(&done), done.imported_users), ("Succeeded".into(), Some(3)));
}

fn status_of(job: &UserImportJobType) -> String {
    status(job).to_owned()
}

#[tokio::test]
async fn a_file_whose_header_does_not_match_fails_its_job_and_so_does_a_job_without_a_file() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;

    let job = create_job(&client, &pool).await;
    let id = job.job_id.clone().unwrap();
    assert_eq!(
        put(job.pre_signed_url.as_deref().unwrap(), "cognito:username,email\nana,a@example.com", true).await.0,
        200
    );
    client.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let done = finished(&client, &pool, &id).await;
    assert_eq!(status(&done), "Failed");
    assert_eq!(done.completion_message.as_deref(), Some("The CSV header lacks the column name."));
    assert_eq!(done.imported_users, Some(0));

    let job = create_job(&client, &pool).await;
    let id = job.job_id.clone().unwrap();
    client.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let done = finished(&client, &pool, &id).await;
    assert_eq!(status(&done), "Failed");
    assert_eq!(done.completion_message.as_deref(), Some("No CSV file was uploaded to the job's pre-signed URL."));
    assert_eq!(count_users(&client, &pool).await, 0);
}

#[tokio::test]
async fn jobs_list_newest_first_and_move_through_awss_states() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(create_job(&client, &pool).await.job_id.unwrap());
    }
    let first = client.list_user_import_jobs().user_pool_id(&pool).max_results(2).send().await.unwrap();
    let listed: Vec<String> = first.user_import_jobs.unwrap().into_iter().filter_map(|j| j.job_id).collect();
    assert_eq!(listed, [ids[2].clone(), ids[1].clone()]);
    let token = first.pagination_token.expect("a token: one more job");
    let rest = client.list_user_import_jobs().user_pool_id(&pool).max_results(2).pagination_token(token).send().await;
    let rest = rest.unwrap();
    let listed: Vec<String> = rest.user_import_jobs.unwrap().into_iter().filter_map(|j| j.job_id).collect();
    assert_eq!((listed, rest.pagination_token), (vec![ids[0].clone()], None));

    let precondition =
        |id: &str, wanted: &str| pair("PreconditionNotMetException", &format!("Import job {id} is not {wanted}."));
    let stop = client.stop_user_import_job().user_pool_id(&pool).job_id(&ids[0]).send().await;
    assert_eq!(failure(stop), precondition(&ids[0], "running"));
    let unknown = client.describe_user_import_job().user_pool_id(&pool).job_id("import-nothere000").send().await;
    assert_eq!(failure(unknown), pair("ResourceNotFoundException", "Import job import-nothere000 does not exist."));

    // Started without a file, the job fails; it can be neither started nor stopped again.
    client.start_user_import_job().user_pool_id(&pool).job_id(&ids[0]).send().await.unwrap();
    finished(&client, &pool, &ids[0]).await;
    let again = client.start_user_import_job().user_pool_id(&pool).job_id(&ids[0]).send().await;
    assert_eq!(failure(again), precondition(&ids[0], "in the Created state"));
    let stop = client.stop_user_import_job().user_pool_id(&pool).job_id(&ids[0]).send().await;
    assert_eq!(failure(stop), precondition(&ids[0], "running"));

    // A job not started within a day expires.
    server.advance_clock(24 * 3600 + 60).await;
    let described = client.describe_user_import_job().user_pool_id(&pool).job_id(&ids[1]).send().await.unwrap();
    assert_eq!(status(described.user_import_job.as_ref().unwrap()), "Expired");
    let start = client.start_user_import_job().user_pool_id(&pool).job_id(&ids[1]).send().await;
    assert_eq!(failure(start), precondition(&ids[1], "in the Created state"));
}

/// A running job stopped: `Stopping`, then `Stopped` at its next checkpoint, with the users
/// created until then counted; a stopped job does not start again. While it runs, the pool's
/// configuration cannot change (`UserImportInProgressException`).
#[tokio::test]
async fn a_stopped_job_stops_with_its_users_counted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;
    let job = create_job(&client, &pool).await;
    let id = job.job_id.clone().unwrap();
    let body = csv(&header_of(&client, &pool).await, 0..20_000);
    assert_eq!(put(job.pre_signed_url.as_deref().unwrap(), &body, true).await.0, 200);
    client.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    // While the job runs, the pool's configuration stays as it is.
    let update = client.update_user_pool().user_pool_id(&pool).auto_verified_attributes("email").send().await;
    let refused = pair("UserImportInProgressException", "A user import job is in progress for this user pool.");
    assert_eq!(failure(update), refused);
    let attribute = SchemaAttributeType {
        name: Some("tier".into()),
        attribute_data_type: Some("String".into()),
        ..Default::default()
    };
    let added = client.add_custom_attributes().user_pool_id(&pool).custom_attributes(attribute).send().await;
    assert_eq!(failure(added), refused);
    assert_eq!(failure(client.delete_user_pool().user_pool_id(&pool).send().await), refused);
    let stopping = client.stop_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let stopping = stopping.user_import_job.unwrap();
    assert!(matches!(status(&stopping), "Stopping" | "Stopped"), "{stopping:?}");
    let done = finished(&client, &pool, &id).await;
    assert_eq!(status(&done), "Stopped");
    assert_eq!(done.completion_message.as_deref(), Some("The Import Job was stopped by the developer."));
    let imported = done.imported_users.unwrap() as usize;
    assert!(imported < 20_000, "{done:?}");
    assert_eq!(count_users(&client, &pool).await, imported);
    let again = client.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await;
    assert_eq!(failure(again).0, "PreconditionNotMetException");
    client.update_user_pool().user_pool_id(&pool).auto_verified_attributes("email").send().await.expect("no job runs");
}

/// A server killed while a job runs: after the restart the job continues from its last
/// checkpoint, and every user is imported once.
#[tokio::test]
async fn a_job_interrupted_by_a_crash_finishes_after_the_restart() {
    let mut server = ChildServer::start().await;
    let client = server.client();
    let pool = pool(&client).await;
    let job = create_job(&client, &pool).await;
    let id = job.job_id.clone().unwrap();
    let total = 30_000;
    let body = csv(&header_of(&client, &pool).await, 0..total);
    assert_eq!(put(job.pre_signed_url.as_deref().unwrap(), &body, true).await.0, 200);
    client.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    // Killed once the first checkpoint is written (or at the end, if the job is that fast).
    let started = Instant::now();
    loop {
        let described = client.describe_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
        let job = described.user_import_job.unwrap();
        if job.imported_users.unwrap_or(0) > 0 || status(&job) == "Succeeded" {
            break;
        }
        assert!(started.elapsed() < JOB_BOUND, "{job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    server.restart().await;
    let client = server.client();
    let done = finished(&client, &pool, &id).await;
    assert_eq!(
        (status_of(&done), done.imported_users, done.skipped_users, done.failed_users),
        ("Succeeded".into(), Some(total as i64), Some(0), Some(0))
    );
    assert_eq!(count_users(&client, &pool).await, total);
}

/// Two instances on one PostgreSQL database: a job created and uploaded through one, started
/// through the other, runs on one of them only, and imports every user once.
#[tokio::test]
async fn on_postgresql_a_job_runs_on_one_instance_of_two() {
    use common::pg::api::{child_on, database};
    let Some(url) = database().await else { return };
    let (one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let (a, b) = (one.client(), two.client());
    let pool = pool(&a).await;
    let job = create_job(&a, &pool).await;
    let id = job.job_id.clone().unwrap();
    let total = 5_000;
    let body = csv(&header_of(&b, &pool).await, 0..total);
    assert_eq!(put(job.pre_signed_url.as_deref().unwrap(), &body, true).await.0, 200);
    b.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let done = finished(&a, &pool, &id).await;
    assert_eq!(
        (status_of(&done), done.imported_users, done.skipped_users, done.failed_users),
        ("Succeeded".into(), Some(total as i64), Some(0), Some(0))
    );
    assert_eq!(count_users(&b, &pool).await, total);
    let ran = |log: String| log.lines().filter(|l| l.contains("running a user import job") && l.contains(&id)).count();
    assert_eq!(ran(one.log()) + ran(two.log()), 1, "one instance ran the job, once");
}
