//! Each pool's signing keys: two RSA-2048 key pairs, one for access tokens and one for id
//! tokens (Cognito signs them with different keys, so their `kid`s differ: AWS's developer
//! guide, "Understanding the access token"). They are generated on first need, stored once as
//! a pool-owned resource with an insert-if-absent (so every instance signs with the same keys
//! and a restart keeps them), and kept decoded in memory per pool.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use super::key_pairs::{KeyCache, PoolKeys, SigningKey};
use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// The key of the pool secret that holds the keys.
pub const SECRET_NAME: &str = "token_signing_keys";

/// A pool's signing keys as stored: their encoded form ([`PoolKeys::encode`]) as a JSON string,
/// a resource of kind `secret` (the kind the pools' secrets were migrated to).
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct StoredKeys(String);

impl Resource for StoredKeys {
    const KIND: &'static str = "secret";

    fn key(&self) -> String {
        SECRET_NAME.to_owned()
    }
}

/// The stored keys of the pool, if it has any yet.
async fn stored<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Option<String>> {
    match resources::get::<S, StoredKeys>(&svc.store, pool.id(), SECRET_NAME).await {
        Ok(stored) => Ok(Some(stored.value.0)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The pool's keys, generated and stored if it has none yet.
pub async fn for_signing<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Arc<PoolKeys>> {
    if let Some(keys) = svc.keys.get(pool.id(), pool.record.seq) {
        return Ok(keys);
    }
    if let Some(text) = stored(svc, pool).await? {
        return remember(svc, pool, &text);
    }
    // One generation at a time in this process: the first sign-ins of a new pool arrive
    // together, and each generating its own pair of RSA keys (tens of milliseconds of CPU,
    // only one of which is kept) made every one of them wait seconds under load. After the
    // wait the store is asked again; other instances are covered by the insert-if-absent.
    static GENERATING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = GENERATING.lock().await;
    if let Some(keys) = svc.keys.get(pool.id(), pool.record.seq) {
        return Ok(keys);
    }
    let text = match stored(svc, pool).await? {
        Some(text) => text,
        None => {
            // Generating two RSA keys takes tens of milliseconds: off the async threads.
            let keys = tokio::task::spawn_blocking(PoolKeys::generate)
                .await
                .map_err(|e| ApiError::internal(format!("key generation: {e}")))??;
            match resources::create_or_get(&svc.store, pool.id(), StoredKeys(keys.encode()?)).await {
                Ok(stored) => stored.value.0,
                Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
                Err(e) => return Err(e.into()),
            }
        }
    };
    remember(svc, pool, &text)
}

/// The pool's keys if it has any (verification never creates keys).
pub async fn for_checking<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<Option<Arc<PoolKeys>>> {
    if let Some(keys) = svc.keys.get(pool.id(), pool.record.seq) {
        return Ok(Some(keys));
    }
    match stored(svc, pool).await? {
        Some(text) => remember(svc, pool, &text).map(Some),
        None => Ok(None),
    }
}

fn remember<S: Store>(svc: &Cognito<S>, pool: &Pool, text: &str) -> ApiResult<Arc<PoolKeys>> {
    let keys = PoolKeys::decode(text)
        .ok_or_else(|| ApiError::internal(format!("the signing keys of pool {} do not decode", pool.id())))?;
    let keys = Arc::new(keys);
    svc.keys.put(pool.id(), pool.record.seq, keys.clone());
    Ok(keys)
}
