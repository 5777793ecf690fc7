//! Registration deadlines in ЄРПН: a configurable table of rules, and the list of documents due.
//!
//! | rule | created on days 1–15 | created on day 16 to the end | reducing РК to a VAT payer |
//! |---|---|---|---|
//! | standard, ПКУ п.201.10 | last day of the same month | 15th of the next month | the buyer registers it, within 15 days of receipt |
//! | wartime, п.89 підрозд.2 розд.XX (from 16.01.2023) | 5th of the next month | 18th of the next month | 18 days |
//!
//! A deadline on a weekend or holiday stays as it is. Whether the wartime rule still applies is not
//! confirmed, so the default table is the standard rule (its deadlines are never later); a platform
//! that relies on the wartime rule configures [`DeadlineTable::wartime`] (or its own table).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ledger::{TaxBuyer, TaxInvoice};
use crate::calendar::BillingMonth;
use crate::ids::InvoiceNumber;

/// When a half of the month's documents is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "day", rename_all = "snake_case")]
pub enum Due {
    /// The last day of the month the document was created in.
    EndOfMonth,
    /// This day of the next month (the month's last day when it is shorter).
    NextMonthDay(u32),
}

impl Due {
    fn date(self, created: NaiveDate) -> NaiveDate {
        let month = BillingMonth::of_date(created);
        match self {
            Due::EndOfMonth => month.last_day(),
            Due::NextMonthDay(day) => {
                let next = month.next();
                let day = day.clamp(1, next.days());
                NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or(next.last_day())
            }
        }
    }
}

/// The rule for documents created from a date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRule {
    /// The first creation date the rule applies to.
    pub from: NaiveDate,
    /// Documents created on days 1–15.
    pub first_half: Due,
    /// Documents created on day 16 to the month's end.
    pub second_half: Due,
    /// A reducing РК to a VAT-payer buyer: the buyer registers it within this many days of receipt.
    pub buyer_correction_days: u32,
}

/// The rules, each applying from its date on (the latest rule not after a document's date wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineTable {
    /// The rules.
    pub rules: Vec<DeadlineRule>,
}

impl Default for DeadlineTable {
    fn default() -> Self {
        DeadlineTable::standard()
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl DeadlineTable {
    /// The standard rule of ПКУ п.201.10 for every date.
    pub fn standard() -> DeadlineTable {
        DeadlineTable {
            rules: vec![DeadlineRule {
                from: NaiveDate::MIN,
                first_half: Due::EndOfMonth,
                second_half: Due::NextMonthDay(15),
                buyer_correction_days: 15,
            }],
        }
    }

    /// The standard rule, and the wartime rule for documents created from 16.01.2023.
    pub fn wartime() -> DeadlineTable {
        let mut t = DeadlineTable::standard();
        t.rules.push(DeadlineRule {
            from: ymd(2023, 1, 16),
            first_half: Due::NextMonthDay(5),
            second_half: Due::NextMonthDay(18),
            buyer_correction_days: 18,
        });
        t
    }

    /// The rule for a document created on `date`.
    pub fn rule_for(&self, date: NaiveDate) -> Option<&DeadlineRule> {
        self.rules
            .iter()
            .filter(|r| r.from <= date)
            .max_by_key(|r| r.from)
    }

    /// The registration deadline of a document.
    pub fn deadline(&self, doc: &TaxInvoice) -> Deadline {
        let Some(rule) = self.rule_for(doc.date) else {
            return Deadline::NoRule;
        };
        if doc.is_correction() && matches!(doc.buyer, TaxBuyer::VatPayer { .. }) {
            return Deadline::BuyerRegisters {
                days_after_receipt: rule.buyer_correction_days,
            };
        }
        let due = if doc.date.day() <= 15 {
            rule.first_half
        } else {
            rule.second_half
        };
        Deadline::By {
            date: due.date(doc.date),
        }
    }
}

/// A document's registration deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deadline {
    /// The seller registers it by this date (inclusive).
    By {
        /// The last day.
        date: NaiveDate,
    },
    /// A reducing РК to a VAT payer: the buyer registers it within these days of receiving it.
    BuyerRegisters {
        /// The days.
        days_after_receipt: u32,
    },
    /// No rule of the table covers the document's date.
    NoRule,
}

/// A document waiting for registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    /// Its number.
    pub number: u64,
    /// Whether it is a РК.
    pub correction: bool,
    /// Its date.
    pub date: NaiveDate,
    /// The supply.
    pub supply: InvoiceNumber,
    /// The deadline.
    pub deadline: Deadline,
    /// Days left to the deadline (negative when late); `None` when the seller sets no date.
    pub days_left: Option<i64>,
}

impl DueItem {
    /// Whether the deadline has passed.
    pub fn is_overdue(&self) -> bool {
        self.days_left.is_some_and(|d| d < 0)
    }
}

/// The documents not registered yet and created on or before `today`, earliest deadline first
/// (those the buyer registers last).
pub fn tax_due<'a>(
    documents: impl IntoIterator<Item = &'a TaxInvoice>,
    today: NaiveDate,
    table: &DeadlineTable,
) -> Vec<DueItem> {
    let mut out: Vec<DueItem> = documents
        .into_iter()
        .filter(|d| d.registered_on.is_none() && d.date <= today)
        .map(|d| {
            let deadline = table.deadline(d);
            DueItem {
                number: d.number,
                correction: d.is_correction(),
                date: d.date,
                supply: d.supply,
                deadline,
                days_left: match deadline {
                    Deadline::By { date: by } => Some((by - today).num_days()),
                    _ => None,
                },
            }
        })
        .collect();
    out.sort_by_key(|i| (i.days_left.is_none(), i.days_left, i.number));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_of_the_month() {
        let s = DeadlineTable::standard();
        let w = DeadlineTable::wartime();
        let r = |t: &DeadlineTable, d: NaiveDate| {
            let rule = t.rule_for(d).unwrap();
            let due = if d.day() <= 15 {
                rule.first_half
            } else {
                rule.second_half
            };
            due.date(d)
        };
        assert_eq!(r(&s, ymd(2026, 2, 15)), ymd(2026, 2, 28));
        assert_eq!(r(&s, ymd(2026, 2, 16)), ymd(2026, 3, 15));
        assert_eq!(r(&s, ymd(2026, 12, 31)), ymd(2027, 1, 15));
        assert_eq!(r(&w, ymd(2026, 2, 1)), ymd(2026, 3, 5));
        assert_eq!(r(&w, ymd(2026, 1, 20)), ymd(2026, 2, 18));
        // Before 16.01.2023 the standard rule applies even in the wartime table.
        assert_eq!(r(&w, ymd(2023, 1, 15)), ymd(2023, 1, 31));
    }
}
