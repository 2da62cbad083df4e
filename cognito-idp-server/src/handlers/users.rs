//! Users, as administrators manage them, and `ListUsers`.
//!
//! Every write reads the user, changes it, and writes it back with the version it read
//! (optimistic concurrency): a write that lost a race re-reads and tries again. Uniqueness of
//! usernames and sign-in aliases is the store's (constraints), never checked here alone: the
//! checks here only decide which error AWS would answer and whether an alias may move.

use cognito_idp::Empty;
use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::domain::attributes::{self, Schema, VERIFIED_FLAGS, Write};
use crate::domain::filter::{self, Search};
use crate::domain::mask::{Delivery, Medium};
use crate::domain::{codes, ids, password};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::{self, Occasion};
use crate::handlers::one_time_codes::{self, KIND_VERIFY_ATTRIBUTE};
use crate::handlers::shared::{Pool, decode_token, encode_token, find_admin_user, load_pool, user_aliases, user_type};
use crate::handlers::triggered::custom_message::Source;
use crate::handlers::triggered::{post_confirmation, pre_sign_up};
use crate::state::Cognito;
use crate::store::{Alias, AliasConflict, OutboxMessage, Store, StoreError, UserRecord};

/// The outbox kind of the temporary password `AdminCreateUser` sends (and resends).
pub const KIND_ADMIN_CREATE_USER: &str = "ADMIN_CREATE_USER";
/// The outbox kind of the code `AdminResetUserPassword` sends.
pub const KIND_RESET_PASSWORD: &str = "ADMIN_RESET_USER_PASSWORD";
/// Where `AdminUpdateUserAttributes` keeps a new email or phone number that waits for
/// verification (`AttributesRequireVerificationBeforeUpdate`), in the user's `extra`.
pub const PENDING_KEY: &str = "pendingAttributes";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// How often a write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 8;
/// `ListUsers` returns at most 60 users a page, and 60 when no `Limit` is given.
const MAX_LIMIT: usize = 60;

/// Whether an alias of `kind` may move to another user: verified email addresses and phone
/// numbers of `AliasAttributes` pools. A pool's username attributes and `preferred_username`
/// never move.
fn movable(pool: &Pool, kind: &str) -> bool {
    kind != "preferred_username" && !attributes::is_username_attribute(&pool.doc, kind)
}

/// Which operation met a taken alias: `AdminCreateUser` has no `AliasExistsException` in its
/// model and answers `UsernameExistsException` with the alias's message (boto/boto3 issue 3213
/// reports exactly that), later writes answer `AliasExistsException`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Create,
    Update,
}

pub(crate) fn alias_taken(op: Op, kind: &str) -> ApiError {
    let message = attributes::alias_taken_message(kind);
    match op {
        Op::Create => ApiError::new(ErrorCode::UsernameExistsException, message),
        Op::Update => ApiError::new(ErrorCode::AliasExistsException, message),
    }
}

/// The users other than `own_seq` that hold one of `aliases` now.
async fn holders<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    own_seq: i64,
    aliases: &[Alias],
) -> ApiResult<Vec<(Alias, UserRecord)>> {
    let mut taken = Vec::new();
    for alias in aliases {
        match svc.store.get_user_by_alias(pool.id(), alias).await {
            Ok(holder) if holder.seq != own_seq => taken.push((alias.clone(), holder)),
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(taken)
}

/// How a write treats aliases other users hold: fail, unless every one of them may move and
/// moving is asked for. The store enforces the outcome with its constraints; between this read
/// and the write another user could claim one of the aliases, in which case a failing write
/// fails and a moving write moves it too (the same as if it had been claimed a moment earlier).
pub(crate) async fn alias_policy<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    aliases: &[Alias],
    op: Op,
    force: bool,
) -> ApiResult<(AliasConflict, Vec<(Alias, UserRecord)>)> {
    let taken = holders(svc, pool, user.seq, aliases).await?;
    if let Some((alias, _)) = taken.iter().find(|(alias, _)| !(force && movable(pool, &alias.kind))) {
        return Err(alias_taken(op, &alias.kind));
    }
    Ok((if taken.is_empty() { AliasConflict::Fail } else { AliasConflict::Take }, taken))
}

/// After an alias moved away from `holder`, its attribute is no longer verified: AWS marks the
/// previous owner's `email_verified` false (boto/boto3 issue 3213; "trying to set the
/// email_verified attribute to True on one user has set the email_verified attribute to False
/// on another user", softwarepragmatism.com on Cognito aliases). Best effort: the move itself is
/// already committed.
pub(crate) async fn unverify<S: Store>(svc: &Cognito<S>, pool: &Pool, holder: &UserRecord, kind: &str) {
    let flag = format!("{kind}_verified");
    for _ in 0..RETRIES {
        let mut user = match svc.store.get_user(pool.id(), &holder.username_key).await {
            Ok(user) if user.seq == holder.seq => user,
            _ => return,
        };
        if user.attribute(&flag) != Some("true") {
            return;
        }
        user.set_attribute(&flag, "false".into());
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
            Err(StoreError::Conflict) => continue,
            Err(e) => tracing::warn!(error = %e, "unverifying the previous owner of an alias failed"),
            Ok(_) => {}
        }
        return;
    }
}

/// The pool's password policy (AWS's defaults when it has none).
pub(crate) fn policy(pool: &Pool) -> PasswordPolicyType {
    pool.doc.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_else(password::default_policy)
}

/// When a temporary password set now stops working: `TemporaryPasswordValidityDays` (7 by
/// default) from now.
fn temporary_expiry<S: Store>(svc: &Cognito<S>, policy: &PasswordPolicyType) -> i64 {
    let days = policy.temporary_password_validity_days.filter(|d| *d > 0).unwrap_or(7);
    svc.clock.now_ms() + i64::from(days) * DAY_MS
}

/// Where `AdminCreateUser` sends the temporary password. With `DesiredDeliveryMediums`, each
/// medium needs its attribute (`No email provided but desired delivery medium was Email`, a
/// real answer quoted in rahulpsd18/cognito-backup-restore issue 25 and awslabs'
/// sagemaker-dashboards-for-ml issue 2; the SMS wording is ours, in the same shape). Without
/// it, the documented default is SMS; a user with no phone number gets the email instead, and a
/// user with neither gets nothing (AWS creates such users).
pub(crate) fn invitation(user: &UserRecord, mediums: Option<&[DeliveryMediumType]>) -> ApiResult<Vec<Delivery>> {
    let email = user.attribute("email").filter(|v| !v.is_empty());
    let phone = user.attribute("phone_number").filter(|v| !v.is_empty());
    let Some(mediums) = mediums.filter(|m| !m.is_empty()) else {
        return Ok(match (phone, email) {
            (Some(phone), _) => vec![Delivery::new(Medium::Sms, phone)],
            (None, Some(email)) => vec![Delivery::new(Medium::Email, email)],
            (None, None) => Vec::new(),
        });
    };
    let mut deliveries = Vec::new();
    for medium in mediums {
        let delivery = match medium.as_str() {
            "EMAIL" => Delivery::new(
                Medium::Email,
                email.ok_or_else(|| {
                    ApiError::invalid_parameter("No email provided but desired delivery medium was Email")
                })?,
            ),
            _ => Delivery::new(
                Medium::Sms,
                phone.ok_or_else(|| {
                    ApiError::invalid_parameter("No phone_number provided but desired delivery medium was Sms")
                })?,
            ),
        };
        if !deliveries.contains(&delivery) {
            deliveries.push(delivery);
        }
    }
    Ok(deliveries)
}

/// `Email is required to verify/un-verify an email`: a verification flag needs its attribute
/// (wording as cognito-local answers; AWS's reference says only that `email` "must" be given
/// with `email_verified`).
fn flags_need_attributes(user: &UserRecord) -> ApiResult<()> {
    for (attribute, flag) in VERIFIED_FLAGS {
        if user.attribute(flag).is_some() && user.attribute(attribute).is_none() {
            return Err(flag_without_attribute(flag));
        }
    }
    Ok(())
}

fn flag_without_attribute(flag: &str) -> ApiError {
    if flag == "email_verified" {
        ApiError::invalid_parameter("Email is required to verify/un-verify an email")
    } else {
        ApiError::invalid_parameter("Phone Number is required to verify/un-verify a phone number")
    }
}

/// `AdminCreateUser`.
pub async fn admin_create_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminCreateUserRequest,
) -> ApiResult<AdminCreateUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let action = input.message_action.as_ref().map(|a| a.as_str().to_owned());
    if action.as_deref() == Some("RESEND") {
        return resend_invitation(svc, &pool, &input).await;
    }
    let schema = Schema::of(&pool.doc);
    let given = input.user_attributes.clone().unwrap_or_default();
    attributes::check(&schema, &given, Write::Create)?;
    let mut attrs: Vec<(String, String)> = Vec::new();
    for attribute in &given {
        let value = attribute.value.as_deref().unwrap_or("");
        if value.is_empty() {
            continue;
        }
        let value = attributes::normalize(&schema, &attribute.name, value);
        match attrs.iter_mut().find(|(name, _)| *name == attribute.name) {
            Some(slot) => slot.1 = value,
            None => attrs.push((attribute.name.clone(), value)),
        }
    }
    let sub = ids::sub();
    let username = super::shared::resolve_username(&pool, &input.username, &sub, &mut attrs)?;
    let now = svc.clock.now_ms();
    let mut user = UserRecord {
        pool_id: pool.id().to_owned(),
        username_key: pool.username_key(&username),
        username,
        sub: sub.clone(),
        status: "FORCE_CHANGE_PASSWORD".into(),
        enabled: true,
        created_ms: now,
        modified_ms: now,
        // AWS lists `sub` first.
        attributes: std::iter::once(("sub".to_owned(), sub)).chain(attrs).collect(),
        ..Default::default()
    };
    flags_need_attributes(&user)?;
    let policy = policy(&pool);
    if let Some(given) = &input.temporary_password {
        password::check(given, &policy)?;
    }
    let decision = pre_sign_up::run(
        svc,
        &pool,
        pre_sign_up::Source::AdminCreateUser,
        &user.username,
        None,
        &user.attributes,
        input.validation_data.as_deref(),
        input.client_metadata.as_ref(),
    )
    .await?;
    decision.apply_verification(&mut user.attributes);
    let suppress = action.as_deref() == Some("SUPPRESS");
    let deliveries = if suppress { Vec::new() } else { invitation(&user, input.desired_delivery_mediums.as_deref())? };
    let temporary = input.temporary_password.clone().unwrap_or_else(|| password::temporary(&policy));
    // A generated password that is suppressed is never disclosed to anyone, so it could never
    // be used: store no hash at all rather than spend an Argon2 hash on it. The user signs in
    // once an administrator sets a password (AdminSetUserPassword) or resends the invitation.
    if !(suppress && input.temporary_password.is_none()) {
        super::auth::set_password(svc, &pool, &mut user, &temporary).await?;
    }
    user.temporary_password_expires_ms = Some(temporary_expiry(svc, &policy));
    let occasion =
        Occasion::new(Source::AdminCreateUser, KIND_ADMIN_CREATE_USER).metadata(input.client_metadata.as_ref());
    let mut sent = messages::compose(svc, &pool, &user, occasion, &deliveries, &temporary).await?;
    let aliases = user_aliases(&pool, &user);
    let force = input.force_alias_creation.unwrap_or(false);
    let (on_conflict, taken) = alias_policy(svc, &pool, &user, &aliases, Op::Create, force).await?;
    let user = match svc.store.insert_user(user, aliases, on_conflict, sent.take_outbox()).await {
        Ok(user) => {
            sent.hand_off(svc).await;
            user
        }
        Err(StoreError::UsernameExists) => return Err(ApiError::username_exists()),
        Err(StoreError::AliasExists(kind)) => return Err(alias_taken(Op::Create, &kind)),
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
        Err(e) => return Err(e.into()),
    };
    for (alias, holder) in &taken {
        unverify(svc, &pool, holder, &alias.kind).await;
    }
    Ok(AdminCreateUserResponse { user: Some(user_type(&user, |_| true)) })
}

/// `AdminCreateUser` with `MessageAction: RESEND`: the user must exist (`User does not exist.`)
/// and still wait for its first sign-in; it gets a new temporary password, valid anew.
/// `Resend not possible. NAME status is not FORCE_CHANGE_PASSWORD` otherwise, as other local
/// Cognitos answer it (floci-io/floci pull request 755 aligns with AWS on the code).
async fn resend_invitation<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    input: &AdminCreateUserRequest,
) -> ApiResult<AdminCreateUserResponse> {
    let policy = policy(pool);
    if let Some(given) = &input.temporary_password {
        password::check(given, &policy)?;
    }
    let temporary = input.temporary_password.clone().unwrap_or_else(|| password::temporary(&policy));
    // Computed once, for the username the password is bound to (SRP), not again on a retry.
    let mut stored: Option<(String, super::auth::StoredPassword)> = None;
    for _ in 0..RETRIES {
        let mut user = find_admin_user(svc, pool, &input.username).await?;
        if user.status != "FORCE_CHANGE_PASSWORD" {
            return Err(ApiError::new(
                ErrorCode::UnsupportedUserStateException,
                format!("Resend not possible. {} status is not FORCE_CHANGE_PASSWORD", user.username),
            ));
        }
        let deliveries = invitation(&user, input.desired_delivery_mediums.as_deref())?;
        let occasion =
            Occasion::new(Source::AdminCreateUser, KIND_ADMIN_CREATE_USER).metadata(input.client_metadata.as_ref());
        let mut sent = messages::compose(svc, pool, &user, occasion, &deliveries, &temporary).await?;
        if stored.as_ref().is_none_or(|(name, _)| *name != user.username) {
            let secrets = super::auth::stored_password(svc, pool, &user.username, &temporary).await?;
            stored = Some((user.username.clone(), secrets));
        }
        if let Some((_, secrets)) = &stored {
            secrets.apply(&mut user);
        }
        user.temporary_password_expires_ms = Some(temporary_expiry(svc, &policy));
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user, aliases, AliasConflict::Fail, sent.take_outbox()).await {
            Ok(user) => {
                sent.hand_off(svc).await;
                return Ok(AdminCreateUserResponse { user: Some(user_type(&user, |_| true)) });
            }
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(kind)) => return Err(alias_taken(Op::Update, &kind)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// Reads the user, applies `change`, and writes it back (aliases recomputed, outbox messages
/// stored in the same transaction), retrying when another write got there first.
async fn modify<S, F>(svc: &Cognito<S>, pool: &Pool, username: &str, mut change: F) -> ApiResult<UserRecord>
where
    S: Store,
    F: FnMut(&mut UserRecord) -> ApiResult<Vec<OutboxMessage>>,
{
    for _ in 0..RETRIES {
        let mut user = find_admin_user(svc, pool, username).await?;
        let messages = change(&mut user)?;
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user, aliases, AliasConflict::Fail, messages).await {
            Ok(user) => return Ok(user),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(kind)) => return Err(alias_taken(Op::Update, &kind)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `AdminGetUser`.
pub async fn admin_get_user<S: Store>(svc: &Cognito<S>, input: AdminGetUserRequest) -> ApiResult<AdminGetUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    let listed = user_type(&user, |_| true);
    let (user_mfa_setting_list, preferred_mfa_setting) = super::mfa::mfa_fields(&user);
    Ok(AdminGetUserResponse {
        username: listed.username.unwrap_or_default(),
        user_attributes: listed.attributes,
        user_create_date: listed.user_create_date,
        user_last_modified_date: listed.user_last_modified_date,
        enabled: listed.enabled,
        user_status: listed.user_status,
        // The deprecated SMS-only list; AWS answers with UserMFASettingList instead.
        mfa_options: None,
        preferred_mfa_setting,
        user_mfa_setting_list,
    })
}

/// Applies an `AdminUpdateUserAttributes` request to `user`. Per AWS's API reference: a blank
/// value deletes the attribute; a changed `email` or `phone_number` is no longer verified unless
/// the request sets its `*_verified` to true; a changed attribute the pool auto-verifies gets a
/// verification code (none when the request marks it verified); and when the pool requires
/// verification before update (`AttributesRequireVerificationBeforeUpdate`), the old value stays
/// until the new one is verified. Returns where verification codes go once the change is stored.
pub(crate) fn apply_update(
    pool: &Pool,
    schema: &Schema,
    user: &mut UserRecord,
    requested: &[AttributeType],
) -> ApiResult<Vec<Delivery>> {
    let before = user.attributes.clone();
    let old = |name: &str| before.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    for attribute in requested {
        match attribute.value.as_deref().unwrap_or("") {
            "" => {
                user.remove_attribute(&attribute.name);
            }
            value => user.set_attribute(&attribute.name, attributes::normalize(schema, &attribute.name, value)),
        }
    }
    let listed = |names: Option<&Vec<VerifiedAttributeType>>, name: &str| {
        names.into_iter().flatten().any(|a| a.as_str() == name)
    };
    let auto_verified = pool.doc.auto_verified_attributes.as_ref();
    let before_update = pool
        .doc
        .user_attribute_update_settings
        .as_ref()
        .and_then(|s| s.attributes_require_verification_before_update.as_ref());
    let mut codes = Vec::new();
    for (name, flag) in VERIFIED_FLAGS {
        let asked = requested.iter().rev().find(|a| a.name == flag).and_then(|a| a.value.clone());
        let asked = asked.filter(|v| !v.is_empty()).map(|v| v.to_ascii_lowercase());
        let Some(new) = user.attribute(name).map(str::to_owned) else {
            // No attribute, no flag (a deleted email takes its `email_verified` with it).
            user.remove_attribute(flag);
            if asked.is_some() {
                return Err(flag_without_attribute(flag));
            }
            continue;
        };
        if old(name).as_deref() == Some(new.as_str()) || asked.as_deref() == Some("true") {
            continue;
        }
        let medium = Medium::for_attribute(name).unwrap_or(Medium::Email);
        match old(name) {
            Some(previous) if listed(before_update, name) => {
                user.set_attribute(name, previous);
                let pending = user.extra.entry(PENDING_KEY).or_insert_with(|| serde_json::json!({}));
                if let Some(map) = pending.as_object_mut() {
                    map.insert(name.to_owned(), new.clone().into());
                }
                codes.push(Delivery::new(medium, new));
            }
            _ => {
                if asked.is_none() {
                    user.set_attribute(flag, "false".into());
                }
                if listed(auto_verified, name) {
                    codes.push(Delivery::new(medium, new));
                }
            }
        }
    }
    Ok(codes)
}

/// `AdminUpdateUserAttributes`.
pub async fn admin_update_user_attributes<S: Store>(
    svc: &Cognito<S>,
    input: AdminUpdateUserAttributesRequest,
) -> ApiResult<AdminUpdateUserAttributesResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let schema = Schema::of(&pool.doc);
    attributes::check(&schema, &input.user_attributes, Write::Update)?;
    for _ in 0..RETRIES {
        let mut user = find_admin_user(svc, &pool, &input.username).await?;
        let verifications = apply_update(&pool, &schema, &mut user, &input.user_attributes)?;
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(&pool, &user);
        // A verified email or phone number another user holds moves here (and is unverified
        // there), as AWS does on this operation; other aliases fail with AliasExistsException.
        let (on_conflict, taken) = alias_policy(svc, &pool, &user, &aliases, Op::Update, true).await?;
        let user = match svc.store.update_user(user, aliases, on_conflict, Vec::new()).await {
            Ok(user) => user,
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(kind)) => return Err(alias_taken(Op::Update, &kind)),
            Err(e) => return Err(e.into()),
        };
        for (alias, holder) in &taken {
            unverify(svc, &pool, holder, &alias.kind).await;
        }
        for to in verifications {
            let purpose = one_time_codes::verify_purpose(to.medium.attribute());
            let occasion = Occasion::new(Source::UpdateUserAttribute, KIND_VERIFY_ATTRIBUTE)
                .metadata(input.client_metadata.as_ref());
            one_time_codes::send(svc, &pool, &user, &purpose, occasion, &to, codes::CONFIRMATION_CODE_TTL_MS).await?;
        }
        return Ok(AdminUpdateUserAttributesResponse::default());
    }
    Err(ApiError::too_busy())
}

/// Whether the attributes `names` may be deleted (`AdminDeleteUserAttributes`,
/// `DeleteUserAttributes`): unknown, immutable and required attributes cannot be.
pub(crate) fn check_deletable(schema: &Schema, names: &[String]) -> ApiResult<()> {
    let mut problems = Vec::new();
    for name in names {
        let problem = match schema.get(name) {
            None => Some(attributes::NOT_IN_SCHEMA),
            Some(a) if attributes::is_cognitos(name) || !a.mutable => Some(attributes::IMMUTABLE),
            Some(a) if a.required => Some(attributes::REQUIRED),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            problems.push((name.clone(), problem.to_owned()));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(attributes::schema_error(Write::Update, &problems)) }
}

/// `AdminDeleteUserAttributes`: names as `AdminUpdateUserAttributes` takes them; unknown,
/// immutable and required attributes cannot be deleted. Deleting `email` or `phone_number`
/// deletes its verification flag too.
pub async fn admin_delete_user_attributes<S: Store>(
    svc: &Cognito<S>,
    input: AdminDeleteUserAttributesRequest,
) -> ApiResult<AdminDeleteUserAttributesResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_deletable(&Schema::of(&pool.doc), &input.user_attribute_names)?;
    modify(svc, &pool, &input.username, |user| {
        for name in &input.user_attribute_names {
            user.remove_attribute(name);
            if let Some((_, flag)) = VERIFIED_FLAGS.iter().find(|(attribute, _)| attribute == name) {
                user.remove_attribute(flag);
            }
        }
        Ok(Vec::new())
    })
    .await?;
    Ok(AdminDeleteUserAttributesResponse::default())
}

/// `AdminDisableUser`.
pub async fn admin_disable_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminDisableUserRequest,
) -> ApiResult<AdminDisableUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    modify(svc, &pool, &input.username, |user| {
        user.enabled = false;
        Ok(Vec::new())
    })
    .await?;
    Ok(AdminDisableUserResponse::default())
}

/// `AdminEnableUser`.
pub async fn admin_enable_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminEnableUserRequest,
) -> ApiResult<AdminEnableUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    modify(svc, &pool, &input.username, |user| {
        user.enabled = true;
        Ok(Vec::new())
    })
    .await?;
    Ok(AdminEnableUserResponse::default())
}

/// `AdminDeleteUser`: the user, its aliases, memberships and codes.
pub async fn admin_delete_user<S: Store>(svc: &Cognito<S>, input: AdminDeleteUserRequest) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    match svc.store.delete_user(pool.id(), &user.username_key).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// `AdminSetUserPassword`: the pool's policy applies (`Password did not conform with policy:
/// ...`); a permanent password confirms the user, a temporary one makes it change the password
/// at its next sign-in, within the pool's temporary-password validity.
pub async fn admin_set_user_password<S: Store>(
    svc: &Cognito<S>,
    input: AdminSetUserPasswordRequest,
) -> ApiResult<AdminSetUserPasswordResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    // The user first: AWS answers `User does not exist.` whatever the password.
    let found = find_admin_user(svc, &pool, &input.username).await?;
    let policy = policy(&pool);
    password::check(&input.password, &policy)?;
    let stored = super::auth::stored_password(svc, &pool, &found.username, &input.password).await?;
    let permanent = input.permanent.unwrap_or(false);
    let expires = temporary_expiry(svc, &policy);
    modify(svc, &pool, &input.username, |user| {
        stored.apply(user);
        if permanent {
            user.status = "CONFIRMED".into();
            user.temporary_password_expires_ms = None;
        } else {
            user.status = "FORCE_CHANGE_PASSWORD".into();
            user.temporary_password_expires_ms = Some(expires);
        }
        Ok(Vec::new())
    })
    .await?;
    Ok(AdminSetUserPasswordResponse::default())
}

/// Where a password-reset code goes: the pool's `AccountRecoverySetting` in priority order, or
/// (without one) a verified phone number, then a verified email address.
pub(crate) fn recovery_destination(pool: &Pool, user: &UserRecord) -> Option<Delivery> {
    let verified = |attribute: &str, medium: Medium| {
        (user.attribute(&format!("{attribute}_verified")) == Some("true"))
            .then(|| user.attribute(attribute))
            .flatten()
            .map(|value| Delivery::new(medium, value))
    };
    let mut mechanisms: Vec<(i32, String)> = pool
        .doc
        .account_recovery_setting
        .as_ref()
        .and_then(|s| s.recovery_mechanisms.as_ref())
        .map(|m| m.iter().map(|o| (o.priority, o.name.as_str().to_owned())).collect())
        .unwrap_or_else(|| vec![(1, "verified_phone_number".into()), (2, "verified_email".into())]);
    mechanisms.sort();
    mechanisms.iter().find_map(|(_, name)| match name.as_str() {
        "verified_phone_number" => verified("phone_number", Medium::Sms),
        "verified_email" => verified("email", Medium::Email),
        _ => None,
    })
}

/// `AdminResetUserPassword`: the password stops working (`RESET_REQUIRED`) and a reset code
/// goes to the user's verified email or phone. AWS's answers, quoted in many projects:
/// `User is disabled.`, `User password cannot be reset in the current state.` (users not yet
/// confirmed or still on a temporary password), and `Cannot reset password for the user as
/// there is no registered/verified email or phone_number`.
pub async fn admin_reset_user_password<S: Store>(
    svc: &Cognito<S>,
    input: AdminResetUserPasswordRequest,
) -> ApiResult<AdminResetUserPasswordResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_admin_user(svc, &pool, &input.username).await?;
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    if user.status != "CONFIRMED" && user.status != "RESET_REQUIRED" {
        return Err(ApiError::not_authorized("User password cannot be reset in the current state."));
    }
    let Some(to) = recovery_destination(&pool, &user) else {
        return Err(ApiError::invalid_parameter(
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
        ));
    };
    let user = modify(svc, &pool, &input.username, |user| {
        user.status = "RESET_REQUIRED".into();
        super::auth::clear_password(user);
        user.temporary_password_expires_ms = None;
        Ok(Vec::new())
    })
    .await?;
    let occasion = Occasion::new(Source::ForgotPassword, KIND_RESET_PASSWORD).metadata(input.client_metadata.as_ref());
    one_time_codes::send(
        svc,
        &pool,
        &user,
        one_time_codes::RESET_PASSWORD,
        occasion,
        &to,
        one_time_codes::RESET_TTL_MS,
    )
    .await?;
    Ok(AdminResetUserPasswordResponse::default())
}

/// `AdminConfirmSignUp`: confirms an `UNCONFIRMED` user. Any other status gets
/// `User cannot be confirmed. Current status is CONFIRMED` (NotAuthorizedException, the real
/// answer handled word for word by many projects), with the user's status.
pub async fn admin_confirm_sign_up<S: Store>(
    svc: &Cognito<S>,
    input: AdminConfirmSignUpRequest,
) -> ApiResult<AdminConfirmSignUpResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = modify(svc, &pool, &input.username, |user| {
        if user.status != "UNCONFIRMED" {
            return Err(ApiError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        user.status = "CONFIRMED".into();
        Ok(Vec::new())
    })
    .await?;
    // The sign-up code is spent; a failure here leaves only a code nobody can use.
    one_time_codes::spend(svc, pool.id(), &user.username_key, one_time_codes::SIGN_UP).await;
    // After the confirmation is written: a failing function fails the call, the user stays
    // confirmed (see `post_confirmation`).
    let metadata = input.client_metadata.as_ref();
    post_confirmation::run(svc, &pool, post_confirmation::Source::ConfirmSignUp, None, &user, metadata).await?;
    Ok(AdminConfirmSignUpResponse::default())
}

/// `ListUsers`: the pool's users in creation order, filtered, `Limit` at a time (60 by default
/// and at most), continued by an opaque token any instance can read. A page starts after the
/// last user of the previous one, so users added meanwhile never shift a page: each user is
/// listed exactly once, and users created during the listing appear at its end.
pub async fn list_users<S: Store>(svc: &Cognito<S>, input: ListUsersRequest) -> ApiResult<ListUsersResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let search = filter::parse(input.filter.as_deref())?;
    let after = decode_token(input.pagination_token.as_deref())?;
    // The model allows 0; a page of nothing with a token would never end a paginator.
    let limit = match input.limit {
        Some(n) if n > 0 => (n as usize).min(MAX_LIMIT),
        _ => MAX_LIMIT,
    };
    let page = match search {
        Search::Nothing => return Ok(ListUsersResponse { users: Some(Vec::new()), pagination_token: None }),
        Search::All => svc.store.list_users(pool.id(), None, after, limit).await,
        Search::Filter(filter) => svc.store.list_users(pool.id(), Some(filter), after, limit).await,
    };
    let page = match page {
        Ok(page) => page,
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
        Err(e) => return Err(e.into()),
    };
    // Without `AttributesToGet` every attribute is listed; with it, only those named (an empty
    // list gives none: AWS's reference says all are returned when the parameter is absent).
    let wanted = input.attributes_to_get.as_ref();
    let users = page
        .items
        .iter()
        .map(|user| user_type(user, |name| wanted.is_none_or(|w| w.iter().any(|n| n == name))))
        .collect();
    Ok(ListUsersResponse { users: Some(users), pagination_token: page.next.map(encode_token) })
}
