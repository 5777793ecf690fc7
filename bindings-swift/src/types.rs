//! Custom types: how `Decimal` and calendar dates cross the FFI (as text), and what each host sees.
//!
//! The host-side types are set in `bindings-swift/uniffi.toml`: `Decimal` is `Foundation.Decimal` in
//! Swift and `decimal.Decimal` in Python; `CalendarDate` is `datetime.date` in Python and its ISO text
//! (`"2000-01-01"`) in Swift, where `Date` is an instant and would need a time zone a birth date
//! does not have.

use billing_core::{Money, MoneyError};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::BillingError;

/// A calendar date with no time and no zone: a birth date, or a day of the Kyiv calendar.
pub type CalendarDate = NaiveDate;

/// The ISO 8601 form the bindings exchange: `YYYY-MM-DD`.
const ISO_DATE: &str = "%Y-%m-%d";

uniffi::custom_type!(Decimal, String, {
    remote,
    lower: |value| value.to_string(),
    try_lift: |text| lift_decimal(&text),
});

uniffi::custom_type!(CalendarDate, String, {
    remote,
    lower: |date| date.format(ISO_DATE).to_string(),
    try_lift: |text| Ok(NaiveDate::parse_from_str(&text, ISO_DATE)?),
});

/// The decimal a host sent, exactly, or a `BillingError` the host can catch.
///
/// Hosts send the number's text: plain (`1200.50`) or scientific (`1E+3`, which Python's `str` gives
/// for some values). A number that is not finite (`NaN`, `Infinity`) or needs more than 28 digits is
/// refused, never rounded; the core says why it is not an amount (`money.format`, ...). uniffi hands
/// a lift error of the function's own error type to the host as that error.
fn lift_decimal(text: &str) -> uniffi::Result<Decimal> {
    exact_decimal(text).ok_or_else(|| {
        let error = match text.parse::<Money>() {
            Err(error) => error,
            Ok(_) => MoneyError::Format {
                input: text.to_owned(),
            },
        };
        BillingError::from(error).into()
    })
}

/// Parses plain or scientific decimal text without rounding away any digit.
fn exact_decimal(text: &str) -> Option<Decimal> {
    match text.split_once(['e', 'E']) {
        None => Decimal::from_str_exact(text).ok(),
        Some((mantissa, _)) => {
            // `from_scientific` rounds a long mantissa; check it is exact first.
            Decimal::from_str_exact(mantissa).ok()?;
            Decimal::from_scientific(text).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> String {
        exact_decimal(text)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn decimals_lift_exactly() {
        assert_eq!(dec("1200.50"), "1200.50");
        assert_eq!(dec("-0"), "0");
        assert_eq!(dec("1E+3"), "1000");
        assert_eq!(dec("1.5E+2"), "150");
        assert_eq!(dec("1E-7"), "0.0000001");
        assert_eq!(exact_decimal("NaN"), None);
        assert_eq!(exact_decimal("Infinity"), None);
        assert_eq!(exact_decimal("1.00000000000000000000000000001"), None);
        assert_eq!(exact_decimal("1.00000000000000000000000000001E+1"), None);
        assert_eq!(exact_decimal("1E+40"), None);
    }

    #[test]
    fn a_bad_decimal_is_a_billing_error() {
        let error = lift_decimal("NaN").unwrap_err();
        let billing = error.downcast_ref::<BillingError>().map(BillingError::code);
        assert_eq!(billing, Some("money.format"));
    }
}
