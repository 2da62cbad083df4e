//! User pool domains: `CreateUserPoolDomain`, `DescribeUserPoolDomain`, `UpdateUserPoolDomain`,
//! `DeleteUserPoolDomain`, and the `Domain` / `CustomDomain` of `DescribeUserPool`.
//!
//! A domain is a pool-owned resource (`store::resources`) keyed by its name, which it holds
//! across the whole server (a prefix is unique in its region: "Domain already associated with
//! another user pool."), and a pool holds at most one domain of each kind (a per-pool name
//! `domain_kind` of `prefix` or `custom`), so racing creations through several instances have
//! one winner.
//!
//! Custom domains (`auth.example.com` with a `CustomDomainConfig`) come through the same
//! `Domain` member. The model's `DomainType` pattern (`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)
//! has no dots, and AWS does not enforce it (its CLI reference creates custom domains this way),
//! so `schemas/service.json` lists it under `notEnforced` and this module checks prefixes
//! itself, with AWS's words.

use cognito_idp::types::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError, UniqueName};

/// A domain as stored: the `DomainDescriptionType` `DescribeUserPoolDomain` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Domain(pub DomainDescriptionType);

impl Domain {
    fn name(&self) -> &str {
        self.0.domain.as_deref().unwrap_or_default()
    }

    /// A custom domain (a host name of the pool's owner) rather than a prefix of AWS's.
    pub fn is_custom(&self) -> bool {
        self.name().contains('.')
    }
}

impl Resource for Domain {
    const KIND: &'static str = "domain";

    fn key(&self) -> String {
        self.name().to_owned()
    }

    fn unique_names(&self) -> Vec<UniqueName> {
        vec![
            UniqueName::server_wide("domain", self.name()),
            UniqueName::in_pool("domain_kind", if self.is_custom() { "custom" } else { "prefix" }),
        ]
    }
}

/// What a prefix may not contain: "Domain cannot contain reserved word: aws" (CloudTrail's
/// record of the answer in aws-solutions/content-analysis-on-aws issue 8; `cognito` in
/// aws-amplify/amplify-cli issue 3854; awslabs/nx-plugin-for-aws pull 693 lists all three).
const RESERVED: [&str; 3] = ["aws", "amazon", "cognito"];

/// The managed login versions: 1 (the classic hosted UI) and 2 (managed login).
fn check_version(version: Option<i32>) -> ApiResult<()> {
    match version {
        None | Some(1) | Some(2) => Ok(()),
        // The wording is ours: no AWS answer was found quoted.
        Some(other) => Err(ApiError::invalid_parameter(format!(
            "ManagedLoginVersion {other} is not supported; use 1 (hosted UI) or 2 (managed login)."
        ))),
    }
}

/// A prefix: AWS's pattern (its answer quoted in mineiros-io/terraform-aws-cognito-user-pool
/// issue 69), then the reserved words.
fn check_prefix(prefix: &str) -> ApiResult<()> {
    let valid = !prefix.is_empty()
        && prefix.len() <= 63
        && prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !prefix.starts_with('-')
        && !prefix.ends_with('-');
    if !valid {
        return Err(ApiError::invalid_parameter(
            "The domain name contains an invalid character. Domain names can only contain lower-case letters, \
             numbers, and hyphens. Please enter a different name that follows this format: \
             ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$",
        ));
    }
    match RESERVED.iter().find(|word| prefix.contains(*word)) {
        Some(word) => Err(ApiError::invalid_parameter(format!("Domain cannot contain reserved word: {word}"))),
        None => Ok(()),
    }
}

/// A CloudFront host shaped as AWS's (`d111111abcdef8.cloudfront.net`), the same for the same
/// domain on every instance.
fn cloudfront_host(domain: &str) -> String {
    let digest = Sha256::digest(domain.as_bytes());
    let hex: String = digest.iter().take(7).map(|b| format!("{b:02x}")).collect();
    format!("d{}.cloudfront.net", &hex[..13])
}

/// `Version` as AWS shows it: the creation time, `yyyyMMddHHmmss` (the AWS CLI's
/// `describe-user-pool-domain` example shows `20190128175402`).
fn version_stamp(now_ms: i64) -> String {
    // The RFC 3339 form the runtime writes (`2019-01-28T17:54:02Z`), digits only.
    let rfc3339 = awsjson_types::Timestamp::from_secs(now_ms.div_euclid(1000)).to_string();
    rfc3339.chars().take(19).filter(char::is_ascii_digit).collect()
}

/// `CreateUserPoolDomain`.
pub async fn create_user_pool_domain<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolDomainRequest,
) -> ApiResult<CreateUserPoolDomainResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_version(input.managed_login_version)?;
    let custom = input.domain.contains('.');
    if custom {
        let label_ok =
            |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !input.domain.split('.').all(label_ok) {
            // The wording is ours: a custom domain is a lowercase host name.
            return Err(ApiError::invalid_parameter(format!("{} is not a valid custom domain.", input.domain)));
        }
        if input.custom_domain_config.is_none() {
            // The wording is ours; AWS requires the certificate for a custom domain.
            return Err(ApiError::invalid_parameter("CustomDomainConfig is required for a custom domain."));
        }
    } else {
        check_prefix(&input.domain)?;
    }
    let cloudfront = cloudfront_host(&input.domain);
    let version = input.managed_login_version.unwrap_or(1);
    let domain = Domain(DomainDescriptionType {
        user_pool_id: Some(pool.id().to_owned()),
        aws_account_id: Some(svc.settings.account_id.clone()),
        domain: Some(input.domain.clone()),
        s3_bucket: Some(format!("aws-cognito-prod-{}-assets", svc.settings.region)),
        cloud_front_distribution: Some(cloudfront.clone()),
        version: Some(version_stamp(svc.clock.now_ms())),
        status: Some(DomainStatusType::Active),
        custom_domain_config: Some(input.custom_domain_config.unwrap_or_default()),
        managed_login_version: Some(version),
        routing: input.routing,
    });
    match resources::create(&svc.store, pool.id(), domain).await {
        // A prefix domain's answer has no CloudFrontDomain (aws/aws-sdk-net issue 1591).
        Ok(_) => Ok(CreateUserPoolDomainResponse {
            managed_login_version: Some(version),
            cloud_front_domain: custom.then_some(cloudfront),
            routing: None,
        }),
        Err(StoreError::NameTaken(scope)) if scope == "domain" => {
            // aws-samples/websocket-chat-application issue 56 and many others quote it.
            Err(ApiError::invalid_parameter("Domain already associated with another user pool."))
        }
        // The pool has a domain of this kind already (a prefix, or a custom domain). The
        // wording is ours: no AWS answer was found quoted.
        Err(StoreError::NameTaken(_) | StoreError::ResourceExists) => Err(ApiError::invalid_parameter(format!(
            "User pool {} already has a {} domain configured.",
            pool.id(),
            if custom { "custom" } else { "prefix" }
        ))),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeUserPoolDomain`: an unknown domain is no error but an empty description,
/// `{"DomainDescription": {}}` (hashicorp/terraform-provider-aws checks for exactly that).
pub async fn describe_user_pool_domain<S: Store>(
    svc: &Cognito<S>,
    input: DescribeUserPoolDomainRequest,
) -> ApiResult<DescribeUserPoolDomainResponse> {
    let name = UniqueName::server_wide("domain", &input.domain);
    match resources::find::<S, Domain>(&svc.store, &name, "").await {
        Ok(stored) => Ok(DescribeUserPoolDomainResponse { domain_description: Some(stored.value.0) }),
        Err(StoreError::NotFound) => {
            Ok(DescribeUserPoolDomainResponse { domain_description: Some(Default::default()) })
        }
        Err(e) => Err(e.into()),
    }
}

/// `ResourceNotFoundException` for a domain the pool does not have. (Wording ours.)
fn domain_not_found(domain: &str) -> ApiError {
    ApiError::resource_not_found(format!("Domain {domain} does not exist in the user pool."))
}

/// `UpdateUserPoolDomain`: the managed login version (left out: unchanged) and a custom
/// domain's certificate.
pub async fn update_user_pool_domain<S: Store>(
    svc: &Cognito<S>,
    input: UpdateUserPoolDomainRequest,
) -> ApiResult<UpdateUserPoolDomainResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_version(input.managed_login_version)?;
    let changed = resources::modify(&svc.store, pool.id(), &input.domain, |domain: &mut Domain| {
        if let Some(version) = input.managed_login_version {
            domain.0.managed_login_version = Some(version);
        }
        if domain.is_custom()
            && let Some(config) = &input.custom_domain_config
        {
            domain.0.custom_domain_config = Some(config.clone());
        }
        if input.routing.is_some() {
            domain.0.routing = input.routing.clone();
        }
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateUserPoolDomainResponse {
            managed_login_version: stored.value.0.managed_login_version,
            cloud_front_domain: stored.value.is_custom().then(|| cloudfront_host(&input.domain)),
            routing: None,
        }),
        Err(StoreError::NotFound) => Err(domain_not_found(&input.domain)),
        Err(StoreError::Conflict) => Err(ApiError::too_busy()),
        Err(e) => Err(e.into()),
    }
}

/// `DeleteUserPoolDomain`.
pub async fn delete_user_pool_domain<S: Store>(
    svc: &Cognito<S>,
    input: DeleteUserPoolDomainRequest,
) -> ApiResult<DeleteUserPoolDomainResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match resources::delete::<S, Domain>(&svc.store, pool.id(), &input.domain).await {
        Ok(()) => Ok(DeleteUserPoolDomainResponse::default()),
        Err(StoreError::NotFound) => Err(domain_not_found(&input.domain)),
        Err(e) => Err(e.into()),
    }
}

/// The pool's prefix domain and custom domain, for `DescribeUserPool`.
pub async fn of_pool<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<(Option<String>, Option<String>)> {
    let page = resources::list::<S, Domain>(&svc.store, pool_id, 0, 2).await?;
    let (mut prefix, mut custom) = (None, None);
    for domain in page.items {
        let slot = if domain.value.is_custom() { &mut custom } else { &mut prefix };
        *slot = Some(domain.value.name().to_owned());
    }
    Ok((prefix, custom))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_as_aws_writes_them() {
        assert_eq!(version_stamp(1_548_698_042_000), "20190128175402");
        assert_eq!(version_stamp(0), "19700101000000");
        assert_eq!(version_stamp(951_782_400_000), "20000229000000");
    }

    #[test]
    fn prefixes_follow_aws_rules() {
        assert!(check_prefix("my-app-1").is_ok());
        for bad in ["", "-x", "x-", "My", "a_b", &"a".repeat(64)] {
            assert!(check_prefix(bad).unwrap_err().message.contains("invalid character"), "{bad}");
        }
        assert_eq!(check_prefix("myawsapp").unwrap_err().message, "Domain cannot contain reserved word: aws");
        assert_eq!(check_prefix("cognito-x").unwrap_err().message, "Domain cannot contain reserved word: cognito");
        assert!(cloudfront_host("x").ends_with(".cloudfront.net") && cloudfront_host("x").len() == 29);
    }
}
