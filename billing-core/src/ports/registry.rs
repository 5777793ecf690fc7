//! The registry lookup port: given a ЄДРПОУ or РНОКПП, the name, address, director and VAT status from
//! the state registries. The platform may implement it in its own language (bindings).
//!
//! A lookup has four outcomes:
//!
//! | outcome | value |
//! |---|---|
//! | found: the requisites, and the VAT status (a payer with its 12-digit number and date, or not a payer) when known | `Ok(`[`RegistryAnswer::Found`]`)` |
//! | not found | `Ok(`[`RegistryAnswer::NotFound`]`)` |
//! | pending: the registry is refreshing the record; ask again after the delay | `Ok(`[`RegistryAnswer::Pending`]`)` |
//! | failed | `Err(`[`RegistryError`]`)` |
//!
//! "Pending" never means "not found", and a VAT status that is pending ([`VatUnknown::Pending`]) never
//! means "not a VAT payer": a found record whose VAT status is not known has `vat: None` and says
//! why in [`RegistryRecord::vat_unknown`].

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

impl VatStatus {
    /// The 12-digit VAT payer number, for a payer.
    pub fn number(&self) -> Option<&str> {
        match self {
            VatStatus::Payer { number, .. } => Some(number),
            VatStatus::NotPayer => None,
        }
    }
}

/// Whether a text is a VAT payer number as the register writes it: exactly 12 ASCII digits (the
/// number's checksum, if it has one, is not known, so it is not checked).
///
/// ```
/// use billing_core::ports::registry::is_vat_number;
/// assert!(is_vat_number("143605715098"));
/// assert!(!is_vat_number("14360571509"));
/// assert!(!is_vat_number("14360571509x"));
/// ```
pub fn is_vat_number(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Why the VAT status of a found record is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VatUnknown {
    /// The VAT register is refreshing the record: ask again after the delay. Never "not a payer".
    Pending {
        /// Suggested delay in seconds.
        retry_after_secs: u64,
    },
    /// The VAT register could not be asked, or its answer was not usable.
    Failed {
        /// Why.
        reason: String,
    },
    /// The VAT register was not asked (the adapter is set up not to).
    NotAsked,
}

/// The registry's descriptive details beyond the form's fields, for display.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryDetails {
    /// Short name (`ТОВ "…"`), companies.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The registration status as the registry words it (`зареєстровано`, `припинено`, ...).
    #[serde(default)]
    pub status: Option<String>,
    /// The company or proprietor is terminated or being terminated.
    #[serde(default)]
    pub terminated: bool,
    /// A bankruptcy case is on record.
    #[serde(default)]
    pub bankrupt: bool,
    /// The main economic activity (КВЕД code, `62.01`).
    #[serde(default)]
    pub kved: Option<String>,
    /// The main economic activity's description.
    #[serde(default)]
    pub kved_name: Option<String>,
    /// Phone, as registered.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail, as registered.
    #[serde(default)]
    pub email: Option<String>,
    /// The date of the registry's data.
    #[serde(default)]
    pub actual_date: Option<NaiveDate>,
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
    /// VAT status, when known (see [`RegistryRecord::vat_unknown`] when not).
    pub vat: Option<VatStatus>,
    /// Single-tax group, when known (1, 2 or 3).
    pub single_tax_group: Option<u8>,
    /// Warnings to show (terminated, bankrupt, ...).
    pub warnings: Vec<String>,
    /// Why `vat` is not known, when it is not (`None` with `vat: None`: the source has no VAT data).
    #[serde(default)]
    pub vat_unknown: Option<VatUnknown>,
    /// Descriptive details (short name, status, КВЕД, contacts, data date).
    #[serde(default)]
    pub details: RegistryDetails,
}

impl RegistryRecord {
    /// A record with a name and nothing else known yet.
    pub fn new(tax_id: TaxId, name: impl Into<String>) -> RegistryRecord {
        RegistryRecord {
            tax_id,
            name: name.into(),
            address: None,
            director: None,
            vat: None,
            single_tax_group: None,
            warnings: Vec::new(),
            vat_unknown: None,
            details: RegistryDetails::default(),
        }
    }

    /// The 12-digit VAT payer number, for a VAT payer.
    pub fn vat_number(&self) -> Option<&str> {
        self.vat.as_ref().and_then(VatStatus::number)
    }
}

/// The registry's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// One answer per (network) lookup: the size does not matter, and a box would change every caller.
#[allow(clippy::large_enum_variant)]
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
    /// The registry refused the access key (a configuration problem, not retryable).
    #[error("registry refused the access key (HTTP {status})")]
    Unauthorized {
        /// The HTTP status (401, 403).
        status: u16,
    },
}

impl RegistryError {
    /// Whether asking again later may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, RegistryError::Unauthorized { .. })
    }
}

impl ErrorCode for RegistryError {
    fn code(&self) -> &'static str {
        match self {
            RegistryError::Failed(_) => "registry.failed",
            RegistryError::RateLimited { .. } => "registry.rate_limited",
            RegistryError::Unauthorized { .. } => "registry.unauthorized",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_old_json_still_reads() {
        let mut record = RegistryRecord::new("14360570".parse().unwrap(), "ТОВ «Приклад»");
        record.vat = Some(VatStatus::Payer {
            number: "143605715098".into(),
            since: NaiveDate::from_ymd_opt(2016, 1, 11),
        });
        record.details.kved = Some("62.01".into());
        let answer = RegistryAnswer::Found(record.clone());
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(
            serde_json::from_str::<RegistryAnswer>(&json).unwrap(),
            answer
        );
        assert_eq!(record.vat_number(), Some("143605715098"));
        // A record written before `vat_unknown` and `details` existed.
        let old = r#"{"kind":"found","tax_id":"14360570","name":"X","address":null,
            "director":null,"vat":{"kind":"not_payer"},"single_tax_group":null,"warnings":[]}"#;
        let RegistryAnswer::Found(r) = serde_json::from_str(old).unwrap() else {
            panic!("found expected")
        };
        assert_eq!(r.vat, Some(VatStatus::NotPayer));
        assert_eq!(r.vat_number(), None);
        assert_eq!(r.details, RegistryDetails::default());
    }

    #[test]
    fn error_codes() {
        assert_eq!(
            RegistryError::Unauthorized { status: 401 }.code(),
            "registry.unauthorized"
        );
        assert!(!RegistryError::Unauthorized { status: 403 }.is_retryable());
        assert!(RegistryError::RateLimited {
            retry_after_secs: None
        }
        .is_retryable());
        assert_eq!(RegistryError::Failed("x".into()).code(), "registry.failed");
    }
}
