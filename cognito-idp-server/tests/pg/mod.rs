//! Throwaway PostgreSQL servers for the tests: Debian's `postgresql` binaries, `initdb` into a
//! temporary directory, a free port on 127.0.0.1, trust authentication, stopped and removed
//! when done. Or, when `COGNITO_TEST_POSTGRES_URL` names a server, databases created in it
//! (named `cognito_test_PID_N`, and left there: a test cannot know when the others are done
//! with them). Tests never touch a database they did not create.
//!
//! When PostgreSQL cannot be found or started, [`Postgres::shared`] and [`Postgres::start`]
//! print `SKIPPED: ...` and return `None`, and the test passes without running: machines
//! without PostgreSQL still run everything else. CI installs it, so there (`CI=true`) that is
//! a failure instead.
//!
//! As root (CI), `initdb` refuses to run: the server then runs as the `postgres` user the
//! package creates (or `nobody`), through `runuser`.

#![allow(dead_code)]

pub mod api;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The environment variable naming a PostgreSQL server (an administrator's URL) to create the
/// tests' databases in, instead of starting one.
pub const URL_VARIABLE: &str = "COGNITO_TEST_POSTGRES_URL";

/// A PostgreSQL server the tests create databases in.
pub struct Postgres {
    /// `postgres://USER@127.0.0.1:PORT/postgres`: where databases are created.
    admin_url: String,
    /// The cluster this process started (None for a server named by [`URL_VARIABLE`]).
    cluster: Option<Cluster>,
    /// The database [`Postgres::create_schema`] makes schemas in, created on first use.
    home: tokio::sync::OnceCell<String>,
}

struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    /// The user the server runs as, when it is not the current one.
    run_as: Option<String>,
    // Last: the directory goes after the server.
    _dir: tempfile::TempDir,
}

/// Says why a test did not run, on the process's stderr itself: `eprintln!` inside a test is
/// captured and shown only for failures, and a skip must be seen.
fn skipped(why: &str) -> Option<Postgres> {
    use std::io::Write;
    // CI installs PostgreSQL (.ci/run): there a skip would hide a failure.
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true, but {why}");
    }
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {why} ***\n");
    None
}

impl Postgres {
    /// The server this test binary shares: one started on first use (stopped when the process
    /// ends), or the one [`URL_VARIABLE`] names. `None` (after printing SKIPPED) when there is
    /// none.
    pub fn shared() -> Option<&'static Postgres> {
        static SHARED: OnceLock<Option<Postgres>> = OnceLock::new();
        SHARED
            .get_or_init(|| match std::env::var(URL_VARIABLE) {
                Ok(url) if !url.is_empty() => {
                    Some(Postgres { admin_url: url, cluster: None, home: Default::default() })
                }
                _ => Postgres::start(),
            })
            .as_ref()
    }

    /// A server of this test's own, which it may stop and start (fault tests).
    pub fn start() -> Option<Postgres> {
        let Some(bin) = find_bin() else {
            return skipped(
                "PostgreSQL's initdb was not found (apt-get install postgresql); the PostgreSQL tests did not run",
            );
        };
        let run_as = match current_uid() {
            Some(0) => Some(unprivileged_user()),
            _ => None,
        };
        let mut last_error = String::new();
        for _ in 0..3 {
            match Cluster::create(&bin, run_as.clone()) {
                Ok(cluster) => {
                    let admin_url = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
                    return Some(Postgres { admin_url, cluster: Some(cluster), home: Default::default() });
                }
                Err(e) => last_error = e,
            }
        }
        skipped(&format!("PostgreSQL could not be started: {last_error}"))
    }

    /// Creates an empty database of its own; its URL.
    pub async fn create_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("cognito_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let client = connect(&self.admin_url).await;
        client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.expect("CREATE DATABASE");
        database_url(&self.admin_url, &name)
    }

    /// Creates an empty schema of its own (in a database this process created for them); the
    /// URL that puts the server's tables in it (`options=-csearch_path=...`). Cheaper than a
    /// database (no copy of a template), for the many servers a whole test suite starts.
    pub async fn create_schema(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let home = self.home.get_or_init(|| self.create_database()).await;
        let name = format!("cognito_test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let client = connect(home).await;
        client.batch_execute(&format!("CREATE SCHEMA \"{name}\"")).await.expect("CREATE SCHEMA");
        let separator = if home.contains('?') { '&' } else { '?' };
        format!("{home}{separator}options=-csearch_path%3D{name}")
    }

    /// Whether this process started the server (so it may stop and start it).
    pub fn is_own(&self) -> bool {
        self.cluster.is_some()
    }

    /// Stops the server (`pg_ctl stop -m fast`: connections are closed at once).
    pub fn stop(&self) {
        let cluster = self.cluster.as_ref().expect("only a server of our own is stopped");
        cluster.pg_ctl(&["stop", "-m", "fast", "-w"]).expect("pg_ctl stop");
    }

    /// Starts the server again, on the same port and data.
    pub fn start_again(&self) {
        let cluster = self.cluster.as_ref().expect("only a server of our own is started");
        cluster.start().expect("pg_ctl start");
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(cluster) = &self.cluster {
            let _ = cluster.pg_ctl(&["stop", "-m", "immediate", "-w"]);
        }
    }
}

/// A connection to `url` (its task runs on the current runtime).
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// `url` with its database name replaced by `name`.
fn database_url(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

impl Cluster {
    fn create(bin: &Path, run_as: Option<String>) -> Result<Cluster, String> {
        // Under /tmp when the server runs as another user: it must reach the directory, and
        // $TMPDIR may be private to ours.
        let mut builder = tempfile::Builder::new();
        builder.prefix("cognito-pg-");
        let dir = match &run_as {
            Some(_) => builder.tempdir_in("/tmp"),
            None => builder.tempdir(),
        }
        .map_err(|e| e.to_string())?;
        if let Some(user) = &run_as {
            let status = Command::new("chown").arg(format!("{user}:")).arg(dir.path()).status();
            if !status.is_ok_and(|s| s.success()) {
                return Err(format!("chown {user} {}", dir.path().display()));
            }
        }
        let port = free_port()?;
        let cluster = Cluster { bin: bin.to_owned(), data: dir.path().join("data"), port, run_as, _dir: dir };
        let initdb = cluster
            .command("initdb")
            .args(["--no-sync", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8", "-D"])
            .arg(&cluster.data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!("initdb: {}", String::from_utf8_lossy(&initdb.stderr)));
        }
        cluster.reap_after_exit();
        cluster.start()?;
        Ok(cluster)
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        command.stdin(Stdio::null()).env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        command
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(args)
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
    }

    fn start(&self) -> Result<(), String> {
        // fsync off: these tests never crash the machine, only processes, and PostgreSQL's
        // own crash safety is not what they test; it makes the 2-core CI machines faster.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300",
            self.port,
            self.data.display()
        );
        let log = self.data.join("server.log");
        self.pg_ctl(&["-w", "-t", "60", "-l", log.to_str().unwrap(), "-o", &options, "start"]).map_err(|e| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\n{log}")
        })
    }

    /// If the test process dies without dropping us (killed, aborted), a watcher stops the
    /// server and removes its directory.
    fn reap_after_exit(&self) {
        let as_user = match &self.run_as {
            Some(user) => format!("runuser -u {user} -- "),
            None => String::new(),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {as_user}{pg_ctl} -D {data} -m immediate stop \
             >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.data.display(),
            dir = self._dir.path().display(),
        );
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }
}

/// The directory of `initdb` and `pg_ctl`: on the PATH, or the newest under
/// /usr/lib/postgresql (Debian keeps them off the PATH).
fn find_bin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn current_uid() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn unprivileged_user() -> String {
    let exists = |user: &str| Command::new("id").arg(user).output().is_ok_and(|o| o.status.success());
    if exists("postgres") { "postgres".into() } else { "nobody".into() }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// Waits until `check` passes, polling every 50 ms, for at most `timeout`.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < timeout {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
