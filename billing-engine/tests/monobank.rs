//! The engine end to end on the real monobank adapter (`billing-monobank`), which talks HTTP to a
//! local server in this test process speaking the documented monobank protocol: bind a card, autopay
//! months, a failed charge and its retry, 3-D Secure turned into a payment link, payment links that
//! expire and are renewed, a late payment on an expired link, the 1 UAH verification refunded
//! through `invoice/cancel`, unknown outcomes reconciled without a second charge, signed webhooks
//! in any order.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use billing_core::account::AccessState;
use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::invoice::InvoiceStatus;
use billing_core::ports::{Clock, ProjectStore};
use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
use billing_core::{Actor, ErrorCode, InvoiceNumber, Money, ServiceCode};
use billing_engine::memory::ManualClock;
use billing_engine::{Applied, DailyReport, Engine, EngineConfig, Ports};
use billing_monobank::fake::{ChargeBehaviour, FakeMonobank, Webhook};
use billing_monobank::{MonobankAcquirer, MonobankConfig, SecretString};
use billing_store::MemoryStore;
use chrono::{DateTime, Duration, TimeZone, Utc};

const TOKEN: &str = "test-merchant-token-uY7x";
const CREATE: &str = "/api/merchant/invoice/create";
const CHARGE: &str = "/api/merchant/wallet/payment";
const CANCEL: &str = "/api/merchant/invoice/cancel";

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
    .with_price(BillingPeriod::Monthly, m("600"));
    TariffCatalog::new(vec![basic]).unwrap()
}

struct World {
    engine: Engine,
    clock: Arc<ManualClock>,
    bank: FakeMonobank,
}

async fn world(start: DateTime<Utc>) -> World {
    let clock = Arc::new(ManualClock::new(start));
    let bank = FakeMonobank::start(TOKEN, clock.clone()).await.unwrap();
    let config = MonobankConfig::new(SecretString::from(TOKEN))
        .with_base_url(bank.base_url())
        .with_webhook_url("https://app.example/hooks/mono")
        .with_redirect_url("https://app.example/billing")
        .with_request_timeout(StdDuration::from_millis(400))
        .with_key_refetch_interval(StdDuration::ZERO);
    let acquirer = MonobankAcquirer::with_clock(config, clock.clone()).unwrap();
    let store: Arc<dyn ProjectStore> = Arc::new(MemoryStore::new());
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    ports.acquirer = Arc::new(acquirer);
    let engine = Engine::new(EngineConfig::new("memory", catalog()), ports);
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
    /// Delivers every webhook the bank has sent (and those the deliveries cause), in order.
    async fn deliver_all(&self) -> usize {
        let mut n = 0;
        loop {
            let hooks = self.bank.take_webhooks();
            if hooks.is_empty() {
                return n;
            }
            for h in hooks {
                self.deliver(&h).await;
                n += 1;
            }
        }
    }

    async fn deliver(&self, h: &Webhook) -> Applied {
        self.engine
            .acquirer_webhook(&h.headers, &h.body)
            .await
            .unwrap_or_else(|e| panic!("webhook {} {}: {e}", h.invoice_id, h.status))
    }

    async fn section(&self) -> billing_core::section::BillingSection {
        self.engine.billing_section(code()).await.unwrap()
    }

    /// Runs the daily job day by day from `from` up to (not including) `to`, delivering webhooks.
    async fn days(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> DailyReport {
        let mut totals = DailyReport::default();
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
            self.deliver_all().await;
            day += Duration::days(1);
        }
        totals
    }

    /// Binds a card through the page the engine gives; the owner pays it.
    async fn bind_and_pay(&self) -> String {
        let page = self.engine.bind_card(code()).await.unwrap();
        let invoice = self.bank.invoice_of_page(&page.url).unwrap();
        self.bank.pay(&invoice, "444111******1234").unwrap();
        self.deliver_all().await;
        invoice
    }
}

fn charged_invoices(bank: &FakeMonobank) -> usize {
    bank.received_on(CHARGE).len()
}

/// Binding a card with an open invoice pays it through monobank with the card saved to the
/// project's wallet; autopay then charges each new invoice with `initiationKind: merchant`; a
/// declined charge is retried on schedule with a new attempt id, never repeated blindly.
#[tokio::test]
async fn bind_a_card_then_autopay_with_a_failed_charge_and_its_retry() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
    let invoice = w.bind_and_pay().await;
    let create = &w.bank.received_on(CREATE)[0].body;
    assert_eq!(create["amount"], 30968, "309.68 UAH in kopiyky");
    assert_eq!(create["ccy"], 980);
    assert_eq!(create["validity"], 1800);
    assert_eq!(create["merchantPaymInfo"]["reference"], "B-11111-1");
    assert_eq!(create["saveCardData"]["saveCard"], true);
    assert_eq!(create["saveCardData"]["walletId"], "11111");
    assert_eq!(create["webHookUrl"], "https://app.example/hooks/mono");
    assert_eq!(w.bank.status_of(&invoice).unwrap(), "success");
    let token = w.bank.wallet("11111").pop().unwrap();

    let section = w.section().await;
    assert!(section.payment_method.autopay);
    assert_eq!(
        section.payment_method.card_masked_pan.as_deref(),
        Some("444111******1234")
    );
    assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);
    assert!(
        !format!("{section:?}").contains(&token),
        "the card token never shows"
    );

    // April: charged on the day; May: declined once, then retried and paid.
    w.bank.script_charges([
        ChargeBehaviour::Succeed,
        ChargeBehaviour::Decline("Недостатньо коштів".into()),
    ]);
    let totals = w.days(kyiv(2026, 3, 17, 6), kyiv(2026, 6, 16, 6)).await;
    assert_eq!(totals.invoices_issued, 3, "April, May, June");
    assert_eq!(totals.charges_failed, 0, "declines arrive by webhook");
    let section = w.section().await;
    assert_eq!(section.invoices.len(), 4);
    assert!(
        section
            .invoices
            .iter()
            .all(|i| i.status == InvoiceStatus::Paid),
        "{:?}",
        section.invoices
    );
    assert_eq!(section.access, AccessState::Active);
    let charges = w.bank.received_on(CHARGE);
    assert_eq!(charges.len(), 4, "3 invoices and one retry");
    for c in &charges {
        assert_eq!(c.body["initiationKind"], "merchant");
        assert_eq!(c.body["cardToken"], token.as_str());
        assert_eq!(c.body["amount"], 60000);
        assert_eq!(c.body["ccy"], 980);
    }
    let refs: Vec<&str> = charges
        .iter()
        .map(|c| c.body["merchantPaymInfo"]["reference"].as_str().unwrap())
        .collect();
    let mut unique = refs.clone();
    unique.dedup();
    assert_eq!(unique.len(), 4, "each try its own attempt id: {refs:?}");
    let outbox = w.engine.next_notifications(100).await.unwrap();
    assert!(outbox.iter().any(|n| matches!(
        n.notification,
        billing_core::notification::Notification::ChargeFailed { .. }
    )));
}

/// Without an open invoice, binding charges 1 UAH to the project's wallet and the engine refunds it
/// through `invoice/cancel` with our refund id as `extRef`; monobank's `reversed` webhook that
/// follows changes nothing.
#[tokio::test]
async fn card_verification_is_refunded_through_invoice_cancel() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
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
    let invoice = w.bind_and_pay().await;
    let create = &w.bank.received_on(CREATE)[0].body;
    assert_eq!(create["amount"], 100, "1 UAH");
    assert_eq!(create["saveCardData"]["walletId"], "11111");
    let cancels = w.bank.received_on(CANCEL);
    assert_eq!(cancels.len(), 1);
    assert_eq!(cancels[0].body["invoiceId"], invoice.as_str());
    assert_eq!(cancels[0].body["extRef"], "B-11111-1-r");
    assert_eq!(cancels[0].body["amount"], 100);
    assert_eq!(w.bank.status_of(&invoice).unwrap(), "reversed");
    let section = w.section().await;
    assert_eq!(section.open_credit, Money::ZERO, "the 1 UAH is not kept");
    assert!(section.payment_method.card_masked_pan.is_some());
    let trail = w.engine.audit_trail(code()).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.payload.to_string().contains("refund_completed")),
        "the refund is recorded as completed"
    );
}

/// A payment link lives 30 minutes (`validity` 1800) and is given again while valid; asked after
/// it expired, a new monobank invoice replaces it; the payer who finishes on the old page is still
/// credited; monobank's `expired` webhook for the unused page changes nothing.
#[tokio::test]
async fn payment_link_expires_is_renewed_and_a_late_payment_counts() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
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
    assert_eq!(again, first);
    let creates = w.bank.received_on(CREATE);
    assert_eq!(creates.len(), 1, "a valid link is not created twice");
    assert_eq!(creates[0].body["validity"], 1800);
    assert_eq!(
        creates[0].body["merchantPaymInfo"]["reference"],
        "HOR-11111-001-l1"
    );
    assert_eq!(creates[0].body["paymentType"], "debit");

    w.clock.advance(Duration::minutes(31));
    let renewed = w
        .engine
        .payment_link(code(), &Actor::Owner, inv("HOR-11111-001"))
        .await
        .unwrap();
    assert_ne!(renewed.url, first.url);
    let creates = w.bank.received_on(CREATE);
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[1].body["validity"], 1800);
    assert_eq!(
        creates[1].body["merchantPaymInfo"]["reference"],
        "HOR-11111-001-l2"
    );

    // The payer had the old page open and pays late.
    let old = w.bank.invoice_of_page(&first.url).unwrap();
    w.bank.pay(&old, "537541******0001").unwrap();
    w.deliver_all().await;
    let section = w.section().await;
    assert_eq!(section.invoices[0].status, InvoiceStatus::Paid);
    assert!(section.payment_method.autopay, "the card was saved");

    // The unused renewed page expires at monobank.
    w.clock.advance(Duration::minutes(31));
    let expired = w.bank.expire_due();
    assert_eq!(expired, vec![w.bank.invoice_of_page(&renewed.url).unwrap()]);
    assert_eq!(w.deliver_all().await, 1);
    assert_eq!(w.section().await.invoices[0].status, InvoiceStatus::Paid);
    assert!(w.bank.pay(&expired[0], "537541******0001").is_err());
}

/// A charge that asks for 3-D Secure becomes a payment link for the owner (one charge, no retry);
/// paying the link pays the invoice.
#[tokio::test]
async fn three_ds_turns_into_a_payment_link_not_a_retry() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
    w.bind_and_pay().await;
    w.bank.script_charges([ChargeBehaviour::Require3ds]);
    let totals = w.days(kyiv(2026, 4, 1, 6), kyiv(2026, 4, 3, 6)).await;
    assert_eq!(totals.charges_3ds, 1);
    assert_eq!(charged_invoices(&w.bank), 1, "no retry of the charge");
    let creates = w.bank.received_on(CREATE);
    let link = creates.last().unwrap();
    let reference = link.body["merchantPaymInfo"]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reference.ends_with("-3ds"), "{reference}");
    assert_eq!(link.body["amount"], 60000);
    let page_invoice = w.bank.invoices_for(&reference).pop().unwrap();
    w.bank.pay(&page_invoice, "444111******1234").unwrap();
    w.deliver_all().await;
    let section = w.section().await;
    assert!(section
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
}

/// A charge whose answer is lost (a timeout, or HTTP 500 after monobank charged) is reconciled
/// through the statement and a status read, never charged again; a 500 before anything was charged
/// is charged on the next run, once.
#[tokio::test]
async fn unknown_outcomes_are_reconciled_never_charged_twice() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
    w.bind_and_pay().await;

    // April: monobank charges, but the answer comes after the client's timeout, and its webhooks
    // are lost.
    w.bank
        .script_charges([ChargeBehaviour::SucceedThenHang(StdDuration::from_millis(
            1500,
        ))]);
    w.clock.set(kyiv(2026, 4, 1, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_pending, 1, "{r:?}");
    let lost = w.bank.take_webhooks();
    assert!(!lost.is_empty());
    w.clock.set(kyiv(2026, 4, 2, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_succeeded, 1, "{r:?}");
    assert_eq!(
        charged_invoices(&w.bank),
        1,
        "reconciled, not charged again"
    );
    assert!(w
        .bank
        .received()
        .iter()
        .any(|r| r.path == "/api/merchant/statement"));

    // May: HTTP 500 after the charge went through.
    w.bank.script_charges([ChargeBehaviour::SucceedThen500]);
    w.clock.set(kyiv(2026, 5, 1, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_pending, 1, "{r:?}");
    w.bank.take_webhooks();
    w.clock.set(kyiv(2026, 5, 2, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_succeeded, 1, "{r:?}");
    assert_eq!(charged_invoices(&w.bank), 2);

    // June: HTTP 500 before anything was charged: the next run finds nothing and charges once.
    w.bank.script_charges([ChargeBehaviour::FailBefore500]);
    w.clock.set(kyiv(2026, 6, 1, 6));
    let r = w.engine.run_daily().await.unwrap();
    assert_eq!(r.charges_pending, 1, "{r:?}");
    w.clock.set(kyiv(2026, 6, 2, 6));
    w.engine.run_daily().await.unwrap();
    w.deliver_all().await;
    assert_eq!(charged_invoices(&w.bank), 4, "one request lost, one charge");
    let june = w.bank.received_on(CHARGE);
    assert_eq!(
        june[2].body["merchantPaymInfo"]["reference"],
        june[3].body["merchantPaymInfo"]["reference"],
        "the same attempt, proven uncharged"
    );
    let section = w.section().await;
    assert_eq!(section.invoices.len(), 4);
    assert!(section
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
    assert_eq!(section.open_credit, Money::ZERO, "nothing was paid twice");
}

/// Webhooks are checked before anything is parsed: a changed byte, a trailing newline or a missing
/// header is refused; after monobank rotates its key, the adapter fetches it again once.
#[tokio::test]
async fn forged_webhooks_are_refused_and_a_rotated_key_is_fetched_again() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
    let page = w.engine.bind_card(code()).await.unwrap();
    let invoice = w.bank.invoice_of_page(&page.url).unwrap();
    w.bank.pay(&invoice, "444111******1234").unwrap();
    let hooks = w.bank.take_webhooks();
    let success = hooks.iter().find(|h| h.status == "success").unwrap();

    let mut changed = success.body.clone();
    let text = String::from_utf8(changed.clone()).unwrap();
    changed = text.replace("30968", "99999").into_bytes();
    let err = w
        .engine
        .acquirer_webhook(&success.headers, &changed)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.bad_signature");
    let mut newline = success.body.clone();
    newline.push(b'\n');
    let err = w
        .engine
        .acquirer_webhook(&success.headers, &newline)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.bad_signature");
    let err = w
        .engine
        .acquirer_webhook(&[], &success.body)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.bad_signature");
    assert!(
        !w.section().await.payment_method.autopay,
        "nothing was applied"
    );
    let fetches = w.bank.pubkey_fetches();
    assert!(fetches >= 1);

    // The genuine webhooks apply; the cached key is used (no new fetch).
    for h in &hooks {
        w.deliver(h).await;
    }
    assert_eq!(w.bank.pubkey_fetches(), fetches);
    assert!(w.section().await.payment_method.autopay);

    // monobank rotates its key: the next genuine webhook makes the adapter fetch it once.
    w.bank.rotate_key();
    w.bank.script_charges([ChargeBehaviour::Succeed]);
    w.days(kyiv(2026, 4, 1, 6), kyiv(2026, 4, 2, 6)).await;
    assert_eq!(w.bank.pubkey_fetches(), fetches + 1);
    assert!(w
        .section()
        .await
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Paid));
}

/// An event older (by `modifiedDate`) than the state already applied never overrides it: a genuine,
/// signed `failure` dated before the `success` is answered with the newer state, applied already.
#[tokio::test]
async fn an_older_event_never_overrides_a_newer_state() {
    let w = world(kyiv(2026, 3, 16, 10)).await;
    let invoice = w.bind_and_pay().await;
    let before = w.section().await;
    assert!(before.payment_method.autopay);
    let body = format!(
        r#"{{"invoiceId":"{invoice}","status":"failure","failureReason":"Відмова банку","amount":30968,"ccy":980,"createdDate":"{at}","modifiedDate":"{at}","reference":"B-11111-1"}}"#,
        at = "2026-03-16T08:00:00Z"
    );
    let headers = vec![("X-Sign".to_string(), w.bank.sign(body.as_bytes()))];
    let applied = w
        .engine
        .acquirer_webhook(&headers, body.as_bytes())
        .await
        .unwrap();
    assert_eq!(applied, Applied::AlreadyApplied);
    assert_eq!(w.section().await, before);
}

/// A deterministic shuffle (xorshift), so every failing case can be replayed from its seed.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut s = seed | 1;
    for i in (1..items.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        items.swap(i, (s % (i as u64 + 1)) as usize);
    }
}

/// Property: any reordering and duplication of a payment's webhooks ends in the same billing state
/// as the in-order sequence (over 24 seeds, three payment paths: a card binding that pays the
/// invoice, a 1 UAH verification refunded, a declined payment).
#[tokio::test]
async fn webhooks_in_any_order_and_repeated_end_in_the_in_order_state() {
    async fn run(path: u8, seed: Option<u64>) -> billing_core::section::BillingSection {
        let w = world(kyiv(2026, 3, 16, 10)).await;
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
        let invoice = w.bank.invoice_of_page(&page.url).unwrap();
        if path == 2 {
            w.bank.decline(&invoice, "Картку заблоковано").unwrap();
        } else {
            w.bank.pay(&invoice, "444111******1234").unwrap();
        }
        let mut hooks = w.bank.take_webhooks();
        assert!(hooks.len() >= 2);
        if let Some(seed) = seed {
            let extra: Vec<Webhook> = (0..(seed % 4))
                .map(|i| hooks[((seed >> (8 * i)) as usize) % hooks.len()].clone())
                .collect();
            hooks.extend(extra);
            shuffle(&mut hooks, seed);
        }
        for h in &hooks {
            w.deliver(h).await;
        }
        // What the deliveries caused (the refund's `reversed`), delivered twice.
        let after = w.bank.take_webhooks();
        for h in after.iter().chain(after.iter()) {
            w.deliver(h).await;
        }
        w.section().await
    }
    for path in 0..3u8 {
        let expected = run(path, None).await;
        for seed in 0..8u64 {
            let seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(path);
            let got = run(path, Some(seed)).await;
            assert_eq!(got, expected, "path {path}, seed {seed}");
        }
    }
}
