//! The errors handlers return, as AWS words them, and their conversion into each operation's
//! generated error enum.

use awsjson_types::{Fault, ModeledError, UnhandledError};

use crate::store::StoreError;

/// An AWS error: its code (`__type`) and message. Handlers build these; the service turns them
/// into the operation's error enum ([`ApiError::into_op`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The code, e.g. `UserNotFoundException`.
    pub code: &'static str,
    /// The message, word for word as AWS sends it where known.
    pub message: String,
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    /// `InvalidParameterException`.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    /// `ResourceNotFoundException`.
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", message)
    }

    /// The pool does not exist: `User pool us-east-1_xyz does not exist.`
    pub fn pool_not_found(pool_id: &str) -> Self {
        Self::resource_not_found(format!("User pool {pool_id} does not exist."))
    }

    /// The app client does not exist.
    pub fn client_not_found(client_id: &str) -> Self {
        Self::resource_not_found(format!("User pool client {client_id} does not exist."))
    }

    /// `UserNotFoundException`: `User does not exist.`
    pub fn user_not_found() -> Self {
        Self::new("UserNotFoundException", "User does not exist.")
    }

    /// `UsernameExistsException`: `User account already exists`
    pub fn username_exists() -> Self {
        Self::new("UsernameExistsException", "User account already exists")
    }

    /// `NotAuthorizedException`.
    pub fn not_authorized(message: impl Into<String>) -> Self {
        Self::new("NotAuthorizedException", message)
    }

    /// `InvalidPasswordException`.
    pub fn invalid_password(message: impl Into<String>) -> Self {
        Self::new("InvalidPasswordException", message)
    }

    /// `TooManyRequestsException: Too many requests`: a write that kept losing optimistic
    /// concurrency races (the record changed under it every time it retried).
    pub fn too_busy() -> Self {
        Self::new("TooManyRequestsException", "Too many requests")
    }

    /// `InternalErrorException` (HTTP 500): a fault of this server, never of the request.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("InternalErrorException", message)
    }

    /// The same error as the operation's generated error enum `E`: the modeled variant when the
    /// operation lists the code, otherwise an unhandled error with the same code and message
    /// (a server error for `InternalErrorException`).
    pub fn into_op<E: ModeledError>(self) -> E {
        let body = serde_json::json!({ "message": self.message });
        let error = E::from_body(self.code, &body);
        if error.code() == self.code {
            return error;
        }
        let fault = if self.code == "InternalErrorException" { Fault::Server } else { Fault::Client };
        E::unhandled(UnhandledError::new(self.code, Some(self.message)).with_fault(fault))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Store failures that no handler expects become internal errors; the expected ones
/// (`NotFound`, `UsernameExists`, ...) are mapped by each handler, which knows what was
/// missing. Logged here, since the caller only sees a generic message.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UsernameExists => ApiError::username_exists(),
            StoreError::Database(detail) => {
                tracing::error!(error = %detail, "database error");
                ApiError::internal("An internal error occurred.")
            }
            other => {
                tracing::error!(error = %other, "unexpected store result");
                ApiError::internal("An internal error occurred.")
            }
        }
    }
}
