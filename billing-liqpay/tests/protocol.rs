//! The LiqPay adapter against a local server in this process that speaks LiqPay's server API
//! (`billing_liqpay::fake`): signed requests, refusals, refunds, 3-D Secure, status reads, and the
//! signature version's migration window.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use billing_core::payment::{AttemptId, PaymentId};
use billing_core::ports::{
    AcquirerError, CardAcquirer, ChargeRequest, Clock, PaymentLinkRequest, PaymentStatus,
    RefundRequest,
};
use billing_core::{ErrorCode, Money};
use billing_liqpay::fake::{form_body, form_fields, ChargeBehaviour, FakeLiqPay};
use billing_liqpay::{signature, ApiVersion, LiqPayAcquirer, LiqPayConfig, SecretString};
use chrono::{DateTime, Duration, TimeZone, Utc};

const PUBLIC: &str = "i00000000";
const PRIVATE: &str = "a4825234f4bae72a0be04eafe9e8e2bada209255";

struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap()
}

async fn setup(version: ApiVersion) -> (FakeLiqPay, LiqPayConfig, Arc<TestClock>) {
    let clock = Arc::new(TestClock(Mutex::new(start())));
    let bank = FakeLiqPay::start(PUBLIC, PRIVATE, version, clock.clone())
        .await
        .unwrap();
    let config = LiqPayConfig::new(PUBLIC, SecretString::from(PRIVATE), version)
        .with_host(bank.base_url())
        .with_request_timeout(StdDuration::from_millis(300));
    (bank, config, clock)
}

fn link(order: &str, kopiyky: i64) -> PaymentLinkRequest {
    PaymentLinkRequest {
        attempt: AttemptId::new(order).unwrap(),
        amount: Money::from_kopiyky(kopiyky).unwrap(),
        description: "Оплата за рахунком № HOR-11111-001".into(),
        expires_at: start() + Duration::minutes(30),
        save_card_for: Some("11111".into()),
    }
}

#[tokio::test]
async fn charges_refunds_and_status_reads() {
    let (bank, config, clock) = setup(ApiVersion::V7).await;
    let adapter = LiqPayAcquirer::with_clock(config, clock).unwrap();
    let page = adapter
        .start_card_verification(link("B-11111-1", 1000))
        .await
        .unwrap();
    assert_eq!(page.provider_ref.as_str(), "B-11111-1");
    bank.pay_checkout(&page.url, "4441**1234", true).unwrap();
    let paid = adapter.fetch_status(&page.provider_ref).await.unwrap();
    assert_eq!(paid.status, PaymentStatus::Succeeded);
    let card = paid.saved_card.unwrap();
    assert_eq!(card.masked_pan, "4441**1234");

    bank.script_charges([ChargeBehaviour::Require3ds]);
    let charge = |order: &str| ChargeRequest {
        attempt: AttemptId::new(order).unwrap(),
        card: card.token.clone(),
        amount: Money::from_kopiyky(60000).unwrap(),
        description: "Оплата за рахунком № HOR-11111-002".into(),
    };
    let tds = adapter
        .charge_saved_card(charge("C-11111-1"))
        .await
        .unwrap();
    assert!(
        matches!(tds.status, PaymentStatus::RequiresAction { ref url } if url.contains("/3ds/C-11111-1"))
    );
    let ok = adapter
        .charge_saved_card(charge("C-11111-2"))
        .await
        .unwrap();
    assert_eq!(ok.status, PaymentStatus::Succeeded);
    let reused = adapter
        .charge_saved_card(charge("C-11111-2"))
        .await
        .unwrap_err();
    assert_eq!(
        reused,
        AcquirerError::Rejected {
            code: "order_id_duplicate".into(),
            message: "order_id_duplicate".into()
        }
    );

    let refund = |amount: Option<i64>| RefundRequest {
        refund: AttemptId::new("R-11111-1").unwrap(),
        payment: PaymentId::new("B-11111-1").unwrap(),
        amount: amount.map(|k| Money::from_kopiyky(k).unwrap()),
    };
    assert_eq!(
        adapter.refund(refund(Some(400))).await.unwrap(),
        PaymentStatus::PartiallyRefunded {
            refunded: Money::from_kopiyky(400).unwrap()
        }
    );
    assert_eq!(
        adapter.refund(refund(None)).await.unwrap(),
        PaymentStatus::Refunded
    );
    assert_eq!(bank.received_action("refund")[1]["amount"], "6.00");
    // Asked again (a lost answer), the full refund is not sent twice.
    assert_eq!(
        adapter.refund(refund(None)).await.unwrap(),
        PaymentStatus::Refunded
    );
    assert_eq!(bank.received_action("refund").len(), 2);
    assert!(adapter
        .find_by_attempt(&AttemptId::new("NOPE-1").unwrap())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_wrong_private_key_or_version_is_refused_by_liqpay() {
    let (bank, config, clock) = setup(ApiVersion::V7).await;
    let mut wrong_key = config.clone();
    wrong_key.private_key = SecretString::from("not-the-key");
    let adapter = LiqPayAcquirer::with_clock(wrong_key, clock.clone()).unwrap();
    let err = adapter
        .find_by_attempt(&AttemptId::new("B-11111-1").unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "acquirer.rejected");
    assert!(!format!("{err:?} {adapter:?}").contains("not-the-key"));
    let mut v3 = config.clone();
    v3.version = ApiVersion::V3;
    let adapter = LiqPayAcquirer::with_clock(v3, clock).unwrap();
    let err = adapter
        .fetch_status(&PaymentId::new("B-11111-1").unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AcquirerError::Rejected {
            code: "invalid_signature".into(),
            message: "invalid_signature".into()
        }
    );
    assert!(bank.received().is_empty(), "nothing unsigned got through");
}

#[tokio::test]
async fn the_other_versions_hash_is_accepted_only_in_a_migration_window() {
    let (bank, config, clock) = setup(ApiVersion::V7).await;
    let strict = LiqPayAcquirer::with_clock(config.clone(), clock.clone()).unwrap();
    let page = strict
        .create_payment_link(link("HOR-11111-001-l1", 30968))
        .await
        .unwrap();
    bank.pay_checkout(&page.url, "4441**1234", true).unwrap();
    let callback = bank.take_callbacks().pop().unwrap();
    let data = form_fields(&callback.body)[0].1.clone();
    let sha1 = form_body(&data, &signature::sign(PRIVATE, &data, ApiVersion::V3));
    assert_eq!(
        strict.verify_webhook(&[], &sha1).await.unwrap_err(),
        AcquirerError::BadSignature
    );
    let mut window = config;
    window.accept_other_version = true;
    let migrating = LiqPayAcquirer::with_clock(window, clock).unwrap();
    let ev = migrating.verify_webhook(&[], &sha1).await.unwrap();
    assert_eq!(ev.status, PaymentStatus::Succeeded);
    assert_eq!(ev.amount, Money::from_kopiyky(30968).unwrap());
    let ev = strict.verify_webhook(&[], &callback.body).await.unwrap();
    assert_eq!(ev.attempt.unwrap().as_str(), "HOR-11111-001-l1");
}
