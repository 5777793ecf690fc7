//! A party to a document (the seller, постачальник/виконавець, or the buyer, платник/замовник) and its
//! requisites as documents print them.
//!
//! ```
//! use billing_core::documents::{Party, TaxStatus};
//!
//! let seller = Party {
//!     name: "ТОВ «Хорошоп»".into(),
//!     tax_id: "32855961".parse()?,
//!     iban: Some("UA213223130000026007233566001".parse()?),
//!     address: "01001, м. Київ, вул. Хрещатик, 1".into(),
//!     tax_status: TaxStatus::vat_payer("328559626541")?,
//! };
//! assert_eq!(seller.bank_name(), Some("АТ «Укрексімбанк»"));
//! assert_eq!(seller.requisite_lines()[1], "Код ЄДРПОУ 32855961");
//! assert_eq!(seller.tax_status.text(), "Платник ПДВ, ІПН 328559626541");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use super::common::{check_text, DocumentError};
use crate::requisites::{Iban, TaxId};

/// A VAT payer's individual tax number (ІПН платника ПДВ): 12 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VatPayerNumber(String);

impl VatPayerNumber {
    /// Parses exactly 12 ASCII digits (surrounding white space is ignored).
    pub fn parse(input: &str) -> Result<VatPayerNumber, DocumentError> {
        let s = input.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DocumentError::VatPayerNumber {
                input: input.to_string(),
            });
        }
        Ok(VatPayerNumber(s.to_string()))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VatPayerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VatPayerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VatPayerNumber({})", self.0)
    }
}

/// A party's tax status, as documents print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxStatus {
    /// A VAT payer (платник ПДВ) with its 12-digit number.
    VatPayer(VatPayerNumber),
    /// A single tax payer (платник єдиного податку) of group 1 to 4, not a VAT payer.
    SingleTax {
        /// The group, 1..=4.
        group: u8,
    },
    /// On the general system, not a VAT payer.
    NotVatPayer,
}

impl TaxStatus {
    /// A VAT payer with a 12-digit number.
    pub fn vat_payer(number: &str) -> Result<TaxStatus, DocumentError> {
        VatPayerNumber::parse(number).map(TaxStatus::VatPayer)
    }

    /// A single tax payer of group 1 to 4.
    pub fn single_tax(group: u8) -> Result<TaxStatus, DocumentError> {
        if !(1..=4).contains(&group) {
            return Err(DocumentError::SingleTaxGroup { group });
        }
        Ok(TaxStatus::SingleTax { group })
    }

    /// Whether the party pays VAT.
    pub fn is_vat_payer(&self) -> bool {
        matches!(self, TaxStatus::VatPayer(_))
    }

    /// The status as printed: `Платник ПДВ, ІПН 328559626541`, `Платник єдиного податку 3 групи`,
    /// `Не є платником ПДВ`.
    pub fn text(&self) -> String {
        match self {
            TaxStatus::VatPayer(n) => format!("Платник ПДВ, ІПН {n}"),
            TaxStatus::SingleTax { group } => format!("Платник єдиного податку {group} групи"),
            TaxStatus::NotVatPayer => "Не є платником ПДВ".to_string(),
        }
    }

    /// Checks the single tax group (a [`VatPayerNumber`] is valid by construction).
    fn validate(&self) -> Result<(), DocumentError> {
        match self {
            TaxStatus::SingleTax { group } => TaxStatus::single_tax(*group).map(|_| ()),
            TaxStatus::VatPayer(_) | TaxStatus::NotVatPayer => Ok(()),
        }
    }
}

/// A seller or a buyer with the requisites a document prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// The full name: `ТОВ «Хорошоп»`, `ФОП Петренко Олена Іванівна`.
    pub name: String,
    /// ЄДРПОУ (a company) or РНОКПП (a sole proprietor).
    pub tax_id: TaxId,
    /// The current account; required for the seller of an invoice.
    pub iban: Option<Iban>,
    /// The address, one line.
    pub address: String,
    /// The tax status.
    pub tax_status: TaxStatus,
}

impl Party {
    /// The longest name a document prints (the NBU QR code takes at most 70 characters in 002).
    pub const MAX_NAME: usize = 200;
    /// The longest address a document prints.
    pub const MAX_ADDRESS: usize = 300;

    /// The bank's name, from the IBAN's МФО, when the bank is in the shipped table.
    pub fn bank_name(&self) -> Option<&'static str> {
        self.iban.as_ref().and_then(Iban::bank_name)
    }

    /// The label of the tax id: `Код ЄДРПОУ` or `РНОКПП`.
    pub fn tax_id_label(&self) -> &'static str {
        if self.tax_id.is_company() {
            "Код ЄДРПОУ"
        } else {
            "РНОКПП"
        }
    }

    /// The requisites, one printed line each: name; tax id; IBAN; bank and МФО (when known);
    /// address; tax status.
    pub fn requisite_lines(&self) -> Vec<String> {
        let mut lines = vec![
            self.name.clone(),
            format!("{} {}", self.tax_id_label(), self.tax_id),
        ];
        if let Some(iban) = &self.iban {
            lines.push(format!("IBAN {iban}"));
            match (self.bank_name(), iban.mfo()) {
                (Some(bank), Some(mfo)) => lines.push(format!("Банк: {bank}, МФО {mfo}")),
                (None, Some(mfo)) => lines.push(format!("МФО банку {mfo}")),
                _ => {}
            }
        }
        lines.push(format!("Адреса: {}", self.address));
        lines.push(self.tax_status.text());
        lines
    }

    /// Checks the texts and the tax status; `role` names the party in errors (`seller`, `buyer`).
    pub fn validate(&self, role: &str) -> Result<(), DocumentError> {
        check_text(&format!("{role}.name"), &self.name, Self::MAX_NAME)?;
        check_text(&format!("{role}.address"), &self.address, Self::MAX_ADDRESS)?;
        self.tax_status.validate()
    }
}

/// Who signs a document for a party: the position and the name (посада, ПІБ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// The position: `Директор`, `ФОП`.
    pub position: String,
    /// The name as signed: `Петренко О. І.`
    pub name: String,
}

impl Signatory {
    /// Checks both texts; `role` names the party in errors.
    pub fn validate(&self, role: &str) -> Result<(), DocumentError> {
        check_text(&format!("{role}.position"), &self.position, 100)?;
        check_text(&format!("{role}.name"), &self.name, 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn party() -> Party {
        Party {
            name: "ФОП Петренко Олена Іванівна".into(),
            tax_id: "3652504575".parse().unwrap(),
            iban: Some("UA743052990000026007233566001".parse().unwrap()),
            address: "м. Львів, вул. Зелена, 5".into(),
            tax_status: TaxStatus::single_tax(3).unwrap(),
        }
    }

    #[test]
    fn requisites_of_a_sole_proprietor() {
        let p = party();
        let lines = p.requisite_lines();
        assert_eq!(lines[1], "РНОКПП 3652504575");
        assert_eq!(lines[2], "IBAN UA743052990000026007233566001");
        assert!(lines[3].starts_with("Банк: ") && lines[3].ends_with("МФО 305299"));
        assert_eq!(lines[4], "Адреса: м. Львів, вул. Зелена, 5");
        assert_eq!(lines[5], "Платник єдиного податку 3 групи");
        assert!(p.validate("buyer").is_ok());
    }

    #[test]
    fn statuses_and_errors() {
        assert_eq!(
            TaxStatus::single_tax(5).unwrap_err().code(),
            "document.single_tax_group"
        );
        assert_eq!(
            TaxStatus::vat_payer("12345678901").unwrap_err().code(),
            "document.vat_payer_number"
        );
        assert_eq!(TaxStatus::NotVatPayer.text(), "Не є платником ПДВ");
        let mut p = party();
        p.iban = None;
        assert_eq!(p.requisite_lines().len(), 4);
        p.address = "рядок\nдругий".into();
        assert_eq!(
            p.validate("buyer").unwrap_err().code(),
            "document.control_character"
        );
        p.address = "ok".into();
        p.tax_status = TaxStatus::SingleTax { group: 0 };
        assert_eq!(
            p.validate("buyer").unwrap_err().code(),
            "document.single_tax_group"
        );
    }
}
