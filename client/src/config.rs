//! Client configuration.

/// Where and how a client sends requests.
///
/// ```
/// let config = awsjson_client::Config::new().region("us-west-2");
/// assert_eq!(config.region_name(), Some("us-west-2"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Config {
    region: Option<String>,
    endpoint: Option<String>,
}

impl Config {
    pub fn new() -> Self {
        Config::default()
    }

    /// The AWS region, e.g. `us-west-2`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A custom endpoint URL (a local emulator, a proxy) instead of the regional AWS endpoint.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }
}
