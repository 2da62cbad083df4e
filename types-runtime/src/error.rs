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
    /// An error with `code` and an optional message, counted as the caller's fault (HTTP 400).
    pub fn new(code: impl Into<String>, message: Option<String>) -> Self {
        UnhandledError { code: code.into(), message, fault: Fault::Client }
    }

    /// The same error with `fault` as its fault ([`Fault::Server`] makes a server answer 500).
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

    /// The error's code, as sent in `__type`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The error's message, if it had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whose fault the error is.
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

impl UnhandledError {
    /// The error `code` of an error body the model does not describe: only its `message` is
    /// kept (the client copies a `Message` there before it decodes errors).
    ///
    /// ```
    /// use awsjson_types::UnhandledError;
    /// let body = serde_json::json!({"message": "Rate exceeded", "Other": 1});
    /// assert_eq!(UnhandledError::from_body("ThrottlingException", &body).message(), Some("Rate exceeded"));
    /// ```
    pub fn from_body(code: &str, body: &serde_json::Value) -> Self {
        let message = body.get("message").and_then(|m| m.as_str());
        UnhandledError::new(code, message.map(str::to_owned))
    }
}

/// Implemented by each generated error structure (`UserNotFoundException`, ...): what the error
/// enums of the operations that list it need of it.
pub trait ErrorStructure: std::error::Error + Send + Sync + 'static {
    /// The error's code, as sent in `__type`.
    fn code(&self) -> &'static str;

    /// Whose fault the error is, as the model says.
    fn fault(&self) -> Fault;

    /// The error's `message` member, if it has one.
    fn message(&self) -> Option<&str>;

    /// The error's members as a JSON object (without `__type`), as a server sends them.
    fn to_body(&self) -> serde_json::Value;
}

/// A variant of an operation's error enum, seen through what every error has in common.
#[derive(Clone, Copy)]
pub enum ErrorVariant<'a> {
    /// A modeled error.
    Modeled(&'a dyn ErrorStructure),
    /// An error the model does not list.
    Unhandled(&'a UnhandledError),
}

impl<'a> ErrorVariant<'a> {
    /// The error itself, as a `std::error::Error`.
    pub fn as_error(self) -> &'a (dyn std::error::Error + 'static) {
        match self {
            ErrorVariant::Modeled(e) => e,
            ErrorVariant::Unhandled(e) => e,
        }
    }
}

/// Implemented by each generated per-operation error enum. Everything but reading and listing
/// the variants is provided here, once, rather than written out as a `match` per method in
/// every enum.
pub trait ModeledError: std::error::Error + Send + Sync + Sized + 'static {
    /// Builds the error named `code` (already stripped of any namespace) from the members of an
    /// AWS JSON error body. A code the operation does not model becomes the unhandled variant.
    fn from_body(code: &str, body: &serde_json::Value) -> Self;

    /// Wraps an error the model does not list.
    fn unhandled(error: UnhandledError) -> Self;

    /// The variant this error is.
    fn variant(&self) -> ErrorVariant<'_>;

    /// The error's code, as sent in `__type`.
    fn code(&self) -> &str {
        match self.variant() {
            ErrorVariant::Modeled(e) => e.code(),
            ErrorVariant::Unhandled(e) => e.code(),
        }
    }

    /// The error's message, if it has one.
    fn message(&self) -> Option<&str> {
        match self.variant() {
            ErrorVariant::Modeled(e) => e.message(),
            ErrorVariant::Unhandled(e) => e.message(),
        }
    }

    /// Whose fault the error is: a server answers 400 for [`Fault::Client`], 500 for
    /// [`Fault::Server`].
    fn fault(&self) -> Fault {
        match self.variant() {
            ErrorVariant::Modeled(e) => e.fault(),
            ErrorVariant::Unhandled(e) => e.fault(),
        }
    }

    /// The error's members as a JSON object (without `__type`), as a server sends them.
    fn to_body(&self) -> serde_json::Value {
        match self.variant() {
            ErrorVariant::Modeled(e) => e.to_body(),
            ErrorVariant::Unhandled(e) => match e.message() {
                Some(m) => serde_json::json!({ "message": m }),
                None => serde_json::json!({}),
            },
        }
    }

    /// What a backend answers for an operation it does not implement.
    fn not_implemented(operation: &str) -> Self {
        Self::unhandled(UnhandledError::not_implemented(operation))
    }
}

/// Reads a modeled error's members from an error body (`None` if they do not fit its model).
/// Generated `from_body` implementations call it.
pub fn decode<T: serde::de::DeserializeOwned>(body: &serde_json::Value) -> Option<T> {
    T::deserialize(body).ok()
}

/// `Debug` of an error enum: `Code(error)` for a modeled error, `Unhandled(error)` for any other,
/// as `#[derive(Debug)]` prints it when the variants are named for the codes.
pub fn debug<E: ModeledError>(error: &E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match error.variant() {
        ErrorVariant::Modeled(e) => f.debug_tuple(e.code()).field(&e).finish(),
        ErrorVariant::Unhandled(e) => f.debug_tuple("Unhandled").field(e).finish(),
    }
}

/// `Display` of an error enum: that of its variant.
pub fn display<E: ModeledError>(error: &E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    fmt::Display::fmt(error.variant().as_error(), f)
}
