//! What a call can fail with.

use std::fmt;

/// Why a call failed: before sending, on the way, or with an error from the service.
#[derive(Debug)]
pub enum SdkError<E> {
    /// The request could not be built (e.g. no region and no endpoint configured).
    Construction(String),
    /// The request did not get a response (connection, timeout).
    Transport(reqwest::Error),
    /// The service answered with an error.
    Service {
        error: E,
        /// HTTP status of the response.
        status: u16,
        /// `x-amzn-RequestId` of the response.
        request_id: Option<String>,
    },
    /// The service answered something that is not a valid response.
    Response { status: u16, message: String },
}

impl<E> SdkError<E> {
    /// The service's error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Construction(m) => write!(f, "cannot build the request: {m}"),
            SdkError::Transport(e) => write!(f, "request failed: {e}"),
            SdkError::Service { error, status, request_id } => {
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
            _ => None,
        }
    }
}
