//! The one place core and engine errors become Python exceptions.
//!
//! The exception classes are plain Python (`billing_core/__init__.py`), because `InvalidInput`
//! derives from both `BillingError` and `ValueError`; this module imports them lazily by name.
//! Each is raised as `Class(code, message)`: the core's dotted code and `Display` text, unchanged.
//! Creating one needs no GIL (the exception is built when Python first looks at it), so engine
//! calls map their errors while the GIL is released.

use billing_core::{Error, ErrorCode, NbuQrError};
use billing_engine::EngineError;
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
        _ if err.is_invalid_input() => py::InvalidInput::new_err(args),
        _ => py::Refused::new_err(args),
    }
}

/// An engine error as its exception: the core's classes for bad input and refusals (`Refused`,
/// or `InvalidInput` where the core calls the refusal bad input), `ProjectNotFound`, `StoreError`,
/// `AcquirerError`, `EngineBusy` and `ConfigError` for the rest, each with the engine's code.
pub fn engine_err(err: EngineError) -> PyErr {
    let args = (err.code(), err.to_string());
    match err {
        EngineError::Invalid(e) => to_py_err(e),
        EngineError::Refused(e) => to_py_err(e),
        EngineError::ProjectNotFound(_) => py::ProjectNotFound::new_err(args),
        EngineError::Store(_) => py::StoreError::new_err(args),
        EngineError::Acquirer(_) => py::AcquirerError::new_err(args),
        EngineError::Busy(_) => py::EngineBusy::new_err(args),
        EngineError::Config(_) => py::ConfigError::new_err(args),
        _ if err.is_invalid_input() => py::InvalidInput::new_err(args),
        _ => py::BillingError::new_err(args),
    }
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
