//! How a router is set up: body limit, CORS, SigV4 verification.

use crate::auth::SigV4Config;
use crate::cors::Cors;

/// Largest request body accepted by default (8 MiB, more than any Cognito input needs).
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

/// Settings of a router. The default suits local use: no signature checks, CORS open to every
/// origin (as Cognito's own endpoints are), bodies up to [`DEFAULT_MAX_BODY`].
///
/// ```
/// use awsjson_server::{InMemoryCredentials, ServerConfig, SigV4Config};
///
/// let store = InMemoryCredentials::new().with_key("AKIDEXAMPLE", "secret");
/// let config = ServerConfig::new().sigv4(SigV4Config::new(store).region("us-west-2")).max_body_bytes(1 << 20);
/// assert!(config.sigv4.is_some());
/// assert!(ServerConfig::default().sigv4.is_none());
/// ```
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Requests with a larger body answer `SerializationException` (400).
    pub max_body_bytes: usize,
    /// Cross-origin settings, `None` to send no CORS headers and refuse preflights.
    pub cors: Option<Cors>,
    /// SigV4 verification of signed operations; `None` (the default) lets every request in.
    pub sigv4: Option<SigV4Config>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { max_body_bytes: DEFAULT_MAX_BODY, cors: Some(Cors::default()), sigv4: None }
    }
}

impl ServerConfig {
    /// The default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Verifies SigV4 signatures on signed operations.
    pub fn sigv4(mut self, sigv4: SigV4Config) -> Self {
        self.sigv4 = Some(sigv4);
        self
    }

    /// Sets (or, with `None`, turns off) CORS.
    pub fn cors(mut self, cors: Option<Cors>) -> Self {
        self.cors = cors;
        self
    }

    /// Sets the largest accepted body, in bytes.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }
}
