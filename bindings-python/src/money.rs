//! Money: hryvnias (UAH) with exactly two decimal places, to and from `decimal.Decimal`.

use billing_core as core;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyType};
use rust_decimal::Decimal;

use crate::errors::to_py_err;

/// A non-negative UAH amount with exactly two decimal places (0.00 to 999 999 999.99).
///
/// Built from text as people write it (`"1 200,50"`) or from a `decimal.Decimal` with at most two
/// places; never from a float. `str()` is the machine form `1200.50`.
#[pyclass(frozen, eq, ord, hash, str, module = "billing_core", name = "Money")]
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyMoney(pub core::Money);

impl std::fmt::Display for PyMoney {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An amount argument: a `Money`, or what `Money()` takes (a str or a `decimal.Decimal`).
pub(crate) fn money_arg(value: &Bound<'_, PyAny>) -> PyResult<core::Money> {
    match value.cast::<PyMoney>() {
        Ok(money) => Ok(money.get().0),
        Err(_) => PyMoney::new(value).map(|m| m.0),
    }
}

/// `decimal.Decimal`, imported once.
static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

#[pymethods]
impl PyMoney {
    #[new]
    fn new(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = value.py();
        let money = if let Ok(text) = value.cast::<PyString>() {
            text.to_string_lossy().parse::<core::Money>()
        } else if value.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)? {
            match value.extract::<Decimal>() {
                Ok(decimal) => core::Money::from_decimal(decimal),
                // Beyond rust_decimal (NaN, infinities, 1E+40): the core's parser names the error.
                Err(_) => value.str()?.to_str()?.parse::<core::Money>(),
            }
        } else {
            return Err(PyTypeError::new_err(format!(
                "Money() takes a str or decimal.Decimal, not {}",
                value.get_type().name()?
            )));
        };
        money.map(Self).map_err(to_py_err)
    }

    /// An amount from whole kopiyky (`120050` is 1 200.50).
    #[staticmethod]
    fn from_kopiyky(kopiyky: i64) -> PyResult<Self> {
        core::Money::from_kopiyky(kopiyky)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The amount as a `decimal.Decimal` with two places (`Decimal('1200.50')`).
    fn to_decimal(&self) -> Decimal {
        self.0.as_decimal()
    }

    /// The amount as a `decimal.Decimal` with two places; the same as `to_decimal()`.
    #[getter]
    fn amount(&self) -> Decimal {
        self.0.as_decimal()
    }

    /// The amount in kopiyky (1 200.50 is 120050).
    #[getter]
    fn kopiyky(&self) -> i64 {
        self.0.kopiyky()
    }

    /// The amount as Ukrainian documents print it: `1 200,50 грн`.
    fn to_document_string(&self) -> String {
        self.0.to_document_string()
    }

    /// `self + other`; `MoneyError` (`money.overflow`) above the maximum.
    fn __add__(&self, other: PyRef<'_, Self>) -> PyResult<Self> {
        self.0.checked_add(other.0).map(Self).map_err(to_py_err)
    }

    /// `self - other`; `MoneyError` (`money.negative`) below zero.
    fn __sub__(&self, other: PyRef<'_, Self>) -> PyResult<Self> {
        self.0.checked_sub(other.0).map(Self).map_err(to_py_err)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        crate::repr(py, "Money", &self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, (String,)) {
        (slf.get_type(), (slf.get().0.to_string(),))
    }
}
