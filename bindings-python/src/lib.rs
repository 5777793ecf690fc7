//! # billing-core for Python
//!
//! The pyo3 binding of billing-core's foundations: the native half (`billing_core._native`) of the
//! `billing_core` package. It converts values and errors and nothing else: every rule lives in the
//! core.
//!
//! - Value types (`Edrpou`, `Rnokpp`, `TaxId`, `Iban`, `Money`, `ServiceCode`, `InvoiceNumber`,
//!   `Email`, `Phone`) are immutable classes: `__new__` parses, properties read, `str()` gives the
//!   canonical text, and equal values compare and hash equal.
//! - Money converts to and from `decimal.Decimal`, dates to `datetime.date`.
//! - Predicates come per value (`is_valid_edrpou`) and in batches that release the GIL
//!   (`validate_edrpou_many`).
//! - Document helpers: the amount in words and the NBU payment QR payload (`PaymentQr`,
//!   `NbuQrFields`).
//! - The engine (`NativeEngine`, wrapped by the Python `billing_core.Engine`): every use case as a
//!   blocking call that releases the GIL and as an asyncio future, on one shared tokio runtime.
//! - Reconcile (the dry run): `reconcile_json` and `reconcile_bytes` decide statement lines
//!   against invoices given as data, with billing-statements, into `billing reconcile --json`'s
//!   objects as dicts.
//! - Every failure is one of the package's exceptions, with the core's dotted code and message
//!   unchanged: see [`errors`], the one place errors are mapped.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contact;
pub mod documents;
pub mod engine;
pub mod errors;
pub mod ids;
pub mod money;
pub mod ports;
pub mod requisites;
pub mod statements;

/// Declares a frozen Python class around a core value type that parses from text.
///
/// The class gets `__new__(value: str)` (the core's `FromStr`; a lone surrogate, which UTF-8 cannot
/// carry, reaches the core as U+FFFD and fails there), `__str__` (its `Display`), `__repr__`
/// (`Name('canonical')`, which `eval` turns back into an equal value), `__eq__`/`__hash__` (its
/// `PartialEq`/`Hash`) and `__reduce__` (pickling by the canonical text), plus the extra methods given.
macro_rules! value_class {
    (
        $(#[$meta:meta])*
        $py_name:literal => $wrapper:ident($inner:ty);
        $($methods:tt)*
    ) => {
        $(#[$meta])*
        #[::pyo3::pyclass(
            frozen, eq, hash, str, module = "billing_core", name = $py_name
        )]
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $wrapper(pub $inner);

        impl ::std::fmt::Display for $wrapper {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        #[::pyo3::pymethods]
        impl $wrapper {
            #[new]
            fn new(value: &::pyo3::Bound<'_, ::pyo3::types::PyString>) -> ::pyo3::PyResult<Self> {
                use ::pyo3::types::PyStringMethods;
                value
                    .to_string_lossy()
                    .parse::<$inner>()
                    .map(Self)
                    .map_err($crate::errors::to_py_err)
            }

            fn __repr__(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<String> {
                $crate::repr(py, $py_name, &self.0)
            }

            fn __reduce__<'py>(
                slf: &::pyo3::Bound<'py, Self>,
            ) -> (::pyo3::Bound<'py, ::pyo3::types::PyType>, (String,)) {
                use ::pyo3::types::PyAnyMethods;
                (slf.get_type(), (slf.get().0.to_string(),))
            }

            $($methods)*
        }
    };
}
pub(crate) use value_class;

/// `Name('text')`, quoting the text as Python's `repr` does.
pub(crate) fn repr(
    py: pyo3::Python<'_>,
    name: &str,
    value: &impl std::fmt::Display,
) -> pyo3::PyResult<String> {
    use pyo3::types::PyAnyMethods;
    let text = pyo3::types::PyString::new(py, &value.to_string()).repr()?;
    Ok(format!("{name}({text})"))
}

/// The native module `billing_core._native`; `billing_core` re-exports all of it.
#[pyo3::pymodule]
mod _native {
    #[pymodule_export]
    use crate::contact::{PyEmail, PyPhone};
    #[pymodule_export]
    use crate::documents::{amount_in_words, PyNbuQrFields, PyPaymentQr};
    #[pymodule_export]
    use crate::engine::{_before_exit, open_engine, open_engine_async, NativeEngine};
    #[pymodule_export]
    use crate::ids::{PyInvoiceNumber, PyServiceCode};
    #[pymodule_export]
    use crate::money::PyMoney;
    #[pymodule_export]
    use crate::ports::PyMemoryVchasno;
    #[pymodule_export]
    use crate::requisites::{
        is_valid_edrpou, is_valid_iban, is_valid_rnokpp, validate_edrpou_many, validate_iban_many,
        validate_rnokpp_many, PyEdrpou, PyIban, PyRnokpp, PyTaxId,
    };
    #[pymodule_export]
    use crate::statements::{reconcile_bytes, reconcile_json};

    /// The version of the billing-core crates this module was built from.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
