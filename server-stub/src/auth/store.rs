//! Where the secret of an access key comes from: a pluggable store, and an in-memory one.

use std::collections::HashMap;
use std::fmt;

use crate::future::BoxFuture;

/// The secret half of an access key, as a [`CredentialStore`] holds it.
///
/// `Debug` never prints the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// The secret access key the signature is computed with.
    pub secret_access_key: String,
    /// The session token a request must carry (`X-Amz-Security-Token`) for temporary
    /// credentials; `None` for long-term keys, which must be sent without one.
    pub session_token: Option<String>,
}

impl fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredential")
            .field("secret_access_key", &awsjson_types::REDACTED)
            .field("session_token", &self.session_token.as_ref().map(|_| awsjson_types::REDACTED))
            .finish()
    }
}

/// Looks up the credential of an access key id. Implement it over a database, a secrets manager
/// or a file; [`InMemoryCredentials`] serves fixed key pairs.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::RwLock;
/// use awsjson_server::{BoxFuture, CredentialStore, SigV4Config, StoredCredential};
///
/// /// Keys that can be added and revoked while the server runs.
/// #[derive(Default)]
/// struct Revocable(RwLock<HashMap<String, String>>);
///
/// impl CredentialStore for Revocable {
///     fn lookup<'a>(&'a self, access_key_id: &'a str) -> BoxFuture<'a, Option<StoredCredential>> {
///         let keys = self.0.read().unwrap_or_else(|e| e.into_inner());
///         let found = keys.get(access_key_id).map(|secret| StoredCredential {
///             secret_access_key: secret.clone(),
///             session_token: None,
///         });
///         Box::pin(std::future::ready(found))
///     }
/// }
///
/// let config = SigV4Config::new(Revocable::default());
/// ```
pub trait CredentialStore: Send + Sync + 'static {
    /// The credential of `access_key_id`, or `None` when the key is unknown.
    fn lookup<'a>(&'a self, access_key_id: &'a str) -> BoxFuture<'a, Option<StoredCredential>>;
}

/// A fixed set of key pairs held in memory.
///
/// ```
/// use awsjson_server::{CredentialStore, InMemoryCredentials};
///
/// let store = InMemoryCredentials::new()
///     .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
///     .with_session("ASIAEXAMPLE", "secret", "token");
/// # tokio_test_block(async {
/// assert!(store.lookup("AKIDEXAMPLE").await.is_some());
/// assert_eq!(store.lookup("ASIAEXAMPLE").await.unwrap().session_token.as_deref(), Some("token"));
/// assert!(store.lookup("AKIDUNKNOWN").await.is_none());
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct InMemoryCredentials {
    keys: HashMap<String, StoredCredential>,
}

impl InMemoryCredentials {
    /// An empty store (every key is unknown).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a long-term key pair.
    pub fn with_key(mut self, access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        let credential = StoredCredential { secret_access_key: secret_access_key.into(), session_token: None };
        self.keys.insert(access_key_id.into(), credential);
        self
    }

    /// Adds a temporary key pair that must be used with `session_token`.
    pub fn with_session(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        let credential =
            StoredCredential { secret_access_key: secret_access_key.into(), session_token: Some(session_token.into()) };
        self.keys.insert(access_key_id.into(), credential);
        self
    }
}

impl CredentialStore for InMemoryCredentials {
    fn lookup<'a>(&'a self, access_key_id: &'a str) -> BoxFuture<'a, Option<StoredCredential>> {
        Box::pin(std::future::ready(self.keys.get(access_key_id).cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = StoredCredential { secret_access_key: "s3cr3t".into(), session_token: Some("t0k3n".into()) };
        let text = format!("{c:?}");
        assert!(!text.contains("s3cr3t") && !text.contains("t0k3n"), "{text}");
        let store = InMemoryCredentials::new().with_key("AKID", "s3cr3t");
        assert!(!format!("{store:?}").contains("s3cr3t"));
    }
}
