//! Resource servers and their custom scopes: `CreateResourceServer`, `DescribeResourceServer`,
//! `UpdateResourceServer`, `DeleteResourceServer`, `ListResourceServers`.
//!
//! A resource server is a pool-owned resource (`store::resources`) keyed by its identifier; its
//! scopes are what app clients name as `{identifier}/{scope}` in `AllowedOAuthScopes`. AWS lets a
//! resource server go while clients still name its scopes (aws-cloudformation's coverage
//! roadmap issue 173: "deleting a resource server or a scope when it is selected by a user pool
//! client can be done cleanly"), so nothing here checks clients.

use cognito_idp::Empty;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// A resource server as stored: the API's own `ResourceServerType`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceServer(pub ResourceServerType);

impl Resource for ResourceServer {
    const KIND: &'static str = "resource_server";

    fn key(&self) -> String {
        self.0.identifier.clone().unwrap_or_default()
    }
}

/// The most resource servers a `ListResourceServers` page holds (`MaxResults` is 1 to 50).
const MAX_RESULTS: usize = 50;

/// `ResourceNotFoundException` for an identifier the pool has no resource server for. The
/// wording is ours: no AWS answer was found quoted.
pub fn not_found(identifier: &str) -> ApiError {
    ApiError::resource_not_found(format!("Resource server {identifier} does not exist."))
}

/// Scope names must be unique within a resource server; AWS's console refuses duplicates, and
/// a token's `scope` could not tell them apart. (Wording ours.)
fn check_scopes(scopes: Option<&[ResourceServerScopeType]>) -> ApiResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for scope in scopes.unwrap_or_default() {
        if !seen.insert(scope.scope_name.as_str()) {
            return Err(ApiError::invalid_parameter(format!("Duplicate scope name: {}", scope.scope_name)));
        }
    }
    Ok(())
}

/// `CreateResourceServer`.
pub async fn create_resource_server<S: Store>(
    svc: &Cognito<S>,
    input: CreateResourceServerRequest,
) -> ApiResult<CreateResourceServerResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_scopes(input.scopes.as_deref())?;
    let server = ResourceServerType {
        user_pool_id: Some(pool.id().to_owned()),
        identifier: Some(input.identifier.clone()),
        name: Some(input.name),
        scopes: Some(input.scopes.unwrap_or_default()),
        ..Default::default()
    };
    match resources::create(&svc.store, pool.id(), ResourceServer(server)).await {
        Ok(stored) => Ok(CreateResourceServerResponse { resource_server: stored.value.0 }),
        // The wording is ours (no AWS answer found quoted); the code is the one AWS lists.
        Err(StoreError::ResourceExists) => Err(ApiError::invalid_parameter(format!(
            "A resource server with identifier {} already exists in the user pool.",
            input.identifier
        ))),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeResourceServer`.
pub async fn describe_resource_server<S: Store>(
    svc: &Cognito<S>,
    input: DescribeResourceServerRequest,
) -> ApiResult<DescribeResourceServerResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::get::<S, ResourceServer>(&svc.store, pool.id(), &input.identifier).await {
        Ok(stored) => Ok(DescribeResourceServerResponse { resource_server: stored.value.0 }),
        Err(StoreError::NotFound) => Err(not_found(&input.identifier)),
        Err(e) => Err(e.into()),
    }
}

/// `UpdateResourceServer`: the name and the scopes are replaced, as AWS documents ("If you
/// don't provide a value for an attribute, it is set to the default value"; scopes left out
/// are none).
pub async fn update_resource_server<S: Store>(
    svc: &Cognito<S>,
    input: UpdateResourceServerRequest,
) -> ApiResult<UpdateResourceServerResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_scopes(input.scopes.as_deref())?;
    let changed = resources::modify(&svc.store, pool.id(), &input.identifier, |server: &mut ResourceServer| {
        server.0.name = Some(input.name.clone());
        server.0.scopes = Some(input.scopes.clone().unwrap_or_default());
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateResourceServerResponse { resource_server: stored.value.0 }),
        Err(StoreError::NotFound) => Err(not_found(&input.identifier)),
        Err(StoreError::Conflict) => Err(ApiError::too_busy()),
        Err(e) => Err(e.into()),
    }
}

/// `DeleteResourceServer`.
pub async fn delete_resource_server<S: Store>(
    svc: &Cognito<S>,
    input: DeleteResourceServerRequest,
) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::delete::<S, ResourceServer>(&svc.store, pool.id(), &input.identifier).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(not_found(&input.identifier)),
        Err(e) => Err(e.into()),
    }
}

/// `ListResourceServers`: creation order, `MaxResults` (1 to 50; 50 when absent) at a time,
/// continued by a token any instance reads.
pub async fn list_resource_servers<S: Store>(
    svc: &Cognito<S>,
    input: ListResourceServersRequest,
) -> ApiResult<ListResourceServersResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let limit = input.max_results.map_or(MAX_RESULTS, |n| n.clamp(1, MAX_RESULTS as i32) as usize);
    let after = decode_token(input.next_token.as_deref())?;
    let page = resources::list::<S, ResourceServer>(&svc.store, pool.id(), after, limit).await?;
    Ok(ListResourceServersResponse {
        resource_servers: page.items.into_iter().map(|s| s.value.0).collect(),
        next_token: page.next.map(encode_token),
    })
}

/// Every custom scope of the pool as `{identifier}/{scope}`: what app clients may allow.
pub async fn custom_scopes<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<String>> {
    let mut scopes = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, ResourceServer>(&svc.store, pool_id, after, MAX_RESULTS).await?;
        for server in &page.items {
            let identifier = server.value.0.identifier.as_deref().unwrap_or_default();
            for scope in server.value.0.scopes.iter().flatten() {
                scopes.push(format!("{identifier}/{}", scope.scope_name));
            }
        }
        match page.next {
            Some(next) => after = next,
            None => return Ok(scopes),
        }
    }
}
