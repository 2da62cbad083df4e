//! What belongs to one user besides its record: confirmed devices, authentication events and
//! passkeys (deleting the user or the pool deletes them).

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
