//! Users, as administrators manage them, and `ListUsers`.

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `AdminCreateUser`.
pub async fn admin_create_user<S: Store>(svc: &Cognito<S>, input: AdminCreateUserRequest) -> ApiResult<AdminCreateUserResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminGetUser`.
pub async fn admin_get_user<S: Store>(svc: &Cognito<S>, input: AdminGetUserRequest) -> ApiResult<AdminGetUserResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminUpdateUserAttributes`.
pub async fn admin_update_user_attributes<S: Store>(svc: &Cognito<S>, input: AdminUpdateUserAttributesRequest) -> ApiResult<AdminUpdateUserAttributesResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminDeleteUserAttributes`.
pub async fn admin_delete_user_attributes<S: Store>(svc: &Cognito<S>, input: AdminDeleteUserAttributesRequest) -> ApiResult<AdminDeleteUserAttributesResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminDisableUser`.
pub async fn admin_disable_user<S: Store>(svc: &Cognito<S>, input: AdminDisableUserRequest) -> ApiResult<AdminDisableUserResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminEnableUser`.
pub async fn admin_enable_user<S: Store>(svc: &Cognito<S>, input: AdminEnableUserRequest) -> ApiResult<AdminEnableUserResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminDeleteUser`.
pub async fn admin_delete_user<S: Store>(svc: &Cognito<S>, input: AdminDeleteUserRequest) -> ApiResult<Empty> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminSetUserPassword`.
pub async fn admin_set_user_password<S: Store>(svc: &Cognito<S>, input: AdminSetUserPasswordRequest) -> ApiResult<AdminSetUserPasswordResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminResetUserPassword`.
pub async fn admin_reset_user_password<S: Store>(svc: &Cognito<S>, input: AdminResetUserPasswordRequest) -> ApiResult<AdminResetUserPasswordResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `AdminConfirmSignUp`.
pub async fn admin_confirm_sign_up<S: Store>(svc: &Cognito<S>, input: AdminConfirmSignUpRequest) -> ApiResult<AdminConfirmSignUpResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ListUsers`.
pub async fn list_users<S: Store>(svc: &Cognito<S>, input: ListUsersRequest) -> ApiResult<ListUsersResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
