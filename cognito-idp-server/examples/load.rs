//! The load generator of `bench/reference.sh`: drives any Cognito-compatible server (ours,
//! cognito-local, moto, ministack, fakecloud) over plain HTTP on 127.0.0.1 with the same
//! requests, and prints JSON.
//!
//! ```text
//! load startup --url URL --log FILE [--cwd DIR] -- CMD ARGS...
//!                                                    spawn CMD, time until its first answer
//! load pool    --url URL                             CreateUserPool; prints the pool id
//! load seed    --url URL --pool ID --users N [--concurrency C]
//!                                                    AdminCreateUser u0..u{N-1} (email uI@example.com)
//! load signin-setup --url URL --pool ID --users N [--concurrency C]
//!                                                    an app client allowing USER_PASSWORD_AUTH and
//!                                                    USER_SRP_AUTH, and a permanent password for
//!                                                    u0..u{N-1}; prints the client id
//! load run     --url URL --pool ID --op get|create|create-temp|list|signin|srp [--users N]
//!              [--concurrency 16] [--duration 10] [--prefix P] [--client ID]
//!                                                    fixed-duration load; rate and latencies
//! load hashcost [--rounds 20] [--threads 1] [--dev true] [--memory-kib M --iterations T]
//!                                                    the median time of one password check by the
//!                                                    server's own hasher, on that many threads at once
//! load srp-verifier [--rounds 20]                    the median time of one SRP password verifier
//!                                                    (g^x mod N, 3072-bit group) on one thread
//! ```
//!
//! The kinds of `run`: `get` is `AdminGetUser` of a random seeded user; `create` is
//! `AdminCreateUser` with an email and `MessageAction=SUPPRESS` (no password); `create-temp` the
//! same with a `TemporaryPassword` (a server that keeps SRP verifiers hashes the password and
//! computes a verifier); `list` is `ListUsers` filtered on one email; `signin` is `InitiateAuth`
//! with `USER_PASSWORD_AUTH`; `srp` is a `USER_SRP_AUTH` sign-in, `InitiateAuth` with `SRP_A` then
//! `RespondToAuthChallenge` answering `PASSWORD_VERIFIER`, computed with `cognito_auth::srp`. A
//! sign-in of either kind counts only when it ends with an access token.
//!
//! Requests are unsigned but carry a fixed SigV4-shaped `Authorization` header: our server and
//! cognito-local accept any credentials, and moto, ministack and fakecloud read the service and
//! region from that header's credential scope. Every mode is bounded (counts, durations,
//! timeouts) and stops by itself.

#[path = "support/mod.rs"]
mod support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::{Args, Error, call};

/// The password `signin-setup` gives every user (meets the default policy).
const PASSWORD: &str = "Bench-Passw0rd!";

/// The `TemporaryPassword` of `--op create-temp` (meets the default policy).
const TEMPORARY_PASSWORD: &str = "Temp-Passw0rd!";

fn http_client(connections: usize) -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .build()?)
}

/// An `AdminCreateUser` request with an email, messages suppressed, and optionally a temporary
/// password.
fn user_body(pool: &str, username: &str, temporary_password: Option<&str>) -> Value {
    let mut body = json!({
        "UserPoolId": pool,
        "Username": username,
        "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}],
        "MessageAction": "SUPPRESS",
    });
    if let Some(password) = temporary_password {
        body["TemporaryPassword"] = json!(password);
    }
    body
}

/// Spawns the command and polls until it answers anything over HTTP; prints the time from the
/// spawn to that answer, and the pid. The server keeps running (the caller stops it).
async fn startup(args: &Args) -> Result<(), Error> {
    let url = args.get("url")?;
    let log = std::fs::File::create(args.get("log")?)?;
    let (program, rest) = args.rest.split_first().ok_or("startup needs a command after --")?;
    let http = http_client(1)?;
    let probe = json!({"MaxResults": 1});
    let started = Instant::now();
    let mut command = std::process::Command::new(program);
    if let Some(dir) = args.named.get("cwd") {
        command.current_dir(dir);
    }
    let mut child = command.args(rest).stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log).spawn()?;
    loop {
        if call(&http, url, "ListUserPools", &probe).await.is_ok() {
            break;
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("{program} exited ({status}) before answering").into());
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            return Err(format!("{program} did not answer within 120 s").into());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    println!("{}", json!({"startup_ms": ms, "pid": child.id()}));
    Ok(())
}

async fn create_pool(args: &Args) -> Result<(), Error> {
    let (status, body) =
        call(&http_client(1)?, args.get("url")?, "CreateUserPool", &json!({"PoolName": "bench"})).await?;
    let id = body["UserPool"]["Id"].as_str().ok_or_else(|| format!("CreateUserPool answered {status}: {body}"))?;
    println!("{id}");
    Ok(())
}

/// Creates users u0..u{N-1} with `concurrency` requests in flight; stops at the first failure.
async fn seed(args: &Args) -> Result<(), Error> {
    let (url, pool) = (args.get("url")?.to_owned(), args.get("pool")?.to_owned());
    let users = args.number("users", 100)?;
    let concurrency = args.number("concurrency", 16)?;
    let prefix = args.named.get("prefix").cloned().unwrap_or_else(|| "u".into());
    let http = http_client(concurrency as usize)?;
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (http, url, pool, next, prefix) = (http.clone(), url.clone(), pool.clone(), next.clone(), prefix.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= users {
                    return Ok::<(), Error>(());
                }
                let (status, body) =
                    call(&http, &url, "AdminCreateUser", &user_body(&pool, &format!("{prefix}{i}"), None)).await?;
                if status != 200 {
                    return Err(format!("AdminCreateUser {prefix}{i} answered {status}: {body}").into());
                }
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("{}", json!({"created": users, "seconds": seconds, "per_second": users as f64 / seconds}));
    Ok(())
}

/// Creates an app client that allows `USER_PASSWORD_AUTH` and `USER_SRP_AUTH`, sets the
/// permanent password [`PASSWORD`] for users u0..u{N-1} (made by `seed`), `concurrency` at a
/// time, and signs u0 in once.
async fn signin_setup(args: &Args) -> Result<(), Error> {
    let (url, pool) = (args.get("url")?.to_owned(), args.get("pool")?.to_owned());
    let users = args.number("users", 100)?;
    let concurrency = args.number("concurrency", 16)?;
    let http = http_client(concurrency as usize)?;
    let flows = json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let request = json!({"UserPoolId": pool, "ClientName": "bench", "ExplicitAuthFlows": flows});
    let (status, body) = call(&http, &url, "CreateUserPoolClient", &request).await?;
    let client = body["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or_else(|| format!("CreateUserPoolClient answered {status}: {body}"))?
        .to_owned();
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (http, url, pool, next) = (http.clone(), url.clone(), pool.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= users {
                    return Ok::<(), Error>(());
                }
                let body =
                    json!({"UserPoolId": pool, "Username": format!("u{i}"), "Password": PASSWORD, "Permanent": true});
                let (status, answer) = call(&http, &url, "AdminSetUserPassword", &body).await?;
                if status != 200 {
                    return Err(format!("AdminSetUserPassword u{i} answered {status}: {answer}").into());
                }
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    // One sign-in before any clock starts, so that keys a server makes on first need (ours: the
    // pool's two RSA signing keys) are not made by the timed load. Its answer does not matter.
    let warm_up = json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client,
        "AuthParameters": {"USERNAME": "u0", "PASSWORD": PASSWORD},
    });
    let _ = call(&http, &url, "InitiateAuth", &warm_up).await;
    println!("{client}");
    Ok(())
}

/// The median wall time of one password check by the server's own hasher (Argon2id at the
/// default cost, or `--dev`'s), run back to back on `--threads` threads at once (default 1): on
/// one thread, the figure that bounds sign-ins per second per core; on one per core, what the
/// cores really give when every one of them hashes (the checks share memory bandwidth and cache).
async fn hashcost(args: &Args) -> Result<(), Error> {
    use cognito_idp_server::domain::password::{Cost, Hasher};
    let rounds = args.number("rounds", 20)?.max(1);
    let threads = args.number("threads", 1)?.max(1);
    let dev = args.named.get("dev").is_some_and(|v| v == "true");
    let mut cost = if dev { Cost::DEV } else { Cost::DEFAULT };
    cost.memory_kib = args.number("memory-kib", u64::from(cost.memory_kib))? as u32;
    cost.iterations = args.number("iterations", u64::from(cost.iterations))? as u32;
    let hasher = Hasher::new(cost)?;
    let stored = hasher.hash(PASSWORD.to_owned()).await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..threads {
        let (hasher, stored) = (hasher.clone(), stored.clone());
        workers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for _ in 0..rounds {
                let started = Instant::now();
                if !hasher.verify(PASSWORD.to_owned(), stored.clone()).await {
                    return Err::<Vec<f64>, Error>("the hasher rejected its own hash".into());
                }
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(times)
        }));
    }
    let mut times = Vec::new();
    for worker in workers {
        times.extend(worker.await??);
    }
    let per_second = times.len() as f64 / started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let summary = json!({
        "threads": threads,
        "rounds": rounds,
        "median_ms": times[times.len() / 2],
        "min_ms": times[0],
        "checks_per_second": per_second,
    });
    println!("{summary}");
    Ok(())
}

/// The median wall time of one SRP password verifier, v = g^x mod N over the 3072-bit group, as
/// `cognito_auth::srp` computes it when a password is set, on one thread (`--rounds` of them,
/// each with another salt). `cores / that time` is the most password writes per second the
/// verifier alone allows.
fn srp_verifier(args: &Args) -> Result<(), Error> {
    let rounds = args.number("rounds", 20)?.max(1);
    let mut times = Vec::new();
    for i in 0..rounds {
        let salt = (i as u128).to_be_bytes();
        let started = Instant::now();
        let verifier = cognito_auth::srp::verifier("us-east-1_BenchPool1", "u0", PASSWORD, &salt)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(verifier);
    }
    times.sort_by(f64::total_cmp);
    println!("{}", json!({"rounds": rounds, "median_ms": times[times.len() / 2], "min_ms": times[0]}));
    Ok(())
}

/// A small deterministic generator (xorshift), so every run asks for the same users.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The kinds of load `run` knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    Create,
    CreateTemp,
    List,
    SignIn,
    Srp,
}

/// What one unit of load (one request, or the two of an SRP sign-in) came to.
enum Outcome {
    /// A 200 that does what it should; the server time in microseconds (for SRP, the two
    /// requests' times summed, without the client's own arithmetic).
    Done(u64),
    /// 200 answers that do not do what they should (a listing without its user, a sign-in without
    /// tokens).
    Wrong(String),
    /// Another status: a failed request.
    Failed(String),
}

/// One unit of load of kind `op`; `Err` only when the request could not be sent or answered.
#[allow(clippy::too_many_arguments)]
async fn one(
    op: Op,
    http: &reqwest::Client,
    url: &str,
    pool: &str,
    client: &str,
    username: &str,
    srp: Option<&cognito_auth::srp::SrpClient>,
) -> Result<(Outcome, f64), Error> {
    let (operation, body) = match op {
        Op::Get => ("AdminGetUser", json!({"UserPoolId": pool, "Username": username})),
        Op::Create => ("AdminCreateUser", user_body(pool, username, None)),
        Op::CreateTemp => ("AdminCreateUser", user_body(pool, username, Some(TEMPORARY_PASSWORD))),
        Op::List => ("ListUsers", json!({"UserPoolId": pool, "Filter": format!("email = \"{username}@example.com\"")})),
        Op::SignIn => (
            "InitiateAuth",
            json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client,
                "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD},
            }),
        ),
        Op::Srp => {
            let srp = srp.ok_or("no SRP client")?;
            return srp_signin(http, url, client, srp).await;
        }
    };
    let sent = Instant::now();
    let (status, answer) = call(http, url, operation, &body).await?;
    let micros = sent.elapsed().as_micros() as u64;
    let outcome = match status {
        200 if op == Op::List && answer["Users"].as_array().map_or(0, Vec::len) != 1 => {
            Outcome::Wrong(format!("ListUsers found not exactly one user: {answer}"))
        }
        200 if op == Op::SignIn && !answer["AuthenticationResult"]["AccessToken"].is_string() => {
            Outcome::Wrong(format!("InitiateAuth ended without tokens: {answer}"))
        }
        200 => Outcome::Done(micros),
        _ => Outcome::Failed(format!("{operation} {status}: {answer}")),
    };
    Ok((outcome, 0.0))
}

/// One `USER_SRP_AUTH` sign-in: `InitiateAuth` with the client's `SRP_A`, then
/// `RespondToAuthChallenge` with the answer to `PASSWORD_VERIFIER`. Done only when the second
/// answer carries an access token. Also returns the milliseconds the client's own arithmetic took.
async fn srp_signin(
    http: &reqwest::Client,
    url: &str,
    client: &str,
    srp: &cognito_auth::srp::SrpClient,
) -> Result<(Outcome, f64), Error> {
    let request = json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": srp.auth_parameters()});
    let sent = Instant::now();
    let (status, answer) = call(http, url, "InitiateAuth", &request).await?;
    let first = sent.elapsed().as_micros() as u64;
    if status != 200 {
        return Ok((Outcome::Failed(format!("InitiateAuth {status}: {answer}")), 0.0));
    }
    if answer["ChallengeName"] != "PASSWORD_VERIFIER" {
        return Ok((Outcome::Wrong(format!("InitiateAuth did not ask for PASSWORD_VERIFIER: {answer}")), 0.0));
    }
    let parameters: Vec<(String, String)> = answer["ChallengeParameters"]
        .as_object()
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    // The exponentiation takes milliseconds: off the runtime's threads, so that it does not hold
    // up the other workers' requests (and their measured times).
    let srp = srp.clone();
    let (responses, client_ms) = tokio::task::spawn_blocking(move || {
        let computing = Instant::now();
        let responses = cognito_auth::srp::PasswordVerifierChallenge::from_parameters(parameters)
            .and_then(|challenge| srp.respond(&challenge));
        (responses, computing.elapsed().as_secs_f64() * 1000.0)
    })
    .await?;
    let responses = match responses {
        Ok(responses) => responses,
        Err(e) => {
            return Ok((Outcome::Wrong(format!("PASSWORD_VERIFIER challenge unusable ({e}): {answer}")), client_ms));
        }
    };
    let mut request = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ClientId": client,
        "ChallengeResponses": responses,
    });
    if let Some(session) = answer["Session"].as_str() {
        request["Session"] = json!(session);
    }
    let sent = Instant::now();
    let (status, answer) = call(http, url, "RespondToAuthChallenge", &request).await?;
    let micros = first + sent.elapsed().as_micros() as u64;
    let outcome = match status {
        200 if answer["AuthenticationResult"]["AccessToken"].is_string() => Outcome::Done(micros),
        200 => Outcome::Wrong(format!("RespondToAuthChallenge ended without tokens: {answer}")),
        _ => Outcome::Failed(format!("RespondToAuthChallenge {status}: {answer}")),
    };
    Ok((outcome, client_ms))
}

/// The SRP client of user `u{index}`, with a 256-bit ephemeral secret from a fixed sequence.
///
/// A real client draws a new 1024-bit secret from the system's generator for every sign-in; the
/// load generator makes one per user before the clock starts, reuses it, and keeps it short, so
/// that its own arithmetic per sign-in (the session key's exponentiation, whose exponent is
/// a + u * x) stays small next to the server's. The server's work is the same either way.
fn srp_client(pool: &str, index: u64) -> Result<cognito_auth::srp::SrpClient, Error> {
    let mut state = 0x2545_F491_4F6C_DD1D ^ (index + 1);
    let secret: Vec<u8> = (0..4).flat_map(|_| xorshift(&mut state).to_be_bytes()).collect();
    Ok(cognito_auth::srp::SrpClient::with_ephemeral(pool, &format!("u{index}"), PASSWORD, &secret)?)
}

/// `concurrency` workers send `op` requests back to back until `duration` is over. For `srp`,
/// the clients come from [`srp_client`].
async fn run(args: &Args) -> Result<(), Error> {
    let (url, pool) = (args.get("url")?.to_owned(), args.get("pool")?.to_owned());
    let op_name = args.get("op")?.to_owned();
    let users = args.number("users", 100)?.max(1);
    let concurrency = args.number("concurrency", 16)?;
    let duration = Duration::from_secs(args.number("duration", 10)?);
    let prefix = args.named.get("prefix").cloned().unwrap_or_else(|| "load".into());
    let client = args.named.get("client").cloned().unwrap_or_default();
    let op = match op_name.as_str() {
        "get" => Op::Get,
        "create" => Op::Create,
        "create-temp" => Op::CreateTemp,
        "list" => Op::List,
        "signin" => Op::SignIn,
        "srp" => Op::Srp,
        other => return Err(format!("unknown --op {other}").into()),
    };
    let srp_clients: Arc<Vec<cognito_auth::srp::SrpClient>> = Arc::new(if op == Op::Srp {
        (0..users).map(|i| srp_client(&pool, i)).collect::<Result<_, _>>()?
    } else {
        Vec::new()
    });
    let http = http_client(concurrency as usize)?;
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (http, url, pool, prefix, client, srp_clients) =
            (http.clone(), url.clone(), pool.clone(), prefix.clone(), client.clone(), srp_clients.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(1 << 16);
            let (mut errors, mut first_error, mut wrong, mut first_wrong) =
                (0u64, None::<String>, 0u64, None::<String>);
            let mut client_ms = Vec::new();
            let mut state = 0x9E37_79B9_7F4A_7C15 ^ (worker + 1);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let (username, srp) = match op {
                    Op::Create | Op::CreateTemp => (format!("{prefix}-{worker}-{n}"), None),
                    _ => {
                        let i = xorshift(&mut state) % users;
                        (format!("u{i}"), srp_clients.get(i as usize))
                    }
                };
                n += 1;
                match one(op, &http, &url, &pool, &client, &username, srp).await {
                    Ok((outcome, ms)) => {
                        if op == Op::Srp && ms > 0.0 {
                            client_ms.push(ms);
                        }
                        match outcome {
                            Outcome::Done(micros) => latencies.push(micros),
                            Outcome::Wrong(why) => {
                                wrong += 1;
                                first_wrong.get_or_insert(why);
                            }
                            Outcome::Failed(why) => {
                                errors += 1;
                                first_error.get_or_insert(why);
                            }
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
            (latencies, errors, first_error, wrong, first_wrong, client_ms)
        }));
    }
    let (mut latencies, mut errors, mut first_error, mut wrong, mut first_wrong) = (Vec::new(), 0, None, 0, None);
    let mut client_ms = Vec::new();
    for worker in workers {
        let (l, e, f, w, fw, c) = worker.await?;
        latencies.extend(l);
        errors += e;
        first_error = first_error.or(f);
        wrong += w;
        first_wrong = first_wrong.or(fw);
        client_ms.extend(c);
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index] as f64 / 1000.0
    };
    client_ms.sort_by(f64::total_cmp);
    let mut summary = json!({
        "op": op_name,
        "ok": latencies.len(),
        "errors": errors,
        "first_error": first_error.map(|e| truncate(&e, 300)),
        "wrong_answers": wrong,
        "first_wrong": first_wrong.map(|e| truncate(&e, 300)),
        "seconds": seconds,
        "rps": latencies.len() as f64 / seconds,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": percentile(1.0),
    });
    if op == Op::Srp {
        summary["client_median_ms"] = json!(client_ms.get(client_ms.len() / 2).copied().unwrap_or(0.0));
    }
    println!("{summary}");
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
    let args = Args::parse("usage: load startup|pool|seed|run --url URL ...")?;
    match args.mode.as_str() {
        "startup" => startup(&args).await,
        "pool" => create_pool(&args).await,
        "seed" => seed(&args).await,
        "run" => run(&args).await,
        "signin-setup" => signin_setup(&args).await,
        "hashcost" => hashcost(&args).await,
        "srp-verifier" => srp_verifier(&args),
        other => Err(format!("unknown mode {other}").into()),
    }
}
