//! The server's options, as the command line and environment give them.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// Options of `cognito-idp-server`; every flag has an environment variable.
#[derive(Debug, Clone, Parser)]
#[command(name = "cognito-idp-server", version, about = "A local, durable Amazon Cognito user-pools server")]
pub struct Options {
    /// Address to listen on.
    #[arg(long, env = "COGNITO_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "COGNITO_PORT", default_value_t = 9229)]
    pub port: u16,
    /// Where the data lives: an SQLite file (a path, or `sqlite:PATH`; created if missing), or
    /// a PostgreSQL database shared by several instances (`postgres://user@host:port/dbname`).
    #[arg(long, env = "COGNITO_DB", default_value = ".cognito/cognito.db")]
    pub db: PathBuf,
    /// PostgreSQL only: most database connections this instance keeps open.
    #[arg(long, env = "COGNITO_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: usize,
    /// PostgreSQL only: longest a statement may run, and a request may wait for a connection,
    /// in milliseconds (0: no limit).
    #[arg(long, env = "COGNITO_DB_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub db_statement_timeout_ms: u64,
    /// Keep everything in memory (gone at exit) instead of the database file.
    #[arg(long, env = "COGNITO_IN_MEMORY")]
    pub in_memory: bool,
    /// The region in pool ids and ARNs.
    #[arg(long, env = "COGNITO_REGION", default_value = "us-east-1")]
    pub region: String,
    /// A JSON file of pools, app clients and users to create at start-up (idempotent).
    #[arg(long, env = "COGNITO_SEED")]
    pub seed: Option<PathBuf>,
    /// The self-hosting profile, for real users: full-cost password hashing, no `/_local/`
    /// endpoints (no outbox of codes and temporary passwords, no clock, no reset), and SigV4
    /// required for the operations AWS signs (so `--credentials` is needed). Without it the
    /// server is a local emulator for test suites: fast hashing, `/_local/` on, any credentials.
    /// Each part can still be set on its own with the flags below.
    #[arg(long, env = "COGNITO_SELF_HOSTED")]
    pub self_hosted: bool,
    /// Password hashing cost: `fast` (cheap Argon2id, for test suites; the local default) or
    /// `full` (Argon2id at OWASP's minimum, or `--hash-memory-kib` / `--hash-iterations`; the
    /// default with `--self-hosted`).
    #[arg(long, env = "COGNITO_HASH_COST", value_parser = ["fast", "full"])]
    pub hash_cost: Option<String>,
    /// The same as `--hash-cost fast` (kept for scripts written for earlier versions).
    #[arg(long, env = "COGNITO_DEV")]
    pub dev: bool,
    /// Check SigV4 signatures of signed operations against the key pairs in this file (one
    /// `ACCESS_KEY_ID SECRET_ACCESS_KEY` per line); without it any credentials are accepted.
    #[arg(long, env = "COGNITO_CREDENTIALS")]
    pub credentials: Option<PathBuf>,
    /// Serve `/_local/` (the outbox of codes and temporary passwords, reset, clock): `true` by
    /// default, `false` with `--self-hosted`.
    #[arg(long, env = "COGNITO_LOCAL_ENDPOINTS")]
    pub local_endpoints: Option<bool>,
    /// The same as `--local-endpoints false`.
    #[arg(long, env = "COGNITO_NO_LOCAL_ENDPOINTS")]
    pub no_local_endpoints: bool,
    /// Refuse the operations AWS signs unless they carry a SigV4 signature of a key pair in
    /// `--credentials` (which this then requires): `false` by default, `true` with
    /// `--self-hosted`. With `--credentials` given, signatures are checked either way.
    #[arg(long, env = "COGNITO_REQUIRE_SIGV4")]
    pub require_sigv4: Option<bool>,
    /// SQLite's `synchronous` mode: `full` (every acknowledged write survives a power loss)
    /// or `normal` (survives a crash of the process; a power loss may lose the last writes).
    #[arg(long, env = "COGNITO_SQLITE_SYNC", default_value = "full", value_parser = ["full", "normal"])]
    pub sqlite_sync: String,
    /// Argon2id memory cost in KiB (default: OWASP's minimum, 19 MiB).
    #[arg(long, env = "COGNITO_HASH_MEMORY_KIB")]
    pub hash_memory_kib: Option<u32>,
    /// What the tokens' issuer (`iss`) starts with: tokens carry `{issuer-base}/{poolId}`, and the
    /// discovery document and JWKS are served under it. Default: `http://{host}:{port}` of this
    /// server. Set it when clients reach the server through another address (a proxy presenting
    /// `https://cognito-idp.us-east-1.amazonaws.com`), and to the same value on every instance
    /// that shares a database, so each accepts the others' tokens.
    #[arg(long, env = "COGNITO_ISSUER_BASE")]
    pub issuer_base: Option<String>,
    /// Argon2id passes (default 2).
    #[arg(long, env = "COGNITO_HASH_ITERATIONS")]
    pub hash_iterations: Option<u32>,
    /// The Lambda Invoke API the pools' triggers are called through (default: the AWS SDKs'
    /// `AWS_ENDPOINT_URL_LAMBDA`, then `AWS_ENDPOINT_URL`, then AWS's own endpoint).
    #[arg(long, env = "COGNITO_LAMBDA_ENDPOINT")]
    pub lambda_endpoint: Option<String>,
    /// Throttle requests past their API category's rate (AWS's defaults, or what
    /// `UpdateProvisionedLimit` provisioned) with `TooManyRequestsException`, as AWS does. Off by
    /// default, so that test suites run unthrottled.
    #[arg(long, env = "COGNITO_ENFORCE_LIMITS")]
    pub enforce_limits: bool,
    /// Keep the history of users, groups and memberships that point-in-time recovery reads
    /// (`InitiatePointInTimeRecovery`): one row per changed record, written with it. `false`
    /// saves that write (and turns the recovery operations off).
    #[arg(long, env = "COGNITO_HISTORY", default_value_t = true, action = clap::ArgAction::Set)]
    pub history: bool,
    /// How many days of that history are kept (older rows are purged): the furthest back a
    /// recovery can go. AWS's longest recovery period is 14 days (the Plus feature plan).
    #[arg(long, env = "COGNITO_HISTORY_RETENTION_DAYS", default_value_t = 14)]
    pub history_retention_days: u32,
    /// Name trigger functions by the function name of their ARN instead of the whole ARN, for
    /// local Lambda runtimes that know functions by name only (serverless-offline).
    #[arg(long, env = "COGNITO_LAMBDA_FUNCTION_NAME_ONLY")]
    pub lambda_function_name_only: bool,
    /// The KMS API custom sender triggers' codes are encrypted through (default: the AWS SDKs'
    /// `AWS_ENDPOINT_URL_KMS`, then `AWS_ENDPOINT_URL`, then AWS's own endpoint).
    #[arg(long, env = "COGNITO_KMS_ENDPOINT")]
    pub kms_endpoint: Option<String>,
    /// The CloudWatch Logs API exported logs are delivered through (default: the AWS SDKs'
    /// `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, then `AWS_ENDPOINT_URL`, then AWS's own endpoint).
    #[arg(long, env = "COGNITO_CLOUDWATCH_LOGS_ENDPOINT")]
    pub cloudwatch_logs_endpoint: Option<String>,
    /// The S3 API exported logs are delivered through (default: `AWS_ENDPOINT_URL_S3`, then
    /// `AWS_ENDPOINT_URL`, then AWS's own endpoint); requests are path-style on a given one.
    #[arg(long, env = "COGNITO_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The Firehose API exported logs are delivered through (default:
    /// `AWS_ENDPOINT_URL_FIREHOSE`, then `AWS_ENDPOINT_URL`, then AWS's own endpoint).
    #[arg(long, env = "COGNITO_FIREHOSE_ENDPOINT")]
    pub firehose_endpoint: Option<String>,
    /// Fetch client ID metadata documents whose `https://` URL names a loopback host
    /// (`127.0.0.1`, `[::1]`, `localhost`) over plain HTTP, for test suites that serve them
    /// locally without a certificate. The `client_id` stays the `https://` URL.
    #[arg(long, env = "COGNITO_CIMD_LOOPBACK_HTTP")]
    pub cimd_loopback_http: bool,
    /// A breached-password list to add to the one shipped, for threat protection's
    /// compromised-credentials checks: SHA-1 hashes in upper-case hex, one per line, optionally
    /// `:count` after each (Have I Been Pwned's Pwned Passwords format).
    #[arg(long, env = "COGNITO_BREACHED_PASSWORDS")]
    pub breached_passwords: Option<PathBuf>,
    /// `TYPE=ISSUER` (repeatable): sign in through a social provider type (`Google`,
    /// `Facebook`, `LoginWithAmazon`, `SignInWithApple`) at another OpenID Connect issuer
    /// instead of the provider's own endpoints, found through the issuer's discovery document,
    /// so a local OIDC server can stand in for it in tests.
    #[arg(long = "federation-endpoint", env = "COGNITO_FEDERATION_ENDPOINT", value_delimiter = ',')]
    pub federation_endpoints: Vec<String>,
}

/// What the options decide once the profile's defaults and the flags that override them are
/// put together ([`Options::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    /// Cheap Argon2id (`--hash-cost fast`) rather than OWASP's minimum.
    pub fast_hashing: bool,
    /// `/_local/` and the outbox.
    pub local_endpoints: bool,
    /// Signed operations need a valid SigV4 signature.
    pub require_sigv4: bool,
}

impl Options {
    /// The profile's defaults with the flags that override them, or why they do not fit
    /// together.
    pub fn resolve(&self) -> Result<Resolved, String> {
        let fast_hashing = match (self.hash_cost.as_deref(), self.dev) {
            (Some("full"), true) => return Err("--dev and --hash-cost full contradict each other".into()),
            (Some(cost), _) => cost == "fast",
            (None, true) => true,
            (None, false) => !self.self_hosted,
        };
        let local_endpoints = match (self.local_endpoints, self.no_local_endpoints) {
            (Some(true), true) => {
                return Err("--local-endpoints true and --no-local-endpoints contradict each other".into());
            }
            (Some(on), _) => on,
            (None, true) => false,
            (None, false) => !self.self_hosted,
        };
        let require_sigv4 = self.require_sigv4.unwrap_or(self.self_hosted);
        if require_sigv4 && self.credentials.is_none() {
            return Err(format!(
                "{} requires SigV4 on the operations AWS signs: give --credentials FILE (lines of \
                 `ACCESS_KEY_ID SECRET_ACCESS_KEY`), or --require-sigv4 false to accept any caller",
                if self.require_sigv4 == Some(true) { "--require-sigv4" } else { "--self-hosted" }
            ));
        }
        Ok(Resolved { fast_hashing, local_endpoints, require_sigv4 })
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::parse_from(["cognito-idp-server"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(args: &[&str]) -> Result<Resolved, String> {
        Options::try_parse_from(std::iter::once("cognito-idp-server").chain(args.iter().copied())).unwrap().resolve()
    }

    #[test]
    fn the_default_is_the_local_emulator() {
        let local = Resolved { fast_hashing: true, local_endpoints: true, require_sigv4: false };
        assert_eq!(resolve(&[]), Ok(local));
        assert_eq!(resolve(&["--dev"]), Ok(local));
        assert_eq!(resolve(&["--hash-cost", "full"]), Ok(Resolved { fast_hashing: false, ..local }));
        assert_eq!(resolve(&["--no-local-endpoints"]), Ok(Resolved { local_endpoints: false, ..local }));
        assert_eq!(resolve(&["--local-endpoints", "false"]), Ok(Resolved { local_endpoints: false, ..local }));
    }

    #[test]
    fn self_hosting_turns_every_part_and_needs_credentials() {
        let err = resolve(&["--self-hosted"]).unwrap_err();
        assert!(err.starts_with("--self-hosted requires SigV4") && err.contains("--credentials FILE"), "{err}");
        let hosted = resolve(&["--self-hosted", "--credentials", "keys"]).unwrap();
        assert_eq!(hosted, Resolved { fast_hashing: false, local_endpoints: false, require_sigv4: true });
        // Each part can be set on its own.
        let relaxed = resolve(&["--self-hosted", "--require-sigv4", "false", "--hash-cost", "fast"]).unwrap();
        assert_eq!(relaxed, Resolved { fast_hashing: true, local_endpoints: false, require_sigv4: false });
        let outbox = resolve(&["--self-hosted", "--credentials", "k", "--local-endpoints", "true"]).unwrap();
        assert!(outbox.local_endpoints);
        let err = resolve(&["--require-sigv4", "true"]).unwrap_err();
        assert!(err.starts_with("--require-sigv4 requires SigV4"), "{err}");
    }

    #[test]
    fn contradictions_are_refused() {
        assert!(resolve(&["--dev", "--hash-cost", "full"]).unwrap_err().contains("contradict"));
        assert!(resolve(&["--no-local-endpoints", "--local-endpoints", "true"]).unwrap_err().contains("contradict"));
    }
}
