//! The owner's contact details: email address and phone number.

use crate::BillingError;

/// Parses an email address; returns it trimmed, with the domain in lower case.
///
/// Errors: `email.format`, `email.length`.
#[uniffi::export]
pub fn parse_email(input: &str) -> Result<String, BillingError> {
    Ok(billing_core::Email::parse(input)?.to_string())
}

/// Parses a phone number as people write it (`050 123 45 67`, `+380501234567`, `+48 601 234 567`);
/// returns the E.164 form (`+380501234567`).
///
/// Errors: `phone.format`.
#[uniffi::export]
pub fn parse_phone(input: &str) -> Result<String, BillingError> {
    Ok(billing_core::Phone::parse(input)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_normalise() {
        assert_eq!(parse_email(" Owner@Shop.UA ").unwrap(), "Owner@shop.ua");
        assert_eq!(parse_phone("(050) 123-45-67").unwrap(), "+380501234567");
        assert_eq!(parse_phone("phone").unwrap_err().code(), "phone.format");
    }
}
