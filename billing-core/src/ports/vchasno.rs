//! The Vchasno (Вчасно.ЕДО) port: is a company registered, upload an act of services, read statuses.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::money::Money;
use crate::requisites::TaxId;

/// The answer to "does this company have a Vchasno account?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyCheck {
    /// Whether a company with that ЄДРПОУ/РНОКПП is registered in Vchasno.
    pub registered: bool,
    /// Its name in Vchasno, when known.
    pub name: Option<String>,
}

/// An act of services (акт наданих послуг) to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActUpload {
    /// The recipient's ЄДРПОУ/РНОКПП.
    pub recipient: TaxId,
    /// The recipient's email, where known.
    pub recipient_email: Option<String>,
    /// The document title.
    pub title: String,
    /// The act's number.
    pub number: String,
    /// The act's date.
    pub date: NaiveDate,
    /// The act's total.
    pub amount: Money,
    /// The file name (`act-HOR-11111-2025-10.pdf`).
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

/// A document's status in Vchasno.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VchasnoStatus {
    /// Uploaded (7000, 7001).
    Uploaded,
    /// Sent to the recipient (7002, 7004, 7010).
    Sent,
    /// Signed by us (7003).
    SignedByUs,
    /// Signed by the recipient only (7007).
    SignedByRecipient,
    /// Signed by both sides (7008).
    SignedByBoth,
    /// Rejected by the recipient (7006).
    Rejected,
    /// Annulled (7011).
    Annulled,
}

impl VchasnoStatus {
    /// The status for a Vchasno status code, if known.
    pub fn from_code(code: u32) -> Option<VchasnoStatus> {
        Some(match code {
            7000 | 7001 => VchasnoStatus::Uploaded,
            7002 | 7004 | 7010 => VchasnoStatus::Sent,
            7003 => VchasnoStatus::SignedByUs,
            7007 => VchasnoStatus::SignedByRecipient,
            7008 => VchasnoStatus::SignedByBoth,
            7006 => VchasnoStatus::Rejected,
            7011 => VchasnoStatus::Annulled,
            _ => return None,
        })
    }

    /// Whether the status can no longer change.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            VchasnoStatus::SignedByBoth | VchasnoStatus::Rejected | VchasnoStatus::Annulled
        )
    }
}

/// Why a Vchasno call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VchasnoPortError {
    /// Vchasno could not be reached or answered 5xx: retryable.
    #[error("Vchasno is unreachable: {0}")]
    Unreachable(String),
    /// Too many requests: retry after the delay.
    #[error("Vchasno rate limit; retry after {retry_after_secs:?} s")]
    RateLimited {
        /// The delay Vchasno asked for, in seconds.
        retry_after_secs: Option<u64>,
    },
    /// The token was refused.
    #[error("Vchasno refused the token")]
    Unauthorized,
    /// Vchasno refused the request.
    #[error("Vchasno rejected the request: {0}")]
    Rejected(String),
}

impl ErrorCode for VchasnoPortError {
    fn code(&self) -> &'static str {
        match self {
            VchasnoPortError::Unreachable(_) => "vchasno.unreachable",
            VchasnoPortError::RateLimited { .. } => "vchasno.rate_limited",
            VchasnoPortError::Unauthorized => "vchasno.unauthorized",
            VchasnoPortError::Rejected(_) => "vchasno.rejected",
        }
    }

    fn is_invalid_input(&self) -> bool {
        false
    }
}

/// The Vchasno e-document service.
#[async_trait]
pub trait Vchasno: Send + Sync {
    /// Whether a company (or sole proprietor) has a Vchasno account.
    async fn check_company(&self, tax_id: &TaxId) -> Result<CompanyCheck, VchasnoPortError>;
    /// Uploads an act for the recipient; returns Vchasno's document id.
    async fn upload_act(&self, act: &ActUpload) -> Result<String, VchasnoPortError>;
    /// The statuses of documents by id (up to 500 at once).
    async fn statuses(
        &self,
        document_ids: &[String],
    ) -> Result<Vec<(String, VchasnoStatus)>, VchasnoPortError>;
    /// The document id of an act with this `number` (matched exactly) uploaded for `recipient`,
    /// if Vchasno has one; `date` is the act's date, to narrow the search.
    ///
    /// The engine asks this before uploading an act it has not recorded as uploaded: when an
    /// earlier upload reached Vchasno but its document id was never recorded (the process died,
    /// the answer was lost, the store failed), the act is recorded with the existing document
    /// instead of being uploaded twice. An error means "not known": the engine then does not
    /// upload, and the request can be repeated.
    ///
    /// Real adapters should implement it. The default answers `Ok(None)` (nothing found), which
    /// keeps adapters written before it compiling, with the old behaviour: such an act is
    /// uploaded again.
    async fn find_act(
        &self,
        recipient: &TaxId,
        number: &str,
        date: NaiveDate,
    ) -> Result<Option<String>, VchasnoPortError> {
        let _ = (recipient, number, date);
        Ok(None)
    }
}
