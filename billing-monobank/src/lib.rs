//! # billing-monobank
//!
//! monobank acquiring ("plata by mono") behind the engine's card acquirer port
//! ([`billing_core::ports::CardAcquirer`]): payment links that expire, card binding with a 1 UAH
//! verification refunded through `invoice/cancel`, merchant-initiated charges of the saved card,
//! refunds, link removal, status and statement reads, and webhooks whose ECDSA P-256 `X-Sign` is
//! verified over the raw body before anything is parsed. Protocol: `shared/reference/acquirers.md`
//! §1.
//!
//! ```no_run
//! use billing_monobank::{MonobankAcquirer, MonobankConfig};
//! use secrecy::SecretString;
//!
//! let config = MonobankConfig::new(SecretString::from("merchant-token"))
//!     .with_webhook_url("https://app.example/hooks/mono");
//! let acquirer = MonobankAcquirer::new(config)?;
//! // ports.acquirer = std::sync::Arc::new(acquirer);
//! # Ok::<(), billing_core::ports::AcquirerError>(())
//! ```
//!
//! Secrets (the merchant token, card tokens) live in `secrecy` / [`billing_core::payment::CardToken`]
//! and never reach `Debug`, logs or error texts.
//!
//! With the `fake-server` feature, `fake` is a local HTTP server that speaks the same protocol,
//! for tests.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod adapter;
pub mod ledger;
pub mod signature;
mod wire;

#[cfg(feature = "fake-server")]
pub mod fake;

pub use adapter::{MonobankAcquirer, MonobankConfig, StatementItem, SystemClock, MONOBANK_API};
pub use ledger::{Observed, PaymentLedger};
pub use signature::WebhookKey;
pub use wire::UAH;

/// The secret type of the merchant token (re-exported from `secrecy`).
pub use secrecy::SecretString;
