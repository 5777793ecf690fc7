//! The engine's error: a refusal of the domain, or a failure of a port, each with its stable code.

use billing_core::ports::{AcquirerError, BankSourceError, StoreError, VchasnoPortError};
use billing_core::project::ProjectError;
use billing_core::{Error as CoreError, ErrorCode, ServiceCode};

/// Why a use case did not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The domain refused the command (nothing changed).
    #[error(transparent)]
    Refused(#[from] ProjectError),
    /// Bad input to a use case.
    #[error(transparent)]
    Invalid(#[from] CoreError),
    /// The project does not exist.
    #[error("project {0} not found")]
    ProjectNotFound(ServiceCode),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The card acquirer failed.
    #[error(transparent)]
    Acquirer(#[from] AcquirerError),
    /// Vchasno failed (token refused, request rejected, upload unreachable).
    #[error(transparent)]
    Vchasno(#[from] VchasnoPortError),
    /// The bank statement source failed (unreachable, or a malformed statement).
    #[error(transparent)]
    BankSource(#[from] BankSourceError),
    /// A document could not be drawn up or rendered (see its code).
    #[error("document: {message}")]
    Document {
        /// The document error's code (`document.vat_not_payer`, `render.pdf`, ...).
        code: &'static str,
        /// Its message.
        message: String,
    },
    /// Too many concurrent writers to one project; try again.
    #[error("project {0} is too busy: too many concurrent changes")]
    Busy(ServiceCode),
    /// The configuration is not valid.
    #[error("configuration: {0}")]
    Config(String),
}

impl ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Refused(e) => e.code(),
            EngineError::Invalid(e) => e.code(),
            EngineError::ProjectNotFound(_) => "project.not_found",
            EngineError::Store(e) => e.code(),
            EngineError::Acquirer(e) => e.code(),
            EngineError::Vchasno(e) => e.code(),
            EngineError::BankSource(e) => e.code(),
            EngineError::Document { code, .. } => code,
            EngineError::Busy(_) => "engine.busy",
            EngineError::Config(_) => "engine.config",
        }
    }

    fn is_invalid_input(&self) -> bool {
        match self {
            EngineError::Refused(e) => e.is_invalid_input(),
            EngineError::Invalid(e) => e.is_invalid_input(),
            _ => false,
        }
    }
}
