//! The act document (акт наданих послуг): the primary document for a billing month's services,
//! which the Vchasno integration fills from billing data and sends for both parties' signatures.
//!
//! ```
//! use billing_core::documents::{ActDocument, DocumentLine, Party, TaxStatus};
//! use billing_core::invoice::VatRate;
//! use billing_core::BillingMonth;
//! use chrono::NaiveDate;
//!
//! let party = |name: &str, code: &str| -> Result<Party, Box<dyn std::error::Error>> {
//!     Ok(Party {
//!         name: name.into(),
//!         tax_id: code.parse()?,
//!         iban: None,
//!         address: "м. Київ".into(),
//!         tax_status: TaxStatus::NotVatPayer,
//!     })
//! };
//! let act = ActDocument::new(
//!     "A-11111-2026-01".into(),
//!     NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
//!     BillingMonth::new(2026, 1)?,
//!     "Договір публічної оферти від 01.01.2025".into(),
//!     party("ТОВ «Хорошоп»", "32855961")?,
//!     party("ТОВ «Приклад»", "14360570")?,
//!     vec![DocumentLine::new("Тариф «Бізнес»", "міс.", 1.into(), "1200".parse()?)?],
//!     VatRate::None,
//! )?;
//! assert_eq!(act.title(), "Акт наданих послуг № A-11111-2026-01 від 31 січня 2026 р.");
//! assert_eq!(act.period_text(), "січень 2026 р.");
//! assert_eq!(act.total_in_words(), "Одна тисяча двісті гривень 00 копійок");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;

use super::common::{
    check_lines, check_text, date_long, period_text, DocumentError, DocumentLine, Vat,
};
use super::party::{Party, Signatory};
use super::words::amount_in_words;
use crate::calendar::BillingMonth;
use crate::invoice::VatRate;
use crate::money::Money;

/// An act of services rendered (акт наданих послуг) for one billing month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActDocument {
    /// The act's number, as the billing numbers acts.
    pub number: String,
    /// The date the act is drawn up (дата складання): not before the period starts.
    pub date: NaiveDate,
    /// The billing month the services were rendered in.
    pub period: BillingMonth,
    /// The contract the services are rendered under: `Договір № 11111 від 01.01.2025`.
    pub contract: String,
    /// The seller (виконавець): us.
    pub seller: Party,
    /// The buyer (замовник).
    pub buyer: Party,
    /// The services, at least one line.
    pub lines: Vec<DocumentLine>,
    /// The total: the sum of the lines, VAT included.
    pub total: Money,
    /// The VAT included in the total, or none.
    pub vat: Vat,
    /// Who signs for the seller; a blank place for the position and name when unknown.
    pub seller_signatory: Option<Signatory>,
    /// Who signs for the buyer; a blank place when unknown.
    pub buyer_signatory: Option<Signatory>,
}

impl ActDocument {
    /// The longest act number.
    pub const MAX_NUMBER: usize = 64;
    /// The longest contract reference.
    pub const MAX_CONTRACT: usize = 200;

    /// An act from its lines: the total is their sum and the VAT comes from `vat_rate` once on the
    /// total. Signatories are left blank; set them on the result. Checks everything
    /// [`ActDocument::validate`] checks.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        number: String,
        date: NaiveDate,
        period: BillingMonth,
        contract: String,
        seller: Party,
        buyer: Party,
        lines: Vec<DocumentLine>,
        vat_rate: VatRate,
    ) -> Result<ActDocument, DocumentError> {
        let total = check_lines(&lines)?;
        let vat = Vat::from_rate(vat_rate, total)?;
        let act = ActDocument {
            number,
            date,
            period,
            contract,
            seller,
            buyer,
            lines,
            total,
            vat,
            seller_signatory: None,
            buyer_signatory: None,
        };
        act.validate()?;
        Ok(act)
    }

    /// Checks that the act can be printed as it is: texts, lines adding up to the total, the VAT
    /// amount (and that only a VAT payer includes VAT), and the date against the period.
    pub fn validate(&self) -> Result<(), DocumentError> {
        check_text("number", &self.number, Self::MAX_NUMBER)?;
        check_text("contract", &self.contract, Self::MAX_CONTRACT)?;
        self.seller.validate("seller")?;
        self.buyer.validate("buyer")?;
        if let Some(s) = &self.seller_signatory {
            s.validate("seller_signatory")?;
        }
        if let Some(s) = &self.buyer_signatory {
            s.validate("buyer_signatory")?;
        }
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
        if self.date < self.period.first_day() {
            return Err(DocumentError::ActBeforePeriod {
                date: self.date,
                period: self.period,
            });
        }
        Ok(())
    }

    /// The heading: `Акт наданих послуг № A-11111-2026-01 від 31 січня 2026 р.`
    pub fn title(&self) -> String {
        format!(
            "Акт наданих послуг № {} від {}",
            self.number,
            date_long(self.date)
        )
    }

    /// The period as printed: `січень 2026 р.`
    pub fn period_text(&self) -> String {
        period_text(self.period)
    }

    /// The opening statement: who drew the act up, under which contract, for which period.
    pub fn preamble(&self) -> String {
        format!(
            "Ми, що нижче підписалися, представник Виконавця {} з одного боку та представник \
             Замовника {} з другого боку, склали цей акт про те, що Виконавець надав, а Замовник \
             прийняв такі послуги за період {} згідно з документом: {}.",
            self.seller.name,
            self.buyer.name,
            self.period_text(),
            self.contract
        )
    }

    /// The closing statement under the total.
    pub fn acceptance_text(&self) -> String {
        "Послуги надано в повному обсязі та в строк. Замовник претензій щодо обсягу, якості та \
         строків надання послуг не має."
            .to_string()
    }

    /// The total in words: `Одна тисяча двісті гривень 00 копійок`.
    pub fn total_in_words(&self) -> String {
        amount_in_words(self.total)
    }

    /// The VAT line: `у т.ч. ПДВ 20%: 200,00 грн` or `Без ПДВ`.
    pub fn vat_line(&self) -> String {
        self.vat.line_text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::TaxStatus;
    use crate::error::ErrorCode;
    use rust_decimal::Decimal;

    fn party(vat: bool) -> Party {
        Party {
            name: "ТОВ «Хорошоп»".into(),
            tax_id: "32855961".parse().unwrap(),
            iban: None,
            address: "Київ".into(),
            tax_status: if vat {
                TaxStatus::vat_payer("328559626541").unwrap()
            } else {
                TaxStatus::NotVatPayer
            },
        }
    }

    fn act(vat: VatRate, date: NaiveDate) -> Result<ActDocument, DocumentError> {
        ActDocument::new(
            "A-1".into(),
            date,
            BillingMonth::new(2026, 1).unwrap(),
            "Договір № 1 від 01.01.2025".into(),
            party(vat != VatRate::None),
            party(false),
            vec![DocumentLine::new("Тариф", "міс.", Decimal::ONE, "600".parse().unwrap()).unwrap()],
            vat,
        )
    }

    #[test]
    fn act_checks() {
        let jan31 = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let a = act(VatRate::Standard20, jan31).unwrap();
        assert_eq!(a.vat_line(), "у т.ч. ПДВ 20%: 100,00 грн");
        assert!(a.preamble().contains("січень 2026 р."));
        let dec = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(
            act(VatRate::None, dec).unwrap_err().code(),
            "document.act_before_period"
        );
        let mut a = act(VatRate::None, jan31).unwrap();
        a.number = String::new();
        assert_eq!(a.validate().unwrap_err().code(), "document.empty");
        let mut a = act(VatRate::None, jan31).unwrap();
        a.vat = Vat::Included {
            rate_percent: 20,
            amount: "100".parse().unwrap(),
        };
        assert_eq!(a.validate().unwrap_err().code(), "document.vat_not_payer");
        a.buyer_signatory = Some(Signatory {
            position: "Директор".into(),
            name: String::new(),
        });
        assert_eq!(a.validate().unwrap_err().code(), "document.empty");
    }
}
