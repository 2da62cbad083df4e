//! Modeled errors: what a generated per-operation error enum can do.

use std::fmt;

/// Who is at fault: decides the HTTP status class and whether a client retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The request was wrong (HTTP 4xx).
    Client,
    /// The service failed (HTTP 5xx).
    Server,
}

/// An error whose code the operation's model does not list (or that had no code).
///
/// ```
/// use awsjson_types::UnhandledError;
/// let e = UnhandledError::new("ThrottlingException", Some("Rate exceeded".into()));
/// assert_eq!(e.to_string(), "ThrottlingException: Rate exceeded");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct UnhandledError {
    code: String,
    message: Option<String>,
    fault: Fault,
}

impl UnhandledError {
    pub fn new(code: impl Into<String>, message: Option<String>) -> Self {
        UnhandledError { code: code.into(), message, fault: Fault::Client }
    }

    /// The same error, classified as the service's fault.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = fault;
        self
    }

    /// The answer of a backend that does not implement `operation`: a client error (HTTP 400,
    /// never 5xx, since AWS SDKs retry those).
    pub fn not_implemented(operation: &str) -> Self {
        UnhandledError::new(
            "UnsupportedOperationException",
            Some(format!("{operation} is not implemented by this backend")),
        )
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn fault(&self) -> Fault {
        self.fault
    }
}

impl fmt::Display for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{}: {m}", self.code),
            None => f.write_str(&self.code),
        }
    }
}

impl std::error::Error for UnhandledError {}

/// Implemented by each generated per-operation error enum.
pub trait ModeledError: std::error::Error + Send + Sync + Sized + 'static {
    /// Builds the error named `code` (already stripped of any namespace) from the members of an
    /// AWS JSON error body. A code the operation does not model becomes the unhandled variant.
    fn from_body(code: &str, body: &serde_json::Value) -> Self;

    /// Wraps an error the model does not list.
    fn unhandled(error: UnhandledError) -> Self;

    /// The error's code, as sent in `__type`.
    fn code(&self) -> &str;

    fn message(&self) -> Option<&str>;

    fn fault(&self) -> Fault;

    /// The error's members as a JSON object (without `__type`), as a server sends them.
    fn to_body(&self) -> serde_json::Value;

    /// What a backend answers for an operation it does not implement.
    fn not_implemented(operation: &str) -> Self {
        Self::unhandled(UnhandledError::not_implemented(operation))
    }
}
