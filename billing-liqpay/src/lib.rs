//! # billing-liqpay
//!
//! LiqPay (PrivatBank) behind the engine's card acquirer port ([`billing_core::ports::CardAcquirer`]),
//! the second adapter after monobank: signed checkout links with an `expired_date`, the card saved
//! with `recurringbytoken`, merchant-scheduled `paytoken` charges, refunds, status reads by
//! `order_id`, and callbacks whose signature is checked over the raw `data` before it is decoded.
//! The signature hash follows the configured API version: SHA-1 for 3, SHA3-256 for 7
//! (`shared/reference/acquirers.md` §2).
//!
//! ```no_run
//! use billing_liqpay::{ApiVersion, LiqPayAcquirer, LiqPayConfig};
//! use secrecy::SecretString;
//!
//! let config = LiqPayConfig::new("i00000000", SecretString::from("private-key"), ApiVersion::V7)
//!     .with_server_url("https://app.example/hooks/liqpay");
//! let acquirer = LiqPayAcquirer::new(config)?;
//! # Ok::<(), billing_core::ports::AcquirerError>(())
//! ```
//!
//! With the `fake-server` feature, `fake` is a local HTTP server that speaks the same protocol, for
//! tests.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod adapter;
pub mod signature;

#[cfg(feature = "fake-server")]
pub mod fake;

pub use adapter::{LiqPayAcquirer, LiqPayConfig, SystemClock, LIQPAY_HOST};
pub use signature::ApiVersion;

/// The secret type of the private key (re-exported from `secrecy`).
pub use secrecy::SecretString;
