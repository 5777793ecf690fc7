//! The reconcile dry run for Python: bank statement lines decided against invoices given as data,
//! nothing stored; `billing reconcile --json`'s objects as Python dicts.
//!
//! Both functions decide with the GIL released (billing-statements parses and
//! `billing_core::reconcile` decides), then build one dict per statement line with exactly the CLI's
//! keys, in its order: `line`, `id`, `outcome`, and `invoice` / `reason` / `reference` / `reverses`
//! / `reverses_invoice` where the line has them. `billing_core.reconcile` and
//! `billing_core.reconcile_file` (Python) accept texts, bytes, paths and records and call these.

use billing_statements::dry_run::{self, LineResult};
use billing_statements::Format;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::errors::statement_err;

/// Decides statement lines given as JSON text (an array or JSON Lines of objects with exactly `id,
/// date, amount, currency, payer_name, payer_edrpou, payer_iban, purpose`) against invoices given as
/// JSON text (an array or JSON Lines): one dict per line, in order. `StatementError` for text that
/// cannot be read (`invoices.*`, `statement.*`).
#[pyfunction]
pub fn reconcile_json<'py>(
    py: Python<'py>,
    invoices: &str,
    lines: &str,
) -> PyResult<Bound<'py, PyList>> {
    let results = py
        .detach(|| dry_run::reconcile_json(invoices, lines))
        .map_err(statement_err)?;
    to_list(py, &results)
}

/// Decides a statement file's bytes in `format` (`auto`, `jsonl`, `camt053`, `mt940`, `1c`,
/// `privatbank`, `monobank`) against an invoices file's bytes (JSON Lines or a JSON array): one
/// dict per line, in order. `StatementError` for an unknown format or a file that cannot be read.
#[pyfunction]
#[pyo3(signature = (invoices, statement, format = "auto"))]
pub fn reconcile_bytes<'py>(
    py: Python<'py>,
    invoices: &[u8],
    statement: &[u8],
    format: &str,
) -> PyResult<Bound<'py, PyList>> {
    let format: Format = format.parse().map_err(statement_err)?;
    let results = py
        .detach(|| dry_run::reconcile_bytes(invoices, statement, format))
        .map_err(statement_err)?;
    to_list(py, &results)
}

/// The results as a list of dicts with the CLI's keys in its order.
fn to_list<'py>(py: Python<'py>, results: &[LineResult<'_>]) -> PyResult<Bound<'py, PyList>> {
    let keys = (
        intern!(py, "line"),
        intern!(py, "id"),
        intern!(py, "outcome"),
        intern!(py, "invoice"),
        intern!(py, "reason"),
        intern!(py, "reference"),
        intern!(py, "reverses"),
        intern!(py, "reverses_invoice"),
    );
    // The outcome and reason codes are static strings: one Python string each, shared by every
    // dict (the pointer identifies the code).
    let mut codes: Vec<(*const u8, Bound<'py, PyString>)> = Vec::new();
    let mut code = |text: &'static str| -> Bound<'py, PyString> {
        if let Some((_, s)) = codes.iter().find(|(p, _)| *p == text.as_ptr()) {
            return s.clone();
        }
        let s = PyString::intern(py, text);
        codes.push((text.as_ptr(), s.clone()));
        s
    };
    // Invoice numbers are written into one reused buffer, not a new `String` per line.
    let mut buf = String::with_capacity(32);
    let mut number = |n: &billing_core::InvoiceNumber| -> Bound<'py, PyString> {
        use std::fmt::Write;
        buf.clear();
        let _ = write!(buf, "{n}");
        PyString::new(py, &buf)
    };
    let mut dicts = Vec::with_capacity(results.len());
    for r in results {
        let d = PyDict::new(py);
        d.set_item(keys.0, r.line)?;
        d.set_item(keys.1, &*r.id)?;
        d.set_item(keys.2, code(r.outcome.as_str()))?;
        if let Some(invoice) = &r.invoice {
            d.set_item(keys.3, number(invoice))?;
        }
        if let Some(reason) = r.reason {
            d.set_item(keys.4, code(reason))?;
        }
        if let Some(reference) = &r.reference {
            d.set_item(keys.5, number(reference))?;
        }
        if let Some(reverses) = &r.reverses {
            d.set_item(keys.6, reverses)?;
        }
        if let Some(invoice) = &r.reverses_invoice {
            d.set_item(keys.7, number(invoice))?;
        }
        dicts.push(d);
    }
    PyList::new(py, dicts)
}
