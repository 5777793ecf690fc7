//! Properties of the reference finder and the decision: any valid invoice number written with any
//! mix of the allowed variants inside random Ukrainian or Russian text is found; text without a
//! reference finds none; no line is ever credited to an invoice other than the one it names; no
//! input makes the finder panic.

use std::collections::HashMap;

use billing_core::reconcile::{
    decide_batch, BankLine, Decision, InvoiceFacts, ReferenceFinder, References,
};
use billing_core::{InvoiceNumber, InvoicePrefix, Money, ServiceCode};
use chrono::NaiveDate;
use proptest::prelude::*;

const UA: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ";
const RU: &str = "ёъыэЁЪЫЭ";

/// Words of Ukrainian or Russian text, with digits, punctuation and Latin, but never a digit run
/// that could complete a reference next to our inserted one.
fn word() -> impl Strategy<Value = String> {
    let letters: Vec<char> = UA
        .chars()
        .chain(RU.chars())
        .chain("abcxyzHOR".chars())
        .collect();
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(letters), 1..10)
            .prop_map(|v| v.into_iter().collect::<String>()),
        "[0-9]{1,4}".prop_map(|s| s),
        Just("№".to_string()),
        Just("від 10.01.2025,".to_string()),
        Just("грн.".to_string()),
        Just("(".to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(word(), 0..12).prop_map(|w| w.join(" "))
}

fn letter_variant(c: char) -> impl Strategy<Value = char> {
    let lower = c.to_ascii_lowercase();
    let cyr: Vec<char> = match c {
        'A' => vec!['А', 'а'],
        'B' => vec!['В', 'в'],
        'C' => vec!['С', 'с'],
        'E' => vec!['Е', 'е'],
        'H' => vec!['Н', 'н'],
        'I' => vec!['І', 'і'],
        'K' => vec!['К', 'к'],
        'M' => vec!['М', 'м'],
        'O' => vec!['О', 'о'],
        'P' | 'R' => vec!['Р', 'р'],
        'T' => vec!['Т', 'т'],
        'X' => vec!['Х', 'х'],
        'Y' => vec!['У', 'у'],
        _ => vec![],
    };
    let mut all = vec![c, lower];
    all.extend(cyr);
    proptest::sample::select(all)
}

fn separators() -> impl Strategy<Value = String> {
    let seps = vec![
        '-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}',
        '\u{FE63}', '\u{FF0D}', '/', '_', ' ', '\u{00A0}', '\u{202F}',
    ];
    proptest::collection::vec(proptest::sample::select(seps), 0..=3)
        .prop_map(|v| v.into_iter().collect())
}

fn number() -> impl Strategy<Value = InvoiceNumber> {
    (
        prop_oneof![Just("HOR".to_string()), "[A-Z]{2,5}"],
        0u32..=99_999,
        prop_oneof![1u32..=999, 1000u32..=99_999_999],
    )
        .prop_map(|(p, c, s)| {
            InvoiceNumber::new(
                InvoicePrefix::parse(&p).unwrap(),
                ServiceCode::from_value(c).unwrap(),
                s,
            )
            .unwrap()
        })
}

fn written(n: InvoiceNumber) -> impl Strategy<Value = String> {
    let prefix: Vec<BoxedStrategy<char>> = n
        .prefix()
        .as_str()
        .chars()
        .map(|c| letter_variant(c).boxed())
        .collect();
    (prefix, separators(), separators()).prop_map(move |(p, s1, s2)| {
        format!(
            "{}{}{}{}{:03}",
            p.into_iter().collect::<String>(),
            s1,
            n.service_code(),
            s2,
            n.sequence()
        )
    })
}

fn case() -> impl Strategy<Value = (InvoiceNumber, String, String, String)> {
    number().prop_flat_map(|n| (Just(n), written(n), text(), text()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_written_variant_is_found((n, w, before, after) in case()) {
        let finder = ReferenceFinder::new([n.prefix()]);
        // Separate from the surrounding text by a space (glued text is not a reference).
        let purpose = format!("{before} {w} {after}");
        prop_assert_eq!(finder.classify(&purpose), References::One(n), "{}", purpose);
    }

    #[test]
    fn text_without_a_reference_finds_none(t in text()) {
        prop_assert_eq!(ReferenceFinder::default().classify(&t), References::None);
    }

    #[test]
    fn the_finder_never_panics(s in any::<String>(), b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let f = ReferenceFinder::default();
        let _ = f.classify(&s);
        let lossy = String::from_utf8_lossy(&b);
        let _ = f.find_all(&lossy);
    }

    #[test]
    fn no_line_is_credited_to_an_invoice_it_does_not_name(
        cases in proptest::collection::vec((case(), 0u8..4, 1i64..100_000), 1..20),
    ) {
        let day = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
        let mut invoices = HashMap::new();
        let mut lines = Vec::new();
        let finder = ReferenceFinder::new(cases.iter().map(|((n, ..), ..)| n.prefix()));
        for (i, ((n, w, before, after), kind, kop)) in cases.iter().enumerate() {
            let owed = Money::from_kopiyky(*kop).unwrap();
            invoices.insert(*n, InvoiceFacts::open(owed));
            let paid = if *kind == 0 { Money::from_kopiyky(kop + 1).unwrap() } else { owed };
            let purpose = match kind {
                1 => format!("{before} {after}"),
                _ => format!("{before} {w} {after}"),
            };
            lines.push(BankLine::incoming(format!("T{i}"), day, paid, purpose));
        }
        let decisions = decide_batch(&lines, &invoices, &finder);
        for (line, d) in lines.iter().zip(&decisions) {
            if let Decision::AutoCredit { invoice, amount } = d {
                let named = finder.find_all(&line.purpose);
                prop_assert_eq!(named, vec![*invoice]);
                prop_assert_eq!(*amount, line.amount);
                prop_assert_eq!(invoices[invoice].owed, line.amount);
            }
        }
        // Each invoice is credited at most once.
        let mut credited: Vec<_> = decisions.iter().filter_map(Decision::credited_invoice).collect();
        let total = credited.len();
        credited.sort();
        credited.dedup();
        prop_assert_eq!(credited.len(), total);
    }
}
