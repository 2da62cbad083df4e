//! What the handlers share: pools and their cache, user look-ups, usernames and aliases,
//! paging tokens, the outbox, and `UserType`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::types::{AttributeType, UserPoolClientType, UserPoolType, UserStatusType, UserType};

use crate::clock::timestamp;
use crate::domain::attributes;
use crate::errors::{ApiError, ApiResult};
use crate::state::Cognito;
pub use crate::state::Pool;
use crate::store::{Alias, ClientRecord, Store, StoreError, UserRecord};

/// How often a write that lost an optimistic-concurrency race re-reads and tries again.
pub const RETRIES: usize = 8;

/// The aliases the store must keep unique for `user` (the rules are `domain::attributes`').
pub fn user_aliases(pool: &Pool, user: &UserRecord) -> Vec<Alias> {
    attributes::aliases(&pool.doc, &user.attributes)
        .into_iter()
        .map(|(kind, value)| Alias { kind: kind.to_owned(), key: alias_key(pool, kind, value) })
        .collect()
}

/// A stored app client's document.
pub fn decode_client(record: &ClientRecord) -> ApiResult<UserPoolClientType> {
    serde_json::from_value(record.doc.clone())
        .map_err(|e| ApiError::internal(format!("stored client {} does not decode: {e}", record.id)))
}

/// Reads pool `id`, or AWS's `ResourceNotFoundException` for it. A request for another region than the server's is answered there only if the pool has a
/// replica in it, and only as far as a replica may (`handlers::replicas::gate`).
pub async fn load_pool<S: Store>(svc: &Cognito<S>, id: &str) -> ApiResult<Arc<Pool>> {
    let pool = load_pool_record(svc, id).await?;
    crate::handlers::replicas::gate::admit(svc, &pool).await?;
    Ok(pool)
}

async fn load_pool_record<S: Store>(svc: &Cognito<S>, id: &str) -> ApiResult<Arc<Pool>> {
    let stamp = match svc.store.pool_version(id).await {
        Ok(stamp) => stamp,
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(id)),
        Err(e) => return Err(e.into()),
    };
    if let Some(pool) = svc.pools.get(id, stamp) {
        return Ok(pool);
    }
    let record = match svc.store.get_pool(id).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(id)),
        Err(e) => return Err(e.into()),
    };
    let doc = serde_json::from_value(record.doc.clone())
        .map_err(|e| ApiError::internal(format!("stored pool {id} does not decode: {e}")))?;
    let pool = Arc::new(Pool::new(record, doc));
    svc.pools.put(pool.clone());
    Ok(pool)
}

/// Finds a user by username, or by an alias or username attribute the pool signs in with
/// (as Cognito's admin operations accept either); `UserNotFoundException` otherwise.
pub async fn find_user<S: Store>(svc: &Cognito<S>, pool: &Pool, username: &str) -> ApiResult<UserRecord> {
    match svc.store.get_user(pool.id(), &pool.username_key(username)).await {
        Ok(user) => return Ok(user),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    for kind in sign_in_aliases(&pool.doc) {
        let alias = Alias { kind: kind.to_owned(), key: alias_key(pool, kind, username) };
        match svc.store.get_user_by_alias(pool.id(), &alias).await {
            Ok(user) => return Ok(user),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::user_not_found())
}

/// [`find_user`], or by `sub`: what the administrators' operations accept as `Username` ("If
/// username isn't an alias attribute in your user pool, this value must be the sub of a local
/// user", AWS's API reference).
pub async fn find_admin_user<S: Store>(svc: &Cognito<S>, pool: &Pool, username: &str) -> ApiResult<UserRecord> {
    match find_user(svc, pool, username).await {
        Err(e) if e.code == cognito_idp::ErrorCode::UserNotFoundException => {
            match svc.store.get_user_by_sub(pool.id(), username).await {
                Ok(user) => Ok(user),
                Err(StoreError::NotFound) => Err(e),
                Err(other) => Err(other.into()),
            }
        }
        other => other,
    }
}

/// The attributes users of this pool can sign in with besides their username.
pub fn sign_in_aliases(pool: &UserPoolType) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    let aliases = pool.alias_attributes.iter().flatten().map(|a| a.as_str());
    let named = aliases.chain(pool.username_attributes.iter().flatten().map(|a| a.as_str()));
    for kind in named {
        let kind = match kind {
            "email" => "email",
            "phone_number" => "phone_number",
            "preferred_username" => "preferred_username",
            _ => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// The unique form of an alias value: emails and preferred usernames ignore case where the
/// pool's usernames do; phone numbers are compared as given.
pub fn alias_key(pool: &Pool, kind: &str, value: &str) -> String {
    if kind == "phone_number" { value.to_owned() } else { pool.username_key(value) }
}

/// An opaque paging token for cursor `seq`; any instance can continue from it.
pub fn encode_token(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{seq}"))
}

/// The cursor in a paging token from [`encode_token`].
pub fn decode_token(token: Option<&str>) -> ApiResult<i64> {
    let Some(token) = token else { return Ok(0) };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|text| text.strip_prefix("v1:").and_then(|seq| seq.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("Invalid pagination token."))
}

/// A stored user as the API's `UserType`, with the attributes `keep` lets through.
pub fn user_type(user: &UserRecord, keep: impl Fn(&str) -> bool) -> UserType {
    UserType {
        username: Some(user.username.clone()),
        attributes: Some(
            user.attributes
                .iter()
                .filter(|(name, _)| keep(name))
                .map(|(name, value)| AttributeType { name: name.clone(), value: Some(value.clone()) })
                .collect(),
        ),
        user_create_date: Some(timestamp(user.created_ms)),
        user_last_modified_date: Some(timestamp(user.modified_ms)),
        enabled: Some(user.enabled),
        user_status: Some(UserStatusType::from(user.status.as_str())),
        mfa_options: None,
    }
}

/// What a message says: its text (code in it) and, for an email, its subject.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// The body.
    pub message: Option<String>,
    /// An email's subject.
    pub subject: Option<String>,
}

/// "Sends" `code` (a confirmation code or a temporary password) to `username` of `pool_id`,
/// saying `text`: logs it, and returns the outbox message to store in the same store call as the
/// change that caused it, or nothing when the outbox is off (`--no-local-endpoints`). Every
/// message goes through here (composed by `handlers::messages`), so the flag is honoured in one
/// place.
#[allow(clippy::too_many_arguments)]
pub fn outbox<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    username: &str,
    kind: &str,
    to: &crate::domain::mask::Delivery,
    code: &str,
    text: Text,
) -> Vec<crate::store::OutboxMessage> {
    let medium = to.medium.as_str();
    // The log is the only delivery a self-hosted server has, so the code is logged either way.
    tracing::info!(pool_id, username, kind, medium, destination = %to.destination, code, "message sent");
    if !svc.settings.outbox {
        return Vec::new();
    }
    vec![crate::store::OutboxMessage {
        seq: 0,
        pool_id: pool_id.to_owned(),
        username: username.to_owned(),
        kind: kind.to_owned(),
        medium: medium.to_owned(),
        destination: to.destination.clone(),
        code: code.to_owned(),
        message: text.message,
        subject: text.subject,
        time_ms: svc.clock.now_ms(),
    }]
}

/// Resolves the username a new user was given (`AdminCreateUser`, `SignUp`). In pools whose usernames are email
/// addresses or phone numbers, the given name must be one, becomes that attribute, and the
/// username becomes the `sub` (AWS's developer guide on username attributes: Cognito
/// "generates a persistent GUID for the user"); messages as getmoto/moto's tests assert them.
/// In pools with email or phone aliases, a username may not look like one (`Username cannot be
/// of email format, since user pool is configured for email alias.`, a real answer quoted by
/// many projects).
pub fn resolve_username(pool: &Pool, given: &str, sub: &str, attrs: &mut Vec<(String, String)>) -> ApiResult<String> {
    let email_allowed = attributes::is_username_attribute(&pool.doc, "email");
    let phone_allowed = attributes::is_username_attribute(&pool.doc, "phone_number");
    if email_allowed || phone_allowed {
        let kind = if email_allowed && attributes::is_email(given) {
            "email"
        } else if phone_allowed && attributes::is_phone(given) {
            "phone_number"
        } else {
            let message = match (email_allowed, phone_allowed) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            };
            return Err(ApiError::invalid_parameter(message));
        };
        match attrs.iter_mut().find(|(name, _)| name == kind) {
            Some(slot) => slot.1 = given.to_owned(),
            None => attrs.push((kind.to_owned(), given.to_owned())),
        }
        return Ok(sub.to_owned());
    }
    if attributes::is_alias_attribute(&pool.doc, "email") && attributes::is_email(given) {
        return Err(ApiError::invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if attributes::is_alias_attribute(&pool.doc, "phone_number") && attributes::is_phone(given) {
        return Err(ApiError::invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
        ));
    }
    Ok(given.to_owned())
}
