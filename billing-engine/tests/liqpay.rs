//! The engine scenarios of `tests/monobank.rs` on the LiqPay adapter (`billing-liqpay`), which talks
//! HTTP to a local server in this test process speaking LiqPay's server API: API version 3 (SHA-1
//! signatures) and 7 (SHA3-256) both run.
//!
//! LiqPay answers `paytoken` with the final status and then posts the same result as a callback.
//! The engine records the synchronous result and answers the callback that repeats a decline or a
//! 3-D Secure request as already applied; the helper below checks that no callback is refused (a
//! refusal could only be `charge.not_in_flight`).

use std::sync::Arc;
use std::time::Duration as StdDuration;

use billing_core::account::AccessState;
use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::invoice::InvoiceStatus;
use billing_core::ports::{Clock, ProjectStore};
use billing_core::section::BillingSection;
use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
use billing_core::{Actor, ErrorCode, InvoiceNumber, Money, ServiceCode};
use billing_engine::memory::ManualClock;
use billing_engine::{DailyReport, Engine, EngineConfig, Ports};
use billing_liqpay::fake::{form_body, form_fields, Callback, ChargeBehaviour, FakeLiqPay};
use billing_liqpay::{signature, ApiVersion, LiqPayAcquirer, LiqPayConfig, SecretString};
use billing_store::MemoryStore;
use chrono::{DateTime, Duration, TimeZone, Utc};

const PUBLIC: &str = "i00000000";
const PRIVATE: &str = "a4825234f4bae72a0be04eafe9e8e2bada209255";

fn kyiv(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn code() -> ServiceCode {
    "11111".parse().unwrap()
}

fn inv(s: &str) -> InvoiceNumber {
    s.parse().unwrap()
}

struct World {
    engine: Engine,
    clock: Arc<ManualClock>,
    bank: FakeLiqPay,
}

async fn world(version: ApiVersion) -> World {
    let clock = Arc::new(ManualClock::new(kyiv(2026, 3, 16, 10)));
    let bank = FakeLiqPay::start(PUBLIC, PRIVATE, version, clock.clone())
        .await
        .unwrap();
    let config = LiqPayConfig::new(PUBLIC, SecretString::from(PRIVATE), version)
        .with_host(bank.base_url())
        .with_server_url("https://app.example/hooks/liqpay")
        .with_request_timeout(StdDuration::from_millis(400));
    let acquirer = LiqPayAcquirer::with_clock(config, clock.clone()).unwrap();
    let store: Arc<dyn ProjectStore> = Arc::new(MemoryStore::new());
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    ports.acquirer = Arc::new(acquirer);
    let basic = Tariff::new(
        "basic",
        "Базовий",
        Limits {
            max_products: Some(1000),
            max_orders_per_month: Some(300),
        },
    )
    .unwrap()
    .with_price(BillingPeriod::Monthly, m("600"));
    let engine = Engine::new(
        EngineConfig::new("memory", TariffCatalog::new(vec![basic]).unwrap()),
        ports,
    );
    engine
        .open_project(
            code(),
            OwnerContact {
                full_name: "Олена Коваль".parse().unwrap(),
                email: "olena@shop.ua".parse().unwrap(),
                phone: "050 123 45 67".parse().unwrap(),
            },
            &TariffCode::new("basic").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
    World {
        engine,
        clock,
        bank,
    }
}

impl World {
    /// Delivers every callback (and those the deliveries cause); the refusals, which must all be
    /// callbacks repeating a charge result the engine already took from the synchronous answer.
    async fn deliver_all(&self) -> usize {
        let mut refused = 0;
        loop {
            let callbacks = self.bank.take_callbacks();
            if callbacks.is_empty() {
                return refused;
            }
            for c in callbacks {
                if let Err(e) = self.deliver(&c).await {
                    assert_eq!(e, "charge.not_in_flight", "{} {}", c.order_id, c.status);
                    assert!(
                        c.status == "failure" || c.status == "3ds_verify",
                        "{}",
                        c.status
                    );
                    refused += 1;
                }
            }
        }
    }

    async fn deliver(&self, c: &Callback) -> Result<(), String> {
        self.engine
            .acquirer_webhook(&c.headers, &c.body)
            .await
            .map(|_| ())
            .map_err(|e| e.code().to_string())
    }

    async fn section(&self) -> BillingSection {
        self.engine.billing_section(code()).await.unwrap()
    }

    /// The daily job day by day, delivering callbacks; the totals and how many callbacks the
    /// engine refused as repeats of synchronous results.
    async fn days(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> (DailyReport, usize) {
        let mut totals = DailyReport::default();
        let mut refused = 0;
        let mut day = from;
        while day < to {
            self.clock.set(day);
            let r = self.engine.run_daily().await.unwrap();
            assert!(r.failures.is_empty(), "{:?}", r.failures);
            totals.invoices_issued += r.invoices_issued;
            totals.charges_succeeded += r.charges_succeeded;
            totals.charges_failed += r.charges_failed;
            totals.charges_3ds += r.charges_3ds;
            totals.charges_pending += r.charges_pending;
            refused += self.deliver_all().await;
            day += Duration::days(1);
        }
        (totals, refused)
    }

    async fn bind_and_pay(&self) -> String {
        let page = self.engine.bind_card(code()).await.unwrap();
        let order = self
            .bank
            .pay_checkout(&page.url, "4441**1234", true)
            .unwrap();
        assert_eq!(self.deliver_all().await, 0);
        order
    }
}

fn all_paid(s: &BillingSection) -> bool {
    s.invoices.iter().all(|i| i.status == InvoiceStatus::Paid)
}

#[tokio::test]
async fn bind_a_card_then_autopay_with_a_failed_charge_and_its_retry() {
    for version in [ApiVersion::V3, ApiVersion::V7] {
        let w = world(version).await;
        let page = w.engine.bind_card(code()).await.unwrap();
        let checkout = w.bank.open_checkout(&page.url).unwrap();
        assert_eq!(checkout["action"], "pay");
        assert_eq!(checkout["amount"], "309.68");
        assert_eq!(checkout["currency"], "UAH");
        assert_eq!(checkout["order_id"], "B-11111-1");
        assert_eq!(checkout["recurringbytoken"], "1");
        assert_eq!(checkout["version"], version.number());
        w.bank.pay_checkout(&page.url, "4441**1234", true).unwrap();
        w.deliver_all().await;
        let section = w.section().await;
        assert!(section.payment_method.autopay);
        assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);

        w.bank.script_charges([
            ChargeBehaviour::Succeed,
            ChargeBehaviour::Decline("Недостатньо коштів".into()),
        ]);
        let (totals, refused) = w.days(kyiv(2026, 3, 17, 6), kyiv(2026, 6, 16, 6)).await;
        assert_eq!(
            refused, 0,
            "the decline's callback repeats the synchronous answer: already applied, not refused"
        );
        assert_eq!(totals.invoices_issued, 3);
        assert_eq!(totals.charges_failed, 1, "a decline is answered at once");
        assert_eq!(totals.charges_succeeded, 3);
        let section = w.section().await;
        assert!(all_paid(&section), "{:?}", section.invoices);
        assert_eq!(section.access, AccessState::Active);
        let charges = w.bank.received_action("paytoken");
        assert_eq!(charges.len(), 4);
        let mut orders: Vec<&str> = charges
            .iter()
            .map(|c| c["order_id"].as_str().unwrap())
            .collect();
        orders.dedup();
        assert_eq!(orders.len(), 4, "a new order_id per try");
        for c in &charges {
            assert_eq!(c["amount"], "600.00");
            assert!(c["card_token"]
                .as_str()
                .unwrap()
                .starts_with("lp-card-token"));
            assert!(!c["ip"].as_str().unwrap().is_empty());
        }
        assert!(!format!("{section:?}").contains("lp-card-token"));
    }
}

#[tokio::test]
async fn card_verification_is_refunded() {
    let w = world(ApiVersion::V3).await;
    w.engine
        .credit_bank_transfer(
            code(),
            &Actor::System,
            "PB-1",
            m("309.68"),
            Some(inv("HOR-11111-001")),
        )
        .await
        .unwrap();
    let order = w.bind_and_pay().await;
    let refunds = w.bank.received_action("refund");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["order_id"], order.as_str());
    assert_eq!(refunds[0]["amount"], "1.00");
    assert_eq!(w.bank.status_of(&order).unwrap(), "reversed");
    let section = w.section().await;
    assert_eq!(section.open_credit, Money::ZERO);
    assert!(section.payment_method.card_masked_pan.is_some());
}

#[tokio::test]
async fn payment_link_expires_is_renewed_and_a_late_payment_counts() {
    let w = world(ApiVersion::V7).await;
    let first = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    let data = w.bank.open_checkout(&first.url).unwrap();
    let expires = (w.clock.now() + Duration::minutes(30))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert_eq!(data["expired_date"], expires.as_str());
    assert_eq!(data["order_id"], "HOR-11111-001-l1");
    let again = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_eq!(again, first);
    w.clock.advance(Duration::minutes(31));
    let renewed = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_ne!(renewed.url, first.url);
    assert_eq!(
        w.bank.open_checkout(&renewed.url).unwrap()["order_id"],
        "HOR-11111-001-l2"
    );
    // Opened after its expiry, the old page refuses; a payer who opened it in time finishes.
    assert!(w
        .bank
        .pay_checkout(&first.url, "5375**0001", false)
        .is_err());
    w.bank.pay_checkout(&first.url, "5375**0001", true).unwrap();
    w.deliver_all().await;
    assert_eq!(w.section().await.invoices[0].status, InvoiceStatus::Paid);
}

#[tokio::test]
async fn three_ds_turns_into_a_payment_link_not_a_retry() {
    let w = world(ApiVersion::V3).await;
    w.bind_and_pay().await;
    w.bank.script_charges([ChargeBehaviour::Require3ds]);
    let (totals, refused) = w.days(kyiv(2026, 4, 1, 6), kyiv(2026, 4, 3, 6)).await;
    assert_eq!(totals.charges_3ds, 1);
    assert_eq!(
        refused, 0,
        "the 3ds_verify callback repeats the synchronous answer: already applied, not refused"
    );
    assert_eq!(w.bank.received_action("paytoken").len(), 1, "no retry");
    let section = w.section().await;
    assert!(!all_paid(&section));
    // The owner pays the link the engine made; its URL is in the published link.
    let project = w.engine.project(code()).await.unwrap();
    let link = project
        .account()
        .links()
        .values()
        .find(|l| l.id.as_str().ends_with("-3ds"))
        .cloned()
        .unwrap();
    w.bank
        .pay_checkout(link.url.as_deref().unwrap(), "4441**1234", true)
        .unwrap();
    w.deliver_all().await;
    assert!(all_paid(&w.section().await));
}

#[tokio::test]
async fn unknown_outcomes_are_reconciled_never_charged_twice() {
    let w = world(ApiVersion::V7).await;
    w.bind_and_pay().await;
    w.bank
        .script_charges([ChargeBehaviour::SucceedThenHang(StdDuration::from_millis(
            1500,
        ))]);
    w.clock.set(kyiv(2026, 4, 1, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_pending, 1, "{r:?}");
    assert!(!w.bank.take_callbacks().is_empty(), "lost");
    w.clock.set(kyiv(2026, 4, 2, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_succeeded, 1, "{r:?}");
    assert_eq!(w.bank.received_action("paytoken").len(), 1);

    w.bank.script_charges([ChargeBehaviour::SucceedThen500]);
    w.clock.set(kyiv(2026, 5, 1, 6));
    assert_eq!(w.engine.run_daily().await.unwrap().charges_pending, 1);
    w.bank.take_callbacks();
    w.clock.set(kyiv(2026, 5, 2, 6));
    assert_eq!(w.engine.run_daily().await.unwrap().charges_succeeded, 1);
    assert_eq!(w.bank.received_action("paytoken").len(), 2);

    w.bank.script_charges([ChargeBehaviour::FailBefore500]);
    w.clock.set(kyiv(2026, 6, 1, 6));
    assert_eq!(w.engine.run_daily().await.unwrap().charges_pending, 1);
    w.clock.set(kyiv(2026, 6, 2, 6));
    w.engine.run_daily().await.unwrap();
    w.deliver_all().await;
    let charges = w.bank.received_action("paytoken");
    assert_eq!(charges.len(), 4);
    assert_eq!(charges[2]["order_id"], charges[3]["order_id"]);
    let section = w.section().await;
    assert!(all_paid(&section));
    assert_eq!(section.open_credit, Money::ZERO);
}

#[tokio::test]
async fn forged_callbacks_and_the_other_versions_hash_are_refused() {
    let w = world(ApiVersion::V7).await;
    let page = w.engine.bind_card(code()).await.unwrap();
    w.bank.pay_checkout(&page.url, "4441**1234", true).unwrap();
    let callbacks = w.bank.take_callbacks();
    let success = callbacks.iter().find(|c| c.status == "success").unwrap();
    let fields = form_fields(&success.body);
    let data = &fields.iter().find(|f| f.0 == "data").unwrap().1;
    let form = form_body;
    let sha1 = signature::sign(PRIVATE, data, ApiVersion::V3);
    for body in [
        form(data, &sha1),
        form(&data.replace('A', "B"), &fields[1].1),
        b"data=&signature=".to_vec(),
        Vec::new(),
    ] {
        let err = w
            .engine
            .acquirer_webhook(&success.headers, &body)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "acquirer.bad_signature");
    }
    assert!(!w.section().await.payment_method.autopay);
    for c in &callbacks {
        w.deliver(c).await.unwrap();
    }
    assert!(w.section().await.payment_method.autopay);
}

fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut s = seed | 1;
    for i in (1..items.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        items.swap(i, (s % (i as u64 + 1)) as usize);
    }
}

/// Property: any reordering and duplication of a payment's callbacks ends in the same billing state
/// as the in-order sequence (8 seeds per path and version).
#[tokio::test]
async fn callbacks_in_any_order_and_repeated_end_in_the_in_order_state() {
    async fn run(version: ApiVersion, path: u8, seed: Option<u64>) -> BillingSection {
        let w = world(version).await;
        if path == 1 {
            w.engine
                .credit_bank_transfer(
                    code(),
                    &Actor::System,
                    "PB-1",
                    m("309.68"),
                    Some(inv("HOR-11111-001")),
                )
                .await
                .unwrap();
        }
        let page = w.engine.bind_card(code()).await.unwrap();
        if path == 2 {
            w.bank.decline_checkout(&page.url, "Ліміт").unwrap();
        } else {
            w.bank.pay_checkout(&page.url, "4441**1234", true).unwrap();
        }
        let mut callbacks = w.bank.take_callbacks();
        if let Some(seed) = seed {
            let extra: Vec<Callback> = (0..(seed % 4))
                .map(|i| callbacks[((seed >> (8 * i)) as usize) % callbacks.len()].clone())
                .collect();
            callbacks.extend(extra);
            shuffle(&mut callbacks, seed);
        }
        for c in &callbacks {
            w.deliver(c).await.unwrap();
        }
        let after = w.bank.take_callbacks();
        for c in after.iter().chain(after.iter()) {
            w.deliver(c).await.unwrap();
        }
        w.section().await
    }
    for version in [ApiVersion::V3, ApiVersion::V7] {
        for path in 0..3u8 {
            let expected = run(version, path, None).await;
            for seed in 0..8u64 {
                let seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(path);
                assert_eq!(
                    run(version, path, Some(seed)).await,
                    expected,
                    "{version:?} path {path} seed {seed}"
                );
            }
        }
    }
}
