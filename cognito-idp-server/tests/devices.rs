//! Remembered devices over HTTP with the generated client: `NewDeviceMetadata` in sign-in
//! results of pools that track devices, `ConfirmDevice` with a verifier made by cognito-auth's
//! SRP, sign-in with `DEVICE_KEY` through `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`
//! (MFA skipped on a remembered device where the pool says so, and asked again once it is
//! forgotten or not remembered), refresh tokens bound to their device, the device operations
//! and their administrators' versions, and devices going with their user.
//! amazon-cognito-identity-js doing the same is in tests/real_clients_auth.rs.

mod common;

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient, verifier};
use cognito_idp::Client;
use cognito_idp::types::*;
use common::{
    ClientBuilder, Env, InProcessServer, PASSWORD, PoolBuilder, UserBuilder, failure, not_authorized, outcome, pair,
};

const FLOWS: [&str; 3] = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

/// A pool's device configuration.
fn devices(challenge_required_on_new_device: bool, only_on_prompt: bool) -> DeviceConfigurationType {
    DeviceConfigurationType {
        challenge_required_on_new_device: Some(challenge_required_on_new_device),
        device_only_remembered_on_user_prompt: Some(only_on_prompt),
    }
}

/// A server with a pool of `config` (with SMS MFA required when `mfa`) and a password client,
/// and `diego`, who has a phone for MFA codes.
async fn env(config: Option<DeviceConfigurationType>, mfa: bool) -> Env {
    let mut pool = PoolBuilder::new("devices").with(move |p| p.set_device_configuration(config));
    if mfa {
        pool = pool.mfa("ON").sms_mfa();
    }
    let env = Env::start(pool, ClientBuilder::new("app").flows(&FLOWS)).await;
    let user = UserBuilder::new("diego").email().attr("phone_number", "+14155550123").password(PASSWORD);
    user.create(&env.client, &env.pool).await;
    env
}

/// What a client keeps of a device it confirmed.
struct Device {
    key: String,
    group: String,
    password: String,
}

impl Device {
    /// What cognito-auth's SRP takes as a pool id for the device: SRP hashes the part after
    /// the first `_`, which for a device is its group key.
    fn srp_pool(&self) -> String {
        format!("device_{}", self.group)
    }
}

/// The claims of a JWT, unverified.
fn claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// `USER_PASSWORD_AUTH`, with `DEVICE_KEY` when given.
async fn initiate(env: &Env, device_key: Option<&str>) -> Result<InitiateAuthResponse, (String, String)> {
    let mut params =
        BTreeMap::from([("USERNAME".to_owned(), "diego".to_owned()), ("PASSWORD".into(), PASSWORD.into())]);
    if let Some(key) = device_key {
        params.insert("DEVICE_KEY".into(), key.into());
    }
    let call = env.client.initiate_auth().client_id(&env.app).auth_flow("USER_PASSWORD_AUTH");
    outcome(call.set_auth_parameters(Some(params)).send().await)
}

/// Answers `SMS_MFA` with the code the server "sent".
async fn answer_sms(env: &Env, session: Option<String>) -> RespondToAuthChallengeResponse {
    let code = env.server.outbox_code(&env.pool, "diego", Some("SMS_MFA")).await;
    let responses = [("USERNAME", "diego"), ("SMS_MFA_CODE", code.as_str())];
    common::respond_to_challenge(&env.client, &env.app, "SMS_MFA", session, &responses).await.expect("SMS_MFA")
}

/// Confirms the device of `metadata` for the holder of `access`, with a verifier of a random
/// password (as amazon-cognito-identity-js makes it).
async fn confirm(client: &Client, access: &str, metadata: &NewDeviceMetadataType) -> (Device, ConfirmDeviceResponse) {
    let (device, out) = try_confirm(client, access, metadata).await;
    (device, out.expect("ConfirmDevice"))
}

/// [`confirm`], its answer as it comes.
async fn try_confirm(
    client: &Client,
    access: &str,
    metadata: &NewDeviceMetadataType,
) -> (Device, Result<ConfirmDeviceResponse, (String, String)>) {
    let key = metadata.device_key.clone().expect("DeviceKey");
    let group = metadata.device_group_key.clone().expect("DeviceGroupKey");
    let password = STANDARD.encode(rand_bytes::<40>());
    let device = Device { key, group, password };
    let made = verifier(&device.srp_pool(), &device.key, &device.password, &rand_bytes::<16>()).unwrap();
    let config = DeviceSecretVerifierConfigType {
        password_verifier: Some(STANDARD.encode(made.verifier_bytes())),
        salt: Some(STANDARD.encode(made.salt())),
    };
    let out = client
        .confirm_device()
        .access_token(access)
        .device_key(&device.key)
        .device_secret_verifier_config(config)
        .device_name("test device")
        .send()
        .await;
    (device, outcome(out))
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    bytes
}

/// A password sign-in presenting `device`, through its `DEVICE_SRP_AUTH` and
/// `DEVICE_PASSWORD_VERIFIER` challenges (with `password`, the device's own unless given): what
/// follows them.
async fn device_sign_in(
    env: &Env,
    device: &Device,
    password: Option<&str>,
) -> Result<RespondToAuthChallengeResponse, (String, String)> {
    device_sign_in_across(env, env, device, password).await
}

/// [`device_sign_in`] with `DEVICE_SRP_AUTH` answered through `other` (another instance).
async fn device_sign_in_across(
    env: &Env,
    other: &Env,
    device: &Device,
    password: Option<&str>,
) -> Result<RespondToAuthChallengeResponse, (String, String)> {
    let started = initiate(env, Some(&device.key)).await?;
    assert_eq!(started.challenge_name.as_ref().map(|c| c.as_str()), Some("DEVICE_SRP_AUTH"), "{started:?}");
    let srp = SrpClient::new(&device.srp_pool(), &device.key, password.unwrap_or(&device.password)).unwrap();
    let srp_a = srp.srp_a();
    let responses = [("USERNAME", "diego"), ("DEVICE_KEY", device.key.as_str()), ("SRP_A", srp_a.as_str())];
    let challenge =
        common::respond_to_challenge(&other.client, &env.app, "DEVICE_SRP_AUTH", started.session, &responses);
    let challenge = outcome(challenge.await)?;
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("DEVICE_PASSWORD_VERIFIER"));
    let mut params = challenge.challenge_parameters.clone().unwrap();
    assert_eq!(params.get("DEVICE_KEY"), Some(&device.key));
    assert_eq!(params.get("USERNAME").map(String::as_str), Some("diego"));
    params.insert("USER_ID_FOR_SRP".into(), device.key.clone());
    let mut claim = srp.respond(&PasswordVerifierChallenge::from_parameters(&params).unwrap()).unwrap();
    claim.insert("USERNAME".into(), "diego".into());
    claim.insert("DEVICE_KEY".into(), device.key.clone());
    let claim: Vec<(&str, &str)> = claim.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    outcome(
        common::respond_to_challenge(&env.client, &env.app, "DEVICE_PASSWORD_VERIFIER", challenge.session, &claim)
            .await,
    )
}

/// `REFRESH_TOKEN_AUTH`, with `DEVICE_KEY` when given.
async fn refresh(env: &Env, token: &str, device_key: Option<&str>) -> Result<InitiateAuthResponse, (String, String)> {
    let mut call = env.client.initiate_auth().client_id(&env.app).auth_flow("REFRESH_TOKEN_AUTH");
    call = call.auth_parameters("REFRESH_TOKEN", token);
    if let Some(key) = device_key {
        call = call.auth_parameters("DEVICE_KEY", key);
    }
    outcome(call.send().await)
}

fn device_not_found() -> (String, String) {
    pair("ResourceNotFoundException", "Device does not exist.")
}

fn attribute(device: &DeviceType, name: &str) -> Option<String> {
    device.device_attributes.as_ref()?.iter().find(|a| a.name == name)?.value.clone()
}

#[tokio::test]
async fn pools_without_device_configuration_give_no_device_keys() {
    let env = env(None, false).await;
    let result = initiate(&env, Some("us-east-1_0b7b1a52-57ad-4a6e-8b0b-2f4c1f7d7f11")).await.unwrap();
    let result = result.authentication_result.expect("tokens: the device key plays no part");
    assert!(result.new_device_metadata.is_none());
    assert!(claims(result.access_token.as_deref().unwrap()).get("device_key").is_none());
    let described = env.client.describe_user_pool().user_pool_id(&env.pool).send().await.unwrap();
    assert!(described.user_pool.unwrap().device_configuration.is_none());
}

#[tokio::test]
async fn a_confirmed_device_is_listed_read_updated_and_forgotten() {
    let env = env(Some(devices(true, false)), false).await;
    let described = env.client.describe_user_pool().user_pool_id(&env.pool).send().await.unwrap();
    assert_eq!(described.user_pool.unwrap().device_configuration, Some(devices(true, false)));

    let result = initiate(&env, None).await.unwrap().authentication_result.expect("tokens");
    let metadata = result.new_device_metadata.clone().expect("NewDeviceMetadata");
    let key = metadata.device_key.clone().unwrap();
    let (region, uuid) = key.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{key}");
    assert!(!metadata.device_group_key.clone().unwrap().is_empty());
    let access = result.access_token.unwrap();
    assert_eq!(claims(&access)["device_key"], key.as_str(), "the access token names its device");

    // Not confirmed yet: nothing to see, and its refresh token does not work (AWS's rule).
    let refresh_token = result.refresh_token.unwrap();
    assert_eq!(refresh(&env, &refresh_token, Some(&key)).await.unwrap_err(), not_authorized("Invalid Refresh Token"));
    let get = env.client.get_device().access_token(&access).device_key(&key).send().await;
    assert_eq!(failure(get), device_not_found());

    // A device another sign-in was given cannot be confirmed with this token.
    let other = initiate(&env, None).await.unwrap().authentication_result.unwrap().new_device_metadata.unwrap();
    let wrong = env.client.confirm_device().access_token(&access).device_key(other.device_key.unwrap()).send().await;
    assert_eq!(failure(wrong), device_not_found());

    let (device, confirmed) = confirm(&env.client, &access, &metadata).await;
    assert_eq!(confirmed.user_confirmation_necessary, Some(false), "remembered at once");
    let again = env
        .client
        .confirm_device()
        .access_token(&access)
        .device_key(&device.key)
        .device_secret_verifier_config(DeviceSecretVerifierConfigType {
            password_verifier: Some("AAAA".into()),
            salt: Some("AAAA".into()),
        })
        .send()
        .await;
    assert_eq!(failure(again).0, "DeviceKeyExistsException");

    let got = env.client.get_device().access_token(&access).device_key(&device.key).send().await.unwrap().device;
    assert_eq!(got.device_key.as_deref(), Some(device.key.as_str()));
    assert_eq!(attribute(&got, "device_status").as_deref(), Some("valid"));
    assert_eq!(attribute(&got, "device_name").as_deref(), Some("test device"));
    assert_eq!(attribute(&got, "dev:device_remembered_status").as_deref(), Some("remembered"));
    assert_eq!(attribute(&got, "last_ip_used").as_deref(), Some("127.0.0.1"));
    assert_eq!(attribute(&got, "dev:device_owner"), Some(format!("diego.{}", env.pool)));
    assert!(got.device_create_date.is_some() && got.device_last_modified_date.is_some());
    assert!(got.device_last_authenticated_date.is_some());

    // Refresh now works, with the device key only.
    assert!(refresh(&env, &refresh_token, Some(&device.key)).await.unwrap().authentication_result.is_some());
    assert_eq!(refresh(&env, &refresh_token, None).await.unwrap_err(), not_authorized("Invalid Refresh Token"));

    // The administrators' view, by username.
    let admin = env.client.admin_get_device().user_pool_id(&env.pool).username("diego").device_key(&device.key);
    assert_eq!(admin.send().await.unwrap().device.device_key, got.device_key);
    let unknown = env.client.admin_get_device().user_pool_id(&env.pool).username("nobody").device_key(&device.key);
    assert_eq!(failure(unknown.send().await), pair("UserNotFoundException", "User does not exist."));
    let status = env
        .client
        .admin_update_device_status()
        .user_pool_id(&env.pool)
        .username("diego")
        .device_key(&device.key)
        .device_remembered_status("not_remembered");
    status.send().await.expect("AdminUpdateDeviceStatus");
    let listed = env.client.list_devices().access_token(&access).send().await.unwrap().devices.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(attribute(&listed[0], "dev:device_remembered_status").as_deref(), Some("not_remembered"));
    env.client
        .update_device_status()
        .access_token(&access)
        .device_key(&device.key)
        .device_remembered_status("remembered")
        .send()
        .await
        .expect("UpdateDeviceStatus");
    let admin_listed = env.client.admin_list_devices().user_pool_id(&env.pool).username("diego").send().await.unwrap();
    let admin_listed = admin_listed.devices.unwrap();
    assert_eq!(attribute(&admin_listed[0], "dev:device_remembered_status").as_deref(), Some("remembered"));

    env.client.forget_device().access_token(&access).device_key(&device.key).send().await.expect("ForgetDevice");
    let listed = env.client.list_devices().access_token(&access).send().await.unwrap();
    assert_eq!(listed.devices, Some(vec![]));
    let forget_again =
        env.client.admin_forget_device().user_pool_id(&env.pool).username("diego").device_key(&device.key);
    assert_eq!(failure(forget_again.send().await), device_not_found());
    // A forgotten device's refresh tokens stop working.
    assert_eq!(
        refresh(&env, &refresh_token, Some(&device.key)).await.unwrap_err(),
        not_authorized("Invalid Refresh Token")
    );
}

#[tokio::test]
async fn listings_page_through_a_users_devices() {
    let env = env(Some(devices(false, false)), false).await;
    let mut keys = Vec::new();
    let mut access = String::new();
    for _ in 0..3 {
        let result = initiate(&env, None).await.unwrap().authentication_result.unwrap();
        access = result.access_token.unwrap();
        let (device, _) = confirm(&env.client, &access, &result.new_device_metadata.unwrap()).await;
        keys.push(device.key);
    }
    let first = env.client.list_devices().access_token(&access).limit(2).send().await.unwrap();
    let token = first.pagination_token.clone().expect("more follow");
    let second =
        env.client.admin_list_devices().user_pool_id(&env.pool).username("diego").limit(2).pagination_token(token);
    let second = second.send().await.unwrap();
    assert!(second.pagination_token.is_none());
    let listed: Vec<String> =
        first.devices.unwrap().into_iter().chain(second.devices.unwrap()).filter_map(|d| d.device_key).collect();
    assert_eq!(listed, keys, "oldest first, across both operations' pages");
}

#[tokio::test]
async fn a_remembered_device_stands_in_for_mfa_and_a_forgotten_one_no_longer_does() {
    let env = env(Some(devices(true, false)), true).await;
    let challenge = initiate(&env, None).await.unwrap();
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("SMS_MFA"));
    let result = answer_sms(&env, challenge.session).await.authentication_result.expect("tokens");
    let metadata = result.new_device_metadata.clone().expect("NewDeviceMetadata after MFA");
    let (device, _) = confirm(&env.client, result.access_token.as_deref().unwrap(), &metadata).await;

    // The remembered device: device SRP, then tokens without MFA, bound to the device.
    let signed_in = device_sign_in(&env, &device, None).await.unwrap();
    assert_eq!(signed_in.challenge_name, None, "no MFA on a remembered device: {signed_in:?}");
    let result = signed_in.authentication_result.expect("tokens");
    assert!(result.new_device_metadata.is_none(), "a known device gets no new key");
    assert_eq!(claims(result.access_token.as_deref().unwrap())["device_key"], device.key.as_str());
    let refreshed = refresh(&env, result.refresh_token.as_deref().unwrap(), Some(&device.key)).await.unwrap();
    let refreshed = refreshed.authentication_result.unwrap();
    assert_eq!(claims(refreshed.access_token.as_deref().unwrap())["device_key"], device.key.as_str());

    // A wrong device password fails the sign-in.
    assert_eq!(device_sign_in(&env, &device, Some("not the password")).await.unwrap_err(), common::incorrect());

    // Forgotten by an administrator: the key is refused, and the next sign-in asks for MFA.
    let forget = env.client.admin_forget_device().user_pool_id(&env.pool).username("diego").device_key(&device.key);
    forget.send().await.expect("AdminForgetDevice");
    assert_eq!(initiate(&env, Some(&device.key)).await.unwrap_err(), device_not_found());
    let challenge = initiate(&env, None).await.unwrap();
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("SMS_MFA"));
    // amazon-cognito-identity-js then retries with `"DEVICE_KEY": null` (it has no device), which
    // AWS takes as no device: so does this server (a null map value is absent).
    let body = serde_json::json!({
        "ClientId": env.app,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "diego", "PASSWORD": PASSWORD, "DEVICE_KEY": null},
    });
    let response = reqwest::Client::new()
        .post(env.server.url())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.InitiateAuth")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!((status.as_u16(), answer["ChallengeName"].as_str()), (200, Some("SMS_MFA")), "{answer}");
}

#[tokio::test]
async fn devices_remembered_on_the_users_say_ask_for_mfa_until_remembered() {
    let env = env(Some(devices(true, true)), true).await;
    let challenge = initiate(&env, None).await.unwrap();
    let result = answer_sms(&env, challenge.session).await.authentication_result.unwrap();
    let access = result.access_token.unwrap();
    let (device, confirmed) = confirm(&env.client, &access, &result.new_device_metadata.unwrap()).await;
    assert_eq!(confirmed.user_confirmation_necessary, Some(true), "the app must ask the user");

    // Proved but not remembered: MFA follows the device challenges, and the tokens keep the
    // device.
    let proved = device_sign_in(&env, &device, None).await.unwrap();
    assert_eq!(proved.challenge_name.as_ref().map(|c| c.as_str()), Some("SMS_MFA"));
    let result = answer_sms(&env, proved.session).await.authentication_result.unwrap();
    assert!(result.new_device_metadata.is_none());
    assert_eq!(claims(result.access_token.as_deref().unwrap())["device_key"], device.key.as_str());

    env.client
        .update_device_status()
        .access_token(&access)
        .device_key(&device.key)
        .device_remembered_status("remembered")
        .send()
        .await
        .unwrap();
    let skipped = device_sign_in(&env, &device, None).await.unwrap();
    assert!(skipped.authentication_result.is_some(), "remembered now: {skipped:?}");
}

#[tokio::test]
async fn without_challenge_required_on_new_device_remembered_devices_still_get_mfa() {
    let env = env(Some(devices(false, false)), true).await;
    let challenge = initiate(&env, None).await.unwrap();
    let result = answer_sms(&env, challenge.session).await.authentication_result.unwrap();
    let (device, _) =
        confirm(&env.client, result.access_token.as_deref().unwrap(), &result.new_device_metadata.unwrap()).await;
    let proved = device_sign_in(&env, &device, None).await.unwrap();
    assert_eq!(proved.challenge_name.as_ref().map(|c| c.as_str()), Some("SMS_MFA"));
}

#[tokio::test]
async fn an_unknown_device_fails_the_password_verifier_but_keeps_its_session() {
    let env = env(Some(devices(true, false)), false).await;
    let srp = SrpClient::new(&env.pool, "diego", PASSWORD).unwrap();
    let started = env
        .client
        .initiate_auth()
        .client_id(&env.app)
        .auth_flow("USER_SRP_AUTH")
        .set_auth_parameters(Some(srp.auth_parameters()))
        .send()
        .await
        .unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(started.challenge_parameters.unwrap()).unwrap();
    let claim = srp.respond(&challenge).unwrap();
    let mut with_device: Vec<(&str, &str)> = claim.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    with_device.push(("DEVICE_KEY", "us-east-1_0b7b1a52-57ad-4a6e-8b0b-2f4c1f7d7f11"));
    let refused =
        common::respond_to_challenge(&env.client, &env.app, "PASSWORD_VERIFIER", started.session.clone(), &with_device);
    assert_eq!(outcome(refused.await).unwrap_err(), device_not_found());
    // amazon-cognito-identity-js answers again with the same session, without the device.
    let without: Vec<(&str, &str)> = claim.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = common::respond_to_challenge(&env.client, &env.app, "PASSWORD_VERIFIER", started.session, &without);
    let result = done.await.expect("the same session, without the device").authentication_result.unwrap();
    assert!(result.new_device_metadata.is_some(), "and a new device for it");
}

#[tokio::test]
async fn devices_go_with_their_user() {
    let env = env(Some(devices(true, false)), false).await;
    let result = initiate(&env, None).await.unwrap().authentication_result.unwrap();
    let (device, _) =
        confirm(&env.client, result.access_token.as_deref().unwrap(), &result.new_device_metadata.unwrap()).await;
    env.client.admin_delete_user().user_pool_id(&env.pool).username("diego").send().await.unwrap();
    UserBuilder::new("diego").email().password(PASSWORD).create(&env.client, &env.pool).await;
    let listed = env.client.admin_list_devices().user_pool_id(&env.pool).username("diego").send().await.unwrap();
    assert_eq!(listed.devices, Some(vec![]), "the new diego has no devices");
    assert_eq!(initiate(&env, Some(&device.key)).await.unwrap_err(), device_not_found());
}

#[tokio::test]
async fn devices_work_across_two_instances_and_racing_confirmations_have_one_winner() {
    let first = env(Some(devices(true, false)), true).await;
    let (db, issuer) = (first.server.db.clone(), first.server.url());
    // One issuer for both, as behind a load balancer: each accepts the other's tokens.
    let server = InProcessServer::start_with(move |o| {
        o.db = db;
        o.issuer_base = Some(issuer);
    })
    .await;
    let client = server.client();
    let second = Env { server, client, pool: first.pool.clone(), app: first.app.clone(), secret: None };

    let challenge = initiate(&first, None).await.unwrap();
    let result = answer_sms(&second, challenge.session).await.authentication_result.unwrap();
    let access = result.access_token.unwrap();
    let metadata = result.new_device_metadata.unwrap();
    let (one, two) =
        tokio::join!(try_confirm(&first.client, &access, &metadata), try_confirm(&second.client, &access, &metadata));
    let (winner, loser) = match (one, two) {
        ((device, Ok(_)), (_, Err(lost))) | ((_, Err(lost)), (device, Ok(_))) => (device, lost),
        other => panic!("exactly one confirmation wins: {:?}", (other.0.1, other.1.1)),
    };
    assert_eq!(loser.0, "DeviceKeyExistsException");

    let signed_in = device_sign_in_across(&first, &second, &winner, None).await.unwrap();
    assert!(signed_in.authentication_result.is_some(), "no MFA, across instances: {signed_in:?}");
}

#[tokio::test]
async fn the_token_endpoint_refreshes_a_device_bound_token_with_its_device_key() {
    let env = env(Some(devices(true, false)), false).await;
    let domain = env.client.create_user_pool_domain().user_pool_id(&env.pool).domain("devices-refresh");
    domain.send().await.expect("CreateUserPoolDomain");
    let result = initiate(&env, None).await.unwrap().authentication_result.unwrap();
    let refresh_token = result.refresh_token.clone().unwrap();
    let (device, _) =
        confirm(&env.client, result.access_token.as_deref().unwrap(), &result.new_device_metadata.unwrap()).await;
    let url = format!("{}/domain/devices-refresh/oauth2/token", env.server.url());
    let post = |fields: Vec<(&str, &str)>| {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let request = reqwest::Client::new().post(&url).header("content-type", "application/x-www-form-urlencoded");
        async move {
            let response = request.body(body).send().await.unwrap();
            (response.status().as_u16(), response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let base =
        vec![("grant_type", "refresh_token"), ("client_id", env.app.as_str()), ("refresh_token", &refresh_token)];
    let (status, body) = post(base.clone()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "without its device: {body}");
    let mut with_device = base;
    with_device.push(("device_key", &device.key));
    let (status, body) = post(with_device).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["device_key"], device.key.as_str());
}

#[tokio::test]
async fn triggers_see_new_devices_and_device_authentications() {
    use common::lambda::{FakeLambda, arn};
    let lambda = FakeLambda::start().await;
    lambda.returns("post", |_| {});
    lambda.returns("pre-token", |_| {});
    let url = lambda.url();
    let triggers = LambdaConfigType {
        post_authentication: Some(arn("post")),
        pre_token_generation: Some(arn("pre-token")),
        ..Default::default()
    };
    let config = Some(devices(true, false));
    let pool = PoolBuilder::new("devices").with(move |p| p.set_device_configuration(config).lambda_config(triggers));
    let env =
        Env::start_with(pool, ClientBuilder::new("app").flows(&FLOWS), move |o| o.lambda_endpoint = Some(url)).await;
    UserBuilder::new("diego").email().password(PASSWORD).create(&env.client, &env.pool).await;

    // A sign-in without a device in a pool that remembers them: on a new device.
    let result = initiate(&env, None).await.unwrap().authentication_result.expect("tokens");
    let post = lambda.events("post").pop().unwrap();
    assert_eq!(post["request"]["newDeviceUsed"], true);
    assert_eq!(lambda.events("pre-token").pop().unwrap()["triggerSource"], "TokenGeneration_Authentication");
    let metadata = result.new_device_metadata.clone().expect("NewDeviceMetadata");
    let (device, _) = confirm(&env.client, result.access_token.as_deref().unwrap(), &metadata).await;

    // On the remembered device: not new, and the tokens end the device's authentication.
    device_sign_in(&env, &device, None).await.unwrap().authentication_result.expect("tokens");
    let post = lambda.events("post").pop().unwrap();
    assert_eq!(post["request"]["newDeviceUsed"], false);
    assert_eq!(lambda.events("pre-token").pop().unwrap()["triggerSource"], "TokenGeneration_AuthenticateDevice");
}
