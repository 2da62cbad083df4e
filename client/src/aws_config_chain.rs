//! The `aws-config` feature: aws-config's full default credential chain as a last resort.

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials as _;

use crate::credentials::{Credentials, CredentialsError};

pub(crate) async fn resolve() -> Result<Credentials, CredentialsError> {
    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let provider = config
        .credentials_provider()
        .ok_or_else(|| CredentialsError::NotFound("aws-config has no credentials provider".into()))?;
    let c = provider.provide_credentials().await.map_err(|e| CredentialsError::Provider(e.to_string()))?;
    let mut creds = Credentials::new(c.access_key_id(), c.secret_access_key());
    if let Some(token) = c.session_token() {
        creds = creds.with_session_token(token);
    }
    if let Some(expiry) = c.expiry() {
        creds = creds.with_expiry(expiry);
    }
    Ok(creds)
}
