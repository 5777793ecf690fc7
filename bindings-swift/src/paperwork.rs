//! The requisites form (реквізити для актів) as the owner types it in the app: checked field by field
//! by the core's own rules, so the app marks every bad field before the backend refuses the form.
//!
//! Saving the form, activating Vchasno and requesting acts stay on the backend (the app holds no
//! Vchasno token and no database); their state reaches the app in the billing section
//! (`requisites`, `vchasno`, `acts`).

use billing_core::paperwork::{FieldError, RequisitesForm as CoreForm};

/// The requisites form as typed: raw text, checked by [`check_requisites`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, uniffi::Record)]
pub struct RequisitesForm {
    /// ЄДРПОУ (company, 8 digits) or РНОКПП (sole proprietor, 10 digits). Required.
    pub tax_id: String,
    /// The current account, `UA` + 27 characters. Required.
    pub iban: String,
    /// Company name, or the sole proprietor's full name (ПІБ). Required.
    pub name: String,
    /// Registered address. Required.
    pub address: String,
    /// Director: required for a company, ignored for a sole proprietor.
    #[uniffi(default = None)]
    pub director: Option<String>,
    /// The 12-digit VAT payer number (ІПН платника ПДВ), for a VAT payer.
    #[uniffi(default = None)]
    pub vat_number: Option<String>,
    /// The single-tax group (1..4), for a single-tax payer.
    #[uniffi(default = None)]
    pub single_tax_group: Option<u8>,
}

/// One bad field of the form: which, the core's dotted code and its message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct RequisitesFieldError {
    /// `tax_id`, `iban`, `name`, `address`, `director`, `vat_number` or `single_tax_group`.
    pub field: String,
    /// The stable code: `edrpou.checksum`, `iban.checksum`, `requisites.required`, ...
    pub code: String,
    /// The core's message, for people.
    pub message: String,
}

impl From<RequisitesForm> for CoreForm {
    fn from(form: RequisitesForm) -> CoreForm {
        // No `..`: a field added to the core's form does not compile until it is mapped here.
        let RequisitesForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
        } = form;
        CoreForm {
            tax_id,
            iban,
            name,
            address,
            director,
            vat_number,
            single_tax_group,
        }
    }
}

impl From<FieldError> for RequisitesFieldError {
    fn from(error: FieldError) -> RequisitesFieldError {
        let FieldError {
            field,
            code,
            message,
        } = error;
        RequisitesFieldError {
            field,
            code,
            message,
        }
    }
}

/// Every bad field of a requisites form, in the form's order; empty when the backend would save it.
/// The same check the engine runs on "Save" (`requisites.invalid` there names these fields).
#[uniffi::export]
pub fn check_requisites(form: RequisitesForm) -> Vec<RequisitesFieldError> {
    match CoreForm::from(form).validate() {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(RequisitesFieldError::from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_form_has_no_errors_and_a_bad_one_names_each_field() {
        let good = RequisitesForm {
            tax_id: "14360570".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Приклад»".into(),
            address: "65000, м. Одеса, вул. Дерибасівська, 1".into(),
            director: Some("Петренко Олена Іванівна".into()),
            vat_number: None,
            single_tax_group: None,
        };
        assert_eq!(check_requisites(good.clone()), Vec::new());
        let bad = RequisitesForm {
            tax_id: "32855968".into(),
            name: String::new(),
            ..good
        };
        let errors = check_requisites(bad);
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("tax_id", "edrpou.checksum"),
                ("name", "requisites.required")
            ]
        );
    }
}
