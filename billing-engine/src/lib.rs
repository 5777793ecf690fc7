//! # billing-engine
//!
//! The composition that the CLI and every binding use: a configuration and adapters in, the billing
//! use cases out. Each use case loads a project, lets `billing-core` decide, and writes the events,
//! the snapshot, the outside id and the notifications in one transaction; talking to the acquirer
//! and Vchasno happens around decisions (the attempt is recorded first, the outcome after).
//!
//! ```
//! use billing_core::admin::OwnerContact;
//! use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
//! use billing_engine::{Engine, EngineConfig, Ports};
//! use billing_store::MemoryStore;
//! use std::sync::Arc;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let tariff = Tariff::new("basic", "Базовий", Limits { max_products: Some(1000), max_orders_per_month: None })?
//!     .with_price(BillingPeriod::Monthly, "600".parse()?);
//! let config = EngineConfig::new("memory", TariffCatalog::new(vec![tariff])?);
//! let engine = Engine::new(config, Ports::with_store(Arc::new(MemoryStore::new())));
//! let owner = OwnerContact {
//!     full_name: "Олена Коваль".parse()?,
//!     email: "olena@shop.ua".parse()?,
//!     phone: "050 123 45 67".parse()?,
//! };
//! let code = "11111".parse()?;
//! engine.open_project(code, owner, &TariffCode::new("basic")?, BillingPeriod::Monthly).await?;
//! let section = engine.billing_section(code).await?;
//! assert_eq!(section.invoices.len(), 1);
//! assert_eq!(section.invoices[0].number.to_string(), "HOR-11111-001");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bank;
pub mod catalog;
pub mod config;
mod documents;
mod engine;
pub mod error;
pub mod memory;
pub mod paperwork;
mod tax;

pub use bank::{BankImport, MemoryStatements, ReviewLine, StatementFolder};
pub use billing_core::documents::InvoiceDocument;
pub use config::EngineConfig;
pub use engine::{project_of, Applied, DailyReport, Engine, PaymentPage, Ports};
pub use error::EngineError;
pub use tax::{ProjectDueItem, TaxIssueReport, TaxJobReport};
