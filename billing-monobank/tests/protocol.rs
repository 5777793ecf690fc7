//! The adapter against a local HTTP server in this process that speaks the monobank protocol
//! (`billing_monobank::fake`): request shapes, answers, errors and their classes, refunds,
//! reconciliation reads, webhook keys, and secrets kept out of `Debug` and errors.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use billing_core::payment::{AttemptId, CardToken, PaymentId};
use billing_core::ports::{
    AcquirerError, CardAcquirer, ChargeRequest, Clock, PaymentLinkRequest, PaymentStatus,
    RefundRequest,
};
use billing_core::{ErrorCode, Money};
use billing_monobank::fake::{ChargeBehaviour, FakeMonobank, Fault};
use billing_monobank::{MonobankAcquirer, MonobankConfig, SecretString};
use chrono::{DateTime, Duration, TimeZone, Utc};

const TOKEN: &str = "test-token-Zq93";

struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap()
}

fn config(bank: &FakeMonobank) -> MonobankConfig {
    MonobankConfig::new(SecretString::from(TOKEN))
        .with_base_url(bank.base_url())
        .with_webhook_url("https://app.example/hooks/mono")
        .with_request_timeout(StdDuration::from_millis(300))
        .with_key_refetch_interval(StdDuration::ZERO)
}

async fn setup() -> (FakeMonobank, MonobankAcquirer, Arc<TestClock>) {
    let clock = Arc::new(TestClock(Mutex::new(start())));
    let bank = FakeMonobank::start(TOKEN, clock.clone()).await.unwrap();
    let adapter = MonobankAcquirer::with_clock(config(&bank), clock.clone()).unwrap();
    (bank, adapter, clock)
}

fn attempt(s: &str) -> AttemptId {
    AttemptId::new(s).unwrap()
}

fn link(a: &str, kopiyky: i64, wallet: Option<&str>) -> PaymentLinkRequest {
    PaymentLinkRequest {
        attempt: attempt(a),
        amount: Money::from_kopiyky(kopiyky).unwrap(),
        description: "Оплата за рахунком № HOR-11111-001".into(),
        expires_at: start() + Duration::minutes(30),
        save_card_for: wallet.map(str::to_string),
    }
}

/// A saved card in the bank's wallet `11111`, through a paid 1 UAH verification.
async fn saved_card(bank: &FakeMonobank, adapter: &MonobankAcquirer) -> (CardToken, PaymentId) {
    let page = adapter
        .start_card_verification(link("B-11111-1", 100, Some("11111")))
        .await
        .unwrap();
    bank.pay(page.provider_ref.as_str(), "444111******1234")
        .unwrap();
    let ev = adapter.fetch_status(&page.provider_ref).await.unwrap();
    assert_eq!(ev.status, PaymentStatus::Succeeded);
    (ev.saved_card.unwrap().token, page.provider_ref)
}

fn charge(a: &str, card: &CardToken) -> ChargeRequest {
    ChargeRequest {
        attempt: attempt(a),
        card: card.clone(),
        amount: Money::from_kopiyky(60000).unwrap(),
        description: "Оплата за рахунком № HOR-11111-002".into(),
    }
}

#[tokio::test]
async fn a_payment_link_is_an_invoice_valid_1800_seconds() {
    let (bank, adapter, _) = setup().await;
    let page = adapter
        .create_payment_link(link("HOR-11111-001-l1", 30968, Some("11111")))
        .await
        .unwrap();
    assert!(page.url.contains(page.provider_ref.as_str()));
    assert_eq!(page.expires_at, start() + Duration::minutes(30));
    let sent = &bank.received_on("/api/merchant/invoice/create")[0];
    assert_eq!(sent.method, "POST");
    let b = &sent.body;
    assert_eq!(b["amount"], 30968);
    assert_eq!(b["ccy"], 980);
    assert_eq!(b["validity"], 1800);
    assert_eq!(b["paymentType"], "debit");
    assert_eq!(b["merchantPaymInfo"]["reference"], "HOR-11111-001-l1");
    assert_eq!(
        b["merchantPaymInfo"]["destination"],
        "Оплата за рахунком № HOR-11111-001"
    );
    assert_eq!(b["webHookUrl"], "https://app.example/hooks/mono");
    assert_eq!(b["saveCardData"]["saveCard"], true);
    assert_eq!(b["saveCardData"]["walletId"], "11111");
    assert_eq!(
        bank.status_of(page.provider_ref.as_str()).unwrap(),
        "created"
    );

    // A link asked for after its expiry is refused before anything is sent.
    let mut late = link("HOR-11111-001-l2", 30968, None);
    late.expires_at = start() - Duration::seconds(1);
    let err = adapter.create_payment_link(late).await.unwrap_err();
    assert_eq!(err.code(), "acquirer.rejected");
    assert_eq!(bank.received_on("/api/merchant/invoice/create").len(), 1);

    // Link removal.
    adapter
        .cancel_payment_link(&page.provider_ref)
        .await
        .unwrap();
    assert_eq!(
        bank.status_of(page.provider_ref.as_str()).unwrap(),
        "expired"
    );
    let ev = adapter.fetch_status(&page.provider_ref).await.unwrap();
    assert_eq!(ev.status, PaymentStatus::Expired);
    assert_eq!(ev.attempt.unwrap().as_str(), "HOR-11111-001-l1");
    let again = adapter
        .cancel_payment_link(&page.provider_ref)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "acquirer.rejected");
}

#[tokio::test]
async fn charges_of_the_saved_card_are_merchant_initiated() {
    let (bank, adapter, _) = setup().await;
    let (card, _) = saved_card(&bank, &adapter).await;
    assert_eq!(bank.wallet("11111"), vec![card.expose_secret().to_string()]);

    let ok = adapter
        .charge_saved_card(charge("HOR-11111-002-c1", &card))
        .await
        .unwrap();
    assert_eq!(ok.status, PaymentStatus::Processing);
    let sent = bank.received_on("/api/merchant/wallet/payment");
    assert_eq!(sent[0].body["initiationKind"], "merchant");
    assert_eq!(sent[0].body["cardToken"], card.expose_secret());
    assert_eq!(
        sent[0].body["merchantPaymInfo"]["reference"],
        "HOR-11111-002-c1"
    );
    let settled = adapter.fetch_status(&ok.provider_ref).await.unwrap();
    assert_eq!(settled.status, PaymentStatus::Succeeded);
    assert_eq!(settled.amount, Money::from_kopiyky(60000).unwrap());

    bank.script_charges([
        ChargeBehaviour::DeclineNow("Недостатньо коштів".into()),
        ChargeBehaviour::Require3ds,
    ]);
    let declined = adapter
        .charge_saved_card(charge("HOR-11111-002-c2", &card))
        .await
        .unwrap();
    assert!(matches!(
        declined.status,
        PaymentStatus::Failed { reason: Some(ref r), .. } if r == "Недостатньо коштів"
    ));
    let tds = adapter
        .charge_saved_card(charge("HOR-11111-002-c3", &card))
        .await
        .unwrap();
    assert!(
        matches!(tds.status, PaymentStatus::RequiresAction { ref url } if url.contains("/3ds/"))
    );

    // An unknown card: refused, and the token is in no error text.
    let stranger = CardToken::new("stolen-token-777");
    let err = adapter
        .charge_saved_card(charge("HOR-11111-002-c4", &stranger))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.rejected");
    assert!(!format!("{err} {err:?}").contains("stolen-token-777"));
}

#[tokio::test]
async fn lost_answers_are_unknown_outcomes_and_reads_are_safe_to_repeat() {
    let (bank, adapter, _) = setup().await;
    let (card, paid) = saved_card(&bank, &adapter).await;
    bank.script_charges([
        ChargeBehaviour::SucceedThenHang(StdDuration::from_millis(1200)),
        ChargeBehaviour::SucceedThen500,
        ChargeBehaviour::FailBefore500,
    ]);
    for a in ["A-11111-1", "A-11111-2", "A-11111-3"] {
        let err = adapter
            .charge_saved_card(charge(a, &card))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "acquirer.outcome_unknown", "{a}: {err}");
        assert!(!format!("{err:?}").contains(card.expose_secret()));
    }
    // Reconciled through the statement, as a fresh process would (no memory of the requests).
    let fresh = MonobankAcquirer::with_clock(
        config(&bank),
        Arc::new(TestClock(Mutex::new(start() + Duration::hours(1)))),
    )
    .unwrap();
    for a in ["A-11111-1", "A-11111-2"] {
        let found = fresh.find_by_attempt(&attempt(a)).await.unwrap().unwrap();
        assert_eq!(found.status, PaymentStatus::Succeeded, "{a}");
        assert_eq!(found.attempt.unwrap().as_str(), a);
    }
    assert!(fresh
        .find_by_attempt(&attempt("A-11111-3"))
        .await
        .unwrap()
        .is_none());
    let lines = fresh
        .statement(start() - Duration::days(1), start() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(lines.len(), 3, "the verification and two charges");
    assert!(lines
        .iter()
        .any(|l| l.reference.as_deref() == Some("A-11111-1")
            && l.amount == Money::from_kopiyky(60000).unwrap()));

    // 429 with Retry-After; a read that fails with 500 is safe to repeat.
    bank.fail_next("/api/merchant/wallet/payment", Fault::RateLimited(7));
    let err = adapter
        .charge_saved_card(charge("A-11111-4", &card))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AcquirerError::RateLimited {
            retry_after_secs: Some(7)
        }
    );
    bank.fail_next("/api/merchant/invoice/status", Fault::ServerError);
    let err = adapter.fetch_status(&paid).await.unwrap_err();
    assert_eq!(err.code(), "acquirer.unreachable");
    assert!(adapter.fetch_status(&paid).await.is_ok());
}

#[tokio::test]
async fn nothing_sent_is_unreachable_and_a_bad_token_is_refused() {
    let (bank, adapter, clock) = setup().await;
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let nowhere = MonobankAcquirer::with_clock(
        config(&bank).with_base_url(format!("http://{addr}")),
        clock.clone(),
    )
    .unwrap();
    let err = nowhere
        .create_payment_link(link("L-11111-1", 100, None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.unreachable", "{err}");

    let wrong = MonobankAcquirer::with_clock(
        MonobankConfig::new(SecretString::from("wrong-secret-token"))
            .with_base_url(bank.base_url()),
        clock,
    )
    .unwrap();
    let err = wrong
        .create_payment_link(link("L-11111-2", 100, None))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AcquirerError::Rejected {
            code: "FORBIDDEN".into(),
            message: "forbidden".into()
        }
    );
    assert!(!format!("{wrong:?}").contains("wrong-secret-token"));
    assert!(!format!("{adapter:?}").contains(TOKEN));
}

#[tokio::test]
async fn refunds_go_through_invoice_cancel_once_per_refund_id() {
    let (bank, adapter, _) = setup().await;
    let page = adapter
        .create_payment_link(link("HOR-11111-001-l1", 30000, None))
        .await
        .unwrap();
    bank.pay(page.provider_ref.as_str(), "537541******0001")
        .unwrap();
    let partial = adapter
        .refund(RefundRequest {
            refund: attempt("R-11111-1"),
            payment: page.provider_ref.clone(),
            amount: Some(Money::from_kopiyky(10000).unwrap()),
        })
        .await
        .unwrap();
    assert_eq!(
        partial,
        PaymentStatus::PartiallyRefunded {
            refunded: Money::from_kopiyky(10000).unwrap()
        }
    );
    let cancel = &bank.received_on("/api/merchant/invoice/cancel")[0].body;
    assert_eq!(cancel["extRef"], "R-11111-1");
    assert_eq!(cancel["amount"], 10000);

    // The rest; the answer is lost, so the engine's repeat finds it done and sends nothing.
    bank.fail_next(
        "/api/merchant/invoice/cancel",
        Fault::Hang(StdDuration::from_millis(1200)),
    );
    let rest = RefundRequest {
        refund: attempt("R-11111-2"),
        payment: page.provider_ref.clone(),
        amount: None,
    };
    let err = adapter.refund(rest.clone()).await.unwrap_err();
    assert_eq!(err.code(), "acquirer.outcome_unknown");
    assert_eq!(adapter.refund(rest).await.unwrap(), PaymentStatus::Refunded);
    assert_eq!(bank.received_on("/api/merchant/invoice/cancel").len(), 2);
    assert_eq!(
        bank.status_of(page.provider_ref.as_str()).unwrap(),
        "reversed"
    );
    let ev = adapter.fetch_status(&page.provider_ref).await.unwrap();
    assert_eq!(ev.status, PaymentStatus::Refunded);
}

#[tokio::test]
async fn webhook_keys_are_cached_and_fetched_again_once() {
    let (bank, adapter, _) = setup().await;
    let page = adapter
        .create_payment_link(link("HOR-11111-001-l1", 30000, None))
        .await
        .unwrap();
    bank.pay(page.provider_ref.as_str(), "537541******0001")
        .unwrap();
    let hooks = bank.take_webhooks();
    assert_eq!(hooks.len(), 2, "processing, success");
    for h in &hooks {
        adapter.verify_webhook(&h.headers, &h.body).await.unwrap();
    }
    assert_eq!(bank.pubkey_fetches(), 1, "fetched once, then cached");
    let ev = adapter
        .verify_webhook(&hooks[1].headers, &hooks[1].body)
        .await
        .unwrap();
    assert_eq!(ev.status, PaymentStatus::Succeeded);
    // The older `processing`, delivered late, is answered with the newer state.
    let late = adapter
        .verify_webhook(&hooks[0].headers, &hooks[0].body)
        .await
        .unwrap();
    assert_eq!(late.status, PaymentStatus::Succeeded);

    bank.rotate_key();
    let body = br#"{"invoiceId":"p2_x","status":"success","amount":1,"ccy":980,"modifiedDate":"2026-03-16T08:00:00Z"}"#;
    let forged = vec![("X-Sign".to_string(), hooks[1].headers[1].1.clone())];
    let err = adapter.verify_webhook(&forged, body).await.unwrap_err();
    assert_eq!(err, AcquirerError::BadSignature);
    assert_eq!(bank.pubkey_fetches(), 2, "one refetch, not more");
    let signed = vec![("x-sign".to_string(), bank.sign(body))];
    adapter.verify_webhook(&signed, body).await.unwrap();
    assert_eq!(bank.pubkey_fetches(), 2, "the new key is cached");

    // Within the refetch interval a failing signature fetches nothing.
    let clock = Arc::new(TestClock(Mutex::new(start())));
    let patient = MonobankAcquirer::with_clock(
        config(&bank).with_key_refetch_interval(StdDuration::from_secs(3600)),
        clock,
    )
    .unwrap();
    patient.verify_webhook(&signed, body).await.unwrap();
    let before = bank.pubkey_fetches();
    for _ in 0..3 {
        assert_eq!(
            patient.verify_webhook(&forged, body).await.unwrap_err(),
            AcquirerError::BadSignature
        );
    }
    assert_eq!(bank.pubkey_fetches(), before);
}
