//! Client ID metadata document (CIMD) policies: `CreateCIMDPolicy`, `DescribeCIMDPolicy`,
//! `UpdateCIMDPolicy`, `DeleteCIMDPolicy`, `ListCIMDPolicies`, and the cache of metadata URLs
//! they received, `ListClientMetadataURLs` and `UpdateClientMetadataURLState`. What the
//! authorization endpoint does with them is [`documents`]; what is stored, [`records`].
//!
//! From AWS's API reference and developer guide:
//!
//! * A policy maps one to five HTTPS URL patterns (`*` a wildcard; the model checks them) to
//!   "exactly one existing user pool app client"; its id is ours to make (`^[a-z0-9]+$`).
//! * `CacheDuration` defaults to 86,400 seconds; a document's `Cache-Control: max-age` between a
//!   day and a year wins over it.
//! * `ClientId` is omitted from a policy whose app client no longer exists.
//! * `UpdateClientMetadataURLState`: `REFRESH` retrieves the document again, `INVALIDATE` removes
//!   the cached one; either answers `CachedCIMDURLDoesNotExistException` when there is no cached
//!   document for the URL. A URL whose document was invalidated stays listed, without dates.
//! * `FeatureUnavailableInTierException` is among the errors of the writes: refused here for
//!   pools on the Lite plan, as the server does for Lite's other missing features (our reading;
//!   the guide names no plan).
//!
//! Messages are ours where none was found quoted.

pub mod documents;
pub mod records;

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::{Cognito, Pool};
use crate::store::resources::{self, Stored};
use crate::store::{Store, StoreError};
use records::{MetadataUrl, Policy, all, url_key};

/// The most items a list page holds (`MaxResults` is 1 to 60).
const MAX_RESULTS: usize = 60;

fn not_found(id: &str) -> ApiError {
    ApiError::resource_not_found(format!("CIMD policy {id} does not exist."))
}

fn lite(pool: &Pool) -> ApiResult<()> {
    if pool.doc.user_pool_tier.as_ref().is_some_and(|t| t.as_str() == "LITE") {
        return Err(ApiError::new(
            ErrorCode::FeatureUnavailableInTierException,
            "Client ID metadata documents are not available in the LITE feature plan.",
        ));
    }
    Ok(())
}

async fn client_exists<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<bool> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The policy as answered: without `ClientId` once its client is gone.
async fn answer<S: Store>(svc: &Cognito<S>, policy: Policy) -> ApiResult<CimdPolicyType> {
    let mut policy = policy.0;
    if let Some(client_id) = &policy.client_id
        && !client_exists(svc, &policy.user_pool_id, client_id).await?
    {
        policy.client_id = None;
    }
    Ok(policy)
}

async fn load<S: Store>(svc: &Cognito<S>, pool_id: &str, id: &str) -> ApiResult<Stored<Policy>> {
    records::policy(svc, pool_id, id).await?.ok_or_else(|| not_found(id))
}

/// `CreateCIMDPolicy`.
pub async fn create_cimd_policy<S: Store>(
    svc: &Cognito<S>,
    input: CreateCimdPolicyRequest,
) -> ApiResult<CreateCimdPolicyResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    lite(&pool)?;
    if !client_exists(svc, pool.id(), &input.client_id).await? {
        return Err(ApiError::client_not_found(&input.client_id));
    }
    let now = timestamp(svc.clock.now_ms());
    let policy = CimdPolicyType {
        user_pool_id: pool.id().to_owned(),
        cimd_policy_id: uuid::Uuid::new_v4().simple().to_string(),
        client_id: Some(input.client_id),
        policy_name: input.policy_name,
        cache_duration: Some(input.cache_duration.unwrap_or(records::DEFAULT_CACHE_SECONDS)),
        url_patterns: Some(input.url_patterns),
        creation_date: Some(now),
        last_modified_date: Some(now),
    };
    match resources::create(&svc.store, pool.id(), Policy(policy)).await {
        Ok(stored) => Ok(CreateCimdPolicyResponse { cimd_policy: stored.value.0 }),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeCIMDPolicy`.
pub async fn describe_cimd_policy<S: Store>(
    svc: &Cognito<S>,
    input: DescribeCimdPolicyRequest,
) -> ApiResult<DescribeCimdPolicyResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let stored = load(svc, pool.id(), &input.cimd_policy_id).await?;
    Ok(DescribeCimdPolicyResponse { cimd_policy: answer(svc, stored.value).await? })
}

/// `UpdateCIMDPolicy`: the request's client, patterns and cache duration (the default when
/// absent) replace the stored ones; the name is kept when absent.
pub async fn update_cimd_policy<S: Store>(
    svc: &Cognito<S>,
    input: UpdateCimdPolicyRequest,
) -> ApiResult<UpdateCimdPolicyResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    lite(&pool)?;
    load(svc, pool.id(), &input.cimd_policy_id).await?;
    if !client_exists(svc, pool.id(), &input.client_id).await? {
        return Err(ApiError::client_not_found(&input.client_id));
    }
    let now = timestamp(svc.clock.now_ms());
    let changed = resources::modify(&svc.store, pool.id(), &input.cimd_policy_id, |stored: &mut Policy| {
        let policy = &mut stored.0;
        policy.client_id = Some(input.client_id.clone());
        if let Some(name) = &input.policy_name {
            policy.policy_name = name.clone();
        }
        policy.cache_duration = Some(input.cache_duration.unwrap_or(records::DEFAULT_CACHE_SECONDS));
        policy.url_patterns = Some(input.url_patterns.clone());
        policy.last_modified_date = Some(now);
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateCimdPolicyResponse { cimd_policy: stored.value.0 }),
        Err(StoreError::NotFound) => Err(not_found(&input.cimd_policy_id)),
        Err(StoreError::Conflict) => {
            Err(ApiError::new(ErrorCode::ConcurrentModificationException, "The CIMD policy was modified concurrently."))
        }
        Err(e) => Err(e.into()),
    }
}

/// `DeleteCIMDPolicy`, and the URLs it received.
pub async fn delete_cimd_policy<S: Store>(
    svc: &Cognito<S>,
    input: DeleteCimdPolicyRequest,
) -> ApiResult<DeleteCimdPolicyResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::delete::<S, Policy>(&svc.store, pool.id(), &input.cimd_policy_id).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(not_found(&input.cimd_policy_id)),
        Err(e) => return Err(e.into()),
    }
    for url in all::<S, MetadataUrl>(svc, pool.id()).await? {
        if url.value.policy_id == input.cimd_policy_id {
            match resources::delete::<S, MetadataUrl>(
                &svc.store,
                pool.id(),
                &url_key(&url.value.policy_id, &url.value.url),
            )
            .await
            {
                Ok(()) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(DeleteCimdPolicyResponse::default())
}

/// `ListCIMDPolicies`: in creation order, `MaxResults` (60 when absent) at a time.
pub async fn list_cimd_policies<S: Store>(
    svc: &Cognito<S>,
    input: ListCimdPoliciesRequest,
) -> ApiResult<ListCimdPoliciesResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let limit = input.max_results.map_or(MAX_RESULTS, |n| n.clamp(1, MAX_RESULTS as i32) as usize);
    let after = decode_token(input.next_token.as_deref())?;
    let page = resources::list::<S, Policy>(&svc.store, pool.id(), after, limit).await?;
    let mut cimd_policies = Vec::with_capacity(page.items.len());
    for stored in page.items {
        let policy = answer(svc, stored.value).await?;
        cimd_policies.push(CimdPolicySummaryType {
            cimd_policy_id: policy.cimd_policy_id,
            client_id: policy.client_id,
            policy_name: policy.policy_name,
            cache_duration: policy.cache_duration,
            creation_date: policy.creation_date,
            last_modified_date: policy.last_modified_date,
        });
    }
    Ok(ListCimdPoliciesResponse { cimd_policies, next_token: page.next.map(encode_token) })
}

/// `ListClientMetadataURLs`: the URLs the policy received, in the order first received.
pub async fn list_client_metadata_urls<S: Store>(
    svc: &Cognito<S>,
    input: ListClientMetadataUrLsRequest,
) -> ApiResult<ListClientMetadataUrLsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    load(svc, pool.id(), &input.cimd_policy_id).await?;
    let limit = input.max_results.map_or(MAX_RESULTS, |n| n.clamp(1, MAX_RESULTS as i32) as usize);
    let after = decode_token(input.next_token.as_deref())?;
    let mine: Vec<Stored<MetadataUrl>> = all::<S, MetadataUrl>(svc, pool.id())
        .await?
        .into_iter()
        .filter(|u| u.value.policy_id == input.cimd_policy_id && u.seq > after)
        .collect();
    let next_token = (mine.len() > limit).then(|| encode_token(mine[limit - 1].seq));
    let client_metadata_ur_ls = mine
        .into_iter()
        .take(limit)
        .map(|u| ClientMetadataUrlType {
            url: u.value.url,
            cached_date: u.value.cached_ms.filter(|_| u.value.document.is_some()).map(timestamp),
            expiration_date: u.value.expires_ms.filter(|_| u.value.document.is_some()).map(timestamp),
        })
        .collect();
    Ok(ListClientMetadataUrLsResponse { client_metadata_ur_ls, next_token })
}

/// `UpdateClientMetadataURLState`: `REFRESH` fetches the document again (a document that can
/// no longer be fetched or is refused leaves the cache as it was and answers
/// `InvalidParameterException`, wording ours), `INVALIDATE` drops it.
pub async fn update_client_metadata_url_state<S: Store>(
    svc: &Cognito<S>,
    input: UpdateClientMetadataUrlStateRequest,
) -> ApiResult<UpdateClientMetadataUrlStateResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    lite(&pool)?;
    let policy = load(svc, pool.id(), &input.cimd_policy_id).await?.value;
    let key = url_key(&input.cimd_policy_id, &input.url);
    let cached = match resources::get::<S, MetadataUrl>(&svc.store, pool.id(), &key).await {
        Ok(stored) => stored.value.document.is_some(),
        Err(StoreError::NotFound) => false,
        Err(e) => return Err(e.into()),
    };
    if !cached {
        return Err(ApiError::new(
            ErrorCode::CachedCimdurlDoesNotExistException,
            format!("No cached client metadata document exists for {}.", input.url),
        ));
    }
    match input.action.as_str() {
        "REFRESH" => match documents::refresh(svc, pool.id(), &policy, &input.url).await? {
            Ok(_) => {}
            Err(reason) => {
                return Err(ApiError::invalid_parameter(format!(
                    "The client metadata document could not be refreshed: {reason}"
                )));
            }
        },
        _ => {
            let dropped = MetadataUrl {
                policy_id: input.cimd_policy_id.clone(),
                url: input.url.clone(),
                document: None,
                cached_ms: None,
                expires_ms: None,
            };
            records::put_url(svc, pool.id(), dropped).await?;
        }
    }
    Ok(UpdateClientMetadataUrlStateResponse::default())
}
