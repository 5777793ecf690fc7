//! Throughput of the fast predicates and the parsers, against `iban_validate` parsing as the peer.
//!
//! `cargo bench -p billing-benches --bench validate`

use billing_benches::{edrpou_values, iban_values, rnokpp_values};
use billing_core::{is_valid_edrpou, is_valid_iban, is_valid_rnokpp, Edrpou, Iban, Money, Rnokpp};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const N: usize = 10_000;

fn predicates(c: &mut Criterion) {
    let edrpou = edrpou_values(N);
    let rnokpp = rnokpp_values(N);
    let iban = iban_values(N);
    let mut g = c.benchmark_group("predicate");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("is_valid_edrpou", |b| {
        b.iter(|| {
            edrpou
                .iter()
                .filter(|s| is_valid_edrpou(black_box(s)))
                .count()
        })
    });
    g.bench_function("is_valid_rnokpp", |b| {
        b.iter(|| {
            rnokpp
                .iter()
                .filter(|s| is_valid_rnokpp(black_box(s)))
                .count()
        })
    });
    g.bench_function("is_valid_iban", |b| {
        b.iter(|| iban.iter().filter(|s| is_valid_iban(black_box(s))).count())
    });
    g.bench_function("iban_validate_parse (peer)", |b| {
        b.iter(|| {
            iban.iter()
                .filter(|s| black_box(s).parse::<iban::Iban>().is_ok())
                .count()
        })
    });
    g.finish();
}

fn parsers(c: &mut Criterion) {
    let edrpou = edrpou_values(N);
    let rnokpp = rnokpp_values(N);
    let iban = iban_values(N);
    let money: Vec<String> = (0..N)
        .map(|i| format!("{} {:03},{:02}", i % 1000 + 1, i % 1000, i % 100))
        .collect();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("Edrpou::parse", |b| {
        b.iter(|| {
            edrpou
                .iter()
                .filter(|s| Edrpou::parse(black_box(s)).is_ok())
                .count()
        })
    });
    g.bench_function("Rnokpp::parse", |b| {
        b.iter(|| {
            rnokpp
                .iter()
                .filter(|s| Rnokpp::parse(black_box(s)).is_ok())
                .count()
        })
    });
    g.bench_function("Iban::parse", |b| {
        b.iter(|| {
            iban.iter()
                .filter(|s| Iban::parse(black_box(s)).is_ok())
                .count()
        })
    });
    g.bench_function("Money::from_str", |b| {
        b.iter(|| {
            money
                .iter()
                .filter(|s| black_box(s).parse::<Money>().is_ok())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, predicates, parsers);
criterion_main!(benches);
