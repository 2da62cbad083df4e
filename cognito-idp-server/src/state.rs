//! What every handler is handed: the store, settings, clock, password hasher, and the pools
//! decoded so far.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use cognito_idp::types::UserPoolType;

use crate::clock::Clock;
use crate::domain::password::Hasher;
use crate::store::{PoolRecord, Store};
use crate::tokens::key_pairs::KeyCache;

/// Server-wide settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The region pool ids and ARNs name (`us-east-1`).
    pub region: String,
    /// The account id in ARNs.
    pub account_id: String,
    /// Whether codes and temporary passwords are kept in the outbox for `/_local/outbox`.
    pub outbox: bool,
    /// What the tokens' issuer starts with (no trailing slash): `iss` is `{issuer_base}/{pool id}`.
    /// The address the server listens on by default (`--issuer-base` to present another, e.g.
    /// AWS's `https://cognito-idp.us-east-1.amazonaws.com` behind a proxy).
    pub issuer_base: String,
    /// Where this server itself is reached (`http://127.0.0.1:9229`): the address it listens
    /// on, which the import jobs' pre-signed URLs name.
    pub endpoint: String,
    /// Fetch client ID metadata documents of loopback hosts over plain HTTP (tests;
    /// `--cimd-loopback-http`).
    pub cimd_loopback_http: bool,
    /// Social provider types signed in through another OpenID Connect issuer
    /// (`--federation-endpoint Google=http://127.0.0.1:PORT/...`), by type.
    pub federation_endpoints: std::collections::BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            outbox: true,
            issuer_base: "http://127.0.0.1:9229".into(),
            endpoint: "http://127.0.0.1:9229".into(),
            cimd_loopback_http: false,
            federation_endpoints: Default::default(),
        }
    }
}

/// The local Cognito: a store plus what the handlers share. Cheap to clone.
pub struct Cognito<S> {
    /// Where everything is kept.
    pub store: S,
    /// Server-wide settings.
    pub settings: Arc<Settings>,
    /// The (offsettable) clock.
    pub clock: Clock,
    /// Hashes and checks passwords.
    pub hasher: Hasher,
    /// Pools decoded earlier, checked against the store's version on every use.
    pub pools: PoolCache,
    /// Pools' token-signing keys decoded earlier, by pool (and its `seq`).
    pub keys: KeyCache,
    /// Lambda triggers: the Invoke client and the journal of invocations.
    pub triggers: crate::triggers::Triggers,
    /// The API categories' provisioned rates, enforced with `--enforce-limits`.
    pub limits: Arc<crate::limits::Limiter>,
    /// Exported logs on their way to CloudWatch Logs, S3 or Firehose.
    pub logs: crate::log_delivery::queue::Deliverer,
}

impl<S: Store + Clone> Clone for Cognito<S> {
    fn clone(&self) -> Self {
        Cognito {
            store: self.store.clone(),
            settings: self.settings.clone(),
            clock: self.clock.clone(),
            hasher: self.hasher.clone(),
            pools: self.pools.clone(),
            keys: self.keys.clone(),
            triggers: self.triggers.clone(),
            limits: self.limits.clone(),
            logs: self.logs.clone(),
        }
    }
}

/// A pool record with its document decoded.
#[derive(Clone)]
pub struct Pool {
    /// As stored.
    pub record: PoolRecord,
    /// The `UserPoolType` it holds.
    pub doc: UserPoolType,
    /// The pool's session configuration once read (`handlers::sessions::config::tracking`),
    /// which every sign-in and refresh of a tracking pool needs. It is kept here so that it
    /// goes stale with the decoded pool: writing the configuration bumps the pool's version,
    /// which every instance checks on every request ([`PoolCache`]).
    sessions: OnceLock<SessionTracking>,
}

/// The pool's user-session tracking, as its configuration says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTracking {
    /// Whether sessions are tracked.
    pub tracking: bool,
    /// The most token sessions a user may hold.
    pub max_per_user: i32,
}

impl Pool {
    /// A pool as read from the store.
    pub fn new(record: PoolRecord, doc: UserPoolType) -> Pool {
        Pool { record, doc, sessions: OnceLock::new() }
    }

    /// The session configuration read earlier for this version of the pool.
    pub fn sessions(&self) -> Option<SessionTracking> {
        self.sessions.get().copied()
    }

    /// Keeps the session configuration read for this version of the pool.
    pub fn keep_sessions(&self, sessions: SessionTracking) {
        // Two requests may read it at once: they read the same thing.
        let _ = self.sessions.set(sessions);
    }

    /// The pool's id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// Whether usernames (and aliases) ignore case (`UsernameConfiguration.CaseSensitive` false).
    pub fn case_insensitive(&self) -> bool {
        self.doc.username_configuration.as_ref().is_some_and(|c| !c.case_sensitive)
    }

    /// What makes `username` unique in this pool.
    pub fn username_key(&self, username: &str) -> String {
        if self.case_insensitive() { username.to_lowercase() } else { username.to_owned() }
    }
}

/// Decoded pools by id, each with the `(seq, version)` it was read at. Decoding a pool's
/// document (its schema attributes, policies, ...) was half the time of a read request
/// (bench/README.md); the store still answers whether the pool exists and which version is
/// current on every request, so nothing stale is served and every instance sees every change.
#[derive(Clone, Default)]
pub struct PoolCache(Arc<Mutex<HashMap<String, Cached>>>);

/// A decoded pool and the `(seq, version)` of the record it came from.
type Cached = ((i64, i64), Arc<Pool>);

/// Pools kept at most; past that the cache starts over (pools are few, this only bounds it).
const POOL_CACHE_SIZE: usize = 4096;

impl PoolCache {
    pub(crate) fn get(&self, id: &str, stamp: (i64, i64)) -> Option<Arc<Pool>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id).filter(|(kept, _)| *kept == stamp).map(|(_, pool)| pool.clone())
    }

    pub(crate) fn put(&self, pool: Arc<Pool>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= POOL_CACHE_SIZE {
            map.clear();
        }
        map.insert(pool.record.id.clone(), ((pool.record.seq, pool.record.version), pool));
    }
}
