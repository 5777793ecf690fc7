//! The owner's contact details: email address and phone number.

use billing_core as core;
use pyo3::prelude::*;

use crate::value_class;

value_class! {
    /// An email address, `local@domain`: surrounding spaces trimmed, the domain lower-cased.
    "Email" => PyEmail(core::Email);

    /// Whether both addresses name the same mailbox (compared without regard to case).
    fn same_mailbox(&self, other: PyRef<'_, PyEmail>) -> bool {
        self.0.same_mailbox(&other.0)
    }
}

value_class! {
    /// A phone number, normalised to E.164 (`+380501234567`) from the forms people write.
    "Phone" => PyPhone(core::Phone);
}
