//! The records of a pool's directory: the pool, its app clients, users (with their aliases),
//! groups and configuration resources, and what listing them takes (filters, pages).

use serde::{Deserialize, Serialize};

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
