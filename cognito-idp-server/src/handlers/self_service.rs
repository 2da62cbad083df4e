//! Self-service with an access token: `GetUser`, `UpdateUserAttributes`,
//! `DeleteUserAttributes`, `ChangePassword`, `DeleteUser`, `GetUserAttributeVerificationCode`,
//! `VerifyUserAttribute`.
//!
//! Every operation starts with [`tokens::authenticate`], which checks the token (signature,
//! expiry, `token_use`, issuing pool, revocation) and names the user and the app client. The
//! attribute rules are `AdminUpdateUserAttributes`' (users.rs), plus what an app client may
//! write (`WriteAttributes`) and read (`ReadAttributes`). Writes are optimistic: a write that
//! lost a race re-reads the user and tries again.

use cognito_idp::Empty;
use cognito_idp::server::RequestContext;
use cognito_idp::types::*;

use crate::domain::attributes::{self, Schema, VERIFIED_FLAGS, Write};
use crate::domain::codes::CONFIRMATION_CODE_TTL_MS;
use crate::domain::mask::{Delivery, Medium};
use crate::domain::password;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::events;
use crate::handlers::messages::Occasion;
use crate::handlers::one_time_codes::{self, KIND_VERIFY_ATTRIBUTE, WhenAbsent, attempt_limit, verify_purpose};
use crate::handlers::risk::assess;
use crate::handlers::shared::user_aliases;
use crate::handlers::triggered::custom_message::Source;
use crate::handlers::users::{self, Op, PENDING_KEY};
use crate::state::{Cognito, Pool};
use crate::store::{AliasConflict, Store, StoreError, UserRecord};
use crate::tokens::{self, Authenticated};

/// How often a write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 8;
/// Where `ChangePassword` counts wrong previous passwords, in the user's `extra`.
const CHANGE_FAILURES_KEY: &str = "changePasswordFailures";
/// Wrong previous passwords in a row before `ChangePassword` answers `LimitExceededException`.
const CHANGE_MAX_FAILURES: i64 = 5;
/// How long that lasts after the last wrong one.
const CHANGE_LOCK_MS: i64 = 15 * 60 * 1000;

/// The app client a token was issued to, if it still exists.
async fn token_client<S: Store>(svc: &Cognito<S>, auth: &Authenticated) -> ApiResult<Option<UserPoolClientType>> {
    match svc.store.get_client(auth.pool.id(), &auth.client_id).await {
        Ok(record) => serde_json::from_value(record.doc)
            .map(Some)
            .map_err(|e| ApiError::internal(format!("stored client {} does not decode: {e}", auth.client_id))),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Whether `client` may read attribute `name`: every attribute without `ReadAttributes`, else
/// those listed (and `sub`, which names the user).
fn readable(client: Option<&UserPoolClientType>, name: &str) -> bool {
    match client.and_then(|c| c.read_attributes.as_ref()).filter(|r| !r.is_empty()) {
        Some(allowed) => name == "sub" || allowed.iter().any(|a| a == name),
        None => true,
    }
}

/// Checks that `client` may write every attribute in `names`: those in its `WriteAttributes`
/// when it lists any, and never the verification flags (a user cannot declare their own address
/// verified). AWS's answer otherwise: `NotAuthorizedException: A client attempted to write
/// unauthorized attribute` (aws/aws-sdk-js issues 1319 and 3603, the latter for
/// `email_verified`).
fn check_writable<'a>(client: Option<&UserPoolClientType>, names: impl IntoIterator<Item = &'a str>) -> ApiResult<()> {
    let allowed = client.and_then(|c| c.write_attributes.as_ref()).filter(|w| !w.is_empty());
    for name in names {
        let flag = VERIFIED_FLAGS.iter().any(|(_, f)| *f == name);
        if flag || allowed.is_some_and(|w| !w.iter().any(|a| a == name)) {
            return Err(ApiError::not_authorized("A client attempted to write unauthorized attribute"));
        }
    }
    Ok(())
}

/// The user as stored now: the first time, the one `authenticate` read; after a lost race, a
/// fresh read (`UserNotFoundException` if it was deleted meanwhile).
async fn reread<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) -> ApiResult<UserRecord> {
    match svc.store.get_user(pool.id(), &user.username_key).await {
        Ok(fresh) if fresh.seq == user.seq => Ok(fresh),
        Ok(_) | Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// Reads, changes and writes the user (aliases recomputed; another user's alias is never
/// taken), retrying after a lost race.
async fn modify<S, F>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, mut change: F) -> ApiResult<UserRecord>
where
    S: Store,
    F: FnMut(&mut UserRecord) -> ApiResult<()>,
{
    let mut current = user.clone();
    for attempt in 0..RETRIES {
        if attempt > 0 {
            current = reread(svc, pool, user).await?;
        }
        let mut changed = current.clone();
        change(&mut changed)?;
        changed.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &changed);
        match svc.store.update_user(changed, aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(stored) => return Ok(stored),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(kind)) => return Err(users::alias_taken(Op::Update, &kind)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `GetUser`: the user the token names, with the attributes its app client may read and the
/// user's MFA settings.
pub async fn get_user<S: Store>(svc: &Cognito<S>, input: GetUserRequest) -> ApiResult<GetUserResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let client = token_client(svc, &auth).await?;
    let user = &auth.user;
    let (user_mfa_setting_list, preferred_mfa_setting) = super::mfa::mfa_fields(user);
    Ok(GetUserResponse {
        username: user.username.clone(),
        user_attributes: user
            .attributes
            .iter()
            .filter(|(name, _)| readable(client.as_ref(), name))
            .map(|(name, value)| AttributeType { name: name.clone(), value: Some(value.clone()) })
            .collect(),
        // The deprecated SMS-only list; AWS answers with UserMFASettingList instead.
        mfa_options: None,
        preferred_mfa_setting,
        user_mfa_setting_list,
    })
}

/// `UpdateUserAttributes`: `AdminUpdateUserAttributes`' rules (a blank value deletes, a changed
/// email or phone number is unverified and, where the pool verifies it, gets a code; with
/// `AttributesRequireVerificationBeforeUpdate` the old value stays until the new one is
/// verified), for the attributes the client may write. Answers where the codes went.
pub async fn update_user_attributes<S: Store>(
    svc: &Cognito<S>,
    input: UpdateUserAttributesRequest,
) -> ApiResult<UpdateUserAttributesResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let pool = auth.pool.clone();
    let schema = Schema::of(&pool.doc);
    attributes::check(&schema, &input.user_attributes, Write::Update)?;
    let client = token_client(svc, &auth).await?;
    check_writable(client.as_ref(), input.user_attributes.iter().map(|a| a.name.as_str()))?;
    let mut current = auth.user.clone();
    for attempt in 0..RETRIES {
        if attempt > 0 {
            current = reread(svc, &pool, &auth.user).await?;
        }
        let mut user = current.clone();
        let deliveries = users::apply_update(&pool, &schema, &mut user, &input.user_attributes)?;
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(&pool, &user);
        // A user's own change never takes an alias from another user (an administrator's
        // may): the address is not verified yet.
        users::alias_policy(svc, &pool, &user, &aliases, Op::Update, false).await?;
        let user = match svc.store.update_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
            Ok(user) => user,
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
            Err(StoreError::AliasExists(kind)) => return Err(users::alias_taken(Op::Update, &kind)),
            Err(e) => return Err(e.into()),
        };
        let mut details = Vec::new();
        for to in deliveries {
            let purpose = verify_purpose(to.medium.attribute());
            let occasion = Occasion::new(Source::UpdateUserAttribute, KIND_VERIFY_ATTRIBUTE)
                .client(&auth.client_id)
                .metadata(input.client_metadata.as_ref());
            one_time_codes::send(svc, &pool, &user, &purpose, occasion, &to, CONFIRMATION_CODE_TTL_MS).await?;
            details.push(to.details());
        }
        return Ok(UpdateUserAttributesResponse {
            code_delivery_details_list: if details.is_empty() { None } else { Some(details) },
        });
    }
    Err(ApiError::too_busy())
}

/// `DeleteUserAttributes`: as `AdminDeleteUserAttributes` (unknown, immutable and required
/// attributes cannot be deleted; `email` and `phone_number` take their flag and any pending new
/// value with them), for the attributes the client may write.
pub async fn delete_user_attributes<S: Store>(
    svc: &Cognito<S>,
    input: DeleteUserAttributesRequest,
) -> ApiResult<DeleteUserAttributesResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    users::check_deletable(&Schema::of(&auth.pool.doc), &input.user_attribute_names)?;
    let client = token_client(svc, &auth).await?;
    check_writable(client.as_ref(), input.user_attribute_names.iter().map(String::as_str))?;
    modify(svc, &auth.pool, &auth.user, |user| {
        for name in &input.user_attribute_names {
            user.remove_attribute(name);
            if let Some((_, flag)) = VERIFIED_FLAGS.iter().find(|(attribute, _)| attribute == name) {
                user.remove_attribute(flag);
                remove_pending(user, name);
            }
        }
        Ok(())
    })
    .await?;
    Ok(DeleteUserAttributesResponse::default())
}

/// Forgets a new value of `attribute` that waited for verification.
fn remove_pending(user: &mut UserRecord, attribute: &str) {
    let empty = match user.extra.get_mut(PENDING_KEY).and_then(|p| p.as_object_mut()) {
        Some(map) => {
            map.remove(attribute);
            map.is_empty()
        }
        None => false,
    };
    if empty {
        user.extra.remove(PENDING_KEY);
    }
}

/// The value of `attribute` waiting for verification, if any.
fn pending(user: &UserRecord, attribute: &str) -> Option<String> {
    user.extra.get(PENDING_KEY)?.get(attribute)?.as_str().map(str::to_owned)
}

/// The wrong previous passwords counted so far: (count, when the last one was).
fn change_failures(user: &UserRecord) -> (i64, i64) {
    let stored = user.extra.get(CHANGE_FAILURES_KEY);
    let field = |name: &str| stored.and_then(|s| s.get(name)).and_then(|v| v.as_i64()).unwrap_or(0);
    (field("count"), field("lastMs"))
}

/// `ChangePassword`: the new password must meet the pool's policy and the previous one must be
/// right (`NotAuthorizedException: Incorrect username or password.`); after several wrong ones
/// in a row, `LimitExceededException` for a while. Set through `auth::stored_password` (hash and
/// SRP verifier). The user's tokens keep working, as AWS's do.
pub async fn change_password<S: Store>(
    svc: &Cognito<S>,
    input: ChangePasswordRequest,
) -> ApiResult<ChangePasswordResponse> {
    let context = events::Context::of(None, None, None);
    change_password_with(svc, input, context).await
}

/// [`change_password`] through the API, whose caller's address threat protection's event records.
pub async fn change_password_at<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: ChangePasswordRequest,
) -> ApiResult<ChangePasswordResponse> {
    let context = events::Context::of(Some(&ctx), None, None);
    change_password_with(svc, input, context).await
}

async fn change_password_with<S: Store>(
    svc: &Cognito<S>,
    input: ChangePasswordRequest,
    context: events::Context,
) -> ApiResult<ChangePasswordResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let (pool, user) = (&auth.pool, &auth.user);
    let now = svc.clock.now_ms();
    let (failures, last_ms) = change_failures(user);
    if failures >= CHANGE_MAX_FAILURES && now - last_ms < CHANGE_LOCK_MS {
        return Err(attempt_limit());
    }
    password::check(&input.proposed_password, &users::policy(pool))?;
    if let Some(hash) = user.password_hash.clone() {
        let right = match input.previous_password.clone() {
            Some(previous) => svc.hasher.verify(previous, hash).await,
            None => false,
        };
        if !right {
            // Counted so that a stolen token cannot guess the password at full speed.
            let count = if now - last_ms < CHANGE_LOCK_MS { failures + 1 } else { 1 };
            modify(svc, pool, user, |u| {
                u.extra.insert(CHANGE_FAILURES_KEY.into(), serde_json::json!({"count": count, "lastMs": now}));
                Ok(())
            })
            .await?;
            return Err(ApiError::not_authorized("Incorrect username or password."));
        }
    }
    let occasion = assess::Occasion::PasswordChange;
    assess::password(svc, pool, None, Some(user), &input.proposed_password, occasion, &context).await?;
    let stored = super::auth::stored_password(svc, pool, &user.username, &input.proposed_password).await?;
    modify(svc, pool, user, |u| {
        stored.apply(u);
        u.temporary_password_expires_ms = None;
        u.extra.remove(CHANGE_FAILURES_KEY);
        Ok(())
    })
    .await?;
    events::passed(svc, pool, user, "PasswordChange", &context).await;
    Ok(ChangePasswordResponse::default())
}

/// `DeleteUser`: the user, with its aliases, memberships, codes and tokens.
pub async fn delete_user<S: Store>(svc: &Cognito<S>, input: DeleteUserRequest) -> ApiResult<Empty> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    match svc.store.delete_user(auth.pool.id(), &auth.user.username_key).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// The medium of a verifiable attribute: only `email` and `phone_number` are (AWS's message as
/// floci-io/floci pull 2018 checked it against a real pool).
fn verifiable(attribute: &str) -> ApiResult<Medium> {
    Medium::for_attribute(attribute).ok_or_else(|| {
        ApiError::invalid_parameter("Invalid attribute name. Only phone_number and email can be verified.")
    })
}

/// `GetUserAttributeVerificationCode`: a fresh code for `email` or `phone_number` (to the new
/// value when one waits for verification), valid 24 hours, replacing any earlier one. A verified
/// attribute may be verified again.
pub async fn get_user_attribute_verification_code<S: Store>(
    svc: &Cognito<S>,
    input: GetUserAttributeVerificationCodeRequest,
) -> ApiResult<GetUserAttributeVerificationCodeResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let medium = verifiable(&input.attribute_name)?;
    let user = &auth.user;
    let value = pending(user, &input.attribute_name)
        .or_else(|| user.attribute(&input.attribute_name).map(str::to_owned))
        .filter(|v| !v.is_empty());
    let Some(value) = value else {
        // The phone wording is AWS's (floci-io/floci's tests, checked against a real pool); the
        // email one follows it.
        return Err(ApiError::invalid_parameter(match medium {
            Medium::Sms => "User does not have a valid registered phone number",
            Medium::Email => "User does not have a valid registered email",
        }));
    };
    let to = Delivery::new(medium, value);
    let purpose = verify_purpose(&input.attribute_name);
    let occasion = Occasion::new(Source::VerifyUserAttribute, KIND_VERIFY_ATTRIBUTE)
        .client(&auth.client_id)
        .metadata(input.client_metadata.as_ref());
    let details =
        one_time_codes::send(svc, &auth.pool, user, &purpose, occasion, &to, CONFIRMATION_CODE_TTL_MS).await?;
    Ok(GetUserAttributeVerificationCodeResponse { code_delivery_details: Some(details) })
}

/// `VerifyUserAttribute`: a right code marks the attribute verified (a new value that waited
/// for verification replaces the old one now); the code is then spent. Wrong codes count: after
/// five, `LimitExceededException` until a new code is requested.
pub async fn verify_user_attribute<S: Store>(
    svc: &Cognito<S>,
    input: VerifyUserAttributeRequest,
) -> ApiResult<VerifyUserAttributeResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let medium = verifiable(&input.attribute_name)?;
    let (pool, user) = (&auth.pool, &auth.user);
    let name = medium.attribute();
    if pending(user, name).or_else(|| user.attribute(name).map(str::to_owned)).is_none_or(|v| v.is_empty()) {
        // AWS's wording (floci-io/floci's tests, checked against a real pool).
        return Err(ApiError::invalid_parameter(format!("Unable to verify attribute: {name} no value set to verify")));
    }
    let purpose = verify_purpose(name);
    let hash =
        one_time_codes::check(svc, pool.id(), &user.username_key, &purpose, &input.code, WhenAbsent::Expired).await?;
    let flag = format!("{name}_verified");
    // A newly verified alias that another user holds stays theirs: AliasExistsException.
    modify(svc, pool, user, |u| {
        one_time_codes::mark_used(u, &purpose, &hash)?;
        if let Some(new) = pending(u, name) {
            u.set_attribute(name, new);
            remove_pending(u, name);
        }
        u.set_attribute(&flag, "true".into());
        Ok(())
    })
    .await?;
    one_time_codes::spend(svc, pool.id(), &user.username_key, &purpose).await;
    Ok(VerifyUserAttributeResponse::default())
}
