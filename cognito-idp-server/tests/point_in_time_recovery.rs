//! Point-in-time recovery over HTTP through boto3 (`tests/pitr/recovery.py`): a recovery that
//! brings back a deleted user (its `sub`, attributes, group and password) and undoes an
//! attribute change, the preview's counts, the write pause, cancel, expiry, the states and
//! refusals, and the listing. The boto3 of tests/requirements.txt predates these operations,
//! so the one of tests/requirements-pitr.txt runs from `{target}/tmp/boto3-current`.

mod common;

use common::tools::boto3_current;
use common::{ACCESS_KEY, InProcessServer, REGION, SECRET_KEY};
use serde_json::{Value, json};

async fn scenario(server: &InProcessServer, name: &str) -> Option<Value> {
    let boto3 = boto3_current()?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pitr/recovery.py");
    let mut command = tokio::process::Command::new("python3");
    command.arg(script).args([name, &server.url(), REGION, ACCESS_KEY, SECRET_KEY]).env("PYTHONPATH", boto3);
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(var);
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    Some(common::tools::stdout_json(&common::tools::run(command).await))
}

fn paused() -> Value {
    json!({
        "code": "OperationNotEnabledException",
        "message": "Write operations are paused while a point-in-time recovery of the user pool is in progress.",
        "status": 400
    })
}

#[tokio::test]
async fn a_recovery_brings_back_a_deleted_user_and_undoes_changes() {
    let server = InProcessServer::start().await;
    let Some(out) = scenario(&server, "restore").await else { return };
    assert_eq!(
        out["initiated"],
        json!({"status": "PREVIEW_GENERATING", "has_preview": false, "restore_ms": out["point_ms"], "trigger_after_point": true}),
        "{out}"
    );
    for write in ["paused_create", "paused_update", "paused_group", "paused_import"] {
        assert_eq!(out[write], paused(), "{write}: {out}");
    }
    assert_eq!(out["read_during_pause"], "Robert");
    assert_eq!(out["sign_in_during_pause"], "tokens");
    assert_eq!(out["described"]["status"], "PREVIEW_GENERATED");
    assert_eq!(
        out["described"]["preview"],
        json!({"Users": [1, 1, 1], "Groups": [0, 1, 0], "User MFAs": [0, 0, 0], "Passkeys": [0, 0, 0]}),
        "{out}"
    );
    assert_eq!(
        (out["start_status"].as_str(), out["after_start"].as_str()),
        (Some("RESTORING"), Some("RESTORE_COMPLETED"))
    );
    assert_eq!(
        out["alice"],
        json!({"sub_kept": true, "email": "alice@example.com", "given_name": "Alice", "groups": ["admins"],
               "status": "CONFIRMED", "sign_in": "tokens"}),
        "{out}"
    );
    assert_eq!(out["bob_given_name"], "Bob");
    assert_eq!(out["dave"]["code"], "UserNotFoundException", "{out}");
    assert_eq!(out["write_after"], "ok");
    assert_eq!(out["listed"], json!([[true, "RESTORE_COMPLETED", false]]));
    assert_eq!(out["again_today"]["code"], "LimitExceededException", "{out}");
}

#[tokio::test]
async fn recoveries_are_cancelled_expire_and_refuse_what_aws_refuses() {
    let server = InProcessServer::start().await;
    let Some(out) = scenario(&server, "lifecycle").await else { return };
    assert_eq!(out["too_recent"]["code"], "InvalidParameterException", "{out}");
    assert_eq!(out["too_recent"]["message"], "The recovery point must be at least 15 minutes in the past.");
    assert_eq!(out["before_pool"]["code"], "InvalidParameterException", "{out}");
    assert_eq!(out["second_active"]["code"], "ConcurrentModificationException", "{out}");
    assert_eq!(out["first_described"], "PREVIEW_GENERATED");
    assert_eq!(out["paused_write"], paused());
    assert_eq!(out["cancelled"], "PREVIEW_CANCELLED");
    assert_eq!(out["start_cancelled"]["code"], "ConcurrentModificationException", "{out}");
    assert_eq!(out["cancel_again"]["code"], "ConcurrentModificationException", "{out}");
    assert_eq!(out["write_after_cancel"], "Al");
    assert_eq!(out["expired"], "PREVIEW_EXPIRED");
    assert_eq!(out["write_after_expiry"], "Alicia");
    assert_eq!(out["too_old"]["code"], "InvalidParameterException", "{out}");
    assert_eq!(out["pages"], json!([[out["ids_newest_first"][0]], [out["ids_newest_first"][1]]]), "{out}");
    assert_eq!(out["last_page_token"], false);
    assert_eq!(out["unknown"]["code"], "ResourceNotFoundException", "{out}");
    assert_eq!(out["bad_id"]["code"], "InvalidParameterException", "{out}");
    assert_eq!(out["no_pool"]["code"], "ResourceNotFoundException", "{out}");
    assert_eq!(out["lite"]["code"], "FeatureUnavailableInTierException", "{out}");
}
