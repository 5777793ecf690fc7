//! Ports given to `Engine.open` from Python: the in-memory Vchasno (`MemoryVchasno`, the engine's own
//! test adapter, which tests and demos fill) and the registry lookup implemented in Python.

use std::sync::Arc;

use async_trait::async_trait;
use billing_core::ports::{RegistryAnswer, RegistryError, RegistryLookup, VchasnoStatus};
use billing_core::TaxId;
use billing_engine::memory::MemoryVchasno;
use pyo3::prelude::*;

use crate::engine::with_python;
use crate::errors::{config_err, to_py_err};

/// An in-memory Vchasno for tests and demos (the engine's `MemoryVchasno`): a company is registered
/// once you `register` it, uploaded acts get ids `doc-1`, `doc-2`, ..., and their statuses change
/// when you `set_status`. Give it to `Engine.open(..., vchasno=...)`.
#[pyclass(frozen, module = "billing_core._native", name = "MemoryVchasno")]
pub struct PyMemoryVchasno(pub Arc<MemoryVchasno>);

#[pymethods]
impl PyMemoryVchasno {
    /// A Vchasno with no companies.
    #[new]
    fn new() -> Self {
        PyMemoryVchasno(Arc::new(MemoryVchasno::new()))
    }

    /// Registers a company (or sole proprietor) by its ЄДРПОУ/РНОКПП, with its name in Vchasno.
    fn register(&self, tax_id: &str, name: &str) -> PyResult<()> {
        let tax_id = TaxId::parse(tax_id).map_err(to_py_err)?;
        self.0.register(&tax_id, name);
        Ok(())
    }

    /// Sets an uploaded document's status (`sent`, `signed_by_us`, `signed_by_both`, ...).
    fn set_status(&self, document_id: &str, status: &str) -> PyResult<()> {
        let status: VchasnoStatus = serde_json::from_value(status.into())
            .map_err(|e| config_err(format!("Vchasno status {status:?}: {e}")))?;
        self.0.set_status(document_id, status);
        Ok(())
    }

    /// The uploaded documents' ids.
    fn document_ids(&self) -> Vec<String> {
        self.0.document_ids()
    }
}

/// The registry lookup port implemented by a Python callable: called with the ЄДРПОУ/РНОКПП, it
/// returns the core's `RegistryAnswer` as JSON text (`billing_core.engine` wraps the user's
/// registry so that it does). An exception or an unreadable answer is a failed lookup, which
/// leaves the form's fields for the owner to fill in.
pub struct PyRegistry(pub Py<PyAny>);

#[async_trait]
impl RegistryLookup for PyRegistry {
    async fn lookup(&self, tax_id: &TaxId) -> Result<RegistryAnswer, RegistryError> {
        let text = with_python(|py| -> Result<String, String> {
            let answer = self
                .0
                .call1(py, (tax_id.to_string(),))
                .map_err(|e| describe(py, &e))?;
            answer.extract::<String>(py).map_err(|e| describe(py, &e))
        })
        .unwrap_or_else(|| Err("the interpreter is shutting down".into()))
        .map_err(RegistryError::Failed)?;
        serde_json::from_str(&text)
            .map_err(|e| RegistryError::Failed(format!("the registry's answer is not valid: {e}")))
    }
}

/// `KeyError: 'x'`-style text of a Python exception, for the prefill's notes.
fn describe(py: Python<'_>, e: &PyErr) -> String {
    let name = e
        .get_type(py)
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "Exception".into());
    format!("{name}: {}", e.value(py))
}
