//! Test support: a throwaway PostgreSQL server started from the machine's own binaries, for the
//! contract tests, the concurrency tests and the benches (of this crate and of the crates above it).
//!
//! [`PgServer::start`] runs `initdb` and `pg_ctl start` in a fresh temporary directory (in memory,
//! `/dev/shm`, for the shared test server; see [`Place`]) on a free
//! loopback port, with the unix socket inside that directory. As root (CI runs as root, and `initdb`
//! refuses root) the server runs as the `postgres` user through `runuser -u postgres --`, in a
//! directory that user owns (the user is created with `useradd` if missing). Dropping the server stops
//! it (`pg_ctl stop -m fast`) and removes the directory; a watchdog process does the same if the
//! owning process dies first, so the server [`PgServer::shared`] keeps for a whole test binary goes
//! away with it.
//!
//! The binaries are looked for in `$BILLING_PG_BIN`, then `/usr/lib/postgresql/15/bin`, then any
//! other `/usr/lib/postgresql/*/bin`. Where none exist, [`PgServer::shared`] prints a loud message and
//! returns `None` (the caller skips), except when the `CI` environment variable is set: then it panics,
//! so that CI never passes by skipping.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use sqlx::Connection;

/// The default place of the machine's PostgreSQL binaries.
pub const DEFAULT_PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// Settings for a throwaway test server: no waiting for the disk (it is thrown away anyway), and
/// little write-ahead log kept around (CI machines may have little disk to spare).
pub const FAST_SETTINGS: &[(&str, &str)] = &[
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
    ("min_wal_size", "4MB"),
    ("max_wal_size", "64MB"),
];

/// Where a server's directory goes: on disk, or in memory (`/dev/shm`) where the machine has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The system's temporary directory (`$TMPDIR` or `/tmp`): what a bench of commits to disk wants.
    Disk,
    /// `/dev/shm` where it is a writable directory with 1 GiB free, else the temporary directory: for
    /// tests, which then neither wait for nor fill the disk.
    Memory,
}

impl Place {
    fn base_dir(self) -> PathBuf {
        if let Some(dir) = std::env::var_os("BILLING_PG_TMPDIR") {
            return PathBuf::from(dir);
        }
        let shm = Path::new("/dev/shm");
        // A container's /dev/shm may be tiny (64 MB): in memory only with room for many databases.
        if self == Place::Memory && shm.is_dir() && free_kib(shm) >= Some(1 << 20) {
            let probe = shm.join(format!("billing-pg-probe-{}", std::process::id()));
            if fs::create_dir_all(&probe).is_ok() {
                let _ = fs::remove_dir_all(&probe);
                return shm.to_path_buf();
            }
        }
        std::env::temp_dir()
    }
}

/// A running throwaway PostgreSQL server.
#[derive(Debug)]
pub struct PgServer {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

static DATABASES: AtomicU32 = AtomicU32::new(0);
static SHARED: OnceLock<Option<PgServer>> = OnceLock::new();

impl PgServer {
    /// The directory holding `initdb` and `pg_ctl`, if this machine has one.
    pub fn find_binaries() -> Option<PathBuf> {
        let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
        if let Some(dir) = std::env::var_os("BILLING_PG_BIN").map(PathBuf::from) {
            return has_tools(&dir).then_some(dir);
        }
        let default = PathBuf::from(DEFAULT_PG_BIN);
        if has_tools(&default) {
            return Some(default);
        }
        let mut others: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|d| has_tools(d))
            .collect();
        others.sort();
        others.pop()
    }

    /// The server shared by every test of this process, started on first use with
    /// [`FAST_SETTINGS`]. `None` (after a loud message on stderr, past the test harness's capture) where no PostgreSQL binaries exist;
    /// panics instead when `CI` is set, or when the server does not start.
    pub fn shared() -> Option<&'static PgServer> {
        SHARED
            .get_or_init(|| {
                if PgServer::find_binaries().is_none() {
                    let message = format!(
                        "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                         !!! NO POSTGRESQL BINARIES ({DEFAULT_PG_BIN} or $BILLING_PG_BIN):\n\
                         !!! THE POSTGRESQL STORE TESTS ARE SKIPPED.\n\
                         !!! Install them with: apt-get install postgresql\n\
                         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    );
                    if std::env::var_os("CI").is_some() {
                        panic!("{message}CI is set: PostgreSQL tests must run here");
                    }
                    // Straight to stderr: libtest's capture would hide an `eprintln!`.
                    let _ = writeln!(std::io::stderr(), "{message}");
                    return None;
                }
                Some(
                    PgServer::start_in(Place::Memory, FAST_SETTINGS)
                        .unwrap_or_else(|e| panic!("cannot start a PostgreSQL test server: {e}")),
                )
            })
            .as_ref()
    }

    /// Starts a new server on disk with extra `postgresql.conf` settings (e.g. [`FAST_SETTINGS`], or
    /// none for the defaults: every commit waits for the disk).
    pub fn start(settings: &[(&str, &str)]) -> Result<PgServer, String> {
        PgServer::start_in(Place::Disk, settings)
    }

    /// Starts a new server with its directory in `place` (`$BILLING_PG_TMPDIR` overrides both).
    pub fn start_in(place: Place, settings: &[(&str, &str)]) -> Result<PgServer, String> {
        let bin = PgServer::find_binaries().ok_or("no PostgreSQL binaries")?;
        let as_postgres = is_root();
        if as_postgres {
            ensure_postgres_user()?;
        }
        let mut last_error = String::new();
        // A free port may be taken between choosing and binding it: try a few.
        for _ in 0..5 {
            let port = free_port()?;
            let dir = place.base_dir().join(format!(
                "billing-pg-{}-{}-{port}",
                std::process::id(),
                DATABASES.fetch_add(1, Ordering::Relaxed)
            ));
            let server = PgServer {
                bin: bin.clone(),
                dir,
                port,
                as_postgres,
            };
            match server.init_and_start(settings) {
                Ok(()) => {
                    server.spawn_watchdog();
                    return Ok(server);
                }
                Err(e) => last_error = e, // dropping `server` cleans up
            }
        }
        Err(last_error)
    }

    fn init_and_start(&self, settings: &[(&str, &str)]) -> Result<(), String> {
        fs::create_dir_all(self.dir.join("socket"))
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        if self.as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&self.dir))?;
        }
        let data = self.dir.join("data");
        run(self.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
            // 1 MB segments instead of 16 MB: a smaller footprint for a throwaway cluster.
            "--wal-segsize=1",
        ]))?;
        let mut conf = format!(
            "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             max_connections = 200\n",
            self.port,
            self.dir.join("socket").display()
        );
        for (key, value) in settings {
            conf.push_str(&format!("{key} = '{value}'\n"));
        }
        let conf_path = data.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf_path)
            .map_err(|e| format!("cannot read {}: {e}", conf_path.display()))?;
        text.push_str(&conf);
        fs::write(&conf_path, text)
            .map_err(|e| format!("cannot write {}: {e}", conf_path.display()))?;
        run(self
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-w", "-t", "60", "start"]))
        .map_err(|e| {
            let log = fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            format!("{e}\nserver log:\n{log}")
        })
    }

    /// A command for one of the server's binaries, as the `postgres` user when we are root.
    fn command(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(tool);
            c
        } else {
            Command::new(tool)
        }
    }

    /// Stops the server and removes its directory if this process dies without dropping it.
    fn spawn_watchdog(&self) {
        let stop = format!(
            "{}{} -D '{}' stop -m fast",
            if self.as_postgres {
                "runuser -u postgres -- "
            } else {
                ""
            },
            self.bin.join("pg_ctl").display(),
            self.dir.join("data").display()
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             if [ -d '{dir}' ]; then {stop}; rm -rf '{dir}'; fi",
            pid = std::process::id(),
            dir = self.dir.display(),
        );
        let mut watchdog = Command::new("sh");
        watchdog
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            watchdog.process_group(0);
        }
        // Without a watchdog the server still stops on drop; nothing to do if `sh` is missing.
        let _ = watchdog.spawn();
    }

    /// The port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `database` on this server, as the `postgres` superuser.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a fresh, empty database with a unique name and returns its URL.
    pub async fn create_database(&self) -> Result<String, String> {
        let name = format!(
            "billing_test_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres"))
            .await
            .map_err(|e| format!("cannot connect to the test server: {e}"))?;
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .map_err(|e| format!("cannot create database {name}: {e}"))?;
        let _ = conn.close().await;
        Ok(self.url(&name))
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.dir.join("data").join("postmaster.pid").exists() {
            let _ = self
                .command("pg_ctl")
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-w", "stop", "-m", "fast"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Runs a command to completion (no inherited output: a server must not hold the caller's pipes).
fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn ensure_postgres_user() -> Result<(), String> {
    let exists = Command::new("id")
        .arg("postgres")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if exists {
        return Ok(());
    }
    run(Command::new("useradd").args(["--system", "--user-group", "--no-create-home", "postgres"]))
}

/// Free space on the filesystem holding `dir`, in KiB, as `df -Pk` reports it.
fn free_kib(dir: &Path) -> Option<u64> {
    let output = Command::new("df").arg("-Pk").arg(dir).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}
