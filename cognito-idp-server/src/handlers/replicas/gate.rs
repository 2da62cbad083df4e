//! What a request for another region than the server's own may do with a replicated pool
//! (AWS's multi-Region replication guide and `UserPoolReplicaType`): it must have a replica
//! there; an `INACTIVE` replica takes no end users' requests; a secondary takes reads, sign-ins
//! and its own settings, while users are created and changed in the primary region only.

use cognito_idp::ErrorCode;

use super::record::Replica;
use crate::errors::{ApiError, ApiResult};
use crate::request_region;
use crate::state::{Cognito, Pool};
use crate::store::resources;
use crate::store::{Store, StoreError};

/// End users' operations (no IAM credentials): what an `INACTIVE` replica refuses.
const END_USER: &[&str] = &[
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "RevokeToken",
    "GlobalSignOut",
    "GetUser",
    "GetUserAuthFactors",
    "ListDevices",
    "GetDevice",
    "ConfirmDevice",
    "ForgetDevice",
    "UpdateDeviceStatus",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "DeleteUser",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "SetUserSettings",
];

/// What a secondary replica serves beyond reads: sign-ins (which create no user and change
/// none of its attributes) and its own replica settings.
const SECONDARY_WRITES: &[&str] = &[
    "InitiateAuth",
    "AdminInitiateAuth",
    "RespondToAuthChallenge",
    "AdminRespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "RevokeToken",
    "GlobalSignOut",
    "AdminUserGlobalSignOut",
    "UpdateUserPoolReplica",
    "TagResource",
    "UntagResource",
];

fn is_read(operation: &str) -> bool {
    ["Describe", "Get", "List", "AdminGet", "AdminList"].iter().any(|p| operation.starts_with(p))
        && !matches!(operation, "GetUserAttributeVerificationCode")
}

fn not_enabled(message: String) -> ApiError {
    ApiError::new(ErrorCode::OperationNotEnabledException, message)
}

/// Refuses what the request's region may not do with `pool` (nothing, in the server's own).
pub async fn admit<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<()> {
    let Some(request) = request_region::current() else { return Ok(()) };
    let Some(region) = request.region.filter(|r| *r != svc.settings.region) else { return Ok(()) };
    let replica = match resources::get::<S, Replica>(&svc.store, pool.id(), &region).await {
        Ok(replica) => replica.value,
        // No replica there: a replicated pool does not exist in that region. A pool that was
        // never replicated answers in any region, as this server always has (a test suite's
        // SDK configured for another region than `--region` keeps working).
        Err(StoreError::NotFound) => {
            let replicated = !resources::list::<S, Replica>(&svc.store, pool.id(), 0, 1).await?.items.is_empty();
            return if replicated { Err(ApiError::pool_not_found(pool.id())) } else { Ok(()) };
        }
        Err(e) => return Err(e.into()),
    };
    let operation = request.operation;
    if replica.status != "ACTIVE" && END_USER.contains(&operation) {
        return Err(not_enabled(format!(
            "The user pool replica in {region} is {}: it does not accept end users' requests.",
            replica.status
        )));
    }
    if !is_read(operation) && !SECONDARY_WRITES.contains(&operation) {
        return Err(not_enabled(format!(
            "{operation} is not supported in the secondary region {region}: make it in the primary region {}.",
            svc.settings.region
        )));
    }
    Ok(())
}
