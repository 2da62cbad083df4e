//! User pools: create, describe, update, delete, list, custom attributes.
//!
//! A pool is stored as its `UserPoolType` document, without the two members computed when it is
//! read: `EstimatedNumberOfUsers` (counted) and `UserPoolTags` (the tags of its ARN, which
//! `TagResource` changes too). The deprecated `Status` is left out, as real `DescribeUserPool`
//! answers leave it out (the AWS CLI's `describe-user-pool` example, moto issue 5965).

pub mod schema;

use std::collections::BTreeMap;

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::clock::timestamp;
use crate::domain::{ids, password};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{Pool, RETRIES, decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::{PoolRecord, Store, StoreError};

/// `CreateUserPool`.
pub async fn create_user_pool<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolRequest,
) -> ApiResult<CreateUserPoolResponse> {
    create_user_pool_with_id(svc, input, None).await
}

/// `CreateUserPool` with a chosen id instead of a random one (the seed file's fixed ids), with
/// the same checks and defaults. A taken id is an error naming it (the seed looks first).
pub async fn create_user_pool_with_id<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolRequest,
    fixed_id: Option<String>,
) -> ApiResult<CreateUserPoolResponse> {
    if input.alias_attributes.as_ref().is_some_and(|a| !a.is_empty())
        && input.username_attributes.as_ref().is_some_and(|a| !a.is_empty())
    {
        // AWS's wording, quoted in "Serverless Programming Cookbook" (AliasAttributes versus
        // UsernameAttributes) and by other emulators.
        return Err(ApiError::invalid_parameter(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
        ));
    }
    let schema = schema::for_new_pool(input.schema.as_deref().unwrap_or_default())?;
    let settings = input.user_attribute_update_settings.unwrap_or_else(default_update_settings);
    check_update_settings(&settings, input.auto_verified_attributes.as_deref())?;
    let now = timestamp(svc.clock.now_ms());
    let tier = input.user_pool_tier.unwrap_or_else(|| super::risk::default_plan(input.user_pool_add_ons.as_ref()));
    let mut doc = UserPoolType {
        name: Some(input.pool_name),
        policies: Some(policies(input.policies)),
        deletion_protection: Some(input.deletion_protection.unwrap_or(DeletionProtectionType::Inactive)),
        lambda_config: Some(input.lambda_config.unwrap_or_default()),
        last_modified_date: Some(now),
        creation_date: Some(now),
        schema_attributes: Some(schema),
        auto_verified_attributes: input.auto_verified_attributes,
        alias_attributes: input.alias_attributes.filter(|a| !a.is_empty()),
        username_attributes: input.username_attributes.filter(|a| !a.is_empty()),
        sms_verification_message: input.sms_verification_message,
        email_verification_message: input.email_verification_message,
        email_verification_subject: input.email_verification_subject,
        verification_message_template: Some(input.verification_message_template.unwrap_or_else(default_template)),
        sms_authentication_message: input.sms_authentication_message,
        user_attribute_update_settings: Some(settings),
        mfa_configuration: Some(input.mfa_configuration.unwrap_or_else(|| UserPoolMfaType::from("OFF"))),
        device_configuration: input.device_configuration,
        email_configuration: Some(input.email_configuration.unwrap_or_else(default_email)),
        sms_configuration: input.sms_configuration,
        admin_create_user_config: Some(admin_create_user_config(input.admin_create_user_config)),
        user_pool_add_ons: input.user_pool_add_ons,
        dcr_configuration: input.dcr_configuration,
        username_configuration: input.username_configuration,
        account_recovery_setting: input.account_recovery_setting,
        user_pool_tier: Some(tier),
        key_configuration: input.key_configuration,
        issuer_configuration: input.issuer_configuration,
        acr_configuration: input.acr_configuration,
        ..Default::default()
    };
    super::risk::check_plan(doc.user_pool_tier.as_ref(), doc.user_pool_add_ons.as_ref())?;
    mirror_messages(&mut doc);
    // Ids are random: a clash with an existing pool (a constraint of the store) picks another.
    let mut stored = None;
    for _ in 0..RETRIES {
        let id = fixed_id.clone().unwrap_or_else(|| ids::pool_id(&svc.settings.region));
        doc.id = Some(id.clone());
        doc.arn = Some(ids::pool_arn(&svc.settings.region, &svc.settings.account_id, &id));
        match svc.store.insert_pool(PoolRecord { seq: 0, id, version: 0, doc: to_json(&doc)? }).await {
            Ok(record) => {
                stored = Some(record);
                break;
            }
            Err(StoreError::Conflict) if fixed_id.is_none() => continue,
            Err(StoreError::Conflict) => return Err(ApiError::internal("the fixed user pool id is taken")),
            Err(e) => return Err(e.into()),
        }
    }
    if stored.is_none() {
        return Err(ApiError::internal("no free user pool id was found"));
    }
    let tags = input.user_pool_tags.unwrap_or_default();
    if !tags.is_empty() {
        let arn = doc.arn.clone().unwrap_or_default();
        svc.store.tag(&arn, tags.clone().into_iter().collect()).await?;
    }
    doc.estimated_number_of_users = Some(0);
    doc.user_pool_tags = Some(tags);
    Ok(CreateUserPoolResponse { user_pool: Some(doc) })
}

/// `DescribeUserPool`.
pub async fn describe_user_pool<S: Store>(
    svc: &Cognito<S>,
    input: DescribeUserPoolRequest,
) -> ApiResult<DescribeUserPoolResponse> {
    let pool = Pool::clone(&*load_pool(svc, &input.user_pool_id).await?);
    Ok(DescribeUserPoolResponse { user_pool: Some(view(svc, pool).await?) })
}

/// `UpdateUserPool`. As AWS documents, every setting the request leaves out goes back to its
/// default (the AWS CLI's `update-user-pool` example says so for Lambda triggers and email
/// settings). What the API cannot change (name unless given, schema, sign-in attributes, case
/// sensitivity) stays. `UserAttributeUpdateSettings` left out keeps its value: a real pool
/// updated with only `DeletionProtection` still checks it against the reset
/// `AutoVerifiedAttributes` (aws-nuke issue 477 quotes the refusal).
pub async fn update_user_pool<S: Store>(
    svc: &Cognito<S>,
    input: UpdateUserPoolRequest,
) -> ApiResult<UpdateUserPoolResponse> {
    refuse_during_import(svc, &input.user_pool_id).await?;
    for _ in 0..RETRIES {
        let pool = Pool::clone(&*load_pool(svc, &input.user_pool_id).await?);
        let old = pool.doc;
        let settings = input
            .user_attribute_update_settings
            .clone()
            .or(old.user_attribute_update_settings.clone())
            .unwrap_or_else(default_update_settings);
        check_update_settings(&settings, input.auto_verified_attributes.as_deref())?;
        let old_tier = old.user_pool_tier.clone();
        let input = input.clone();
        let mut doc = UserPoolType {
            name: input.pool_name.or(old.name),
            policies: Some(policies(input.policies)),
            deletion_protection: Some(input.deletion_protection.unwrap_or(DeletionProtectionType::Inactive)),
            lambda_config: Some(input.lambda_config.unwrap_or_default()),
            last_modified_date: Some(timestamp(svc.clock.now_ms())),
            auto_verified_attributes: input.auto_verified_attributes,
            sms_verification_message: input.sms_verification_message,
            email_verification_message: input.email_verification_message,
            email_verification_subject: input.email_verification_subject,
            verification_message_template: Some(input.verification_message_template.unwrap_or_else(default_template)),
            sms_authentication_message: input.sms_authentication_message,
            user_attribute_update_settings: Some(settings),
            mfa_configuration: Some(input.mfa_configuration.unwrap_or_else(|| UserPoolMfaType::from("OFF"))),
            device_configuration: input.device_configuration,
            email_configuration: Some(input.email_configuration.unwrap_or_else(default_email)),
            sms_configuration: input.sms_configuration,
            admin_create_user_config: Some(admin_create_user_config(input.admin_create_user_config)),
            user_pool_add_ons: input.user_pool_add_ons,
            dcr_configuration: input.dcr_configuration,
            account_recovery_setting: input.account_recovery_setting,
            // The feature plan is billing, not a setting: it changes only when given.
            user_pool_tier: input.user_pool_tier.or(old.user_pool_tier),
            key_configuration: input.key_configuration,
            issuer_configuration: input.issuer_configuration,
            acr_configuration: input.acr_configuration,
            ..old
        };
        super::risk::check_plan_change(old_tier.as_ref(), doc.user_pool_tier.as_ref(), doc.user_pool_add_ons.as_ref())?;
        mirror_messages(&mut doc);
        let mut json = to_json(&doc)?;
        super::mfa::config::carry_over(&pool.record.doc, &mut json);
        let record = PoolRecord { doc: json, ..pool.record };
        match svc.store.update_pool(record).await {
            Ok(_) => {}
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(&input.user_pool_id)),
            Err(e) => return Err(e.into()),
        }
        // The API's tags field replaces the pool's tags when given (and leaves them otherwise:
        // tags belong to the ARN, which TagResource manages too).
        if let Some(tags) = input.user_pool_tags {
            let arn = doc.arn.clone().unwrap_or_default();
            let old: Vec<String> = svc.store.tags(&arn).await?.into_iter().map(|(k, _)| k).collect();
            let gone: Vec<String> = old.into_iter().filter(|k| !tags.contains_key(k)).collect();
            if !gone.is_empty() {
                svc.store.untag(&arn, gone).await?;
            }
            if !tags.is_empty() {
                svc.store.tag(&arn, tags.into_iter().collect()).await?;
            }
        }
        return Ok(UpdateUserPoolResponse::default());
    }
    Err(ApiError::internal("the user pool kept changing; try again"))
}

/// `UserImportInProgressException` while an import job of the pool runs (the wording is ours).
async fn refuse_during_import<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<()> {
    if crate::user_import::job::in_progress(&svc.store, pool_id).await? {
        return Err(ApiError::new(
            cognito_idp::ErrorCode::UserImportInProgressException,
            "A user import job is in progress for this user pool.",
        ));
    }
    Ok(())
}

/// `DeleteUserPool`: refused while deletion protection is active.
pub async fn delete_user_pool<S: Store>(svc: &Cognito<S>, input: DeleteUserPoolRequest) -> ApiResult<Empty> {
    let pool = Pool::clone(&*load_pool(svc, &input.user_pool_id).await?);
    refuse_during_import(svc, pool.id()).await?;
    if pool.doc.deletion_protection == Some(DeletionProtectionType::Active) {
        // AWS's message, quoted in localstack issue 11947.
        return Err(ApiError::invalid_parameter(
            "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
        ));
    }
    match svc.store.delete_pool(pool.id()).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(&input.user_pool_id)),
        Err(e) => return Err(e.into()),
    }
    let arn = pool.doc.arn.unwrap_or_default();
    let keys: Vec<String> = svc.store.tags(&arn).await?.into_iter().map(|(k, _)| k).collect();
    if !keys.is_empty() {
        svc.store.untag(&arn, keys).await?;
    }
    Ok(Empty::default())
}

/// `ListUserPools`: in creation order, `MaxResults` (1 to 60, required) at a time.
pub async fn list_user_pools<S: Store>(
    svc: &Cognito<S>,
    input: ListUserPoolsRequest,
) -> ApiResult<ListUserPoolsResponse> {
    let after = decode_token(input.next_token.as_deref())?;
    let limit = input.max_results.clamp(1, 60) as usize;
    let page = svc.store.list_pools(after, limit).await?;
    let mut pools = Vec::with_capacity(page.items.len());
    for record in page.items {
        let doc = from_json::<UserPoolType>(&record.doc, &record.id)?;
        // The regions of its replicas (`handlers::replicas`), when it has any.
        let replicas =
            crate::store::resources::list::<S, super::replicas::record::Replica>(&svc.store, &record.id, 0, 60).await?;
        let replica_regions = (!replicas.items.is_empty())
            .then(|| replicas.items.into_iter().map(|r| r.value.region).collect::<Vec<_>>());
        pools.push(UserPoolDescriptionType {
            id: doc.id,
            name: doc.name,
            lambda_config: doc.lambda_config,
            last_modified_date: doc.last_modified_date,
            creation_date: doc.creation_date,
            replica_regions,
            ..Default::default()
        });
    }
    Ok(ListUserPoolsResponse { user_pools: Some(pools), next_token: page.next.map(encode_token) })
}

/// `AddCustomAttributes`.
pub async fn add_custom_attributes<S: Store>(
    svc: &Cognito<S>,
    input: AddCustomAttributesRequest,
) -> ApiResult<AddCustomAttributesResponse> {
    refuse_during_import(svc, &input.user_pool_id).await?;
    for _ in 0..RETRIES {
        let pool = Pool::clone(&*load_pool(svc, &input.user_pool_id).await?);
        let mut doc = pool.doc;
        let mut attributes = doc.schema_attributes.take().unwrap_or_default();
        schema::add_custom(&mut attributes, &input.custom_attributes)?;
        doc.schema_attributes = Some(attributes);
        doc.last_modified_date = Some(timestamp(svc.clock.now_ms()));
        let mut json = to_json(&doc)?;
        super::mfa::config::carry_over(&pool.record.doc, &mut json);
        match svc.store.update_pool(PoolRecord { doc: json, ..pool.record }).await {
            Ok(_) => return Ok(AddCustomAttributesResponse::default()),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(&input.user_pool_id)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("the user pool kept changing; try again"))
}

/// The pool as `DescribeUserPool` shows it: its document, its user count and its tags.
pub async fn view<S: Store>(svc: &Cognito<S>, pool: Pool) -> ApiResult<UserPoolType> {
    let mut doc = pool.doc;
    let users = svc.store.count_users(&pool.record.id).await?;
    doc.estimated_number_of_users = Some(users.min(i32::MAX as i64) as i32);
    let tags = svc.store.tags(doc.arn.as_deref().unwrap_or_default()).await?;
    doc.user_pool_tags = Some(tags.into_iter().collect::<BTreeMap<_, _>>());
    (doc.domain, doc.custom_domain) = super::domains::of_pool(svc, &pool.record.id).await?;
    Ok(doc)
}

/// The password policy: AWS's (8 characters, every class, temporary passwords valid 7 days)
/// when none is given; a given one as it is, its absent rules off. AWS takes a given policy
/// whole rather than laying it over the defaults: CloudFormation even requires its
/// `MinimumLength` once any rule is set (aws-cdk pull request 6971), and the CDK writes every
/// `Require*` flag out because an absent one means false.
fn policies(given: Option<UserPoolPolicyType>) -> UserPoolPolicyType {
    let given = given.unwrap_or_default();
    let defaults = password::default_policy();
    let policy = match given.password_policy {
        // The history size is reported only when set, as DescribeUserPool does.
        None => PasswordPolicyType { password_history_size: None, ..defaults },
        Some(p) => PasswordPolicyType {
            minimum_length: p.minimum_length.or(defaults.minimum_length),
            require_uppercase: Some(p.require_uppercase.unwrap_or(false)),
            require_lowercase: Some(p.require_lowercase.unwrap_or(false)),
            require_numbers: Some(p.require_numbers.unwrap_or(false)),
            require_symbols: Some(p.require_symbols.unwrap_or(false)),
            password_history_size: p.password_history_size,
            temporary_password_validity_days: p
                .temporary_password_validity_days
                .or(defaults.temporary_password_validity_days),
        },
    };
    UserPoolPolicyType {
        password_policy: Some(policy),
        sign_in_policy: Some(given.sign_in_policy.unwrap_or_else(|| SignInPolicyType {
            allowed_first_auth_factors: Some(vec![AuthFactorType::from("PASSWORD")]),
        })),
    }
}

/// `AdminCreateUserConfig` with AWS's defaults: self sign-up allowed, unused accounts valid 7
/// days (as `DescribeUserPool` reports for a pool created without it).
fn admin_create_user_config(given: Option<AdminCreateUserConfigType>) -> AdminCreateUserConfigType {
    let given = given.unwrap_or_default();
    AdminCreateUserConfigType {
        allow_admin_create_user_only: Some(given.allow_admin_create_user_only.unwrap_or(false)),
        unused_account_validity_days: Some(given.unused_account_validity_days.unwrap_or(7)),
        invite_message_template: given.invite_message_template,
    }
}

/// The verification messages are given either at the top level (the older members) or in
/// `VerificationMessageTemplate`; a pool reports each in both places, as AWS does (the
/// `describe-user-pool` outputs quoted in terraform-provider-aws issue 3405 show both).
fn mirror_messages(doc: &mut UserPoolType) {
    let template = doc.verification_message_template.get_or_insert_with(default_template);
    let pairs = [
        (&mut doc.email_verification_message, &mut template.email_message),
        (&mut doc.email_verification_subject, &mut template.email_subject),
        (&mut doc.sms_verification_message, &mut template.sms_message),
    ];
    for (top, inner) in pairs {
        match (top.is_some(), inner.is_some()) {
            (true, false) => *inner = top.clone(),
            (false, true) => *top = inner.clone(),
            _ => {}
        }
    }
}

fn default_template() -> VerificationMessageTemplateType {
    VerificationMessageTemplateType {
        default_email_option: Some(DefaultEmailOptionType::from("CONFIRM_WITH_CODE")),
        ..Default::default()
    }
}

fn default_email() -> EmailConfigurationType {
    EmailConfigurationType {
        email_sending_account: Some(EmailSendingAccountType::from("COGNITO_DEFAULT")),
        ..Default::default()
    }
}

fn default_update_settings() -> UserAttributeUpdateSettingsType {
    UserAttributeUpdateSettingsType { attributes_require_verification_before_update: Some(Vec::new()) }
}

/// Attributes that must be verified before an update takes effect must be auto-verified.
fn check_update_settings(
    settings: &UserAttributeUpdateSettingsType,
    auto_verified: Option<&[VerifiedAttributeType]>,
) -> ApiResult<()> {
    let auto = auto_verified.unwrap_or_default();
    let pending = settings.attributes_require_verification_before_update.as_deref().unwrap_or_default();
    if pending.iter().any(|a| !auto.iter().any(|v| v.as_str() == a.as_str())) {
        // AWS's message, quoted in aws-nuke issue 477.
        return Err(ApiError::invalid_parameter(
            "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes",
        ));
    }
    Ok(())
}

/// A stored document: the pool without what is computed when it is read.
fn to_json(doc: &UserPoolType) -> ApiResult<serde_json::Value> {
    let mut doc = doc.clone();
    doc.estimated_number_of_users = None;
    doc.user_pool_tags = None;
    serde_json::to_value(&doc).map_err(|e| ApiError::internal(format!("encoding a user pool: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(doc: &serde_json::Value, id: &str) -> ApiResult<T> {
    serde_json::from_value(doc.clone())
        .map_err(|e| ApiError::internal(format!("stored record {id} does not decode: {e}")))
}
