//! The one place core errors become Python exceptions.
//!
//! The exception classes are plain Python (`billing_core/__init__.py`), because `InvalidInput`
//! derives from both `BillingError` and `ValueError`; this module imports them lazily by name.
//! Each is raised as `Class(code, message)`: the core's dotted code and `Display` text, unchanged.

use billing_core::{Error, ErrorCode};
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
}

/// A core error as the exception of its area, e.g. `EdrpouError("edrpou.checksum", "ЄДРПОУ …")`.
///
/// The class follows the area of the call (`TaxId("32855968")` raises `TaxIdError` whose code is
/// `edrpou.checksum`). Areas the binding does not know yet fall back to `InvalidInput` or
/// `BillingError`, as the core's `is_invalid_input` says.
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
        _ => py::BillingError::new_err(args),
    }
}
