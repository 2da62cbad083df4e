//! The load generator of `bench/reference.sh`: drives any Cognito-compatible server (ours,
//! cognito-local, moto) over plain HTTP on 127.0.0.1 with the same requests, and prints JSON.
//!
//! ```text
//! load startup --url URL --log FILE [--cwd DIR] -- CMD ARGS...
//!                                                    spawn CMD, time until its first answer
//! load pool    --url URL                             CreateUserPool; prints the pool id
//! load seed    --url URL --pool ID --users N [--concurrency C]
//!                                                    AdminCreateUser u0..u{N-1} (email uI@example.com)
//! load signin-setup --url URL --pool ID --users N [--concurrency C]
//!                                                    an app client allowing USER_PASSWORD_AUTH, and
//!                                                    a permanent password for u0..u{N-1}; prints the
//!                                                    client id
//! load run     --url URL --pool ID --op get|create|list|signin [--users N] [--concurrency 16]
//!              [--duration 10] [--prefix P] [--client ID]
//!                                                    fixed-duration load; rate and latencies
//! load hashcost [--rounds 20] [--threads 1] [--dev true] [--memory-kib M --iterations T]
//!                                                    the median time of one password check by the
//!                                                    server's own hasher, on that many threads at once
//! ```
//!
//! Requests are unsigned but carry a fixed SigV4-shaped `Authorization` header: our server and
//! cognito-local accept any credentials, and moto reads the service and region from that
//! header's credential scope. Every mode is bounded (counts, durations, timeouts) and stops by
//! itself.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The password `signin-setup` gives every user (meets the default policy).
const PASSWORD: &str = "Bench-Passw0rd!";

const TARGET: &str = "AWSCognitoIdentityProviderService";
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK0000001/20250101/us-east-1/cognito-idp/aws4_request, \
                             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// `--key value` pairs, and whatever follows `--`.
struct Args {
    mode: String,
    named: HashMap<String, String>,
    rest: Vec<String>,
}

impl Args {
    fn parse() -> Result<Args, Error> {
        let mut args = std::env::args().skip(1);
        let mode = args.next().ok_or("usage: load startup|pool|seed|run --url URL ...")?;
        let (mut named, mut rest) = (HashMap::new(), Vec::new());
        while let Some(arg) = args.next() {
            if arg == "--" {
                rest.extend(args.by_ref());
                break;
            }
            let key = arg.strip_prefix("--").ok_or_else(|| format!("unexpected argument {arg}"))?;
            let value = args.next().ok_or_else(|| format!("--{key} needs a value"))?;
            named.insert(key.to_owned(), value);
        }
        Ok(Args { mode, named, rest })
    }

    fn get(&self, key: &str) -> Result<&str, Error> {
        self.named.get(key).map(String::as_str).ok_or_else(|| format!("--{key} is required").into())
    }

    fn number(&self, key: &str, default: u64) -> Result<u64, Error> {
        self.named.get(key).map_or(Ok(default), |v| v.parse().map_err(|e| format!("--{key}: {e}").into()))
    }
}

/// One API call: status and body.
async fn call(http: &reqwest::Client, url: &str, operation: &str, body: &Value) -> Result<(u16, Value), Error> {
    let response = http
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{TARGET}.{operation}"))
        .header("authorization", AUTHORIZATION)
        .header("x-amz-date", "20250101T000000Z")
        .body(body.to_string())
        .send()
        .await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}

fn http_client(connections: usize) -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .build()?)
}

fn user_body(pool: &str, username: &str) -> Value {
    json!({
        "UserPoolId": pool,
        "Username": username,
        "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}],
        "MessageAction": "SUPPRESS",
    })
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
                    call(&http, &url, "AdminCreateUser", &user_body(&pool, &format!("{prefix}{i}"))).await?;
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

/// Creates an app client that allows `USER_PASSWORD_AUTH` and sets the permanent password
/// [`PASSWORD`] for users u0..u{N-1} (made by `seed`), `concurrency` at a time.
async fn signin_setup(args: &Args) -> Result<(), Error> {
    let (url, pool) = (args.get("url")?.to_owned(), args.get("pool")?.to_owned());
    let users = args.number("users", 100)?;
    let concurrency = args.number("concurrency", 16)?;
    let http = http_client(concurrency as usize)?;
    let flows = json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
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

/// A small deterministic generator (xorshift), so every run asks for the same users.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `concurrency` workers send `op` requests back to back until `duration` is over.
async fn run(args: &Args) -> Result<(), Error> {
    let (url, pool) = (args.get("url")?.to_owned(), args.get("pool")?.to_owned());
    let op = args.get("op")?.to_owned();
    let users = args.number("users", 100)?.max(1);
    let concurrency = args.number("concurrency", 16)?;
    let duration = Duration::from_secs(args.number("duration", 10)?);
    let prefix = args.named.get("prefix").cloned().unwrap_or_else(|| "load".into());
    let client = args.named.get("client").cloned().unwrap_or_default();
    let (operation, check_list) = match op.as_str() {
        "get" => ("AdminGetUser", false),
        "create" => ("AdminCreateUser", false),
        "list" => ("ListUsers", true),
        "signin" => ("InitiateAuth", false),
        other => return Err(format!("unknown --op {other}").into()),
    };
    let http = http_client(concurrency as usize)?;
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (http, url, pool, prefix, client) =
            (http.clone(), url.clone(), pool.clone(), prefix.clone(), client.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(1 << 16);
            let (mut errors, mut first_error, mut wrong) = (0u64, None::<String>, 0u64);
            let mut state = 0x9E37_79B9_7F4A_7C15 ^ (worker + 1);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let body = match operation {
                    "AdminGetUser" => {
                        json!({"UserPoolId": pool, "Username": format!("u{}", xorshift(&mut state) % users)})
                    }
                    "AdminCreateUser" => user_body(&pool, &format!("{prefix}-{worker}-{n}")),
                    "InitiateAuth" => json!({
                        "AuthFlow": "USER_PASSWORD_AUTH",
                        "ClientId": client,
                        "AuthParameters": {
                            "USERNAME": format!("u{}", xorshift(&mut state) % users),
                            "PASSWORD": PASSWORD,
                        },
                    }),
                    _ => json!({
                        "UserPoolId": pool,
                        "Filter": format!("email = \"u{}@example.com\"", xorshift(&mut state) % users),
                    }),
                };
                n += 1;
                let sent = Instant::now();
                let result = call(&http, &url, operation, &body).await;
                let micros = sent.elapsed().as_micros() as u64;
                match result {
                    Ok((200, answer)) => {
                        latencies.push(micros);
                        // A filtered listing must find exactly its one user.
                        if check_list && answer["Users"].as_array().map_or(0, Vec::len) != 1 {
                            wrong += 1;
                        }
                        // A sign-in must end with tokens (no challenge).
                        if operation == "InitiateAuth" && !answer["AuthenticationResult"]["AccessToken"].is_string() {
                            wrong += 1;
                        }
                    }
                    Ok((status, answer)) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| format!("{status}: {answer}"));
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
            (latencies, errors, first_error, wrong)
        }));
    }
    let (mut latencies, mut errors, mut first_error, mut wrong) = (Vec::new(), 0, None, 0);
    for worker in workers {
        let (l, e, f, w) = worker.await?;
        latencies.extend(l);
        errors += e;
        first_error = first_error.or(f);
        wrong += w;
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
    println!(
        "{}",
        json!({
            "op": op,
            "ok": latencies.len(),
            "errors": errors,
            "first_error": first_error,
            "wrong_answers": wrong,
            "seconds": seconds,
            "rps": latencies.len() as f64 / seconds,
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
        })
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse()?;
    match args.mode.as_str() {
        "startup" => startup(&args).await,
        "pool" => create_pool(&args).await,
        "seed" => seed(&args).await,
        "run" => run(&args).await,
        "signin-setup" => signin_setup(&args).await,
        "hashcost" => hashcost(&args).await,
        other => Err(format!("unknown mode {other}").into()),
    }
}
