//! Groups and their members.

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `CreateGroup`.
pub async fn create_group<S: Store>(svc: &Cognito<S>, input: CreateGroupRequest) -> ApiResult<CreateGroupResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `GetGroup`.
pub async fn get_group<S: Store>(svc: &Cognito<S>, input: GetGroupRequest) -> ApiResult<GetGroupResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `UpdateGroup`.
pub async fn update_group<S: Store>(svc: &Cognito<S>, input: UpdateGroupRequest) -> ApiResult<UpdateGroupResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `DeleteGroup`.
pub async fn delete_group<S: Store>(svc: &Cognito<S>, input: DeleteGroupRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListGroups`.
pub async fn list_groups<S: Store>(svc: &Cognito<S>, input: ListGroupsRequest) -> ApiResult<ListGroupsResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminAddUserToGroup`.
pub async fn admin_add_user_to_group<S: Store>(svc: &Cognito<S>, input: AdminAddUserToGroupRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminRemoveUserFromGroup`.
pub async fn admin_remove_user_from_group<S: Store>(svc: &Cognito<S>, input: AdminRemoveUserFromGroupRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminListGroupsForUser`.
pub async fn admin_list_groups_for_user<S: Store>(svc: &Cognito<S>, input: AdminListGroupsForUserRequest) -> ApiResult<AdminListGroupsForUserResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListUsersInGroup`.
pub async fn list_users_in_group<S: Store>(svc: &Cognito<S>, input: ListUsersInGroupRequest) -> ApiResult<ListUsersInGroupResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
