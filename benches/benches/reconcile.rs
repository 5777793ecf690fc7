//! The bank line decision on lines already in memory: finding the reference in a purpose of about
//! 100 bytes of mixed Cyrillic and Latin text, and the lookup among 1,000,000 invoices.
//!
//! `cargo bench -p billing-benches --bench reconcile`
//! (one core: `taskset -c 0 target/release/deps/reconcile-* --bench`)

use billing_benches::Lcg;
use billing_core::reconcile::{decide_batch, BankLine, Currency};
use billing_core::{InvoiceNumber, InvoiceStatus, Money};
use billing_statements::invoices::{InvoiceBook, InvoiceRecord};
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const INVOICES: u32 = 1_000_000;
const PROJECTS: u32 = 10_000;
const LINES: usize = 100_000;

fn invoice(i: u32) -> (InvoiceNumber, Money) {
    let code = i % PROJECTS + 1;
    let seq = i / PROJECTS + 1;
    let n: InvoiceNumber = format!("HOR-{code:05}-{seq:03}").parse().unwrap();
    (
        n,
        Money::from_kopiyky(10_000 + i64::from(i) * 7919 % 500_000).unwrap(),
    )
}

fn book() -> InvoiceBook {
    let day = NaiveDate::from_ymd_opt(2025, 1, 10).unwrap();
    let records: Vec<InvoiceRecord> = (0..INVOICES)
        .map(|i| {
            let (n, owed) = invoice(i);
            InvoiceRecord {
                invoice_number: n,
                project_service_code: n.service_code(),
                amount: owed,
                currency: Currency::UAH,
                status: if i % 20 == 0 {
                    InvoiceStatus::Paid
                } else {
                    InvoiceStatus::Open
                },
                issue_date: day,
            }
        })
        .collect();
    InvoiceBook::from_records(&records).unwrap()
}

/// About 100 bytes of purpose: Ukrainian words, Latin words, a date, and the number written the
/// way payers write it (Cyrillic or Latin prefix, any case, different separators).
fn lines() -> Vec<BankLine<'static>> {
    let mut g = Lcg::new(7);
    let day = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    let prefixes = ["HOR", "НОР", "hor", "нор", "HOР"];
    let seps = ["-", " ", "/", "", "–", " - "];
    (0..LINES)
        .map(|k| {
            let i = (k as u32).wrapping_mul(2_654_435_761) % INVOICES;
            let (n, owed) = invoice(i);
            let p = prefixes[(g.next_u64() % 5) as usize];
            let s1 = seps[(g.next_u64() % 6) as usize];
            let s2 = seps[(g.next_u64() % 6) as usize];
            let purpose = format!(
                "Оплата за послуги shop платформи, рахунок {p}{s1}{:05}{s2}{:03} від 10.01.2025 без ПДВ",
                n.service_code().value(),
                n.sequence()
            );
            let amount = if k % 10 == 0 { owed.checked_add(Money::from_kopiyky(1).unwrap()).unwrap() } else { owed };
            BankLine::incoming(format!("TX{k:012}"), day, amount, purpose)
        })
        .collect()
}

fn decision(c: &mut Criterion) {
    let book = book();
    let lines = lines();
    let finder = book.finder();
    let avg = lines.iter().map(|l| l.purpose.len()).sum::<usize>() / lines.len();
    eprintln!(
        "purpose length: {avg} bytes on average; {} invoices",
        book.len()
    );
    if std::env::var_os("RECONCILE_ONCPU").is_some() {
        on_cpu("find reference", || {
            lines
                .iter()
                .filter(|l| finder.classify(black_box(&l.purpose)).one().is_some())
                .count()
        });
        on_cpu("decide_batch", || {
            decide_batch(black_box(&lines), &book, &finder).len()
        });
    }
    let mut g = c.benchmark_group("reconcile");
    g.throughput(Throughput::Elements(LINES as u64));
    g.sample_size(20);
    g.bench_function("find reference (100-byte purpose)", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| finder.classify(black_box(&l.purpose)).one().is_some())
                .count()
        })
    });
    g.bench_function("decide_batch (1M invoices)", |b| {
        b.iter(|| decide_batch(black_box(&lines), &book, &finder).len())
    });
    g.finish();
}

/// This thread's time on a processor so far (Linux `schedstat`), in nanoseconds: unlike wall
/// time, it does not count the time other processes on a busy machine take.
fn thread_on_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// `RECONCILE_ONCPU=1`: the best of 7 samples of 20 runs of `f` over all the lines, in
/// on-processor time per line and lines per second (for figures on a shared machine, where
/// criterion's wall time counts other processes' turns; `schedstat` may only advance by the
/// scheduler tick, hence the 20 runs a sample).
fn on_cpu(name: &str, mut f: impl FnMut() -> usize) {
    const RUNS: u64 = 20;
    let mut best = u64::MAX;
    for _ in 0..7 {
        let Some(t0) = thread_on_cpu_ns() else {
            return;
        };
        for _ in 0..RUNS {
            black_box(f());
        }
        let Some(t1) = thread_on_cpu_ns() else {
            return;
        };
        best = best.min((t1 - t0) / RUNS);
    }
    eprintln!(
        "on-cpu {name}: {:.1} ns/line, {:.2} M lines/s",
        best as f64 / LINES as f64,
        LINES as f64 / best as f64 * 1e3
    );
}

criterion_group!(benches, decision);
criterion_main!(benches);
