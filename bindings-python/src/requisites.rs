//! Requisites (реквізити): ЄДРПОУ, РНОКПП, the tax id that is one of them, the IBAN, and their
//! predicates.

use billing_core as core;
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyString;

use crate::value_class;

value_class! {
    /// A company's ЄДРПОУ: 8 digits with a valid check digit; leading zeros are significant.
    "Edrpou" => PyEdrpou(core::Edrpou);
}

value_class! {
    /// A person's РНОКПП (formerly ІПН): 10 digits with a valid check digit.
    "Rnokpp" => PyRnokpp(core::Rnokpp);

    /// The birth date encoded in the first five digits.
    #[getter]
    fn birth_date(&self) -> NaiveDate {
        self.0.birth_date()
    }

    /// `"male"` or `"female"`, from the ninth digit.
    #[getter]
    fn sex(&self) -> &'static str {
        match self.0.sex() {
            core::Sex::Male => "male",
            core::Sex::Female => "female",
        }
    }
}

value_class! {
    /// The payer's tax id: a company's ЄДРПОУ (8 digits) or a sole proprietor's (ФОП) РНОКПП (10).
    "TaxId" => PyTaxId(core::TaxId);

    /// `"company"` (ЄДРПОУ) or `"sole_proprietor"` (РНОКПП).
    #[getter]
    fn kind(&self) -> &'static str {
        match self.0 {
            core::TaxId::Company(_) => "company",
            core::TaxId::SoleProprietor(_) => "sole_proprietor",
        }
    }

    /// The ЄДРПОУ, for a company.
    #[getter]
    fn edrpou(&self) -> Option<PyEdrpou> {
        match self.0 {
            core::TaxId::Company(code) => Some(PyEdrpou(code)),
            core::TaxId::SoleProprietor(_) => None,
        }
    }

    /// The РНОКПП, for a sole proprietor.
    #[getter]
    fn rnokpp(&self) -> Option<PyRnokpp> {
        match self.0 {
            core::TaxId::Company(_) => None,
            core::TaxId::SoleProprietor(id) => Some(PyRnokpp(id)),
        }
    }
}

value_class! {
    /// An IBAN, from its electronic or print form in any case; `str()` is the electronic form.
    "Iban" => PyIban(core::Iban);

    /// The electronic form: `UA213223130000026007233566001`.
    #[getter]
    fn electronic(&self) -> &str {
        self.0.as_str()
    }

    /// The print form in groups of four: `UA21 3223 1300 0002 6007 2335 6600 1`.
    #[getter]
    fn print_form(&self) -> String {
        self.0.to_print_string()
    }

    /// The ISO country code (`UA`).
    #[getter]
    fn country_code(&self) -> &str {
        self.0.country_code()
    }

    /// Whether the account is in a Ukrainian bank.
    #[getter]
    fn is_ukrainian(&self) -> bool {
        self.0.is_ukrainian()
    }

    /// The bank code (МФО), for a Ukrainian IBAN.
    #[getter]
    fn mfo(&self) -> Option<&str> {
        self.0.mfo()
    }

    /// The bank's name, for a Ukrainian bank the core knows.
    #[getter]
    fn bank_name(&self) -> Option<&'static str> {
        self.0.bank_name()
    }
}

/// Whether `value` is a valid ЄДРПОУ (exactly when `Edrpou(value)` succeeds).
#[pyfunction]
pub fn is_valid_edrpou(value: &Bound<'_, PyString>) -> bool {
    value.to_str().is_ok_and(core::is_valid_edrpou)
}

/// Whether `value` is a valid РНОКПП (exactly when `Rnokpp(value)` succeeds).
#[pyfunction]
pub fn is_valid_rnokpp(value: &Bound<'_, PyString>) -> bool {
    value.to_str().is_ok_and(core::is_valid_rnokpp)
}

/// Whether `value` is a valid IBAN (exactly when `Iban(value)` succeeds).
#[pyfunction]
pub fn is_valid_iban(value: &Bound<'_, PyString>) -> bool {
    value.to_str().is_ok_and(core::is_valid_iban)
}

/// `is_valid_edrpou` over a sequence of str, without the GIL while Rust checks.
#[pyfunction]
pub fn validate_edrpou_many(py: Python<'_>, values: Vec<Bound<'_, PyString>>) -> Vec<bool> {
    validate_many(py, values, core::is_valid_edrpou)
}

/// `is_valid_rnokpp` over a sequence of str, without the GIL while Rust checks.
#[pyfunction]
pub fn validate_rnokpp_many(py: Python<'_>, values: Vec<Bound<'_, PyString>>) -> Vec<bool> {
    validate_many(py, values, core::is_valid_rnokpp)
}

/// `is_valid_iban` over a sequence of str, without the GIL while Rust checks.
#[pyfunction]
pub fn validate_iban_many(py: Python<'_>, values: Vec<Bound<'_, PyString>>) -> Vec<bool> {
    validate_many(py, values, core::is_valid_iban)
}

/// Applies `is_valid` to each value with the GIL released. Each text is borrowed from its Python
/// `str` (kept alive and immutable by the reference it holds); a `str` that UTF-8 cannot carry (a
/// lone surrogate) is invalid.
fn validate_many(
    py: Python<'_>,
    values: Vec<Bound<'_, PyString>>,
    is_valid: fn(&str) -> bool,
) -> Vec<bool> {
    let texts: Vec<Option<PyBackedStr>> = values
        .into_iter()
        .map(|value| PyBackedStr::try_from(value).ok())
        .collect();
    py.detach(|| {
        texts
            .iter()
            .map(|text| text.as_deref().is_some_and(is_valid))
            .collect()
    })
}
