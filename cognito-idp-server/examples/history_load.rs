//! The write-path cost of point-in-time recovery's history (`bench/history.sh`):
//! `AdminCreateUser` and `AdminUpdateUserAttributes` per second against a server that keeps
//! history and one started with `--history false`, in the same run.
//!
//! ```text
//! history_load [--db memory|file|postgres://...] [--seconds 3] [--concurrency 16] [--rounds 2]
//! ```
//!
//! Each round starts, in this process, a server with history and then one without (each on a
//! fresh database: an in-memory SQLite, a temporary SQLite file as shipped with
//! `synchronous=FULL`, or a schema of its own in the PostgreSQL the URL names), and against
//! each runs `concurrency` workers for `seconds` of `AdminCreateUser` (a new user each time, two
//! attributes, `MessageAction` `SUPPRESS`), then `seconds` of `AdminUpdateUserAttributes` on
//! those users. Prints one JSON line per measurement, then the median of each figure and the
//! ratio without/with history. Alternating the two within each round keeps the host's drift
//! out of the ratio.

#[path = "support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cognito_idp_server::{Options, serve};
use serde_json::json;
use support::{Args, Error, call};

const USAGE: &str = "history_load run [--db memory|file|postgres://...] [--seconds 3] [--concurrency 16] [--rounds 2]";

/// Runs `concurrency` workers for `seconds`, each calling `body(worker, n)` for its `n`th
/// call; the calls answered 200 per second.
async fn load<F>(url: &str, operation: &'static str, concurrency: u64, seconds: u64, body: F) -> Result<f64, Error>
where
    F: Fn(u64, u64) -> serde_json::Value + Send + Sync + 'static,
{
    let http = reqwest::Client::new();
    let body = Arc::new(body);
    let ok = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let (http, body, ok, url) = (http.clone(), body.clone(), ok.clone(), url.to_owned());
        workers.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                let (status, answer) = call(&http, &url, operation, &body(worker, n)).await?;
                if status != 200 {
                    return Err::<(), Error>(format!("{operation} answered {status}: {answer}").into());
                }
                ok.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    Ok(ok.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// One server, history on or off: (creates per second, updates per second).
async fn measure(db: &str, history: bool, concurrency: u64, seconds: u64) -> Result<(f64, f64), Error> {
    let dir = tempfile::tempdir()?;
    let mut options = Options { host: [127, 0, 0, 1].into(), port: 0, dev: true, history, ..Options::default() };
    match db {
        "memory" => options.in_memory = true,
        "file" => options.db = dir.path().join("cognito.db"),
        url => options.db = url.into(),
    }
    let running = serve(options).await.map_err(|e| e.to_string())?;
    let url = format!("http://{}", running.address);
    let http = reqwest::Client::new();
    let (_, pool) = call(&http, &url, "CreateUserPool", &json!({"PoolName": "history-load"})).await?;
    let pool = pool["UserPool"]["Id"].as_str().ok_or("no pool id")?.to_owned();
    let made = Arc::new(AtomicU64::new(0));
    let create_pool = pool.clone();
    let counter = made.clone();
    let creates = load(&url, "AdminCreateUser", concurrency, seconds, move |worker, n| {
        counter.fetch_max(n + 1, Ordering::Relaxed);
        json!({
            "UserPoolId": create_pool, "Username": format!("w{worker}-u{n}"), "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": format!("w{worker}-u{n}@example.com")},
                               {"Name": "given_name", "Value": "Load"}]
        })
    })
    .await?;
    // Every worker made at least this many users: the updates cycle through them.
    let per_worker = (creates * seconds as f64 / concurrency as f64).max(1.0) as u64 / 2;
    let updates = load(&url, "AdminUpdateUserAttributes", concurrency, seconds, move |worker, n| {
        json!({
            "UserPoolId": pool, "Username": format!("w{worker}-u{}", n % per_worker.max(1)),
            "UserAttributes": [{"Name": "given_name", "Value": format!("Load {n}")}]
        })
    })
    .await?;
    running.shutdown().await;
    Ok((creates, updates))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args::parse(USAGE)?;
    let db = args.named.get("db").cloned().unwrap_or_else(|| "memory".into());
    let seconds = args.number("seconds", 3)?;
    let concurrency = args.number("concurrency", 16)?;
    let rounds = args.number("rounds", 2)?;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for history in [true, false] {
            let (creates, updates) = measure(&db, history, concurrency, seconds).await?;
            println!(
                "{}",
                json!({"round": round, "history": history, "db": db, "creates_per_s": creates, "updates_per_s": updates})
            );
            if history { &mut with } else { &mut without }.push((creates, updates));
        }
    }
    let pick = |v: &Vec<(f64, f64)>, i: usize| median(v.iter().map(|p| if i == 0 { p.0 } else { p.1 }).collect());
    for (i, operation) in ["AdminCreateUser", "AdminUpdateUserAttributes"].iter().enumerate() {
        let (on, off) = (pick(&with, i), pick(&without, i));
        println!(
            "{}",
            json!({"operation": operation, "db": db, "with_history_per_s": on.round(), "without_history_per_s": off.round(),
                   "cost_of_history": format!("{:.1} %", (off / on - 1.0) * 100.0)})
        );
    }
    Ok(())
}
