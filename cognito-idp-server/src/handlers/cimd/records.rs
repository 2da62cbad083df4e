//! What CIMD keeps per pool, as pool-owned resources: the policies (the API's own
//! `CIMDPolicyType`), and one record per metadata URL a policy has received, with the document
//! cached from it (if any) and when that expires.

use cognito_idp::types::CimdPolicyType;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::errors::ApiResult;
use crate::state::Cognito;
use crate::store::resources::{self, Resource, Stored};
use crate::store::{Store, StoreError};

/// AWS's default `CacheDuration`: "If you don't set a value, the default is 86,400 seconds"
/// (API reference, `CreateCIMDPolicy`).
pub const DEFAULT_CACHE_SECONDS: i32 = 86_400;

/// A policy as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Policy(pub CimdPolicyType);

impl Resource for Policy {
    const KIND: &'static str = "cimd_policy";

    fn key(&self) -> String {
        self.0.cimd_policy_id.clone()
    }
}

impl Policy {
    /// The cache duration in seconds (the default when unset).
    pub fn cache_seconds(&self) -> i64 {
        i64::from(self.0.cache_duration.unwrap_or(DEFAULT_CACHE_SECONDS))
    }
}

/// A metadata URL a policy received, and its cached document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataUrl {
    /// The policy.
    pub policy_id: String,
    /// The URL (the client's `client_id`).
    pub url: String,
    /// The document as fetched and checked, while cached.
    pub document: Option<Value>,
    /// When it was fetched (ms), while cached.
    pub cached_ms: Option<i64>,
    /// When it expires (ms), while cached.
    pub expires_ms: Option<i64>,
}

impl Resource for MetadataUrl {
    const KIND: &'static str = "cimd_url";

    fn key(&self) -> String {
        url_key(&self.policy_id, &self.url)
    }
}

/// The key of `url`'s record under policy `policy_id`.
pub fn url_key(policy_id: &str, url: &str) -> String {
    format!("{policy_id} {url}")
}

/// Every record of kind `T` in the pool, in creation order.
pub async fn all<S: Store, T: Resource>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<Stored<T>>> {
    let mut found = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, T>(&svc.store, pool_id, after, 100).await?;
        found.extend(page.items);
        match page.next {
            Some(next) => after = next,
            None => return Ok(found),
        }
    }
}

/// The policy with `id`, if the pool has it.
pub async fn policy<S: Store>(svc: &Cognito<S>, pool_id: &str, id: &str) -> ApiResult<Option<Stored<Policy>>> {
    match resources::get::<S, Policy>(&svc.store, pool_id, id).await {
        Ok(stored) => Ok(Some(stored)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Stores `record` in place of what the pool has under its key (any instance may have written
/// one meanwhile; the last write wins, as both hold a fresh fetch).
pub async fn put_url<S: Store>(svc: &Cognito<S>, pool_id: &str, record: MetadataUrl) -> ApiResult<()> {
    let key = record.key();
    match resources::create(&svc.store, pool_id, record.clone()).await {
        Ok(_) => Ok(()),
        Err(StoreError::ResourceExists) => {
            let written = resources::modify(&svc.store, pool_id, &key, |current: &mut MetadataUrl| {
                *current = record.clone();
                Ok::<(), StoreError>(())
            })
            .await;
            match written {
                Ok(_) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
