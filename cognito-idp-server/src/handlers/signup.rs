//! Self-service sign-up: `SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`.
//!
//! These operations are public (no SigV4): the caller names an app client, and the client names
//! the pool. A client with a secret requires `SecretHash` (HMAC-SHA256 of username + client id,
//! keyed by the secret), compared in constant time. A new user is `UNCONFIRMED`; when the pool
//! auto-verifies email or phone numbers, a six-digit code is stored hashed (purpose
//! [`PURPOSE`]) and "sent" to the outbox in the same store call. Expiry and attempt limits use
//! the server's clock, which `/_local/clock` moves forward in tests.

use cognito_idp::types::*;
use subtle::ConstantTimeEq;

use crate::domain::codes::{self, CONFIRMATION_CODE_TTL_MS, MAX_ATTEMPTS};
use crate::domain::mask::{Delivery, Medium};
use crate::domain::{ids, password};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::{Pool, alias_key, load_pool, outbox};
use crate::service::Cognito;
use crate::store::{Alias, AliasConflict, CodeRecord, Store, StoreError, UserRecord};

/// The purpose sign-up confirmation codes are stored under.
pub const PURPOSE: &str = "SIGN_UP";

/// The outbox kind of the code `SignUp` sends.
pub const KIND_SIGN_UP: &str = "SIGN_UP";

/// The outbox kind of the code `ResendConfirmationCode` sends.
pub const KIND_RESEND: &str = "RESEND_CODE";

/// How often a write that lost an optimistic-concurrency race is retried.
const RETRIES: usize = 5;

/// An app client with its pool, as the public operations find them.
struct App {
    pool: Pool,
    client_id: String,
    client: UserPoolClientType,
}

impl App {
    /// `PreventUserExistenceErrors: ENABLED`: unknown users are not disclosed.
    fn hides_unknown_users(&self) -> bool {
        self.client.prevent_user_existence_errors.as_ref().is_some_and(|p| p.as_str() == "ENABLED")
    }
}

async fn load_app<S: Store>(svc: &Cognito<S>, client_id: &str) -> ApiResult<App> {
    let record = match svc.store.find_client(client_id).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(ApiError::client_not_found(client_id)),
        Err(e) => return Err(e.into()),
    };
    let client: UserPoolClientType = serde_json::from_value(record.doc.clone())
        .map_err(|e| ApiError::internal(format!("stored client {client_id} does not decode: {e}")))?;
    let pool = load_pool(svc, &record.pool_id).await?;
    Ok(App { pool, client_id: record.id, client })
}

/// Checks `SecretHash` for clients with a secret, with AWS's messages: `Client <id> is
/// configured with secret but SECRET_HASH was not received` (seen in
/// furaiev/amazon-cognito-identity-dart-2 issue 249) and `Unable to verify secret hash for
/// client <id>` (scientifichackers/flutter_cognito_plugin issue 24), both
/// `NotAuthorizedException`. A hash sent for a client without a secret is ignored.
fn check_secret_hash(app: &App, username: &str, given: Option<&str>) -> ApiResult<()> {
    let Some(secret) = app.client.client_secret.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(ApiError::not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            app.client_id
        )));
    };
    let expected = cognito_auth::secret_hash(username, &app.client_id, secret);
    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::not_authorized(format!("Unable to verify secret hash for client {}", app.client_id)))
    }
}

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

/// The aliases `user` holds in `pool`: every attribute the pool uses as a username, a
/// `preferred_username` alias, and email or phone aliases once verified (an unverified email
/// signs nobody in, so it does not block another user).
pub fn user_aliases(pool: &Pool, user: &UserRecord) -> Vec<Alias> {
    let mut aliases: Vec<Alias> = Vec::new();
    let mut claim = |kind: &str, value: &str| {
        let alias = Alias { kind: kind.to_owned(), key: alias_key(pool, kind, value) };
        if !aliases.contains(&alias) {
            aliases.push(alias);
        }
    };
    for kind in pool.doc.username_attributes.iter().flatten().map(|a| a.as_str()) {
        if let Some(value) = user.attribute(kind) {
            claim(kind, value);
        }
    }
    for kind in pool.doc.alias_attributes.iter().flatten().map(|a| a.as_str()) {
        let Some(value) = user.attribute(kind) else { continue };
        let verified = user.attribute(&format!("{kind}_verified")) == Some("true");
        if kind == "preferred_username" || verified {
            claim(kind, value);
        }
    }
    aliases
}

fn is_username_attribute(pool: &Pool, kind: &str) -> bool {
    pool.doc.username_attributes.iter().flatten().any(|a| a.as_str() == kind)
}

fn alias_exists(pool: &Pool, kind: &str) -> ApiError {
    // AWS words both the same way; in pools whose usernames are emails or phone numbers the
    // duplicate is a username (Amplify apps quote `UsernameExistsException: An account with the
    // given email already exists.`).
    let message = format!("An account with the given {kind} already exists.");
    if is_username_attribute(pool, kind) {
        ApiError::new("UsernameExistsException", message)
    } else {
        ApiError::new("AliasExistsException", message)
    }
}

fn looks_like_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

fn looks_like_phone(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Resolves the username of a sign-up: in pools whose usernames are email addresses or phone
/// numbers, the stored username is the `sub` and the given name becomes that attribute;
/// otherwise the name is kept, and may not look like an alias the pool signs in with. The
/// messages are AWS's (quoted by apps and emulators: `Username should be an email.`,
/// `Username cannot be of email format, since user pool is configured for email alias.`).
fn resolve_username(pool: &Pool, given: &str, sub: &str, attributes: &mut Vec<(String, String)>) -> ApiResult<String> {
    let allowed: Vec<&str> = pool.doc.username_attributes.iter().flatten().map(|a| a.as_str()).collect();
    if !allowed.is_empty() {
        let kind = if allowed.contains(&"email") && looks_like_email(given) {
            "email"
        } else if allowed.contains(&"phone_number") && looks_like_phone(given) {
            "phone_number"
        } else if allowed.contains(&"email") && allowed.contains(&"phone_number") {
            return Err(ApiError::invalid_parameter("Username should be either an email or a phone number."));
        } else if allowed.contains(&"email") {
            return Err(ApiError::invalid_parameter("Username should be an email."));
        } else {
            return Err(ApiError::invalid_parameter("Username should be a phone number."));
        };
        match attributes.iter_mut().find(|(name, _)| name == kind) {
            Some(slot) => slot.1 = given.to_owned(),
            None => attributes.push((kind.to_owned(), given.to_owned())),
        }
        return Ok(sub.to_owned());
    }
    let aliases: Vec<&str> = pool.doc.alias_attributes.iter().flatten().map(|a| a.as_str()).collect();
    if aliases.contains(&"email") && looks_like_email(given) {
        return Err(ApiError::invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if aliases.contains(&"phone_number") && looks_like_phone(given) {
        return Err(ApiError::invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
        ));
    }
    Ok(given.to_owned())
}

/// The attributes a sign-up may set.
///
/// NOTE: minimal until `domain::attributes` (schema, types, lengths, required attributes) lands;
/// then this calls it. Today: `sub` and the `_verified` flags are the server's to set, an
/// attribute given twice keeps its last value, and email / phone values must look like one.
fn sign_up_attributes(given: Vec<AttributeType>) -> ApiResult<Vec<(String, String)>> {
    let mut attributes: Vec<(String, String)> = Vec::new();
    for AttributeType { name, value } in given {
        let value = value.unwrap_or_default();
        if name == "sub" || name == "email_verified" || name == "phone_number_verified" {
            continue;
        }
        if name == "email" && !looks_like_email(&value) {
            return Err(ApiError::invalid_parameter("Invalid email address format."));
        }
        if name == "phone_number" && !looks_like_phone(&value) {
            return Err(ApiError::invalid_parameter("Invalid phone number format."));
        }
        match attributes.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => attributes.push((name, value)),
        }
    }
    Ok(attributes)
}

fn password_policy(pool: &Pool) -> PasswordPolicyType {
    pool.doc.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_else(password::default_policy)
}

/// A fresh code for `user`, stored hashed with `svc`'s clock, and its outbox message.
async fn send_code<S: Store>(
    svc: &Cognito<S>,
    user: &UserRecord,
    to: &Delivery,
    kind: &str,
) -> ApiResult<CodeDeliveryDetailsType> {
    let code = codes::new_code();
    let record = CodeRecord {
        hash: codes::hash(&code, &user.username_key, PURPOSE),
        expires_ms: svc.clock.now_ms() + CONFIRMATION_CODE_TTL_MS,
        attempts: 0,
    };
    let messages = outbox(svc, &user.pool_id, &user.username, kind, to, &code);
    svc.store.put_code(&user.pool_id, &user.username_key, PURPOSE, record, messages).await?;
    Ok(to.details())
}

/// `SignUp`.
pub async fn sign_up<S: Store>(svc: &Cognito<S>, input: SignUpRequest) -> ApiResult<SignUpResponse> {
    let app = load_app(svc, &input.client_id).await?;
    check_secret_hash(&app, &input.username, input.secret_hash.as_deref())?;
    let pool = &app.pool;
    if pool.doc.admin_create_user_config.as_ref().and_then(|c| c.allow_admin_create_user_only) == Some(true) {
        // `NotAuthorizedException: SignUp is not permitted for this user pool`, quoted by many
        // projects whose pools allow only administrators to create users.
        return Err(ApiError::not_authorized("SignUp is not permitted for this user pool"));
    }
    // The model made Password optional for passwordless pools; without those sign-in factors,
    // AWS requires it, with the validation message it used while the member was required.
    let Some(password) = input.password else {
        return Err(ApiError::invalid_parameter(
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
        ));
    };
    password::check(&password, &password_policy(pool))?;

    let sub = ids::sub();
    let mut attributes = sign_up_attributes(input.user_attributes.unwrap_or_default())?;
    let username = resolve_username(pool, &input.username, &sub, &mut attributes)?;
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
        password_hash: Some(svc.hasher.hash(password).await?),
        ..UserRecord::default()
    };
    user.attributes.push(("sub".into(), sub.clone()));
    user.attributes.extend(attributes);
    let aliases = user_aliases(pool, &user);
    let user = match svc.store.insert_user(user, aliases, AliasConflict::Fail, Vec::new()).await {
        Ok(user) => user,
        Err(StoreError::AliasExists(kind)) => return Err(alias_exists(pool, &kind)),
        Err(e) => return Err(e.into()),
    };
    let details = match confirmation_delivery(&pool.doc, &user) {
        Some(to) => Some(send_code(svc, &user, &to, KIND_SIGN_UP).await?),
        // Nothing to verify: the user waits for AdminConfirmSignUp and the answer carries no
        // CodeDeliveryDetails (moto issue 7708 and aws-sdk-ios-samples issue 222 show the
        // member absent when no code is sent).
        None => None,
    };
    Ok(SignUpResponse { user_confirmed: false, code_delivery_details: details, user_sub: sub, session: None })
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
    ApiError::new("UserNotFoundException", "Username/client id combination not found.")
}

fn code_mismatch() -> ApiError {
    ApiError::new("CodeMismatchException", "Invalid verification code provided, please try again.")
}

/// `ConfirmSignUp`.
pub async fn confirm_sign_up<S: Store>(
    svc: &Cognito<S>,
    input: ConfirmSignUpRequest,
) -> ApiResult<ConfirmSignUpResponse> {
    let app = load_app(svc, &input.client_id).await?;
    check_secret_hash(&app, &input.username, input.secret_hash.as_deref())?;
    let pool = &app.pool;
    let Some(mut user) = find_signed_up(svc, pool, &input.username).await? else {
        // With PreventUserExistenceErrors, an unknown user looks like a wrong code.
        return Err(if app.hides_unknown_users() { code_mismatch() } else { user_not_found() });
    };
    if user.status != "UNCONFIRMED" {
        // furaiev/amazon-cognito-identity-dart-2 issue 80 quotes this answer.
        return Err(ApiError::not_authorized(format!("User cannot be confirmed. Current status is {}", user.status)));
    }
    let stored = match svc.store.get_code(pool.id(), &user.username_key, PURPOSE).await {
        Ok(code) => code,
        // No code was ever sent (the pool verifies nothing): no code can match.
        Err(StoreError::NotFound) => return Err(code_mismatch()),
        Err(e) => return Err(e.into()),
    };
    if stored.attempts >= MAX_ATTEMPTS {
        // After five wrong codes AWS answers LimitExceededException (aws-amplify/amplify-ui-android
        // issue 180) with this message (aws-amplify/amplify-js issue 8013); a new code resets it.
        return Err(ApiError::new("LimitExceededException", "Attempt limit exceeded, please try after some time."));
    }
    if svc.clock.now_ms() >= stored.expires_ms {
        return Err(ApiError::new("ExpiredCodeException", "Invalid code provided, please request a code again."));
    }
    if !codes::matches(&input.confirmation_code, &user.username_key, PURPOSE, &stored.hash) {
        match svc.store.code_failed(pool.id(), &user.username_key, PURPOSE).await {
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        return Err(code_mismatch());
    }

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
        match svc.store.update_user(user.clone(), aliases, on_conflict, Vec::new()).await {
            Ok(_) => break,
            Err(StoreError::AliasExists(kind)) => return Err(alias_exists(pool, &kind)),
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
            Err(e) => return Err(e.into()),
        }
    }
    match svc.store.delete_code(pool.id(), &user.username_key, PURPOSE).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(ConfirmSignUpResponse { session: None })
}

/// `ResendConfirmationCode`.
pub async fn resend_confirmation_code<S: Store>(
    svc: &Cognito<S>,
    input: ResendConfirmationCodeRequest,
) -> ApiResult<ResendConfirmationCodeResponse> {
    let app = load_app(svc, &input.client_id).await?;
    check_secret_hash(&app, &input.username, input.secret_hash.as_deref())?;
    let pool = &app.pool;
    let Some(user) = find_signed_up(svc, pool, &input.username).await? else {
        if app.hides_unknown_users() {
            // Cognito answers as if a code went to a simulated destination (developer guide,
            // "Managing user existence error responses").
            let medium = if pool.doc.auto_verified_attributes.iter().flatten().any(|a| a.as_str() == "phone_number") {
                Delivery::new(Medium::Sms, "+10000000000")
            } else {
                Delivery::new(Medium::Email, format!("{}@example.com", input.username.chars().next().unwrap_or('x')))
            };
            return Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(medium.details()) });
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
    let details = send_code(svc, &user, &to, KIND_RESEND).await?;
    Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(details) })
}
