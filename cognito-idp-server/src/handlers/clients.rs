//! App clients: create, describe, update, delete, list.

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `CreateUserPoolClient`.
pub async fn create_user_pool_client<S: Store>(svc: &Cognito<S>, input: CreateUserPoolClientRequest) -> ApiResult<CreateUserPoolClientResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `DescribeUserPoolClient`.
pub async fn describe_user_pool_client<S: Store>(svc: &Cognito<S>, input: DescribeUserPoolClientRequest) -> ApiResult<DescribeUserPoolClientResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `UpdateUserPoolClient`.
pub async fn update_user_pool_client<S: Store>(svc: &Cognito<S>, input: UpdateUserPoolClientRequest) -> ApiResult<UpdateUserPoolClientResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `DeleteUserPoolClient`.
pub async fn delete_user_pool_client<S: Store>(svc: &Cognito<S>, input: DeleteUserPoolClientRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListUserPoolClients`.
pub async fn list_user_pool_clients<S: Store>(svc: &Cognito<S>, input: ListUserPoolClientsRequest) -> ApiResult<ListUserPoolClientsResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
