//! Multi-Region replicas over HTTP through boto3 (`tests/replicas/replicas.py`):
//! `CreateUserPoolReplica`, `UpdateUserPoolReplica`, `DeleteUserPoolReplica`,
//! `ListUserPoolReplicas`, and the replica region served by the same server: requests signed
//! for it or addressed to its endpoint reach the same pool (same id, users, issuer and keys),
//! sign in once it is `ACTIVE`, and cannot create or change users there.

mod common;

use common::tools::boto3_current;
use common::{ACCESS_KEY, InProcessServer, REGION, SECRET_KEY};
use serde_json::{Value, json};

async fn run(server: &InProcessServer) -> Option<Value> {
    let boto3 = boto3_current()?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/replicas/replicas.py");
    let mut command = tokio::process::Command::new("python3");
    command.arg(script).args([&server.url(), REGION, ACCESS_KEY, SECRET_KEY]).env("PYTHONPATH", boto3);
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(var);
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    Some(common::tools::stdout_json(&common::tools::run(command).await))
}

#[tokio::test]
async fn a_replica_region_serves_the_same_pool_and_signs_users_in() {
    let server = InProcessServer::start().await;
    let Some(out) = run(&server).await else { return };
    let pool = out["pool"].as_str().unwrap();
    let arn = |region: &str| format!("arn:aws:cognito-idp:{region}:000000000000:userpool/{pool}");
    let code = |key: &str| out[key]["code"].clone();
    assert_eq!(out["before_replica"], "alice", "a pool never replicated answers in any region");
    assert_eq!(out["created"], json!(["eu-west-1", "CREATING", "SECONDARY", arn("eu-west-1")]));
    assert_eq!(
        out["listed"],
        json!([
            ["us-east-1", "ACTIVE", "PRIMARY", arn("us-east-1")],
            ["eu-west-1", "INACTIVE", "SECONDARY", arn("eu-west-1")]
        ])
    );
    assert_eq!(out["replica_tags"], json!({"team": "auth"}));
    assert_eq!(out["listed_pool_regions"], json!([["eu-west-1"]]), "ListUserPools' ReplicaRegions");
    assert_eq!(code("second_replica"), "LimitExceededException", "{out}");
    assert_eq!(code("primary_region_replica"), "InvalidParameterException", "{out}");
    assert_eq!(code("third_region"), "ResourceNotFoundException", "a replicated pool is not in other regions: {out}");
    assert_eq!(code("inactive_sign_in"), "OperationNotEnabledException", "{out}");
    assert_eq!(out["inactive_admin_read"], "alice");
    assert_eq!(out["activated"], json!(["eu-west-1", "ACTIVE", "SECONDARY", arn("eu-west-1")]));
    assert_eq!(
        out["tokens"],
        json!({"same_issuer": true, "same_sub": true, "kids_in_jwks": true, "pool_in_issuer": true}),
        "{out}"
    );
    assert_eq!(out["user_via_replica"], "alice");
    assert_eq!(code("create_in_secondary"), "OperationNotEnabledException", "{out}");
    assert_eq!(code("update_in_secondary"), "OperationNotEnabledException", "{out}");
    assert_eq!(code("delete_from_secondary"), "OperationNotEnabledException", "{out}");
    assert_eq!(code("delete_active"), "InvalidParameterException", "{out}");
    assert_eq!(out["deleted"], json!(["eu-west-1", "DELETING", "SECONDARY", arn("eu-west-1")]));
    assert_eq!(out["after_delete"], json!([["us-east-1", "ACTIVE", "PRIMARY", arn("us-east-1")]]));
    assert_eq!(code("unknown_replica"), "ResourceNotFoundException", "{out}");
    assert_eq!(code("lite"), "FeatureUnavailableInTierException", "{out}");
    assert_eq!(code("no_multi_region_key"), "InvalidParameterException", "{out}");
}
