//! The invoice document (рахунок на оплату): what the invoice PDF prints, with the payment QR code.
//!
//! ```
//! use billing_core::documents::{DocumentLine, InvoiceDocument, Party, TaxStatus};
//! use billing_core::invoice::VatRate;
//! use billing_core::NbuQrFormat;
//! use chrono::NaiveDate;
//!
//! let seller = Party {
//!     name: "ТОВ «Хорошоп»".into(),
//!     tax_id: "32855961".parse()?,
//!     iban: Some("UA213223130000026007233566001".parse()?),
//!     address: "01001, м. Київ, вул. Хрещатик, 1".into(),
//!     tax_status: TaxStatus::vat_payer("328559626541")?,
//! };
//! let buyer = Party {
//!     name: "ФОП Петренко Олена Іванівна".into(),
//!     tax_id: "3652504575".parse()?,
//!     iban: None,
//!     address: "м. Львів, вул. Зелена, 5".into(),
//!     tax_status: TaxStatus::single_tax(3)?,
//! };
//! let lines = vec![DocumentLine::new("Тариф «Бізнес», січень 2026", "міс.", 1.into(), "1200".parse()?)?];
//! let doc = InvoiceDocument::new(
//!     "HOR-11111-007".parse()?,
//!     NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
//!     NaiveDate::from_ymd_opt(2026, 1, 25).unwrap(),
//!     seller,
//!     buyer,
//!     lines,
//!     VatRate::Standard20,
//!     NbuQrFormat::V002,
//! )?;
//! assert_eq!(doc.title(), "Рахунок на оплату № HOR-11111-007 від 15 січня 2026 р.");
//! assert_eq!(doc.total_in_words(), "Одна тисяча двісті гривень 00 копійок");
//! assert_eq!(doc.vat_line(), "у т.ч. ПДВ 20%: 200,00 грн");
//! assert_eq!(
//!     doc.payment_purpose(),
//!     "Оплата за рахунком № HOR-11111-007, у т.ч. ПДВ 20% 200,00 грн"
//! );
//! assert!(doc.payment_qr.url()?.starts_with("https://bank.gov.ua/qr/"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;

use super::common::{
    check_lines, check_text, date_long, date_short, DocumentError, DocumentLine, Vat,
};
use super::nbu_qr::{NbuQrFormat, PaymentQr};
use super::party::Party;
use super::words::amount_in_words;
use crate::admin::{OwnerContact, PersonName};
use crate::contact::Email;
use crate::ids::InvoiceNumber;
use crate::invoice::VatRate;
use crate::money::Money;

/// Who an invoice is addressed to (платник): a party with requisites, or, while none are saved
/// (a shop's first invoice at sign-up), the project's owner as a person, by name and email, so the
/// invoice can still be downloaded and paid by bank transfer.
///
/// ```
/// use billing_core::documents::{InvoiceBuyer, Party, TaxStatus};
///
/// let person = InvoiceBuyer::Person {
///     name: "Олена Петренко".parse()?,
///     email: "olena@shop.ua".parse()?,
/// };
/// assert_eq!(person.name(), "Олена Петренко");
/// assert_eq!(person.requisite_lines(), ["Олена Петренко", "Ел. пошта: olena@shop.ua"]);
/// assert!(person.party().is_none());
///
/// let company = InvoiceBuyer::from(Party {
///     name: "ТОВ «Приклад»".into(),
///     tax_id: "14360570".parse()?,
///     iban: None,
///     address: "м. Одеса".into(),
///     tax_status: TaxStatus::NotVatPayer,
/// });
/// assert_eq!(company.requisite_lines()[1], "Код ЄДРПОУ 14360570");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceBuyer {
    /// A buyer with saved requisites (ЄДРПОУ/РНОКПП, address, tax status), printed as a party.
    Party(Party),
    /// A person without requisites: only the name and the email are printed, no tax id, no IBAN.
    Person {
        /// The full name (ПІБ).
        name: PersonName,
        /// The email address invoices are sent to.
        email: Email,
    },
}

impl InvoiceBuyer {
    /// The project owner as the buyer, while the project has no requisites.
    pub fn owner(owner: &OwnerContact) -> InvoiceBuyer {
        InvoiceBuyer::Person {
            name: owner.full_name.clone(),
            email: owner.email.clone(),
        }
    }

    /// The name as printed.
    pub fn name(&self) -> &str {
        match self {
            InvoiceBuyer::Party(p) => &p.name,
            InvoiceBuyer::Person { name, .. } => name.as_str(),
        }
    }

    /// The party with requisites, when the buyer has them.
    pub fn party(&self) -> Option<&Party> {
        match self {
            InvoiceBuyer::Party(p) => Some(p),
            InvoiceBuyer::Person { .. } => None,
        }
    }

    /// The lines printed after `Платник:`: a party's [`Party::requisite_lines`], or a person's
    /// name and `Ел. пошта: …`.
    pub fn requisite_lines(&self) -> Vec<String> {
        match self {
            InvoiceBuyer::Party(p) => p.requisite_lines(),
            InvoiceBuyer::Person { name, email } => {
                vec![name.to_string(), format!("Ел. пошта: {email}")]
            }
        }
    }

    /// Checks the texts (see [`Party::validate`]); errors name the buyer `buyer`.
    pub fn validate(&self) -> Result<(), DocumentError> {
        match self {
            InvoiceBuyer::Party(p) => p.validate("buyer"),
            InvoiceBuyer::Person { name, email } => {
                check_text("buyer.name", name.as_str(), Party::MAX_NAME)?;
                check_text("buyer.email", email.as_str(), 254)
            }
        }
    }
}

impl From<Party> for InvoiceBuyer {
    fn from(party: Party) -> InvoiceBuyer {
        InvoiceBuyer::Party(party)
    }
}

/// An invoice (рахунок на оплату) as printed: parties, number and dates, lines, total, VAT, and the
/// NBU payment QR code that carries our IBAN, the exact amount and the invoice number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocument {
    /// The invoice number, which the payment purpose repeats.
    pub number: InvoiceNumber,
    /// The date of issue (Kyiv date).
    pub issue_date: NaiveDate,
    /// The last day to pay (Kyiv date).
    pub due_date: NaiveDate,
    /// The seller (постачальник): us. Its IBAN is required.
    pub seller: Party,
    /// The buyer (платник): a party with requisites, or the owner as a person before any are saved.
    pub buyer: InvoiceBuyer,
    /// The lines, at least one.
    pub lines: Vec<DocumentLine>,
    /// The total to pay: the sum of the lines, VAT included.
    pub total: Money,
    /// The VAT included in the total, or none.
    pub vat: Vat,
    /// The payment QR code: the seller's IBAN and code, the total, the invoice number.
    pub payment_qr: PaymentQr,
}

impl InvoiceDocument {
    /// An invoice from its lines: the total is their sum, the VAT comes from `vat_rate` once on the
    /// total, and the payment QR code is built from the seller, the total and the number (purpose
    /// `Оплата за рахунком № … , у т.ч. ПДВ …` / `…, без ПДВ`). Checks everything
    /// [`InvoiceDocument::validate`] checks. The buyer is a [`Party`] or an [`InvoiceBuyer`].
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        number: InvoiceNumber,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        seller: Party,
        buyer: impl Into<InvoiceBuyer>,
        lines: Vec<DocumentLine>,
        vat_rate: VatRate,
        qr_format: NbuQrFormat,
    ) -> Result<InvoiceDocument, DocumentError> {
        let total = check_lines(&lines)?;
        let vat = Vat::from_rate(vat_rate, total)?;
        let iban = seller.iban.ok_or(DocumentError::SellerIban)?;
        let payment_qr = PaymentQr {
            format: qr_format,
            receiver_name: seller.name.clone(),
            iban,
            receiver_code: seller.tax_id,
            amount: total,
            invoice: number,
            purpose_suffix: Some(vat.purpose_text()),
            purpose_code: None,
        };
        let doc = InvoiceDocument {
            number,
            issue_date,
            due_date,
            seller,
            buyer: buyer.into(),
            lines,
            total,
            vat,
            payment_qr,
        };
        doc.validate()?;
        Ok(doc)
    }

    /// Checks that the document can be printed as it is: texts, the lines adding up to the total, the
    /// VAT amount (and that only a VAT payer includes VAT), the dates, the seller's IBAN, and that the
    /// QR code encodes and states the same amount, number, IBAN and code as the invoice.
    pub fn validate(&self) -> Result<(), DocumentError> {
        self.seller.validate("seller")?;
        self.buyer.validate()?;
        let expected = check_lines(&self.lines)?;
        if expected != self.total {
            return Err(DocumentError::Total {
                expected,
                actual: self.total,
            });
        }
        self.vat.check(self.total)?;
        if self.vat != Vat::None && !self.seller.tax_status.is_vat_payer() {
            return Err(DocumentError::VatNotPayer);
        }
        if self.due_date < self.issue_date {
            return Err(DocumentError::DueBeforeIssue {
                issued: self.issue_date,
                due: self.due_date,
            });
        }
        let iban = self.seller.iban.ok_or(DocumentError::SellerIban)?;
        let qr = &self.payment_qr;
        let mismatch = [
            ("amount", qr.amount != self.total),
            ("invoice", qr.invoice != self.number),
            ("iban", qr.iban != iban),
            ("receiver_code", qr.receiver_code != self.seller.tax_id),
        ];
        if let Some((field, _)) = mismatch.iter().find(|(_, differs)| *differs) {
            return Err(DocumentError::QrMismatch { field });
        }
        qr.url()?;
        Ok(())
    }

    /// The heading: `Рахунок на оплату № HOR-11111-007 від 15 січня 2026 р.`
    pub fn title(&self) -> String {
        format!(
            "Рахунок на оплату № {} від {}",
            self.number,
            date_long(self.issue_date)
        )
    }

    /// The total in words: `Одна тисяча двісті гривень 00 копійок`.
    pub fn total_in_words(&self) -> String {
        amount_in_words(self.total)
    }

    /// The VAT line: `у т.ч. ПДВ 20%: 200,00 грн` or `Без ПДВ`.
    pub fn vat_line(&self) -> String {
        self.vat.line_text()
    }

    /// The payment purpose the payer must use, exactly as the QR code carries it.
    pub fn payment_purpose(&self) -> String {
        self.payment_qr.purpose()
    }

    /// The payment instructions, one paragraph each: the due date, the exact purpose (with the
    /// invoice number) and amount, and the warning that a changed purpose or amount is not credited
    /// automatically.
    pub fn payment_instructions(&self) -> Vec<String> {
        vec![
            format!(
                "Сплатіть до {} включно: {} на рахунок IBAN {}.",
                date_short(self.due_date),
                self.total.to_document_string(),
                self.payment_qr.iban
            ),
            format!(
                "Призначення платежу: «{}». Вкажіть його і суму точно так, як тут: зі зміненим \
                 призначенням (без номера рахунку {}) або іншою сумою платіж не буде зараховано \
                 автоматично.",
                self.payment_purpose(),
                self.number
            ),
            "Або відскануйте QR-код камерою чи в застосунку свого банку: реквізити, сума і \
             призначення заповняться самі."
                .to_string(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::TaxStatus;
    use crate::error::ErrorCode;
    use rust_decimal::Decimal;

    fn seller(vat: bool) -> Party {
        Party {
            name: "ТОВ «Хорошоп»".into(),
            tax_id: "32855961".parse().unwrap(),
            iban: Some("UA213223130000026007233566001".parse().unwrap()),
            address: "Київ".into(),
            tax_status: if vat {
                TaxStatus::vat_payer("328559626541").unwrap()
            } else {
                TaxStatus::NotVatPayer
            },
        }
    }

    fn buyer() -> Party {
        Party {
            name: "ТОВ «Приклад»".into(),
            tax_id: "14360570".parse().unwrap(),
            iban: None,
            address: "Одеса".into(),
            tax_status: TaxStatus::NotVatPayer,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn lines() -> Vec<DocumentLine> {
        vec![
            DocumentLine::new("Тариф", "міс.", Decimal::ONE, "1000".parse().unwrap()).unwrap(),
            DocumentLine::new("Домен", "шт.", Decimal::TWO, "100".parse().unwrap()).unwrap(),
        ]
    }

    fn doc(vat: VatRate) -> Result<InvoiceDocument, DocumentError> {
        InvoiceDocument::new(
            "HOR-11111-007".parse().unwrap(),
            day(15),
            day(25),
            seller(vat != VatRate::None),
            buyer(),
            lines(),
            vat,
            NbuQrFormat::V002,
        )
    }

    #[test]
    fn builds_total_vat_and_qr() {
        let d = doc(VatRate::Standard20).unwrap();
        assert_eq!(d.total.to_string(), "1200.00");
        assert_eq!(d.vat.amount().unwrap().to_string(), "200.00");
        let f = d.payment_qr.fields();
        assert_eq!(f.amount, "UAH1200.00");
        assert_eq!(f.iban, "UA213223130000026007233566001");
        assert_eq!(f.receiver_code, "32855961");
        assert!(d.payment_instructions()[1].contains("HOR-11111-007"));
        let none = doc(VatRate::None).unwrap();
        assert_eq!(none.vat_line(), "Без ПДВ");
        assert_eq!(
            none.payment_purpose(),
            "Оплата за рахунком № HOR-11111-007, без ПДВ"
        );
    }

    #[test]
    fn refuses_inconsistent_documents() {
        let mut d = doc(VatRate::Standard20).unwrap();
        d.total = "1199.99".parse().unwrap();
        assert_eq!(d.validate().unwrap_err().code(), "document.total");

        let mut d = doc(VatRate::Standard20).unwrap();
        d.payment_qr.amount = "1".parse().unwrap();
        assert_eq!(
            d.validate().unwrap_err(),
            DocumentError::QrMismatch { field: "amount" }
        );

        let mut d = doc(VatRate::Standard20).unwrap();
        d.seller.tax_status = TaxStatus::NotVatPayer;
        assert_eq!(d.validate().unwrap_err().code(), "document.vat_not_payer");

        let mut d = doc(VatRate::None).unwrap();
        d.due_date = day(1);
        assert_eq!(
            d.validate().unwrap_err().code(),
            "document.due_before_issue"
        );

        let mut s = seller(false);
        s.iban = None;
        let e = InvoiceDocument::new(
            "HOR-11111-007".parse().unwrap(),
            day(15),
            day(25),
            s,
            buyer(),
            lines(),
            VatRate::None,
            NbuQrFormat::V002,
        )
        .unwrap_err();
        assert_eq!(e.code(), "document.seller_iban");

        let mut s = seller(false);
        s.name = "Т".repeat(71);
        let e = InvoiceDocument::new(
            "HOR-11111-007".parse().unwrap(),
            day(15),
            day(25),
            s,
            buyer(),
            lines(),
            VatRate::None,
            NbuQrFormat::V002,
        )
        .unwrap_err();
        assert_eq!(
            e.code(),
            "nbu_qr.too_long",
            "the QR code's 70-character name limit"
        );

        let e = InvoiceDocument::new(
            "HOR-11111-007".parse().unwrap(),
            day(15),
            day(25),
            seller(false),
            buyer(),
            vec![],
            VatRate::None,
            NbuQrFormat::V002,
        )
        .unwrap_err();
        assert_eq!(e.code(), "document.no_lines");
    }

    #[test]
    fn a_person_without_requisites_as_the_buyer() {
        let owner = OwnerContact {
            full_name: "Олена Петренко".parse().unwrap(),
            email: "olena@shop.ua".parse().unwrap(),
            phone: "050 123 45 67".parse().unwrap(),
        };
        let with_party = doc(VatRate::Standard20).unwrap();
        let d = InvoiceDocument::new(
            "HOR-11111-007".parse().unwrap(),
            day(15),
            day(25),
            seller(true),
            InvoiceBuyer::owner(&owner),
            lines(),
            VatRate::Standard20,
            NbuQrFormat::V002,
        )
        .unwrap();
        assert_eq!(d.buyer.name(), "Олена Петренко");
        assert!(d.buyer.party().is_none());
        assert_eq!(
            d.buyer.requisite_lines(),
            ["Олена Петренко", "Ел. пошта: olena@shop.ua"]
        );
        // Everything but the buyer is the same as with requisites: the QR code is the seller's.
        assert_eq!(d.payment_qr, with_party.payment_qr);
        assert_eq!(d.total, with_party.total);
        assert_eq!(d.vat, with_party.vat);
        assert_eq!(d.payment_instructions(), with_party.payment_instructions());
        assert_eq!(with_party.buyer.party(), Some(&buyer()));
        assert_eq!(with_party.buyer.name(), "ТОВ «Приклад»");
        assert!(d.validate().is_ok());
    }
}
