//! The amount in words (сума прописом), as Ukrainian accounting documents write it.
//!
//! `1200.00` is `Одна тисяча двісті гривень 00 копійок`: гривня and тисяча are feminine (одна, дві),
//! мільйон and мільярд masculine (один, два); nouns take the 1 / 2-4 / 5+ forms, with 11-14 always
//! in the third; kopiyky are written as two digits with the agreeing noun. No floats: the amount
//! comes from [`Money`]'s integer hryvnias and kopiyky.

use crate::money::Money;

/// The three noun forms of Ukrainian numerals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralForm {
    /// After 1, 21, 31, ... (but not 11): гривня.
    One,
    /// After 2-4, 22-24, ... (but not 12-14): гривні.
    Few,
    /// Everything else, 0 and 5-20 among them: гривень.
    Many,
}

/// The noun form a number takes: `n % 100` in 11..=14 gives [`PluralForm::Many`]; otherwise
/// `n % 10 == 1` gives [`PluralForm::One`], 2..=4 [`PluralForm::Few`], the rest [`PluralForm::Many`].
pub fn plural_form(n: u64) -> PluralForm {
    match (n % 100, n % 10) {
        (11..=14, _) => PluralForm::Many,
        (_, 1) => PluralForm::One,
        (_, 2..=4) => PluralForm::Few,
        _ => PluralForm::Many,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Gender {
    Masculine,
    Feminine,
}

/// A noun in its three forms, with its gender.
struct Noun {
    forms: [&'static str; 3],
    gender: Gender,
}

impl Noun {
    fn form(&self, n: u64) -> &'static str {
        match plural_form(n) {
            PluralForm::One => self.forms[0],
            PluralForm::Few => self.forms[1],
            PluralForm::Many => self.forms[2],
        }
    }
}

const HRYVNIA: Noun = Noun {
    forms: ["гривня", "гривні", "гривень"],
    gender: Gender::Feminine,
};
const KOPIYKA: Noun = Noun {
    forms: ["копійка", "копійки", "копійок"],
    gender: Gender::Feminine,
};
const SCALES: [Noun; 3] = [
    Noun {
        forms: ["тисяча", "тисячі", "тисяч"],
        gender: Gender::Feminine,
    },
    Noun {
        forms: ["мільйон", "мільйони", "мільйонів"],
        gender: Gender::Masculine,
    },
    Noun {
        forms: ["мільярд", "мільярди", "мільярдів"],
        gender: Gender::Masculine,
    },
];

const UNITS: [&str; 20] = [
    "",
    "один",
    "два",
    "три",
    "чотири",
    "п'ять",
    "шість",
    "сім",
    "вісім",
    "дев'ять",
    "десять",
    "одинадцять",
    "дванадцять",
    "тринадцять",
    "чотирнадцять",
    "п'ятнадцять",
    "шістнадцять",
    "сімнадцять",
    "вісімнадцять",
    "дев'ятнадцять",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцять",
    "тридцять",
    "сорок",
    "п'ятдесят",
    "шістдесят",
    "сімдесят",
    "вісімдесят",
    "дев'яносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двісті",
    "триста",
    "чотириста",
    "п'ятсот",
    "шістсот",
    "сімсот",
    "вісімсот",
    "дев'ятсот",
];

/// Words for 1..=999 in the given gender, pushed onto `out`.
fn triple(n: u64, gender: Gender, out: &mut Vec<&'static str>) {
    let (h, rest) = (n / 100, n % 100);
    if h > 0 {
        out.push(HUNDREDS[h as usize]);
    }
    let unit = if rest < 20 {
        rest
    } else {
        out.push(TENS[(rest / 10) as usize]);
        rest % 10
    };
    match (unit, gender) {
        (0, _) => {}
        (1, Gender::Feminine) => out.push("одна"),
        (2, Gender::Feminine) => out.push("дві"),
        (u, _) => out.push(UNITS[u as usize]),
    }
}

/// Words for a whole number of hryvnias (below 10^12) with the agreeing noun, in lower case:
/// `одна тисяча двісті гривень`.
///
/// ```
/// assert_eq!(billing_core::hryvnias_in_words(2_000_000_002), "два мільярди дві гривні");
/// ```
pub fn hryvnias_in_words(n: u64) -> String {
    let mut words: Vec<&'static str> = Vec::with_capacity(12);
    if n == 0 {
        words.push("нуль");
    } else {
        let groups = [
            (n / 1_000_000_000) % 1000,
            (n / 1_000_000) % 1000,
            (n / 1000) % 1000,
        ];
        for (i, g) in groups.iter().enumerate() {
            if *g > 0 {
                let scale = &SCALES[2 - i];
                triple(*g, scale.gender, &mut words);
                words.push(scale.form(*g));
            }
        }
        triple(n % 1000, HRYVNIA.gender, &mut words);
    }
    words.push(HRYVNIA.form(n));
    words.join(" ")
}

/// The amount in words, capitalised, with kopiyky as two digits:
///
/// ```
/// use billing_core::{amount_in_words, Money};
/// let m: Money = "21021.21".parse().unwrap();
/// assert_eq!(amount_in_words(m), "Двадцять одна тисяча двадцять одна гривня 21 копійка");
/// ```
pub fn amount_in_words(amount: Money) -> String {
    let hryvnias = amount.hryvnias().unsigned_abs();
    let kopiyky = u64::from(amount.kopiyky_part());
    format!(
        "{} {:02} {}",
        capitalize(&hryvnias_in_words(hryvnias)),
        kopiyky,
        KOPIYKA.form(kopiyky)
    )
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verified vectors of shared/reference/ukraine-domain.md, section 6.
    const VECTORS: &[(&str, &str)] = &[
        ("0.00", "Нуль гривень 00 копійок"),
        ("0.01", "Нуль гривень 01 копійка"),
        ("0.02", "Нуль гривень 02 копійки"),
        ("0.11", "Нуль гривень 11 копійок"),
        ("1.00", "Одна гривня 00 копійок"),
        ("2.00", "Дві гривні 00 копійок"),
        ("4.99", "Чотири гривні 99 копійок"),
        ("5.00", "П'ять гривень 00 копійок"),
        ("11.00", "Одинадцять гривень 00 копійок"),
        ("14.14", "Чотирнадцять гривень 14 копійок"),
        ("21.21", "Двадцять одна гривня 21 копійка"),
        ("22.22", "Двадцять дві гривні 22 копійки"),
        ("101.01", "Сто одна гривня 01 копійка"),
        ("111.11", "Сто одинадцять гривень 11 копійок"),
        ("1000.00", "Одна тисяча гривень 00 копійок"),
        ("1001.00", "Одна тисяча одна гривня 00 копійок"),
        ("1200.00", "Одна тисяча двісті гривень 00 копійок"),
        ("2002.02", "Дві тисячі дві гривні 02 копійки"),
        ("5000.00", "П'ять тисяч гривень 00 копійок"),
        ("11000.00", "Одинадцять тисяч гривень 00 копійок"),
        (
            "21021.21",
            "Двадцять одна тисяча двадцять одна гривня 21 копійка",
        ),
        ("100000.00", "Сто тисяч гривень 00 копійок"),
        ("1000000.00", "Один мільйон гривень 00 копійок"),
        (
            "2345678.91",
            "Два мільйони триста сорок п'ять тисяч шістсот сімдесят вісім гривень 91 копійка",
        ),
        ("1000000000.00", "Один мільярд гривень 00 копійок"),
    ];

    #[test]
    fn reference_vectors() {
        for (amount, words) in VECTORS {
            // 1 000 000 000.00 is above Money::MAX; check the words of the whole number directly.
            match amount.parse::<Money>() {
                Ok(m) => assert_eq!(amount_in_words(m), *words, "{amount}"),
                Err(_) => {
                    let n: u64 = amount.split('.').next().unwrap().parse().unwrap();
                    let w = capitalize(&hryvnias_in_words(n));
                    assert_eq!(format!("{w} 00 копійок"), *words, "{amount}");
                }
            }
        }
    }

    #[test]
    fn the_largest_amount() {
        assert_eq!(
            amount_in_words(Money::MAX),
            "Дев'ятсот дев'яносто дев'ять мільйонів дев'ятсот дев'яносто дев'ять тисяч \
             дев'ятсот дев'яносто дев'ять гривень 99 копійок"
        );
    }
}
