//! Terms documents (terms of use and privacy policy) of app clients: `CreateTerms`,
//! `DescribeTerms`, `DescribeTermsByClient`, `ListTerms`, `UpdateTerms`, `DeleteTerms`, and the
//! documents the managed login sign-up page links to ([`terms_for_client`]).
//!
//! A document is a pool-owned resource (`store::resources`) keyed by its id. Its name is unique
//! to its app client ("Terms document names must be unique to the app client", the model's
//! `TermsExistsException`), kept as the per-pool unique name `{client}/{name}`, so racing
//! creations or renames through several instances have one winner. The model allows two names,
//! `terms-of-use` and `privacy-policy`, so a client has at most two documents. What AWS says:
//!
//! * `TermsSource` (only `LINK`) and `Enforcement` (only `NONE`) are "reserved for future use";
//!   the model's enumerations refuse anything else before a handler runs.
//! * `Links` maps a language (`cognito:default`, `cognito:english`, ...) to a URL; the pages use
//!   the user's language "with fallback to default if no document exists for the language". A
//!   `LINK` document needs them, though `CreateTerms` leaves them optional and `TermsType`
//!   requires them: a document without links is refused (wording ours).
//! * "You must provide both types of terms documents in at least one language before Amazon
//!   Cognito displays your terms documents": that is for the pages to decide
//!   ([`terms_for_client`] answers what there is).
//! * Deleting the client deletes its documents, which nothing but the client's name reaches.

use cognito_idp::types::*;
use cognito_idp::{Empty, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError, UniqueName};

/// The names a document may have, in the order [`terms_for_client`] answers them.
pub const TERMS_NAMES: [&str; 2] = ["terms-of-use", "privacy-policy"];

/// The per-pool unique name scope that keeps a document's name unique to its client.
const NAME_SCOPE: &str = "terms_name";

/// The most documents a `ListTerms` page holds (`MaxResults` is 1 to 60).
const MAX_RESULTS: usize = 60;

/// A terms document as stored: the API's own `TermsType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Terms(pub TermsType);

impl Resource for Terms {
    const KIND: &'static str = "terms";

    fn key(&self) -> String {
        self.0.terms_id.clone()
    }

    fn unique_names(&self) -> Vec<UniqueName> {
        vec![name_of(&self.0.client_id, &self.0.terms_name)]
    }
}

/// The unique name of document `name` of `client_id`.
fn name_of(client_id: &str, name: &str) -> UniqueName {
    UniqueName::in_pool(NAME_SCOPE, format!("{client_id}/{name}"))
}

/// `ResourceNotFoundException` for a document id the pool does not have. (Wording ours.)
fn not_found(id: &str) -> ApiError {
    ApiError::resource_not_found(format!("Terms {id} does not exist."))
}

/// `TermsExistsException` for a name the client's documents already use. (Wording ours; the
/// code is the model's.)
fn exists(client_id: &str, name: &str) -> ApiError {
    ApiError::new(ErrorCode::TermsExistsException, format!("Terms {name} already exist for app client {client_id}."))
}

/// `ConcurrentModificationException`: the document kept changing under a write.
fn busy() -> ApiError {
    ApiError::new(ErrorCode::ConcurrentModificationException, "The terms were modified concurrently.")
}

/// A `LINK` document's links: at least one (the model's `LinksType` checks languages, URLs and
/// at most 13). (Wording ours.)
fn check_links(links: Option<&std::collections::BTreeMap<String, String>>) -> ApiResult<()> {
    match links {
        Some(links) if !links.is_empty() => Ok(()),
        _ => Err(ApiError::invalid_parameter("Links are required when TermsSource is LINK.")),
    }
}

/// `ResourceNotFoundException` unless the app client exists in the pool.
async fn check_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<()> {
    match client_exists(svc, pool_id, client_id).await? {
        true => Ok(()),
        false => Err(ApiError::client_not_found(client_id)),
    }
}

async fn client_exists<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<bool> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The document with `id`, unless it or its client is gone.
async fn load<S: Store>(svc: &Cognito<S>, pool_id: &str, id: &str) -> ApiResult<TermsType> {
    let terms = match resources::get::<S, Terms>(&svc.store, pool_id, id).await {
        Ok(stored) => stored.value.0,
        Err(StoreError::NotFound) => return Err(not_found(id)),
        Err(e) => return Err(e.into()),
    };
    // A document outlives its client only if the client's deletion could not delete it.
    if client_exists(svc, pool_id, &terms.client_id).await? { Ok(terms) } else { Err(not_found(id)) }
}

/// Document `name` of the client, if it has one.
async fn by_name<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
    name: &str,
) -> ApiResult<Option<TermsType>> {
    match resources::find::<S, Terms>(&svc.store, &name_of(client_id, name), pool_id).await {
        Ok(stored) => Ok(Some(stored.value.0)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `CreateTerms`.
pub async fn create_terms<S: Store>(svc: &Cognito<S>, input: CreateTermsRequest) -> ApiResult<CreateTermsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    check_links(input.links.as_ref())?;
    let now = timestamp(svc.clock.now_ms());
    let terms = TermsType {
        terms_id: uuid::Uuid::new_v4().to_string(),
        user_pool_id: pool.id().to_owned(),
        client_id: input.client_id.clone(),
        terms_name: input.terms_name.clone(),
        terms_source: input.terms_source,
        enforcement: input.enforcement,
        links: input.links.unwrap_or_default(),
        creation_date: now,
        last_modified_date: now,
    };
    match resources::create(&svc.store, pool.id(), Terms(terms)).await {
        Ok(stored) => Ok(CreateTermsResponse { terms: Some(stored.value.0) }),
        Err(StoreError::NameTaken(_) | StoreError::ResourceExists) => Err(exists(&input.client_id, &input.terms_name)),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeTerms`.
pub async fn describe_terms<S: Store>(
    svc: &Cognito<S>,
    input: DescribeTermsRequest,
) -> ApiResult<DescribeTermsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    Ok(DescribeTermsResponse { terms: Some(load(svc, pool.id(), &input.terms_id).await?) })
}

/// `DescribeTermsByClient`: the client's document of a name.
pub async fn describe_terms_by_client<S: Store>(
    svc: &Cognito<S>,
    input: DescribeTermsByClientRequest,
) -> ApiResult<DescribeTermsByClientResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    match by_name(svc, pool.id(), &input.client_id, &input.terms_name).await? {
        Some(terms) => Ok(DescribeTermsByClientResponse { terms: Some(terms) }),
        // The wording is ours: no AWS answer was found quoted.
        None => Err(ApiError::resource_not_found(format!(
            "Terms {} do not exist for app client {}.",
            input.terms_name, input.client_id
        ))),
    }
}

/// `ListTerms`: the pool's documents in creation order, `MaxResults` (1 to 60; 60 when absent)
/// at a time, continued by a token any instance reads.
pub async fn list_terms<S: Store>(svc: &Cognito<S>, input: ListTermsRequest) -> ApiResult<ListTermsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let limit = input.max_results.map_or(MAX_RESULTS, |n| n.clamp(1, MAX_RESULTS as i32) as usize);
    let after = decode_token(input.next_token.as_deref())?;
    let page = resources::list::<S, Terms>(&svc.store, pool.id(), after, limit).await?;
    let mut clients = std::collections::BTreeMap::new();
    let mut terms = Vec::with_capacity(page.items.len());
    for stored in page.items {
        let terms_type = stored.value.0;
        // Documents of a client whose deletion could not delete them are left out.
        let live = match clients.get(&terms_type.client_id) {
            Some(&live) => live,
            None => {
                let live = client_exists(svc, pool.id(), &terms_type.client_id).await?;
                clients.insert(terms_type.client_id.clone(), live);
                live
            }
        };
        if live {
            terms.push(TermsDescriptionType {
                terms_id: terms_type.terms_id,
                terms_name: terms_type.terms_name,
                enforcement: terms_type.enforcement,
                creation_date: terms_type.creation_date,
                last_modified_date: terms_type.last_modified_date,
            });
        }
    }
    Ok(ListTermsResponse { terms, next_token: page.next.map(encode_token) })
}

/// `UpdateTerms`: what the request gives replaces what is stored (`Links` as a whole); a new
/// name must not be the client's other document's.
pub async fn update_terms<S: Store>(svc: &Cognito<S>, input: UpdateTermsRequest) -> ApiResult<UpdateTermsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let current = load(svc, pool.id(), &input.terms_id).await?;
    if input.links.is_some() {
        check_links(input.links.as_ref())?;
    }
    let now = timestamp(svc.clock.now_ms());
    let changed = resources::modify(&svc.store, pool.id(), &input.terms_id, |stored: &mut Terms| {
        let terms = &mut stored.0;
        if let Some(name) = &input.terms_name {
            terms.terms_name = name.clone();
        }
        if let Some(source) = &input.terms_source {
            terms.terms_source = source.clone();
        }
        if let Some(enforcement) = &input.enforcement {
            terms.enforcement = enforcement.clone();
        }
        if let Some(links) = &input.links {
            terms.links = links.clone();
        }
        terms.last_modified_date = now;
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateTermsResponse { terms: Some(stored.value.0) }),
        Err(StoreError::NameTaken(_)) => {
            Err(exists(&current.client_id, input.terms_name.as_deref().unwrap_or(&current.terms_name)))
        }
        Err(StoreError::NotFound) => Err(not_found(&input.terms_id)),
        Err(StoreError::Conflict) => Err(busy()),
        Err(e) => Err(e.into()),
    }
}

/// `DeleteTerms`.
pub async fn delete_terms<S: Store>(svc: &Cognito<S>, input: DeleteTermsRequest) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::delete::<S, Terms>(&svc.store, pool.id(), &input.terms_id).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(not_found(&input.terms_id)),
        Err(e) => Err(e.into()),
    }
}

/// The client's documents, terms of use first: what its sign-up page links to (AWS shows them
/// only once both kinds exist, which the caller decides from what this answers).
pub async fn terms_for_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<Vec<TermsType>> {
    let mut found = Vec::new();
    for name in TERMS_NAMES {
        found.extend(by_name(svc, pool_id, client_id, name).await?);
    }
    Ok(found)
}

/// Deletes a deleted client's documents (best effort: describing or listing them also checks
/// their client).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    let found = match terms_for_client(svc, pool_id, client_id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "finding a deleted client's terms failed");
            return;
        }
    };
    for terms in found {
        match resources::delete::<S, Terms>(&svc.store, pool_id, &terms.terms_id).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(e) => tracing::warn!(error = %e, "deleting a deleted client's terms failed"),
        }
    }
}
