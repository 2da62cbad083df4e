//! The storage contract: the [`Store`] trait, its records and its errors.

use std::future::Future;

use serde::{Deserialize, Serialize};

use super::history::History;

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The record (or the pool it belongs to) does not exist.
    #[error("not found")]
    NotFound,
    /// A user with the same username key already exists in the pool.
    #[error("username exists")]
    UsernameExists,
    /// Another user of the pool holds the alias (kind, e.g. `email`).
    #[error("alias {0} exists")]
    AliasExists(String),
    /// A group with the same name already exists in the pool.
    #[error("group exists")]
    GroupExists,
    /// A resource of the same kind and key already exists in the pool.
    #[error("resource exists")]
    ResourceExists,
    /// Another resource holds one of the unique names of a resource being written: the name's
    /// scope (e.g. `domain`).
    #[error("{0} taken")]
    NameTaken(String),
    /// The record changed since it was read (optimistic concurrency); read again and retry.
    #[error("conflict")]
    Conflict,
    /// The pool's user data is paused by a point-in-time recovery (`store::history`): writes
    /// of users, groups and memberships wait until it ends.
    #[error("paused by a recovery")]
    Paused,
    /// The database failed (I/O, corruption, unavailable): an internal error for the caller.
    #[error("database: {0}")]
    Database(String),
}

/// A store result.
pub type StoreResult<T> = Result<T, StoreError>;

/// A user pool: its id, name and the full `UserPoolType` document as JSON.
#[derive(Debug, Clone)]
pub struct PoolRecord {
    /// Creation order, the paging cursor of `ListUserPools`.
    pub seq: i64,
    /// `us-east-1_AbC123xyz`.
    pub id: String,
    /// Optimistic-concurrency version; 0 for a record not yet stored.
    pub version: i64,
    /// The `UserPoolType` document, as the API encodes it.
    pub doc: serde_json::Value,
}

/// An app client: its id, pool and the full `UserPoolClientType` document.
#[derive(Debug, Clone)]
pub struct ClientRecord {
    /// Creation order, the paging cursor of `ListUserPoolClients`.
    pub seq: i64,
    /// The user pool it belongs to.
    pub pool_id: String,
    /// 26 lowercase letters and digits.
    pub id: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The `UserPoolClientType` document (its secret included).
    pub doc: serde_json::Value,
}

/// The columns a `ListUsers` filter can search, kept beside the user's document.
pub const FILTER_COLUMNS: [&str; 6] =
    ["email", "phone_number", "name", "given_name", "family_name", "preferred_username"];

/// A user, as stored.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct UserRecord {
    /// Creation order within the store, the paging cursor of user listings (0 before insert).
    #[serde(skip)]
    pub seq: i64,
    /// The pool.
    #[serde(skip)]
    pub pool_id: String,
    /// The username as given at creation (or the `sub`, in pools whose usernames are
    /// attributes).
    #[serde(skip)]
    pub username: String,
    /// What makes the username unique: the username, lowercased in case-insensitive pools.
    #[serde(skip)]
    pub username_key: String,
    /// The user's `sub` (a UUID).
    #[serde(skip)]
    pub sub: String,
    /// Optimistic-concurrency version.
    #[serde(skip)]
    pub version: i64,
    /// `UserStatusType` on the wire (`CONFIRMED`, `FORCE_CHANGE_PASSWORD`, ...).
    #[serde(skip)]
    pub status: String,
    /// Whether the user may sign in.
    #[serde(skip)]
    pub enabled: bool,
    /// Milliseconds since the epoch.
    #[serde(skip)]
    pub created_ms: i64,
    /// Milliseconds since the epoch.
    #[serde(skip)]
    pub modified_ms: i64,
    /// Attributes in the order they were first set (`sub` included), as name/value pairs.
    pub attributes: Vec<(String, String)>,
    /// The password's Argon2id PHC string; `None` when no usable password exists (a generated
    /// temporary password that was never sent anywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// When a temporary password stops working (milliseconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_password_expires_ms: Option<i64>,
    /// Whatever later features keep per user (MFA settings, devices...), by key.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl UserRecord {
    /// The value of attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Sets attribute `name`, keeping its place if present.
    pub fn set_attribute(&mut self, name: &str, value: String) {
        match self.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((name.to_owned(), value)),
        }
    }

    /// Removes attribute `name`; whether it was there.
    pub fn remove_attribute(&mut self, name: &str) -> bool {
        let before = self.attributes.len();
        self.attributes.retain(|(n, _)| n != name);
        before != self.attributes.len()
    }
}

/// An alias a user holds, unique per pool and kind: (`email`|`phone_number`|
/// `preferred_username`, normalized value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The attribute it comes from.
    pub kind: String,
    /// The normalized value that must be unique (lowercased where the pool ignores case).
    pub key: String,
}

/// How a write treats aliases that another user of the pool holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasConflict {
    /// Fail with [`StoreError::AliasExists`].
    Fail,
    /// Take the alias over: the other user no longer signs in with it (`ForceAliasCreation`).
    /// Its attribute stays as it is; only the alias moves.
    Take,
}

/// A group, as stored.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    /// Creation order, the paging cursor of `ListGroups`.
    pub seq: i64,
    /// The pool.
    pub pool_id: String,
    /// The group's name (case-sensitive, unique per pool).
    pub name: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The `GroupType` document.
    pub doc: serde_json::Value,
}

/// A pool-owned configuration resource (a domain, a resource server, an identity provider,
/// branding, terms, ...): a versioned document of its kind, with the uniqueness AWS enforces.
/// Every such kind shares this one storage shape (see `store::resources` for the typed view and
/// ARCHITECTURE.md for how a kind is added); deleting the pool deletes its resources.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRecord {
    /// Creation order across the store, the paging cursor of listings (0 before insert).
    pub seq: i64,
    /// The pool it belongs to.
    pub pool_id: String,
    /// What it is (`domain`, `resource_server`, ...): keys and listings are per kind.
    pub kind: String,
    /// Unique per pool and kind (a resource server's identifier, a provider's name).
    pub key: String,
    /// Optimistic-concurrency version; 0 for a record not yet stored.
    pub version: i64,
    /// The document, owned by the handlers of its kind.
    pub doc: serde_json::Value,
    /// Names that must be unique beyond the key (a domain across the whole server, a
    /// provider's identifiers within the pool). An update replaces them all.
    pub names: Vec<UniqueName>,
}

/// A name a resource holds that no other resource may hold in the same scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UniqueName {
    /// What kind of name it is (`domain`, `idp_identifier`): scopes never collide.
    pub scope: String,
    /// Unique within the resource's pool (`true`) or across the whole store (`false`).
    pub per_pool: bool,
    /// The name, as compared (normalize case before, where AWS ignores it).
    pub value: String,
}

/// A `ListUsers` filter reduced to what the store runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// What is compared.
    pub field: FilterField,
    /// Exact match or prefix.
    pub prefix: bool,
    /// The value compared against.
    pub value: String,
}

/// A searchable field of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterField {
    /// The username.
    Username,
    /// The `sub`.
    Sub,
    /// `cognito:user_status`: the status column.
    Status,
    /// `status`: `Enabled` or `Disabled`.
    Enabled,
    /// One of [`FILTER_COLUMNS`].
    Column(&'static str),
}

/// A page of results and the cursor that continues after it (`None` at the end).
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The records, in cursor order.
    pub items: Vec<T>,
    /// Where the next page starts, if any records follow.
    pub next: Option<i64>,
}

/// A message the server "sent": a code or temporary password, kept for tests to read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutboxMessage {
    /// Store order.
    #[serde(skip_deserializing)]
    pub seq: i64,
    /// The pool.
    #[serde(rename = "userPoolId")]
    pub pool_id: String,
    /// The username the message is about.
    pub username: String,
    /// What it is: `SIGN_UP`, `ADMIN_CREATE_USER`, `RESEND_CODE`, `FORGOT_PASSWORD`, ...
    pub kind: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// The address or number it went to.
    pub destination: String,
    /// The code or temporary password.
    pub code: String,
    /// The text delivered, code (and username) in it: the pool's template or what the
    /// CustomMessage trigger answered (`handlers::messages`). `None` for a message that
    /// carries no text of its own.
    #[serde(default)]
    pub message: Option<String>,
    /// The subject of an email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(rename = "timeMs")]
    pub time_ms: i64,
}

/// A one-time code (confirmation, password reset, attribute verification), hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecord {
    /// The hash of the code (see `domain::codes`).
    pub hash: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// Wrong guesses so far.
    pub attempts: i64,
}

/// A challenge session of a sign-in in progress (the API's `Session`), kept by the hash of the
/// opaque value the client holds. Single use: [`Store::take_session`] removes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    /// The hash of the `Session` string handed to the client (never the string itself).
    pub id_hash: String,
    /// The pool.
    pub pool_id: String,
    /// The app client the sign-in started with.
    pub client_id: String,
    /// The user's username key.
    pub user_key: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// What the flow keeps between steps (challenge name, SRP state, attempts...), owned by
    /// the auth handlers.
    pub doc: serde_json::Value,
}

/// A refresh token, kept by its hash. Tokens issued from one sign-in form a family named by
/// `origin_jti` (the `origin_jti` claim of every access and id token of that sign-in): revoking
/// the family ends the refresh token and every access token issued from it.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshRecord {
    /// The hash of the opaque refresh token (never the token itself).
    pub hash: String,
    /// The pool.
    pub pool_id: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The user's username key.
    pub user_key: String,
    /// The family: the `origin_jti` of the sign-in it came from.
    pub origin_jti: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// What the token handlers keep with it (`auth_time`, device key...).
    pub doc: serde_json::Value,
}

/// A token family tracked as a user session: a sign-in that happened while its pool tracked
/// sessions (`SetUserPoolSessionConfiguration`). The family's own state (revoked, expiry) says
/// whether the session is active; these are what `ListUserSessions` shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedFamily {
    /// The family (`origin_jti`): revoking it ends the session.
    pub origin_jti: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The session's id (`tkn` and 25 characters).
    pub session_id: String,
    /// When the sign-in happened (milliseconds since the epoch).
    pub created_ms: i64,
    /// The last sign-in or refresh of it.
    pub last_active_ms: i64,
    /// What the session handlers keep with it (device type, last address, the SSO session it
    /// came through).
    pub doc: serde_json::Value,
}

/// A device a user confirmed (`ConfirmDevice`): its key, unique in the pool, and the document
/// the device handlers own (name, remembered status, SRP verifier, dates, last IP). It belongs
/// to its user: deleting the user or the pool deletes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRecord {
    /// Creation order across the store, the paging cursor of device listings (0 before insert).
    pub seq: i64,
    /// The pool.
    pub pool_id: String,
    /// The user's username key.
    pub user_key: String,
    /// `{region}_{uuid}`, unique per pool.
    pub device_key: String,
    /// Optimistic-concurrency version; 0 for a record not yet stored.
    pub version: i64,
    /// The document, owned by `handlers::devices`.
    pub doc: serde_json::Value,
}

/// One recorded authentication event of a user (a sign-in, sign-up, password change...): its
/// id, unique in the pool, when it happened, and the document the event handlers own (the API's
/// `AuthEventType` and the feedback token's hash). It belongs to its user: deleting the user or
/// the pool deletes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthEventRecord {
    /// Creation order across the store, the paging cursor of event listings (0 before insert).
    pub seq: i64,
    /// The pool.
    pub pool_id: String,
    /// The user's username key.
    pub user_key: String,
    /// The event's id, unique per pool.
    pub event_id: String,
    /// When it happened (milliseconds since the epoch).
    pub created_ms: i64,
    /// Optimistic-concurrency version; 0 for a record not yet stored.
    pub version: i64,
    /// The document, owned by `handlers::events`.
    pub doc: serde_json::Value,
}

/// A passkey (WebAuthn credential) a user registered (`CompleteWebAuthnRegistration`): its
/// credential id (base64url), unique in the pool, and the document the passkey handlers own
/// (public key, sign counter, transports, dates). It belongs to its user: deleting the user or
/// the pool deletes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PasskeyRecord {
    /// Creation order across the store, the paging cursor of listings (0 before insert).
    pub seq: i64,
    /// The pool.
    pub pool_id: String,
    /// The user's username key.
    pub user_key: String,
    /// The credential id, base64url without padding, unique per pool.
    pub credential_id: String,
    /// Optimistic-concurrency version; 0 for a record not yet stored. A sign-in writes the
    /// new sign counter on the version it read, so two sign-ins cannot both move it.
    pub version: i64,
    /// The document, owned by `handlers::passkeys`.
    pub doc: serde_json::Value,
}

/// Failed sign-ins of a user since the last success, counted for the temporary lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInFailures {
    /// Failures in a row.
    pub count: i64,
    /// When the last one happened (milliseconds since the epoch; 0 when `count` is 0).
    pub last_ms: i64,
}

/// One history row: a record of a pool as it was just before a change at `at_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// Store order.
    pub seq: i64,
    /// One of [`kind`].
    pub kind: String,
    /// The record's key within its kind.
    pub key: String,
    /// When the change happened.
    pub at_ms: i64,
    /// The record before the change (JSON, as `history::images` keeps them, or `{}` for a
    /// membership); `None` when it did not exist.
    pub before: Option<String>,
}

/// One change a recovery makes, applied with the others in one transaction by
/// [`Store::apply_restore`].
#[derive(Debug, Clone)]
pub enum RestoreChange {
    /// Makes the user `user.username_key` exactly this (inserted when absent), with `aliases`
    /// (taken from whoever holds them).
    PutUser {
        /// The user as it was.
        user: Box<UserRecord>,
        /// Its aliases.
        aliases: Vec<Alias>,
    },
    /// Deletes the user with this username key (its memberships go too).
    DeleteUser(String),
    /// Makes the group `name` hold `doc` (inserted when absent).
    PutGroup {
        /// The group's name.
        name: String,
        /// Its `GroupType` document.
        doc: serde_json::Value,
    },
    /// Deletes the group (its memberships go too).
    DeleteGroup(String),
    /// Adds the user (by username key) to the group.
    AddMember(String, String),
    /// Removes the user from the group.
    RemoveMember(String, String),
}

impl RestoreChange {
    /// The order changes are applied in: memberships and records that go first, then the
    /// records that come back, then their memberships.
    pub fn rank(&self) -> u8 {
        match self {
            RestoreChange::RemoveMember(..) => 0,
            RestoreChange::DeleteUser(_) => 1,
            RestoreChange::DeleteGroup(_) => 2,
            RestoreChange::PutGroup { .. } => 3,
            RestoreChange::PutUser { .. } => 4,
            RestoreChange::AddMember(..) => 5,
        }
    }
}

/// The storage every backend implements.
///
/// Methods that take a record with a `version` write it only if the stored version is still
/// that one, and store `version + 1`. All methods are atomic.
pub trait Store: Send + Sync + 'static {
    // --- user pools
    /// Inserts a new pool; its id must be unused.
    fn insert_pool(&self, pool: PoolRecord) -> impl Future<Output = StoreResult<PoolRecord>> + Send;
    /// The pool with `id`.
    fn get_pool(&self, id: &str) -> impl Future<Output = StoreResult<PoolRecord>> + Send;
    /// The `(seq, version)` of pool `id`: a cheap read that tells whether a pool decoded earlier
    /// is still current (handlers keep decoded pools and re-read one only when this moved, so a
    /// change made through any instance is seen at once; `seq` tells a re-created pool apart).
    fn pool_version(&self, id: &str) -> impl Future<Output = StoreResult<(i64, i64)>> + Send;
    /// Replaces a pool's document (optimistic on `version`).
    fn update_pool(&self, pool: PoolRecord) -> impl Future<Output = StoreResult<PoolRecord>> + Send;
    /// Deletes a pool and everything in it.
    fn delete_pool(&self, id: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Pools in creation order, from cursor `after` (exclusive).
    fn list_pools(&self, after: i64, limit: usize) -> impl Future<Output = StoreResult<Page<PoolRecord>>> + Send;
    /// How many users the pool holds.
    fn count_users(&self, pool_id: &str) -> impl Future<Output = StoreResult<i64>> + Send;

    // --- app clients
    /// Inserts an app client (its pool must exist).
    fn insert_client(&self, client: ClientRecord) -> impl Future<Output = StoreResult<ClientRecord>> + Send;
    /// The client `id` of pool `pool_id`.
    fn get_client(&self, pool_id: &str, id: &str) -> impl Future<Output = StoreResult<ClientRecord>> + Send;
    /// The client `id`, whatever its pool (public operations name only the client).
    fn find_client(&self, id: &str) -> impl Future<Output = StoreResult<ClientRecord>> + Send;
    /// Replaces a client's document (optimistic on `version`).
    fn update_client(&self, client: ClientRecord) -> impl Future<Output = StoreResult<ClientRecord>> + Send;
    /// Deletes a client.
    fn delete_client(&self, pool_id: &str, id: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// A pool's clients in creation order.
    fn list_clients(
        &self,
        pool_id: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<ClientRecord>>> + Send;

    // --- users
    /// Inserts a user (pool must exist) with its aliases; outbox messages are stored in the same
    /// transaction. Returns the user as stored.
    fn insert_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> impl Future<Output = StoreResult<UserRecord>> + Send;
    /// The user whose username key is `key`.
    fn get_user(&self, pool_id: &str, key: &str) -> impl Future<Output = StoreResult<UserRecord>> + Send;
    /// The user holding alias `alias`.
    fn get_user_by_alias(&self, pool_id: &str, alias: &Alias) -> impl Future<Output = StoreResult<UserRecord>> + Send;
    /// The user with `sub`.
    fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> impl Future<Output = StoreResult<UserRecord>> + Send;
    /// Replaces a user (optimistic on `version`), its aliases with `aliases`, and stores the
    /// outbox messages, all in one transaction.
    fn update_user(
        &self,
        user: UserRecord,
        aliases: Vec<Alias>,
        on_conflict: AliasConflict,
        outbox: Vec<OutboxMessage>,
    ) -> impl Future<Output = StoreResult<UserRecord>> + Send;
    /// Deletes a user (its aliases, memberships and codes go with it).
    fn delete_user(&self, pool_id: &str, key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// A pool's users in creation order, filtered, from cursor `after`.
    fn list_users(
        &self,
        pool_id: &str,
        filter: Option<UserFilter>,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<UserRecord>>> + Send;

    // --- groups
    /// Inserts a group (pool must exist); [`StoreError::GroupExists`] for a taken name.
    fn insert_group(&self, group: GroupRecord) -> impl Future<Output = StoreResult<GroupRecord>> + Send;
    /// The group `name`.
    fn get_group(&self, pool_id: &str, name: &str) -> impl Future<Output = StoreResult<GroupRecord>> + Send;
    /// Replaces a group's document (optimistic on `version`).
    fn update_group(&self, group: GroupRecord) -> impl Future<Output = StoreResult<GroupRecord>> + Send;
    /// Deletes a group and its memberships.
    fn delete_group(&self, pool_id: &str, name: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// A pool's groups in creation order.
    fn list_groups(
        &self,
        pool_id: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<GroupRecord>>> + Send;
    /// Adds the user (by username key) to the group; adding twice is not an error.
    fn add_member(&self, pool_id: &str, group: &str, user_key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes the user from the group; removing a non-member is not an error.
    fn remove_member(&self, pool_id: &str, group: &str, user_key: &str)
    -> impl Future<Output = StoreResult<()>> + Send;
    /// The groups a user belongs to, in group creation order.
    fn list_user_groups(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<GroupRecord>>> + Send;
    /// A group's members, in user creation order.
    fn list_group_members(
        &self,
        pool_id: &str,
        group: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<UserRecord>>> + Send;

    // --- one-time codes
    /// Stores (or replaces) the user's code for `purpose`, with any outbox messages.
    fn put_code(
        &self,
        pool_id: &str,
        user_key: &str,
        purpose: &str,
        code: CodeRecord,
        outbox: Vec<OutboxMessage>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The user's code for `purpose`.
    fn get_code(
        &self,
        pool_id: &str,
        user_key: &str,
        purpose: &str,
    ) -> impl Future<Output = StoreResult<CodeRecord>> + Send;
    /// Counts a wrong guess; returns the attempts after it.
    fn code_failed(
        &self,
        pool_id: &str,
        user_key: &str,
        purpose: &str,
    ) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Removes the code (used, or expired).
    fn delete_code(&self, pool_id: &str, user_key: &str, purpose: &str)
    -> impl Future<Output = StoreResult<()>> + Send;

    // --- pool-owned resources of every other kind (one shape for all; `store::resources`)
    /// Inserts a resource (its `seq` and `version` are assigned) with its unique names.
    /// [`StoreError::NotFound`] if the pool does not exist, [`StoreError::ResourceExists`] if
    /// its kind and key are taken in the pool, [`StoreError::NameTaken`] if another resource
    /// holds one of its names.
    fn insert_resource(&self, resource: ResourceRecord) -> impl Future<Output = StoreResult<ResourceRecord>> + Send;
    /// The resource of `kind` with `key` in the pool.
    fn get_resource(
        &self,
        pool_id: &str,
        kind: &str,
        key: &str,
    ) -> impl Future<Output = StoreResult<ResourceRecord>> + Send;
    /// The resource holding the unique name `name`, whatever its kind (for a per-pool name,
    /// within `pool_id`; server-wide names ignore it).
    fn find_resource(
        &self,
        name: &UniqueName,
        pool_id: &str,
    ) -> impl Future<Output = StoreResult<ResourceRecord>> + Send;
    /// Replaces a resource's document and names (optimistic on `version`):
    /// [`StoreError::Conflict`] if it changed since it was read, [`StoreError::NameTaken`] as
    /// for inserts.
    fn update_resource(&self, resource: ResourceRecord) -> impl Future<Output = StoreResult<ResourceRecord>> + Send;
    /// Deletes a resource and its names.
    fn delete_resource(&self, pool_id: &str, kind: &str, key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// A pool's resources of `kind` in creation order, from cursor `after` (exclusive).
    fn list_resources(
        &self,
        pool_id: &str,
        kind: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<ResourceRecord>>> + Send;
    /// The resources of `kind` of every pool, in creation order from cursor `after`
    /// (exclusive): for work any instance may pick up, such as user import jobs to run.
    fn list_resources_of_kind(
        &self,
        kind: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<ResourceRecord>>> + Send;

    // --- sign-in (part 2). Every record below belongs to its pool and user: deleting the
    // user or pool, and `reset`, delete them too.
    /// Stores a challenge session (replacing one with the same hash), with any outbox messages
    /// (the codes of `SMS_MFA`, `EMAIL_OTP`...) in the same transaction. The user need not
    /// exist (a challenge may be answered for an unknown user when user existence is hidden);
    /// the pool must ([`StoreError::NotFound`]). Also removes a bounded batch of sessions that
    /// expired more than an hour before this one was made, and of refresh tokens and token
    /// families that expired more than a week ago (the session's expiry, at most 15 minutes
    /// ahead, stands for the current time, which the store does not know).
    fn put_session(
        &self,
        session: SessionRecord,
        outbox: Vec<OutboxMessage>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes and returns the session with `id_hash` (expired or not; the caller checks):
    /// [`StoreError::NotFound`] if there is none, so two concurrent answers (through any
    /// instances) cannot both use it: exactly one gets the record.
    fn take_session(&self, id_hash: &str) -> impl Future<Output = StoreResult<SessionRecord>> + Send;
    /// The session with `id_hash`, left in place (expired or not; the caller checks):
    /// [`StoreError::NotFound`] if there is none. For records read many times, such as a
    /// managed-login browser session.
    fn get_session(&self, id_hash: &str) -> impl Future<Output = StoreResult<SessionRecord>> + Send;
    /// Stores a new refresh token (its family is created with it if new).
    /// [`StoreError::NotFound`] if the user (`pool_id`, `user_key`) does not exist;
    /// [`StoreError::Conflict`] if a token with the same hash is stored already.
    fn insert_refresh(&self, token: RefreshRecord) -> impl Future<Output = StoreResult<()>> + Send;
    /// The refresh token with `hash`; [`StoreError::NotFound`] if there is none or its family
    /// was revoked (expiry is the caller's to check). Tokens are kept a week past their expiry,
    /// so an expired one is usually still found (and can be told apart from a bad one).
    fn get_refresh(&self, hash: &str) -> impl Future<Output = StoreResult<RefreshRecord>> + Send;
    /// Rotation: the token `old_hash` stops working at `old_expires_ms` (now, or the end of the
    /// client's grace period; never later than it already did) and `new` (same pool and family,
    /// else a database error) is stored, atomically. [`StoreError::NotFound`] if `old_hash` is
    /// gone or its family revoked. The store does not check the old token's expiry (it does
    /// not know the time): the caller has, through [`get_refresh`](Store::get_refresh).
    fn rotate_refresh(
        &self,
        old_hash: &str,
        old_expires_ms: i64,
        new: RefreshRecord,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Revokes a family: its refresh tokens and the access tokens that name it stop working.
    /// Revoking an unknown or revoked family is not an error.
    fn revoke_family(&self, pool_id: &str, origin_jti: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Whether a token naming `origin_jti` may still be used: true only for a family that
    /// exists and is not revoked (a family deleted with its user or pool is not valid, nor is
    /// one purged a week after its last refresh token expired).
    fn family_valid(&self, pool_id: &str, origin_jti: &str) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Revokes every family of a user (`GlobalSignOut`, `AdminUserGlobalSignOut`, and a
    /// password reset by an administrator). An unknown user is not an error.
    fn revoke_user_families(&self, pool_id: &str, user_key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Makes the family `origin_jti` a tracked user session named `session_id`, created and
    /// last active at `now_ms`. A family that does not exist is not an error (nothing to track).
    fn track_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        session_id: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// A refresh of a tracked family: its last activity becomes `now_ms` and its document takes
    /// the members of `doc` (an object; members not in it are kept). An untracked or unknown
    /// family is left alone.
    fn touch_family(
        &self,
        pool_id: &str,
        origin_jti: &str,
        now_ms: i64,
        doc: serde_json::Value,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The user's tracked families that are still active at `now_ms` (not revoked, not
    /// expired), oldest first. An unknown user has none.
    fn tracked_families(
        &self,
        pool_id: &str,
        user_key: &str,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<TrackedFamily>>> + Send;
    /// The user's sessions of the sessions table (challenges in progress and signed-in
    /// browsers) that have not expired at `now_ms`.
    fn user_sessions(
        &self,
        pool_id: &str,
        user_key: &str,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<Vec<SessionRecord>>> + Send;
    /// Counts a failed sign-in at `now_ms` and returns the failures after it (atomic, so
    /// failures through several instances all count). [`StoreError::NotFound`] if the user
    /// does not exist (failures are counted for users only).
    fn sign_in_failed(
        &self,
        pool_id: &str,
        user_key: &str,
        now_ms: i64,
    ) -> impl Future<Output = StoreResult<SignInFailures>> + Send;
    /// The user's failed sign-ins so far (count 0 when none, or when the user does not exist).
    fn sign_in_failures(
        &self,
        pool_id: &str,
        user_key: &str,
    ) -> impl Future<Output = StoreResult<SignInFailures>> + Send;
    /// Forgets the user's failed sign-ins (after a success). An unknown user is not an error.
    fn clear_sign_in_failures(&self, pool_id: &str, user_key: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes a bounded batch (at most `retention::PERIODIC_BATCH` rows of each table) of
    /// sessions that expired more than an hour before `now_ms`, of refresh tokens and token
    /// families that expired more than a week before it, and of history rows older than the
    /// history's retention; returns how many rows went. Called
    /// every few minutes by the server (the writes of [`put_session`](Store::put_session) and
    /// [`rotate_refresh`](Store::rotate_refresh) purge too, but a server without them would
    /// not). Several instances may purge at once.
    fn purge_expired(&self, now_ms: i64) -> impl Future<Output = StoreResult<u64>> + Send;

    // --- devices (`ConfirmDevice` and after), each of one user
    /// Inserts a device of the user `user_key`: [`StoreError::NotFound`] if the user does not
    /// exist, [`StoreError::ResourceExists`] if the pool has a device with its key already.
    fn insert_device(&self, device: DeviceRecord) -> impl Future<Output = StoreResult<DeviceRecord>> + Send;
    /// The device `device_key` of the user `user_key` ([`StoreError::NotFound`] for another
    /// user's device).
    fn get_device(
        &self,
        pool_id: &str,
        user_key: &str,
        device_key: &str,
    ) -> impl Future<Output = StoreResult<DeviceRecord>> + Send;
    /// Replaces a device's document (optimistic on `version`).
    fn update_device(&self, device: DeviceRecord) -> impl Future<Output = StoreResult<DeviceRecord>> + Send;
    /// Deletes the device `device_key` of the user `user_key`.
    fn delete_device(
        &self,
        pool_id: &str,
        user_key: &str,
        device_key: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The user's devices in creation order, from cursor `after` (exclusive); an unknown user
    /// has none.
    fn list_devices(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<DeviceRecord>>> + Send;

    // --- authentication events (`AdminListUserAuthEvents`), each of one user
    /// Records an event of the user `user_key`: [`StoreError::NotFound`] if the user does not
    /// exist, [`StoreError::ResourceExists`] if the pool has an event with its id already.
    fn insert_auth_event(&self, event: AuthEventRecord) -> impl Future<Output = StoreResult<AuthEventRecord>> + Send;
    /// The event `event_id` of the user `user_key` ([`StoreError::NotFound`] for another
    /// user's event).
    fn get_auth_event(
        &self,
        pool_id: &str,
        user_key: &str,
        event_id: &str,
    ) -> impl Future<Output = StoreResult<AuthEventRecord>> + Send;
    /// Replaces an event's document (optimistic on `version`).
    fn update_auth_event(&self, event: AuthEventRecord) -> impl Future<Output = StoreResult<AuthEventRecord>> + Send;
    /// The user's events newest first, from cursor `before` (exclusive; 0 for the newest); an
    /// unknown user has none.
    fn list_auth_events(
        &self,
        pool_id: &str,
        user_key: &str,
        before: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<AuthEventRecord>>> + Send;
    // --- history for point-in-time recovery (`store::history`)
    /// Whether and how writes of user data keep history (configured once at start-up).
    fn history(&self) -> &History;
    /// The pool's history rows stamped after `after_ms`, oldest first.
    fn history_since(&self, pool_id: &str, after_ms: i64) -> impl Future<Output = StoreResult<Vec<HistoryRow>>> + Send;
    /// Applies a recovery's changes in one transaction, paused or not, each appending history
    /// as any write does. A change that finds nothing to do (a record already gone) is skipped.
    fn apply_restore(&self, pool_id: &str, changes: Vec<RestoreChange>)
    -> impl Future<Output = StoreResult<()>> + Send;

    // --- outbox, tags, local state
    // --- passkeys (`CompleteWebAuthnRegistration` and after), each of one user
    /// Inserts a passkey of the user `user_key`: [`StoreError::NotFound`] if the user does not
    /// exist, [`StoreError::ResourceExists`] if the pool has a passkey with its id already.
    fn insert_passkey(&self, passkey: PasskeyRecord) -> impl Future<Output = StoreResult<PasskeyRecord>> + Send;
    /// The passkey `credential_id` of the user `user_key` ([`StoreError::NotFound`] for another
    /// user's).
    fn get_passkey(
        &self,
        pool_id: &str,
        user_key: &str,
        credential_id: &str,
    ) -> impl Future<Output = StoreResult<PasskeyRecord>> + Send;
    /// Replaces a passkey's document (optimistic on `version`).
    fn update_passkey(&self, passkey: PasskeyRecord) -> impl Future<Output = StoreResult<PasskeyRecord>> + Send;
    /// Deletes the passkey `credential_id` of the user `user_key`.
    fn delete_passkey(
        &self,
        pool_id: &str,
        user_key: &str,
        credential_id: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The user's passkeys in creation order, from cursor `after` (exclusive); an unknown user
    /// has none.
    fn list_passkeys(
        &self,
        pool_id: &str,
        user_key: &str,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Page<PasskeyRecord>>> + Send;
    /// Messages sent to `username` of `pool_id` (all of the pool's when `username` is `None`).
    fn list_outbox(
        &self,
        pool_id: Option<&str>,
        username: Option<&str>,
    ) -> impl Future<Output = StoreResult<Vec<OutboxMessage>>> + Send;
    /// Stores messages on their own.
    fn add_outbox(&self, messages: Vec<OutboxMessage>) -> impl Future<Output = StoreResult<()>> + Send;
    /// Adds or replaces tags of a resource (by ARN).
    fn tag(&self, resource: &str, tags: Vec<(String, String)>) -> impl Future<Output = StoreResult<()>> + Send;
    /// Removes tags of a resource.
    fn untag(&self, resource: &str, keys: Vec<String>) -> impl Future<Output = StoreResult<()>> + Send;
    /// A resource's tags, by key.
    fn tags(&self, resource: &str) -> impl Future<Output = StoreResult<Vec<(String, String)>>> + Send;
    /// A setting of the local server (for example the clock offset).
    fn get_setting(&self, key: &str) -> impl Future<Output = StoreResult<Option<String>>> + Send;
    /// Sets a setting of the local server.
    fn set_setting(&self, key: &str, value: &str) -> impl Future<Output = StoreResult<()>> + Send;
    /// Deletes every pool, user, message and setting.
    fn reset(&self) -> impl Future<Output = StoreResult<()>> + Send;
}
