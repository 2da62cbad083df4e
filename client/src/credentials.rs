//! AWS credentials, the trait of their sources, and two sources: the environment and the
//! shared files. The default chain over them is in `chain`.

use std::fmt;
use std::time::SystemTime;

use crate::future::BoxFuture;
use crate::profile;

/// An access key pair, with a session token for temporary credentials.
///
/// ```
/// let creds = awsjson_client::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// assert!(!format!("{creds:?}").contains("wJalr"), "the secret never prints");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_after: Option<SystemTime>,
}

impl Credentials {
    /// A long-term key pair (no session token, no expiry).
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
            expires_after: None,
        }
    }

    /// The same keys with a session token (`X-Amz-Security-Token`).
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// The same keys, valid until `expiry` ([`DefaultCredentialsChain`] fetches new ones shortly
    /// before; fixed credentials given to [`Config::credentials`] are used as they are).
    ///
    /// [`DefaultCredentialsChain`]: crate::DefaultCredentialsChain
    /// [`Config::credentials`]: crate::Config::credentials
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expires_after = Some(expiry);
        self
    }

    /// The access key id (`AKIA...`, or `ASIA...` for temporary keys).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When the credentials stop working, if they expire.
    pub fn expires_after(&self) -> Option<SystemTime> {
        self.expires_after
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &awsjson_types::Redacted)
            .field("session_token", &self.session_token.as_ref().map(|_| awsjson_types::Redacted))
            .field("expires_after", &self.expires_after)
            .finish()
    }
}

/// Why no credentials could be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// No source had credentials (the message says which were tried).
    NotFound(String),
    /// A source had them but they were unusable (e.g. a key without its secret).
    Invalid(String),
    /// A source failed (e.g. aws-config's chain).
    Provider(String),
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound(m) => write!(f, "no AWS credentials found ({m})"),
            CredentialsError::Invalid(m) => write!(f, "invalid AWS credentials: {m}"),
            CredentialsError::Provider(m) => write!(f, "credentials provider failed: {m}"),
        }
    }
}

impl std::error::Error for CredentialsError {}

/// A source of credentials, asked before each signed request. Implement it to plug in your own
/// (a secrets manager, a vault); [`Config::credentials`](crate::Config::credentials) takes it.
///
/// ```
/// use awsjson_client::{BoxFuture, Config, Credentials, CredentialsError, ProvideCredentials};
///
/// /// Keys from a file mounted by the platform, read at each call.
/// #[derive(Debug)]
/// struct MountedKeys(std::path::PathBuf);
///
/// impl ProvideCredentials for MountedKeys {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
///         Box::pin(async move {
///             let text = std::fs::read_to_string(&self.0).map_err(|e| CredentialsError::Provider(e.to_string()))?;
///             match text.split_once(':') {
///                 Some((id, secret)) => Ok(Credentials::new(id.trim(), secret.trim())),
///                 None => Err(CredentialsError::Invalid("expected KEY_ID:SECRET".into())),
///             }
///         })
///     }
/// }
///
/// let config = Config::new().credentials(MountedKeys("/run/secrets/aws".into()));
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvironmentCredentials;

impl EnvironmentCredentials {
    pub(crate) fn read() -> Result<Credentials, CredentialsError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => {
                let creds = Credentials::new(id, secret);
                Ok(match var("AWS_SESSION_TOKEN") {
                    Some(token) => creds.with_session_token(token),
                    None => creds,
                })
            }
            (Some(_), None) => {
                Err(CredentialsError::Invalid("AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY".into()))
            }
            _ => Err(CredentialsError::NotFound("environment: AWS_ACCESS_KEY_ID is not set".into())),
        }
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Self::read()))
    }
}

/// Static keys of a profile in the shared files (`AWS_PROFILE`, `AWS_CONFIG_FILE`,
/// `AWS_SHARED_CREDENTIALS_FILE`, defaulting to `default` and `~/.aws/`).
#[derive(Debug, Default, Clone)]
pub struct ProfileCredentials {
    /// A profile other than the environment's choice.
    pub profile: Option<String>,
}

impl ProfileCredentials {
    pub(crate) fn read(&self) -> Result<Credentials, CredentialsError> {
        let name = self.profile.clone().unwrap_or_else(profile::profile_name);
        let keys = profile::named_profile(&name);
        match (keys.get("aws_access_key_id"), keys.get("aws_secret_access_key")) {
            (Some(id), Some(secret)) if !id.is_empty() => {
                let creds = Credentials::new(id.clone(), secret.clone());
                Ok(match keys.get("aws_session_token").filter(|t| !t.is_empty()) {
                    Some(token) => creds.with_session_token(token.clone()),
                    None => creds,
                })
            }
            (Some(_), None) => Err(CredentialsError::Invalid(format!("profile `{name}` has a key id but no secret"))),
            _ => Err(CredentialsError::NotFound(format!("profile `{name}` has no static keys"))),
        }
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(self.read()))
    }
}
