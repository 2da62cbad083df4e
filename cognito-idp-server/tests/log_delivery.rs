//! Exported logs: `SetLogDeliveryConfiguration` / `GetLogDeliveryConfiguration` through the AWS
//! CLI (AWS's rules and words), and delivery through moto's server (started by the test) to
//! CloudWatch Logs (a custom sender that cannot deliver a message: AWS's `userNotification`
//! record), S3 and Firehose (a `userAuthEvents` record handed to `log_delivery::deliver`, read
//! back from the bucket Firehose writes to), and a destination that does not exist (retried,
//! then journaled as failed, the operation untouched); and threat protection's sign-in events
//! exported as `userAuthEvents` records.

mod common;

use std::time::{Duration, Instant};

use cognito_idp::types::{
    AdvancedSecurityModeType, CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType, LambdaConfigType,
    UserPoolAddOnsType,
};
use cognito_idp_server::log_delivery::{self, Endpoints, Source, queue::Deliverer};
use cognito_idp_server::state::Cognito;
use cognito_idp_server::store::Store;
use common::aws_cli::AwsCli;
use common::lambda::arn;
use common::moto::{self, Moto};
use common::{ClientBuilder, InProcessServer, PASSWORD_FLOWS, PoolBuilder, UserBuilder, attr};
use serde_json::{Value, json};

/// How long a test waits for a record to reach moto (delivery is asynchronous).
const PATIENCE: Duration = Duration::from_secs(30);

const GROUP_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:cognito-test";

fn notification_to(group_arn: &str) -> String {
    json!([{"LogLevel": "ERROR", "EventSource": "userNotification",
            "CloudWatchLogsConfiguration": {"LogGroupArn": group_arn}}])
    .to_string()
}

async fn set(cli: &AwsCli, pool: &str, configs: &str) -> Result<Value, (String, String)> {
    cli.run(&["set-log-delivery-configuration", "--user-pool-id", pool, "--log-configurations", configs]).await
}

async fn get(cli: &AwsCli, pool: &str) -> Value {
    cli.run(&["get-log-delivery-configuration", "--user-pool-id", pool]).await.unwrap()["LogDeliveryConfiguration"]
        .clone()
}

#[tokio::test]
async fn the_configuration_follows_aws_rules() {
    let server = InProcessServer::start().await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };
    let client = server.client();
    let pool = PoolBuilder::new("logs").create(&client).await;

    // Nothing set: the pool and an empty list, not an error.
    assert_eq!(get(&cli, &pool).await, json!({"UserPoolId": pool, "LogConfigurations": []}));

    let set_one = set(&cli, &pool, &notification_to(GROUP_ARN)).await.unwrap();
    assert_eq!(set_one["LogDeliveryConfiguration"]["LogConfigurations"][0]["LogLevel"], "ERROR");
    assert_eq!(
        get(&cli, &pool).await["LogConfigurations"],
        json!(serde_json::from_str::<Value>(&notification_to(GROUP_ARN)).unwrap())
    );

    let refusals = [
        // AWS's words (measured against the live API, floci-io/floci PR 2867).
        (
            json!([{"LogLevel": "ERROR", "EventSource": "userNotification"}]),
            "InvalidParameterException",
            "Request validation Failed. Following event sources in request have no destination: [userNotification].",
        ),
        (
            json!([{"LogLevel": "ERROR", "EventSource": "userNotification"}, {"LogLevel": "ERROR", "EventSource": "userNotification"}]),
            "InvalidParameterException",
            "Request validation Failed. Following event sources in request have no destination: [userNotification]. \
             Following event sources appear more then once in a request: [userNotification].",
        ),
        (
            json!([{"LogLevel": "TRACE", "EventSource": "userNotification", "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP_ARN}}]),
            "InvalidParameterException",
            "",
        ),
        // The guide's pairing of source, level and destination (wording ours).
        (
            json!([{"LogLevel": "INFO", "EventSource": "userNotification", "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP_ARN}}]),
            "InvalidParameterException",
            "LogLevel INFO is not supported for event source userNotification; use ERROR.",
        ),
        (
            json!([{"LogLevel": "ERROR", "EventSource": "userNotification", "S3Configuration": {"BucketArn": "arn:aws:s3:::logs"}}]),
            "InvalidParameterException",
            "Event source userNotification can only be delivered to CloudWatchLogsConfiguration.",
        ),
        // Threat protection's logs need the Plus plan; this pool is on Essentials.
        (
            json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents", "S3Configuration": {"BucketArn": "arn:aws:s3:::logs"}}]),
            "FeatureUnavailableInTierException",
            "Exporting userAuthEvents logs requires the PLUS feature plan.",
        ),
    ];
    for (configs, code, message) in refusals {
        let (got_code, got_message) = set(&cli, &pool, &configs.to_string()).await.unwrap_err();
        assert_eq!(got_code, code, "{configs}: {got_message}");
        if !message.is_empty() {
            assert_eq!(got_message, message, "{configs}");
        }
    }
    // A refused request changed nothing.
    assert_eq!(get(&cli, &pool).await["LogConfigurations"][0]["EventSource"], "userNotification");

    // A Plus pool exports both; a Set replaces the list, an empty one clears it.
    let plus = PoolBuilder::new("plus").with(|p| p.user_pool_tier("PLUS")).create(&client).await;
    let both = json!([
        {"LogLevel": "ERROR", "EventSource": "userNotification", "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP_ARN}},
        {"LogLevel": "INFO", "EventSource": "userAuthEvents", "FirehoseConfiguration": {"StreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s1"}},
    ]);
    set(&cli, &plus, &both.to_string()).await.unwrap();
    assert_eq!(get(&cli, &plus).await["LogConfigurations"], both);
    let two_destinations = json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents",
        "S3Configuration": {"BucketArn": "arn:aws:s3:::logs"}, "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP_ARN}}]);
    let (code, _) = set(&cli, &plus, &two_destinations.to_string()).await.unwrap_err();
    assert_eq!(code, "InvalidParameterException");
    set(&cli, &plus, "[]").await.unwrap();
    assert_eq!(get(&cli, &plus).await["LogConfigurations"], json!([]));

    let (code, message) = set(&cli, "us-east-1_nosuchpool", &notification_to(GROUP_ARN)).await.unwrap_err();
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("ResourceNotFoundException", "User pool us-east-1_nosuchpool does not exist.")
    );
}

/// Polls until `found` answers something, for at most [`PATIENCE`].
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut found: impl FnMut() -> F) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = found().await {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "{what} did not happen within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn message_delivery_errors_reach_cloudwatch_logs() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    moto.call("logs", "Logs_20140328.CreateLogGroup", json!({"logGroupName": "cognito-test"})).await;
    let url = moto.url();
    let server = InProcessServer::start_with(|o| {
        o.kms_endpoint = Some(url.clone());
        o.cloudwatch_logs_endpoint = Some(url.clone());
    })
    .await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };
    let client = server.client();
    // A custom email sender whose key KMS does not have: the message cannot be delivered.
    let senders = LambdaConfigType {
        custom_email_sender: Some(CustomEmailLambdaVersionConfigType {
            lambda_version: CustomEmailSenderLambdaVersionType::V10,
            lambda_arn: arn("email-sender"),
        }),
        kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000".into()),
        ..Default::default()
    };
    let pool = PoolBuilder::new("notify").with(move |p| p.lambda_config(senders)).create(&client).await;
    set(&cli, &pool, &notification_to(GROUP_ARN)).await.unwrap();

    // The operation succeeds all the same.
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("diego")
        .user_attributes(attr("email", "diego@example.com"))
        .desired_delivery_mediums("EMAIL")
        .send()
        .await
        .unwrap();

    let stream = format!("{pool}/userNotification");
    let events = eventually("the userNotification record in CloudWatch Logs", || {
        let (moto, stream) = (&moto, stream.clone());
        async move {
            let answer = moto
                .try_call(
                    "logs",
                    "Logs_20140328.GetLogEvents",
                    json!({"logGroupName": "cognito-test", "logStreamName": stream}),
                )
                .await
                .ok()?;
            let events = answer["events"].as_array().cloned().unwrap_or_default();
            (!events.is_empty()).then_some(events)
        }
    })
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    let record: Value = serde_json::from_str(events[0]["message"].as_str().unwrap()).unwrap();
    assert_eq!(record["eventSource"], "USER_NOTIFICATION");
    assert_eq!(record["logLevel"], "ERROR");
    assert_eq!(record["logSourceId"], json!({"userPoolId": pool}));
    let details = record["message"]["details"].as_str().unwrap();
    assert!(details.starts_with("CustomEmailSender could not deliver the message: "), "{details}");
    let stamp: i64 = record["eventTimestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(events[0]["timestamp"].as_i64(), Some(stamp));

    let journal: Value = reqwest::get(format!("{}/_local/log-deliveries?userPoolId={pool}", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(journal["deliveries"][0]["outcome"], "delivered", "{journal}");
    assert_eq!(journal["deliveries"][0]["destination"], "cloudWatchLogs");
}

/// A second instance on the server's database, delivering through moto.
async fn instance_with<S: Store>(store: S, moto: &Moto) -> Cognito<S> {
    let mut svc = common::stores::service(store);
    let url = moto.url();
    svc.logs = Deliverer::new(
        Endpoints { logs: Some(url.clone()), s3: Some(url.clone()), firehose: Some(url) },
        "us-east-1",
        "000000000000",
    );
    svc
}

/// A threat protection record as the auth events' engineer will make them (its shape is theirs).
fn auth_event(pool: &str, n: usize) -> Value {
    json!({"eventTimestamp": "1700000000000", "eventSource": "USER_AUTH_EVENTS", "logLevel": "INFO",
           "message": {"eventType": "SignIn", "n": n}, "logSourceId": {"userPoolId": pool}})
}

async fn auth_events_are_delivered<S: Store>(store: S, moto: &Moto, cli: &AwsCli, pool: &str) {
    let svc = instance_with(store, moto).await;
    // S3: the records of one batch in one object, a line each.
    moto.s3(reqwest::Method::PUT, "auth-logs").await;
    let to_s3 = json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents", "S3Configuration": {"BucketArn": "arn:aws:s3:::auth-logs"}}]);
    set(cli, pool, &to_s3.to_string()).await.unwrap();
    for n in 0..3 {
        log_delivery::deliver(&svc, pool, Source::UserAuthEvents, auth_event(pool, n)).await;
    }
    // A source the pool does not export goes nowhere.
    log_delivery::user_notification_error(&svc, pool, "not exported").await;
    let keys =
        eventually("the object in S3", || async { Some(moto.s3_keys("auth-logs").await).filter(|k| !k.is_empty()) })
            .await;
    let key = &keys[0];
    assert!(key.starts_with(&format!("AWSLogs/000000000000/cognito-idp/us-east-1/{pool}/")), "{key}");
    let (_, text) = moto.s3(reqwest::Method::GET, &format!("auth-logs/{key}")).await;
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let all: Vec<Value> = if keys.len() == 1 {
        lines
    } else {
        // The three may have been split between batches.
        let mut all = Vec::new();
        for key in &keys {
            let (_, text) = moto.s3(reqwest::Method::GET, &format!("auth-logs/{key}")).await;
            all.extend(text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()));
        }
        all
    };
    let mut numbers: Vec<i64> = all.iter().map(|r| r["message"]["n"].as_i64().unwrap()).collect();
    numbers.sort();
    assert_eq!(numbers, [0, 1, 2]);

    // Firehose: moto's stream writes what it gets to its S3 destination.
    moto.s3(reqwest::Method::PUT, "firehose-out").await;
    moto.call(
        "firehose",
        "Firehose_20150804.CreateDeliveryStream",
        json!({"DeliveryStreamName": "auth-stream", "DeliveryStreamType": "DirectPut",
               "ExtendedS3DestinationConfiguration": {"RoleARN": "arn:aws:iam::123456789012:role/firehose",
                                                      "BucketARN": "arn:aws:s3:::firehose-out"}}),
    )
    .await;
    let to_firehose = json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents",
        "FirehoseConfiguration": {"StreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/auth-stream"}}]);
    set(cli, pool, &to_firehose.to_string()).await.unwrap();
    log_delivery::deliver(&svc, pool, Source::UserAuthEvents, auth_event(pool, 7)).await;
    let keys = eventually("the Firehose object in S3", || async {
        Some(moto.s3_keys("firehose-out").await).filter(|k| !k.is_empty())
    })
    .await;
    let (_, text) = moto.s3(reqwest::Method::GET, &format!("firehose-out/{}", keys[0])).await;
    let record: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(record, auth_event(pool, 7));

    // A log group that does not exist: retried, then journaled as failed.
    let missing = json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents",
        "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:missing"}}]);
    set(cli, pool, &missing.to_string()).await.unwrap();
    log_delivery::deliver(&svc, pool, Source::UserAuthEvents, auth_event(pool, 9)).await;
    let failed = eventually("the failed delivery in the journal", || async {
        svc.logs.journal(Some(pool)).into_iter().find(|d| d.destination == "cloudWatchLogs")
    })
    .await;
    assert_eq!((failed.outcome, failed.attempts), ("failed", log_delivery::queue::ATTEMPTS));
    assert!(failed.error.as_deref().unwrap_or_default().contains("ResourceNotFoundException"), "{failed:?}");
    let delivered: Vec<_> = svc.logs.journal(Some(pool)).into_iter().filter(|d| d.outcome == "delivered").collect();
    assert!(delivered.iter().any(|d| d.destination == "s3") && delivered.iter().any(|d| d.destination == "firehose"));
    assert!(delivered.iter().all(|d| d.event_source == "userAuthEvents"), "{delivered:?}");
}

#[tokio::test]
async fn auth_events_reach_s3_and_firehose() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    let server = InProcessServer::start().await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };
    let pool = PoolBuilder::new("plus").with(|p| p.user_pool_tier("PLUS")).create(&server.client()).await;
    let db = server.db.to_string_lossy().into_owned();
    if db.starts_with("postgres") {
        use cognito_idp_server::store::postgres::{PgOptions, PgStore};
        let store = PgStore::open(&PgOptions { url: db, ..PgOptions::default() }).await.unwrap();
        auth_events_are_delivered(store, &moto, &cli, &pool).await;
    } else {
        use cognito_idp_server::store::sqlite::{Location, SqliteStore, Synchronous};
        let store = SqliteStore::open(Location::File(server.db.clone()), Synchronous::Normal).unwrap();
        auth_events_are_delivered(store, &moto, &cli, &pool).await;
    }
}

#[tokio::test]
async fn threat_protections_sign_in_events_reach_cloudwatch_logs() {
    if !moto::available() {
        return;
    }
    let moto = Moto::start().await;
    moto.call("logs", "Logs_20140328.CreateLogGroup", json!({"logGroupName": "cognito-auth"})).await;
    let url = moto.url();
    let server = InProcessServer::start_with(|o| o.cloudwatch_logs_endpoint = Some(url.clone())).await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };
    let client = server.client();
    let add_ons =
        UserPoolAddOnsType { advanced_security_mode: AdvancedSecurityModeType::from("AUDIT"), ..Default::default() };
    let pool = PoolBuilder::new("audited")
        .with(move |p| p.user_pool_add_ons(add_ons).user_pool_tier("PLUS"))
        .create(&client)
        .await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    // Not the harness's usual password: that one is on the shipped breached list.
    let password = "Unlisted-Pass-2026!";
    UserBuilder::new("ana").password(password).create(&client, &pool).await;
    let configs = json!([{"LogLevel": "INFO", "EventSource": "userAuthEvents",
        "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:cognito-auth"}}]);
    set(&cli, &pool, &configs.to_string()).await.unwrap();

    common::sign_in(&client, &app, "ana", password).await;

    let stream = format!("{pool}/userAuthEvents");
    let events = eventually("the userAuthEvents record in CloudWatch Logs", || {
        let (moto, stream) = (&moto, stream.clone());
        async move {
            let answer = moto
                .try_call(
                    "logs",
                    "Logs_20140328.GetLogEvents",
                    json!({"logGroupName": "cognito-auth", "logStreamName": stream}),
                )
                .await
                .ok()?;
            let events = answer["events"].as_array().cloned().unwrap_or_default();
            (!events.is_empty()).then_some(events)
        }
    })
    .await;
    assert_eq!(events.len(), 1, "{events:?}");
    let record: Value = serde_json::from_str(events[0]["message"].as_str().unwrap()).unwrap();
    assert_eq!((record["eventSource"].as_str(), record["logLevel"].as_str()), (Some("USER_AUTH_EVENTS"), Some("INFO")));
    assert_eq!(record["logSourceId"], json!({"userPoolId": pool}));
    let message = &record["message"];
    assert_eq!((message["EventType"].as_str(), message["EventResponse"].as_str()), (Some("SignIn"), Some("Pass")));
    assert_eq!(message["UserName"], "ana");
    // The same event as AdminListUserAuthEvents lists.
    let listed = client.admin_list_user_auth_events().user_pool_id(&pool).username("ana").send().await.unwrap();
    let listed = listed.auth_events.unwrap();
    assert_eq!(message["EventId"].as_str(), listed[0].event_id.as_deref());
}
