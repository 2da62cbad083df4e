//! The passkey sign-in load of `bench/reference.sh` (section `passkeys`): password sign-ins
//! against passkey sign-ins, in the same run, against one server.
//!
//! ```text
//! passkey_load run --url URL [--users 50] [--concurrency 16] [--duration 5] [--server-pid PID]
//! ```
//!
//! It makes a pool that allows passwords and passkeys (`AllowedFirstAuthFactors`, relying party
//! `localhost`), an app client allowing `USER_AUTH` and `USER_PASSWORD_AUTH`, and users
//! u0..u{N-1} with a permanent password; each signs in once and registers a passkey held by the
//! tests' software authenticator (`tests/common/authenticator.rs`: ECDSA P-256, `none`
//! attestation). Then `concurrency` workers run, for `duration` seconds each: password sign-ins
//! (`InitiateAuth` with `USER_PASSWORD_AUTH`, one request), then passkey sign-ins (`USER_AUTH`
//! preferring `WEB_AUTHN`, then `RespondToAuthChallenge` with the signed `CREDENTIAL`: two
//! requests, the server's ES256 verification and the sign counter written). A sign-in counts
//! when it ends with an access token. Prints one JSON line per kind; with `--server-pid`, also
//! sign-ins per server CPU-second (from `/proc`).

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/common/authenticator.rs"]
mod authenticator;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

use authenticator::{Attestation, Authenticator, Bend};
use support::{Args, Error, call, cpu_seconds};

const PASSWORD: &str = "Bench-Passw0rd!";
const ORIGIN: &str = "http://localhost:5173";

/// A user and the passkey its client holds.
struct User {
    username: String,
    passkey: Mutex<Authenticator>,
}

async fn api(http: &reqwest::Client, url: &str, operation: &str, body: &Value) -> Result<Value, Error> {
    let (status, answer) = call(http, url, operation, body).await?;
    if status != 200 {
        return Err(format!("{operation} answered {status}: {answer}").into());
    }
    Ok(answer)
}

fn password_body(client: &str, username: &str) -> Value {
    json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
           "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}})
}

/// The pool, client and users, each with a registered passkey.
async fn setup(http: &reqwest::Client, url: &str, users: u64) -> Result<(String, Vec<User>), Error> {
    let policies = json!({"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}});
    let request = json!({"PoolName": "passkeys", "UserPoolTier": "ESSENTIALS", "Policies": policies});
    let pool = api(http, url, "CreateUserPool", &request).await?;
    let pool = pool["UserPool"]["Id"].as_str().ok_or("no pool id")?.to_owned();
    let config = json!({"UserPoolId": pool, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "required"}});
    api(http, url, "SetUserPoolMfaConfig", &config).await?;
    let flows = json!(["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let request = json!({"UserPoolId": pool, "ClientName": "bench", "ExplicitAuthFlows": flows});
    let client = api(http, url, "CreateUserPoolClient", &request).await?;
    let client = client["UserPoolClient"]["ClientId"].as_str().ok_or("no client id")?.to_owned();
    let mut made = Vec::new();
    for i in 0..users {
        let username = format!("u{i}");
        let create = json!({"UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS"});
        api(http, url, "AdminCreateUser", &create).await?;
        let set = json!({"UserPoolId": pool, "Username": username, "Password": PASSWORD, "Permanent": true});
        api(http, url, "AdminSetUserPassword", &set).await?;
        let signed_in = api(http, url, "InitiateAuth", &password_body(&client, &username)).await?;
        let token = &signed_in["AuthenticationResult"]["AccessToken"];
        let started = api(http, url, "StartWebAuthnRegistration", &json!({"AccessToken": token})).await?;
        let mut passkey = Authenticator::new(ORIGIN);
        let credential = passkey.register(&started["CredentialCreationOptions"], Attestation::None, &Bend::default());
        api(http, url, "CompleteWebAuthnRegistration", &json!({"AccessToken": token, "Credential": credential}))
            .await?;
        made.push(User { username, passkey: Mutex::new(passkey) });
    }
    Ok((client, made))
}

/// One passkey sign-in: the challenge, then the signed answer.
async fn passkey_sign_in(http: &reqwest::Client, url: &str, client: &str, user: &User) -> Result<bool, Error> {
    let params = json!({"USERNAME": user.username, "PREFERRED_CHALLENGE": "WEB_AUTHN"});
    let body = json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": params});
    let started = api(http, url, "InitiateAuth", &body).await?;
    let options = started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"].as_str().ok_or("no request options")?;
    // The authenticator's counter moves with each answer: one sign-in per passkey at a time.
    let mut passkey = user.passkey.lock().await;
    let credential = passkey.assert(options, &Bend::default());
    let responses = json!({"USERNAME": user.username, "CREDENTIAL": credential});
    let answer = json!({"ChallengeName": "WEB_AUTHN", "ClientId": client, "Session": started["Session"], "ChallengeResponses": responses});
    let done = api(http, url, "RespondToAuthChallenge", &answer).await?;
    Ok(done["AuthenticationResult"]["AccessToken"].is_string())
}

/// `concurrency` workers signing in (by passkey or by password) until `duration` is over.
#[allow(clippy::too_many_arguments)]
async fn load(
    http: &reqwest::Client,
    url: &str,
    client: &str,
    users: &Arc<Vec<User>>,
    passkey: bool,
    concurrency: u64,
    duration: Duration,
    server: Option<u32>,
) -> Result<Value, Error> {
    let cpu_before = server.and_then(cpu_seconds);
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (http, url, client, users) = (http.clone(), url.to_owned(), client.to_owned(), users.clone());
        workers.push(tokio::spawn(async move {
            let (mut ok, mut failed, mut first_error) = (Vec::new(), 0u64, None::<String>);
            let mut n = worker;
            while Instant::now() < deadline {
                let user = &users[(n % users.len() as u64) as usize];
                n += concurrency;
                let sent = Instant::now();
                let outcome = if passkey {
                    passkey_sign_in(&http, &url, &client, user).await
                } else {
                    api(&http, &url, "InitiateAuth", &password_body(&client, &user.username))
                        .await
                        .map(|a| a["AuthenticationResult"]["AccessToken"].is_string())
                };
                match outcome {
                    Ok(true) => ok.push(sent.elapsed().as_micros() as u64),
                    Ok(false) => failed += 1,
                    Err(e) => {
                        failed += 1;
                        first_error.get_or_insert(e.to_string());
                    }
                }
            }
            (ok, failed, first_error)
        }));
    }
    let (mut latencies, mut failed, mut first_error) = (Vec::new(), 0, None);
    for worker in workers {
        let (ok, f, e) = worker.await?;
        latencies.extend(ok);
        failed += f;
        first_error = first_error.or(e);
    }
    let seconds = started.elapsed().as_secs_f64();
    let server_cpu = cpu_before.and_then(|before| Some(cpu_seconds(server?)? - before));
    latencies.sort_unstable();
    let p50 = latencies.get(latencies.len() / 2).map_or(0.0, |m| *m as f64 / 1000.0);
    Ok(json!({
        "kind": if passkey { "passkey sign-in" } else { "password sign-in" },
        "ok": latencies.len(),
        "failed": failed,
        "first_error": first_error,
        "per_second": latencies.len() as f64 / seconds,
        "p50_ms": p50,
        "per_server_cpu_second": server_cpu.map(|cpu| latencies.len() as f64 / cpu),
    }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let usage = "passkey_load run --url URL [--users 50] [--concurrency 16] [--duration 5] [--server-pid PID]";
    let args = Args::parse(usage)?;
    if args.mode != "run" {
        return Err(usage.into());
    }
    let url = args.get("url")?.to_owned();
    let users = args.number("users", 50)?.max(1);
    let concurrency = args.number("concurrency", 16)?.max(1);
    let duration = Duration::from_secs(args.number("duration", 5)?);
    let server = args.named.get("server-pid").map(|p| p.parse::<u32>()).transpose()?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency as usize).build()?;
    let (client, users) = setup(&http, &url, users).await?;
    let users = Arc::new(users);
    for passkey in [false, true] {
        println!("{}", load(&http, &url, &client, &users, passkey, concurrency, duration, server).await?);
    }
    Ok(())
}
