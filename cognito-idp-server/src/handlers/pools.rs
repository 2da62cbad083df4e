//! User pools: create, describe, update, delete, list, custom attributes.

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `CreateUserPool`.
pub async fn create_user_pool<S: Store>(svc: &Cognito<S>, input: CreateUserPoolRequest) -> ApiResult<CreateUserPoolResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `DescribeUserPool`.
pub async fn describe_user_pool<S: Store>(svc: &Cognito<S>, input: DescribeUserPoolRequest) -> ApiResult<DescribeUserPoolResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `UpdateUserPool`.
pub async fn update_user_pool<S: Store>(svc: &Cognito<S>, input: UpdateUserPoolRequest) -> ApiResult<UpdateUserPoolResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `DeleteUserPool`.
pub async fn delete_user_pool<S: Store>(svc: &Cognito<S>, input: DeleteUserPoolRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListUserPools`.
pub async fn list_user_pools<S: Store>(svc: &Cognito<S>, input: ListUserPoolsRequest) -> ApiResult<ListUserPoolsResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AddCustomAttributes`.
pub async fn add_custom_attributes<S: Store>(svc: &Cognito<S>, input: AddCustomAttributesRequest) -> ApiResult<AddCustomAttributesResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
