//! UserMigration (AWS's developer guide, "Migrate user Lambda trigger" and "Importing users
//! with a user migration Lambda trigger"): when a sign-in with a password
//! (`UserMigration_Authentication`: `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`, the
//! managed login pages) or `ForgotPassword` (`UserMigration_ForgotPassword`) names a user the
//! pool does not have, the function is asked for it, and the user it describes is created
//! before the operation goes on. SRP sign-ins never migrate: the function needs the password,
//! which SRP never sends ("An SRP obscures your user's password from your Lambda function").
//!
//! The event (the guide's parameters; aws-lambda-rust-runtime's
//! `CognitoEventUserPoolsMigrateUserRequest` / `...Response` and its fixture
//! `example-cognito-event-userpools-migrateuser.json`; DefinitelyTyped's `user-migration.d.ts`):
//! `userName` as the user typed it; `request.password` (sign-in only: "Amazon Cognito doesn't
//! send this value in a request that's initiated by a forgot-password flow");
//! `request.validationData` (the sign-in's `ClientMetadata`, as the guide says) and
//! `request.clientMetadata` (`ForgotPassword`'s), each when given; `response` with
//! `userAttributes` empty and the other members `null`.
//!
//! The answer:
//! - `userAttributes`, "required": the user's attributes (standard and `custom:`). An answer
//!   without any means the function does not know the user: the operation fails as for an
//!   unknown user, `UserNotFoundException` whose message starts `Exception migrating user in
//!   app client` (an application matches real answers on that prefix and treats them as a
//!   wrong password; the client id after it is ours), or the client's generic answer when it
//!   hides unknown users (`PreventUserExistenceErrors`). A `username` member is taken as the
//!   new user's name when what the user typed is one of the returned alias values ("You can
//!   return a username parameter only if the submitted user name matches an alias attribute");
//!   otherwise the name is what the user typed, through the pool's username rules (a pool with
//!   an email alias refuses an email as the name, as real migrations report).
//! - `finalUserStatus`: `CONFIRMED`, else `RESET_REQUIRED` ("If you don't set this attribute
//!   to CONFIRMED, it's set to RESET_REQUIRED"); the password policy is not applied ("Amazon
//!   Cognito still accepts the password").
//! - `messageAction`: `SUPPRESS` sends nothing; otherwise the welcome message goes out, by
//!   `desiredDeliveryMediums` (SMS when not given), with `AdminCreateUser`'s rules for a
//!   medium without its attribute. The outbox records it (kind `USER_MIGRATION`, no code and
//!   no text: AWS does not document the welcome message's text).
//! - `forceAliasCreation`: `true` moves a verified email address or phone number another user
//!   holds to the new user; otherwise a taken alias fails the migration
//!   (`AliasExistsException`, as the other operations that meet one).
//! - `enableSMSMFA`: `true` turns SMS MFA on for the user, which needs a phone number ("or
//!   else the migration of that user will fail"; the message is ours).
//!
//! A function error is `UserLambdaValidationException` (`UserMigration failed with error ...`).

use std::collections::BTreeMap;

use cognito_idp::ErrorCode;
use cognito_idp::types::{AttributeType, DeliveryMediumType};
use serde_json::{Map, Value, json};

use crate::domain::attributes::{self, Schema, Write};
use crate::domain::ids;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::mfa::{SMS_MFA, UserMfa};
use crate::handlers::shared::{Text, find_user, outbox, resolve_username, user_aliases};
use crate::handlers::users::{self, Op};
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// The outbox kind of the welcome message.
pub const KIND_WELCOME: &str = "USER_MIGRATION";

/// The operation that met the unknown user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A sign-in with a password.
    Authentication,
    /// `ForgotPassword`.
    ForgotPassword,
}

impl Source {
    fn trigger_source(self) -> &'static str {
        match self {
            Source::Authentication => "UserMigration_Authentication",
            Source::ForgotPassword => "UserMigration_ForgotPassword",
        }
    }
}

/// What the operation knows.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Why.
    pub source: Source,
    /// The name the user gave.
    pub username: &'a str,
    /// The password (sign-in only).
    pub password: Option<&'a str>,
    /// The app client.
    pub client_id: &'a str,
    /// `request.validationData`: the sign-in's `ClientMetadata`.
    pub validation_data: Option<&'a BTreeMap<String, String>>,
    /// `request.clientMetadata`: `ForgotPassword`'s `ClientMetadata`.
    pub client_metadata: Option<&'a BTreeMap<String, String>>,
}

/// What came of asking.
#[derive(Debug)]
pub enum Migrated {
    /// The pool has no UserMigration trigger.
    NoTrigger,
    /// The function does not know the user (no `userAttributes`).
    NotFound,
    /// The user, created (or created meanwhile by another request for the same name).
    User(Box<UserRecord>),
}

/// `UserNotFoundException` for a user the function did not describe (see the module's notes).
pub fn not_migrated(client_id: &str) -> ApiError {
    ApiError::new(ErrorCode::UserNotFoundException, format!("Exception migrating user in app client {client_id}"))
}

fn unrecognizable() -> ApiError {
    ApiError::new(ErrorCode::InvalidLambdaResponseException, "Unrecognizable lambda output")
}

/// Asks the pool's UserMigration function for `request.username` and creates the user it
/// describes.
pub async fn run<S: Store>(svc: &Cognito<S>, pool: &Pool, request: Request<'_>) -> ApiResult<Migrated> {
    if crate::triggers::function_of(&pool.doc, Trigger::UserMigration).is_none() {
        return Ok(Migrated::NoTrigger);
    }
    let mut envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        request.source.trigger_source(),
        Some(request.username),
        Some(request.client_id),
    );
    if let Some(password) = request.password {
        envelope = envelope.request("password", password);
    }
    if let Some(data) = request.validation_data {
        envelope = envelope.request("validationData", event::metadata(Some(data)));
    }
    if let Some(metadata) = request.client_metadata {
        envelope = envelope.request("clientMetadata", event::metadata(Some(metadata)));
    }
    let envelope = envelope
        .response("userAttributes", json!({}))
        .response("finalUserStatus", Value::Null)
        .response("messageAction", Value::Null)
        .response("desiredDeliveryMediums", Value::Null)
        .response("forceAliasCreation", Value::Null)
        .response("enableSMSMFA", Value::Null);
    let Some(answer) = svc.triggers.invoke(&pool.doc, Trigger::UserMigration, envelope).await? else {
        return Ok(Migrated::NoTrigger);
    };
    let response = answer.get("response").cloned().unwrap_or(Value::Null);
    let mut given: Vec<(String, String)> = match response.get("userAttributes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => strings(map)?,
        Some(_) => return Err(unrecognizable()),
    };
    let named = given.iter().position(|(n, _)| n == "username").map(|at| given.remove(at).1);
    if given.is_empty() {
        return Ok(Migrated::NotFound);
    }
    let text = |name: &str| response.get(name).and_then(Value::as_str);
    let flag = |name: &str| response.get(name).and_then(Value::as_bool).unwrap_or(false);
    let status = if text("finalUserStatus") == Some("CONFIRMED") { "CONFIRMED" } else { "RESET_REQUIRED" };
    let suppress = text("messageAction") == Some("SUPPRESS");
    let mediums: Option<Vec<DeliveryMediumType>> = match response.get("desiredDeliveryMediums") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|m| m.as_str().map(DeliveryMediumType::from).ok_or_else(unrecognizable))
                .collect::<ApiResult<_>>()?,
        ),
        Some(_) => return Err(unrecognizable()),
    };

    // The attributes, as AdminCreateUser takes them.
    let schema = Schema::of(&pool.doc);
    let typed: Vec<AttributeType> =
        given.iter().map(|(n, v)| AttributeType { name: n.clone(), value: Some(v.clone()) }).collect();
    attributes::check(&schema, &typed, Write::Create)?;
    let mut attrs: Vec<(String, String)> = Vec::new();
    for (name, value) in &given {
        if value.is_empty() {
            continue;
        }
        let value = attributes::normalize(&schema, name, value);
        match attrs.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => attrs.push((name.clone(), value)),
        }
    }
    let typed_is_alias = ["email", "phone_number", "preferred_username"]
        .iter()
        .any(|kind| attrs.iter().any(|(n, v)| n == kind && v == request.username));
    let names_by_attribute = pool.doc.username_attributes.as_ref().is_some_and(|a| !a.is_empty());
    let typed_name = match named {
        Some(name) if !name.is_empty() && typed_is_alias && !names_by_attribute => name,
        _ => request.username.to_owned(),
    };
    let sub = ids::sub();
    let username = resolve_username(pool, &typed_name, &sub, &mut attrs)?;
    let now = svc.clock.now_ms();
    let mut user = UserRecord {
        pool_id: pool.id().to_owned(),
        username_key: pool.username_key(&username),
        username,
        sub: sub.clone(),
        status: status.into(),
        enabled: true,
        created_ms: now,
        modified_ms: now,
        attributes: std::iter::once(("sub".to_owned(), sub)).chain(attrs).collect(),
        ..UserRecord::default()
    };
    if flag("enableSMSMFA") {
        if user.attribute("phone_number").is_none_or(str::is_empty) {
            return Err(ApiError::invalid_parameter(
                "UserMigration failed: enableSMSMFA needs a phone_number in userAttributes.",
            ));
        }
        let mut mfa = UserMfa::of(&user);
        mfa.set_enabled(SMS_MFA, true);
        mfa.store_in(&mut user);
    }
    if let Some(password) = request.password.filter(|_| request.source == Source::Authentication) {
        crate::handlers::auth::set_password(svc, pool, &mut user, password).await?;
    }
    let deliveries = if suppress { Vec::new() } else { users::invitation(&user, mediums.as_deref())? };
    let welcome = deliveries
        .iter()
        .flat_map(|to| outbox(svc, pool.id(), &user.username, KIND_WELCOME, to, "", Text::default()))
        .collect();
    let aliases = user_aliases(pool, &user);
    let (on_conflict, taken) =
        users::alias_policy(svc, pool, &user, &aliases, Op::Update, flag("forceAliasCreation")).await?;
    let user = match svc.store.insert_user(user, aliases, on_conflict, welcome).await {
        Ok(user) => user,
        // Another request migrated the same user meanwhile: go on with it.
        Err(StoreError::UsernameExists) => find_user(svc, pool, &typed_name).await?,
        Err(StoreError::AliasExists(kind)) => return Err(users::alias_taken(Op::Update, &kind)),
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
        Err(e) => return Err(e.into()),
    };
    for (alias, holder) in &taken {
        users::unverify(svc, pool, holder, &alias.kind).await;
    }
    Ok(Migrated::User(Box::new(user)))
}

/// An object of strings (a boolean or number is taken as its text, as functions often write
/// `email_verified: true`); anything else is not an answer AWS reads.
fn strings(map: &Map<String, Value>) -> ApiResult<Vec<(String, String)>> {
    map.iter()
        .map(|(name, value)| match value {
            Value::String(s) => Ok((name.clone(), s.clone())),
            Value::Bool(b) => Ok((name.clone(), b.to_string())),
            Value::Number(n) => Ok((name.clone(), n.to_string())),
            _ => Err(unrecognizable()),
        })
        .collect()
}
