//! Tags of user pools.

use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `TagResource`.
pub async fn tag_resource<S: Store>(svc: &Cognito<S>, input: TagResourceRequest) -> ApiResult<TagResourceResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `UntagResource`.
pub async fn untag_resource<S: Store>(svc: &Cognito<S>, input: UntagResourceRequest) -> ApiResult<UntagResourceResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListTagsForResource`.
pub async fn list_tags_for_resource<S: Store>(svc: &Cognito<S>, input: ListTagsForResourceRequest) -> ApiResult<ListTagsForResourceResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
