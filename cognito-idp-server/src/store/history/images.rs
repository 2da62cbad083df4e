//! The records history rows keep, as JSON (`before`): what the writes' `INSERT ... SELECT`
//! statements build from the row itself.

use serde::{Deserialize, Serialize};

use crate::store::api::UserRecord;

/// A user as a history row keeps it: the stored columns and the document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserImage {
    /// The username as given.
    pub username: String,
    /// The `sub`.
    pub sub: String,
    /// The status.
    pub status: String,
    /// Enabled (SQLite writes 0 or 1, PostgreSQL a boolean).
    #[serde(deserialize_with = "flag")]
    pub enabled: bool,
    /// Created (milliseconds since the epoch).
    pub created_ms: i64,
    /// Last modified.
    pub modified_ms: i64,
    /// The stored document (attributes, password, `extra`).
    pub doc: UserRecord,
}

impl UserImage {
    /// The user record this image holds, for `pool_id` and `key`.
    pub fn into_record(self, pool_id: &str, key: &str) -> UserRecord {
        UserRecord {
            pool_id: pool_id.to_owned(),
            username: self.username,
            username_key: key.to_owned(),
            sub: self.sub,
            status: self.status,
            enabled: self.enabled,
            created_ms: self.created_ms,
            modified_ms: self.modified_ms,
            ..self.doc
        }
    }
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}

/// A group as a history row keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupImage {
    /// The `GroupType` document.
    pub doc: serde_json::Value,
}
