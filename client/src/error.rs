//! What a call can fail with.

use std::fmt;

use awsjson_types::ValidationError;

use crate::credentials::CredentialsError;

/// Which limit a call ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// One attempt took longer than the attempt timeout (it may have been retried).
    Attempt,
    /// All attempts and backoff together took longer than the operation timeout.
    Operation,
}

/// Why a call failed: before sending, on the way, or with an error from the service.
///
/// ```
/// use awsjson_client::SdkError;
/// use awsjson_types::UnhandledError;
///
/// let error: SdkError<UnhandledError> = SdkError::Service {
///     error: UnhandledError::new("TooManyRequestsException", Some("Rate exceeded".into())),
///     status: 400,
///     request_id: Some("6f1e2a84-0d8a-4c6e-9a51-2b3c4d5e6f70".into()),
///     query_code: None,
/// };
/// match error.service_error() {
///     Some(e) if e.code() == "TooManyRequestsException" => { /* slow down */ }
///     Some(e) => println!("the service refused: {e}"),
///     None => println!("no answer: {error}"),
/// }
/// assert_eq!(error.status(), Some(400));
/// ```
#[derive(Debug)]
pub enum SdkError<E> {
    /// The request could not be built or sent: no region or endpoint, a missing required member,
    /// an HTTP client that could not be set up (TLS), ...
    Construction(String),
    /// Client-side validation (opt-in) rejected the input; nothing was sent.
    InvalidInput(ValidationError),
    /// No usable credentials for a signed operation.
    Credentials(CredentialsError),
    /// The request did not get a response (connection refused, reset, TLS...).
    Transport(reqwest::Error),
    /// A timeout expired.
    Timeout(TimeoutKind),
    /// The service answered with an error.
    Service {
        /// The operation's error: one it models (`is_user_not_found()`...) or an unhandled one.
        error: E,
        /// HTTP status of the response.
        status: u16,
        /// `x-amzn-RequestId` of the response.
        request_id: Option<String>,
        /// The error's code in the service's query protocol, from the `x-amzn-query-error`
        /// header that JSON services keeping those codes send (AWS's `awsQueryCompatible`: SQS
        /// answers `QueueDoesNotExist` with `AWS.SimpleQueueService.NonExistentQueue`). It is what
        /// boto3 and AWS's SDKs report as the code; the error's variant is read from `__type`.
        query_code: Option<String>,
    },
    /// The service answered something that is not a valid response.
    Response {
        /// HTTP status of the response.
        status: u16,
        /// What was wrong with it.
        message: String,
    },
}

impl<E> SdkError<E> {
    /// The service's error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The service's error, by value.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The request id the service answered with, when it answered with an error.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The query-protocol error code the service sent (`x-amzn-query-error`), if any: see
    /// [`SdkError::Service`].
    pub fn query_code(&self) -> Option<&str> {
        match self {
            SdkError::Service { query_code, .. } => query_code.as_deref(),
            _ => None,
        }
    }

    /// HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            SdkError::Service { status, .. } | SdkError::Response { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Construction(m) => write!(f, "cannot build the request: {m}"),
            SdkError::InvalidInput(e) => write!(f, "invalid input: {e}"),
            SdkError::Credentials(e) => e.fmt(f),
            SdkError::Transport(e) => write!(f, "request failed: {e}"),
            SdkError::Timeout(TimeoutKind::Attempt) => f.write_str("request attempt timed out"),
            SdkError::Timeout(TimeoutKind::Operation) => f.write_str("operation timed out"),
            SdkError::Service { error, status, request_id, .. } => {
                write!(f, "{error} (HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, ", request id {id}")?;
                }
                f.write_str(")")
            }
            SdkError::Response { status, message } => write!(f, "invalid response (HTTP {status}): {message}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Transport(e) => Some(e),
            SdkError::Service { error, .. } => Some(error),
            SdkError::InvalidInput(e) => Some(e),
            SdkError::Credentials(e) => Some(e),
            _ => None,
        }
    }
}
