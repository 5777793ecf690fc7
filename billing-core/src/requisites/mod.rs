//! Requisites (реквізити) for financial documents: ЄДРПОУ, РНОКПП, the tax id that is one of them,
//! and the IBAN with its bank.

mod banks;
mod edrpou;
mod iban;
mod rnokpp;
mod tax_id;

pub use banks::{bank_name_by_mfo, KNOWN_BANKS};
pub use edrpou::{is_valid_edrpou, Edrpou, EdrpouError};
pub use iban::{is_valid_iban, Iban, IbanError};
pub use rnokpp::{is_valid_rnokpp, Rnokpp, RnokppError, Sex};
pub use tax_id::{TaxId, TaxIdError};
