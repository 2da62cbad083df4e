//! How a federated sign-in fails: what the app's redirect URI is told.

/// Why a federated sign-in failed: the OAuth error and its description, for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `invalid_request`, `access_denied`, ...
    pub error: String,
    /// Why, in words.
    pub description: String,
}

impl Failure {
    /// An `invalid_request` failure.
    pub fn invalid(description: impl Into<String>) -> Failure {
        Failure { error: "invalid_request".into(), description: description.into() }
    }
}
