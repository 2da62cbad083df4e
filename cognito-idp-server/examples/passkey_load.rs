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

use serde_json::{Value, json};
use tokio::sync::Mutex;

use authenticator::{Attestation, Authenticator, Bend};
use support::sign_in_load::{Options, SignIn, load};
use support::{Error, call_ok};

const PASSWORD: &str = "Bench-Passw0rd!";
const ORIGIN: &str = "http://localhost:5173";

/// A user and the passkey its client holds.
struct User {
    username: String,
    passkey: Mutex<Authenticator>,
}

fn password_body(client: &str, username: &str) -> Value {
    json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
           "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}})
}

/// The pool, client and users, each with a registered passkey.
async fn setup(http: &reqwest::Client, url: &str, users: u64) -> Result<(String, Vec<User>), Error> {
    let policies = json!({"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}});
    let request = json!({"PoolName": "passkeys", "UserPoolTier": "ESSENTIALS", "Policies": policies});
    let pool = call_ok(http, url, "CreateUserPool", &request).await?;
    let pool = pool["UserPool"]["Id"].as_str().ok_or("no pool id")?.to_owned();
    let config = json!({"UserPoolId": pool, "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "required"}});
    call_ok(http, url, "SetUserPoolMfaConfig", &config).await?;
    let flows = json!(["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let request = json!({"UserPoolId": pool, "ClientName": "bench", "ExplicitAuthFlows": flows});
    let client = call_ok(http, url, "CreateUserPoolClient", &request).await?;
    let client = client["UserPoolClient"]["ClientId"].as_str().ok_or("no client id")?.to_owned();
    let mut made = Vec::new();
    for i in 0..users {
        let username = format!("u{i}");
        let create = json!({"UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS"});
        call_ok(http, url, "AdminCreateUser", &create).await?;
        let set = json!({"UserPoolId": pool, "Username": username, "Password": PASSWORD, "Permanent": true});
        call_ok(http, url, "AdminSetUserPassword", &set).await?;
        let signed_in = call_ok(http, url, "InitiateAuth", &password_body(&client, &username)).await?;
        let token = &signed_in["AuthenticationResult"]["AccessToken"];
        let started = call_ok(http, url, "StartWebAuthnRegistration", &json!({"AccessToken": token})).await?;
        let mut passkey = Authenticator::new(ORIGIN);
        let credential = passkey.register(&started["CredentialCreationOptions"], Attestation::None, &Bend::default());
        call_ok(http, url, "CompleteWebAuthnRegistration", &json!({"AccessToken": token, "Credential": credential}))
            .await?;
        made.push(User { username, passkey: Mutex::new(passkey) });
    }
    Ok((client, made))
}

/// One passkey sign-in: the challenge, then the signed answer.
async fn passkey_sign_in(http: &reqwest::Client, url: &str, client: &str, user: &User) -> Result<bool, Error> {
    let params = json!({"USERNAME": user.username, "PREFERRED_CHALLENGE": "WEB_AUTHN"});
    let body = json!({"AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": params});
    let started = call_ok(http, url, "InitiateAuth", &body).await?;
    let options = started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"].as_str().ok_or("no request options")?;
    // The authenticator's counter moves with each answer: one sign-in per passkey at a time.
    let mut passkey = user.passkey.lock().await;
    let credential = passkey.assert(options, &Bend::default());
    let responses = json!({"USERNAME": user.username, "CREDENTIAL": credential});
    let answer = json!({"ChallengeName": "WEB_AUTHN", "ClientId": client, "Session": started["Session"], "ChallengeResponses": responses});
    let done = call_ok(http, url, "RespondToAuthChallenge", &answer).await?;
    Ok(done["AuthenticationResult"]["AccessToken"].is_string())
}

/// The two sign-ins the load compares: by password, or by passkey.
struct Kind {
    http: reqwest::Client,
    url: String,
    client: String,
    passkey: bool,
}

impl SignIn for Kind {
    type User = User;

    fn kind(&self) -> &'static str {
        if self.passkey { "passkey sign-in" } else { "password sign-in" }
    }

    async fn sign_in(&self, user: &User) -> Result<bool, Error> {
        let (http, url, client) = (&self.http, &self.url, &self.client);
        if self.passkey {
            passkey_sign_in(http, url, client, user).await
        } else {
            call_ok(http, url, "InitiateAuth", &password_body(client, &user.username))
                .await
                .map(|a| a["AuthenticationResult"]["AccessToken"].is_string())
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let usage = "passkey_load run --url URL [--users 50] [--concurrency 16] [--duration 5] [--server-pid PID]";
    let options = Options::parse(usage, 5)?;
    let http = options.http()?;
    let (client, users) = setup(&http, &options.url, options.users).await?;
    let users = Arc::new(users);
    for passkey in [false, true] {
        let kind = Kind { http: http.clone(), url: options.url.clone(), client: client.clone(), passkey };
        println!("{}", load(kind, &users, &options).await?);
    }
    Ok(())
}
