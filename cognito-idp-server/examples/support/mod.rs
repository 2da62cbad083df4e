//! What the load generators (`load`, `oauth_load`, `trigger_load`, `device_load`,
//! `passkey_load`, ...) share: their `--key value` arguments, one call of the user-pools JSON API
//! with a fixed SigV4-shaped header (our server and cognito-local accept any credentials; moto,
//! ministack and fakecloud read the service and region from that header's credential scope), and
//! a server's CPU time from `/proc`. [`sign_in_load`] is the timed sign-in load of `device_load`
//! and `passkey_load`.

#![allow(dead_code)]

pub mod sign_in_load;

use std::collections::HashMap;

use serde_json::Value;

/// Any failure of a load generator.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

const TARGET: &str = "AWSCognitoIdentityProviderService";
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK0000001/20250101/us-east-1/cognito-idp/aws4_request, \
                             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000";

/// The mode, `--key value` pairs, and whatever follows `--`.
pub struct Args {
    /// The first argument.
    pub mode: String,
    /// The `--key value` pairs.
    pub named: HashMap<String, String>,
    /// After `--`.
    pub rest: Vec<String>,
}

impl Args {
    /// The process's arguments; `usage` when there is no mode.
    pub fn parse(usage: &'static str) -> Result<Args, Error> {
        let mut args = std::env::args().skip(1);
        let mode = args.next().ok_or(usage)?;
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

    /// `--key`, required.
    pub fn get(&self, key: &str) -> Result<&str, Error> {
        self.named.get(key).map(String::as_str).ok_or_else(|| format!("--{key} is required").into())
    }

    /// `--key` as a number, or `default`.
    pub fn number(&self, key: &str, default: u64) -> Result<u64, Error> {
        self.named.get(key).map_or(Ok(default), |v| v.parse().map_err(|e| format!("--{key}: {e}").into()))
    }
}

/// One API call: status and body.
pub async fn call(http: &reqwest::Client, url: &str, operation: &str, body: &Value) -> Result<(u16, Value), Error> {
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

/// An API call that must answer 200: its body.
pub async fn call_ok(http: &reqwest::Client, url: &str, operation: &str, body: &Value) -> Result<Value, Error> {
    let (status, answer) = call(http, url, operation, body).await?;
    if status != 200 {
        return Err(format!("{operation} answered {status}: {answer}").into());
    }
    Ok(answer)
}

/// The CPU time the process `pid` and its descendants have used (user and system, threads that
/// have ended included), from `/proc`; `None` where there is no `/proc`.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    // (pid, parent, ticks) of every process: the fields after the command's closing parenthesis
    // are state, ppid, ... utime (14th field of the line) and stime (15th).
    let mut table = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(id) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        table.push((id, number(1) as u32, number(11) + number(12)));
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(table.iter().filter(|(_, ppid, _)| *ppid == parent).map(|(id, _, _)| *id));
        i += 1;
    }
    let ticks: u64 = table.iter().filter(|(id, _, _)| tree.contains(id)).map(|(_, _, t)| t).sum();
    Some(ticks as f64 / clock_ticks())
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
            .unwrap_or(100.0)
    })
}
