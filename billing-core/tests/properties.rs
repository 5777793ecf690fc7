//! Property tests for the foundation types.

use billing_core::{
    is_valid_edrpou, is_valid_iban, is_valid_rnokpp, Edrpou, Iban, InvoiceNumber, InvoicePrefix,
    Money, Rnokpp, ServiceCode,
};
use proptest::prelude::*;

/// The ЄДРПОУ check digit, written independently from the reference algorithm.
fn edrpou_check(d: &[u32; 7]) -> u32 {
    let first = d[0];
    let w: [u32; 7] = if (3..=5).contains(&first) {
        [7, 1, 2, 3, 4, 5, 6]
    } else {
        [1, 2, 3, 4, 5, 6, 7]
    };
    let r = d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
    if r < 10 {
        return r;
    }
    let r2 = d.iter().zip(w).map(|(a, b)| a * (b + 2)).sum::<u32>() % 11;
    if r2 == 10 {
        0
    } else {
        r2
    }
}

fn rnokpp_check(d: &[i64; 9]) -> i64 {
    let w = [-1, 5, 7, 9, 4, 6, 10, 5, 7];
    d.iter()
        .zip(w)
        .map(|(a, b)| a * b)
        .sum::<i64>()
        .rem_euclid(11)
        % 10
}

/// A valid IBAN for a country code and BBAN, with its check digits computed by the standard rule.
fn make_iban(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u64 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap() as u64;
        rem = if v < 10 {
            (rem * 10 + v) % 97
        } else {
            (rem * 100 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, n)
        .prop_map(|v| v.iter().map(|d| char::from(b'0' + d)).collect())
}

prop_compose! {
    fn valid_edrpou()(d in proptest::array::uniform7(0u32..10)) -> String {
        let mut s: String = d.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect();
        s.push(char::from_digit(edrpou_check(&d), 10).unwrap());
        s
    }
}

prop_compose! {
    fn valid_rnokpp()(d in proptest::array::uniform9(0i64..10)) -> String {
        let mut s: String = d.iter().map(|x| char::from_digit(*x as u32, 10).unwrap()).collect();
        s.push(char::from_digit(rnokpp_check(&d) as u32, 10).unwrap());
        s
    }
}

prop_compose! {
    /// Real Ukrainian accounts are digits only.
    fn numeric_ua_iban()(mfo in digits(6), account in digits(19)) -> String {
        make_iban("UA", &format!("{mfo}{account}"))
    }
}

prop_compose! {
    fn valid_ua_iban()(mfo in digits(6), account in "[0-9A-Z]{19}") -> String {
        make_iban("UA", &format!("{mfo}{account}"))
    }
}

/// Strings close to valid IBANs: a valid one with a random edit.
fn near_iban() -> impl Strategy<Value = String> {
    (valid_ua_iban(), 0usize..40, any::<char>(), 0u8..5).prop_map(|(s, pos, ch, op)| {
        let mut v: Vec<char> = s.chars().collect();
        let p = pos % (v.len() + 1);
        match op {
            0 if p < v.len() => v[p] = ch,
            1 => v.insert(p, ch),
            2 if p < v.len() => {
                v.remove(p);
            }
            3 => return s.to_lowercase(),
            _ => {
                // Print form, possibly with a broken group.
                let e: String = v.iter().collect();
                let mut out = String::new();
                for (i, c) in e.chars().enumerate() {
                    if i > 0 && i % 4 == 0 {
                        out.push(' ');
                    }
                    out.push(c);
                }
                if p % 3 == 0 {
                    out.push(' ');
                }
                return out;
            }
        }
        v.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_generated_edrpou_parses(s in valid_edrpou()) {
        prop_assert!(Edrpou::parse(&s).is_ok(), "{s}");
        prop_assert!(is_valid_edrpou(&s));
    }

    #[test]
    fn every_generated_rnokpp_parses(s in valid_rnokpp()) {
        prop_assert!(Rnokpp::parse(&s).is_ok(), "{s}");
        prop_assert!(is_valid_rnokpp(&s));
    }

    #[test]
    fn every_generated_ua_iban_parses(s in valid_ua_iban()) {
        let iban = Iban::parse(&s).unwrap();
        prop_assert!(iban.is_ukrainian());
        prop_assert_eq!(iban.mfo(), Some(&s[4..10]));
        prop_assert!(is_valid_iban(&s));
    }

    #[test]
    fn every_single_digit_change_of_a_valid_iban_is_rejected(
        s in numeric_ua_iban(), pos in 2usize..29, delta in 1u8..10,
    ) {
        let mut b = s.clone().into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(b).unwrap();
        prop_assert!(Iban::parse(&changed).is_err(), "{changed}");
        prop_assert!(!is_valid_iban(&changed));
    }

    #[test]
    fn iban_predicate_agrees_with_parse_near_valid(s in near_iban()) {
        prop_assert_eq!(is_valid_iban(&s), Iban::parse(&s).is_ok(), "{:?}", s);
    }

    #[test]
    fn iban_predicate_agrees_with_parse_random(s in "[A-Za-z]{2}[0-9]{2}[0-9A-Za-z ]{0,36}|\\PC{0,40}") {
        prop_assert_eq!(is_valid_iban(&s), Iban::parse(&s).is_ok(), "{:?}", s);
    }

    #[test]
    fn iban_predicate_agrees_on_foreign_ibans(
        country in "(DE|FR|GB|PL|NL|LT|XX|AA)", bban in "[0-9A-Z]{8,30}",
    ) {
        let s = make_iban(&country, &bban);
        prop_assert_eq!(is_valid_iban(&s), Iban::parse(&s).is_ok(), "{:?}", s);
    }

    #[test]
    fn edrpou_and_rnokpp_predicates_agree_with_parse(s in "[0-9]{8,10}|\\PC{0,12}") {
        prop_assert_eq!(is_valid_edrpou(&s), Edrpou::parse(&s).is_ok());
        prop_assert_eq!(is_valid_rnokpp(&s), Rnokpp::parse(&s).is_ok());
    }

    #[test]
    fn money_format_parse_round_trips(k in 0i64..=99_999_999_999) {
        let m = Money::from_kopiyky(k).unwrap();
        prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        prop_assert_eq!(m.to_grouped_string().parse::<Money>().unwrap(), m);
        prop_assert_eq!(m.kopiyky(), k);
    }

    #[test]
    fn sums_of_money_never_lose_a_kopiyka(ks in proptest::collection::vec(0i64..10_000_000, 0..200)) {
        let ms: Vec<Money> = ks.iter().map(|k| Money::from_kopiyky(*k).unwrap()).collect();
        let total = Money::sum(ms.iter().copied()).unwrap();
        prop_assert_eq!(total.kopiyky(), ks.iter().sum::<i64>());
        // Subtracting each part back leaves exactly zero.
        let rest = ms.iter().try_fold(total, |acc, m| acc.checked_sub(*m)).unwrap();
        prop_assert!(rest.is_zero());
    }

    #[test]
    fn money_parse_never_panics(s in "\\PC{0,30}") {
        let _ = s.parse::<Money>();
    }

    #[test]
    fn invoice_numbers_round_trip(code in 0u32..100_000, seq in 1u32..100_000) {
        let n = InvoiceNumber::new(InvoicePrefix::DEFAULT, ServiceCode::from_value(code).unwrap(), seq).unwrap();
        prop_assert_eq!(n.to_string().parse::<InvoiceNumber>().unwrap(), n);
    }
}
