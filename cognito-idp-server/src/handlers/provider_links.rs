//! Linking provider identities to existing users: `AdminLinkProviderForUser` and
//! `AdminDisableProviderForUser`.
//!
//! A link is a pool-owned resource keyed by the source identity (`{provider}`,
//! `{attribute}`, `{value}`; the attribute is `Cognito_Subject` or a user pool attribute the
//! provider's mapping fills), holding the destination user's `sub`. A federated sign-in looks
//! its identity up by these keys (`crate::federation::users`) and signs in as the destination
//! user; the destination's `identities` attribute lists the linked identity, as AWS's
//! `AdminGetUser` example shows it.
//!
//! AWS's rules, from the API reference and the refusals quoted in issues:
//! - the source must be a provider identity: "Invalid SourceUser: Cognito users with a
//!   username/password may not be passed in as a SourceUser, only as a DestinationUser"
//!   (aws-amplify/amplify-js issue 13334, boto/boto3 issue 4163);
//! - an identity that already signed in (a federated user exists for it) cannot be linked:
//!   "Merging is not currently supported, provide a SourceUser that has not been signed up in
//!   order to link" (aws/aws-sdk-net issue 1000);
//! - social providers name their subject `Cognito_Subject`;
//! - a user has at most five linked identities (`LimitExceededException`);
//! - the destination is a local user named by its username (`ProviderName` `Cognito`), or a
//!   federated user (`ProviderName` its provider, the value its subject).
//!
//! `DeleteIdentityProvider` is routed here ([`delete_identity_provider`]) so that a provider's
//! links go with it.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::domain::identities::{self, Identity};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::identity_providers::{self, IdentityProvider, details};
use crate::handlers::shared::{find_admin_user, load_pool, user_aliases};
use crate::state::{Cognito, Pool};
use crate::store::resources::{self, Resource};
use crate::store::{AliasConflict, Store, StoreError, UserRecord};

/// The attribute name that stands for a provider's own subject.
pub const SUBJECT: &str = "Cognito_Subject";

/// The most identities linked to one user ("The maximum number of federated identities linked
/// to a user is five", the API reference).
const MAX_LINKS: usize = 5;

/// A link from a provider identity to a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    /// The provider's name.
    pub provider_name: String,
    /// `Cognito_Subject` or the user pool attribute the identity is matched by.
    pub attribute_name: String,
    /// The subject or the attribute's value.
    pub attribute_value: String,
    /// The destination user's `sub`.
    pub destination_sub: String,
    /// When it was made (milliseconds since the epoch).
    pub created_ms: i64,
}

impl Resource for Link {
    const KIND: &'static str = "provider_link";

    fn key(&self) -> String {
        link_key(&self.provider_name, &self.attribute_name, &self.attribute_value)
    }
}

/// The key of the link of an identity.
pub fn link_key(provider: &str, attribute: &str, value: &str) -> String {
    format!("{provider}\n{attribute}\n{value}")
}

/// The link of an identity, if any.
pub async fn find<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    provider: &str,
    attribute: &str,
    value: &str,
) -> ApiResult<Option<Link>> {
    match resources::get::<S, Link>(&svc.store, pool_id, &link_key(provider, attribute, value)).await {
        Ok(stored) => Ok(Some(stored.value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The username a provider's user gets in the pool: `{ProviderName}_{subject}`, lowercased in
/// pools that ignore case (the `cognito:username` of a Google user of such a pool is
/// `google_1026...`, in the decoded token quoted in `domain::identities`; aws-amplify/amplify-js
/// issue 13844, "userName for new user via federatedSignIn() is all lowercase", confirmed as
/// AWS's behaviour).
pub fn federated_username(pool: &Pool, provider: &str, subject: &str) -> String {
    let username = format!("{provider}_{subject}");
    if pool.case_insensitive() { username.to_lowercase() } else { username }
}

fn field<'a>(user: &'a ProviderUserIdentifierType, name: &str) -> ApiResult<&'a str> {
    let value = match name {
        "ProviderName" => user.provider_name.as_deref(),
        "ProviderAttributeName" => user.provider_attribute_name.as_deref(),
        _ => user.provider_attribute_value.as_deref(),
    };
    value.filter(|v| !v.is_empty()).ok_or_else(|| ApiError::invalid_parameter(format!("{name} is required.")))
}

async fn provider<S: Store>(svc: &Cognito<S>, pool: &Pool, name: &str) -> ApiResult<IdentityProvider> {
    match identity_providers::get(svc, pool.id(), name).await {
        Ok(stored) => Ok(stored.value),
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => {
            Err(ApiError::invalid_parameter(format!("The provider {name} does not exist for User Pool {}", pool.id())))
        }
        Err(e) => Err(e),
    }
}

/// The destination user: a local user by username (`Cognito`), or a provider's user by its
/// subject.
async fn destination<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &ProviderUserIdentifierType,
) -> ApiResult<UserRecord> {
    let name = field(user, "ProviderName")?;
    let value = field(user, "ProviderAttributeValue")?;
    if name.eq_ignore_ascii_case("cognito") {
        return find_admin_user(svc, pool, value).await;
    }
    let provider = provider(svc, pool, name).await?;
    let username = federated_username(pool, provider.name(), value);
    match svc.store.get_user(pool.id(), &pool.username_key(&username)).await {
        Ok(user) => Ok(user),
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Writes `change` into the user, again from a fresh read when another write came first.
async fn change_user<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    mut user: UserRecord,
    change: impl Fn(&mut UserRecord),
) -> ApiResult<UserRecord> {
    for _ in 0..8 {
        change(&mut user);
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user.clone(), aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(written) => return Ok(written),
            Err(StoreError::Conflict) => {
                user = match svc.store.get_user(pool.id(), &user.username_key).await {
                    Ok(fresh) => fresh,
                    Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
                    Err(e) => return Err(e.into()),
                };
            }
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(_)) => {
                return Err(ApiError::new(
                    ErrorCode::AliasExistsException,
                    "An account with the given email already exists.",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `AdminLinkProviderForUser`.
pub async fn admin_link_provider_for_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminLinkProviderForUserRequest,
) -> ApiResult<AdminLinkProviderForUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let source_name = field(&input.source_user, "ProviderName")?;
    if source_name.eq_ignore_ascii_case("cognito") {
        return Err(ApiError::invalid_parameter(
            "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser",
        ));
    }
    let attribute = field(&input.source_user, "ProviderAttributeName")?;
    let value = field(&input.source_user, "ProviderAttributeValue")?;
    let source = provider(svc, &pool, source_name).await?;
    if details::is_social(&source.kind()) && attribute != SUBJECT {
        return Err(ApiError::invalid_parameter(format!(
            "ProviderAttributeName must be {SUBJECT} for a {} source user.",
            source.kind().as_str()
        )));
    }
    let target = destination(svc, &pool, &input.destination_user).await?;
    // An identity that signed in already has a user of its own.
    if attribute == SUBJECT {
        let own = federated_username(&pool, source.name(), value);
        match svc.store.get_user(pool.id(), &pool.username_key(&own)).await {
            Ok(_) => {
                return Err(ApiError::invalid_parameter(
                    "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link",
                ));
            }
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(existing) = find(svc, pool.id(), source.name(), attribute, value).await? {
        if existing.destination_sub == target.sub {
            return Ok(AdminLinkProviderForUserResponse::default());
        }
        return Err(ApiError::new(
            ErrorCode::AliasExistsException,
            "The SourceUser is already linked to another user of the user pool.",
        ));
    }
    let linked = identities::parse(target.attribute("identities"));
    if linked.iter().filter(|i| !i.primary).count() >= MAX_LINKS {
        return Err(ApiError::new(
            ErrorCode::LimitExceededException,
            format!("A user can have at most {MAX_LINKS} linked identities."),
        ));
    }
    let now = svc.clock.now_ms();
    let link = Link {
        provider_name: source.name().to_owned(),
        attribute_name: attribute.to_owned(),
        attribute_value: value.to_owned(),
        destination_sub: target.sub.clone(),
        created_ms: now,
    };
    match resources::create(&svc.store, pool.id(), link.clone()).await {
        Ok(_) => {}
        Err(StoreError::ResourceExists) => {
            return Err(ApiError::new(
                ErrorCode::AliasExistsException,
                "The SourceUser is already linked to another user of the user pool.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    // A DeleteIdentityProvider that ran meanwhile may have swept the links before this one
    // was written: the provider must still be there, or the link goes too.
    if let Err(e) = provider(svc, &pool, source.name()).await {
        if let Err(removal) = resources::delete::<S, Link>(&svc.store, pool.id(), &link.key()).await
            && removal != StoreError::NotFound
        {
            return Err(removal.into());
        }
        return Err(e);
    }
    let identity = Identity {
        user_id: value.to_owned(),
        provider_name: source.name().to_owned(),
        provider_type: source.kind().as_str().to_owned(),
        issuer: None,
        primary: false,
        date_created: now,
    };
    change_user(svc, &pool, target, |user| {
        let mut list = identities::parse(user.attribute("identities"));
        list.retain(|i| !(i.provider_name == identity.provider_name && i.user_id == identity.user_id));
        list.push(identity.clone());
        user.set_attribute("identities", identities::render(&list));
    })
    .await?;
    Ok(AdminLinkProviderForUserResponse::default())
}

/// `AdminDisableProviderForUser`: the identity's link is removed (its next sign-in makes a user
/// of its own), or, for a provider's own user, the identity is marked so that it no longer
/// signs in.
pub async fn admin_disable_provider_for_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminDisableProviderForUserRequest,
) -> ApiResult<AdminDisableProviderForUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let name = field(&input.user, "ProviderName")?;
    let attribute = field(&input.user, "ProviderAttributeName")?;
    let value = field(&input.user, "ProviderAttributeValue")?;
    if name.eq_ignore_ascii_case("cognito") {
        // A local user's own sign-in cannot be removed here (its password stays); AWS's
        // documented case is the provider identities.
        return Err(ApiError::invalid_parameter("ProviderName must name an identity provider of the user pool."));
    }
    let source = provider(svc, &pool, name).await?;
    if let Some(link) = find(svc, pool.id(), source.name(), attribute, value).await? {
        unlink(svc, &pool, &link).await?;
        return Ok(AdminDisableProviderForUserResponse::default());
    }
    if attribute != SUBJECT {
        return Err(ApiError::user_not_found());
    }
    let own = federated_username(&pool, source.name(), value);
    let user = match svc.store.get_user(pool.id(), &pool.username_key(&own)).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
        Err(e) => return Err(e.into()),
    };
    change_user(svc, &pool, user, |user| {
        user.extra.insert(DISABLED_KEY.to_owned(), serde_json::Value::Bool(true));
    })
    .await?;
    Ok(AdminDisableProviderForUserResponse::default())
}

/// Where a provider's own user is marked as no longer signing in through its provider.
pub const DISABLED_KEY: &str = "federation_disabled";

/// Removes `link`, and the identity it added from its destination user's `identities`.
async fn unlink<S: Store>(svc: &Cognito<S>, pool: &Pool, link: &Link) -> ApiResult<()> {
    match resources::delete::<S, Link>(&svc.store, pool.id(), &link.key()).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let user = match svc.store.get_user_by_sub(pool.id(), &link.destination_sub).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let result = change_user(svc, pool, user, |user| {
        let mut list = identities::parse(user.attribute("identities"));
        list.retain(|i| !(i.provider_name == link.provider_name && i.user_id == link.attribute_value));
        if list.is_empty() {
            user.remove_attribute("identities");
        } else {
            user.set_attribute("identities", identities::render(&list));
        }
    })
    .await;
    match result {
        // Deleted meanwhile: nothing left to change.
        Err(e) if e.code == ErrorCode::UserNotFoundException => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `DeleteIdentityProvider`: the provider, then every link made to it.
///
/// What AWS documents of a deleted provider is only that "users can no longer sign in to your
/// user pool through that IdP" (the API reference of `DeleteIdentityProvider`); nothing there
/// or in the developer guide ("Linking federated users to an existing user profile", "Adding
/// groups to a user pool") says that deleting it deletes users, groups or links, or that
/// links or users stop it (the model's errors name no such refusal). So:
/// - the provider's users (`{Provider}_{subject}`, `EXTERNAL_PROVIDER`) stay, as every user
///   does until deleted, and so does the group `{poolId}_{Provider}` Cognito made for the
///   provider: it is an ordinary group of the pool by then, with those users as members, that
///   tokens name and an administrator may have given a role;
/// - its links (`AdminLinkProviderForUser`) are removed, with the identities they added to
///   their destination users, as `AdminDisableProviderForUser` removes one: a later provider
///   of the same name is another provider, whose identities must not sign in as users linked
///   to the old one's;
/// - `UnsupportedIdentityProviderException`, which the model lists for this operation
///   ("thrown when the specified identifier isn't supported"), answers the one name that can
///   never be a provider of the pool: `COGNITO`, the pool's own directory (our reading).
pub async fn delete_identity_provider<S: Store>(
    svc: &Cognito<S>,
    input: DeleteIdentityProviderRequest,
) -> ApiResult<cognito_idp::Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    if input.provider_name.eq_ignore_ascii_case("cognito") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedIdentityProviderException,
            format!("{} is the user pool's own directory, not an identity provider.", input.provider_name),
        ));
    }
    let name = input.provider_name.clone();
    let answer = identity_providers::delete_identity_provider(svc, input).await?;
    forget_links(svc, &pool, &name).await?;
    Ok(answer)
}

/// Removes every link to the provider `name` (deleted).
async fn forget_links<S: Store>(svc: &Cognito<S>, pool: &Pool, name: &str) -> ApiResult<()> {
    let mut links = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, Link>(&svc.store, pool.id(), after, 100).await?;
        links.extend(page.items.into_iter().map(|l| l.value).filter(|l| l.provider_name == name));
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    for link in &links {
        unlink(svc, pool, link).await?;
    }
    Ok(())
}
