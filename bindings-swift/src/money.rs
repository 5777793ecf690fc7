//! Money: UAH amounts with two decimal places, as `Decimal` on every side, never a float.

use billing_core::Money;
use rust_decimal::Decimal;

use crate::BillingError;

/// Parses an amount as people type it: `1200`, `1200.5`, `1200,50`, `1 200,50`.
///
/// Returns the amount with exactly two decimal places (`1200.50`). Errors: `money.empty`,
/// `money.format`, `money.exponent`, `money.sign`, `money.too_many_decimals`, `money.out_of_range`.
#[uniffi::export]
pub fn parse_money(input: &str) -> Result<Decimal, BillingError> {
    Ok(input.parse::<Money>()?.as_decimal())
}

/// Formats an amount as Ukrainian documents print it: `1 200,50 грн`.
///
/// The amount must be a valid one (0.00 to 999 999 999.99, at most two decimal places); nothing is
/// rounded. Errors: `money.sign`, `money.too_many_decimals`, `money.out_of_range`, and
/// `money.format` for a number that is not finite.
#[uniffi::export]
pub fn format_money_document(amount: Decimal) -> Result<String, BillingError> {
    Ok(Money::from_decimal(amount)?.to_document_string())
}

/// Formats an amount as a number the way documents and screens print it, without the currency:
/// `1 200,50` (groups of three split by a space, a decimal comma, always two decimals). For a label
/// next to a separate currency sign.
///
/// The amount must be a valid one, as for [`format_money_document`]; nothing is rounded.
#[uniffi::export]
pub fn format_money_grouped(amount: Decimal) -> Result<String, BillingError> {
    Ok(Money::from_decimal(amount)?.to_grouped_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_through_decimal() {
        let amount = parse_money("1 200,5").unwrap();
        assert_eq!(amount.to_string(), "1200.50");
        assert_eq!(format_money_document(amount).unwrap(), "1 200,50 грн");
        assert_eq!(format_money_grouped(amount).unwrap(), "1 200,50");
        assert_eq!(
            format_money_document(Decimal::new(1005, 3))
                .unwrap_err()
                .code(),
            "money.too_many_decimals"
        );
    }
}
