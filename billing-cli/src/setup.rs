//! Where the store and the configuration are, and the engine over them.
//!
//! - The store: `--db` (or `BILLING_DB`), else the configuration's `store`, else `billing.db` in the
//!   current directory. A SQLite file is created and migrated on first open; a `postgres://` URL
//!   names a PostgreSQL database.
//! - The configuration: `--config FILE` (or `BILLING_CONFIG`), else the JSON file beside a SQLite
//!   store (`billing.db` → `billing.json`) when it exists, else the platform's defaults
//!   (`EngineConfig::with_defaults`: the standard catalog, the default policy, no seller).
//! - The ports other than the store: the CLI talks to no real acquirer or Vchasno account; card
//!   charges wait for the platform's backend ([`CliAcquirer::offline`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use billing_core::payment::{AttemptId, PaymentId};
use billing_core::ports::{
    AcquirerError, CardAcquirer, ChargeOutcome, ChargeRequest, Clock, PaymentEvent,
    PaymentLinkRequest, PaymentStatus, ProviderLink, RefundRequest,
};
use billing_engine::{Engine, EngineConfig, Ports};

use crate::output::{coded, Coded, Failure};

/// The store used when neither `--db` nor the configuration names one.
pub const DEFAULT_DB: &str = "billing.db";

/// The global options that locate the store and the configuration.
#[derive(Debug, Clone, clap::Args)]
pub struct Location {
    /// The store: a SQLite file (created and migrated on first open) or a `postgres://` URL.
    /// Default: the configuration's `store`, else `billing.db` in the current directory.
    #[arg(long, global = true, value_name = "PATH|URL", env = "BILLING_DB")]
    pub db: Option<String>,
    /// The engine configuration (JSON: `store`, `policy`, `catalog`, `bank_job_every_minutes`,
    /// `seller`). Default: the `.json` file beside a SQLite store (`billing.db` → `billing.json`)
    /// when it exists, else the built-in defaults.
    #[arg(long, global = true, value_name = "FILE", env = "BILLING_CONFIG")]
    pub config: Option<PathBuf>,
}

fn is_url(store: &str) -> bool {
    store.contains("://") || store == "memory:"
}

impl Location {
    /// The configuration file to read or write: `--config`, else the file beside a SQLite store.
    pub fn config_path(&self, store: &str) -> Option<PathBuf> {
        if let Some(p) = &self.config {
            return Some(p.clone());
        }
        if is_url(store) {
            return None;
        }
        Some(Path::new(store).with_extension("json"))
    }

    /// The configuration, with the store resolved, and the file it came from (if any).
    pub fn load(&self) -> Result<(EngineConfig, Option<PathBuf>), Failure> {
        let explicit = match &self.config {
            Some(path) => Some(read_config(path)?),
            None => None,
        };
        let store = self
            .db
            .clone()
            .or_else(|| explicit.as_ref().map(|c| c.store.clone()))
            .unwrap_or_else(|| DEFAULT_DB.to_string());
        if let Some(mut config) = explicit {
            config.store = store;
            return Ok((config, self.config.clone()));
        }
        match self.config_path(&store).filter(|p| p.exists()) {
            Some(path) => {
                let mut config = read_config(&path)?;
                config.store = store;
                Ok((config, Some(path)))
            }
            None => Ok((EngineConfig::with_defaults(store), None)),
        }
    }

    /// The engine over the configured store (created and migrated on first open).
    pub async fn engine(&self) -> Result<Engine, Failure> {
        self.engine_with(None).await
    }

    /// [`Location::engine`] on another clock (`--date`).
    pub async fn engine_with(&self, clock: Option<Arc<dyn Clock>>) -> Result<Engine, Failure> {
        let (config, _) = self.load()?;
        open_engine(config, CliAcquirer::offline(), clock).await
    }
}

/// The CLI's ports over a configuration's store: the store (created and migrated on first open),
/// `acquirer`, the system clock or `clock`, and the real Vchasno and registry adapters when the
/// configuration has their sections (in-memory ones otherwise).
pub async fn cli_ports(
    config: &EngineConfig,
    acquirer: CliAcquirer,
    clock: Option<Arc<dyn Clock>>,
) -> Result<Ports, Failure> {
    config.check_adapters().map_err(coded)?;
    let store = billing_store::open(&config.store).await.map_err(coded)?;
    let mut ports = Ports::with_store(store);
    ports.acquirer = Arc::new(acquirer);
    if let Some(clock) = clock {
        ports.clock = clock;
    }
    config.connect_adapters(&mut ports).map_err(coded)?;
    Ok(ports)
}

/// The engine over [`cli_ports`].
pub async fn open_engine(
    config: EngineConfig,
    acquirer: CliAcquirer,
    clock: Option<Arc<dyn Clock>>,
) -> Result<Engine, Failure> {
    let ports = cli_ports(&config, acquirer, clock).await?;
    Ok(Engine::new(config, ports))
}

/// Reads an engine configuration file.
pub fn read_config(path: &Path) -> Result<EngineConfig, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| -> Failure {
        Box::new(Coded::failed(
            "config.read",
            format!("{}: {e}", path.display()),
        ))
    })?;
    EngineConfig::from_json(&text).map_err(|e| -> Failure {
        Box::new(Coded::invalid(
            "engine.config",
            format!("{}: {e}", path.display()),
        ))
    })
}

/// Writes an engine configuration file (pretty JSON).
pub fn write_config(path: &Path, config: &EngineConfig) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(config)? + "\n";
    std::fs::write(path, text).map_err(|e| -> Failure {
        Box::new(Coded::failed(
            "config.write",
            format!("{}: {e}", path.display()),
        ))
    })
}

/// Parses a service code argument (exit code 2 when malformed).
pub fn service_code(s: &str) -> Result<billing_core::ServiceCode, Failure> {
    s.parse::<billing_core::ServiceCode>().map_err(coded)
}

/// The card acquirer the CLI works with. It holds no merchant credentials: offline, card charges
/// are left pending for the platform's backend (which talks to monobank or LiqPay) and nothing is
/// charged; the demo's simulation approves every charge and payment page instead.
#[derive(Debug, Clone, Copy)]
pub struct CliAcquirer {
    simulate: bool,
}

impl CliAcquirer {
    /// No acquirer: charges stay pending, no payment pages.
    pub fn offline() -> CliAcquirer {
        CliAcquirer { simulate: false }
    }

    /// The demo's simulation: every page and charge is approved, ids `sim-<attempt>`.
    pub fn simulated() -> CliAcquirer {
        CliAcquirer { simulate: true }
    }

    fn unavailable(&self) -> AcquirerError {
        AcquirerError::Unreachable(
            "the billing CLI has no card acquirer configured; the platform's backend charges cards"
                .into(),
        )
    }

    fn link(&self, req: &PaymentLinkRequest) -> Result<ProviderLink, AcquirerError> {
        if !self.simulate {
            return Err(self.unavailable());
        }
        Ok(ProviderLink {
            provider_ref: sim_id(&req.attempt)?,
            url: format!("https://pay.example.test/{}", req.attempt),
            expires_at: req.expires_at,
        })
    }
}

/// The simulated acquirer's payment id of an attempt.
pub fn sim_id(attempt: &AttemptId) -> Result<PaymentId, AcquirerError> {
    PaymentId::new(&format!("sim-{attempt}")).map_err(|e| AcquirerError::Protocol(e.to_string()))
}

#[async_trait]
impl CardAcquirer for CliAcquirer {
    fn provider(&self) -> &'static str {
        if self.simulate {
            "simulated"
        } else {
            "none"
        }
    }

    async fn create_payment_link(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        self.link(&req)
    }

    async fn cancel_payment_link(&self, _link: &PaymentId) -> Result<(), AcquirerError> {
        Ok(())
    }

    async fn start_card_verification(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        self.link(&req)
    }

    async fn charge_saved_card(&self, req: ChargeRequest) -> Result<ChargeOutcome, AcquirerError> {
        if !self.simulate {
            return Err(self.unavailable());
        }
        Ok(ChargeOutcome {
            provider_ref: sim_id(&req.attempt)?,
            status: PaymentStatus::Succeeded,
        })
    }

    async fn refund(&self, _req: RefundRequest) -> Result<PaymentStatus, AcquirerError> {
        if !self.simulate {
            return Err(self.unavailable());
        }
        Ok(PaymentStatus::Refunded)
    }

    async fn fetch_status(&self, _payment: &PaymentId) -> Result<PaymentEvent, AcquirerError> {
        Err(self.unavailable())
    }

    async fn find_by_attempt(
        &self,
        _attempt: &AttemptId,
    ) -> Result<Option<PaymentEvent>, AcquirerError> {
        Ok(None)
    }

    async fn verify_webhook(
        &self,
        _headers: &[(String, String)],
        _body: &[u8],
    ) -> Result<PaymentEvent, AcquirerError> {
        Err(AcquirerError::BadSignature)
    }
}
