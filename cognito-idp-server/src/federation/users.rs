//! The pool's user a provider's sign-in becomes, made or updated as Cognito does:
//!
//! - an identity linked to a user (`AdminLinkProviderForUser`: by its subject,
//!   `Cognito_Subject`, or by a mapped attribute's value) signs in as that user;
//! - otherwise it is the user `{ProviderName}_{subject}` (`handlers::provider_links::
//!   federated_username`), created at the first sign-in with status `EXTERNAL_PROVIDER`, no
//!   password, its `identities` attribute (`domain::identities`), the provider's mapped
//!   attributes, after `PreSignUp_ExternalProvider` and before `PostConfirmation`; later
//!   sign-ins write the mapped attributes again;
//! - the user joins the group `{poolId}_{ProviderName}`, which Cognito makes for each provider
//!   (the `cognito:groups` of a federated Google user's id token is
//!   `["us-west-2_9EiQtYD6z_Google"]` in the token quoted in `domain::identities`).

use cognito_idp::ErrorCode;
use cognito_idp::types::CreateGroupRequest;
use serde_json::{Map, Value};

use crate::domain::identities::{self, Identity};
use crate::domain::ids;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::groups;
use crate::handlers::identity_providers::IdentityProvider;
use crate::handlers::provider_links::{self, DISABLED_KEY, SUBJECT};
use crate::handlers::shared::user_aliases;
use crate::handlers::triggered::{post_confirmation, pre_sign_up};
use crate::state::{Cognito, Pool};
use crate::store::{AliasConflict, Store, StoreError, UserRecord};

/// A claim as an attribute value: strings as they are, booleans and numbers written out.
fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The user pool attributes the provider's mapping makes of `claims` (`username` aside).
fn mapped(provider: &IdentityProvider, claims: &Map<String, Value>) -> Vec<(String, String)> {
    let mapping = provider.0.attribute_mapping.clone().unwrap_or_default();
    mapping
        .iter()
        .filter(|(attribute, _)| attribute.as_str() != "username")
        .filter_map(|(attribute, claim)| claims.get(claim).and_then(claim_text).map(|v| (attribute.clone(), v)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The identity's subject: the claim the `username` mapping names (`sub` by default).
fn subject(provider: &IdentityProvider, claims: &Map<String, Value>) -> Option<String> {
    let claim = provider.0.attribute_mapping.as_ref().and_then(|m| m.get("username")).map(String::as_str);
    let claim = claim.unwrap_or(crate::handlers::identity_providers::details::subject_claim(&provider.kind()));
    claims.get(claim).and_then(claim_text).filter(|s| !s.is_empty())
}

/// The user `claims` (from `provider`, through app client `client_id`) sign in as. `issuer`
/// is a SAML provider's entity ID, which the user's `identities` record.
pub async fn sign_in<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    provider: &IdentityProvider,
    claims: &Map<String, Value>,
    client_id: &str,
    issuer: Option<&str>,
) -> ApiResult<UserRecord> {
    let Some(subject) = subject(provider, claims) else {
        return Err(ApiError::invalid_parameter("The identity provider did not name the user (no subject claim)."));
    };
    let attributes = mapped(provider, claims);
    if let Some(user) = linked(svc, pool, provider, &subject, &attributes).await? {
        return usable(user);
    }
    let username = provider_links::federated_username(pool, provider.name(), &subject);
    let user = match svc.store.get_user(pool.id(), &pool.username_key(&username)).await {
        Ok(user) => {
            if user.extra.get(DISABLED_KEY).and_then(Value::as_bool) == Some(true) {
                return Err(ApiError::not_authorized("User is disabled."));
            }
            update(svc, pool, user, &attributes).await?
        }
        Err(StoreError::NotFound) => {
            let identity = Identity {
                user_id: subject.clone(),
                provider_name: provider.name().to_owned(),
                provider_type: provider.kind().as_str().to_owned(),
                issuer: issuer.map(str::to_owned),
                primary: true,
                date_created: svc.clock.now_ms(),
            };
            create(svc, pool, client_id, &username, identity, attributes).await?
        }
        Err(e) => return Err(e.into()),
    };
    join_group(svc, pool, provider, &user).await?;
    usable(user)
}

/// The user `claims` (from `provider`) name, as [`sign_in`] finds it, for a token of the
/// provider presented to the API (`crate::federation::presented`): nothing is made or written.
/// `UserNotFoundException` when the identity has no user yet, `NotAuthorizedException` ("User
/// is disabled.") when it or its user is disabled.
pub async fn find<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    provider: &IdentityProvider,
    claims: &Map<String, Value>,
) -> ApiResult<UserRecord> {
    let Some(subject) = subject(provider, claims) else { return Err(ApiError::user_not_found()) };
    let attributes = mapped(provider, claims);
    if let Some(user) = linked(svc, pool, provider, &subject, &attributes).await? {
        return usable(user);
    }
    let username = provider_links::federated_username(pool, provider.name(), &subject);
    match svc.store.get_user(pool.id(), &pool.username_key(&username)).await {
        Ok(user) if user.extra.get(DISABLED_KEY).and_then(Value::as_bool) == Some(true) => {
            Err(ApiError::not_authorized("User is disabled."))
        }
        Ok(user) => usable(user),
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

fn usable(user: UserRecord) -> ApiResult<UserRecord> {
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    Ok(user)
}

/// The user the identity is linked to, if any (a link to a deleted user is no link).
async fn linked<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    provider: &IdentityProvider,
    subject: &str,
    attributes: &[(String, String)],
) -> ApiResult<Option<UserRecord>> {
    let keys = std::iter::once((SUBJECT, subject)).chain(attributes.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    for (attribute, value) in keys {
        let Some(link) = provider_links::find(svc, pool.id(), provider.name(), attribute, value).await? else {
            continue;
        };
        match svc.store.get_user_by_sub(pool.id(), &link.destination_sub).await {
            Ok(user) => return Ok(Some(user)),
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

fn alias_conflict(kind: &str) -> ApiError {
    ApiError::new(ErrorCode::AliasExistsException, crate::domain::attributes::alias_taken_message(kind))
}

/// Writes the mapped attributes into an existing federated user (when they changed).
async fn update<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    mut user: UserRecord,
    attributes: &[(String, String)],
) -> ApiResult<UserRecord> {
    for _ in 0..8 {
        if attributes.iter().all(|(n, v)| user.attribute(n) == Some(v.as_str())) {
            return Ok(user);
        }
        for (name, value) in attributes {
            user.set_attribute(name, value.clone());
        }
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user.clone(), aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(written) => return Ok(written),
            Err(StoreError::Conflict) => user = svc.store.get_user(pool.id(), &user.username_key).await?,
            Err(StoreError::AliasExists(kind)) => return Err(alias_conflict(&kind)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// Makes the provider's user at its first sign-in.
async fn create<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    username: &str,
    identity: Identity,
    attributes: Vec<(String, String)>,
) -> ApiResult<UserRecord> {
    let now = svc.clock.now_ms();
    let sub = ids::sub();
    let mut attrs: Vec<(String, String)> = attributes;
    attrs.push(("identities".into(), identities::render(&[identity])));
    let decision = pre_sign_up::run(
        svc,
        pool,
        pre_sign_up::Source::ExternalProvider,
        username,
        Some(client_id),
        &attrs,
        None,
        None,
    )
    .await?;
    decision.apply_verification(&mut attrs);
    let user = UserRecord {
        pool_id: pool.id().to_owned(),
        username_key: pool.username_key(username),
        username: username.to_owned(),
        sub: sub.clone(),
        status: "EXTERNAL_PROVIDER".into(),
        enabled: true,
        created_ms: now,
        modified_ms: now,
        attributes: std::iter::once(("sub".to_owned(), sub)).chain(attrs).collect(),
        ..Default::default()
    };
    let aliases = user_aliases(pool, &user);
    let user = match svc.store.insert_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
        Ok(user) => user,
        // Another instance made the same user a moment ago: sign in as it.
        Err(StoreError::UsernameExists) => svc.store.get_user(pool.id(), &pool.username_key(username)).await?,
        Err(StoreError::AliasExists(kind)) => return Err(alias_conflict(&kind)),
        Err(e) => return Err(e.into()),
    };
    post_confirmation::run(svc, pool, post_confirmation::Source::ConfirmSignUp, Some(client_id), &user, None).await?;
    Ok(user)
}

/// Puts the user in the provider's group, `{poolId}_{ProviderName}`, made on first need.
async fn join_group<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    provider: &IdentityProvider,
    user: &UserRecord,
) -> ApiResult<()> {
    let group = format!("{}_{}", pool.id(), provider.name());
    let request = CreateGroupRequest {
        group_name: group.clone(),
        user_pool_id: pool.id().to_owned(),
        description: None,
        role_arn: None,
        precedence: None,
    };
    match groups::create_group(svc, request).await {
        Ok(_) => {}
        Err(e) if e.code == ErrorCode::GroupExistsException => {}
        Err(e) => return Err(e),
    }
    svc.store.add_member(pool.id(), &group, &user.username_key).await?;
    Ok(())
}
