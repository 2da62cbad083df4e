//! Multi-Region replicas: `CreateUserPoolReplica`, `UpdateUserPoolReplica`,
//! `DeleteUserPoolReplica`, `ListUserPoolReplicas`.
//!
//! One server serves every region: a replica is a record saying that the pool also answers
//! requests for its region (signed for it, or addressed to its endpoint; `crate::request_region`),
//! with the same pool id, users, keys and issuer, as AWS's replicas share them ("separate user
//! pools with a shared user pool ID"; the updated issuer names the primary region and the same
//! JWKS is served in every region). What a secondary may do is `gate`'s. Rules from AWS's
//! documentation: Essentials or Plus plan, a multi-Region customer managed KMS key, one
//! secondary per pool, new replicas `INACTIVE`, only `INACTIVE` ones deleted, from the primary.

pub mod gate;
pub mod record;

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use self::record::{Replica, arn};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::{Cognito, Pool};
use crate::store::resources::{self, Stored};
use crate::store::{Store, StoreError};

fn api(svc_account: &str, pool_id: &str, region: &str, status: &str, role: &str) -> UserPoolReplicaType {
    UserPoolReplicaType {
        region_name: Some(region.to_owned()),
        status: Some(ReplicaStatusType::from(status)),
        role: Some(ReplicaRoleType::from(role)),
        user_pool_arn: Some(arn(region, svc_account, pool_id)),
    }
}

fn replica_not_found(pool_id: &str, region: &str) -> ApiError {
    ApiError::resource_not_found(format!("User pool {pool_id} has no replica in {region}."))
}

/// Whether `name` looks like an AWS region (`eu-west-1`, `us-gov-east-1`).
fn region_like(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

/// The pool's secondary replicas.
async fn secondaries<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<Stored<Replica>>> {
    Ok(resources::list::<S, Replica>(&svc.store, pool_id, 0, 60).await?.items)
}

async fn get<S: Store>(svc: &Cognito<S>, pool: &Pool, region: &str) -> ApiResult<Stored<Replica>> {
    match resources::get::<S, Replica>(&svc.store, pool.id(), region).await {
        Ok(stored) => Ok(stored),
        Err(StoreError::NotFound) => Err(replica_not_found(pool.id(), region)),
        Err(e) => Err(e.into()),
    }
}

/// "Before you enable replication, you must configure the user pool with a multi-Region customer
/// managed key in KMS": `KeyConfiguration` with `CUSTOMER_MANAGED_KEY` and a key id `mrk-...`.
fn multi_region_key(pool: &Pool) -> bool {
    pool.doc.key_configuration.as_ref().is_some_and(|k| {
        k.key_type.as_ref().is_some_and(|t| t.as_str() == "CUSTOMER_MANAGED_KEY")
            && k.kms_key_arn.as_deref().is_some_and(|arn| arn.contains(":key/mrk-") || arn.starts_with("mrk-"))
    })
}

/// `CreateUserPoolReplica`.
pub async fn create_user_pool_replica<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolReplicaRequest,
) -> ApiResult<CreateUserPoolReplicaResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let region = input.region_name;
    if !region_like(&region) {
        return Err(ApiError::invalid_parameter(format!("{region} is not a valid region.")));
    }
    if region == svc.settings.region {
        return Err(ApiError::invalid_parameter(format!(
            "{region} is the primary region of the user pool: choose another region for the replica."
        )));
    }
    if pool.doc.user_pool_tier.as_ref().is_none_or(|t| t.as_str() == "LITE") {
        return Err(ApiError::new(
            ErrorCode::FeatureUnavailableInTierException,
            "Multi-Region replication requires the Essentials or Plus feature plan.",
        ));
    }
    if !multi_region_key(&pool) {
        return Err(ApiError::invalid_parameter(
            "Multi-Region replication requires the user pool to be encrypted with a multi-Region customer managed KMS key.",
        ));
    }
    if !secondaries(svc, pool.id()).await?.is_empty() {
        return Err(ApiError::new(
            ErrorCode::LimitExceededException,
            "The user pool already has a secondary replica: a user pool can have one.",
        ));
    }
    let replica = Replica { region: region.clone(), status: "INACTIVE".into(), created_ms: svc.clock.now_ms() };
    match resources::create(&svc.store, pool.id(), replica).await {
        Ok(_) => {}
        Err(StoreError::ResourceExists) => {
            return Err(ApiError::new(ErrorCode::LimitExceededException, "The user pool already has a replica there."));
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(tags) = input.user_pool_tags.filter(|t| !t.is_empty()) {
        svc.store.tag(&arn(&region, &svc.settings.account_id, pool.id()), tags.into_iter().collect()).await?;
    }
    // Created `INACTIVE`; the answer shows it being created, as the enum's first state.
    Ok(CreateUserPoolReplicaResponse {
        user_pool_replica: Some(api(&svc.settings.account_id, pool.id(), &region, "CREATING", "SECONDARY")),
    })
}

/// `UpdateUserPoolReplica`: activates or deactivates a secondary (from either region).
pub async fn update_user_pool_replica<S: Store>(
    svc: &Cognito<S>,
    input: UpdateUserPoolReplicaRequest,
) -> ApiResult<UpdateUserPoolReplicaResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    if input.region_name == svc.settings.region {
        return Err(ApiError::invalid_parameter("The primary replica's status can't be changed."));
    }
    let status = input.status.as_str().to_owned();
    get(svc, &pool, &input.region_name).await?;
    let changed = resources::modify::<S, Replica, StoreError, _>(&svc.store, pool.id(), &input.region_name, |r| {
        r.status = status.clone();
        Ok(())
    })
    .await;
    let saved = match changed {
        Ok(saved) => saved,
        Err(StoreError::NotFound) => return Err(replica_not_found(pool.id(), &input.region_name)),
        Err(e) => return Err(e.into()),
    };
    Ok(UpdateUserPoolReplicaResponse {
        user_pool_replica: Some(api(
            &svc.settings.account_id,
            pool.id(),
            &saved.value.region,
            &saved.value.status,
            "SECONDARY",
        )),
    })
}

/// `DeleteUserPoolReplica`: an `INACTIVE` secondary, from the primary region.
pub async fn delete_user_pool_replica<S: Store>(
    svc: &Cognito<S>,
    input: DeleteUserPoolReplicaRequest,
) -> ApiResult<DeleteUserPoolReplicaResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    if input.region_name == svc.settings.region {
        return Err(ApiError::invalid_parameter("The primary replica can't be deleted: delete the user pool."));
    }
    let replica = get(svc, &pool, &input.region_name).await?;
    if replica.value.status != "INACTIVE" {
        return Err(ApiError::invalid_parameter(format!(
            "Only an INACTIVE replica can be deleted; the replica in {} is {}.",
            input.region_name, replica.value.status
        )));
    }
    match resources::delete::<S, Replica>(&svc.store, pool.id(), &input.region_name).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let replica_arn = arn(&input.region_name, &svc.settings.account_id, pool.id());
    let keys: Vec<String> = svc.store.tags(&replica_arn).await?.into_iter().map(|(k, _)| k).collect();
    if !keys.is_empty() {
        svc.store.untag(&replica_arn, keys).await?;
    }
    Ok(DeleteUserPoolReplicaResponse {
        user_pool_replica: Some(api(&svc.settings.account_id, pool.id(), &input.region_name, "DELETING", "SECONDARY")),
    })
}

/// `ListUserPoolReplicas`: the primary, then its secondary.
pub async fn list_user_pool_replicas<S: Store>(
    svc: &Cognito<S>,
    input: ListUserPoolReplicasRequest,
) -> ApiResult<ListUserPoolReplicasResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let account = &svc.settings.account_id;
    let mut replicas = vec![api(account, pool.id(), &svc.settings.region, "ACTIVE", "PRIMARY")];
    for stored in secondaries(svc, pool.id()).await? {
        replicas.push(api(account, pool.id(), &stored.value.region, &stored.value.status, "SECONDARY"));
    }
    Ok(ListUserPoolReplicasResponse { user_pool_replicas: Some(replicas), next_token: None })
}
