//! The bank job against the store: automatic credits, at-most-once imports, the support review
//! queue and its resolutions, recovery after a crash, and the scheduled job through the bank
//! statement port (memory and a folder of statement files). On the in-memory store, a SQLite file
//! and PostgreSQL (a throwaway server).

use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::invoice::InvoiceStatus;
use billing_core::ports::{BankLineRecord, BankLineState, ProjectStore};
use billing_core::reconcile::{BankLine, Decision, Outcome, Resolution};
use billing_core::tariff::{BillingPeriod, Limits, Tariff, TariffCatalog, TariffCode};
use billing_core::{Actor, ErrorCode, InvoiceNumber, Money, ServiceCode};
use billing_engine::memory::ManualClock;
use billing_engine::{Engine, EngineConfig, MemoryStatements, Ports, StatementFolder};
use billing_store::testing::PgServer;
use billing_store::{MemoryStore, SqliteStore};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

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
    .with_price(BillingPeriod::Monthly, m("600"));
    TariffCatalog::new(vec![basic]).unwrap()
}

fn owner() -> OwnerContact {
    OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    }
}

fn support() -> Actor {
    Actor::Support {
        id: "ann".to_string(),
    }
}

fn code(s: &str) -> ServiceCode {
    s.parse().unwrap()
}

struct World {
    engine: Engine,
    statements: Arc<MemoryStatements>,
}

async fn world(store: Arc<dyn ProjectStore>) -> World {
    let clock = Arc::new(ManualClock::new(kyiv(2025, 1, 10, 9)));
    let statements = Arc::new(MemoryStatements::new());
    let mut ports = Ports::with_store(store);
    ports.clock = clock;
    ports.bank_statements = statements.clone();
    let engine = Engine::new(EngineConfig::new("memory", catalog()), ports);
    for project in ["11111", "22222"] {
        engine
            .open_project(
                code(project),
                owner(),
                &TariffCode::new("basic").unwrap(),
                BillingPeriod::Monthly,
            )
            .await
            .unwrap();
    }
    World { engine, statements }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 10).unwrap()
}

fn line(id: &str, amount: &str, purpose: &str) -> BankLine<'static> {
    BankLine::incoming(id.to_string(), day(), m(amount), purpose.to_string())
}

async fn first_invoice(engine: &Engine, project: &str) -> (InvoiceNumber, Money, InvoiceStatus) {
    let section = engine.billing_section(code(project)).await.unwrap();
    let invoice = &section.invoices[0];
    let owed = invoice.total;
    let project = engine.project(code(project)).await.unwrap();
    let stored = project.account().invoice(&invoice.number).unwrap();
    (invoice.number, owed, stored.status)
}

fn outcomes(import: &billing_engine::BankImport) -> Vec<(Outcome, Option<&'static str>)> {
    import
        .results
        .iter()
        .map(|r| (r.outcome, r.reason))
        .collect()
}

async fn imports_credit_exact_payments_once_and_queue_the_rest(store: Arc<dyn ProjectStore>) {
    let w = world(store).await;
    let (number, owed, status) = first_invoice(&w.engine, "11111").await;
    assert_eq!(status, InvoiceStatus::Open);
    let (other, other_owed, _) = first_invoice(&w.engine, "22222").await;
    let spaced = number.to_string().replace('-', " ").replace("HOR", "нор");
    let lines = vec![
        line(
            "B1",
            &owed.to_string(),
            &format!("Оплата за рахунком {spaced}"),
        ),
        line("B2", "1.00", &format!("Оплата {other}")),
        line("B3", &owed.to_string(), "Оплата за послуги"),
        line("B1", &owed.to_string(), &format!("Оплата {number}")),
    ];
    let import = w.engine.import_statement(&lines).await.unwrap();
    assert_eq!(
        outcomes(&import),
        vec![
            (Outcome::AutoCredit, None),
            (Outcome::Review, Some("amount_mismatch")),
            (Outcome::Review, Some("no_invoice_reference")),
            (Outcome::Review, Some("duplicate_transaction")),
        ]
    );
    assert_eq!(import.results[0].invoice, Some(number));
    assert!(import.failures.is_empty());
    assert_eq!(
        first_invoice(&w.engine, "11111").await.2,
        InvoiceStatus::Paid
    );
    assert_eq!(
        first_invoice(&w.engine, "22222").await.2,
        InvoiceStatus::Open
    );

    // The same statement again: nothing changes, nothing is queued twice.
    let again = w.engine.import_statement(&lines).await.unwrap();
    assert!(again
        .results
        .iter()
        .all(|r| r.outcome == Outcome::AlreadyProcessed));
    let review = w.engine.bank_review(100).await.unwrap();
    let keys: Vec<&str> = review.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["B2", "B3", "B1#2"]);
    assert_eq!(review[0].project, Some(code("22222")));
    assert_eq!(review[0].decision.reason_code(), Some("amount_mismatch"));

    // The account saw exactly one bank transfer.
    let project = w.engine.project(code("11111")).await.unwrap();
    assert_eq!(project.account().payments().len(), 1);

    // Support credits B2 in part to the invoice it names, from the payer's receipt.
    let refused = w
        .engine
        .resolve_bank_line(
            "B2",
            Resolution::Credit {
                invoice: other,
                amount: m("1.00"),
            },
            &Actor::Owner,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "reconcile.support_only");
    let too_much = w
        .engine
        .resolve_bank_line(
            "B2",
            Resolution::Credit {
                invoice: other,
                amount: m("2.00"),
            },
            &support(),
        )
        .await
        .unwrap_err();
    assert_eq!(too_much.code(), "reconcile.amount");
    let record = w
        .engine
        .resolve_bank_line(
            "B2",
            Resolution::Credit {
                invoice: other,
                amount: m("1.00"),
            },
            &support(),
        )
        .await
        .unwrap();
    assert!(record.partial);
    assert_eq!(record.actor, support());
    let project = w.engine.project(code("22222")).await.unwrap();
    let invoice = project.account().invoice(&other).unwrap();
    assert_eq!(invoice.owed(), other_owed.checked_sub(m("1.00")).unwrap());
    assert_eq!(invoice.status, InvoiceStatus::Open);
    let twice = w
        .engine
        .resolve_bank_line("B2", Resolution::NotOurs { note: "x".into() }, &support())
        .await
        .unwrap_err();
    assert_eq!(twice.code(), "reconcile.not_under_review");

    // B3 is not ours, and neither is the bank's repeat of B1.
    w.engine
        .resolve_bank_line(
            "B1#2",
            Resolution::NotOurs {
                note: "the bank sent B1 twice".into(),
            },
            &support(),
        )
        .await
        .unwrap();
    w.engine
        .resolve_bank_line(
            "B3",
            Resolution::NotOurs {
                note: "a refund of a supplier".into(),
            },
            &support(),
        )
        .await
        .unwrap();
    assert!(w.engine.bank_review(100).await.unwrap().is_empty());
    let unknown = w
        .engine
        .resolve_bank_line("nope", Resolution::NotOurs { note: "x".into() }, &support())
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "reconcile.not_under_review");
}

async fn a_crash_between_recording_and_crediting_is_finished_once(store: Arc<dyn ProjectStore>) {
    let w = world(store.clone()).await;
    let (number, owed, _) = first_invoice(&w.engine, "11111").await;
    let (other, other_owed, _) = first_invoice(&w.engine, "22222").await;
    let pending = |id: &str, invoice: InvoiceNumber, amount: Money| {
        let l = line(id, &amount.to_string(), &format!("Оплата {invoice}"));
        BankLineRecord {
            key: id.to_string(),
            imported_at: kyiv(2025, 1, 10, 9),
            state: BankLineState::PendingCredit,
            project: Some(invoice.service_code()),
            line: serde_json::to_value(&l).unwrap(),
            decision: serde_json::to_value(Decision::AutoCredit { invoice, amount }).unwrap(),
            resolution: None,
        }
    };
    // C1: the process died after recording the line, before crediting.
    // C2: it died after crediting, before marking the line credited.
    // C3: the invoice got paid another way in between: the line goes to support.
    store
        .record_bank_lines(&[
            pending("C1", number, owed),
            pending("C2", other, other_owed),
        ])
        .await
        .unwrap();
    w.engine
        .credit_bank_transfer(code("22222"), &Actor::System, "C2", other_owed, Some(other))
        .await
        .unwrap();

    let report = w.engine.run_bank_job().await.unwrap();
    assert_eq!(report.finished_earlier, 2);
    assert!(report.results.is_empty());
    for project in ["11111", "22222"] {
        let p = w.engine.project(code(project)).await.unwrap();
        assert_eq!(p.account().payments().len(), 1, "project {project}");
        assert_eq!(p.account().invoices()[0].status, InvoiceStatus::Paid);
    }
    let credited = store
        .bank_lines(&["C1".to_string(), "C2".to_string()])
        .await
        .unwrap();
    assert!(credited.iter().all(|r| r.state == BankLineState::Credited));

    store
        .record_bank_lines(&[pending("C3", number, owed)])
        .await
        .unwrap();
    assert_eq!(w.engine.finish_pending_credits().await.unwrap(), 1);
    let review = w.engine.bank_review(10).await.unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].decision.reason_code(), Some("invoice_not_open"));
    let p = w.engine.project(code("11111")).await.unwrap();
    assert_eq!(p.account().payments().len(), 1);
}

async fn the_bank_job_reads_the_port_and_skips_what_it_saw(store: Arc<dyn ProjectStore>) {
    let w = world(store).await;
    let (number, owed, _) = first_invoice(&w.engine, "11111").await;
    let mut old = line("OLD", &owed.to_string(), &format!("Оплата {number}"));
    old.booked_on = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
    w.statements.push([
        old,
        line("J1", "5.00", "поповнення"),
        line("J2", &owed.to_string(), &format!("Оплата {number}")),
    ]);
    let first = w.engine.run_bank_job().await.unwrap();
    let ids: Vec<&str> = first.results.iter().map(|r| &*r.id).collect();
    assert_eq!(
        ids,
        ["J1", "J2"],
        "lines older than the look-back are not fetched"
    );
    assert_eq!(first.summary.auto_credit, 1);
    assert_eq!(first.summary.review, 1);
    let second = w.engine.run_bank_job().await.unwrap();
    assert_eq!(second.summary.already_processed, 2);
    assert_eq!(second.summary.auto_credit + second.summary.review, 0);
    assert_eq!(w.engine.bank_job_interval().as_secs(), 15 * 60);
}

#[tokio::test]
async fn memory_imports_credit_exact_payments_once_and_queue_the_rest() {
    imports_credit_exact_payments_once_and_queue_the_rest(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn memory_a_crash_between_recording_and_crediting_is_finished_once() {
    a_crash_between_recording_and_crediting_is_finished_once(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn memory_the_bank_job_reads_the_port_and_skips_what_it_saw() {
    the_bank_job_reads_the_port_and_skips_what_it_saw(Arc::new(MemoryStore::new())).await;
}

async fn sqlite() -> (Arc<dyn ProjectStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("billing.sqlite3"))
        .await
        .unwrap();
    (Arc::new(store), dir)
}

#[tokio::test]
async fn sqlite_imports_credit_exact_payments_once_and_queue_the_rest() {
    let (store, _dir) = sqlite().await;
    imports_credit_exact_payments_once_and_queue_the_rest(store).await;
}

#[tokio::test]
async fn sqlite_a_crash_between_recording_and_crediting_is_finished_once() {
    let (store, _dir) = sqlite().await;
    a_crash_between_recording_and_crediting_is_finished_once(store).await;
}

async fn postgres() -> Option<Arc<dyn ProjectStore>> {
    let server = PgServer::shared()?;
    let url = server.create_database().await.unwrap();
    Some(billing_store::open(&url).await.unwrap())
}

#[tokio::test]
async fn postgres_imports_credit_exact_payments_once_and_queue_the_rest() {
    if let Some(store) = postgres().await {
        imports_credit_exact_payments_once_and_queue_the_rest(store).await;
    }
}

#[tokio::test]
async fn postgres_a_crash_between_recording_and_crediting_is_finished_once() {
    if let Some(store) = postgres().await {
        a_crash_between_recording_and_crediting_is_finished_once(store).await;
    }
}

/// Two engines (as two app servers) import the same statement at once: each line takes effect once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_importers_of_one_statement_credit_each_line_once() {
    let (store, _dir) = sqlite().await;
    let w = world(store.clone()).await;
    let (number, owed, _) = first_invoice(&w.engine, "11111").await;
    let (other, other_owed, _) = first_invoice(&w.engine, "22222").await;
    let lines = vec![
        line("P1", &owed.to_string(), &format!("Оплата {number}")),
        line("P2", &other_owed.to_string(), &format!("Оплата {other}")),
        line("P3", "7.00", "без номера"),
    ];
    let second = Engine::new(
        EngineConfig::new("memory", catalog()),
        Ports::with_store(store.clone()),
    );
    let (a, b) = tokio::join!(
        w.engine.import_statement(&lines),
        second.import_statement(&lines)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    for k in 0..lines.len() {
        let taken = [a.results[k].outcome, b.results[k].outcome]
            .iter()
            .filter(|o| **o != Outcome::AlreadyProcessed)
            .count();
        assert_eq!(taken, 1, "line {k} took effect in exactly one importer");
    }
    for project in ["11111", "22222"] {
        let p = w.engine.project(code(project)).await.unwrap();
        assert_eq!(p.account().payments().len(), 1);
    }
    assert_eq!(w.engine.bank_review(10).await.unwrap().len(), 1);
}

/// The folder source reads every statement file there, in any format it detects, and names a bad
/// file in its error without applying anything from it.
#[tokio::test]
async fn a_folder_of_statement_files_feeds_the_bank_job() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn ProjectStore> = Arc::new(MemoryStore::new());
    let mut w = world(store.clone()).await;
    let (number, owed, _) = first_invoice(&w.engine, "11111").await;
    let jsonl = format!(
        "{{\"id\":\"F1\",\"date\":\"2025-01-10\",\"amount\":\"{owed}\",\"currency\":\"UAH\",\
         \"payer_name\":null,\"payer_edrpou\":null,\"payer_iban\":null,\
         \"purpose\":\"Оплата {number}\"}}\n"
    );
    std::fs::write(dir.path().join("a.jsonl"), jsonl).unwrap();
    let mut ports = Ports::with_store(store);
    ports.clock = Arc::new(ManualClock::new(kyiv(2025, 1, 10, 12)));
    ports.bank_statements = Arc::new(StatementFolder::new(dir.path()));
    w.engine = Engine::new(EngineConfig::new("memory", catalog()), ports);
    let report = w.engine.run_bank_job().await.unwrap();
    assert_eq!(report.summary.auto_credit, 1);
    assert_eq!(
        first_invoice(&w.engine, "11111").await.2,
        InvoiceStatus::Paid
    );

    std::fs::write(dir.path().join("b.jsonl"), "{not json\n").unwrap();
    let err = w.engine.run_bank_job().await.unwrap_err();
    assert_eq!(err.code(), "bank_source.malformed");
    assert!(err.to_string().contains("b.jsonl"), "{err}");
}

/// The scheduled loop runs the job at once, then every interval, until told to stop.
#[tokio::test]
async fn the_scheduled_bank_job_runs_at_once_and_stops_when_told() {
    let w = world(Arc::new(MemoryStore::new())).await;
    let (number, owed, _) = first_invoice(&w.engine, "11111").await;
    w.statements
        .push([line("S1", &owed.to_string(), &format!("Оплата {number}"))]);
    let mut runs = Vec::new();
    w.engine
        .run_bank_job_every_interval(
            tokio::time::sleep(std::time::Duration::from_millis(200)),
            |r| runs.push(r.map(|i| i.summary.auto_credit)),
        )
        .await;
    assert_eq!(runs, vec![Ok(1)]);
    assert_eq!(
        first_invoice(&w.engine, "11111").await.2,
        InvoiceStatus::Paid
    );
}
