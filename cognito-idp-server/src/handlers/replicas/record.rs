//! A pool's secondary replica in another region, as stored: a pool-owned resource keyed by the
//! region (a pool has at most one).

use serde::{Deserialize, Serialize};

use crate::store::resources::Resource;

/// A secondary replica.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replica {
    /// Its region (`eu-west-1`).
    pub region: String,
    /// `ACTIVE` or `INACTIVE` (`ReplicaStatusType`).
    pub status: String,
    /// When it was created (milliseconds since the epoch).
    pub created_ms: i64,
}

impl Resource for Replica {
    const KIND: &'static str = "replica";

    fn key(&self) -> String {
        self.region.clone()
    }
}

/// The ARN of pool `pool_id`'s replica in `region`: the same pool id in every region.
pub fn arn(region: &str, account: &str, pool_id: &str) -> String {
    format!("arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}")
}
