//! Fixtures shared by the store's test binaries: a fresh store of each backend.

#![allow(dead_code)]

use std::sync::Arc;

use billing_core::ports::ProjectStore;
use billing_store::testing::PgServer;

/// The backends every contract test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Sqlite,
    Postgres,
}

/// A fresh, empty, migrated store, and how to open it again.
pub struct Fixture {
    pub backend: Backend,
    pub store: Arc<dyn ProjectStore>,
    /// The URL or path [`billing_store::open`] takes (none for memory: it does not survive).
    pub target: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    /// A fresh store, or `None` when the backend cannot run here (PostgreSQL without binaries, not
    /// in CI: `PgServer::shared` has printed why).
    pub async fn new(backend: Backend) -> Option<Fixture> {
        let (target, dir) = match backend {
            Backend::Memory => (None, None),
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temp dir");
                let path = dir.path().join("billing.sqlite3");
                (Some(path.display().to_string()), Some(dir))
            }
            Backend::Postgres => {
                let server = PgServer::shared()?;
                let url = server.create_database().await.expect("a test database");
                (Some(url), None)
            }
        };
        let store = billing_store::open(target.as_deref().unwrap_or("memory:"))
            .await
            .expect("the store opens");
        Some(Fixture {
            backend,
            store,
            target,
            _dir: dir,
        })
    }

    /// The same database opened again (a new pool, as another process would), if it persists.
    pub async fn reopen(&self) -> Option<Arc<dyn ProjectStore>> {
        let target = self.target.as_deref()?;
        Some(
            billing_store::open(target)
                .await
                .expect("the store reopens"),
        )
    }
}
