//! Shared helpers for the account tests: a tariff catalog, Kyiv times, ids, and a project driver
//! that keeps the audit trail.
#![allow(dead_code)]

use billing_core::account::{Account, AccountCommand, AccountError, AccountEvent, BillingPolicy};
use billing_core::calendar::KYIV;
use billing_core::payment::{AttemptId, CardToken, LinkId, PaymentId, RefundId, SavedCard};
use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
use billing_core::{Actor, Audited, InvoiceNumber, Money, ServiceCode};
use chrono::{DateTime, TimeZone, Utc};

pub fn m(s: &str) -> Money {
    s.parse().unwrap()
}

/// A Kyiv wall-clock time as a UTC instant.
pub fn kyiv(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

pub fn manager() -> Actor {
    Actor::Manager { id: "bob".into() }
}

pub fn pid(s: &str) -> PaymentId {
    PaymentId::new(s).unwrap()
}

pub fn aid(s: &str) -> AttemptId {
    AttemptId::new(s).unwrap()
}

pub fn lid(s: &str) -> LinkId {
    LinkId::new(s).unwrap()
}

pub fn rid(s: &str) -> RefundId {
    RefundId::new(s).unwrap()
}

pub fn card(n: u32) -> SavedCard {
    SavedCard::new(
        CardToken::new(&format!("tok_secret_{n}")),
        &format!("4441 11** **** {n:04}"),
        "IVAN PETRENKO",
    )
}

/// The test catalog: start (300/month), business (900/month, api + multi_warehouse), pro (700/month,
/// api), all with quarterly, half-yearly and yearly prices.
pub fn catalog() -> TariffCatalog {
    let t = |code: &str, name: &str, monthly: u32, limits: Limits, features: &[&str]| {
        let mut t = Tariff::new(code, name, limits)
            .unwrap()
            .with_price(
                BillingPeriod::Monthly,
                Money::from_hryvnias(monthly).unwrap(),
            )
            .with_price(
                BillingPeriod::Quarterly,
                Money::from_hryvnias(monthly * 3 - monthly / 10).unwrap(),
            )
            .with_price(
                BillingPeriod::HalfYearly,
                Money::from_hryvnias(monthly * 6 - monthly / 2).unwrap(),
            )
            .with_price(
                BillingPeriod::Yearly,
                Money::from_hryvnias(monthly * 10).unwrap(),
            );
        for f in features {
            t = t.with_feature(f).unwrap();
        }
        t
    };
    TariffCatalog::new(vec![
        t(
            "start",
            "Старт",
            300,
            Limits {
                max_products: Some(100),
                max_orders_per_month: Some(300),
            },
            &[],
        ),
        t(
            "business",
            "Бізнес",
            900,
            Limits {
                max_products: Some(5000),
                max_orders_per_month: None,
            },
            &["api", "multi_warehouse"],
        ),
        t(
            "pro",
            "Профі",
            700,
            Limits {
                max_products: Some(1000),
                max_orders_per_month: Some(3000),
            },
            &["api"],
        ),
    ])
    .unwrap()
}

pub fn tariff(code: &str) -> Tariff {
    catalog()
        .get(&TariffCode::new(code).unwrap())
        .unwrap()
        .clone()
}

/// A project under test: its account, its audit trail and the policy.
pub struct Project {
    pub account: Account,
    pub trail: Vec<Audited<AccountEvent>>,
    pub policy: BillingPolicy,
}

impl Project {
    pub fn new() -> Project {
        Project::with_policy(BillingPolicy::default())
    }

    pub fn with_policy(policy: BillingPolicy) -> Project {
        Project {
            account: Account::new(ServiceCode::parse("00042").unwrap()),
            trail: Vec::new(),
            policy,
        }
    }

    /// Runs a command; on success the events are applied and kept.
    pub fn run(
        &mut self,
        cmd: AccountCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<AccountEvent>, AccountError> {
        let before = self.account.clone();
        match self.account.execute(&cmd, actor, now, &self.policy) {
            Ok(audited) => {
                let events = audited.iter().map(|a| a.event.clone()).collect();
                self.trail.extend(audited);
                Ok(events)
            }
            Err(e) => {
                assert_eq!(before, self.account, "a refusal changed the state");
                Err(e)
            }
        }
    }

    /// Runs a command that must succeed.
    pub fn ok(
        &mut self,
        cmd: AccountCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Vec<AccountEvent> {
        match self.run(cmd.clone(), actor, now) {
            Ok(e) => e,
            Err(e) => panic!(
                "{} refused: {e} ({})",
                cmd.name(),
                billing_core::ErrorCode::code(&e)
            ),
        }
    }

    /// Runs a command that must be refused; returns the error code.
    pub fn code(&mut self, cmd: AccountCommand, actor: &Actor, now: DateTime<Utc>) -> &'static str {
        match self.run(cmd, actor, now) {
            Ok(events) => panic!("expected a refusal, got {events:?}"),
            Err(e) => billing_core::ErrorCode::code(&e),
        }
    }

    pub fn subscribe(
        &mut self,
        code: &str,
        period: BillingPeriod,
        now: DateTime<Utc>,
    ) -> Vec<AccountEvent> {
        self.ok(
            AccountCommand::Subscribe {
                tariff: tariff(code),
                period,
            },
            &Actor::Owner,
            now,
        )
    }

    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<AccountEvent> {
        self.ok(AccountCommand::DailyTick, &Actor::System, now)
    }

    /// The number of the n-th invoice (from 1).
    pub fn number(&self, n: u32) -> InvoiceNumber {
        self.account.invoices()[n as usize - 1].number
    }

    pub fn owed(&self, n: u32) -> Money {
        self.account.invoices()[n as usize - 1].owed()
    }
}

/// Whether any event matches.
pub fn has(events: &[AccountEvent], f: impl Fn(&AccountEvent) -> bool) -> bool {
    events.iter().any(f)
}
