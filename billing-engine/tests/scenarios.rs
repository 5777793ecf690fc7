//! The engine end to end, on the in-memory store and on a real SQLite file, with a test clock and the
//! scripted acquirer: scenarios that read like the billing help page.

use std::sync::Arc;

use billing_core::account::AccessState;
use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::invoice::InvoiceStatus;
use billing_core::notification::Notification;
use billing_core::ports::{Clock, PaymentStatus, ProjectStore};
use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
use billing_core::{Actor, ErrorCode, InvoiceNumber, Money, ServiceCode};
use billing_engine::memory::{ChargeScript, ManualClock, MemoryAcquirer, MEMORY_WEBHOOK_HEADER};
use billing_engine::{Applied, DailyReport, Engine, EngineConfig, Ports};
use billing_store::{MemoryStore, SqliteStore};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn kyiv(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, mo, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn catalog() -> TariffCatalog {
    let basic = Tariff::new(
        "basic",
        "Базовий",
        Limits {
            max_products: Some(1000),
            max_orders_per_month: Some(300),
        },
    )
    .unwrap()
    .with_price(BillingPeriod::Monthly, m("600"))
    .with_price(BillingPeriod::Yearly, m("6000"));
    let pro = Tariff::new("pro", "Профі", Limits::default())
        .unwrap()
        .with_price(BillingPeriod::Monthly, m("1200"))
        .with_feature("api")
        .unwrap();
    TariffCatalog::new(vec![basic, pro]).unwrap()
}

fn owner() -> OwnerContact {
    OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    }
}

struct World {
    engine: Engine,
    clock: Arc<ManualClock>,
    acquirer: Arc<MemoryAcquirer>,
}

fn world(store: Arc<dyn ProjectStore>, start: DateTime<Utc>) -> World {
    let clock = Arc::new(ManualClock::new(start));
    let acquirer = Arc::new(MemoryAcquirer::new());
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    ports.acquirer = acquirer.clone();
    World {
        engine: Engine::new(EngineConfig::new("memory", catalog()), ports),
        clock,
        acquirer,
    }
}

fn code() -> ServiceCode {
    "11111".parse().unwrap()
}

fn inv(s: &str) -> InvoiceNumber {
    s.parse().unwrap()
}

async fn open(w: &World) {
    w.engine
        .open_project(
            code(),
            owner(),
            &TariffCode::new("basic").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
}

/// The first month: a project opened mid-month gets a prorated first invoice, paid by bank transfer
/// (the same bank line twice takes effect once), and the outbox says so.
async fn first_month_by_bank_transfer(store: Arc<dyn ProjectStore>) {
    let w = world(store, kyiv(2026, 3, 16, 10));
    open(&w).await;
    let section = w.engine.billing_section(code()).await.unwrap();
    assert_eq!(section.invoices.len(), 1);
    let first = &section.invoices[0];
    assert_eq!(first.number, inv("HOR-11111-001"));
    // 16..31 March of 31 days: 600 * 16 / 31 = 309.677... -> 309.68.
    assert_eq!(first.total, m("309.68"));
    assert_eq!(section.access, AccessState::PaymentDue);
    assert_eq!(section.owner.as_ref().unwrap().email, "olena@shop.ua");

    let credit = || {
        w.engine.credit_bank_transfer(
            code(),
            &Actor::System,
            "PB-0001",
            m("309.68"),
            Some(inv("HOR-11111-001")),
        )
    };
    assert!(matches!(credit().await.unwrap(), Applied::Done(ref r) if !r.is_empty()));
    assert_eq!(credit().await.unwrap(), Applied::AlreadyApplied);
    let section = w.engine.billing_section(code()).await.unwrap();
    assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);
    assert_eq!(section.total_owed, Money::ZERO);
    assert_eq!(section.access, AccessState::Active);
    assert_eq!(
        section.open_credit,
        Money::ZERO,
        "the repeat was not counted twice"
    );

    let outbox = w.engine.next_notifications(100).await.unwrap();
    assert!(outbox
        .iter()
        .any(|n| matches!(n.notification, Notification::InvoiceIssued { .. })));
    assert!(outbox
        .iter()
        .any(|n| matches!(n.notification, Notification::PaymentReceived { .. })));
    let ids: Vec<i64> = outbox.iter().map(|n| n.id).collect();
    w.engine.acknowledge(&ids).await.unwrap();
    assert!(w.engine.next_notifications(100).await.unwrap().is_empty());
    assert!(!w.engine.audit_trail(code()).await.unwrap().is_empty());
}

#[tokio::test]
async fn first_month_by_bank_transfer_in_memory() {
    first_month_by_bank_transfer(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn first_month_by_bank_transfer_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("billing.db"))
        .await
        .unwrap();
    first_month_by_bank_transfer(Arc::new(store)).await;
}

/// Binding a card with an open invoice pays that invoice with the card saved; autopay then charges
/// the next invoice on the day it is issued; a failed charge is retried on schedule.
#[tokio::test]
async fn card_binding_then_a_year_of_autopay_with_one_failed_charge() {
    let w = world(Arc::new(MemoryStore::new()), kyiv(2026, 3, 16, 10));
    open(&w).await;
    let page = w.engine.bind_card(code()).await.unwrap();
    assert!(page.url.starts_with("https://pay.example.test/"));
    let attempt = page.url.rsplit('/').next().unwrap();
    let event = w
        .acquirer
        .pay_link(&attempt.parse().unwrap(), w.clock.now())
        .unwrap();
    let body = serde_json::to_vec(&event).unwrap();
    let headers = vec![(
        MEMORY_WEBHOOK_HEADER.0.to_string(),
        MEMORY_WEBHOOK_HEADER.1.to_string(),
    )];
    w.engine.acquirer_webhook(&headers, &body).await.unwrap();
    // The same webhook again changes nothing.
    assert_eq!(
        w.engine.acquirer_webhook(&headers, &body).await.unwrap(),
        Applied::AlreadyApplied
    );
    let bad = w.engine.acquirer_webhook(&[], &body).await.unwrap_err();
    assert_eq!(bad.code(), "acquirer.bad_signature");

    let section = w.engine.billing_section(code()).await.unwrap();
    assert!(
        section.payment_method.autopay,
        "the first card payment turns autopay on"
    );
    assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);
    assert!(section.payment_method.card_masked_pan.is_some());

    // April 1st: a new invoice, charged the same day; the second charge (May) fails once.
    w.acquirer.script([
        ChargeScript::Succeed,
        ChargeScript::Decline("insufficient funds".into()),
    ]);
    let mut totals = DailyReport::default();
    let mut day = kyiv(2026, 3, 17, 6);
    let end = kyiv(2027, 3, 16, 6);
    while day < end {
        w.clock.set(day);
        let r = w.engine.run_daily().await.unwrap();
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        totals.invoices_issued += r.invoices_issued;
        totals.charges_succeeded += r.charges_succeeded;
        totals.charges_failed += r.charges_failed;
        day += Duration::days(1);
    }
    assert_eq!(totals.invoices_issued, 12, "April 2026 to March 2027");
    assert_eq!(totals.charges_failed, 1);
    assert_eq!(totals.charges_succeeded, 12, "11 first tries and one retry");
    let section = w.engine.billing_section(code()).await.unwrap();
    assert_eq!(section.invoices.len(), 13);
    assert!(section
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
    assert_eq!(section.access, AccessState::Active);
    let charges = w
        .acquirer
        .calls()
        .iter()
        .filter(|c| c.starts_with("charge:"))
        .count();
    assert_eq!(
        charges, 13,
        "one charge per attempt, never repeated blindly"
    );
}

/// Without an open invoice, binding a card charges 1 UAH and refunds it.
#[tokio::test]
async fn card_verification_is_refunded() {
    let w = world(Arc::new(MemoryStore::new()), kyiv(2026, 3, 16, 10));
    open(&w).await;
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
    let page = w.engine.bind_card(code()).await.unwrap();
    let attempt = page.url.rsplit('/').next().unwrap().to_string();
    let event = w
        .acquirer
        .pay_link(&attempt.parse().unwrap(), w.clock.now())
        .unwrap();
    assert_eq!(event.amount, m("1"));
    w.engine.apply_payment_event(&event).await.unwrap();
    assert!(w.acquirer.calls().iter().any(|c| c.starts_with("refund:")));
    let status = w.acquirer.status(&attempt).unwrap();
    assert_eq!(status, PaymentStatus::Refunded);
    let section = w.engine.billing_section(code()).await.unwrap();
    assert_eq!(section.open_credit, Money::ZERO, "the 1 UAH is not kept");
    assert!(section.payment_method.card_masked_pan.is_some());
}

/// A payment link is valid 30 minutes and renewed when asked after it expired; a payment arriving on
/// the expired link is still credited while the invoice is open.
#[tokio::test]
async fn payment_link_expires_renews_and_late_payment_counts() {
    let w = world(Arc::new(MemoryStore::new()), kyiv(2026, 3, 16, 10));
    open(&w).await;
    let first = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_eq!(first.expires_at, w.clock.now() + Duration::minutes(30));
    let again = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_eq!(again, first, "a valid link is given again");
    w.clock.advance(Duration::minutes(31));
    let renewed = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_ne!(renewed.url, first.url);
    // The payer pays on the old, expired page.
    let old_attempt = first.url.rsplit('/').next().unwrap();
    let event = w
        .acquirer
        .pay_link(&old_attempt.parse().unwrap(), w.clock.now())
        .unwrap();
    w.engine.apply_payment_event(&event).await.unwrap();
    let section = w.engine.billing_section(code()).await.unwrap();
    assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);
}

/// An overdue invoice blocks the panel after the grace days; paying unblocks at once.
#[tokio::test]
async fn debt_blocks_and_payment_unblocks() {
    let w = world(Arc::new(MemoryStore::new()), kyiv(2026, 3, 16, 10));
    open(&w).await;
    let policy = w.engine.config().policy.clone();
    let blocked_day =
        kyiv(2026, 3, 16, 10) + Duration::days(i64::from(policy.due_days + policy.grace_days + 1));
    w.clock.set(blocked_day);
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.blocked, 1);
    assert_eq!(
        w.engine.billing_section(code()).await.unwrap().access,
        AccessState::Blocked
    );
    w.engine
        .credit_bank_transfer(
            code(),
            &Actor::Support { id: "ann".into() },
            "PB-LATE",
            m("309.68"),
            Some(inv("HOR-11111-001")),
        )
        .await
        .unwrap();
    assert_eq!(
        w.engine.billing_section(code()).await.unwrap().access,
        AccessState::Active
    );
}

/// A refused command changes nothing and reaches the caller with its code.
#[tokio::test]
async fn refusals_have_codes_and_change_nothing() {
    let w = world(Arc::new(MemoryStore::new()), kyiv(2026, 3, 16, 10));
    let missing = w.engine.billing_section(code()).await.unwrap_err();
    assert_eq!(missing.code(), "project.not_found");
    let unknown = w
        .engine
        .credit_bank_transfer(code(), &Actor::System, "PB-X", m("1"), None)
        .await
        .unwrap_err();
    assert_eq!(
        unknown.code(),
        "project.not_found",
        "no stream is created for a stranger"
    );
    assert!(w.engine.projects().await.unwrap().is_empty());
    open(&w).await;
    let before = w.engine.audit_trail(code()).await.unwrap().len();
    let err = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-099"))
        .await
        .unwrap_err();
    assert!(err.code().starts_with("invoice."), "{}", err.code());
    assert_eq!(w.engine.audit_trail(code()).await.unwrap().len(), before);
}
