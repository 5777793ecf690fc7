//! The one error type every uniffi language sees, and the one place core errors are mapped to it.

use std::fmt::Display;

use billing_core::{
    EdrpouError, EmailError, ErrorCode, IbanError, InvoiceNumberError, MoneyError, NbuQrError,
    PhoneError, RnokppError, ServiceCodeError, TaxIdError,
};

/// The code of a failure inside a foreign callback (a `Clock` that threw/raised).
pub const CODE_CALLBACK_FAILED: &str = "ffi.callback_failed";

/// The code of a timestamp outside the calendar range the core can read.
pub const CODE_TIMESTAMP_OUT_OF_RANGE: &str = "ffi.timestamp_out_of_range";

/// The code of billing-section text that is not JSON at all (truncated, HTML from a proxy, ...).
pub const CODE_SECTION_JSON: &str = "section.json";

/// The code of JSON that is not a billing section of this version: a field missing or of the wrong
/// type, an unknown access state or invoice status, an amount or service code the core refuses.
pub const CODE_SECTION_SCHEMA: &str = "section.schema";

/// An error of billing-core as Swift (`BillingError`), Kotlin and Python see it.
///
/// Every variant carries the core's stable dotted `code` (`edrpou.checksum`) and its human `message`,
/// both unchanged, so every language reports the same thing. Branch on the variant for the kind of
/// failure and on `code` for the reason; show `message` to people, never parse it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum BillingError {
    /// The input is malformed or fails a check (a bad ЄДРПОУ, IBAN, amount, ...). Fix the input.
    #[error("{message}")]
    InvalidInput {
        /// The core's dotted code, e.g. `edrpou.checksum`.
        code: String,
        /// The core's message, e.g. `ЄДРПОУ check digit does not match: "32855968"`.
        message: String,
    },
    /// A well-formed request that the billing rules refuse (e.g. `money.overflow`).
    #[error("{message}")]
    Refused {
        /// The core's dotted code.
        code: String,
        /// The core's message.
        message: String,
    },
    /// A failure outside the rules: a foreign callback threw, or handed back an unusable value.
    #[error("{message}")]
    Unexpected {
        /// `ffi.callback_failed` or `ffi.timestamp_out_of_range`.
        code: String,
        /// What went wrong, for logs.
        message: String,
    },
}

impl BillingError {
    /// The dotted code, whatever the variant.
    pub fn code(&self) -> &str {
        match self {
            BillingError::InvalidInput { code, .. }
            | BillingError::Refused { code, .. }
            | BillingError::Unexpected { code, .. } => code,
        }
    }

    /// An [`BillingError::Unexpected`] with the given code.
    pub(crate) fn unexpected(code: &str, message: impl Into<String>) -> BillingError {
        BillingError::Unexpected {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The one mapping of core errors: bad input becomes `InvalidInput`, anything else `Refused`;
    /// the code and the message are the core's, unchanged.
    fn from_core<E: ErrorCode + Display>(error: &E) -> BillingError {
        let code = error.code().to_owned();
        let message = error.to_string();
        if error.is_invalid_input() {
            BillingError::InvalidInput { code, message }
        } else {
            BillingError::Refused { code, message }
        }
    }

    /// Billing-section JSON that could not be decoded: `section.json` when the text is not JSON,
    /// `section.schema` when it is JSON of another shape. The message is serde's, with the line and
    /// column.
    pub(crate) fn section_json(error: &serde_json::Error) -> BillingError {
        use serde_json::error::Category;
        let code = match error.classify() {
            Category::Data => CODE_SECTION_SCHEMA,
            Category::Syntax | Category::Eof | Category::Io => CODE_SECTION_JSON,
        };
        BillingError::InvalidInput {
            code: code.to_owned(),
            message: format!("the billing section cannot be decoded: {error}"),
        }
    }
}

impl From<billing_core::Error> for BillingError {
    fn from(error: billing_core::Error) -> BillingError {
        BillingError::from_core(&error)
    }
}

/// The NBU QR code's errors (`nbu_qr.too_long`, ...) are not part of the core's umbrella
/// [`billing_core::Error`]; they take the same mapping.
impl From<NbuQrError> for BillingError {
    fn from(error: NbuQrError) -> BillingError {
        BillingError::from_core(&error)
    }
}

/// Each area's error goes through [`billing_core::Error`], so the mapping above stays the only one.
macro_rules! via_core_error {
    ($($area:ty),* $(,)?) => {$(
        impl From<$area> for BillingError {
            fn from(error: $area) -> BillingError {
                BillingError::from(billing_core::Error::from(error))
            }
        }
    )*};
}

via_core_error!(
    MoneyError,
    ServiceCodeError,
    InvoiceNumberError,
    EdrpouError,
    RnokppError,
    TaxIdError,
    IbanError,
    EmailError,
    PhoneError,
);

/// A foreign callback threw something that is not a `BillingError` (a Swift error of another type,
/// a Python `KeyError`, ...).
impl From<uniffi::UnexpectedUniFFICallbackError> for BillingError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> BillingError {
        BillingError::unexpected(CODE_CALLBACK_FAILED, error.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_and_message() {
        let core = billing_core::Edrpou::parse("32855968").unwrap_err();
        let expected_message = core.to_string();
        let err = BillingError::from(core);
        assert_eq!(
            err,
            BillingError::InvalidInput {
                code: "edrpou.checksum".into(),
                message: expected_message,
            }
        );
    }

    #[test]
    fn refused_actions_are_not_invalid_input() {
        let err = BillingError::from(MoneyError::Overflow);
        assert!(matches!(err, BillingError::Refused { .. }));
        assert_eq!(err.code(), "money.overflow");
    }

    #[test]
    fn nested_area_errors_keep_the_inner_code() {
        let err = BillingError::from(billing_core::TaxId::parse("1759013770").unwrap_err());
        assert_eq!(err.code(), "rnokpp.checksum");
    }

    #[test]
    fn qr_errors_keep_their_code() {
        let err = BillingError::from(NbuQrError::Missing { field: "purpose" });
        assert!(matches!(err, BillingError::InvalidInput { .. }));
        assert_eq!(err.code(), "nbu_qr.missing");
    }

    #[test]
    fn section_json_errors_tell_syntax_from_shape() {
        let syntax = serde_json::from_str::<u32>("<html>").unwrap_err();
        assert_eq!(
            BillingError::section_json(&syntax).code(),
            CODE_SECTION_JSON
        );
        let shape = serde_json::from_str::<u32>("\"x\"").unwrap_err();
        assert_eq!(
            BillingError::section_json(&shape).code(),
            CODE_SECTION_SCHEMA
        );
    }

    #[test]
    fn callback_failures_are_unexpected() {
        let err = BillingError::from(uniffi::UnexpectedUniFFICallbackError {
            reason: "KeyError".into(),
        });
        assert_eq!(err.code(), CODE_CALLBACK_FAILED);
        assert!(matches!(err, BillingError::Unexpected { .. }));
    }
}
