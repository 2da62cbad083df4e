//! The OAuth 2.0 load generator of `bench/reference.sh`: the token endpoint of a user pool
//! domain (ours) or of a peer's OAuth routes (ministack, fakecloud, cognito-local), driven over
//! plain HTTP on 127.0.0.1, with JSON output.
//!
//! ```text
//! oauth_load setup --url URL --flavor ours|ministack|fakecloud|cognito-local
//!                  a pool (with a domain for ours), a resource server `bench` (scopes `read`,
//!                  `write`), a confidential client allowed `client_credentials`, a public
//!                  code-flow client with the callback http://localhost/cb, and a user with a
//!                  permanent password; prints all of it as one JSON object
//! oauth_load run   --setup JSON --op client-credentials|code-exchange [--concurrency 16]
//!                  [--duration 10] [--batch 1000] [--server-pid PID]
//!                  fixed-duration load; rate, latencies and (with --server-pid) the server's
//!                  CPU time over the timed load
//! oauth_load sign-cost [--rounds 200]
//!                  the time of one RS256 signature (RSA-2048) by the server's own signer on
//!                  one thread: a client_credentials token takes one, a code exchange two
//!                  (access and id tokens)
//! ```
//!
//! `client-credentials` posts `grant_type=client_credentials` with the confidential client's
//! id and secret in `Authorization: Basic` and both custom scopes. `code-exchange` posts
//! `grant_type=authorization_code` with the public client's id, a code, the callback and the
//! PKCE `code_verifier` (S256). An answer counts only when it is a 200 whose JSON holds an
//! `access_token` (and an `id_token` for a code: the codes are for `openid email profile`).
//!
//! The codes are minted with the clock stopped and only the exchanges are timed. How a code is
//! minted depends on the server: ours signs in once through the sign-in page (`GET
//! /oauth2/authorize`, `GET /login` for the `_csrf` field and the `XSRF-TOKEN` cookie, `POST
//! /login`), keeps the `cognito` session cookie, then asks `GET /oauth2/authorize` once per
//! code (a 302 to the callback with `?code=`); ministack takes its sign-in form, `POST /login`,
//! once per code; fakecloud takes the username and password on `GET /oauth2/authorize`;
//! cognito-local takes its sign-in form, `POST /oauth2/authorize`. First a few codes are minted
//! and exchanged untimed (whatever keys a server makes on first need are made then); then
//! rounds: `--batch` codes minted (clock stopped), then exchanged (clock running), until the
//! exchanges have run `--duration` in all. A server thus never holds more than `--batch` unused
//! codes: ministack scans every code it holds on each exchange, so thousands minted ahead
//! would slow it for a reason no real sign-in produces. Minting stops after 120 s in all.
//!
//! With `--server-pid`, the CPU time of that process and its descendants over the timed loads
//! (from `/proc`) gives tokens per server CPU-second, a figure that holds on a host where other
//! work takes the server's core part of the time.
//!
//! API calls carry a fixed SigV4-shaped `Authorization` header, as `load.rs`'s do. Every mode
//! is bounded (counts, durations, timeouts) and stops by itself.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use support::{Args, Error, call_ok, cpu_seconds};

/// The user's permanent password (meets the default policy).
const PASSWORD: &str = "Bench-Passw0rd!";
/// The user who signs in for the codes.
const USERNAME: &str = "oauth-user";
/// The code-flow client's callback.
const CALLBACK: &str = "http://localhost/cb";
/// The scopes the codes are for: with `openid`, an exchange also answers an id token.
const CODE_SCOPE: &str = "openid email profile";
/// The resource server and the scopes `client_credentials` asks for.
const RESOURCE_SERVER: &str = "bench";
const CREDENTIALS_SCOPE: &str = "bench/read bench/write";
/// The PKCE verifier of every code (43 to 128 unreserved characters).
const VERIFIER: &str = "bench-pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH";
/// How long minting may take in all.
const MINT_SECONDS: u64 = 120;

/// Which server: where its endpoints are and how it issues codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Flavor {
    /// Ours: the endpoints under `/domain/{prefix}`, codes through the sign-in page and the
    /// browser session.
    Ours,
    /// `/oauth2/*` at the root, codes from `POST /login`.
    Ministack,
    /// `/oauth2/*` at the root, codes from `GET /oauth2/authorize` with the credentials.
    Fakecloud,
    /// `/oauth2/*` at the root, codes from `POST /oauth2/authorize`; no `client_credentials`
    /// grant and no resource servers.
    CognitoLocal,
}

impl Flavor {
    fn parse(name: &str) -> Result<Flavor, Error> {
        Ok(match name {
            "ours" => Flavor::Ours,
            "ministack" => Flavor::Ministack,
            "fakecloud" => Flavor::Fakecloud,
            "cognito-local" => Flavor::CognitoLocal,
            other => return Err(format!("unknown --flavor {other}").into()),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Flavor::Ours => "ours",
            Flavor::Ministack => "ministack",
            Flavor::Fakecloud => "fakecloud",
            Flavor::CognitoLocal => "cognito-local",
        }
    }
}

/// What `setup` made, and what `run` reads back (`--setup`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Setup {
    flavor: Flavor,
    url: String,
    pool: String,
    /// Ours: the domain prefix.
    domain: Option<String>,
    /// Where the endpoints are: `{url}/domain/{prefix}` for ours, `{url}` for the others.
    base: String,
    token_url: String,
    authorize_url: String,
    /// The confidential client (none on a server without the grant).
    credentials_client_id: Option<String>,
    credentials_client_secret: Option<String>,
    credentials_scope: Option<String>,
    /// The public code-flow client.
    code_client_id: String,
    callback: String,
    code_scope: String,
    username: String,
    password: String,
}

/// A client that never follows redirects (the codes are in the `Location` of a 302).
fn http_client(connections: usize) -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .build()?)
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

/// A name unique enough for a domain prefix on a server used more than once.
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{:x}", (nanos ^ u128::from(std::process::id())) % 0xFFFF_FFFF)
}

async fn setup(args: &Args) -> Result<(), Error> {
    let url = args.get("url")?.trim_end_matches('/').to_owned();
    let flavor = Flavor::parse(args.get("flavor")?)?;
    let http = http_client(1)?;
    let created = call_ok(&http, &url, "CreateUserPool", &json!({"PoolName": "oauth-bench"})).await?;
    let pool = created["UserPool"]["Id"].as_str().ok_or("CreateUserPool answered no Id")?.to_owned();

    // Ours serves the endpoints on the pool's domain; the peers at their root, finding the
    // pool from the client id.
    let (domain, base) = if flavor == Flavor::Ours {
        let prefix = format!("bench-{}", unique_suffix());
        call_ok(&http, &url, "CreateUserPoolDomain", &json!({"UserPoolId": pool, "Domain": prefix})).await?;
        let base = format!("{url}/domain/{prefix}");
        (Some(prefix), base)
    } else {
        (None, url.clone())
    };

    let (credentials_client_id, credentials_client_secret, credentials_scope) = if flavor == Flavor::CognitoLocal {
        (None, None, None)
    } else {
        let scopes = json!([
            {"ScopeName": "read", "ScopeDescription": "read"},
            {"ScopeName": "write", "ScopeDescription": "write"},
        ]);
        let server = json!({"UserPoolId": pool, "Identifier": RESOURCE_SERVER, "Name": "Bench", "Scopes": scopes});
        call_ok(&http, &url, "CreateResourceServer", &server).await?;
        let request = json!({
            "UserPoolId": pool,
            "ClientName": "bench-m2m",
            "GenerateSecret": true,
            "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthFlows": ["client_credentials"],
            "AllowedOAuthScopes": CREDENTIALS_SCOPE.split(' ').collect::<Vec<_>>(),
        });
        let answer = call_ok(&http, &url, "CreateUserPoolClient", &request).await?;
        let client = &answer["UserPoolClient"];
        let id = client["ClientId"].as_str().ok_or("CreateUserPoolClient answered no ClientId")?.to_owned();
        let secret = client["ClientSecret"].as_str().ok_or("CreateUserPoolClient answered no ClientSecret")?.to_owned();
        (Some(id), Some(secret), Some(CREDENTIALS_SCOPE.to_owned()))
    };

    let request = json!({
        "UserPoolId": pool,
        "ClientName": "bench-web",
        "GenerateSecret": false,
        "AllowedOAuthFlowsUserPoolClient": true,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": CODE_SCOPE.split(' ').collect::<Vec<_>>(),
        "CallbackURLs": [CALLBACK],
        "SupportedIdentityProviders": ["COGNITO"],
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    let answer = call_ok(&http, &url, "CreateUserPoolClient", &request).await?;
    let code_client_id =
        answer["UserPoolClient"]["ClientId"].as_str().ok_or("CreateUserPoolClient answered no ClientId")?.to_owned();

    let user = json!({
        "UserPoolId": pool,
        "Username": USERNAME,
        "UserAttributes": [
            {"Name": "email", "Value": "oauth-user@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        "MessageAction": "SUPPRESS",
    });
    call_ok(&http, &url, "AdminCreateUser", &user).await?;
    let password = json!({"UserPoolId": pool, "Username": USERNAME, "Password": PASSWORD, "Permanent": true});
    call_ok(&http, &url, "AdminSetUserPassword", &password).await?;

    let setup = Setup {
        flavor,
        url,
        pool,
        domain,
        token_url: format!("{base}/oauth2/token"),
        authorize_url: format!("{base}/oauth2/authorize"),
        base,
        credentials_client_id,
        credentials_client_secret,
        credentials_scope,
        code_client_id,
        callback: CALLBACK.to_owned(),
        code_scope: CODE_SCOPE.to_owned(),
        username: USERNAME.to_owned(),
        password: PASSWORD.to_owned(),
    };
    println!("{}", serde_json::to_string(&setup)?);
    Ok(())
}

/// The cookies a response sets, `name=value` each (attributes dropped).
fn set_cookies(response: &reqwest::Response) -> Vec<(String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn location(response: &reqwest::Response) -> Option<String> {
    response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The `code` of a redirect to the callback, or why there is none.
fn code_of(status: u16, location: Option<&str>, body: &str) -> Result<String, String> {
    let Some(location) = location.filter(|_| status == 302 || status == 303) else {
        return Err(format!("{status} without a redirect: {}", truncate(body, 200)));
    };
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "code")
        .map(|(_, code)| code.into_owned())
        .ok_or_else(|| format!("{status} to {location} without a code"))
}

/// The `value` of the input named `name` in a page (`name="x" ... value="y"` within one tag).
fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let start = html[..at].rfind('<')?;
    let end = html[at..].find('>')? + at;
    let tag = &html[start..end];
    let value = tag.find("value=\"")? + "value=\"".len();
    let value_end = tag[value..].find('"')? + value;
    Some(tag[value..value_end].replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
}

/// Mints authorization codes for the setup's user and code-flow client.
struct Minter {
    setup: Setup,
    http: reqwest::Client,
    /// Ours: `cognito=...`, the browser session.
    session_cookie: Option<String>,
}

impl Minter {
    /// An authorization request's query, with `extra` (the credentials some peers take there).
    fn authorize_query(&self, extra: &[(&str, &str)]) -> String {
        let (setup, challenge) = (&self.setup, challenge());
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", setup.code_client_id.as_str()),
            ("redirect_uri", setup.callback.as_str()),
            ("scope", setup.code_scope.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        pairs.extend_from_slice(extra);
        form(&pairs)
    }

    /// Ours: signs in once through the sign-in page; keeps the session cookie and returns the
    /// sign-in's own code.
    async fn sign_in(&mut self) -> Result<String, Error> {
        let http = &self.http;
        let authorize = format!("{}?{}", self.setup.authorize_url, self.authorize_query(&[]));
        let response = http.get(&authorize).send().await?;
        let status = response.status().as_u16();
        let to_login = location(&response).filter(|_| status == 302).ok_or_else(|| {
            format!("GET /oauth2/authorize without a session answered {status}, not a redirect to the sign-in page")
        })?;
        let login = if to_login.starts_with('/') { format!("{}{to_login}", self.setup.url) } else { to_login };
        let response = http.get(&login).send().await?;
        let status = response.status().as_u16();
        let cookies = set_cookies(&response);
        let page = response.text().await?;
        if status != 200 {
            return Err(format!("GET /login answered {status}: {}", truncate(&page, 200)).into());
        }
        let csrf = input_value(&page, "_csrf").ok_or("the sign-in page has no _csrf field")?;
        let xsrf =
            cookies.iter().find(|(n, _)| n == "XSRF-TOKEN").ok_or("the sign-in page set no XSRF-TOKEN cookie")?;
        let body = form(&[
            ("_csrf", &csrf),
            ("username", &self.setup.username),
            ("password", &self.setup.password),
            ("signInSubmitButton", "Sign in"),
        ]);
        let response = http
            .post(&login)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("XSRF-TOKEN={}", xsrf.1))
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let cookies = set_cookies(&response);
        let location = location(&response);
        let page = response.text().await.unwrap_or_default();
        let code = code_of(status, location.as_deref(), &page).map_err(|e| format!("POST /login: {e}"))?;
        let session = cookies.iter().find(|(n, _)| n == "cognito").ok_or("the sign-in set no cognito cookie")?;
        self.session_cookie = Some(format!("cognito={}", session.1));
        Ok(code)
    }

    /// One new code.
    async fn mint(&self) -> Result<String, Error> {
        let setup = &self.setup;
        let request = match setup.flavor {
            Flavor::Ours => {
                let cookie = self.session_cookie.as_deref().ok_or("not signed in")?;
                let url = format!("{}?{}", setup.authorize_url, self.authorize_query(&[]));
                self.http.get(url).header("cookie", cookie)
            }
            Flavor::Fakecloud => {
                let credentials = [("username", setup.username.as_str()), ("password", setup.password.as_str())];
                self.http.get(format!("{}?{}", setup.authorize_url, self.authorize_query(&credentials)))
            }
            Flavor::Ministack | Flavor::CognitoLocal => {
                let path = if setup.flavor == Flavor::Ministack { "/login" } else { "/oauth2/authorize" };
                let credentials = [("username", setup.username.as_str()), ("password", setup.password.as_str())];
                self.http
                    .post(format!("{}{path}", setup.base))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(self.authorize_query(&credentials))
            }
        };
        let response = request.send().await?;
        let status = response.status().as_u16();
        let location = location(&response);
        let body = response.text().await.unwrap_or_default();
        Ok(code_of(status, location.as_deref(), &body)?)
    }
}

/// Mints up to `count` codes with `concurrency` requests in flight until `deadline`; stops
/// at the first failure (returning it beside the codes minted).
async fn mint_codes(
    minter: &Arc<Minter>,
    count: usize,
    concurrency: usize,
    deadline: Instant,
) -> (Vec<String>, Option<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (minter, next) = (minter.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut codes = Vec::new();
            while Instant::now() < deadline && next.fetch_add(1, Ordering::Relaxed) < count {
                match minter.mint().await {
                    Ok(code) => codes.push(code),
                    Err(e) => {
                        // Make the others stop too.
                        next.store(usize::MAX / 2, Ordering::Relaxed);
                        return (codes, Some(e.to_string()));
                    }
                }
            }
            (codes, None)
        }));
    }
    let (mut codes, mut failure) = (Vec::new(), None);
    for worker in workers {
        match worker.await {
            Ok((c, f)) => {
                codes.extend(c);
                failure = failure.or(f);
            }
            Err(e) => failure = failure.or(Some(e.to_string())),
        }
    }
    (codes, failure)
}

/// What one request came to.
enum Outcome {
    /// A 200 with the tokens: its time in microseconds, and the length in bytes of the
    /// shortest signature among them (an RS256 signature with an RSA-2048 key is 256 bytes).
    Done(u64, usize),
    /// A 200 without them.
    Wrong(String),
    /// Another status, or no answer.
    Failed(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    ClientCredentials,
    CodeExchange,
}

/// One token request: the client's credentials, or the exchange of `code`.
async fn token_request(http: &reqwest::Client, setup: &Setup, op: Op, code: Option<&str>) -> Outcome {
    let request = match op {
        Op::ClientCredentials => {
            let id = setup.credentials_client_id.as_deref().unwrap_or_default();
            let secret = setup.credentials_client_secret.as_deref().unwrap_or_default();
            // RFC 6749 section 2.3.1: each form-url-encoded, then base64. fakecloud does not
            // decode them, and its secrets are standard base64 (with `+` and `/`): raw for it.
            let encode = |s: &str| match setup.flavor {
                Flavor::Fakecloud => s.to_owned(),
                _ => form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>(),
            };
            let basic = STANDARD.encode(format!("{}:{}", encode(id), encode(secret)));
            let scope = setup.credentials_scope.as_deref().unwrap_or_default();
            http.post(&setup.token_url)
                .header("authorization", format!("Basic {basic}"))
                .body(form(&[("grant_type", "client_credentials"), ("scope", scope)]))
        }
        Op::CodeExchange => http.post(&setup.token_url).body(form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &setup.code_client_id),
            ("code", code.unwrap_or_default()),
            ("redirect_uri", &setup.callback),
            ("code_verifier", VERIFIER),
        ])),
    };
    let sent = Instant::now();
    let response = match request.header("content-type", "application/x-www-form-urlencoded").send().await {
        Ok(response) => response,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let status = response.status().as_u16();
    let bytes = match response.bytes().await {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let micros = sent.elapsed().as_micros() as u64;
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status != 200 {
        return Outcome::Failed(format!("{status}: {}", truncate(&String::from_utf8_lossy(&bytes), 300)));
    }
    let has = |name: &str| body[name].as_str().is_some_and(|t| !t.is_empty());
    if !has("access_token") || (op == Op::CodeExchange && !has("id_token")) {
        return Outcome::Wrong(format!("200 without the tokens: {}", truncate(&body.to_string(), 300)));
    }
    // The signature's length, from its base64url text (not decoded: this runs for every answer).
    let signature = |name: &str| body[name].as_str().and_then(|t| t.rsplit('.').next()).map_or(0, |s| s.len() * 3 / 4);
    let shortest = match op {
        Op::ClientCredentials => signature("access_token"),
        Op::CodeExchange => signature("access_token").min(signature("id_token")),
    };
    Outcome::Done(micros, shortest)
}

/// The figures of one load.
#[derive(Default)]
struct Tally {
    latencies: Vec<u64>,
    /// Answers whose tokens carry a signature shorter than RSA-2048's 256 bytes (a server
    /// that does not really sign them), and the first such length.
    short_signatures: u64,
    short_signature_bytes: Option<usize>,
    errors: u64,
    first_error: Option<String>,
    wrong: u64,
    first_wrong: Option<String>,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Done(micros, signature) => {
                self.latencies.push(micros);
                if signature < 256 {
                    self.short_signatures += 1;
                    self.short_signature_bytes.get_or_insert(signature);
                }
            }
            Outcome::Wrong(why) => {
                self.wrong += 1;
                self.first_wrong.get_or_insert(why);
            }
            Outcome::Failed(why) => {
                self.errors += 1;
                self.first_error.get_or_insert(why);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.short_signatures += other.short_signatures;
        self.short_signature_bytes = self.short_signature_bytes.or(other.short_signature_bytes);
        self.errors += other.errors;
        self.first_error = self.first_error.take().or(other.first_error);
        self.wrong += other.wrong;
        self.first_wrong = self.first_wrong.take().or(other.first_wrong);
    }
}

/// `concurrency` workers send requests back to back until `duration` is over, or (exchanges)
/// until the codes run out. Returns the tally and the seconds it took.
async fn load(
    http: &reqwest::Client,
    setup: &Arc<Setup>,
    op: Op,
    concurrency: u64,
    duration: Duration,
    codes: Arc<Vec<String>>,
) -> (Tally, f64) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (http, setup, codes, next) = (http.clone(), setup.clone(), codes.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut tally = Tally { latencies: Vec::with_capacity(1 << 14), ..Tally::default() };
            while Instant::now() < deadline {
                let code = match op {
                    Op::ClientCredentials => None,
                    Op::CodeExchange => match codes.get(next.fetch_add(1, Ordering::Relaxed)) {
                        Some(code) => Some(code.as_str()),
                        None => break,
                    },
                };
                let outcome = token_request(&http, &setup, op, code).await;
                if matches!(&outcome, Outcome::Failed(_)) && code.is_none() {
                    // Do not spin on a server that refuses at once.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                tally.add(outcome);
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for worker in workers {
        if let Ok(t) = worker.await {
            tally.merge(t);
        }
    }
    (tally, started.elapsed().as_secs_f64())
}

async fn run(args: &Args) -> Result<(), Error> {
    let setup: Arc<Setup> = Arc::new(serde_json::from_str(args.get("setup")?).map_err(|e| format!("--setup: {e}"))?);
    let op_name = args.get("op")?.to_owned();
    let op = match op_name.as_str() {
        "client-credentials" => Op::ClientCredentials,
        "code-exchange" => Op::CodeExchange,
        other => return Err(format!("unknown --op {other}").into()),
    };
    let concurrency = args.number("concurrency", 16)?.max(1);
    let duration = Duration::from_secs(args.number("duration", 10)?);
    let batch = (args.number("batch", 1000)? as usize).max(concurrency as usize);
    let server =
        args.named.get("server-pid").map(|p| p.parse::<u32>()).transpose().map_err(|e| format!("--server-pid: {e}"))?;
    let http = http_client(concurrency as usize)?;
    let mut summary = json!({"op": op_name, "flavor": setup.flavor, "concurrency": concurrency});
    let failed = |mut summary: Value, why: String| -> Result<(), Error> {
        summary["ok"] = json!(0);
        summary["errors"] = json!(1);
        summary["first_error"] = json!(truncate(&why, 300));
        summary["rps"] = json!(0.0);
        println!("{summary}");
        Ok(())
    };
    // The server's CPU time over the timed loads only.
    let mut server_cpu = 0.0;
    let mut measured = |before: Option<f64>| {
        if let (Some(pid), Some(before)) = (server, before) {
            server_cpu += cpu_seconds(pid).unwrap_or(before) - before;
        }
    };
    let cpu_now = || server.and_then(cpu_seconds);

    let (mut tally, seconds) = match op {
        Op::ClientCredentials => {
            if setup.credentials_client_id.is_none() {
                return failed(summary, format!("{} has no client_credentials grant", setup.flavor.name()));
            }
            // One request before the clock: keys a server makes on first need are made here.
            if let Outcome::Failed(why) | Outcome::Wrong(why) =
                token_request(&http, &setup, Op::ClientCredentials, None).await
            {
                return failed(summary, format!("warm-up: {why}"));
            }
            let before = cpu_now();
            let result = load(&http, &setup, op, concurrency, duration, Arc::new(Vec::new())).await;
            measured(before);
            result
        }
        Op::CodeExchange => {
            let mut minter = Minter { setup: (*setup).clone(), http: http.clone(), session_cookie: None };
            let mut warm = Vec::new();
            if setup.flavor == Flavor::Ours {
                match minter.sign_in().await {
                    Ok(code) => warm.push(code),
                    Err(e) => return failed(summary, format!("sign-in: {e}")),
                }
            }
            let minter = Arc::new(minter);
            let mint_deadline = Instant::now() + Duration::from_secs(MINT_SECONDS);
            // The warm-up, untimed: a few codes minted and exchanged (keys a server makes on
            // first need are made here).
            let (codes, failure) =
                mint_codes(&minter, concurrency as usize * 4, concurrency as usize, mint_deadline).await;
            if let Some(why) = failure.filter(|_| codes.is_empty()) {
                return failed(summary, format!("minting codes: {why}"));
            }
            warm.extend(codes);
            let (tally, _) = load(&http, &setup, op, concurrency, Duration::from_secs(60), Arc::new(warm)).await;
            if tally.latencies.is_empty() {
                let why = tally.first_error.or(tally.first_wrong).unwrap_or_default();
                return failed(summary, format!("warm-up exchanges: {why}"));
            }
            // Rounds of `batch` codes, each minted with the clock stopped and then exchanged
            // with it running, until the exchanges have had `duration`: a server never holds
            // more than `batch` unused codes (one that scans its codes on every exchange would
            // otherwise be timed against thousands that no real sign-in leaves behind).
            let (mut tally, mut seconds, mut rounds) = (Tally::default(), 0.0, 0u64);
            let (mut minted, mut mint_seconds, mut mint_failure) = (0usize, 0.0, None);
            while seconds < duration.as_secs_f64() {
                let minting = Instant::now();
                let (codes, failure) = mint_codes(&minter, batch, concurrency as usize, mint_deadline).await;
                mint_seconds += minting.elapsed().as_secs_f64();
                minted += codes.len();
                mint_failure = mint_failure.or(failure);
                if codes.is_empty() {
                    break;
                }
                let left = duration.saturating_sub(Duration::from_secs_f64(seconds));
                let before = cpu_now();
                let (round, took) = load(&http, &setup, op, concurrency, left, Arc::new(codes)).await;
                measured(before);
                tally.merge(round);
                seconds += took;
                rounds += 1;
            }
            summary["rounds"] = json!(rounds);
            summary["codes_minted"] = json!(minted);
            summary["mint_seconds"] = json!(mint_seconds);
            summary["mint_per_second"] = json!(minted as f64 / mint_seconds.max(1e-9));
            if let Some(why) = mint_failure {
                summary["first_mint_error"] = json!(truncate(&why, 300));
            }
            if rounds == 0 {
                return failed(summary, "no codes minted".to_owned());
            }
            // Timed for less than asked: minting ran out of time (codes live five minutes).
            summary["short"] = json!(seconds + 0.5 < duration.as_secs_f64());
            (tally, seconds)
        }
    };

    tally.latencies.sort_unstable();
    let latencies = &tally.latencies;
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index] as f64 / 1000.0
    };
    summary["ok"] = json!(latencies.len());
    summary["errors"] = json!(tally.errors);
    summary["first_error"] = json!(tally.first_error.map(|e| truncate(&e, 300)));
    summary["wrong_answers"] = json!(tally.wrong);
    summary["first_wrong"] = json!(tally.first_wrong.map(|e| truncate(&e, 300)));
    summary["short_signatures"] = json!(tally.short_signatures);
    summary["short_signature_bytes"] = json!(tally.short_signature_bytes);
    summary["seconds"] = json!(seconds);
    summary["rps"] = json!(latencies.len() as f64 / seconds);
    summary["p50_ms"] = json!(percentile(0.50));
    summary["p99_ms"] = json!(percentile(0.99));
    summary["max_ms"] = json!(percentile(1.0));
    if server.is_some() {
        summary["server_cpu_s"] = json!(server_cpu);
        summary["per_server_cpu_s"] = json!(if server_cpu > 0.0 { latencies.len() as f64 / server_cpu } else { 0.0 });
    }
    println!("{summary}");
    Ok(())
}

/// The time of one RS256 signature by the server's signer over a token-sized message, on one
/// thread: the median and the fastest of `--rounds`, and the CPU time per signature.
fn sign_cost(args: &Args) -> Result<(), Error> {
    use cognito_idp_server::tokens::key_pairs::SigningKey;
    let rounds = args.number("rounds", 200)?.max(1);
    let key = SigningKey::generate().map_err(|e| e.message.clone())?;
    let message = vec![b'x'; 900];
    let cpu = || cpu_seconds(std::process::id());
    let before = cpu();
    let mut times = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        std::hint::black_box(key.sign(&message).map_err(|e| e.message.clone())?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let cpu_ms = match (before, cpu()) {
        (Some(before), Some(after)) => json!((after - before) * 1000.0 / rounds as f64),
        _ => Value::Null,
    };
    times.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({"rounds": rounds, "median_ms": times[times.len() / 2], "min_ms": times[0], "cpu_ms": cpu_ms})
    );
    Ok(())
}

/// At most `max` bytes of `text`, cut on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse("usage: oauth_load setup|run --key value ...")?;
    match args.mode.as_str() {
        "setup" => setup(&args).await,
        "run" => run(&args).await,
        "sign-cost" => sign_cost(&args),
        other => Err(format!("unknown mode {other}").into()),
    }
}
