//! Inputs for the criterion benches in `benches/benches/`: deterministic generated values (no data
//! files are committed).

/// A small deterministic generator (an LCG), so the benches need no randomness crate.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed)
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    /// A digit string of length `n`.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next_u64() % 10) as u8))
            .collect()
    }
}

/// `n` ЄДРПОУ-shaped values, about 9 in 10 valid (the rest fail the checksum).
pub fn edrpou_values(n: usize) -> Vec<String> {
    let mut g = Lcg::new(1);
    (0..n)
        .map(|i| {
            let body = g.digits(7);
            let valid = (0..10)
                .map(|d| format!("{body}{d}"))
                .find(|s| billing_core::is_valid_edrpou(s))
                .unwrap_or_else(|| format!("{body}0"));
            if i % 10 == 9 {
                let last = valid.as_bytes()[7] - b'0';
                format!("{body}{}", (last + 1) % 10)
            } else {
                valid
            }
        })
        .collect()
}

/// `n` РНОКПП-shaped values, about 9 in 10 valid.
pub fn rnokpp_values(n: usize) -> Vec<String> {
    let mut g = Lcg::new(2);
    (0..n)
        .map(|i| {
            let body = g.digits(9);
            let valid = (0..10)
                .map(|d| format!("{body}{d}"))
                .find(|s| billing_core::is_valid_rnokpp(s))
                .unwrap_or_else(|| format!("{body}0"));
            if i % 10 == 9 {
                let last = valid.as_bytes()[9] - b'0';
                format!("{body}{}", (last + 1) % 10)
            } else {
                valid
            }
        })
        .collect()
}

/// A valid IBAN for a country and BBAN (check digits computed).
pub fn make_iban(country: &str, bban: &str) -> String {
    let mut rem: u64 = 0;
    for c in bban.chars().chain(country.chars()).chain("00".chars()) {
        let v = u64::from(c.to_digit(36).unwrap_or(0));
        rem = if v < 10 {
            (rem * 10 + v) % 97
        } else {
            (rem * 100 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

/// `n` Ukrainian IBANs in electronic form, about 9 in 10 valid (the rest have one digit changed).
pub fn iban_values(n: usize) -> Vec<String> {
    let mut g = Lcg::new(3);
    (0..n)
        .map(|i| {
            let bban = format!("{}{}", g.digits(6), g.digits(19));
            let valid = make_iban("UA", &bban);
            if i % 10 == 9 {
                let mut b = valid.into_bytes();
                b[20] = b'0' + (b[20] - b'0' + 1) % 10;
                String::from_utf8(b).unwrap_or_default()
            } else {
                valid
            }
        })
        .collect()
}
