//! Invoices (рахунки): lines, total, VAT included in the total ("у т.ч. ПДВ"), due date and status.
//!
//! VAT is computed once per invoice, from the total: `total × 20 / 120`, rounded through
//! [`Money::round_from`].
//!
//! ```
//! use billing_core::invoice::VatRate;
//! let total = "1000".parse().unwrap();
//! assert_eq!(VatRate::Standard20.included_in(total).unwrap().unwrap().to_string(), "166.67");
//! assert_eq!(VatRate::None.included_in(total).unwrap(), None);
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{add_days, kyiv_date, PeriodSpan};
use crate::ids::InvoiceNumber;
use crate::money::{Money, MoneyError};
use crate::tariff::{BillingPeriod, TariffCode};

/// The VAT rate of the platform's invoices: 20%, or none (the seller does not pay VAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRate {
    /// No VAT ("Без ПДВ").
    #[default]
    None,
    /// 20%, included in the total.
    Standard20,
}

impl VatRate {
    /// The VAT included in a total ("у т.ч. ПДВ"), rounded once; `None` for [`VatRate::None`].
    pub fn included_in(self, total: Money) -> Result<Option<Money>, MoneyError> {
        match self {
            VatRate::None => Ok(None),
            VatRate::Standard20 => {
                Money::round_from(total.as_decimal() * Decimal::from(20) / Decimal::from(120))
                    .map(Some)
            }
        }
    }
}

/// An invoice's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Issued and not yet fully paid.
    Open,
    /// Payments cover the total exactly.
    Paid,
    /// Cancelled; it keeps its number.
    Cancelled,
}

/// What an invoice is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvoiceKind {
    /// A billing period: at most one per project and period (keyed by the span's first day).
    Period {
        /// The days paid for.
        span: PeriodSpan,
        /// The tariff.
        tariff: TariffCode,
        /// The period length.
        period: BillingPeriod,
    },
    /// The prorated difference of an upgrade: at most one per change.
    TariffChange {
        /// The change's number in the project (1, 2, …).
        change: u32,
        /// The tariff before.
        from: TariffCode,
        /// The tariff after.
        to: TariffCode,
        /// The days of the paid period the difference covers.
        span: PeriodSpan,
    },
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// What is paid for, as printed (Ukrainian).
    pub description: String,
    /// The amount (VAT included when the invoice has VAT).
    pub amount: Money,
}

/// An issued invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Its number, given when issued.
    pub number: InvoiceNumber,
    /// What it is for.
    pub kind: InvoiceKind,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The Kyiv date of issue.
    pub issued_on: NaiveDate,
    /// The last day to pay (Kyiv date).
    pub due_on: NaiveDate,
    /// Its lines.
    pub lines: Vec<InvoiceLine>,
    /// The total, VAT included.
    pub total: Money,
    /// The VAT rate.
    pub vat_rate: VatRate,
    /// The VAT included in the total, if any.
    pub vat: Option<Money>,
    /// What payments have covered so far (never above the total).
    pub paid: Money,
    /// Its status.
    pub status: InvoiceStatus,
}

impl Invoice {
    /// An open invoice: total from the lines, VAT once from the total, due `due_days` after the
    /// Kyiv date of issue.
    pub fn issue(
        number: InvoiceNumber,
        kind: InvoiceKind,
        lines: Vec<InvoiceLine>,
        issued_at: DateTime<Utc>,
        due_days: u32,
        vat_rate: VatRate,
    ) -> Result<Invoice, MoneyError> {
        let total = Money::sum(lines.iter().map(|l| l.amount))?;
        let issued_on = kyiv_date(issued_at);
        Ok(Invoice {
            number,
            kind,
            issued_at,
            issued_on,
            due_on: add_days(issued_on, due_days),
            lines,
            total,
            vat_rate,
            vat: vat_rate.included_in(total)?,
            paid: Money::ZERO,
            status: InvoiceStatus::Open,
        })
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        self.status == InvoiceStatus::Open
    }

    /// What is still owed: the total less payments while open, zero otherwise. This is "the
    /// amount" of an open invoice for matching payments.
    pub fn owed(&self) -> Money {
        if self.is_open() {
            self.total.saturating_sub(self.paid)
        } else {
            Money::ZERO
        }
    }

    /// Whether it is open on a date after its due date.
    pub fn is_past_due(&self, today: NaiveDate) -> bool {
        self.is_open() && today > self.due_on
    }

    /// Whether it is open on a date after its due date plus `grace_days`: the project is blocked.
    pub fn is_past_grace(&self, today: NaiveDate, grace_days: u32) -> bool {
        self.is_open() && today > add_days(self.due_on, grace_days)
    }

    /// The period span of a period invoice.
    pub fn period_span(&self) -> Option<PeriodSpan> {
        match &self.kind {
            InvoiceKind::Period { span, .. } => Some(*span),
            InvoiceKind::TariffChange { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn invoice(vat: VatRate) -> Invoice {
        let at = Utc.with_ymd_and_hms(2026, 2, 28, 22, 5, 0).unwrap(); // 1 March in Kyiv
        let span = PeriodSpan::full(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), 1);
        Invoice::issue(
            "HOR-00042-001".parse().unwrap(),
            InvoiceKind::Period {
                span,
                tariff: TariffCode::new("start").unwrap(),
                period: BillingPeriod::Monthly,
            },
            vec![
                InvoiceLine {
                    description: "Тариф «Старт»".into(),
                    amount: m("299.99"),
                },
                InvoiceLine {
                    description: "Додатково".into(),
                    amount: m("0.02"),
                },
            ],
            at,
            7,
            vat,
        )
        .unwrap()
    }

    #[test]
    fn total_vat_and_due_date() {
        let inv = invoice(VatRate::Standard20);
        assert_eq!(inv.total, m("300.01"));
        // 300.01 / 6 = 50.001666… → 50.00, computed once from the total.
        assert_eq!(inv.vat, Some(m("50.00")));
        assert_eq!(inv.issued_on, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(inv.due_on, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
        assert_eq!(invoice(VatRate::None).vat, None);
    }

    #[test]
    fn owed_and_past_due() {
        let mut inv = invoice(VatRate::None);
        inv.paid = m("100");
        assert_eq!(inv.owed(), m("200.01"));
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        assert!(!inv.is_past_due(d(8)));
        assert!(inv.is_past_due(d(9)));
        assert!(!inv.is_past_grace(d(11), 3));
        assert!(inv.is_past_grace(d(12), 3));
        inv.status = InvoiceStatus::Cancelled;
        assert_eq!(inv.owed(), Money::ZERO);
        assert!(!inv.is_past_grace(d(30), 3));
    }

    #[test]
    fn vat_rounds_half_away_from_zero() {
        // 0.03 × 20/120 = 0.005 → 0.01
        assert_eq!(
            VatRate::Standard20.included_in(m("0.03")).unwrap(),
            Some(m("0.01"))
        );
        assert_eq!(
            VatRate::Standard20.included_in(m("1200")).unwrap(),
            Some(m("200.00"))
        );
    }
}
