//! The engine's configuration.

use billing_core::account::BillingPolicy;
use billing_core::tariff::TariffCatalog;
use serde::{Deserialize, Serialize};

/// How the engine is set up: where the store is, how the platform bills, and its tariff catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// The store: a SQLite file path (the embedded default, created and migrated on first open) or a
    /// `postgres://` URL (for a platform with many app servers).
    pub store: String,
    /// Invoice prefix, due days, grace, VAT, retry schedule, link validity.
    pub policy: BillingPolicy,
    /// The tariffs on offer.
    pub catalog: TariffCatalog,
    /// How often the bank job imports statements and credits transfers, in minutes (default 15, so
    /// a transfer is credited well within the promised 2 hours of the bank showing it).
    pub bank_job_every_minutes: u32,
    /// The seller (us) as acts of completed work print it; acts cannot be drawn up without it.
    #[serde(default)]
    pub seller: Option<crate::paperwork::SellerDetails>,
}

impl EngineConfig {
    /// The platform's defaults over a store: the standard catalog, the default policy.
    pub fn with_defaults(store: impl Into<String>) -> EngineConfig {
        EngineConfig::new(
            store,
            crate::catalog::standard_catalog().unwrap_or_default(),
        )
    }

    /// A configuration from JSON (`store`, `policy`, `catalog`, `bank_job_every_minutes`).
    pub fn from_json(json: &str) -> Result<EngineConfig, crate::EngineError> {
        serde_json::from_str(json).map_err(|e| crate::EngineError::Config(e.to_string()))
    }

    /// A configuration for a store with the platform's default policy.
    pub fn new(store: impl Into<String>, catalog: TariffCatalog) -> EngineConfig {
        EngineConfig {
            store: store.into(),
            policy: BillingPolicy::default(),
            catalog,
            bank_job_every_minutes: 15,
            seller: None,
        }
    }
}
