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
    /// Development mode: cheap password hashing (never for real users).
    #[arg(long, env = "COGNITO_DEV")]
    pub dev: bool,
    /// Check SigV4 signatures of signed operations against the key pairs in this file (one
    /// `ACCESS_KEY_ID SECRET_ACCESS_KEY` per line); without it any credentials are accepted.
    #[arg(long, env = "COGNITO_CREDENTIALS")]
    pub credentials: Option<PathBuf>,
    /// Turn off `/_local/` (outbox, reset, clock): for self-hosting.
    #[arg(long, env = "COGNITO_NO_LOCAL_ENDPOINTS")]
    pub no_local_endpoints: bool,
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
}

impl Default for Options {
    fn default() -> Self {
        Options::parse_from(["cognito-idp-server"])
    }
}
