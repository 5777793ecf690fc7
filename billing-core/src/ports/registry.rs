//! The registry lookup port: given a ЄДРПОУ or РНОКПП, the name, address, director and VAT status from
//! the state registries. The platform may implement it in its own language (bindings).

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::requisites::TaxId;

/// VAT status from the register of VAT payers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VatStatus {
    /// A VAT payer with its 12-digit individual tax number (ІПН платника ПДВ).
    Payer {
        /// The 12-digit number.
        number: String,
        /// Registered since.
        since: Option<NaiveDate>,
    },
    /// Not a VAT payer.
    NotPayer,
}

/// What the registries say about a company or sole proprietor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryRecord {
    /// The code looked up.
    pub tax_id: TaxId,
    /// Full name (company name, or the person's full name for a sole proprietor).
    pub name: String,
    /// Registered address.
    pub address: Option<String>,
    /// Director (companies).
    pub director: Option<String>,
    /// VAT status, when known.
    pub vat: Option<VatStatus>,
    /// Single-tax group, when known (1, 2 or 3).
    pub single_tax_group: Option<u8>,
    /// Warnings to show (terminated, bankrupt, ...).
    pub warnings: Vec<String>,
}

/// The registry's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegistryAnswer {
    /// Found.
    Found(RegistryRecord),
    /// No such code in the registry.
    NotFound,
    /// The registry is refreshing the record: ask again after the delay. Never "not found".
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u64,
    },
}

/// Why a lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry could not be reached or failed.
    #[error("registry lookup failed: {0}")]
    Failed(String),
    /// Too many requests.
    #[error("registry rate limit; retry after {retry_after_secs:?} s")]
    RateLimited {
        /// Suggested delay in seconds.
        retry_after_secs: Option<u64>,
    },
}

impl ErrorCode for RegistryError {
    fn code(&self) -> &'static str {
        match self {
            RegistryError::Failed(_) => "registry.failed",
            RegistryError::RateLimited { .. } => "registry.rate_limited",
        }
    }

    fn is_invalid_input(&self) -> bool {
        false
    }
}

/// Looks up requisites in the state registries.
#[async_trait]
pub trait RegistryLookup: Send + Sync {
    /// The registry's answer for a code.
    async fn lookup(&self, tax_id: &TaxId) -> Result<RegistryAnswer, RegistryError>;
}
