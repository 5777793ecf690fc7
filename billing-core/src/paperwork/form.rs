//! The requisites form (реквізити): what the owner types or the registry fills in, checked field by
//! field. Every bad field gets its own typed error naming the field; a form with any error saves
//! nothing.

use serde::{Deserialize, Serialize};

use crate::documents::{Party, TaxStatus};
use crate::error::ErrorCode;
use crate::ports::{RegistryRecord, VatStatus};
use crate::requisites::{Iban, TaxId};

/// The longest name, address or director the form accepts.
pub const MAX_TEXT: usize = 300;

/// The form as typed: raw text, checked by [`RequisitesForm::validate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequisitesForm {
    /// ЄДРПОУ (company, 8 digits) or РНОКПП (sole proprietor, 10 digits). Required.
    pub tax_id: String,
    /// The current account, `UA` + 27 characters. Required.
    pub iban: String,
    /// Company name, or the sole proprietor's full name (ПІБ). Required.
    pub name: String,
    /// Registered address. Required.
    pub address: String,
    /// Director (керівник): required for a company, ignored for a sole proprietor.
    #[serde(default)]
    pub director: Option<String>,
    /// The 12-digit VAT payer number (ІПН платника ПДВ), for a VAT payer.
    #[serde(default)]
    pub vat_number: Option<String>,
    /// The single-tax group (1..=4), for a single-tax payer.
    #[serde(default)]
    pub single_tax_group: Option<u8>,
}

/// A party's tax status on its requisites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequisitesTax {
    /// A VAT payer (платник ПДВ) with its 12-digit number.
    VatPayer {
        /// The 12 digits.
        number: String,
    },
    /// A single-tax payer (платник єдиного податку) of a group 1..=4.
    SingleTax {
        /// The group.
        group: u8,
    },
    /// The general system, not a VAT payer.
    General,
}

/// Checked requisites of the buyer (замовник) that acts are addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requisites {
    /// ЄДРПОУ or РНОКПП.
    pub tax_id: TaxId,
    /// The current account.
    pub iban: Iban,
    /// Company name or the proprietor's full name.
    pub name: String,
    /// Registered address.
    pub address: String,
    /// The director (companies only).
    pub director: Option<String>,
    /// Tax status.
    pub tax: RequisitesTax,
}

impl Requisites {
    /// The party a document prints from these requisites.
    pub fn to_party(&self) -> Party {
        let tax_status = match &self.tax {
            RequisitesTax::VatPayer { number } => {
                TaxStatus::vat_payer(number).unwrap_or(TaxStatus::NotVatPayer)
            }
            RequisitesTax::SingleTax { group } => {
                TaxStatus::single_tax(*group).unwrap_or(TaxStatus::NotVatPayer)
            }
            RequisitesTax::General => TaxStatus::NotVatPayer,
        };
        Party {
            name: self.name.clone(),
            tax_id: self.tax_id,
            iban: Some(self.iban),
            address: self.address.clone(),
            tax_status,
        }
    }

    /// The tax status as documents print it: `Платник ПДВ, ІПН 143605715098`.
    pub fn tax_status_text(&self) -> String {
        self.to_party().tax_status.text()
    }

    /// The requisites as an editable form again.
    pub fn to_form(&self) -> RequisitesForm {
        let (vat_number, single_tax_group) = match &self.tax {
            RequisitesTax::VatPayer { number } => (Some(number.clone()), None),
            RequisitesTax::SingleTax { group } => (None, Some(*group)),
            RequisitesTax::General => (None, None),
        };
        RequisitesForm {
            tax_id: self.tax_id.to_string(),
            iban: self.iban.to_string(),
            name: self.name.clone(),
            address: self.address.clone(),
            director: self.director.clone(),
            vat_number,
            single_tax_group,
        }
    }
}

/// One bad field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field: `tax_id`, `iban`, `name`, `address`, `director`, `vat_number`,
    /// `single_tax_group`.
    pub field: String,
    /// The stable dotted code: `edrpou.checksum`, `iban.checksum`, `requisites.required`, ...
    pub code: String,
    /// A human-readable message.
    pub message: String,
}

impl FieldError {
    fn new(field: &str, code: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        }
    }

    fn from_error(field: &str, e: &(impl ErrorCode + std::fmt::Display)) -> FieldError {
        FieldError::new(field, e.code(), e.to_string())
    }
}

fn text(field: &str, value: &str, required: bool, errors: &mut Vec<FieldError>) -> Option<String> {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        if required {
            errors.push(FieldError::new(
                field,
                "requisites.required",
                format!("{field} is required"),
            ));
        }
        return None;
    }
    if v.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            "requisites.too_long",
            format!("{field} is longer than {MAX_TEXT} characters"),
        ));
        return None;
    }
    Some(v)
}

impl RequisitesForm {
    /// The form filled in from a registry record (the owner may correct it; the IBAN stays theirs).
    pub fn from_registry(record: &RegistryRecord, iban: &str) -> RequisitesForm {
        RequisitesForm {
            tax_id: record.tax_id.to_string(),
            iban: iban.to_string(),
            name: record.name.clone(),
            address: record.address.clone().unwrap_or_default(),
            director: record.director.clone(),
            vat_number: match &record.vat {
                Some(VatStatus::Payer { number, .. }) => Some(number.clone()),
                _ => None,
            },
            single_tax_group: match &record.vat {
                Some(VatStatus::Payer { .. }) => None,
                _ => record.single_tax_group,
            },
        }
    }

    /// Checks every field and returns the requisites, or every bad field at once.
    ///
    /// ```
    /// use billing_core::paperwork::RequisitesForm;
    /// let form = RequisitesForm {
    ///     tax_id: "32855968".into(),
    ///     iban: "UA00".into(),
    ///     ..RequisitesForm::default()
    /// };
    /// let errors = form.validate().unwrap_err();
    /// assert_eq!(errors[0].field, "tax_id");
    /// assert_eq!(errors[0].code, "edrpou.checksum");
    /// assert!(errors.iter().any(|e| e.field == "iban"));
    /// ```
    pub fn validate(&self) -> Result<Requisites, Vec<FieldError>> {
        let mut errors = Vec::new();
        let tax_id = match self.tax_id.trim() {
            "" => {
                errors.push(FieldError::new(
                    "tax_id",
                    "requisites.required",
                    "ЄДРПОУ or РНОКПП is required",
                ));
                None
            }
            s => TaxId::parse(s)
                .map_err(|e| errors.push(FieldError::from_error("tax_id", &e)))
                .ok(),
        };
        let iban = match self.iban.trim() {
            "" => {
                errors.push(FieldError::new(
                    "iban",
                    "requisites.required",
                    "IBAN is required",
                ));
                None
            }
            s => match Iban::parse(s) {
                Ok(i) if !i.is_ukrainian() => {
                    errors.push(FieldError::new(
                        "iban",
                        "iban.country",
                        format!("not a Ukrainian IBAN: {s:?}"),
                    ));
                    None
                }
                Ok(i) => Some(i),
                Err(e) => {
                    errors.push(FieldError::from_error("iban", &e));
                    None
                }
            },
        };
        let name = text("name", &self.name, true, &mut errors);
        let address = text("address", &self.address, true, &mut errors);
        let is_company = tax_id.as_ref().is_some_and(TaxId::is_company);
        let director = match &self.director {
            Some(d) if is_company => text("director", d, true, &mut errors),
            None if is_company => text("director", "", true, &mut errors),
            _ => None,
        };
        let vat_number = self
            .vat_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let tax = match (vat_number, self.single_tax_group) {
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "single_tax_group",
                    "requisites.tax_status",
                    "a VAT payer number and a single-tax group exclude each other",
                ));
                None
            }
            (Some(n), None) => {
                if n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit()) {
                    Some(RequisitesTax::VatPayer {
                        number: n.to_string(),
                    })
                } else {
                    errors.push(FieldError::new(
                        "vat_number",
                        "requisites.vat_number",
                        format!("the VAT payer number must be 12 digits: {n:?}"),
                    ));
                    None
                }
            }
            (None, Some(g)) => {
                if (1..=4).contains(&g) {
                    Some(RequisitesTax::SingleTax { group: g })
                } else {
                    errors.push(FieldError::new(
                        "single_tax_group",
                        "requisites.single_tax_group",
                        format!("the single-tax group must be 1 to 4: {g}"),
                    ));
                    None
                }
            }
            (None, None) => Some(RequisitesTax::General),
        };
        match (tax_id, iban, name, address, tax) {
            (Some(tax_id), Some(iban), Some(name), Some(address), Some(tax))
                if errors.is_empty() =>
            {
                Ok(Requisites {
                    tax_id,
                    iban,
                    name,
                    address,
                    director,
                    tax,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> RequisitesForm {
        RequisitesForm {
            tax_id: "14360570".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Приклад»".into(),
            address: "м. Одеса, вул. Дерибасівська, 1".into(),
            director: Some("Петренко Олена Іванівна".into()),
            vat_number: Some("143605715098".into()),
            single_tax_group: None,
        }
    }

    #[test]
    fn a_good_form_checks() {
        let r = good().validate().unwrap();
        assert!(r.tax_id.is_company());
        assert_eq!(r.director.as_deref(), Some("Петренко Олена Іванівна"));
        assert_eq!(r.to_form().validate().unwrap(), r);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(RequisitesForm, &str, &str)> = vec![
            (
                RequisitesForm {
                    tax_id: "14360571".into(),
                    ..good()
                },
                "tax_id",
                "edrpou.checksum",
            ),
            (
                RequisitesForm {
                    tax_id: "".into(),
                    ..good()
                },
                "tax_id",
                "requisites.required",
            ),
            (
                RequisitesForm {
                    iban: "UA213223130000026007233566002".into(),
                    ..good()
                },
                "iban",
                "iban.checksum",
            ),
            (
                RequisitesForm {
                    name: "  ".into(),
                    ..good()
                },
                "name",
                "requisites.required",
            ),
            (
                RequisitesForm {
                    address: "x".repeat(MAX_TEXT + 1),
                    ..good()
                },
                "address",
                "requisites.too_long",
            ),
            (
                RequisitesForm {
                    director: None,
                    ..good()
                },
                "director",
                "requisites.required",
            ),
            (
                RequisitesForm {
                    vat_number: Some("12345".into()),
                    ..good()
                },
                "vat_number",
                "requisites.vat_number",
            ),
            (
                RequisitesForm {
                    vat_number: None,
                    single_tax_group: Some(5),
                    ..good()
                },
                "single_tax_group",
                "requisites.single_tax_group",
            ),
            (
                RequisitesForm {
                    single_tax_group: Some(3),
                    ..good()
                },
                "single_tax_group",
                "requisites.tax_status",
            ),
        ];
        for (form, field, code) in cases {
            let errors = form.validate().unwrap_err();
            assert_eq!(errors.len(), 1, "{field}: {errors:?}");
            assert_eq!(
                (errors[0].field.as_str(), errors[0].code.as_str()),
                (field, code)
            );
        }
    }

    #[test]
    fn a_sole_proprietor_needs_no_director() {
        let form = RequisitesForm {
            tax_id: "3652504575".into(),
            director: None,
            vat_number: None,
            single_tax_group: Some(3),
            ..good()
        };
        let r = form.validate().unwrap();
        assert!(!r.tax_id.is_company());
        assert_eq!(r.tax, RequisitesTax::SingleTax { group: 3 });
    }
}
