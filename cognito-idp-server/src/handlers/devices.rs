//! Users' devices: `ConfirmDevice`, `GetDevice`, `ListDevices`, `UpdateDeviceStatus`,
//! `ForgetDevice` and the administrators' `AdminGetDevice`, `AdminListDevices`,
//! `AdminUpdateDeviceStatus`, `AdminForgetDevice`, and what sign-in asks of them (a pool's
//! device configuration, new device keys, the remembered status).
//!
//! A pool tracks devices once its `DeviceConfiguration` has any property (AWS's
//! `DeviceConfigurationType`: "When you provide a value for any property of
//! DeviceConfiguration, you activate the device remembering"). Every API sign-in without a
//! device then gets a new device key (`{region}_{uuid}`) in `NewDeviceMetadata`, which the
//! access token names (`device_key` claim) and its refresh token is bound to; `ConfirmDevice`
//! with that access token stores the device with the SRP verifier the client made from a random
//! password of its own. Later sign-ins present the key (`DEVICE_KEY`) and prove the password by
//! `DEVICE_SRP_AUTH` (see `handlers::auth::device`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_idp::types::*;
use cognito_idp::{Empty, ErrorCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, find_user, load_pool};
use crate::state::{Cognito, Pool};
use crate::store::{DeviceRecord, Store, StoreError, UserRecord};
use crate::tokens;

/// Devices a listing returns when the call sets no `Limit` (the model's maximum).
const DEFAULT_LIMIT: usize = 60;

/// What is kept of a device (the `doc` of its [`DeviceRecord`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// `DeviceName` of `ConfirmDevice` (amazon-cognito-identity-js sends its user agent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `remembered` or `not_remembered`.
    pub remembered: bool,
    /// The device group key the verifier was made with (the "pool name" of device SRP).
    pub group_key: String,
    /// The verifier's salt, base64, as `ConfirmDevice` gave it.
    pub salt: String,
    /// The SRP verifier `g^x`, base64, as `ConfirmDevice` gave it.
    pub verifier: String,
    /// Milliseconds since the epoch.
    pub created_ms: i64,
    /// Milliseconds since the epoch: confirmation, status changes.
    pub modified_ms: i64,
    /// Milliseconds since the epoch: confirmation, then each device authentication.
    pub last_authenticated_ms: i64,
    /// The address of the last request that confirmed or authenticated the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ip: Option<String>,
}

impl Device {
    /// The device's SRP verifier, if what `ConfirmDevice` stored decodes.
    pub fn srp_verifier(&self) -> Option<cognito_auth::srp::PasswordVerifier> {
        let salt = STANDARD.decode(&self.salt).ok()?;
        let verifier = STANDARD.decode(&self.verifier).ok()?;
        Some(cognito_auth::srp::PasswordVerifier::from_parts(salt, &verifier))
    }
}

/// The pool's device configuration, when it tracks devices (any property set).
pub fn config(pool: &Pool) -> Option<&DeviceConfigurationType> {
    pool.doc
        .device_configuration
        .as_ref()
        .filter(|c| c.challenge_required_on_new_device.is_some() || c.device_only_remembered_on_user_prompt.is_some())
}

/// Whether a remembered device stands in for MFA in `pool`: `ChallengeRequiredOnNewDevice`
/// ("When true, a remembered device can sign in with device authentication instead of SMS and
/// TOTP factors", DeviceConfigurationType).
pub fn remembered_skips_mfa(pool: &Pool) -> bool {
    config(pool).and_then(|c| c.challenge_required_on_new_device).unwrap_or(false)
}

/// `Device does not exist.` (ResourceNotFoundException): AWS's answer for a device key it does
/// not know, quoted in amazon-archives/amazon-cognito-identity-js issue 200 and
/// aws-amplify/amplify-android pull request 2605; amazon-cognito-identity-js retries a
/// `PASSWORD_VERIFIER` without its device on a ResourceNotFoundException whose message names
/// a device.
pub fn not_found() -> ApiError {
    ApiError::resource_not_found("Device does not exist.")
}

/// A new device key: `{region}_{uuid}` (NewDeviceMetadataType's pattern `[\w-]+_[0-9a-f-]+`).
pub fn new_key<S>(svc: &Cognito<S>) -> String {
    format!("{}_{}", svc.settings.region, uuid::Uuid::new_v4())
}

/// The device group key that goes with `device_key` in `NewDeviceMetadata`. It is derived
/// rather than stored: nothing is written for a device until `ConfirmDevice`, which does not
/// send the group key back, yet the verifier it sends was made with it. The group key is not a
/// secret (the client keeps it beside the key; the secret is the client's random password).
pub fn group_key(device_key: &str) -> String {
    let digest = Sha256::digest(format!("device-group:{device_key}").as_bytes());
    format!("-{}", &URL_SAFE_NO_PAD.encode(digest)[..9])
}

/// Whether `pool` remembers devices (has a `DeviceConfiguration`).
pub fn remembers(pool: &Pool) -> bool {
    config(pool).is_some()
}

/// `NewDeviceMetadata` for a sign-in of `pool` that presented no known device, with the key
/// its tokens are bound to; `None` when the pool does not track devices.
pub fn new_metadata<S>(svc: &Cognito<S>, pool: &Pool) -> Option<NewDeviceMetadataType> {
    config(pool)?;
    let key = new_key(svc);
    Some(NewDeviceMetadataType { device_group_key: Some(group_key(&key)), device_key: Some(key) })
}

/// The device `device_key` of `user`, if stored.
pub async fn find<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    device_key: &str,
) -> ApiResult<Option<(DeviceRecord, Device)>> {
    match svc.store.get_device(pool_id, user_key, device_key).await {
        Ok(record) => {
            let device = decode(&record)?;
            Ok(Some((record, device)))
        }
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn decode(record: &DeviceRecord) -> ApiResult<Device> {
    serde_json::from_value(record.doc.clone()).map_err(|e| ApiError::internal(format!("stored device: {e}")))
}

fn encode(device: &Device) -> serde_json::Value {
    serde_json::to_value(device).unwrap_or_default()
}

/// Changes a stored device with `change` (read, change, write; again on a lost race):
/// [`not_found`] once it is gone.
pub async fn modify<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    device_key: &str,
    change: impl Fn(&mut Device),
) -> ApiResult<()> {
    for _ in 0..8 {
        let Some((mut record, mut device)) = find(svc, pool_id, user_key, device_key).await? else {
            return Err(not_found());
        };
        change(&mut device);
        record.doc = encode(&device);
        match svc.store.update_device(record).await {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(not_found()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// Records a device authentication at `now_ms` from `ip`.
pub async fn authenticated<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    user_key: &str,
    device_key: &str,
    ip: Option<&str>,
) -> ApiResult<()> {
    let now = svc.clock.now_ms();
    modify(svc, pool_id, user_key, device_key, |d| {
        d.last_authenticated_ms = now;
        if let Some(ip) = ip {
            d.last_ip = Some(ip.to_owned());
        }
    })
    .await
}

/// A device as the API's `DeviceType`, with AWS's attributes in the order of AWS's own example
/// (awscli's `admin-list-devices` example output): `device_status` (`valid`), `device_name`,
/// `dev:device_arn`, `dev:device_owner` (`{username}.{poolId}`), `last_ip_used`,
/// `dev:device_remembered_status`, `dev:device_sdk`.
pub(crate) fn device_type<S>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    record: &DeviceRecord,
) -> ApiResult<DeviceType> {
    let device = decode(record)?;
    let owner = format!("{}.{}", user.username, pool.id());
    let arn = format!(
        "arn:aws:cognito-idp:{}:{}:owner/{owner}/device/{}",
        svc.settings.region, svc.settings.account_id, record.device_key
    );
    let attribute = |name: &str, value: String| AttributeType { name: name.to_owned(), value: Some(value) };
    let mut attributes = vec![attribute("device_status", "valid".into())];
    if let Some(name) = &device.name {
        attributes.push(attribute("device_name", name.clone()));
    }
    attributes.push(attribute("dev:device_arn", arn));
    attributes.push(attribute("dev:device_owner", owner));
    if let Some(ip) = &device.last_ip {
        attributes.push(attribute("last_ip_used", ip.clone()));
    }
    let status = if device.remembered { "remembered" } else { "not_remembered" };
    attributes.push(attribute("dev:device_remembered_status", status.into()));
    attributes.push(attribute("dev:device_sdk", "aws-sdk".into()));
    Ok(DeviceType {
        device_key: Some(record.device_key.clone()),
        device_attributes: Some(attributes),
        device_create_date: Some(timestamp(device.created_ms)),
        device_last_modified_date: Some(timestamp(device.modified_ms)),
        device_last_authenticated_date: Some(timestamp(device.last_authenticated_ms)),
    })
}

/// The source address of a request, as devices record it.
pub fn source_ip(ctx: &cognito_idp::server::RequestContext) -> Option<String> {
    ctx.source.map(|addr| addr.ip().to_string())
}

/// `ConfirmDevice`: stores the device the access token's sign-in was given (its `device_key`
/// claim), with the SRP verifier the client made. It is remembered at once unless the pool
/// remembers devices only on the user's say (`DeviceOnlyRememberedOnUserPrompt`), and then
/// `UserConfirmationNecessary` tells the app to ask (amazon-cognito-identity-js passes it on
/// to the app's `onSuccess`).
pub async fn confirm_device<S: Store>(
    svc: &Cognito<S>,
    ctx: cognito_idp::server::RequestContext,
    input: ConfirmDeviceRequest,
) -> ApiResult<ConfirmDeviceResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let Some(config) = config(&auth.pool) else { return Err(not_found()) };
    if auth.device_key.as_deref() != Some(input.device_key.as_str()) {
        return Err(not_found());
    }
    let verifier = input.device_secret_verifier_config.unwrap_or_default();
    let (Some(salt), Some(password_verifier)) = (verifier.salt, verifier.password_verifier) else {
        return Err(ApiError::invalid_parameter("Missing required parameter DeviceSecretVerifierConfig"));
    };
    if STANDARD.decode(&salt).is_err() || STANDARD.decode(&password_verifier).is_err() {
        return Err(ApiError::invalid_parameter(
            "Invalid DeviceSecretVerifierConfig: Salt and PasswordVerifier must be base64.",
        ));
    }
    let on_prompt = config.device_only_remembered_on_user_prompt.unwrap_or(false);
    let now = svc.clock.now_ms();
    let device = Device {
        name: input.device_name,
        remembered: !on_prompt,
        group_key: group_key(&input.device_key),
        salt,
        verifier: password_verifier,
        created_ms: now,
        modified_ms: now,
        last_authenticated_ms: now,
        last_ip: source_ip(&ctx),
    };
    let record = DeviceRecord {
        seq: 0,
        pool_id: auth.pool.id().to_owned(),
        user_key: auth.user.username_key.clone(),
        device_key: input.device_key,
        version: 0,
        doc: encode(&device),
    };
    match svc.store.insert_device(record).await {
        Ok(_) => Ok(ConfirmDeviceResponse { user_confirmation_necessary: Some(on_prompt) }),
        // Our wording: AWS's message for a device confirmed twice is not on record.
        Err(StoreError::ResourceExists) => {
            Err(ApiError::new(ErrorCode::DeviceKeyExistsException, "Device key already exists."))
        }
        Err(StoreError::NotFound) => Err(ApiError::user_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// The access token of a call whose model leaves it optional (`GetDevice`, `ForgetDevice`).
fn access_token(token: Option<&str>) -> ApiResult<&str> {
    token.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::invalid_parameter("Missing required parameter AccessToken"))
}

/// The user an administrator's call names (username or alias), in its pool.
async fn admin_user<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    username: &str,
) -> ApiResult<(std::sync::Arc<Pool>, UserRecord)> {
    let pool = load_pool(svc, pool_id).await?;
    let user = find_user(svc, &pool, username).await?;
    Ok((pool, user))
}

async fn get<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, key: &str) -> ApiResult<DeviceType> {
    match find(svc, pool.id(), &user.username_key, key).await? {
        Some((record, _)) => device_type(svc, pool, user, &record),
        None => Err(not_found()),
    }
}

async fn list<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    limit: Option<i32>,
    token: Option<&str>,
) -> ApiResult<(Vec<DeviceType>, Option<String>)> {
    let after = decode_token(token)?;
    let limit = limit.and_then(|l| usize::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(DEFAULT_LIMIT);
    let page = svc.store.list_devices(pool.id(), &user.username_key, after, limit).await?;
    let devices = page.items.iter().map(|r| device_type(svc, pool, user, r)).collect::<ApiResult<Vec<_>>>()?;
    Ok((devices, page.next.map(encode_token)))
}

async fn set_status<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    key: &str,
    status: Option<&DeviceRememberedStatusType>,
) -> ApiResult<()> {
    let now = svc.clock.now_ms();
    let remembered = status.map(|s| s.as_str() == "remembered");
    modify(svc, pool.id(), &user.username_key, key, |d| {
        if let Some(remembered) = remembered {
            d.remembered = remembered;
        }
        d.modified_ms = now;
    })
    .await
}

async fn forget<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, key: &str) -> ApiResult<()> {
    match svc.store.delete_device(pool.id(), &user.username_key, key).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// `GetDevice`.
pub async fn get_device<S: Store>(svc: &Cognito<S>, input: GetDeviceRequest) -> ApiResult<GetDeviceResponse> {
    let auth = tokens::authenticate(svc, access_token(input.access_token.as_deref())?).await?;
    Ok(GetDeviceResponse { device: get(svc, &auth.pool, &auth.user, &input.device_key).await? })
}

/// `AdminGetDevice`.
pub async fn admin_get_device<S: Store>(
    svc: &Cognito<S>,
    input: AdminGetDeviceRequest,
) -> ApiResult<AdminGetDeviceResponse> {
    let (pool, user) = admin_user(svc, &input.user_pool_id, &input.username).await?;
    Ok(AdminGetDeviceResponse { device: get(svc, &pool, &user, &input.device_key).await? })
}

/// `ListDevices`: the token's user's devices, oldest first.
pub async fn list_devices<S: Store>(svc: &Cognito<S>, input: ListDevicesRequest) -> ApiResult<ListDevicesResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    let (devices, token) = list(svc, &auth.pool, &auth.user, input.limit, input.pagination_token.as_deref()).await?;
    Ok(ListDevicesResponse { devices: Some(devices), pagination_token: token })
}

/// `AdminListDevices`.
pub async fn admin_list_devices<S: Store>(
    svc: &Cognito<S>,
    input: AdminListDevicesRequest,
) -> ApiResult<AdminListDevicesResponse> {
    let (pool, user) = admin_user(svc, &input.user_pool_id, &input.username).await?;
    let (devices, token) = list(svc, &pool, &user, input.limit, input.pagination_token.as_deref()).await?;
    Ok(AdminListDevicesResponse { devices: Some(devices), pagination_token: token })
}

/// `UpdateDeviceStatus`: `remembered` or `not_remembered`.
pub async fn update_device_status<S: Store>(
    svc: &Cognito<S>,
    input: UpdateDeviceStatusRequest,
) -> ApiResult<UpdateDeviceStatusResponse> {
    let auth = tokens::authenticate(svc, &input.access_token).await?;
    set_status(svc, &auth.pool, &auth.user, &input.device_key, input.device_remembered_status.as_ref()).await?;
    Ok(UpdateDeviceStatusResponse::default())
}

/// `AdminUpdateDeviceStatus`.
pub async fn admin_update_device_status<S: Store>(
    svc: &Cognito<S>,
    input: AdminUpdateDeviceStatusRequest,
) -> ApiResult<AdminUpdateDeviceStatusResponse> {
    let (pool, user) = admin_user(svc, &input.user_pool_id, &input.username).await?;
    set_status(svc, &pool, &user, &input.device_key, input.device_remembered_status.as_ref()).await?;
    Ok(AdminUpdateDeviceStatusResponse::default())
}

/// `ForgetDevice`: the device is deleted; its refresh tokens stop working (they are bound to
/// it) and it no longer stands in for MFA.
pub async fn forget_device<S: Store>(svc: &Cognito<S>, input: ForgetDeviceRequest) -> ApiResult<Empty> {
    let auth = tokens::authenticate(svc, access_token(input.access_token.as_deref())?).await?;
    forget(svc, &auth.pool, &auth.user, &input.device_key).await?;
    Ok(Empty::default())
}

/// `AdminForgetDevice`.
pub async fn admin_forget_device<S: Store>(svc: &Cognito<S>, input: AdminForgetDeviceRequest) -> ApiResult<Empty> {
    let (pool, user) = admin_user(svc, &input.user_pool_id, &input.username).await?;
    forget(svc, &pool, &user, &input.device_key).await?;
    Ok(Empty::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_are_fixed_per_device_and_differ_between_devices() {
        let one = group_key("us-east-1_0b7b1a52-57ad-4a6e-8b0b-2f4c1f7d7f11");
        assert_eq!(one, group_key("us-east-1_0b7b1a52-57ad-4a6e-8b0b-2f4c1f7d7f11"));
        assert_ne!(one, group_key("us-east-1_9c1e2f55-1d3c-4f51-9b0e-6a0d6f3b2a22"));
        assert!(one.starts_with('-') && one.len() == 10);
    }
}
