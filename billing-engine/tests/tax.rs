//! Tax invoices through the engine: derived from the stored history, numbered across projects,
//! recorded in each project's stream, listed for registration, written as XML. Memory and SQLite.

use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::ports::ProjectStore;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::tax_invoice::{Deadline, DeadlineTable};
use billing_core::{Actor, ErrorCode, InvoiceNumber, Money, ServiceCode};
use billing_documents::{TaxSeller, TaxXmlSettings};
use billing_engine::memory::ManualClock;
use billing_engine::{Engine, EngineConfig, Ports};
use billing_store::{MemoryStore, SqliteStore};
use chrono::{NaiveDate, TimeZone, Utc};

fn owner() -> OwnerContact {
    OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    }
}

fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

async fn scenario(store: Arc<dyn ProjectStore>) {
    // 16 March 2026, 11:00 in Kyiv.
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
    ));
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    let engine = Engine::new(EngineConfig::with_defaults("memory"), ports);
    let a: ServiceCode = "11111".parse().unwrap();
    let b: ServiceCode = "22222".parse().unwrap();
    for code in [a, b] {
        engine
            .open_project(
                code,
                owner(),
                &TariffCode::new("start").unwrap(),
                BillingPeriod::Monthly,
            )
            .await
            .unwrap();
    }
    let inv = |code: ServiceCode| -> InvoiceNumber { format!("HOR-{code}-001").parse().unwrap() };
    let total_a = engine.project(a).await.unwrap().account().invoices()[0].total;
    // Project A pays in two parts (support matches them), B in full on the 17th.
    engine
        .credit_bank_transfer(a, &support(), "bank-1", m("100"), Some(inv(a)))
        .await
        .unwrap();
    clock.advance(chrono::Duration::days(1));
    engine
        .credit_bank_transfer(b, &Actor::System, "bank-2", total_a, Some(inv(b)))
        .await
        .unwrap();
    let rest = total_a.checked_sub(m("100")).unwrap();
    engine
        .credit_bank_transfer(a, &support(), "bank-3", rest, Some(inv(a)))
        .await
        .unwrap();

    let report = engine.issue_all_tax_invoices().await.unwrap();
    assert_eq!(report.projects, 2);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let mut numbers: Vec<u64> = report.issued.iter().flat_map(|(_, n)| n.clone()).collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2, 3], "one sequence across projects");
    // Again: nothing new, and the numbers are never reused.
    let again = engine.issue_all_tax_invoices().await.unwrap();
    assert!(again.issued.is_empty());

    let pa = engine.project(a).await.unwrap();
    let docs = pa.tax().documents();
    assert_eq!(docs.len(), 2);
    let vat: i64 = docs.iter().map(|d| d.vat.kopiyky()).sum();
    assert_eq!(
        vat,
        pa.account().invoices()[0].vat.unwrap().kopiyky(),
        "the ПН of a paid invoice carry exactly its VAT"
    );
    assert_eq!((docs[0].date, docs[1].date), (d(16), d(17)));
    // The ПН are in the audit trail.
    let trail = engine.audit_trail(a).await.unwrap();
    assert!(trail
        .iter()
        .any(|e| e.payload["aggregate"] == "tax" && e.payload["event"]["type"] == "issued"));

    // Due for registration: all three, by 31 March (days 1–15) and 15 April (16 on).
    let due = engine
        .tax_due(d(20), &DeadlineTable::standard())
        .await
        .unwrap();
    assert_eq!(due.len(), 3);
    assert!(due.iter().all(|i| i.item.deadline
        == Deadline::By {
            date: NaiveDate::from_ymd_opt(2026, 4, 15).unwrap()
        }));
    let first = due[0].clone();
    engine
        .record_tax_registered(first.project, first.item.number, d(21))
        .await
        .unwrap();
    let due = engine
        .tax_due(d(22), &DeadlineTable::standard())
        .await
        .unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|i| i.item.number != first.item.number));

    // The XML of project B's ПН.
    let pb = engine.project(b).await.unwrap();
    let number = pb.tax().documents()[0].number;
    let seller = TaxSeller {
        name: "ТОВ «Хорошоп»".into(),
        tax_id: "32855961".parse().unwrap(),
        ipn: "328559626541".into(),
        signer_name: None,
        signer_tax_number: None,
    };
    let xml = engine
        .tax_invoice_xml(b, number, &seller, &TaxXmlSettings::new(26, 59))
        .await
        .unwrap();
    assert!(xml.file_name.starts_with("26590032855961J1201016100"));
    assert!(xml.xml.contains("<HKBUY>100000000000</HKBUY>"));
    let err = engine
        .tax_invoice_xml(b, 999, &seller, &TaxXmlSettings::new(26, 59))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "tax_invoice.unknown");
}

#[tokio::test]
async fn tax_invoices_in_memory() {
    scenario(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn tax_invoices_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("billing.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    scenario(Arc::new(store)).await;
}

/// Several engines on one SQLite file (as several app servers) issue tax invoices for different
/// projects at once: the seller's numbers come out 1..n, none repeated, none skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_issuers_share_one_gapless_tax_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("billing.sqlite3");
    let store: Arc<dyn ProjectStore> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
    ));
    let engine = |store: Arc<dyn ProjectStore>| {
        let mut ports = Ports::with_store(store);
        ports.clock = clock.clone();
        Arc::new(Engine::new(EngineConfig::with_defaults("memory"), ports))
    };
    let setup = engine(store.clone());
    let codes: Vec<ServiceCode> = (1..=12)
        .map(|i| ServiceCode::from_value(i).unwrap())
        .collect();
    for code in &codes {
        setup
            .open_project(
                *code,
                owner(),
                &TariffCode::new("start").unwrap(),
                BillingPeriod::Monthly,
            )
            .await
            .unwrap();
        let invoice = setup.project(*code).await.unwrap().account().invoices()[0].clone();
        setup
            .credit_bank_transfer(
                *code,
                &Actor::System,
                &format!("bank-{code}"),
                invoice.total,
                Some(invoice.number),
            )
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for k in 0..4 {
        // Each issuer has a store of its own (a pool of its own, as another process would).
        let e = engine(Arc::new(SqliteStore::open(&path).await.unwrap()));
        let mine: Vec<ServiceCode> = codes.iter().copied().skip(k).step_by(4).collect();
        tasks.push(tokio::spawn(async move {
            for code in mine {
                e.issue_tax_invoices(code).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut numbers = Vec::new();
    for code in &codes {
        let p = setup.project(*code).await.unwrap();
        numbers.extend(p.tax().documents().iter().map(|d| d.number));
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=codes.len() as u64).collect::<Vec<_>>());
}
