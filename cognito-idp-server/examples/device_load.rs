//! The device sign-in load of `bench/reference.sh` (section `devices`): password sign-ins
//! against sign-ins on a remembered device, in the same run, against one server.
//!
//! ```text
//! device_load run --url URL [--users 50] [--concurrency 16] [--duration 10] [--server-pid PID]
//! ```
//!
//! It makes a pool that remembers devices (`ChallengeRequiredOnNewDevice`), an app client
//! allowing `USER_PASSWORD_AUTH`, and users u0..u{N-1} with a permanent password; each signs in
//! once and confirms the device it is given (`ConfirmDevice` with an SRP verifier of a random
//! password, made with `cognito_auth::srp`). Then `concurrency` workers run, for `duration`
//! seconds each: password sign-ins (`InitiateAuth` with `USER_PASSWORD_AUTH`), then device
//! sign-ins (the same with `DEVICE_KEY`, then `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`
//! answered with the device's SRP). A sign-in counts when it ends with an access token. Prints
//! one JSON line per kind. With `--server-pid`, the server's CPU time over each load (from
//! `/proc`) gives sign-ins per server CPU-second, a figure that holds on a host where other work
//! shares the cores.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient, verifier};
use serde_json::{Value, json};

use support::sign_in_load::{Options, SignIn, load};
use support::{Error, call_ok};

const PASSWORD: &str = "Bench-Passw0rd!";

/// What a user's client keeps of its remembered device.
#[derive(Clone)]
struct Device {
    username: String,
    key: String,
    /// The pool id cognito-auth's SRP takes: it hashes the part after `_`, the group key.
    srp_pool: String,
    password: String,
    /// The SRP ephemeral secret of its sign-ins: see [`ephemeral`].
    secret: Vec<u8>,
}

/// A 256-bit SRP ephemeral secret for device `index`, made once before the clock starts and
/// reused, as `load`'s `srp` does for users: a real client draws a new 1024-bit one per sign-in,
/// but here the client shares the host's cores with the server, and a short exponent keeps its
/// own arithmetic small next to the server's, which is the same either way.
fn ephemeral(index: u64) -> Vec<u8> {
    let mut state = 0x2545_F491_4F6C_DD1D ^ (index + 1);
    (0..4)
        .flat_map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_be_bytes()
        })
        .collect()
}

fn sign_in_body(client: &str, username: &str, device_key: Option<&str>) -> Value {
    let mut params = json!({"USERNAME": username, "PASSWORD": PASSWORD});
    if let Some(key) = device_key {
        params["DEVICE_KEY"] = json!(key);
    }
    json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": params})
}

/// The pool, client and users, each with a confirmed device.
async fn setup(http: &reqwest::Client, url: &str, users: u64) -> Result<(String, Vec<Device>), Error> {
    let config = json!({"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false});
    let pool =
        call_ok(http, url, "CreateUserPool", &json!({"PoolName": "devices", "DeviceConfiguration": config})).await?;
    let pool = pool["UserPool"]["Id"].as_str().ok_or("no pool id")?.to_owned();
    let flows = json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let request = json!({"UserPoolId": pool, "ClientName": "bench", "ExplicitAuthFlows": flows});
    let client = call_ok(http, url, "CreateUserPoolClient", &request).await?;
    let client = client["UserPoolClient"]["ClientId"].as_str().ok_or("no client id")?.to_owned();
    let mut devices = Vec::new();
    for i in 0..users {
        let username = format!("u{i}");
        let create = json!({"UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS"});
        call_ok(http, url, "AdminCreateUser", &create).await?;
        let set = json!({"UserPoolId": pool, "Username": username, "Password": PASSWORD, "Permanent": true});
        call_ok(http, url, "AdminSetUserPassword", &set).await?;
        let signed_in = call_ok(http, url, "InitiateAuth", &sign_in_body(&client, &username, None)).await?;
        let result = &signed_in["AuthenticationResult"];
        let key = result["NewDeviceMetadata"]["DeviceKey"].as_str().ok_or("no NewDeviceMetadata")?.to_owned();
        let group = result["NewDeviceMetadata"]["DeviceGroupKey"].as_str().ok_or("no group key")?;
        let device = Device {
            username,
            key,
            srp_pool: format!("device_{group}"),
            password: format!("device-password-{i}"),
            secret: ephemeral(i),
        };
        let made = verifier(&device.srp_pool, &device.key, &device.password, &i.to_be_bytes())?;
        let confirm = json!({
            "AccessToken": result["AccessToken"],
            "DeviceKey": device.key,
            "DeviceSecretVerifierConfig": {
                "PasswordVerifier": STANDARD.encode(made.verifier_bytes()),
                "Salt": STANDARD.encode(made.salt()),
            },
        });
        call_ok(http, url, "ConfirmDevice", &confirm).await?;
        devices.push(device);
    }
    Ok((client, devices))
}

/// One device sign-in: the password, then the device's two challenges.
async fn device_sign_in(http: &reqwest::Client, url: &str, client: &str, device: &Device) -> Result<bool, Error> {
    let started =
        call_ok(http, url, "InitiateAuth", &sign_in_body(client, &device.username, Some(&device.key))).await?;
    if started["ChallengeName"] != "DEVICE_SRP_AUTH" {
        return Ok(false);
    }
    let srp = SrpClient::with_ephemeral(&device.srp_pool, &device.key, &device.password, &device.secret)?;
    let respond = |name: &str, session: &Value, responses: Value| json!({"ChallengeName": name, "ClientId": client, "Session": session, "ChallengeResponses": responses});
    let responses = json!({"USERNAME": device.username, "DEVICE_KEY": device.key, "SRP_A": srp.srp_a()});
    let challenge =
        call_ok(http, url, "RespondToAuthChallenge", &respond("DEVICE_SRP_AUTH", &started["Session"], responses))
            .await?;
    let mut parameters: Vec<(String, String)> = challenge["ChallengeParameters"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    parameters.push(("USER_ID_FOR_SRP".into(), device.key.clone()));
    let claim = tokio::task::spawn_blocking(move || {
        PasswordVerifierChallenge::from_parameters(parameters).and_then(|c| srp.respond(&c))
    })
    .await??;
    let mut claim = serde_json::to_value(claim)?;
    claim["USERNAME"] = json!(device.username);
    claim["DEVICE_KEY"] = json!(device.key);
    let done = call_ok(
        http,
        url,
        "RespondToAuthChallenge",
        &respond("DEVICE_PASSWORD_VERIFIER", &challenge["Session"], claim),
    )
    .await?;
    Ok(done["AuthenticationResult"]["AccessToken"].is_string())
}

/// The two sign-ins the load compares: by password alone, or on the remembered device.
struct Kind {
    http: reqwest::Client,
    url: String,
    client: String,
    device: bool,
}

impl SignIn for Kind {
    type User = Device;

    fn kind(&self) -> &'static str {
        if self.device { "device SRP sign-in" } else { "password sign-in" }
    }

    async fn sign_in(&self, user: &Device) -> Result<bool, Error> {
        let (http, url, client) = (&self.http, &self.url, &self.client);
        if self.device {
            device_sign_in(http, url, client, user).await
        } else {
            call_ok(http, url, "InitiateAuth", &sign_in_body(client, &user.username, None))
                .await
                .map(|a| a["AuthenticationResult"]["AccessToken"].is_string())
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let usage = "device_load run --url URL [--users 50] [--concurrency 16] [--duration 10] [--server-pid PID]";
    let options = Options::parse(usage, 10)?;
    let http = options.http()?;
    let (client, devices) = setup(&http, &options.url, options.users).await?;
    let devices = Arc::new(devices);
    for device in [false, true] {
        let kind = Kind { http: http.clone(), url: options.url.clone(), client: client.clone(), device };
        println!("{}", load(kind, &devices, &options).await?);
    }
    Ok(())
}
