//! Tags of user pools, by ARN.
//!
//! Tags are kept by the store against the ARN; the pool's `UserPoolTags` is read from there, so
//! `TagResource` and `UpdateUserPool` see the same tags.

use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::handlers::replicas;
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources;
use crate::store::{Store, StoreError};

/// `TagResource`: adds the tags, replacing the values of keys already there.
pub async fn tag_resource<S: Store>(svc: &Cognito<S>, input: TagResourceRequest) -> ApiResult<TagResourceResponse> {
    let arn = pool_arn(svc, &input.resource_arn).await?;
    if !input.tags.is_empty() {
        svc.store.tag(&arn, input.tags.into_iter().collect()).await?;
    }
    Ok(TagResourceResponse::default())
}

/// `UntagResource`: removes the keys (keys that are not there are ignored).
pub async fn untag_resource<S: Store>(
    svc: &Cognito<S>,
    input: UntagResourceRequest,
) -> ApiResult<UntagResourceResponse> {
    let arn = pool_arn(svc, &input.resource_arn).await?;
    if !input.tag_keys.is_empty() {
        svc.store.untag(&arn, input.tag_keys).await?;
    }
    Ok(UntagResourceResponse::default())
}

/// `ListTagsForResource`.
pub async fn list_tags_for_resource<S: Store>(
    svc: &Cognito<S>,
    input: ListTagsForResourceRequest,
) -> ApiResult<ListTagsForResourceResponse> {
    let arn = pool_arn(svc, &input.resource_arn).await?;
    let tags = svc.store.tags(&arn).await?;
    Ok(ListTagsForResourceResponse { tags: Some(tags.into_iter().collect()) })
}

/// The ARN of an existing user pool, as its document records it, or `ResourceNotFoundException`.
/// User pools are the only resources of this server that take tags.
async fn pool_arn<S: Store>(svc: &Cognito<S>, arn: &str) -> ApiResult<String> {
    let Some(id) = arn.strip_prefix("arn:").and_then(|_| arn.split_once(":userpool/")).map(|(_, id)| id) else {
        return Err(ApiError::resource_not_found(format!("Resource {arn} does not exist.")));
    };
    let pool = load_pool(svc, id).await?;
    match &pool.doc.arn {
        Some(stored) if stored == arn => Ok(stored.clone()),
        // The pool's replica in another region has tags of its own, under its own ARN.
        _ if replica_arn(svc, id, arn).await? => Ok(arn.to_owned()),
        // Same pool id under another region, account or partition: not this pool.
        _ => Err(ApiError::pool_not_found(id)),
    }
}

/// Whether `arn` is the ARN of a replica of pool `id` (`handlers::replicas`).
async fn replica_arn<S: Store>(svc: &Cognito<S>, id: &str, arn: &str) -> ApiResult<bool> {
    let Some(region) = arn.split(':').nth(3) else { return Ok(false) };
    if arn != replicas::record::arn(region, &svc.settings.account_id, id) {
        return Ok(false);
    }
    match resources::get::<S, replicas::record::Replica>(&svc.store, id, region).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
