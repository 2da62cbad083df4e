//! An app client's secrets for rotation: `AddUserPoolClientSecret`,
//! `ListUserPoolClientSecrets`, `DeleteUserPoolClientSecret`, and the set of secrets a
//! `SECRET_HASH` or `ClientSecret` may be made with.
//!
//! AWS's reference: "Supports up to 2 active secrets per app client for zero-downtime credential
//! rotation"; "You cannot delete the last remaining secret for an app client"; a secret's id
//! "follows the format <client-id>--<epoch-create-time>"; its value is returned "only when
//! creating a new secret and only if Amazon Cognito generated the secret", and never by the
//! listing.
//!
//! Until a client's secrets are first rotated, its one secret is the `ClientSecret` of its
//! document. The first add (or delete) writes the active set as a pool-owned resource keyed by
//! the client, which is from then on the authority; the document's `ClientSecret` follows it
//! (the oldest active secret), so `DescribeUserPoolClient` shows a secret that works.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::domain::ids;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{RETRIES, decode_client, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{ClientRecord, Store, StoreError};

/// Active secrets a client may have at once.
const MAX_ACTIVE: usize = 2;

/// One active secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// `<client-id>--<epoch-create-time>` (milliseconds).
    pub id: String,
    /// The value, as the hash is keyed with it.
    pub value: String,
    /// When it was made (milliseconds since the epoch).
    pub created_ms: i64,
}

/// A client's active secrets once they have been rotated, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientSecrets {
    /// The app client.
    pub client_id: String,
    /// Oldest first.
    pub secrets: Vec<Secret>,
}

impl Resource for ClientSecrets {
    const KIND: &'static str = "client_secrets";

    fn key(&self) -> String {
        self.client_id.clone()
    }
}

/// The one secret of a client never rotated: its document's, made with the client.
fn original(client: &UserPoolClientType) -> Option<Secret> {
    let value = client.client_secret.clone().filter(|s| !s.is_empty())?;
    let created_ms = client.creation_date.map_or(0, |d| (d.as_secs_f64() * 1000.0) as i64);
    let id = format!("{}--{created_ms}", client.client_id.as_deref().unwrap_or_default());
    Some(Secret { id, value, created_ms })
}

/// The secrets a client accepts now: the rotated set if there is one, else its document's.
pub async fn active<S: Store>(svc: &Cognito<S>, pool_id: &str, client: &UserPoolClientType) -> ApiResult<Vec<Secret>> {
    if original(client).is_none() {
        // A public client: AddUserPoolClientSecret refuses it, so it has no rotated set.
        return Ok(Vec::new());
    }
    let client_id = client.client_id.as_deref().unwrap_or_default();
    match resources::get::<S, ClientSecrets>(&svc.store, pool_id, client_id).await {
        Ok(stored) => Ok(stored.value.secrets),
        Err(StoreError::NotFound) => Ok(original(client).into_iter().collect()),
        Err(e) => Err(e.into()),
    }
}

/// The app client of the request, or AWS's answers for a missing pool or client.
async fn load<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
) -> ApiResult<(ClientRecord, UserPoolClientType)> {
    let pool = load_pool(svc, pool_id).await?;
    let record = match svc.store.get_client(pool.id(), client_id).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(ApiError::client_not_found(client_id)),
        Err(e) => return Err(e.into()),
    };
    let client = decode_client(&record)?;
    Ok((record, client))
}

/// Forgets a deleted client's rotated secrets (best effort: nothing reads them once the client
/// is gone).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    match resources::delete::<S, ClientSecrets>(&svc.store, pool_id, client_id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, "deleting a deleted client's secrets failed"),
    }
}

/// Keeps the document's `ClientSecret` the oldest active secret. Best effort: the rotated set
/// is the authority for every check, so a document that lags behind accepts nothing extra.
async fn follow<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str, oldest: &str) {
    for _ in 0..RETRIES {
        let Ok(mut record) = svc.store.get_client(pool_id, client_id).await else { return };
        if record.doc.get("ClientSecret").and_then(|v| v.as_str()) == Some(oldest) {
            return;
        }
        record.doc["ClientSecret"] = oldest.into();
        match svc.store.update_client(record).await {
            Err(StoreError::Conflict) => continue,
            Err(e) => tracing::warn!(error = %e, "keeping a client's ClientSecret in step failed"),
            Ok(_) => {}
        }
        return;
    }
}

fn descriptor(secret: &Secret, with_value: bool) -> ClientSecretDescriptorType {
    ClientSecretDescriptorType {
        client_secret_id: Some(secret.id.clone()),
        client_secret_value: with_value.then(|| secret.value.clone()),
        client_secret_create_date: Some(timestamp(secret.created_ms)),
    }
}

/// `AddUserPoolClientSecret`: a new active secret (generated, or the one given), at most two.
pub async fn add_user_pool_client_secret<S: Store>(
    svc: &Cognito<S>,
    input: AddUserPoolClientSecretRequest,
) -> ApiResult<AddUserPoolClientSecretResponse> {
    let (record, client) = load(svc, &input.user_pool_id, &input.client_id).await?;
    let Some(first) = original(&client) else {
        // "for an existing confidential user pool app client": a public one has none to rotate.
        // (Wording ours.)
        return Err(ApiError::invalid_parameter(format!(
            "User pool client {} does not have a client secret.",
            input.client_id
        )));
    };
    let generated = input.client_secret.is_none();
    let value = input.client_secret.clone().unwrap_or_else(ids::client_secret);
    let now = svc.clock.now_ms();
    let new = Secret { id: format!("{}--{now}", input.client_id), value, created_ms: now };
    let seed = ClientSecrets { client_id: input.client_id.clone(), secrets: vec![first] };
    for _ in 0..RETRIES {
        let mut stored = resources::create_or_get(&svc.store, &record.pool_id, seed.clone()).await?;
        let secrets = &mut stored.value.secrets;
        if secrets.len() >= MAX_ACTIVE {
            // The limit is AWS's (two active secrets); the wording is ours.
            return Err(ApiError::new(
                ErrorCode::LimitExceededException,
                format!("User pool client {} already has {MAX_ACTIVE} client secrets.", input.client_id),
            ));
        }
        if secrets.iter().any(|s| s.id == new.id) {
            // Two adds in one millisecond: the next one is a millisecond later.
            continue;
        }
        secrets.push(new.clone());
        match resources::update(&svc.store, stored).await {
            Ok(_) => {
                return Ok(AddUserPoolClientSecretResponse {
                    client_secret_descriptor: Some(descriptor(&new, generated)),
                });
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::client_not_found(&input.client_id)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `ListUserPoolClientSecrets`: ids and dates, never values, oldest first (no paging: there
/// are at most two).
pub async fn list_user_pool_client_secrets<S: Store>(
    svc: &Cognito<S>,
    input: ListUserPoolClientSecretsRequest,
) -> ApiResult<ListUserPoolClientSecretsResponse> {
    let (record, client) = load(svc, &input.user_pool_id, &input.client_id).await?;
    let secrets = active(svc, &record.pool_id, &client).await?;
    Ok(ListUserPoolClientSecretsResponse {
        client_secrets: Some(secrets.iter().map(|s| descriptor(s, false)).collect()),
        next_token: None,
    })
}

/// `DeleteUserPoolClientSecret`: any active secret but the last.
pub async fn delete_user_pool_client_secret<S: Store>(
    svc: &Cognito<S>,
    input: DeleteUserPoolClientSecretRequest,
) -> ApiResult<DeleteUserPoolClientSecretResponse> {
    let (record, client) = load(svc, &input.user_pool_id, &input.client_id).await?;
    let not_found =
        || ApiError::resource_not_found(format!("Client secret {} does not exist.", input.client_secret_id));
    let Some(first) = original(&client) else { return Err(not_found()) };
    let seed = ClientSecrets { client_id: input.client_id.clone(), secrets: vec![first] };
    for _ in 0..RETRIES {
        let mut stored = resources::create_or_get(&svc.store, &record.pool_id, seed.clone()).await?;
        let secrets = &mut stored.value.secrets;
        let Some(at) = secrets.iter().position(|s| s.id == input.client_secret_id) else { return Err(not_found()) };
        if secrets.len() == 1 {
            // AWS's reference: "You cannot delete the last remaining secret for an app client."
            return Err(ApiError::invalid_parameter("You cannot delete the last remaining secret for an app client."));
        }
        secrets.remove(at);
        let oldest = secrets[0].value.clone();
        match resources::update(&svc.store, stored).await {
            Ok(_) => {
                follow(svc, &record.pool_id, &input.client_id, &oldest).await;
                return Ok(DeleteUserPoolClientSecretResponse::default());
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}
