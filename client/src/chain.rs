//! The default credentials chain: the environment, the shared files, then (with the `aws-config`
//! feature) aws-config's full chain, with the result cached until shortly before it expires.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[cfg(feature = "aws-config")]
use crate::aws_config_chain;
use crate::credentials::{
    Credentials, CredentialsError, EnvironmentCredentials, ProfileCredentials, ProvideCredentials,
};
use crate::future::BoxFuture;

/// The default chain: environment, then the shared files' profile, then (with the `aws-config`
/// feature) aws-config's chain (SSO, web identity, ECS, IMDS, ...). The first source that has
/// credentials wins; results are cached until shortly before they expire.
#[derive(Debug, Clone, Default)]
pub struct DefaultCredentialsChain {
    cache: Arc<tokio::sync::Mutex<Option<Credentials>>>,
}

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl DefaultCredentialsChain {
    async fn resolve() -> Result<Credentials, CredentialsError> {
        let mut tried = Vec::new();
        for result in [EnvironmentCredentials::read(), ProfileCredentials::default().read()] {
            match result {
                Ok(c) => return Ok(c),
                Err(CredentialsError::NotFound(m)) => tried.push(m),
                Err(e) => return Err(e),
            }
        }
        #[cfg(feature = "aws-config")]
        {
            return aws_config_chain::resolve().await;
        }
        #[allow(unreachable_code)]
        Err(CredentialsError::NotFound(tried.join("; ")))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let mut cached = self.cache.lock().await;
            if let Some(c) = cached.as_ref() {
                let fresh = c.expires_after().is_none_or(|e| SystemTime::now() + REFRESH_MARGIN < e);
                if fresh {
                    return Ok(c.clone());
                }
            }
            let creds = Self::resolve().await?;
            *cached = Some(creds.clone());
            Ok(creds)
        })
    }
}
