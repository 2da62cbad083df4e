//! The pool's identity providers: `CreateIdentityProvider`, `DescribeIdentityProvider`,
//! `UpdateIdentityProvider`, `DeleteIdentityProvider`, `ListIdentityProviders` and
//! `GetIdentityProviderByIdentifier`.
//!
//! A provider is a pool-owned resource (`store::resources`) keyed by its name, holding its
//! `IdpIdentifiers` as names unique in the pool (lowercased: the managed login routes an email
//! domain to its provider whatever its case), so two providers cannot claim one identifier
//! even through two instances. What each type's details must hold is [`details`].
//!
//! AWS's words where they are quoted: `DuplicateProviderException` "<name> already exists in
//! user pool <pool>" (CloudTrail event quoted in aws-cloudformation's coverage roadmap issue
//! 1287), "Provider <name> cannot be of type Google." for a social provider not named as its
//! type (aws/aws-cli issue 3179: "Name and type must have the same value").

pub mod details;

use cognito_idp::Empty;
use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::domain::attributes::Schema;
use crate::errors::{ApiError, ApiResult};
use crate::federation::saml::metadata as saml_metadata;
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Resource, Stored};
use crate::store::{Store, StoreError, UniqueName};

/// A provider as stored: the API's own `IdentityProviderType` (its details complete, the
/// hidden keys included).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdentityProvider(pub IdentityProviderType);

/// The scope of the identifiers' unique names.
const IDENTIFIER_SCOPE: &str = "idp_identifier";

impl Resource for IdentityProvider {
    const KIND: &'static str = "identity_provider";

    fn key(&self) -> String {
        self.0.provider_name.clone().unwrap_or_default()
    }

    fn unique_names(&self) -> Vec<UniqueName> {
        let mut names: Vec<UniqueName> = self
            .0
            .idp_identifiers
            .iter()
            .flatten()
            .map(|id| UniqueName::in_pool(IDENTIFIER_SCOPE, id.to_lowercase()))
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

impl IdentityProvider {
    /// The provider's name.
    pub fn name(&self) -> &str {
        self.0.provider_name.as_deref().unwrap_or_default()
    }

    /// Its type.
    pub fn kind(&self) -> IdentityProviderTypeType {
        self.0.provider_type.clone().unwrap_or(IdentityProviderTypeType::Oidc)
    }

    /// A detail (`client_id`, `oidc_issuer`, ...).
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.0.provider_details.as_ref().and_then(|d| d.get(key)).map(String::as_str)
    }

    /// The provider as the API answers it (hidden details left out).
    pub fn answered(&self) -> IdentityProviderType {
        let mut shown = self.0.clone();
        shown.provider_details = shown.provider_details.as_ref().map(details::shown);
        shown
    }
}

/// The most providers a `ListIdentityProviders` page holds (`MaxResults` is 0 to 60).
const MAX_RESULTS: usize = 60;

/// `ResourceNotFoundException` for a provider the pool does not have. (Wording ours, after
/// the clients' "The provider X does not exist for User Pool Y".)
pub fn not_found(name: &str, pool_id: &str) -> ApiError {
    ApiError::resource_not_found(format!("Identity provider {name} does not exist in user pool {pool_id}."))
}

/// The names no provider may take: `COGNITO` names the pool's own users everywhere a
/// provider name is accepted (`SupportedIdentityProviders`, `identity_provider=`), and
/// `Cognito` is the `ProviderName` of local users in `AdminLinkProviderForUser`.
fn check_name(name: &str, kind: &IdentityProviderTypeType) -> ApiResult<()> {
    if name.eq_ignore_ascii_case("cognito") {
        return Err(ApiError::invalid_parameter(format!("Provider name {name} is reserved.")));
    }
    let social = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"];
    if details::is_social(kind) && name != kind.as_str() {
        return Err(ApiError::invalid_parameter(format!("Provider {name} cannot be of type {}.", kind.as_str())));
    }
    if !details::is_social(kind) && social.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        return Err(ApiError::invalid_parameter(format!("Provider {name} cannot be of type {}.", kind.as_str())));
    }
    Ok(())
}

/// Identifiers are unique within a request too.
fn check_identifiers(identifiers: Option<&[String]>) -> ApiResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for id in identifiers.unwrap_or_default() {
        if !seen.insert(id.to_lowercase()) {
            return Err(ApiError::invalid_parameter(format!("Duplicate identifier {id} in IdpIdentifiers.")));
        }
    }
    Ok(())
}

fn identifier_taken(pool_id: &str) -> ApiError {
    // Wording ours; the code is the one the brief and the model's DuplicateProvider name.
    ApiError::new(
        ErrorCode::DuplicateProviderException,
        format!("An identifier in IdpIdentifiers is already used by another provider of user pool {pool_id}."),
    )
}

/// `CreateIdentityProvider`.
pub async fn create_identity_provider<S: Store>(
    svc: &Cognito<S>,
    input: CreateIdentityProviderRequest,
) -> ApiResult<CreateIdentityProviderResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_name(&input.provider_name, &input.provider_type)?;
    let mut provider_details = details::complete(&input.provider_type, &input.provider_details)?;
    if matches!(input.provider_type, IdentityProviderTypeType::Saml) {
        saml_metadata::complete(&mut provider_details, &input.provider_name, svc.clock.now_ms() / 1000).await?;
    }
    let schema = Schema::of(&pool.doc);
    let mapping = details::mapping(&input.provider_type, &schema, input.attribute_mapping.as_ref())?;
    check_identifiers(input.idp_identifiers.as_deref())?;
    let now = timestamp(svc.clock.now_ms());
    let provider = IdentityProviderType {
        user_pool_id: Some(pool.id().to_owned()),
        provider_name: Some(input.provider_name.clone()),
        provider_type: Some(input.provider_type.clone()),
        provider_details: Some(provider_details),
        attribute_mapping: Some(mapping),
        idp_identifiers: Some(input.idp_identifiers.clone().unwrap_or_default()),
        acr_mapping: input.acr_mapping.clone(),
        last_modified_date: Some(now),
        creation_date: Some(now),
    };
    match resources::create(&svc.store, pool.id(), IdentityProvider(provider)).await {
        Ok(stored) => Ok(CreateIdentityProviderResponse { identity_provider: stored.value.answered() }),
        Err(StoreError::ResourceExists) => Err(ApiError::new(
            ErrorCode::DuplicateProviderException,
            format!("{} already exists in user pool {}", input.provider_name, pool.id()),
        )),
        Err(StoreError::NameTaken(_)) => Err(identifier_taken(pool.id())),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// The provider `name` of the pool.
pub async fn get<S: Store>(svc: &Cognito<S>, pool_id: &str, name: &str) -> ApiResult<Stored<IdentityProvider>> {
    match resources::get::<S, IdentityProvider>(&svc.store, pool_id, name).await {
        Ok(stored) => Ok(stored),
        Err(StoreError::NotFound) => Err(not_found(name, pool_id)),
        Err(e) => Err(e.into()),
    }
}

/// The provider holding `identifier` in the pool, if any (case ignored).
pub async fn by_identifier<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    identifier: &str,
) -> ApiResult<Option<IdentityProvider>> {
    let name = UniqueName::in_pool(IDENTIFIER_SCOPE, identifier.to_lowercase());
    match resources::find::<S, IdentityProvider>(&svc.store, &name, pool_id).await {
        Ok(stored) => Ok(Some(stored.value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeIdentityProvider`.
pub async fn describe_identity_provider<S: Store>(
    svc: &Cognito<S>,
    input: DescribeIdentityProviderRequest,
) -> ApiResult<DescribeIdentityProviderResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let stored = get(svc, pool.id(), &input.provider_name).await?;
    Ok(DescribeIdentityProviderResponse { identity_provider: stored.value.answered() })
}

/// `GetIdentityProviderByIdentifier`.
pub async fn get_identity_provider_by_identifier<S: Store>(
    svc: &Cognito<S>,
    input: GetIdentityProviderByIdentifierRequest,
) -> ApiResult<GetIdentityProviderByIdentifierResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match by_identifier(svc, pool.id(), &input.idp_identifier).await? {
        Some(provider) => Ok(GetIdentityProviderByIdentifierResponse { identity_provider: provider.answered() }),
        None => Err(ApiError::resource_not_found(format!(
            "Identity provider with identifier {} does not exist in user pool {}.",
            input.idp_identifier,
            pool.id()
        ))),
    }
}

/// `UpdateIdentityProvider`: what is given replaces what was there (details are checked again
/// for the provider's type; Sign in with Apple's key is kept when not given again).
pub async fn update_identity_provider<S: Store>(
    svc: &Cognito<S>,
    input: UpdateIdentityProviderRequest,
) -> ApiResult<UpdateIdentityProviderResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let current = get(svc, pool.id(), &input.provider_name).await?;
    let kind = current.value.kind();
    let provider_details = match &input.provider_details {
        Some(given) => {
            let mut given = given.clone();
            for hidden in details::HIDDEN {
                if let (None, Some(kept)) = (given.get(hidden), current.value.detail(hidden)) {
                    given.insert(hidden.to_owned(), kept.to_owned());
                }
            }
            let mut completed = details::complete(&kind, &given)?;
            if matches!(kind, IdentityProviderTypeType::Saml) {
                saml_metadata::complete(&mut completed, &input.provider_name, svc.clock.now_ms() / 1000).await?;
            }
            Some(completed)
        }
        None => None,
    };
    let schema = Schema::of(&pool.doc);
    let mapping = match &input.attribute_mapping {
        Some(given) => Some(details::mapping(&kind, &schema, Some(given))?),
        None => None,
    };
    check_identifiers(input.idp_identifiers.as_deref())?;
    let now = timestamp(svc.clock.now_ms());
    let changed = resources::modify(&svc.store, pool.id(), &input.provider_name, |provider: &mut IdentityProvider| {
        if let Some(details) = &provider_details {
            provider.0.provider_details = Some(details.clone());
        }
        if let Some(mapping) = &mapping {
            provider.0.attribute_mapping = Some(mapping.clone());
        }
        if let Some(identifiers) = &input.idp_identifiers {
            provider.0.idp_identifiers = Some(identifiers.clone());
        }
        if let Some(acr) = &input.acr_mapping {
            provider.0.acr_mapping = Some(acr.clone());
        }
        provider.0.last_modified_date = Some(now);
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateIdentityProviderResponse { identity_provider: stored.value.answered() }),
        Err(StoreError::NotFound) => Err(not_found(&input.provider_name, pool.id())),
        Err(StoreError::NameTaken(_)) => Err(identifier_taken(pool.id())),
        Err(StoreError::Conflict) => Err(ApiError::new(
            ErrorCode::ConcurrentModificationException,
            "The identity provider was changed by another request; try again.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `DeleteIdentityProvider`.
pub async fn delete_identity_provider<S: Store>(
    svc: &Cognito<S>,
    input: DeleteIdentityProviderRequest,
) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::delete::<S, IdentityProvider>(&svc.store, pool.id(), &input.provider_name).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(not_found(&input.provider_name, pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `ListIdentityProviders`: creation order, `MaxResults` (1 to 60; 60 when absent or 0) at a
/// time, continued by a token any instance reads.
pub async fn list_identity_providers<S: Store>(
    svc: &Cognito<S>,
    input: ListIdentityProvidersRequest,
) -> ApiResult<ListIdentityProvidersResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let limit = input.max_results.filter(|n| *n > 0).map_or(MAX_RESULTS, |n| (n as usize).min(MAX_RESULTS));
    let after = decode_token(input.next_token.as_deref())?;
    let page = resources::list::<S, IdentityProvider>(&svc.store, pool.id(), after, limit).await?;
    Ok(ListIdentityProvidersResponse {
        providers: page
            .items
            .into_iter()
            .map(|p| ProviderDescription {
                provider_name: p.value.0.provider_name,
                provider_type: p.value.0.provider_type,
                last_modified_date: p.value.0.last_modified_date,
                creation_date: p.value.0.creation_date,
            })
            .collect(),
        next_token: page.next.map(encode_token),
    })
}

/// Every provider of the pool, in creation order (for the sign-in page's buttons and the
/// checks of app clients' `SupportedIdentityProviders`).
pub async fn all<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<IdentityProvider>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, IdentityProvider>(&svc.store, pool_id, after, MAX_RESULTS).await?;
        all.extend(page.items.into_iter().map(|p| p.value));
        match page.next {
            Some(next) => after = next,
            None => return Ok(all),
        }
    }
}

/// Checks an app client's `SupportedIdentityProviders`: each is `COGNITO` or a provider of the
/// pool. AWS's words are quoted in lgallard/terraform-aws-cognito-user-pool pull request 72
/// ("InvalidParameterException: The provider XXXXXX does not exist for User Pool YYYYYY").
pub async fn check_supported<S: Store>(svc: &Cognito<S>, pool_id: &str, names: Option<&[String]>) -> ApiResult<()> {
    for name in names.unwrap_or_default() {
        if name == "COGNITO" {
            continue;
        }
        match resources::get::<S, IdentityProvider>(&svc.store, pool_id, name).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(ApiError::invalid_parameter(format!(
                    "The provider {name} does not exist for User Pool {pool_id}"
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
