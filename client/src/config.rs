//! Client configuration: where requests go, how they are signed, retried and timed out.

use std::sync::Arc;
use std::time::Duration;

use crate::chain::DefaultCredentialsChain;
use crate::credentials::ProvideCredentials;
use crate::profile;
use crate::retry::RetryConfig;

/// Timeouts: connecting, one attempt, and the whole operation (all attempts and backoff).
/// `None` means no limit.
///
/// ```
/// use std::time::Duration;
/// use awsjson_client::{Config, TimeoutConfig};
///
/// let timeouts = TimeoutConfig {
///     attempt: Some(Duration::from_secs(2)),
///     operation: Some(Duration::from_secs(10)),
///     ..TimeoutConfig::default()
/// };
/// let config = Config::new().timeouts(timeouts);
/// assert_eq!(config.timeout_config().connect, Some(Duration::from_millis(3100)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Setting up a connection (TCP and TLS). Applies to the HTTP client the [`Client`] builds,
    /// not to one given with [`Config::http_client`].
    ///
    /// [`Client`]: crate::Client
    pub connect: Option<Duration>,
    /// One attempt: sending the request and reading the whole response. An attempt that runs
    /// out is retried like a connection failure.
    pub attempt: Option<Duration>,
    /// The whole call: every attempt and the waits between them.
    pub operation: Option<Duration>,
}

impl Default for TimeoutConfig {
    /// Connect within 3.1 s (as AWS SDKs); no attempt or operation limit.
    fn default() -> Self {
        TimeoutConfig { connect: Some(Duration::from_millis(3100)), attempt: None, operation: None }
    }
}

/// How a client sends requests.
///
/// ```
/// use awsjson_client::{Config, Credentials};
/// let config = Config::new()
///     .region("us-west-2")
///     .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
///     .endpoint_url("http://127.0.0.1:9229");
/// assert_eq!(config.region_name(), Some("us-west-2"));
/// ```
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) validate_requests: bool,
    pub(crate) disable_host_prefix: bool,
    pub(crate) http: Option<reqwest::Client>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("validate_requests", &self.validate_requests)
            .field("disable_host_prefix", &self.disable_host_prefix)
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// No region and no endpoint (set them, or start from [`Config::from_env`], which reads them
    /// from the environment), credentials from the default chain ([`DefaultCredentialsChain`]),
    /// standard retries, a 3.1 s connect timeout, no client-side validation.
    ///
    /// Nothing here reads the environment: a client made with this configuration and no
    /// [`region`](Config::region) or [`endpoint_url`](Config::endpoint_url) fails every call with
    /// [`SdkError::Construction`](crate::SdkError::Construction), even when `AWS_REGION` is set.
    pub fn new() -> Self {
        Config {
            region: None,
            endpoint: None,
            credentials: Arc::new(DefaultCredentialsChain::default()),
            retry: RetryConfig::standard(),
            timeouts: TimeoutConfig::default(),
            validate_requests: false,
            disable_host_prefix: false,
            http: None,
        }
    }

    /// The region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`, and the
    /// endpoint from `AWS_ENDPOINT_URL`, as the AWS CLI reads them.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .or_else(|| profile::current_profile().get("region").filter(|r| !r.is_empty()).cloned());
        Config { region, endpoint: var("AWS_ENDPOINT_URL"), ..Config::new() }
    }

    /// The AWS region, e.g. `us-west-2`: picks the endpoint and the signing scope.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A custom endpoint URL (a local emulator, a proxy) instead of the regional AWS endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Where credentials come from: fixed keys ([`crate::Credentials`]) or any provider.
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Arc::new(provider);
        self
    }

    /// How failed attempts are retried ([`RetryConfig::standard`] by default).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The connect, attempt and operation timeouts.
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Check inputs against the model's constraints before sending (off by default, as in AWS's
    /// own SDKs: the service is the authority and its rules may be newer than ours).
    pub fn validate_requests(mut self, on: bool) -> Self {
        self.validate_requests = on;
        self
    }

    /// Send every operation to the endpoint's own host, leaving out the host prefixes some
    /// operations have (`data-`, `{Bucket}.data.`). Prefixes are on by default, as in AWS's SDKs;
    /// turn them off for an endpoint that is an IP address or one local server for everything.
    ///
    /// ```
    /// let config = awsjson_client::Config::new().endpoint_url("http://127.0.0.1:4566").disable_host_prefix(true);
    /// assert!(config.host_prefix_disabled());
    /// ```
    pub fn disable_host_prefix(mut self, disable: bool) -> Self {
        self.disable_host_prefix = disable;
        self
    }

    /// Whether host prefixes are left out ([`Config::disable_host_prefix`]).
    pub fn host_prefix_disabled(&self) -> bool {
        self.disable_host_prefix
    }

    /// Use this reqwest client (its proxy, TLS and pool settings) instead of building one. Its
    /// own user agent and connect timeout then apply, not ours and not [`TimeoutConfig::connect`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The region set, if any.
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint URL set, if any.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// How failed attempts are retried.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }
}
