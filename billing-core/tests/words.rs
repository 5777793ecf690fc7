//! The amount in words: the plural form of every noun agrees with its number, for numbers up to 10^12.

use billing_core::{amount_in_words, hryvnias_in_words, plural_form, Money, PluralForm};
use proptest::prelude::*;

/// The rule as the reference states it, written independently.
fn expected_form(n: u64) -> usize {
    if (11..=14).contains(&(n % 100)) {
        2
    } else if n % 10 == 1 {
        0
    } else if (2..=4).contains(&(n % 10)) {
        1
    } else {
        2
    }
}

const HRYVNIA: [&str; 3] = ["гривня", "гривні", "гривень"];
const THOUSAND: [&str; 3] = ["тисяча", "тисячі", "тисяч"];
const MILLION: [&str; 3] = ["мільйон", "мільйони", "мільйонів"];
const BILLION: [&str; 3] = ["мільярд", "мільярди", "мільярдів"];

/// The word that follows a scale group of `g`, if the group is present.
fn check_scale(words: &str, g: u64, forms: [&str; 3]) -> Result<(), TestCaseError> {
    let tokens: Vec<&str> = words.split(' ').collect();
    let found: Vec<&&str> = tokens.iter().filter(|t| forms.contains(t)).collect();
    if g == 0 {
        prop_assert!(found.is_empty(), "{words}: no {} expected", forms[0]);
    } else {
        prop_assert_eq!(found.len(), 1, "{}", words);
        prop_assert_eq!(*found[0], forms[expected_form(g)], "{}", words);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn plural_forms_agree_up_to_10_pow_12(n in 0u64..1_000_000_000_000) {
        let words = hryvnias_in_words(n);
        let last = words.rsplit(' ').next().unwrap();
        prop_assert_eq!(last, HRYVNIA[expected_form(n)], "{}", words);
        check_scale(&words, (n / 1000) % 1000, THOUSAND)?;
        check_scale(&words, (n / 1_000_000) % 1000, MILLION)?;
        check_scale(&words, n / 1_000_000_000, BILLION)?;
        let form = match plural_form(n) {
            PluralForm::One => 0,
            PluralForm::Few => 1,
            PluralForm::Many => 2,
        };
        prop_assert_eq!(form, expected_form(n));
    }

    #[test]
    fn feminine_and_masculine_one_and_two(n in 0u64..1_000_000_000_000) {
        let words = hryvnias_in_words(n);
        let tokens: Vec<&str> = words.split(' ').collect();
        for pair in tokens.windows(2) {
            let feminine_noun = HRYVNIA.contains(&pair[1]) || THOUSAND.contains(&pair[1]);
            let masculine_noun = MILLION.contains(&pair[1]) || BILLION.contains(&pair[1]);
            if feminine_noun {
                prop_assert!(pair[0] != "один" && pair[0] != "два", "{}", words);
            }
            if masculine_noun {
                prop_assert!(pair[0] != "одна" && pair[0] != "дві", "{}", words);
            }
        }
    }

    #[test]
    fn kopiyky_are_two_digits_with_the_agreeing_noun(k in 0i64..=99_999_999_999) {
        let m = Money::from_kopiyky(k).unwrap();
        let words = amount_in_words(m);
        let kop = (k % 100) as u64;
        let tail = format!("{:02} {}", kop, ["копійка", "копійки", "копійок"][expected_form(kop)]);
        prop_assert!(words.ends_with(&tail), "{} / {}", words, tail);
        prop_assert!(words.chars().next().unwrap().is_uppercase());
    }
}
