//! The bank statement port: where the bank job reads the lines of our account from (a bank's API, a
//! folder the bank client drops statement files into, a test's memory).

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::error::ErrorCode;
use crate::reconcile::BankLine;

/// Why statement lines could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankSourceError {
    /// The source could not be reached; the job tries again on its next run.
    #[error("bank statements unavailable: {0}")]
    Unavailable(String),
    /// A statement could not be read (named, with the line or element); nothing of it is applied.
    #[error("bank statement {source_name} is malformed: {message}")]
    Malformed {
        /// The statement (a file name, a request).
        source_name: String,
        /// What is wrong, and where.
        message: String,
    },
}

impl ErrorCode for BankSourceError {
    fn code(&self) -> &'static str {
        match self {
            BankSourceError::Unavailable(_) => "bank_source.unavailable",
            BankSourceError::Malformed { .. } => "bank_source.malformed",
        }
    }

    fn is_invalid_input(&self) -> bool {
        false
    }
}

/// The bank statement port. Lines may be given again on later calls (the job skips lines it has
/// recorded), so a source needs no cursor of its own.
#[async_trait]
pub trait BankStatementSource: Send + Sync {
    /// The lines of our account booked on `since` or later, oldest first where the source knows.
    async fn fetch(&self, since: NaiveDate) -> Result<Vec<BankLine<'static>>, BankSourceError>;
}
