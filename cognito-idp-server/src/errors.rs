//! The errors handlers return, as AWS words them, and their conversion into each operation's
//! generated error enum.
//!
//! A code is a [`ErrorCode`], the enum the generator emits from the model's error shapes, not a
//! string: a handler can only answer a code the service's model defines, and a misspelt one does
//! not compile. Every code handlers use is modeled, so there is no way to build an `ApiError`
//! with any other; errors outside the model (`UnknownOperationException`,
//! `SerializationException`, the SigV4 refusals) are the server runtime's, answered before a
//! handler runs.

use awsjson_types::{ErrorVariant, Fault, ModeledError, UnhandledError};
use cognito_idp::ErrorCode;

use crate::store::StoreError;

/// An AWS error: its code (`__type`) and message. Handlers build these; the service turns them
/// into the operation's error enum ([`ApiError::into_op`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The code, e.g. [`ErrorCode::UserNotFoundException`]; on the wire its `as_str()`.
    pub code: ErrorCode,
    /// The message, word for word as AWS sends it where known.
    pub message: String,
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    /// `InvalidParameterException`.
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameterException, message)
    }

    /// `ResourceNotFoundException`.
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFoundException, message)
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
        Self::new(ErrorCode::UserNotFoundException, "User does not exist.")
    }

    /// `UsernameExistsException`: `User account already exists`
    pub fn username_exists() -> Self {
        Self::new(ErrorCode::UsernameExistsException, "User account already exists")
    }

    /// `NotAuthorizedException`.
    pub fn not_authorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotAuthorizedException, message)
    }

    /// `InvalidPasswordException`.
    pub fn invalid_password(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidPasswordException, message)
    }

    /// `TooManyRequestsException: Too many requests`: a write that kept losing optimistic
    /// concurrency races (the record changed under it every time it retried).
    pub fn too_busy() -> Self {
        Self::new(ErrorCode::TooManyRequestsException, "Too many requests")
    }

    /// `OperationNotEnabledException` for a write of user data while a point-in-time recovery
    /// pauses the pool. AWS documents the pause but not its error; this is the one error its
    /// model gives every such operation for a pool that cannot take the operation now.
    pub fn paused() -> Self {
        Self::new(
            ErrorCode::OperationNotEnabledException,
            "Write operations are paused while a point-in-time recovery of the user pool is in progress.",
        )
    }

    /// `InternalErrorException` (HTTP 500): a fault of this server, never of the request.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalErrorException, message)
    }

    /// The same error as the operation's generated error enum `E`: the modeled variant when the
    /// operation lists the code, otherwise an unhandled error with the same code and message
    /// (a server error for `InternalErrorException`).
    pub fn into_op<E: ModeledError>(self) -> E {
        let code = self.code.as_str();
        let body = serde_json::json!({ "message": self.message });
        let error = E::from_body(code, &body);
        // Only the modeled variant is final: `from_body` answers a code the operation does not
        // list as an unhandled error with the client's fault, and an internal error is the
        // server's (HTTP 500) whether or not the operation models it.
        if matches!(error.variant(), ErrorVariant::Modeled(_)) {
            return error;
        }
        let fault = if self.code == ErrorCode::InternalErrorException { Fault::Server } else { Fault::Client };
        E::unhandled(UnhandledError::new(code, Some(self.message)).with_fault(fault))
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
            // A write of user data while a point-in-time recovery pauses the pool.
            StoreError::Paused => ApiError::paused(),
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

#[cfg(test)]
mod tests {
    use awsjson_types::ErrorVariant;
    use cognito_idp::operation::{AddUserPoolClientSecretError, AdminGetUserError, ConfirmSignUpError};

    use super::*;

    /// The mapping keyed by the wire string: the reference the typed version must match (as
    /// `into_op` did when codes were strings, but with an internal error the server's fault on
    /// every operation).
    fn into_op_by_string<E: ModeledError>(code: &str, message: &str) -> E {
        let error = E::from_body(code, &serde_json::json!({ "message": message }));
        if matches!(error.variant(), ErrorVariant::Modeled(_)) {
            return error;
        }
        let fault = if code == "InternalErrorException" { Fault::Server } else { Fault::Client };
        E::unhandled(UnhandledError::new(code, Some(message.to_string())).with_fault(fault))
    }

    /// Code, message, fault and whether the error is the modeled variant.
    fn facts<E: ModeledError>(e: &E) -> (String, Option<String>, Fault, bool) {
        let modeled = matches!(e.variant(), ErrorVariant::Modeled(_));
        (e.code().to_string(), e.message().map(str::to_string), e.fault(), modeled)
    }

    #[test]
    fn every_code_round_trips_through_its_wire_string() {
        assert!(ErrorCode::ALL.len() >= 50, "{}", ErrorCode::ALL.len());
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert_eq!(code.to_string().parse::<ErrorCode>(), Ok(code));
            assert_eq!(ApiError::new(code, "m").to_string(), format!("{}: m", code.as_str()));
        }
        assert!(ErrorCode::ALL.windows(2).all(|w| w[0].as_str() < w[1].as_str()));
        assert_eq!(ErrorCode::UserNotFoundException.as_str(), "UserNotFoundException");
        assert_eq!(ErrorCode::parse("UserNotFound"), None);
        assert_eq!(ErrorCode::parse("UnknownOperationException"), None);
    }

    #[test]
    fn into_op_gives_the_modeled_variant_or_the_same_code_unhandled() {
        let e: AdminGetUserError = ApiError::user_not_found().into_op();
        assert!(e.is_user_not_found());
        assert_eq!(
            facts(&e),
            ("UserNotFoundException".into(), Some("User does not exist.".into()), Fault::Client, true)
        );

        // Not listed for AdminGetUser: unhandled, same code and message, the client's fault.
        let e: AdminGetUserError = ApiError::new(ErrorCode::CodeMismatchException, "Invalid code.").into_op();
        assert!(matches!(e, AdminGetUserError::Unhandled(_)));
        assert_eq!(facts(&e), ("CodeMismatchException".into(), Some("Invalid code.".into()), Fault::Client, false));

        // InternalErrorException where the operation does not list it: unhandled with the same
        // code, and still the server's fault (HTTP 500), as on the operations that model it.
        // (With string codes this answered 400: `from_body` had already made the unhandled
        // variant with the client's fault.)
        let e: AddUserPoolClientSecretError = ApiError::internal("An internal error occurred.").into_op();
        assert!(matches!(e, AddUserPoolClientSecretError::Unhandled(_)));
        assert_eq!(
            facts(&e),
            ("InternalErrorException".into(), Some("An internal error occurred.".into()), Fault::Server, false)
        );
        let e: AdminGetUserError = ApiError::internal("boom").into_op();
        assert_eq!(facts(&e), ("InternalErrorException".into(), Some("boom".into()), Fault::Server, true));
    }

    #[test]
    fn into_op_matches_the_string_mapping_for_every_code() {
        fn check<E: ModeledError>() {
            for &code in ErrorCode::ALL {
                let typed: E = ApiError::new(code, "message").into_op();
                let by_string: E = into_op_by_string(code.as_str(), "message");
                assert_eq!(facts(&typed), facts(&by_string), "{code}");
                assert_eq!(typed.to_body(), by_string.to_body(), "{code}");
            }
        }
        check::<AdminGetUserError>();
        check::<ConfirmSignUpError>();
        check::<AddUserPoolClientSecretError>();
    }
}
