//! The billing calendar: Europe/Kyiv (with its daylight saving, via `chrono-tz`).
//!
//! Invoices, order counters and the monthly acts of completed work share one calendar: the calendar
//! month in Kyiv. Instants are stored in UTC; a Kyiv midnight is 21:00 or 22:00 UTC the day before.
//!
//! # The one rounding point of prorations
//! [`prorate`] multiplies an amount by `part / whole` on exact decimals and rounds once, through
//! [`Money::round_from`] (half away from zero, to the kopiyka).
//!
//! ```
//! use billing_core::calendar::{kyiv_date, BillingMonth};
//! use chrono::{NaiveDate, TimeZone, Utc};
//!
//! // 21:30 UTC on 31 March 2026 is already 1 April in Kyiv (summer time, UTC+3).
//! let at = Utc.with_ymd_and_hms(2026, 3, 31, 21, 30, 0).unwrap();
//! assert_eq!(kyiv_date(at), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
//! assert_eq!(BillingMonth::of(at).to_string(), "2026-04");
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::error::ErrorCode;
use crate::ids::serde_as_string;
use crate::money::{Money, MoneyError};

/// The platform's time zone: Europe/Kyiv.
pub const KYIV: Tz = chrono_tz::Europe::Kyiv;

/// Why a text or a number is not a billing month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not of the form `YYYY-MM`, or a month outside 1..=12.
    #[error("not a billing month (YYYY-MM): {input:?}")]
    Month {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::Month { .. } => "calendar.month",
        }
    }
}

/// The Kyiv calendar date of an instant.
pub fn kyiv_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&KYIV).date_naive()
}

/// The instant a Kyiv calendar day starts (Kyiv midnight, as UTC).
///
/// Kyiv switches its clocks at 03:00/04:00, so midnight always exists and is unambiguous.
pub fn kyiv_start_of_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    KYIV.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The number of days in a month of a year (28..=31).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = first.and_then(|d| d.checked_add_months(Months::new(1)));
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 30,
    }
}

/// `date` plus whole days (saturating at chrono's calendar limits).
pub fn add_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(date)
}

/// The number of days from `from` to `to`, both included (0 when `to` is before `from`).
pub fn days_inclusive(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days() + 1).unwrap_or(0)
}

/// `amount × part / whole`, rounded once to the kopiyka (half away from zero) through
/// [`Money::round_from`]. `whole` of zero gives zero.
///
/// ```
/// use billing_core::{calendar::prorate, Money};
/// let month: Money = "300".parse().unwrap();
/// assert_eq!(prorate(month, 17, 31).unwrap().to_string(), "164.52"); // 164.516…
/// ```
pub fn prorate(amount: Money, part: u32, whole: u32) -> Result<Money, MoneyError> {
    if whole == 0 {
        return Ok(Money::ZERO);
    }
    let exact = amount.as_decimal() * Decimal::from(part) / Decimal::from(whole);
    Money::round_from(exact)
}

/// A billing month: a calendar month in Kyiv (`2026-03`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BillingMonth {
    year: i32,
    month: u32,
}

impl BillingMonth {
    /// The month of a year (1..=12).
    pub fn new(year: i32, month: u32) -> Result<BillingMonth, CalendarError> {
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(CalendarError::Month {
                input: format!("{year}-{month}"),
            });
        }
        Ok(BillingMonth { year, month })
    }

    /// The Kyiv month of an instant.
    pub fn of(at: DateTime<Utc>) -> BillingMonth {
        BillingMonth::of_date(kyiv_date(at))
    }

    /// The month of a calendar date.
    pub fn of_date(date: NaiveDate) -> BillingMonth {
        BillingMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1..=12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        add_days(self.first_day(), self.days() - 1)
    }

    /// The number of days in the month.
    pub fn days(self) -> u32 {
        days_in_month(self.year, self.month)
    }

    /// The month `n` months later.
    pub fn plus(self, n: u32) -> BillingMonth {
        let index = self.year * 12 + (self.month as i32 - 1) + n as i32;
        BillingMonth {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// The next month.
    pub fn next(self) -> BillingMonth {
        self.plus(1)
    }

    /// The instant the month starts in Kyiv.
    pub fn starts_at(self) -> DateTime<Utc> {
        kyiv_start_of_day(self.first_day())
    }

    /// Whether a date falls in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        BillingMonth::of_date(date) == self
    }
}

impl fmt::Display for BillingMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for BillingMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BillingMonth({self})")
    }
}

impl FromStr for BillingMonth {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::Month {
            input: s.to_string(),
        };
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        BillingMonth::new(year, month).map_err(|_| bad())
    }
}

serde_as_string!(BillingMonth);

/// A span of Kyiv calendar days, both ends included: the days one invoice pays for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct PeriodSpan {
    /// The first day.
    pub start: NaiveDate,
    /// The last day (included).
    pub end: NaiveDate,
    /// The day count the span's price is based on: the span's own length for a full period, the
    /// nominal full period (days of the month × months) for a prorated first period.
    pub basis_days: u32,
}

impl PeriodSpan {
    /// A full period of `months` months from `start` (the first of a month).
    pub fn full(start: NaiveDate, months: u32) -> PeriodSpan {
        let end = start
            .checked_add_months(Months::new(months))
            .map(|d| d - Days::new(1))
            .unwrap_or(start);
        PeriodSpan {
            start,
            end,
            basis_days: days_inclusive(start, end),
        }
    }

    /// The first, prorated period of a subscription that starts mid-month: `start` to the month's
    /// end, priced against `months` months of that month's length.
    pub fn first_partial(start: NaiveDate, months: u32) -> PeriodSpan {
        let month = BillingMonth::of_date(start);
        PeriodSpan {
            start,
            end: month.last_day(),
            basis_days: month.days() * months,
        }
    }

    /// The number of days in the span.
    pub fn days(&self) -> u32 {
        days_inclusive(self.start, self.end)
    }

    /// Whether the span is shorter than its price basis (a prorated first period).
    pub fn is_partial(&self) -> bool {
        self.days() != self.basis_days
    }

    /// Whether a date falls in the span.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The day after the span.
    pub fn next_start(&self) -> NaiveDate {
        add_days(self.end, 1)
    }
}

impl fmt::Display for PeriodSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.start, self.end);
        write!(
            f,
            "{:02}.{:02}.{:04}–{:02}.{:02}.{:04}",
            a.day(),
            a.month(),
            a.year(),
            b.day(),
            b.month(),
            b.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kyiv_midnight_follows_daylight_saving() {
        // Winter: UTC+2, so midnight is 22:00 UTC the day before.
        assert_eq!(
            kyiv_start_of_day(d(2026, 1, 1)),
            Utc.with_ymd_and_hms(2025, 12, 31, 22, 0, 0).unwrap()
        );
        // Summer: UTC+3, so 21:00 UTC.
        assert_eq!(
            kyiv_start_of_day(d(2026, 7, 1)),
            Utc.with_ymd_and_hms(2026, 6, 30, 21, 0, 0).unwrap()
        );
        // The day of the spring switch (29 March 2026) still starts at a real midnight.
        let start = kyiv_start_of_day(d(2026, 3, 29));
        assert_eq!(kyiv_date(start), d(2026, 3, 29));
        assert_eq!(
            kyiv_date(start - chrono::Duration::seconds(1)),
            d(2026, 3, 28)
        );
    }

    #[test]
    fn month_boundaries_are_kyiv_ones() {
        let before = Utc.with_ymd_and_hms(2026, 1, 31, 21, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 1, 31, 22, 0, 0).unwrap();
        assert_eq!(BillingMonth::of(before).to_string(), "2026-01");
        assert_eq!(BillingMonth::of(after).to_string(), "2026-02");
    }

    #[test]
    fn days_in_month_and_leap_years() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
        assert_eq!(days_in_month(2026, 12), 31);
        assert_eq!(days_in_month(2026, 4), 30);
    }

    #[test]
    fn months_parse_and_step() {
        let m: BillingMonth = "2026-11".parse().unwrap();
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert_eq!(m.last_day(), d(2026, 11, 30));
        assert_eq!(
            "2026-13".parse::<BillingMonth>().unwrap_err().code(),
            "calendar.month"
        );
        assert_eq!(
            "26-01".parse::<BillingMonth>().unwrap_err().code(),
            "calendar.month"
        );
    }

    #[test]
    fn spans() {
        let q = PeriodSpan::full(d(2026, 11, 1), 3);
        assert_eq!(q.end, d(2027, 1, 31));
        assert_eq!(q.days(), 92);
        assert!(!q.is_partial());
        let p = PeriodSpan::first_partial(d(2026, 2, 20), 1);
        assert_eq!((p.days(), p.basis_days), (9, 28));
        assert!(p.is_partial());
        assert_eq!(p.next_start(), d(2026, 3, 1));
    }

    #[test]
    fn prorates_once() {
        let m: Money = "100".parse().unwrap();
        assert_eq!(prorate(m, 1, 3).unwrap().to_string(), "33.33");
        assert_eq!(prorate(m, 2, 3).unwrap().to_string(), "66.67");
        let half_kop: Money = "0.05".parse().unwrap();
        assert_eq!(prorate(half_kop, 1, 2).unwrap().to_string(), "0.03");
        assert_eq!(prorate(m, 5, 0).unwrap(), Money::ZERO);
    }
}
