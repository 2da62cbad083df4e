//! The storage contract: the [`Store`] trait. Its errors and records are modules of their own
//! beside it, re-exported here (and from `store`): `error`, `records` (a pool's directory),
//! `sign_in_state`, `user_data` and `restore`.

use std::future::Future;

pub use super::error::*;
use super::history::History;
pub use super::records::*;
pub use super::restore::*;
pub use super::sign_in_state::*;
pub use super::user_data::*;

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
