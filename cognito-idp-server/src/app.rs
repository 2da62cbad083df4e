//! Start-up: open the store, seed it, build the router (the API at `POST /`, `GET /health`,
//! `/_local/`, each pool's `/.well-known/` JWKS and discovery document), listen, and shut down
//! gracefully.

use std::net::SocketAddr;
use std::sync::Arc;

use awsjson_server::{InMemoryCredentials, ServerConfig, SigV4Config};
use axum::{Router, routing::any, routing::get};
use tokio::sync::oneshot;

use crate::clock::Clock;
use crate::domain::password::{Cost, Hasher};
use crate::options::{Options, Resolved};
use crate::state::{Cognito, Settings};
use crate::store::Store;
use crate::store::postgres::{PgOptions, PgStore};
use crate::store::sqlite::{Location, SqliteStore, Synchronous};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The address could not be bound.
    #[error("listening on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    /// A file named by an option could not be read or parsed.
    #[error("{0}")]
    Config(String),
}

/// A running server.
pub struct Running {
    /// Where it listens.
    pub address: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    purger: tokio::task::JoinHandle<()>,
    /// The import jobs' runner, and the provisioned limits' refresher when limits are enforced.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish, and waits for that.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        self.purger.abort();
        let _ = self.purger.await;
        for task in self.background {
            task.abort();
            let _ = task.await;
        }
    }

    /// Waits until the server stops on its own (it does not, unless the listener fails).
    pub async fn wait(self) {
        let _ = self.task.await;
        self.purger.abort();
        for task in &self.background {
            task.abort();
        }
    }

    /// Serves until SIGTERM or Ctrl-C, then shuts down gracefully.
    pub async fn until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.shutdown().await;
    }
}

/// Starts the server described by `options`: on PostgreSQL when `--db` is a `postgres://` URL,
/// otherwise on an SQLite file (or in memory).
pub async fn serve(options: Options) -> Result<Running, StartError> {
    let db = options.db.to_string_lossy().into_owned();
    if !options.in_memory && crate::store::postgres::is_url(&db) {
        let pg = PgOptions {
            url: db,
            pool_size: options.db_pool_size,
            statement_timeout_ms: options.db_statement_timeout_ms,
        };
        let store = PgStore::open(&pg).await?;
        return serve_on(store, options).await;
    }
    let synchronous = if options.sqlite_sync == "normal" { Synchronous::Normal } else { Synchronous::Full };
    let location = if options.in_memory { Location::Memory } else { Location::File(sqlite_path(&options.db)) };
    let store = SqliteStore::open(location, synchronous)?;
    serve_on(store, options).await
}

/// The file an SQLite `--db` names: a path, or `sqlite:PATH` (`sqlite://PATH` too).
fn sqlite_path(db: &std::path::Path) -> std::path::PathBuf {
    match db.to_str().and_then(|s| s.strip_prefix("sqlite:")) {
        Some(rest) => rest.strip_prefix("//").unwrap_or(rest).into(),
        None => db.to_owned(),
    }
}

/// `--db` as the log shows it: a URL's password replaced by `***`.
fn redacted(db: &std::path::Path) -> String {
    let text = db.to_string_lossy();
    let Some(scheme_end) = text.find("://") else { return text.into_owned() };
    let rest = &text[scheme_end + 3..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}{}:***{}", &text[..scheme_end + 3], &rest[..colon], &rest[at..])
        }
        _ => text.into_owned(),
    }
}

/// Starts the server on an opened store (the handlers are generic over it, so the router is
/// built once per kind of store).
async fn serve_on<S: Store + Clone>(store: S, options: Options) -> Result<Running, StartError> {
    let profile = options.resolve().map_err(StartError::Config)?;
    let cost = if profile.fast_hashing { Cost::DEV } else { Cost::DEFAULT };
    let cost = Cost {
        memory_kib: options.hash_memory_kib.unwrap_or(cost.memory_kib),
        iterations: options.hash_iterations.unwrap_or(cost.iterations),
        ..cost
    };
    announce(&options, &profile, &cost);
    let hasher = Hasher::new(cost).map_err(|e| StartError::Config(format!("hash cost: {e}")))?;
    crate::handlers::risk::breached::load(options.breached_passwords.as_deref()).map_err(StartError::Config)?;
    // Bound first: the tokens' default issuer is the address it listens on (port 0 picks one).
    let address = SocketAddr::new(options.host, options.port);
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| StartError::Bind(address, e))?;
    let address = listener.local_addr().map_err(|e| StartError::Bind(address, e))?;
    let issuer_base = match &options.issuer_base {
        Some(base) => base.trim_end_matches('/').to_owned(),
        None => format!("http://{address}"),
    };
    let settings = Settings {
        region: options.region.clone(),
        outbox: profile.local_endpoints,
        issuer_base,
        endpoint: format!("http://{}", reachable(address)),
        cimd_loopback_http: options.cimd_loopback_http,
        federation_endpoints: federation_endpoints(&options.federation_endpoints)?,
        ..Settings::default()
    };
    let clock = Clock::default();
    if let Some(offset) = store.get_setting(crate::local::CLOCK_OFFSET).await?.and_then(|v| v.parse().ok()) {
        clock.set_offset_ms(offset);
    }
    let retention_ms = i64::from(options.history_retention_days) * 24 * 3600 * 1000;
    store.history().configure(clock.clone(), options.history, retention_ms);
    let svc = Cognito {
        store,
        settings: Arc::new(settings),
        clock,
        hasher,
        pools: Default::default(),
        keys: Default::default(),
        triggers: crate::triggers::Triggers::new(
            crate::triggers::Lambda::new(options.lambda_endpoint.clone())
                .function_name_only(options.lambda_function_name_only),
            crate::triggers::Kms::new(options.kms_endpoint.clone()),
        ),
        limits: Arc::new(crate::limits::Limiter::new(options.enforce_limits)),
        logs: crate::log_delivery::queue::Deliverer::new(
            crate::log_delivery::Endpoints::resolve(
                options.cloudwatch_logs_endpoint.clone(),
                options.s3_endpoint.clone(),
                options.firehose_endpoint.clone(),
            ),
            &options.region,
            &Settings::default().account_id,
        ),
    };
    svc.limits.load(&svc.store).await?;
    if let Some(seed) = &options.seed {
        crate::local::seed::apply(&svc, seed).await.map_err(StartError::Config)?;
    }
    let mut config = ServerConfig::default();
    if let Some(path) = &options.credentials {
        config = config.sigv4(SigV4Config::new(read_credentials(path)?).region(options.region.clone()));
    }
    let mut app = Router::new().route("/health", get(|| async { "ok" }));
    if profile.local_endpoints {
        app = app.nest("/_local", crate::local::routes(svc.clone())).merge(crate::local::console::front(svc.clone()));
    } else {
        // The API answers every path (as AWS does), so /_local/ is refused explicitly: a 404
        // tells a test suite pointed at a self-hosted server that it has no local endpoints.
        app = app
            .route("/_local", any(local_off))
            .route("/_local/", any(local_off))
            .route("/_local/{*rest}", any(local_off));
    }
    let purger = tokio::spawn(purge_periodically(svc.store.clone(), svc.clock.clone()));
    let mut background = vec![tokio::spawn(crate::user_import::runner::run(svc.clone()))];
    if svc.limits.enforced() {
        background.push(tokio::spawn(refresh_limits(svc.clone())));
    }
    app = app.merge(crate::user_import::upload::routes(svc.clone()));
    let app = app.merge(crate::tokens::discovery::routes(svc.clone()));
    let app = app.merge(crate::oauth::routes(svc.clone())).merge(crate::pages::routes(svc.clone()));
    let app = app.merge(cognito_idp::server::router_with(svc, config));
    // Requests on a domain's own host name reach its endpoints: rewritten before routing.
    let app = tower::Layer::layer(&axum::middleware::from_fn(crate::oauth::host::route), app);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let service =
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<SocketAddr>(app);
        let graceful = axum::serve(listener, service).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = graceful.await {
            tracing::error!(error = %e, "the server stopped");
        }
    });
    tracing::info!(%address, db = %redacted(&options.db), in_memory = options.in_memory, "listening");
    Ok(Running { address, stop, task, purger, background })
}

/// Says in one line at start-up which profile the server runs and what that means, so that
/// nobody serves real users with a test suite's settings without being told.
fn announce(options: &Options, profile: &Resolved, cost: &Cost) {
    let hashing = if profile.fast_hashing {
        "fast password hashing (not for real passwords)"
    } else {
        "full-cost password hashing"
    };
    let local = if profile.local_endpoints {
        "/_local/ endpoints on (the outbox shows every code and temporary password)"
    } else {
        "no /_local/ endpoints"
    };
    let signing = if profile.require_sigv4 || options.credentials.is_some() {
        "SigV4 checked on signed operations"
    } else {
        "any credentials accepted"
    };
    let local_profile = profile.fast_hashing || profile.local_endpoints || !profile.require_sigv4;
    if options.self_hosted && local_profile {
        tracing::warn!(
            memory_kib = cost.memory_kib,
            iterations = cost.iterations,
            "self-hosted profile with local settings: {hashing}, {local}, {signing}"
        );
    } else if options.self_hosted {
        tracing::info!(
            memory_kib = cost.memory_kib,
            iterations = cost.iterations,
            "self-hosted profile: {hashing}, {local}, {signing}"
        );
    } else {
        tracing::info!(
            memory_kib = cost.memory_kib,
            iterations = cost.iterations,
            "local emulator profile: {hashing}, {local}, {signing}; --self-hosted for real users"
        );
    }
    if options.self_hosted && options.issuer_base.is_none() {
        tracing::warn!(
            "--self-hosted without --issuer-base: tokens name this server's own address as their issuer; set the URL clients reach it by"
        );
    }
}

/// How often expired sign-in state is purged.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Most batches of [`PERIODIC_BATCH`](crate::store::PERIODIC_BATCH) rows one round removes: a
/// backlog goes over several rounds rather than in one long write.
const PURGE_BATCHES_PER_ROUND: usize = 4;

/// Purges long-expired sessions, refresh tokens and token families every [`PURGE_EVERY`] with
/// the server's clock: the writes that purge on the way (new challenge sessions, rotations) may
/// never come on a server whose clients only sign in with passwords and refresh.
async fn purge_periodically<S: Store>(store: S, clock: Clock) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + PURGE_EVERY, PURGE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        for _ in 0..PURGE_BATCHES_PER_ROUND {
            match store.purge_expired(clock.now_ms()).await {
                Ok(removed) => {
                    if removed > 0 {
                        tracing::debug!(removed, "purged expired sign-in state");
                    }
                    // Fewer rows than one table's bound: nothing is left.
                    if removed < crate::store::PERIODIC_BATCH as u64 {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "purging expired sign-in state failed; trying again later");
                    break;
                }
            }
        }
    }
}

/// Reads the provisioned limits again every [`crate::limits::REFRESH`]: another instance may
/// have changed them.
async fn refresh_limits<S: Store + Clone>(svc: Cognito<S>) {
    loop {
        tokio::time::sleep(crate::limits::REFRESH).await;
        if let Err(e) = svc.limits.load(&svc.store).await {
            tracing::warn!(error = %e, "reading the provisioned limits failed; trying again later");
        }
    }
}

/// The address clients reach a server listening on `address` by: itself, or the loopback
/// address when it listens on every interface.
fn reachable(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        ip if ip.is_unspecified() => SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), address.port()),
        _ => address,
    }
}

async fn local_off() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}

fn read_credentials(path: &std::path::Path) -> Result<InMemoryCredentials, StartError> {
    let text = std::fs::read_to_string(path).map_err(|e| StartError::Config(format!("{}: {e}", path.display())))?;
    let mut credentials = InMemoryCredentials::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(key), Some(secret), None) => credentials = credentials.with_key(key, secret),
            _ => {
                return Err(StartError::Config(format!(
                    "{}:{}: expected `ACCESS_KEY_ID SECRET_ACCESS_KEY`",
                    path.display(),
                    number + 1
                )));
            }
        }
    }
    Ok(credentials)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// `--federation-endpoint TYPE=ISSUER` values, by social provider type.
fn federation_endpoints(given: &[String]) -> Result<std::collections::BTreeMap<String, String>, StartError> {
    let types = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"];
    let mut endpoints = std::collections::BTreeMap::new();
    for entry in given.iter().filter(|e| !e.is_empty()) {
        match entry.split_once('=') {
            Some((kind, url)) if types.contains(&kind) && url.starts_with("http") => {
                endpoints.insert(kind.to_owned(), url.trim_end_matches('/').to_owned());
            }
            _ => {
                return Err(StartError::Config(format!(
                    "--federation-endpoint {entry}: expected TYPE=ISSUER with TYPE one of {}",
                    types.join(", ")
                )));
            }
        }
    }
    Ok(endpoints)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{redacted, sqlite_path};

    #[test]
    fn sqlite_urls_name_files() {
        assert_eq!(sqlite_path(Path::new("sqlite:data/c.db")), PathBuf::from("data/c.db"));
        assert_eq!(sqlite_path(Path::new("sqlite:///var/c.db")), PathBuf::from("/var/c.db"));
        assert_eq!(sqlite_path(Path::new(".cognito/cognito.db")), PathBuf::from(".cognito/cognito.db"));
    }

    #[test]
    fn logged_urls_hide_the_password() {
        let url = |s: &str| redacted(Path::new(s));
        assert_eq!(url("postgres://app:s3cr3t@db:5432/cognito"), "postgres://app:***@db:5432/cognito");
        assert_eq!(url("postgres://app:p@ss@db/cognito?x=1"), "postgres://app:***@db/cognito?x=1");
        assert_eq!(url("postgres://app@db:5432/cognito"), "postgres://app@db:5432/cognito");
        assert_eq!(url("postgres://db/cognito"), "postgres://db/cognito");
        assert_eq!(url(".cognito/cognito.db"), ".cognito/cognito.db");
    }
}
