//! What `device_load` and `passkey_load` share: the same `run` arguments, and a timed load of
//! `concurrency` workers taking the users in turn, each sign-in counted when it ends with an
//! access token, reported as one JSON line per kind of sign-in. Only the sign-ins differ, so
//! each example gives its kinds as a [`SignIn`] and leaves the rest here.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Args, Error, cpu_seconds};

/// `run --url URL [--users 50] [--concurrency 16] [--duration D] [--server-pid PID]`.
pub struct Options {
    /// The server's API endpoint.
    pub url: String,
    /// How many users to make (at least one).
    pub users: u64,
    /// How many workers sign in at once (at least one).
    pub concurrency: u64,
    /// How long each kind of sign-in is loaded.
    pub duration: Duration,
    /// The server's process, whose CPU time gives sign-ins per server CPU-second.
    pub server: Option<u32>,
}

impl Options {
    /// The process's arguments, `duration` seconds when there is no `--duration`; `usage` when
    /// the mode is not `run`.
    pub fn parse(usage: &'static str, duration: u64) -> Result<Options, Error> {
        let args = Args::parse(usage)?;
        if args.mode != "run" {
            return Err(usage.into());
        }
        Ok(Options {
            url: args.get("url")?.to_owned(),
            users: args.number("users", 50)?.max(1),
            concurrency: args.number("concurrency", 16)?.max(1),
            duration: Duration::from_secs(args.number("duration", duration)?),
            server: args.named.get("server-pid").map(|p| p.parse::<u32>()).transpose()?,
        })
    }

    /// An HTTP client that keeps a connection per worker.
    pub fn http(&self) -> Result<reqwest::Client, Error> {
        Ok(reqwest::Client::builder().pool_max_idle_per_host(self.concurrency as usize).build()?)
    }
}

/// One kind of sign-in to load.
pub trait SignIn: Send + Sync + 'static {
    /// Who signs in, and what its client keeps.
    type User: Send + Sync + 'static;

    /// The `kind` of the report line.
    fn kind(&self) -> &'static str;

    /// One sign-in of `user`: whether it ended with an access token.
    fn sign_in(&self, user: &Self::User) -> impl Future<Output = Result<bool, Error>> + Send;
}

/// `concurrency` workers doing `sign_in` for the users in turn until `duration` is over: the
/// report line (with `--server-pid`, the server's CPU time over the load from `/proc`).
pub async fn load<S: SignIn>(sign_in: S, users: &Arc<Vec<S::User>>, options: &Options) -> Result<Value, Error> {
    let (concurrency, server) = (options.concurrency, options.server);
    let sign_in = Arc::new(sign_in);
    let cpu_before = server.and_then(cpu_seconds);
    let started = Instant::now();
    let deadline = started + options.duration;
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (sign_in, users) = (sign_in.clone(), users.clone());
        workers.push(tokio::spawn(async move {
            let (mut ok, mut failed, mut first_error) = (Vec::new(), 0u64, None::<String>);
            let mut n = worker;
            while Instant::now() < deadline {
                let user = &users[(n % users.len() as u64) as usize];
                n += concurrency;
                let sent = Instant::now();
                match sign_in.sign_in(user).await {
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
        "kind": sign_in.kind(),
        "ok": latencies.len(),
        "failed": failed,
        "first_error": first_error,
        "per_second": latencies.len() as f64 / seconds,
        "p50_ms": p50,
        "per_server_cpu_second": server_cpu.map(|cpu| latencies.len() as f64 / cpu),
    }))
}
