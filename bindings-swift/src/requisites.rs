//! Requisites (реквізити): ЄДРПОУ, РНОКПП, the tax id that is one of them, and the IBAN.

use billing_core::Sex;

use crate::{BillingError, CalendarDate};

/// The sex encoded in a РНОКПП's ninth digit (odd: male, even: female).
#[uniffi::remote(Enum)]
pub enum Sex {
    /// Odd ninth digit.
    Male,
    /// Even ninth digit.
    Female,
}

/// A company's ЄДРПОУ: 8 digits with a valid check digit (leading zeros kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Edrpou {
    /// The code, e.g. `00032129`.
    pub value: String,
}

/// A person's РНОКПП (formerly ІПН): 10 digits with a valid check digit, and what they encode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Rnokpp {
    /// The number, e.g. `3652504575`.
    pub value: String,
    /// The birth date encoded in the first five digits.
    pub birth_date: CalendarDate,
    /// The sex encoded in the ninth digit.
    pub sex: Sex,
}

/// The payer's tax id: a company's ЄДРПОУ or a sole proprietor's (ФОП) РНОКПП.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TaxId {
    /// A legal entity, by ЄДРПОУ (8 digits).
    Company {
        /// The company's code.
        edrpou: Edrpou,
    },
    /// A sole proprietor (ФОП), by РНОКПП (10 digits).
    SoleProprietor {
        /// The person's number.
        rnokpp: Rnokpp,
    },
}

/// A valid IBAN with its Ukrainian bank details.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Iban {
    /// The electronic form, upper case, no spaces: `UA213223130000026007233566001`.
    pub electronic: String,
    /// The print form in groups of four: `UA21 3223 1300 0002 6007 2335 6600 1`.
    pub print_form: String,
    /// The ISO country code: `UA`.
    pub country_code: String,
    /// Whether the account is in a Ukrainian bank.
    pub is_ukrainian: bool,
    /// The bank code (МФО) of a Ukrainian IBAN.
    pub mfo: Option<String>,
    /// The bank's name, for a Ukrainian bank in the core's table.
    pub bank_name: Option<String>,
}

impl From<billing_core::Edrpou> for Edrpou {
    fn from(code: billing_core::Edrpou) -> Edrpou {
        Edrpou {
            value: code.to_string(),
        }
    }
}

impl From<billing_core::Rnokpp> for Rnokpp {
    fn from(number: billing_core::Rnokpp) -> Rnokpp {
        Rnokpp {
            value: number.to_string(),
            birth_date: number.birth_date(),
            sex: number.sex(),
        }
    }
}

impl From<billing_core::TaxId> for TaxId {
    fn from(id: billing_core::TaxId) -> TaxId {
        match id {
            billing_core::TaxId::Company(edrpou) => TaxId::Company {
                edrpou: edrpou.into(),
            },
            billing_core::TaxId::SoleProprietor(rnokpp) => TaxId::SoleProprietor {
                rnokpp: rnokpp.into(),
            },
        }
    }
}

impl From<billing_core::Iban> for Iban {
    fn from(iban: billing_core::Iban) -> Iban {
        Iban {
            electronic: iban.as_str().to_owned(),
            print_form: iban.to_print_string(),
            country_code: iban.country_code().to_owned(),
            is_ukrainian: iban.is_ukrainian(),
            mfo: iban.mfo().map(str::to_owned),
            bank_name: iban.bank_name().map(str::to_owned),
        }
    }
}

/// Whether `input` is a valid ЄДРПОУ: the same verdict as `parse_edrpou`, without building a value.
#[uniffi::export]
pub fn is_valid_edrpou(input: &str) -> bool {
    billing_core::is_valid_edrpou(input)
}

/// Whether `input` is a valid РНОКПП: the same verdict as `parse_rnokpp`, without building a value.
#[uniffi::export]
pub fn is_valid_rnokpp(input: &str) -> bool {
    billing_core::is_valid_rnokpp(input)
}

/// Whether `input` is a valid IBAN (electronic or print form, any case): the same verdict as
/// `parse_iban`.
#[uniffi::export]
pub fn is_valid_iban(input: &str) -> bool {
    billing_core::is_valid_iban(input)
}

/// Parses a ЄДРПОУ: exactly 8 ASCII digits with a valid check digit.
///
/// Errors: `edrpou.length`, `edrpou.format`, `edrpou.checksum`.
#[uniffi::export]
pub fn parse_edrpou(input: &str) -> Result<Edrpou, BillingError> {
    Ok(billing_core::Edrpou::parse(input)?.into())
}

/// Parses a РНОКПП: exactly 10 ASCII digits with a valid check digit.
///
/// Errors: `rnokpp.length`, `rnokpp.format`, `rnokpp.checksum`.
#[uniffi::export]
pub fn parse_rnokpp(input: &str) -> Result<Rnokpp, BillingError> {
    Ok(billing_core::Rnokpp::parse(input)?.into())
}

/// Parses a tax id by length: 8 characters as a ЄДРПОУ, 10 as a РНОКПП.
///
/// Errors: `tax_id.length`, or the ЄДРПОУ/РНОКПП error of the chosen kind.
#[uniffi::export]
pub fn parse_tax_id(input: &str) -> Result<TaxId, BillingError> {
    Ok(billing_core::TaxId::parse(input)?.into())
}

/// Parses an IBAN in electronic or print form (groups of four), in any case.
///
/// Errors: `iban.format`, `iban.checksum`, `iban.bban`, `iban.country`.
#[uniffi::export]
pub fn parse_iban(input: &str) -> Result<Iban, BillingError> {
    Ok(billing_core::Iban::parse(input)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_carry_what_the_core_reads() {
        let person = parse_rnokpp("3652504575").unwrap();
        assert_eq!(person.birth_date.to_string(), "2000-01-01");
        assert_eq!(person.sex, Sex::Male);
        let TaxId::Company { edrpou } = parse_tax_id("00032129").unwrap() else {
            panic!("an 8-digit tax id is a company");
        };
        assert_eq!(edrpou.value, "00032129");
        let foreign = parse_iban("DE89 3704 0044 0532 0130 00").unwrap();
        assert_eq!((foreign.is_ukrainian, foreign.mfo), (false, None));
    }

    #[test]
    fn predicates_agree_with_parsers() {
        for input in [
            "32855961",
            "32855968",
            "1759013776",
            "UA213223130000026007233566001",
            "",
        ] {
            assert_eq!(
                is_valid_edrpou(input),
                parse_edrpou(input).is_ok(),
                "{input}"
            );
            assert_eq!(
                is_valid_rnokpp(input),
                parse_rnokpp(input).is_ok(),
                "{input}"
            );
            assert_eq!(is_valid_iban(input), parse_iban(input).is_ok(), "{input}");
        }
    }
}
