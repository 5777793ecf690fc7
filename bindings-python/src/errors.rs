//! The one place core and engine errors become Python exceptions.
//!
//! The exception classes are plain Python (`billing_core/__init__.py`), because `InvalidInput`
//! derives from both `BillingError` and `ValueError`; this module imports them lazily by name.
//! Each is raised as `Class(code, message)`: the core's dotted code and `Display` text, unchanged.
//! Creating one needs no GIL (the exception is built when Python first looks at it), so engine
//! calls map their errors while the GIL is released.

use billing_core::paperwork::PaperworkError;
use billing_core::project::ProjectError;
use billing_core::{Error, ErrorCode, NbuQrError};
use billing_engine::EngineError;
use billing_statements::StatementError;
use pyo3::PyErr;

mod py {
    //! The package's exception classes, imported from `billing_core` on first use.
    #![allow(missing_docs)]
    pyo3::import_exception!(billing_core, BillingError);
    pyo3::import_exception!(billing_core, InvalidInput);
    pyo3::import_exception!(billing_core, MoneyError);
    pyo3::import_exception!(billing_core, ServiceCodeError);
    pyo3::import_exception!(billing_core, InvoiceNumberError);
    pyo3::import_exception!(billing_core, EdrpouError);
    pyo3::import_exception!(billing_core, RnokppError);
    pyo3::import_exception!(billing_core, TaxIdError);
    pyo3::import_exception!(billing_core, IbanError);
    pyo3::import_exception!(billing_core, EmailError);
    pyo3::import_exception!(billing_core, PhoneError);
    pyo3::import_exception!(billing_core, NbuQrError);
    pyo3::import_exception!(billing_core, Refused);
    pyo3::import_exception!(billing_core, ProjectNotFound);
    pyo3::import_exception!(billing_core, StoreError);
    pyo3::import_exception!(billing_core, AcquirerError);
    pyo3::import_exception!(billing_core, EngineBusy);
    pyo3::import_exception!(billing_core, ConfigError);
    pyo3::import_exception!(billing_core, RequisitesError);
    pyo3::import_exception!(billing_core, VchasnoError);
    pyo3::import_exception!(billing_core, DocumentError);
    pyo3::import_exception!(billing_core, StatementError);
}

/// A core error as the exception of its area, e.g. `EdrpouError("edrpou.checksum", "ЄДРПОУ …")`.
///
/// The class follows the area of the call (`TaxId("32855968")` raises `TaxIdError` whose code is
/// `edrpou.checksum`). Areas the binding does not know yet fall back to `InvalidInput` or
/// `Refused` (a refusal of the domain), as the core's `is_invalid_input` says.
pub fn to_py_err(err: impl Into<Error>) -> PyErr {
    let err = err.into();
    let args = (err.code(), err.to_string());
    match err {
        Error::Money(_) => py::MoneyError::new_err(args),
        Error::ServiceCode(_) => py::ServiceCodeError::new_err(args),
        Error::InvoiceNumber(_) => py::InvoiceNumberError::new_err(args),
        Error::Edrpou(_) => py::EdrpouError::new_err(args),
        Error::Rnokpp(_) => py::RnokppError::new_err(args),
        Error::TaxId(_) => py::TaxIdError::new_err(args),
        Error::Iban(_) => py::IbanError::new_err(args),
        Error::Email(_) => py::EmailError::new_err(args),
        Error::Phone(_) => py::PhoneError::new_err(args),
        Error::Paperwork(PaperworkError::Form { ref errors }) => requisites_err(args, errors),
        _ if err.is_invalid_input() => py::InvalidInput::new_err(args),
        _ => py::Refused::new_err(args),
    }
}

/// A requisites form with bad fields (`requisites.invalid`) as `RequisitesError`, whose `errors`
/// are the core's `(field, code, message)` triples, one per bad field.
fn requisites_err(
    (code, message): (&'static str, String),
    errors: &[billing_core::paperwork::FieldError],
) -> PyErr {
    let fields: Vec<(String, String, String)> = errors
        .iter()
        .map(|e| (e.field.clone(), e.code.clone(), e.message.clone()))
        .collect();
    py::RequisitesError::new_err((code, message, fields))
}

/// An engine error as its exception: the core's classes for bad input and refusals (`Refused`,
/// or `InvalidInput` where the core calls the refusal bad input; `RequisitesError` for a form with
/// bad fields), `ProjectNotFound`, `StoreError`, `AcquirerError`, `VchasnoError` (a failure of
/// Vchasno itself: token refused, request rejected, upload unreachable), `DocumentError` (an act or
/// invoice that cannot be drawn up or rendered), `EngineBusy` and `ConfigError` for the rest, each
/// with the engine's code. A variant added to the engine later is a `BillingError` (or
/// `InvalidInput`) with its code until it gets its own class here.
pub fn engine_err(err: EngineError) -> PyErr {
    let args = (err.code(), err.to_string());
    match err {
        EngineError::Invalid(e) => to_py_err(e),
        EngineError::Refused(ProjectError::Paperwork(PaperworkError::Form { ref errors })) => {
            requisites_err(args, errors)
        }
        EngineError::Refused(e) => to_py_err(e),
        EngineError::ProjectNotFound(_) => py::ProjectNotFound::new_err(args),
        EngineError::Store(_) => py::StoreError::new_err(args),
        EngineError::Acquirer(_) => py::AcquirerError::new_err(args),
        EngineError::Vchasno(_) => py::VchasnoError::new_err(args),
        EngineError::Document { .. } => py::DocumentError::new_err(args),
        EngineError::Busy(_) => py::EngineBusy::new_err(args),
        EngineError::Config(_) => py::ConfigError::new_err(args),
        _ if err.is_invalid_input() => py::InvalidInput::new_err(args),
        _ => py::BillingError::new_err(args),
    }
}

/// A statement or invoices file that cannot be read (`statement.*`, `invoices.*`) as
/// `StatementError`, whose message names the format and the place (`line 12`).
pub fn statement_err(err: StatementError) -> PyErr {
    py::StatementError::new_err((err.code(), err.to_string()))
}

/// A QR payload error as `NbuQrError` (`nbu_qr.*`).
pub fn qr_err(err: NbuQrError) -> PyErr {
    py::NbuQrError::new_err((err.code(), err.to_string()))
}

/// A configuration error (`engine.config`) with the given message, for arguments that the
/// binding decodes before the engine sees them (JSON configuration, commands, actors).
pub fn config_err(message: impl std::fmt::Display) -> PyErr {
    engine_err(EngineError::Config(message.to_string()))
}
