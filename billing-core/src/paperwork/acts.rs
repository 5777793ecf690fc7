//! Acts of completed work (акти наданих послуг): one per closed billing month, listing each paid
//! period's monthly share.
//!
//! # Shares
//! A paid invoice for a span of days (a billing period, or the difference of an upgrade) is split
//! into one share per calendar month the span touches (a 12-month prepayment: twelve shares). The
//! shares are equal to the kopiyka (the total in kopiyky divided by the number of months, rounded
//! down); the rounding remainder goes to the span's last month, so a period's shares add up exactly
//! to its invoice total (VAT included in it).
//!
//! # VAT
//! An act states the VAT included in its own total, once, `total × 20 / 120` rounded half away from
//! zero (the rule [`crate::documents::Vat`] checks on the printed act). The act totals of a period add
//! up to its invoice total exactly; their VAT amounts, each rounded once, may differ from the
//! invoice's single VAT amount by at most half a kopiyka per act.
//!
//! # Numbering
//! `A-<service code>-<YYYY>-<MM>` (`A-11111-2026-10`): a project has at most one act per billing
//! month, and acts are never deleted, so a number is unique and never reused.
//!
//! ```
//! use billing_core::paperwork::acts::monthly_shares;
//! use billing_core::Money;
//! let shares = monthly_shares("1000.00".parse()?, 12)?;
//! assert_eq!(shares[0].to_string(), "83.33");
//! assert_eq!(shares[11].to_string(), "83.37");
//! assert_eq!(Money::sum(shares)?.to_string(), "1000.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{BillingMonth, PeriodSpan};
use crate::documents::{
    period_text, words::amount_in_words, ActDocument, DocumentError, DocumentLine, Party, Signatory,
};
use crate::ids::{InvoiceNumber, ServiceCode};
use crate::invoice::{Invoice, InvoiceKind, InvoiceStatus, VatRate};
use crate::money::{Money, MoneyError};
use crate::ports::VchasnoStatus;

use super::form::Requisites;

/// The act number of a project's month: `A-11111-2026-10`.
pub fn act_number(project: ServiceCode, month: BillingMonth) -> String {
    format!("A-{project}-{:04}-{:02}", month.year(), month.month())
}

/// `total` split into `months` shares equal to the kopiyka, the remainder in the last share.
pub fn monthly_shares(total: Money, months: u32) -> Result<Vec<Money>, MoneyError> {
    let n = i64::from(months.max(1));
    let kop = total.kopiyky();
    let share = kop / n;
    let last = kop - share * (n - 1);
    let mut out = Vec::with_capacity(n as usize);
    for _ in 1..n {
        out.push(Money::from_kopiyky(share)?);
    }
    out.push(Money::from_kopiyky(last)?);
    Ok(out)
}

/// The billing months a span touches, in order.
pub fn months_of(span: &PeriodSpan) -> Vec<BillingMonth> {
    let last = BillingMonth::of_date(span.end);
    let mut m = BillingMonth::of_date(span.start);
    let mut out = Vec::new();
    while m <= last {
        out.push(m);
        m = m.next();
    }
    out
}

/// Where an act is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "status", rename_all = "snake_case")]
pub enum ActState {
    /// Drawn up and recorded; the upload to Vchasno has not succeeded yet.
    Prepared,
    /// Uploaded to Vchasno; its last known status there.
    InVchasno(VchasnoStatus),
}

/// One service line of an act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActLine {
    /// What was rendered, as printed.
    pub description: String,
    /// The unit (`міс.`).
    pub unit: String,
    /// The quantity (always one month).
    pub quantity: u32,
    /// The price of the unit: the month's share.
    pub price: Money,
    /// The line total (VAT included when the act has VAT).
    pub total: Money,
    /// The invoice the share comes from.
    pub invoice: InvoiceNumber,
    /// The share's position in its span: `(n, of)`, e.g. `(12, 12)` for the last.
    pub share: (u32, u32),
}

/// An act of services for one billing month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    /// `A-11111-2026-10`.
    pub number: String,
    /// The billing month.
    pub month: BillingMonth,
    /// The act's date: the month's last day.
    pub date: NaiveDate,
    /// The services.
    pub lines: Vec<ActLine>,
    /// The total, VAT included.
    pub total: Money,
    /// The VAT rate.
    pub vat_rate: VatRate,
    /// The VAT included in the total, if any.
    pub vat: Option<Money>,
    /// The total in words (`Сто гривень 00 копійок`).
    pub total_in_words: String,
    /// The buyer's requisites as they were when the act was drawn up.
    pub buyer: Requisites,
    /// When the act was drawn up.
    pub prepared_at: DateTime<Utc>,
    /// Vchasno's document id, once uploaded.
    pub document_id: Option<String>,
    /// Its state.
    pub state: ActState,
}

impl Act {
    /// Whether it has been uploaded to Vchasno.
    pub fn is_sent(&self) -> bool {
        self.document_id.is_some()
    }

    /// The printable act (акт наданих послуг) from this act, with the seller's party and the
    /// contract reference; checked by [`ActDocument::new`] (totals, VAT, texts).
    pub fn to_document(
        &self,
        seller: Party,
        contract: String,
    ) -> Result<ActDocument, DocumentError> {
        let lines = self
            .lines
            .iter()
            .map(|l| {
                DocumentLine::new(
                    l.description.clone(),
                    l.unit.clone(),
                    Decimal::from(l.quantity),
                    l.price,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut doc = ActDocument::new(
            self.number.clone(),
            self.date,
            self.month,
            contract,
            seller,
            self.buyer.to_party(),
            lines,
            self.vat_rate,
        )?;
        doc.buyer_signatory = self.buyer.director.clone().map(|name| Signatory {
            position: "Директор".to_string(),
            name,
        });
        doc.validate()?;
        Ok(doc)
    }

    /// The PDF's file name: `act-A-11111-2026-10.pdf`.
    pub fn file_name(&self) -> String {
        format!("act-{}.pdf", self.number)
    }
}

/// The lines of a month from the paid invoices: each paid span's share for the month.
pub fn lines_for(invoices: &[Invoice], month: BillingMonth) -> Result<Vec<ActLine>, MoneyError> {
    let mut lines = Vec::new();
    for inv in invoices.iter().filter(|i| i.status == InvoiceStatus::Paid) {
        let (span, what) = match &inv.kind {
            InvoiceKind::Period { span, .. } => (span, "Доступ до платформи"),
            InvoiceKind::TariffChange { span, .. } => (span, "Доплата за зміну тарифу"),
        };
        let months = months_of(span);
        let Some(idx) = months.iter().position(|m| *m == month) else {
            continue;
        };
        let of = months.len() as u32;
        let shares = monthly_shares(inv.total, of)?;
        let price = shares[idx];
        if price.is_zero() {
            continue;
        }
        let detail = inv
            .lines
            .first()
            .map(|l| l.description.as_str())
            .unwrap_or_default();
        let mut description = format!(
            "{what} за {}: {detail} (рахунок № {}, період {span}, частина {} з {of})",
            period_text(month),
            inv.number,
            idx + 1
        );
        if description.chars().count() > 480 {
            description = description.chars().take(480).collect();
        }
        lines.push(ActLine {
            description,
            unit: "міс.".to_string(),
            quantity: 1,
            price,
            total: price,
            invoice: inv.number,
            share: (idx as u32 + 1, of),
        });
    }
    Ok(lines)
}

/// Draws up the act of a month: number, date, lines, total, VAT once on the total, words.
pub(crate) fn draw_up(
    project: ServiceCode,
    month: BillingMonth,
    lines: Vec<ActLine>,
    vat_rate: VatRate,
    buyer: Requisites,
    now: DateTime<Utc>,
) -> Result<Act, MoneyError> {
    let total = Money::sum(lines.iter().map(|l| l.total))?;
    Ok(Act {
        number: act_number(project, month),
        month,
        date: month.last_day(),
        total,
        vat_rate,
        vat: vat_rate.included_in(total)?,
        total_in_words: amount_in_words(total),
        lines,
        buyer,
        prepared_at: now,
        document_id: None,
        state: ActState::Prepared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn spans_touch_their_months() {
        let year = PeriodSpan::full(d(2026, 11, 1), 12);
        let months = months_of(&year);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].to_string(), "2026-11");
        assert_eq!(months[11].to_string(), "2027-10");
        assert_eq!(
            months_of(&PeriodSpan::first_partial(d(2026, 2, 20), 1)).len(),
            1
        );
    }

    #[test]
    fn numbers_follow_the_scheme() {
        let m = BillingMonth::new(2026, 10).unwrap();
        assert_eq!(act_number("11111".parse().unwrap(), m), "A-11111-2026-10");
    }

    proptest! {
        #[test]
        fn shares_are_equal_and_add_up(kop in 0i64..10_000_000_000, n in 1u32..=12) {
            let total = Money::from_kopiyky(kop).unwrap();
            let shares = monthly_shares(total, n).unwrap();
            prop_assert_eq!(shares.len(), n as usize);
            prop_assert_eq!(Money::sum(shares.iter().copied()).unwrap(), total);
            let first = shares[0];
            prop_assert!(shares[..shares.len() - 1].iter().all(|s| *s == first));
            let last = shares[shares.len() - 1].kopiyky();
            prop_assert!(last >= first.kopiyky() && last - first.kopiyky() < i64::from(n));
        }
    }
}
