//! Document helpers: the amount in words (сума прописом) and the NBU payment QR code payload, both
//! from the core.

use std::str::FromStr;

use billing_core as core;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use pyo3::types::PyString;
use pyo3::PyClass;

use crate::errors::{qr_err, to_py_err};
use crate::ids::PyInvoiceNumber;
use crate::money::{money_arg, PyMoney};
use crate::requisites::{PyIban, PyTaxId};

/// A value argument: an instance of the value class `W`, or text that the core parses into `T`.
pub(crate) fn value_arg<W, T>(value: &Bound<'_, PyAny>, inner: fn(&W) -> T) -> PyResult<T>
where
    W: PyClass<Frozen = True> + Sync,
    T: FromStr,
    T::Err: Into<core::Error>,
{
    if let Ok(wrapped) = value.cast::<W>() {
        return Ok(inner(wrapped.get()));
    }
    let text = value.cast::<PyString>()?;
    text.to_string_lossy().parse::<T>().map_err(to_py_err)
}

/// The amount in words, as Ukrainian accounting documents write it:
/// `Одна тисяча двісті гривень 50 копійок`. Takes a `Money`, a str or a `decimal.Decimal`.
#[pyfunction]
pub fn amount_in_words(amount: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(core::amount_in_words(money_arg(amount)?))
}

fn format_of(format: &str) -> PyResult<core::NbuQrFormat> {
    match format {
        "002" => Ok(core::NbuQrFormat::V002),
        "003" => Ok(core::NbuQrFormat::V003),
        _ => Err(qr_err(core::NbuQrError::Invalid {
            field: "format",
            reason: "002 or 003",
        })),
    }
}

/// An invoice's NBU payment QR code (QR-код для кредитових переказів), built from validated values:
/// the payer's banking app fills in our IBAN, the exact amount and a purpose holding the exact
/// invoice number.
#[pyclass(frozen, eq, module = "billing_core", name = "PaymentQr")]
#[derive(Clone, PartialEq, Eq)]
pub struct PyPaymentQr(pub core::PaymentQr);

#[pymethods]
impl PyPaymentQr {
    #[new]
    #[pyo3(signature = (
        receiver_name, iban, receiver_code, amount, invoice, *,
        purpose_suffix = None, purpose_code = None, format = "002"
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        receiver_name: String,
        iban: &Bound<'_, PyAny>,
        receiver_code: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        invoice: &Bound<'_, PyAny>,
        purpose_suffix: Option<String>,
        purpose_code: Option<String>,
        format: &str,
    ) -> PyResult<Self> {
        Ok(Self(core::PaymentQr {
            format: format_of(format)?,
            receiver_name,
            iban: value_arg(iban, |w: &PyIban| w.0)?,
            receiver_code: value_arg(receiver_code, |w: &PyTaxId| w.0)?,
            amount: money_arg(amount)?,
            invoice: value_arg(invoice, |w: &PyInvoiceNumber| w.0)?,
            purpose_suffix,
            purpose_code,
        }))
    }

    /// The format: `"002"` (`https://bank.gov.ua/qr/`) or `"003"` (`https://qr.bank.gov.ua/`).
    #[getter]
    fn format(&self) -> String {
        self.0.format.to_string()
    }

    /// Our (the receiver's) name.
    #[getter]
    fn receiver_name(&self) -> &str {
        &self.0.receiver_name
    }

    /// Our IBAN.
    #[getter]
    fn iban(&self) -> PyIban {
        PyIban(self.0.iban)
    }

    /// Our ЄДРПОУ or РНОКПП.
    #[getter]
    fn receiver_code(&self) -> PyTaxId {
        PyTaxId(self.0.receiver_code)
    }

    /// What is owed.
    #[getter]
    fn amount(&self) -> PyMoney {
        PyMoney(self.0.amount)
    }

    /// The invoice being paid.
    #[getter]
    fn invoice(&self) -> PyInvoiceNumber {
        PyInvoiceNumber(self.0.invoice)
    }

    /// Text after the invoice number in the purpose (`без ПДВ`), if any.
    #[getter]
    fn purpose_suffix(&self) -> Option<&str> {
        self.0.purpose_suffix.as_deref()
    }

    /// The format 003 purpose code (`OTHR/OTHR` when not set), if set.
    #[getter]
    fn purpose_code(&self) -> Option<&str> {
        self.0.purpose_code.as_deref()
    }

    /// The purpose of payment: `Оплата за рахунком № HOR-11111-007[, suffix]`.
    fn purpose(&self) -> String {
        self.0.purpose()
    }

    /// The raw fields of the payload.
    fn fields(&self) -> PyNbuQrFields {
        PyNbuQrFields::from(self.0.fields())
    }

    /// The URL the QR code carries: the format's prefix and the data in Base64URL; `NbuQrError` when a
    /// field breaks the format's limits.
    fn url(&self) -> PyResult<String> {
        self.0.url().map_err(qr_err)
    }
}

/// The raw fields of an NBU payment QR code, as strings, for payloads that `PaymentQr` does not
/// cover. Reserved fields stay empty unless set.
#[pyclass(frozen, eq, get_all, module = "billing_core", name = "NbuQrFields")]
#[derive(Clone, PartialEq, Eq)]
pub struct PyNbuQrFields {
    /// `"002"` or `"003"`.
    format: String,
    /// `UCT` (credit transfer), `ICT` (instant, 003), `XCT` (either, 003); empty is `UCT`.
    function: String,
    /// The receiver's BIC (reserved).
    bic: String,
    /// The receiver's name.
    receiver_name: String,
    /// The receiver's IBAN.
    iban: String,
    /// `UAH` and the amount with a decimal point (`UAH1200.00`), or empty.
    amount: String,
    /// The receiver's ЄДРПОУ, РНОКПП or passport number.
    receiver_code: String,
    /// The 003 purpose category code (`OTHR/OTHR`).
    purpose_code: String,
    /// The reference (ASCII; 003).
    reference: String,
    /// The purpose of payment (призначення платежу).
    purpose: String,
    /// The display text (reserved).
    display: String,
    /// 003: the field-lock mask, four hex digits, or empty.
    field_lock: String,
    /// 003: valid until, `YYMMDDhhmmss`, or empty.
    valid_until: String,
    /// 003: created at, `YYMMDDhhmmss`, or empty.
    created_at: String,
    /// 003: the digital signature (reserved).
    signature: String,
}

impl From<core::NbuQrFields> for PyNbuQrFields {
    fn from(f: core::NbuQrFields) -> Self {
        PyNbuQrFields {
            format: f.format.to_string(),
            function: f.function,
            bic: f.bic,
            receiver_name: f.receiver_name,
            iban: f.iban,
            amount: f.amount,
            receiver_code: f.receiver_code,
            purpose_code: f.purpose_code,
            reference: f.reference,
            purpose: f.purpose,
            display: f.display,
            field_lock: f.field_lock,
            valid_until: f.valid_until,
            created_at: f.created_at,
            signature: f.signature,
        }
    }
}

impl PyNbuQrFields {
    fn core(&self) -> PyResult<core::NbuQrFields> {
        Ok(core::NbuQrFields {
            format: format_of(&self.format)?,
            function: self.function.clone(),
            bic: self.bic.clone(),
            receiver_name: self.receiver_name.clone(),
            iban: self.iban.clone(),
            amount: self.amount.clone(),
            receiver_code: self.receiver_code.clone(),
            purpose_code: self.purpose_code.clone(),
            reference: self.reference.clone(),
            purpose: self.purpose.clone(),
            display: self.display.clone(),
            field_lock: self.field_lock.clone(),
            valid_until: self.valid_until.clone(),
            created_at: self.created_at.clone(),
            signature: self.signature.clone(),
        })
    }
}

#[pymethods]
impl PyNbuQrFields {
    #[new]
    #[pyo3(signature = (
        *, format = "002", function = "", bic = "", receiver_name = "", iban = "", amount = "",
        receiver_code = "", purpose_code = "", reference = "", purpose = "", display = "",
        field_lock = "", valid_until = "", created_at = "", signature = ""
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        format: &str,
        function: &str,
        bic: &str,
        receiver_name: &str,
        iban: &str,
        amount: &str,
        receiver_code: &str,
        purpose_code: &str,
        reference: &str,
        purpose: &str,
        display: &str,
        field_lock: &str,
        valid_until: &str,
        created_at: &str,
        signature: &str,
    ) -> PyResult<Self> {
        format_of(format)?;
        Ok(PyNbuQrFields {
            format: format.into(),
            function: function.into(),
            bic: bic.into(),
            receiver_name: receiver_name.into(),
            iban: iban.into(),
            amount: amount.into(),
            receiver_code: receiver_code.into(),
            purpose_code: purpose_code.into(),
            reference: reference.into(),
            purpose: purpose.into(),
            display: display.into(),
            field_lock: field_lock.into(),
            valid_until: valid_until.into(),
            created_at: created_at.into(),
            signature: signature.into(),
        })
    }

    /// The data lines in the format's order (joined by LF), cleaned and checked; `NbuQrError` when a
    /// field breaks the format's rules.
    fn data(&self) -> PyResult<String> {
        self.core()?.data().map_err(qr_err)
    }

    /// The URL the QR code carries: the format's prefix and the data in Base64URL without padding.
    fn encode(&self) -> PyResult<String> {
        self.core()?.encode().map_err(qr_err)
    }
}
