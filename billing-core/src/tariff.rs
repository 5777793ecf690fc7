//! Tariffs (тарифи) and their limits: the catalog, billing periods of 1, 3, 6 or 12 months with their
//! own prices, usage snapshots, limit checks, "additional features" and the tariff change rules.
//!
//! ```
//! use billing_core::tariff::{BillingPeriod, Limits, LimitState, Tariff, Usage, UsageSnapshot};
//! use chrono::{TimeZone, Utc};
//!
//! let start = Tariff::new("start", "Старт", Limits { max_products: Some(100), max_orders_per_month: None })?
//!     .with_price(BillingPeriod::Monthly, "300".parse()?);
//! let at = Utc.with_ymd_and_hms(2026, 3, 10, 3, 0, 0).unwrap();
//! let usage = Usage::new(start.limits, UsageSnapshot::new(95, 12, at));
//! assert_eq!(usage.products().state, LimitState::Near);
//! assert!(usage.can_add_products(5));
//! assert!(!usage.can_add_products(6));
//! assert!(usage.can_accept_order());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::BillingMonth;
use crate::error::ErrorCode;
use crate::ids::serde_as_string;
use crate::money::Money;

/// Why a tariff, a catalog or a tariff change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    /// A tariff code or feature flag is not 1 to 32 characters of `a-z`, `0-9`, `_`, `-`.
    #[error("not a tariff code or feature name (a-z, 0-9, _ and -, up to 32): {input:?}")]
    Code {
        /// The offending input.
        input: String,
    },
    /// The catalog has two tariffs with the same code.
    #[error("the catalog has the tariff {code} twice")]
    Duplicate {
        /// The repeated code.
        code: String,
    },
    /// The tariff offers no price for the billing period.
    #[error("the tariff {code} has no price for {period:?}")]
    PeriodNotOffered {
        /// The tariff.
        code: String,
        /// The period asked for.
        period: BillingPeriod,
    },
    /// The new tariff is the current one.
    #[error("the project is already on the tariff {code}")]
    Same {
        /// The tariff.
        code: String,
    },
    /// A downgrade refused: current usage exceeds a limit of the new tariff.
    #[error("usage exceeds the {limit:?} limit of the tariff {code}: {used} used, {allowed} allowed ({excess} over)")]
    UsageExceedsLimit {
        /// The new tariff.
        code: String,
        /// Which limit.
        limit: LimitKind,
        /// Current usage.
        used: u32,
        /// The new tariff's limit.
        allowed: u32,
        /// By how much usage exceeds it.
        excess: u32,
    },
}

impl ErrorCode for TariffError {
    fn code(&self) -> &'static str {
        match self {
            TariffError::Code { .. } => "tariff.code",
            TariffError::Duplicate { .. } => "tariff.duplicate",
            TariffError::PeriodNotOffered { .. } => "tariff.period_not_offered",
            TariffError::Same { .. } => "tariff.same",
            TariffError::UsageExceedsLimit { .. } => "tariff.usage_exceeds_limit",
        }
    }

    fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            TariffError::Code { .. } | TariffError::Duplicate { .. }
        )
    }
}

fn valid_name(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

macro_rules! name_type {
    ($(#[$m:meta])* $t:ident) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $t(String);

        impl $t {
            /// Parses 1 to 32 characters of `a-z`, `0-9`, `_` and `-`.
            pub fn new(input: &str) -> Result<$t, TariffError> {
                if valid_name(input) {
                    Ok($t(input.to_string()))
                } else {
                    Err(TariffError::Code { input: input.to_string() })
                }
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.0)
            }
        }

        impl FromStr for $t {
            type Err = TariffError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::new(s)
            }
        }

        serde_as_string!($t);
    };
}

name_type!(
    /// A tariff's code in the catalog (`start`, `business`).
    TariffCode
);
name_type!(
    /// A feature flag a tariff turns on (`api`, `multi_warehouse`).
    Feature
);

/// A billing period length: 1, 3, 6 or 12 months, each with its own price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingPeriod {
    /// One month.
    Monthly,
    /// Three months.
    Quarterly,
    /// Six months.
    HalfYearly,
    /// Twelve months.
    Yearly,
}

impl BillingPeriod {
    /// All periods, shortest first.
    pub const ALL: [BillingPeriod; 4] = [
        BillingPeriod::Monthly,
        BillingPeriod::Quarterly,
        BillingPeriod::HalfYearly,
        BillingPeriod::Yearly,
    ];

    /// The number of months.
    pub fn months(self) -> u32 {
        match self {
            BillingPeriod::Monthly => 1,
            BillingPeriod::Quarterly => 3,
            BillingPeriod::HalfYearly => 6,
            BillingPeriod::Yearly => 12,
        }
    }

    /// The period of 1, 3, 6 or 12 months.
    pub fn from_months(months: u32) -> Option<BillingPeriod> {
        BillingPeriod::ALL
            .into_iter()
            .find(|p| p.months() == months)
    }
}

/// A tariff's limits; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Limits {
    /// The most products the shop may have.
    pub max_products: Option<u32>,
    /// The most orders per calendar month (Kyiv time).
    pub max_orders_per_month: Option<u32>,
}

/// Which limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// [`Limits::max_products`].
    Products,
    /// [`Limits::max_orders_per_month`].
    OrdersPerMonth,
}

/// A tariff of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// Its code.
    pub code: TariffCode,
    /// Its display name.
    pub name: String,
    /// The price of each billing period it offers.
    pub prices: BTreeMap<BillingPeriod, Money>,
    /// Its limits.
    pub limits: Limits,
    /// The features it turns on.
    pub features: BTreeSet<Feature>,
}

impl Tariff {
    /// A tariff with no prices and no features yet.
    pub fn new(code: &str, name: &str, limits: Limits) -> Result<Tariff, TariffError> {
        Ok(Tariff {
            code: TariffCode::new(code)?,
            name: name.to_string(),
            prices: BTreeMap::new(),
            limits,
            features: BTreeSet::new(),
        })
    }

    /// The same tariff with a price for a period.
    pub fn with_price(mut self, period: BillingPeriod, price: Money) -> Tariff {
        self.prices.insert(period, price);
        self
    }

    /// The same tariff with a feature (an invalid name is refused).
    pub fn with_feature(mut self, feature: &str) -> Result<Tariff, TariffError> {
        self.features.insert(Feature::new(feature)?);
        Ok(self)
    }

    /// The price of a period, or [`TariffError::PeriodNotOffered`].
    pub fn price(&self, period: BillingPeriod) -> Result<Money, TariffError> {
        self.prices
            .get(&period)
            .copied()
            .ok_or_else(|| TariffError::PeriodNotOffered {
                code: self.code.to_string(),
                period,
            })
    }

    /// Whether the tariff turns a feature on.
    pub fn has_feature(&self, feature: &Feature) -> bool {
        self.features.contains(feature)
    }

    /// The lowest price per month over the periods it offers (exact, not rounded: used only to
    /// compare tariffs).
    pub fn lowest_monthly_rate(&self) -> Option<Decimal> {
        self.prices
            .iter()
            .map(|(p, m)| m.as_decimal() / Decimal::from(p.months()))
            .min()
    }

    /// The first limit of this tariff that `usage` exceeds, with the excess; `None` when it fits.
    pub fn first_excess(&self, usage: &UsageSnapshot) -> Option<TariffError> {
        let checks = [
            (
                LimitKind::Products,
                usage.products,
                self.limits.max_products,
            ),
            (
                LimitKind::OrdersPerMonth,
                usage.orders_this_month,
                self.limits.max_orders_per_month,
            ),
        ];
        checks.into_iter().find_map(|(limit, used, allowed)| {
            let allowed = allowed?;
            (used > allowed).then(|| TariffError::UsageExceedsLimit {
                code: self.code.to_string(),
                limit,
                used,
                allowed,
                excess: used - allowed,
            })
        })
    }
}

/// Whether a tariff change is an upgrade (takes effect now) or a downgrade (at the end of the paid
/// period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeDirection {
    /// The new tariff costs more for the current period length.
    Upgrade,
    /// The new tariff costs the same or less.
    Downgrade,
}

/// Classifies a change from `current` to `new` for the period length the project pays: an upgrade
/// when the new price is higher. Refuses the same tariff and a tariff without that period.
pub fn classify_change(
    current: &Tariff,
    new: &Tariff,
    period: BillingPeriod,
) -> Result<ChangeDirection, TariffError> {
    if current.code == new.code {
        return Err(TariffError::Same {
            code: new.code.to_string(),
        });
    }
    let new_price = new.price(period)?;
    let old_price = current.price(period).unwrap_or(Money::ZERO);
    Ok(if new_price > old_price {
        ChangeDirection::Upgrade
    } else {
        ChangeDirection::Downgrade
    })
}

/// A feature the current tariff lacks, with the cheapest tariff that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdditionalFeature {
    /// The feature.
    pub feature: Feature,
    /// The cheapest tariff (lowest price per month) that has it.
    pub cheapest: TariffCode,
}

/// The tariff catalog: each code once (also when read from JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<Tariff>", into = "Vec<Tariff>")]
pub struct TariffCatalog {
    tariffs: Vec<Tariff>,
}

impl TryFrom<Vec<Tariff>> for TariffCatalog {
    type Error = TariffError;
    fn try_from(tariffs: Vec<Tariff>) -> Result<TariffCatalog, TariffError> {
        TariffCatalog::new(tariffs)
    }
}

impl From<TariffCatalog> for Vec<Tariff> {
    fn from(c: TariffCatalog) -> Vec<Tariff> {
        c.tariffs
    }
}

impl TariffCatalog {
    /// A catalog; a repeated code is refused.
    pub fn new(tariffs: Vec<Tariff>) -> Result<TariffCatalog, TariffError> {
        let mut seen = BTreeSet::new();
        for t in &tariffs {
            if !seen.insert(&t.code) {
                return Err(TariffError::Duplicate {
                    code: t.code.to_string(),
                });
            }
        }
        Ok(TariffCatalog { tariffs })
    }

    /// The tariff with a code.
    pub fn get(&self, code: &TariffCode) -> Option<&Tariff> {
        self.tariffs.iter().find(|t| &t.code == code)
    }

    /// All tariffs, in catalog order.
    pub fn tariffs(&self) -> &[Tariff] {
        &self.tariffs
    }

    /// "Additional features" (додаткові можливості): the features other tariffs have and `current`
    /// lacks, each with the cheapest tariff that has it (by lowest price per month, then by code).
    /// Sorted by feature name.
    pub fn additional_features(&self, current: &Tariff) -> Vec<AdditionalFeature> {
        let mut best: BTreeMap<&Feature, (&Tariff, Option<Decimal>)> = BTreeMap::new();
        for t in &self.tariffs {
            if t.code == current.code {
                continue;
            }
            let rate = t.lowest_monthly_rate();
            for f in t.features.iter().filter(|f| !current.has_feature(f)) {
                let better = match best.get(f) {
                    None => true,
                    Some((b, b_rate)) => {
                        rank(rate) < rank(*b_rate)
                            || (rank(rate) == rank(*b_rate) && t.code < b.code)
                    }
                };
                if better {
                    best.insert(f, (t, rate));
                }
            }
        }
        best.into_iter()
            .map(|(f, (t, _))| AdditionalFeature {
                feature: f.clone(),
                cheapest: t.code.clone(),
            })
            .collect()
    }
}

/// A tariff without prices sorts after every priced one.
fn rank(rate: Option<Decimal>) -> (bool, Decimal) {
    (rate.is_none(), rate.unwrap_or_default())
}

/// Usage counters as they arrive once a day: products now, orders this Kyiv month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageSnapshot {
    /// Products in the shop now.
    pub products: u32,
    /// Orders accepted in [`UsageSnapshot::month`].
    pub orders_this_month: u32,
    /// The Kyiv month the order counter belongs to.
    pub month: BillingMonth,
    /// When the counters were taken.
    pub taken_at: DateTime<Utc>,
}

impl UsageSnapshot {
    /// A snapshot taken at `taken_at` (its month is the Kyiv month of that instant).
    pub fn new(products: u32, orders_this_month: u32, taken_at: DateTime<Utc>) -> UsageSnapshot {
        UsageSnapshot {
            products,
            orders_this_month,
            month: BillingMonth::of(taken_at),
            taken_at,
        }
    }
}

/// Where usage stands against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitState {
    /// Below 90% of the limit (or unlimited).
    Within,
    /// At 90% of the limit or more, below it.
    Near,
    /// Exactly at the limit.
    Reached,
    /// Above the limit.
    Exceeded,
}

/// A limit check: used, the limit, what remains and the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitCheck {
    /// Usage.
    pub used: u32,
    /// The limit; `None` is unlimited.
    pub limit: Option<u32>,
    /// What remains (0 when reached or exceeded); `None` when unlimited.
    pub remaining: Option<u32>,
    /// The state.
    pub state: LimitState,
}

impl LimitCheck {
    /// Checks `used` against `limit`. "Near" starts at 90% (integer arithmetic: `used × 10 ≥ limit × 9`).
    pub const fn new(used: u32, limit: Option<u32>) -> LimitCheck {
        let (remaining, state) = match limit {
            None => (None, LimitState::Within),
            Some(l) => {
                let state = if used > l {
                    LimitState::Exceeded
                } else if used == l {
                    LimitState::Reached
                } else if used as u64 * 10 >= l as u64 * 9 {
                    LimitState::Near
                } else {
                    LimitState::Within
                };
                (Some(l.saturating_sub(used)), state)
            }
        };
        LimitCheck {
            used,
            limit,
            remaining,
            state,
        }
    }
}

/// A tariff's limits against a usage snapshot; every answer is O(1) and allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// The limits.
    pub limits: Limits,
    /// The latest snapshot.
    pub snapshot: UsageSnapshot,
}

impl Usage {
    /// Limits against a snapshot.
    pub const fn new(limits: Limits, snapshot: UsageSnapshot) -> Usage {
        Usage { limits, snapshot }
    }

    /// The products limit check.
    pub const fn products(&self) -> LimitCheck {
        LimitCheck::new(self.snapshot.products, self.limits.max_products)
    }

    /// The monthly orders limit check.
    pub const fn orders(&self) -> LimitCheck {
        LimitCheck::new(
            self.snapshot.orders_this_month,
            self.limits.max_orders_per_month,
        )
    }

    /// Whether `n` more products fit.
    pub const fn can_add_products(&self, n: u32) -> bool {
        match self.limits.max_products {
            None => true,
            Some(l) => self.snapshot.products as u64 + n as u64 <= l as u64,
        }
    }

    /// Whether one more order fits this month.
    pub const fn can_accept_order(&self) -> bool {
        match self.limits.max_orders_per_month {
            None => true,
            Some(l) => self.snapshot.orders_this_month < l,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn catalog() -> TariffCatalog {
        let lim = |p, o| Limits {
            max_products: p,
            max_orders_per_month: o,
        };
        TariffCatalog::new(vec![
            Tariff::new("start", "Старт", lim(Some(100), Some(300)))
                .unwrap()
                .with_price(BillingPeriod::Monthly, m("300")),
            Tariff::new("business", "Бізнес", lim(Some(5000), None))
                .unwrap()
                .with_price(BillingPeriod::Monthly, m("900"))
                .with_price(BillingPeriod::Yearly, m("9000"))
                .with_feature("api")
                .unwrap()
                .with_feature("multi_warehouse")
                .unwrap(),
            Tariff::new("pro", "Профі", lim(None, None))
                .unwrap()
                .with_price(BillingPeriod::Monthly, m("700"))
                .with_feature("api")
                .unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn limit_states() {
        let s = |used, limit| LimitCheck::new(used, limit).state;
        assert_eq!(s(89, Some(100)), LimitState::Within);
        assert_eq!(s(90, Some(100)), LimitState::Near);
        assert_eq!(s(99, Some(100)), LimitState::Near);
        assert_eq!(s(100, Some(100)), LimitState::Reached);
        assert_eq!(s(101, Some(100)), LimitState::Exceeded);
        assert_eq!(s(0, Some(0)), LimitState::Reached);
        assert_eq!(s(u32::MAX, None), LimitState::Within);
        let c = LimitCheck::new(120, Some(100));
        assert_eq!((c.remaining, c.limit), (Some(0), Some(100)));
        assert_eq!(LimitCheck::new(7, None).remaining, None);
    }

    #[test]
    fn can_add_and_accept() {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 1, 0, 0, 0).unwrap();
        let limits = Limits {
            max_products: Some(10),
            max_orders_per_month: Some(5),
        };
        let u = Usage::new(limits, UsageSnapshot::new(8, 5, at));
        assert!(u.can_add_products(2));
        assert!(!u.can_add_products(3));
        assert!(!u.can_add_products(u32::MAX));
        assert!(!u.can_accept_order());
        let free = Usage::new(Limits::default(), UsageSnapshot::new(8, 5, at));
        assert!(free.can_add_products(u32::MAX) && free.can_accept_order());
    }

    #[test]
    fn additional_features_name_the_cheapest_tariff() {
        let c = catalog();
        let start = c.get(&TariffCode::new("start").unwrap()).unwrap();
        let extra = c.additional_features(start);
        let pairs: Vec<(&str, &str)> = extra
            .iter()
            .map(|a| (a.feature.as_str(), a.cheapest.as_str()))
            .collect();
        // api: business at best 750/month (9000/12), pro 700/month, so pro is cheapest.
        assert_eq!(pairs, vec![("api", "pro"), ("multi_warehouse", "business")]);
        let business = c.get(&TariffCode::new("business").unwrap()).unwrap();
        assert!(c.additional_features(business).is_empty());
    }

    #[test]
    fn change_direction_and_refusals() {
        let c = catalog();
        let get = |s: &str| c.get(&TariffCode::new(s).unwrap()).unwrap().clone();
        let (start, business) = (get("start"), get("business"));
        assert_eq!(
            classify_change(&start, &business, BillingPeriod::Monthly).unwrap(),
            ChangeDirection::Upgrade
        );
        assert_eq!(
            classify_change(&business, &start, BillingPeriod::Monthly).unwrap(),
            ChangeDirection::Downgrade
        );
        assert_eq!(
            classify_change(&start, &start, BillingPeriod::Monthly)
                .unwrap_err()
                .code(),
            "tariff.same"
        );
        assert_eq!(
            classify_change(&business, &start, BillingPeriod::Yearly)
                .unwrap_err()
                .code(),
            "tariff.period_not_offered"
        );
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 1, 0, 0, 0).unwrap();
        let err = start
            .first_excess(&UsageSnapshot::new(130, 10, at))
            .unwrap();
        assert_eq!(err.code(), "tariff.usage_exceeds_limit");
        assert!(matches!(
            err,
            TariffError::UsageExceedsLimit {
                limit: LimitKind::Products,
                used: 130,
                allowed: 100,
                excess: 30,
                ..
            }
        ));
        assert!(start
            .first_excess(&UsageSnapshot::new(100, 300, at))
            .is_none());
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(TariffCode::new("Start").unwrap_err().code(), "tariff.code");
        assert_eq!(TariffCode::new("").unwrap_err().code(), "tariff.code");
        let dup = TariffCatalog::new(vec![
            Tariff::new("a", "A", Limits::default()).unwrap(),
            Tariff::new("a", "A2", Limits::default()).unwrap(),
        ]);
        assert_eq!(dup.unwrap_err().code(), "tariff.duplicate");
    }
}
