//! Identifiers printed on documents: the project's service code and invoice numbers.

use billing_core as core;

use crate::value_class;

value_class! {
    /// A project's service code: exactly five digits, leading zeros kept (`00042`).
    "ServiceCode" => PyServiceCode(core::ServiceCode);

    /// The numeric value (`00042` is 42).
    #[getter]
    fn value(&self) -> u32 {
        self.0.value()
    }
}

value_class! {
    /// An invoice number, `HOR-11111-007`: prefix, the project's service code, sequence from 1.
    "InvoiceNumber" => PyInvoiceNumber(core::InvoiceNumber);

    /// The prefix: 2 to 5 Latin capitals (`HOR`).
    #[getter]
    fn prefix(&self) -> String {
        self.0.prefix().to_string()
    }

    /// The project's service code.
    #[getter]
    fn service_code(&self) -> PyServiceCode {
        PyServiceCode(self.0.service_code())
    }

    /// The per-project sequence, from 1.
    #[getter]
    fn sequence(&self) -> u32 {
        self.0.sequence()
    }
}
