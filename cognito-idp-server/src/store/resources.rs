//! The typed view of pool-owned resources: a kind is a Rust type that implements [`Resource`]
//! (its kind name, its key, the names it must hold uniquely), and these functions store it in
//! the one shape every backend keeps for all kinds ([`ResourceRecord`]). Adding a kind needs
//! no SQL and no new [`Store`] methods: a type, an `impl Resource`, and a handler module
//! (ARCHITECTURE.md, "Adding a pool-owned resource").
//!
//! Errors stay the store's ([`StoreError`]): each handler knows the words AWS uses for a taken
//! key or name of its kind.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::api::*;

/// A kind of pool-owned resource, stored as its JSON document.
pub trait Resource: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind's name in the store. Never changed once data of it exists.
    const KIND: &'static str;

    /// What identifies the resource in its pool (unique per pool and kind).
    fn key(&self) -> String;

    /// Names the resource holds that no other resource may hold in their scope (a domain's
    /// prefix across the server, a provider's identifiers in its pool). None by default.
    fn unique_names(&self) -> Vec<UniqueName> {
        Vec::new()
    }
}

impl UniqueName {
    /// A name unique across the whole server (a domain).
    pub fn server_wide(scope: &str, value: impl Into<String>) -> Self {
        UniqueName { scope: scope.to_owned(), per_pool: false, value: value.into() }
    }

    /// A name unique within its pool.
    pub fn in_pool(scope: &str, value: impl Into<String>) -> Self {
        UniqueName { scope: scope.to_owned(), per_pool: true, value: value.into() }
    }
}

/// A resource as stored: its value and what the store keeps beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    /// The pool it belongs to.
    pub pool_id: String,
    /// Creation order (the paging cursor of listings).
    pub seq: i64,
    /// The version an update must name (optimistic concurrency).
    pub version: i64,
    /// The resource.
    pub value: T,
}

fn encode<T: Resource>(pool_id: &str, value: &T, seq: i64, version: i64) -> StoreResult<ResourceRecord> {
    let doc = serde_json::to_value(value)
        .map_err(|e| StoreError::Database(format!("encoding a {} resource: {e}", T::KIND)))?;
    Ok(ResourceRecord {
        seq,
        pool_id: pool_id.to_owned(),
        kind: T::KIND.to_owned(),
        key: value.key(),
        version,
        doc,
        names: value.unique_names(),
    })
}

fn decode<T: Resource>(record: ResourceRecord) -> StoreResult<Stored<T>> {
    let value = serde_json::from_value(record.doc).map_err(|e| {
        StoreError::Database(format!("the stored {} resource {:?} does not decode: {e}", T::KIND, record.key))
    })?;
    Ok(Stored { pool_id: record.pool_id, seq: record.seq, version: record.version, value })
}

/// Stores a new resource of its kind in the pool: [`StoreError::NotFound`] without the pool,
/// [`StoreError::ResourceExists`] for a taken key, [`StoreError::NameTaken`] for a taken name.
pub async fn create<S: Store, T: Resource>(store: &S, pool_id: &str, value: T) -> StoreResult<Stored<T>> {
    let record = store.insert_resource(encode(pool_id, &value, 0, 0)?).await?;
    Ok(Stored { pool_id: record.pool_id, seq: record.seq, version: record.version, value })
}

/// Stores `value` unless the pool has a resource of its kind and key already, and returns the
/// stored one: concurrent callers (through any instance) all get the same winner.
pub async fn create_or_get<S: Store, T: Resource>(store: &S, pool_id: &str, value: T) -> StoreResult<Stored<T>> {
    let key = value.key();
    match create(store, pool_id, value).await {
        Err(StoreError::ResourceExists) => get(store, pool_id, &key).await,
        other => other,
    }
}

/// The resource of kind `T` with `key` in the pool.
pub async fn get<S: Store, T: Resource>(store: &S, pool_id: &str, key: &str) -> StoreResult<Stored<T>> {
    decode(store.get_resource(pool_id, T::KIND, key).await?)
}

/// The resource of kind `T` that holds `name` (for per-pool names, in `pool_id`);
/// [`StoreError::NotFound`] if none does, or if the holder is of another kind.
pub async fn find<S: Store, T: Resource>(store: &S, name: &UniqueName, pool_id: &str) -> StoreResult<Stored<T>> {
    let record = store.find_resource(name, pool_id).await?;
    if record.kind != T::KIND {
        return Err(StoreError::NotFound);
    }
    decode(record)
}

/// Writes a changed resource back, if nobody changed it since it was read
/// ([`StoreError::Conflict`] otherwise). Its key cannot change (AWS's keys never do).
pub async fn update<S: Store, T: Resource>(store: &S, stored: Stored<T>) -> StoreResult<Stored<T>> {
    let record = encode(&stored.pool_id, &stored.value, stored.seq, stored.version)?;
    let written = store.update_resource(record).await?;
    Ok(Stored { version: written.version, ..stored })
}

/// How often [`modify`] reads again after losing a race.
const MODIFY_ATTEMPTS: usize = 8;

/// Reads the resource, lets `change` edit it, and writes it back, again from a fresh read if
/// another write came first. `change` may refuse with its own error (`E` takes the store's
/// errors too); the store's `Conflict` comes back only if every attempt lost a race.
pub async fn modify<S, T, E, F>(store: &S, pool_id: &str, key: &str, mut change: F) -> Result<Stored<T>, E>
where
    S: Store,
    T: Resource,
    E: From<StoreError>,
    F: FnMut(&mut T) -> Result<(), E>,
{
    for _ in 0..MODIFY_ATTEMPTS {
        let mut stored = get::<S, T>(store, pool_id, key).await?;
        change(&mut stored.value)?;
        match update(store, stored).await {
            Err(StoreError::Conflict) => continue,
            other => return other.map_err(E::from),
        }
    }
    Err(StoreError::Conflict.into())
}

/// Deletes the resource of kind `T` with `key` in the pool ([`StoreError::NotFound`] if
/// there is none).
pub async fn delete<S: Store, T: Resource>(store: &S, pool_id: &str, key: &str) -> StoreResult<()> {
    store.delete_resource(pool_id, T::KIND, key).await
}

/// The pool's resources of kind `T` in creation order, `limit` at a time from cursor `after`.
pub async fn list<S: Store, T: Resource>(
    store: &S,
    pool_id: &str,
    after: i64,
    limit: usize,
) -> StoreResult<Page<Stored<T>>> {
    let page = store.list_resources(pool_id, T::KIND, after, limit).await?;
    Ok(Page { items: page.items.into_iter().map(decode).collect::<StoreResult<_>>()?, next: page.next })
}
