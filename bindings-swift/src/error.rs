//! The one error type every uniffi language sees, and the one place core errors are mapped to it.

use billing_core::{
    EdrpouError, EmailError, ErrorCode, IbanError, InvoiceNumberError, MoneyError, PhoneError,
    RnokppError, ServiceCodeError, TaxIdError,
};

/// The code of a failure inside a foreign callback (a `Clock` that threw/raised).
pub const CODE_CALLBACK_FAILED: &str = "ffi.callback_failed";

/// The code of a timestamp outside the calendar range the core can read.
pub const CODE_TIMESTAMP_OUT_OF_RANGE: &str = "ffi.timestamp_out_of_range";

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
}

/// The one mapping of core errors: bad input becomes `InvalidInput`, anything else `Refused`.
impl From<billing_core::Error> for BillingError {
    fn from(error: billing_core::Error) -> BillingError {
        let code = error.code().to_owned();
        let message = error.to_string();
        if error.is_invalid_input() {
            BillingError::InvalidInput { code, message }
        } else {
            BillingError::Refused { code, message }
        }
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
    fn callback_failures_are_unexpected() {
        let err = BillingError::from(uniffi::UnexpectedUniFFICallbackError {
            reason: "KeyError".into(),
        });
        assert_eq!(err.code(), CODE_CALLBACK_FAILED);
        assert!(matches!(err, BillingError::Unexpected { .. }));
    }
}
