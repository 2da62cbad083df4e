//! Provisioned limits over HTTP: `GetProvisionedLimit` and `UpdateProvisionedLimit` for the API
//! categories (through the generated client: the boto3 that tests/requirements.txt pins predates
//! them), and, with `--enforce-limits`, requests past a category's rate answered
//! `TooManyRequestsException` as AWS throttles them, which boto3's retry handler retries.
//! (Throttling is about rates: the 200 calls, eight at a time, come faster than 15 a second on
//! any machine that runs this suite.)
//! Without the option nothing is throttled.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{LimitClass, LimitDefinitionType};
use common::tools::{present, tool_available};
use common::{ACCESS_KEY, InProcessServer, REGION, SECRET_KEY, failure, invalid, pair};
use serde_json::Value;

fn definition(category: &str) -> LimitDefinitionType {
    LimitDefinitionType {
        limit_class: LimitClass::ApiCategory,
        attributes: [("Category".to_owned(), category.to_owned())].into_iter().collect(),
    }
}

async fn limit(client: &Client, category: &str) -> (i32, i32) {
    let got = client.get_provisioned_limit().limit_definition(definition(category)).send().await;
    let limit = got.expect("GetProvisionedLimit").limit;
    assert_eq!(limit.limit_definition, definition(category));
    (limit.provisioned_limit_value, limit.free_limit_value)
}

#[tokio::test]
async fn limits_are_the_defaults_until_an_adjustable_one_is_provisioned() {
    let server = InProcessServer::start().await;
    let client = server.client();
    assert_eq!(limit(&client, "UserAuthentication").await, (120, 120));
    assert_eq!(limit(&client, "UserCreation").await, (50, 50));
    assert_eq!(limit(&client, "UserPoolRead").await, (15, 15));

    let update = |category: &str, value: i32| {
        client.update_provisioned_limit().limit_definition(definition(category)).requested_limit_value(value).send()
    };
    let updated = update("UserAuthentication", 300).await.expect("UpdateProvisionedLimit").limit;
    assert_eq!((updated.provisioned_limit_value, updated.free_limit_value), (300, 120));
    assert_eq!(limit(&client, "UserAuthentication").await, (300, 120));

    assert_eq!(
        failure(update("UserCreation", 49).await),
        invalid("RequestedLimitValue must be at least the default limit, 50.")
    );
    assert_eq!(
        failure(update("UserCreation", 501).await),
        pair(
            "ServiceQuotaExceededException",
            "RequestedLimitValue exceeds the maximum limit of 500 requests per second."
        )
    );
    assert_eq!(failure(update("UserList", 60).await), invalid("The UserList limit can't be adjusted."));
    assert_eq!(limit(&client, "UserCreation").await, (50, 50));

    let unknown = client.get_provisioned_limit().limit_definition(definition("UserTeleport")).send().await;
    assert_eq!(failure(unknown), pair("ResourceNotFoundException", "Category UserTeleport does not exist."));
    let unnamed = LimitDefinitionType { limit_class: LimitClass::ApiCategory, attributes: Default::default() };
    let unnamed = client.get_provisioned_limit().limit_definition(unnamed).send().await;
    assert_eq!(failure(unnamed), invalid("LimitDefinition.Attributes must name a Category."));
}

/// A provisioned rate is stored: a server started again on the same database has it.
#[tokio::test]
async fn a_provisioned_limit_survives_a_restart() {
    let mut server = common::ChildServer::start().await;
    let client = server.client();
    let updated = client
        .update_provisioned_limit()
        .limit_definition(definition("UserRead"))
        .requested_limit_value(250)
        .send()
        .await
        .expect("UpdateProvisionedLimit");
    assert_eq!(updated.limit.provisioned_limit_value, 250);
    server.restart().await;
    assert_eq!(limit(&server.client(), "UserRead").await, (250, 120));
}

async fn throttled_script(url: &str, calls: usize) -> Option<Value> {
    if !present(tool_available("python3", &["-c", "import boto3"]), "python3 with boto3") {
        return None;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/provisioned_limits/throttled.py");
    let mut command = tokio::process::Command::new("python3");
    command.arg(script).args([url, REGION, ACCESS_KEY, SECRET_KEY, &calls.to_string()]);
    for var in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
    ] {
        command.env_remove(var);
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    Some(common::tools::stdout_json(&common::tools::run(command).await))
}

/// `DescribeUserPool` (category `UserPoolRead`, 15 requests per second) 200 times, eight at a time: with
/// limits enforced, boto3's retry handler sees AWS's `TooManyRequestsException` and retries
/// each throttled call (standard mode) until it passes.
#[tokio::test]
async fn boto3s_retry_handler_retries_requests_past_a_categorys_rate() {
    let server = InProcessServer::start_with(|o| o.enforce_limits = true).await;
    let Some(out) = throttled_script(&server.url(), 200).await else { return };
    assert_eq!(out["succeeded"], 200, "{out}");
    let throttled = out["errors"]["TooManyRequestsException"].as_u64().unwrap_or(0);
    assert!(throttled > 0, "nothing was throttled: {out}");
    assert_eq!(out["errors"].as_object().unwrap().len(), 1, "{out}");
    assert_eq!(out["retries"], throttled, "each throttled answer was retried: {out}");
    assert_eq!(out["example"]["message"], "Rate exceeded");
    assert_eq!(out["example"]["status"], 400);
}

#[tokio::test]
async fn without_the_option_nothing_is_throttled() {
    let server = InProcessServer::start().await;
    let Some(out) = throttled_script(&server.url(), 200).await else { return };
    assert_eq!((out["succeeded"].clone(), out["retries"].clone()), (200.into(), 0.into()), "{out}");
    assert_eq!(out["errors"], serde_json::json!({}));
}
