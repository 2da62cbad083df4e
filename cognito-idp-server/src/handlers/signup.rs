//! Self-service sign-up: `SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`.

use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::service::Cognito;
use crate::store::Store;

/// `SignUp`.
pub async fn sign_up<S: Store>(svc: &Cognito<S>, input: SignUpRequest) -> ApiResult<SignUpResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ConfirmSignUp`.
pub async fn confirm_sign_up<S: Store>(svc: &Cognito<S>, input: ConfirmSignUpRequest) -> ApiResult<ConfirmSignUpResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}

/// `ResendConfirmationCode`.
pub async fn resend_confirmation_code<S: Store>(svc: &Cognito<S>, input: ResendConfirmationCodeRequest) -> ApiResult<ResendConfirmationCodeResponse> {
    let _ = (svc, input);
    Err(ApiError::new("UnsupportedOperationException", "not implemented yet"))
}
