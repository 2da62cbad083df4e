//! Self-service sign-up: `SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`.
//!
//! These operations are public (no SigV4): the caller names an app client, and the client names
//! the pool. A client with a secret requires `SecretHash` (HMAC-SHA256 of username + client id,
//! keyed by the secret), compared in constant time. A new user is `UNCONFIRMED`; when the pool
//! auto-verifies email or phone numbers, a six-digit code is stored hashed (purpose
//! [`one_time_codes::SIGN_UP`]) and "sent" to the outbox in the same store call. Expiry and
//! attempt limits use the server's clock, which `/_local/clock` moves forward in tests.

use cognito_idp::ErrorCode;
use cognito_idp::server::RequestContext;
use cognito_idp::types::*;

use crate::domain::attributes::{self, Schema, VERIFIED_FLAGS, Write};
use crate::domain::codes::CONFIRMATION_CODE_TTL_MS;
use crate::domain::mask::{Delivery, Medium};
use crate::domain::{ids, password};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::app::App;
use crate::handlers::events;
use crate::handlers::messages::Occasion;
use crate::handlers::one_time_codes::{self, WhenAbsent, code_mismatch};
use crate::handlers::risk::assess;
use crate::handlers::secret_hash::Missing;
use crate::handlers::shared::{Pool, alias_key, user_aliases};
use crate::handlers::triggered::custom_message::Source;
use crate::handlers::triggered::{post_confirmation, pre_sign_up};
use crate::state::Cognito;
use crate::store::{Alias, AliasConflict, Store, StoreError, UserRecord};

/// The outbox kind of the code `SignUp` sends.
pub const KIND_SIGN_UP: &str = "SIGN_UP";

/// The outbox kind of the code `ResendConfirmationCode` sends.
pub const KIND_RESEND: &str = "RESEND_CODE";

/// `SignUp`'s answer in a pool where only administrators create users.
pub const NOT_PERMITTED: &str = "SignUp is not permitted for this user pool";

/// How often a write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 5;

/// Where `user`'s confirmation code goes: the phone number when the pool auto-verifies phone
/// numbers and the user has one, otherwise the email when the pool auto-verifies emails. When a
/// pool auto-verifies both, Cognito verifies only the phone number (AWS CDK's documentation of
/// `AutoVerifiedAttrs`).
pub fn confirmation_delivery(pool: &UserPoolType, user: &UserRecord) -> Option<Delivery> {
    let auto: Vec<&str> = pool.auto_verified_attributes.iter().flatten().map(|a| a.as_str()).collect();
    [Medium::Sms, Medium::Email].into_iter().find_map(|medium| {
        let value = user.attribute(medium.attribute()).filter(|v| !v.is_empty())?;
        auto.contains(&medium.attribute()).then(|| Delivery::new(medium, value))
    })
}

/// The attributes a sign-up sets, checked against the pool's schema as every creation is
/// (`domain::attributes::check`). The verification flags are the server's to set: a user who
/// signs up cannot declare an address verified, so they are left out.
fn sign_up_attributes(schema: &Schema, given: &[AttributeType]) -> ApiResult<Vec<(String, String)>> {
    attributes::check(schema, given, Write::Create)?;
    let mut attrs: Vec<(String, String)> = Vec::new();
    for attribute in given {
        let value = attribute.value.as_deref().unwrap_or("");
        if value.is_empty() || VERIFIED_FLAGS.iter().any(|(_, flag)| *flag == attribute.name) {
            continue;
        }
        let value = attributes::normalize(schema, &attribute.name, value);
        match attrs.iter_mut().find(|(name, _)| *name == attribute.name) {
            Some(slot) => slot.1 = value,
            None => attrs.push((attribute.name.clone(), value)),
        }
    }
    Ok(attrs)
}

/// The pool's required attributes the user lacks: `Attributes did not conform to the schema:
/// email: The attribute is required\n` (AWS's wording, see `domain::attributes`).
fn check_required(schema: &Schema, user: &UserRecord) -> ApiResult<()> {
    let missing: Vec<(String, String)> = schema
        .attributes()
        .iter()
        .filter(|a| a.required && a.name != "sub" && user.attribute(&a.name).is_none_or(str::is_empty))
        .map(|a| (a.name.clone(), attributes::REQUIRED.to_owned()))
        .collect();
    if missing.is_empty() { Ok(()) } else { Err(attributes::schema_error(Write::Create, &missing)) }
}

fn password_policy(pool: &Pool) -> PasswordPolicyType {
    pool.doc.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_else(password::default_policy)
}

/// `SignUp`.
pub async fn sign_up<S: Store>(svc: &Cognito<S>, input: SignUpRequest) -> ApiResult<SignUpResponse> {
    let context = events::Context::of(None, None, input.user_context_data.as_ref());
    sign_up_with(svc, input, context).await
}

/// [`sign_up`] through the API, whose caller's address threat protection's event records.
pub async fn sign_up_at<S: Store>(
    svc: &Cognito<S>,
    ctx: RequestContext,
    input: SignUpRequest,
) -> ApiResult<SignUpResponse> {
    let context = events::Context::of(Some(&ctx), None, input.user_context_data.as_ref());
    sign_up_with(svc, input, context).await
}

async fn sign_up_with<S: Store>(
    svc: &Cognito<S>,
    input: SignUpRequest,
    context: events::Context,
) -> ApiResult<SignUpResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    app.check_secret(&[&input.username], input.secret_hash.as_deref(), Missing::Secret)?;
    let pool = &app.pool;
    if pool.doc.admin_create_user_config.as_ref().and_then(|c| c.allow_admin_create_user_only) == Some(true) {
        // `NotAuthorizedException: SignUp is not permitted for this user pool`, quoted by many
        // projects whose pools allow only administrators to create users.
        return Err(ApiError::not_authorized(NOT_PERMITTED));
    }
    // The model made Password optional for passwordless pools; without those sign-in factors,
    // AWS requires it, with the validation message it used while the member was required.
    let Some(password) = input.password else {
        return Err(ApiError::invalid_parameter(
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
        ));
    };
    let schema = Schema::of(&pool.doc);
    let mut attrs = sign_up_attributes(&schema, input.user_attributes.as_deref().unwrap_or_default())?;
    let sub = ids::sub();
    let username = super::shared::resolve_username(pool, &input.username, &sub, &mut attrs)?;
    let now = svc.clock.now_ms();
    let mut user = UserRecord {
        pool_id: pool.id().to_owned(),
        username_key: pool.username_key(&username),
        username,
        sub: sub.clone(),
        status: "UNCONFIRMED".into(),
        enabled: true,
        created_ms: now,
        modified_ms: now,
        // AWS lists `sub` first.
        attributes: std::iter::once(("sub".to_owned(), sub.clone())).chain(attrs).collect(),
        ..UserRecord::default()
    };
    check_required(&schema, &user)?;
    password::check(&password, &password_policy(pool))?;
    assess::password(svc, pool, Some(&app.client_id), None, &password, assess::Occasion::SignUp, &context).await?;
    let decision = pre_sign_up::run(
        svc,
        pool,
        pre_sign_up::Source::SignUp,
        &user.username,
        Some(&app.client_id),
        &user.attributes,
        input.validation_data.as_deref(),
        input.client_metadata.as_ref(),
    )
    .await?;
    decision.apply_verification(&mut user.attributes);
    if decision.confirm {
        user.status = "CONFIRMED".into();
    }
    super::auth::set_password(svc, pool, &mut user, &password).await?;
    let aliases = user_aliases(pool, &user);
    let user = match svc.store.insert_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
        Ok(user) => user,
        // SignUp's model has no AliasExistsException: a taken email or phone number of a pool
        // that signs in with it is a taken username (aws/aws-sdk-js issue 4308 quotes
        // `An account with the given email already exists.`).
        Err(StoreError::AliasExists(kind)) => {
            return Err(ApiError::new(ErrorCode::UsernameExistsException, attributes::alias_taken_message(&kind)));
        }
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
        Err(e) => return Err(e.into()),
    };
    let details = match confirmation_delivery(&pool.doc, &user) {
        // A user the PreSignUp trigger confirmed gets no code (AWS's guide on autoConfirmUser).
        _ if decision.confirm => None,
        Some(to) => Some(
            one_time_codes::send(
                svc,
                pool,
                &user,
                one_time_codes::SIGN_UP,
                Occasion::new(Source::SignUp, KIND_SIGN_UP)
                    .client(&app.client_id)
                    .metadata(input.client_metadata.as_ref()),
                &to,
                CONFIRMATION_CODE_TTL_MS,
            )
            .await?,
        ),
        // Nothing to verify: the user waits for AdminConfirmSignUp and the answer carries no
        // CodeDeliveryDetails (moto issue 7708 and aws-sdk-ios-samples issue 222 show the
        // member absent when no code is sent).
        None => None,
    };
    events::passed(svc, pool, &user, "SignUp", &context).await;
    Ok(SignUpResponse {
        user_confirmed: decision.confirm,
        code_delivery_details: details,
        user_sub: sub,
        session: None,
    })
}

/// The user a public operation names: by username, or by an attribute the pool uses as a
/// username. `Username/client id combination not found.` otherwise (AWS's
/// `UserNotFoundException` message, quoted in aws-amplify/aws-sdk-ios issue 4837).
async fn find_signed_up<S: Store>(svc: &Cognito<S>, pool: &Pool, username: &str) -> ApiResult<Option<UserRecord>> {
    match svc.store.get_user(pool.id(), &pool.username_key(username)).await {
        Ok(user) => return Ok(Some(user)),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    for kind in pool.doc.username_attributes.iter().flatten().map(|a| a.as_str()) {
        let alias = Alias { kind: kind.to_owned(), key: alias_key(pool, kind, username) };
        match svc.store.get_user_by_alias(pool.id(), &alias).await {
            Ok(user) => return Ok(Some(user)),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

fn user_not_found() -> ApiError {
    ApiError::new(ErrorCode::UserNotFoundException, "Username/client id combination not found.")
}

/// The other user holding the `kind` alias among `aliases`, if any.
async fn holder<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    aliases: &[Alias],
    kind: &str,
) -> ApiResult<Option<UserRecord>> {
    let Some(alias) = aliases.iter().find(|a| a.kind == kind) else { return Ok(None) };
    match svc.store.get_user_by_alias(pool.id(), alias).await {
        Ok(other) if other.seq != user.seq => Ok(Some(other)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// After `ForceAliasCreation` moved the `kind` alias away from `previous`, that user's attribute
/// is no longer verified, as AWS marks it (boto/boto3 issue 3213). Best effort: the move itself
/// is committed.
async fn unverify<S: Store>(svc: &Cognito<S>, pool: &Pool, previous: UserRecord, kind: &str) {
    let flag = format!("{kind}_verified");
    let mut user = previous;
    for _ in 0..RETRIES {
        if user.attribute(&flag) != Some("true") {
            return;
        }
        user.set_attribute(&flag, "false".into());
        user.modified_ms = svc.clock.now_ms();
        let aliases = user_aliases(pool, &user);
        match svc.store.update_user(user.clone(), aliases, AliasConflict::Fail, Vec::new()).await {
            Err(StoreError::Conflict) => match svc.store.get_user(pool.id(), &user.username_key).await {
                Ok(fresh) if fresh.seq == user.seq => user = fresh,
                _ => return,
            },
            Err(e) => {
                tracing::warn!(error = %e, "unverifying the previous owner of an alias failed");
                return;
            }
            Ok(_) => return,
        }
    }
}

/// `ConfirmSignUp`.
pub async fn confirm_sign_up<S: Store>(
    svc: &Cognito<S>,
    input: ConfirmSignUpRequest,
) -> ApiResult<ConfirmSignUpResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    app.check_secret(&[&input.username], input.secret_hash.as_deref(), Missing::Secret)?;
    let pool = &app.pool;
    let Some(mut user) = find_signed_up(svc, pool, &input.username).await? else {
        // With PreventUserExistenceErrors, an unknown user looks like a wrong code.
        return Err(if app.hides_unknown_users() { code_mismatch() } else { user_not_found() });
    };
    if user.status != "UNCONFIRMED" {
        // furaiev/amazon-cognito-identity-dart-2 issue 80 quotes this answer.
        return Err(ApiError::not_authorized(format!("User cannot be confirmed. Current status is {}", user.status)));
    }
    // No code stored means none was sent (the pool verifies nothing): no code can match.
    let code = &input.confirmation_code;
    one_time_codes::check(svc, pool.id(), &user.username_key, one_time_codes::SIGN_UP, code, WhenAbsent::Mismatch)
        .await?;

    let force = input.force_alias_creation == Some(true);
    let on_conflict = if force { AliasConflict::Take } else { AliasConflict::Fail };
    let verified = confirmation_delivery(&pool.doc, &user).map(|to| to.medium.attribute());
    for attempt in 0.. {
        user.status = "CONFIRMED".into();
        user.modified_ms = svc.clock.now_ms();
        if let Some(attribute) = verified {
            user.set_attribute(&format!("{attribute}_verified"), "true".into());
        }
        let aliases = user_aliases(pool, &user);
        let previous = match (force, verified) {
            (true, Some(kind)) => holder(svc, pool, &user, &aliases, kind).await?,
            _ => None,
        };
        match svc.store.update_user(user.clone(), aliases, on_conflict, Vec::new()).await {
            Ok(saved) => {
                user = saved;
                if let (Some(previous), Some(kind)) = (previous, verified) {
                    unverify(svc, pool, previous, kind).await;
                }
                break;
            }
            // Without ForceAliasCreation, another user's verified email or phone number stays
            // theirs.
            Err(StoreError::AliasExists(kind)) => {
                return Err(ApiError::new(ErrorCode::AliasExistsException, attributes::alias_taken_message(&kind)));
            }
            Err(StoreError::Conflict) if attempt < RETRIES => {
                user = match svc.store.get_user(pool.id(), &user.username_key).await {
                    Ok(fresh) => fresh,
                    Err(StoreError::NotFound) => return Err(user_not_found()),
                    Err(e) => return Err(e.into()),
                };
                if user.status != "UNCONFIRMED" {
                    return Err(ApiError::not_authorized(format!(
                        "User cannot be confirmed. Current status is {}",
                        user.status
                    )));
                }
            }
            Err(StoreError::Conflict) => return Err(ApiError::too_busy()),
            Err(e) => return Err(e.into()),
        }
    }
    one_time_codes::spend(svc, pool.id(), &user.username_key, one_time_codes::SIGN_UP).await;
    // After the confirmation is written: a failing function fails the call, the user stays
    // confirmed (see `post_confirmation`).
    let metadata = input.client_metadata.as_ref();
    let source = post_confirmation::Source::ConfirmSignUp;
    post_confirmation::run(svc, pool, source, Some(&app.client_id), &user, metadata).await?;
    Ok(ConfirmSignUpResponse { session: None })
}

/// `ResendConfirmationCode`.
pub async fn resend_confirmation_code<S: Store>(
    svc: &Cognito<S>,
    input: ResendConfirmationCodeRequest,
) -> ApiResult<ResendConfirmationCodeResponse> {
    let app = App::load(svc, None, &input.client_id).await?;
    app.check_secret(&[&input.username], input.secret_hash.as_deref(), Missing::Secret)?;
    let pool = &app.pool;
    let Some(user) = find_signed_up(svc, pool, &input.username).await? else {
        if app.hides_unknown_users() {
            // Cognito answers as if a code went to a simulated destination (developer guide,
            // "Managing user existence error responses").
            let simulated = one_time_codes::simulated_delivery(&pool.doc, &input.username);
            return Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(simulated) });
        }
        return Err(user_not_found());
    };
    if user.status != "UNCONFIRMED" {
        // `InvalidParameterException: User is already confirmed.` (aws-amplify/amplify-js issue
        // 14762 and aws-amplify/amplify-ui issue 219).
        return Err(ApiError::invalid_parameter("User is already confirmed."));
    }
    let Some(to) = confirmation_delivery(&pool.doc, &user) else {
        // Quoted by projects whose pools auto-verify nothing.
        return Err(ApiError::invalid_parameter("Cannot resend codes. Auto verification not turned on."));
    };
    let occasion =
        Occasion::new(Source::ResendCode, KIND_RESEND).client(&app.client_id).metadata(input.client_metadata.as_ref());
    let details =
        one_time_codes::send(svc, pool, &user, one_time_codes::SIGN_UP, occasion, &to, CONFIRMATION_CODE_TTL_MS)
            .await?;
    let context = events::Context::of(None, None, input.user_context_data.as_ref());
    events::passed(svc, pool, &user, "ResendCode", &context).await;
    Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(details) })
}
