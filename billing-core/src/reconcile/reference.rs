//! Finding invoice numbers (`HOR-11111-007`) in a payment purpose (призначення платежу), as payers
//! really type them.
//!
//! A reference is a prefix, a service code of exactly five digits and a sequence of exactly three
//! digits (four and more only from 1000 up, without a leading zero). Between the parts there may be
//! nothing, or up to three separators: a hyphen, any Unicode dash or minus sign, a slash, an
//! underscore, a space, a non-breaking or a narrow non-breaking space. The prefix is read in any case
//! and with the Cyrillic letters that look like Latin ones (`НОР`, `нор`, `HOР` read `HOR`).
//! A reference glued to a preceding letter or digit, or followed by another digit, is not a reference;
//! other digit counts are never guessed at.
//!
//! ```
//! use billing_core::reconcile::{ReferenceFinder, References};
//! let finder = ReferenceFinder::default(); // the prefix HOR
//! let found = finder.classify("Оплата за рахунком нор 11111/007, без ПДВ");
//! assert_eq!(found, References::One("HOR-11111-007".parse().unwrap()));
//! assert_eq!(finder.classify("ХНОР-11111-007"), References::None);
//! ```

use crate::ids::{InvoiceNumber, InvoicePrefix, ServiceCode, SERVICE_CODE_WIDTH};

/// The most separators allowed between two parts of a reference.
pub const MAX_SEPARATORS: usize = 3;

/// The longest sequence read (999 999 999, as [`InvoiceNumber`] parsing allows).
const MAX_SEQUENCE_DIGITS: usize = 9;

/// Whether `c` may stand between the parts of a reference: a hyphen, any Unicode dash or minus sign,
/// a slash, an underscore, a space, a non-breaking space or a narrow non-breaking space.
pub fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '/'
            | '_'
            | ' '
            | '\u{00A0}' // no-break space
            | '\u{202F}' // narrow no-break space
            // Unicode dashes (general category Pd)
            | '\u{058A}'
            | '\u{05BE}'
            | '\u{1400}'
            | '\u{1806}'
            | '\u{2010}'
            ..='\u{2015}'
            | '\u{2E17}'
            | '\u{2E1A}'
            | '\u{2E3A}'
            | '\u{2E3B}'
            | '\u{2E40}'
            | '\u{2E5D}'
            | '\u{301C}'
            | '\u{3030}'
            | '\u{30A0}'
            | '\u{FE31}'
            | '\u{FE32}'
            | '\u{FE58}'
            | '\u{FE63}'
            | '\u{FF0D}'
            | '\u{10EAD}'
            // minus signs
            | '\u{02D7}'
            | '\u{207B}'
            | '\u{208B}'
            | '\u{2212}'
            | '\u{2796}'
    )
}

/// Whether the character `c` reads as the Latin capital `letter` in a typed prefix: the letter in any
/// case, or a Cyrillic look-alike in any case (А В С Е Н І К М О Р Т Х У for A B C E H I K M O P T X
/// Y). Cyrillic Р also reads as R, as payers type `НОР` for `HOR`.
pub fn reads_as(c: char, letter: u8) -> bool {
    if c.is_ascii() {
        return (c as u8).to_ascii_uppercase() == letter;
    }
    let latin = match c {
        'А' | 'а' => b'A',
        'В' | 'в' => b'B',
        'С' | 'с' => b'C',
        'Е' | 'е' => b'E',
        'Н' | 'н' => b'H',
        'І' | 'і' => b'I',
        'К' | 'к' => b'K',
        'М' | 'м' => b'M',
        'О' | 'о' => b'O',
        'Р' | 'р' => return letter == b'P' || letter == b'R',
        'Т' | 'т' => b'T',
        'Х' | 'х' => b'X',
        'У' | 'у' => b'Y',
        _ => return false,
    };
    latin == letter
}

/// What a purpose names: no invoice, exactly one (written once or more), or two or more different
/// ones (the first two are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum References {
    /// No reference.
    None,
    /// Exactly one invoice (the same invoice written twice counts once).
    One(InvoiceNumber),
    /// Two or more different invoices; the first two found.
    Many(InvoiceNumber, InvoiceNumber),
}

impl References {
    /// The invoice when exactly one is named.
    pub fn one(self) -> Option<InvoiceNumber> {
        match self {
            References::One(n) => Some(n),
            _ => None,
        }
    }
}

/// Finds references with the given prefixes (the platform's is `HOR`). Cheap to clone; the search
/// does not allocate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceFinder {
    prefixes: Vec<InvoicePrefix>,
}

impl Default for ReferenceFinder {
    /// A finder for the default prefix, `HOR`.
    fn default() -> Self {
        ReferenceFinder {
            prefixes: vec![InvoicePrefix::DEFAULT],
        }
    }
}

impl ReferenceFinder {
    /// A finder for these prefixes (duplicates are dropped; none means `HOR`).
    pub fn new<I: IntoIterator<Item = InvoicePrefix>>(prefixes: I) -> ReferenceFinder {
        let mut list: Vec<InvoicePrefix> = Vec::new();
        for p in prefixes {
            if !list.contains(&p) {
                list.push(p);
            }
        }
        if list.is_empty() {
            list.push(InvoicePrefix::DEFAULT);
        }
        ReferenceFinder { prefixes: list }
    }

    /// The prefixes searched for.
    pub fn prefixes(&self) -> &[InvoicePrefix] {
        &self.prefixes
    }

    /// Every reference in `purpose`, in order of appearance, repeats included.
    pub fn iter<'f, 's>(&'f self, purpose: &'s str) -> ReferenceIter<'f, 's> {
        ReferenceIter {
            finder: self,
            text: purpose,
            pos: 0,
            pending: None,
        }
    }

    /// The distinct references in `purpose`, in order of first appearance.
    pub fn find_all(&self, purpose: &str) -> Vec<InvoiceNumber> {
        let mut out: Vec<InvoiceNumber> = Vec::new();
        for n in self.iter(purpose) {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// None, one or many: what the decision needs, without allocating.
    pub fn classify(&self, purpose: &str) -> References {
        let mut first: Option<InvoiceNumber> = None;
        for n in self.iter(purpose) {
            match first {
                None => first = Some(n),
                Some(f) if f != n => return References::Many(f, n),
                Some(_) => {}
            }
        }
        first.map_or(References::None, References::One)
    }

    /// Whether the prefix `prefix` ends right before byte `end` of `text`, with a non-letter,
    /// non-digit (or the start of the text) before it.
    fn prefix_ends_at(text: &str, end: usize, prefix: &InvoicePrefix) -> bool {
        let mut chars = text[..end].chars().rev();
        for &letter in prefix.as_str().as_bytes().iter().rev() {
            match chars.next() {
                Some(c) if reads_as(c, letter) => {}
                _ => return false,
            }
        }
        !matches!(chars.next(), Some(c) if c.is_alphanumeric())
    }
}

/// A candidate read from the digits: the service code, the sequence, and the byte where the
/// separators before the code end (the prefix must end there).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    code: u32,
    sequence: u32,
    prefix_end: usize,
    next_prefix: usize,
}

/// The references in a purpose, in order (see [`ReferenceFinder::iter`]).
#[derive(Debug, Clone)]
pub struct ReferenceIter<'f, 's> {
    finder: &'f ReferenceFinder,
    text: &'s str,
    pos: usize,
    pending: Option<Candidate>,
}

fn digits_value(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// A canonical sequence: exactly three digits (001..999), or 4 to 9 digits without a leading zero.
fn sequence_value(d: &[u8]) -> Option<u32> {
    if d.len() < 3 || d.len() > MAX_SEQUENCE_DIGITS || (d.len() > 3 && d[0] == b'0') {
        return None;
    }
    let v = digits_value(d);
    (v > 0).then_some(v)
}

/// The first ASCII digit in `b` from byte `from` on. Purposes are mostly Cyrillic text with few
/// digits: whole words of bytes are tested at a time (no byte of a multi-byte UTF-8 character is
/// an ASCII digit).
#[inline]
fn find_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    // Sixteen bytes a step while there are that many, then eight, then one by one.
    while let Some(words) = b.get(i..i + 16) {
        let (lo, hi) = (digit_bits(&words[..8]), digit_bits(&words[8..]));
        if lo | hi != 0 {
            return Some(if lo != 0 {
                i + (lo.trailing_zeros() / 8) as usize
            } else {
                i + 8 + (hi.trailing_zeros() / 8) as usize
            });
        }
        i += 16;
    }
    if let Some(word) = b.get(i..i + 8) {
        let d = digit_bits(word);
        if d != 0 {
            return Some(i + (d.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

/// Bit 7 of each byte of the eight-byte `word` set where the byte is an ASCII digit (the test never
/// carries from one byte into the next).
#[inline]
fn digit_bits(word: &[u8]) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut w = [0u8; 8];
    w.copy_from_slice(word);
    let x = u64::from_le_bytes(w);
    let low7 = x & !HI;
    // Bit 7 of each byte: set when the byte's low seven bits are >= '0', resp. > '9'.
    let ge_0 = low7 + LO * (0x80 - u64::from(b'0'));
    let gt_9 = low7 + LO * (0x80 - u64::from(b'9') - 1);
    ge_0 & !gt_9 & !x & HI
}

/// Whether the character starting at byte `at` (if any) is a digit of any script: a reference
/// followed by another digit is not a reference.
fn digit_follows(text: &str, at: usize) -> bool {
    matches!(text[at..].chars().next(), Some(c) if c.is_numeric())
}

impl<'f, 's> ReferenceIter<'f, 's> {
    /// The next candidate (code and sequence read, separators before the code counted), or `None`
    /// at the end of the text.
    fn next_candidate(&mut self) -> Option<Candidate> {
        let text = self.text;
        let b = text.as_bytes();
        let n = b.len();
        while self.pos < n {
            // The start of a run of ASCII digits.
            let Some(start) = find_digit(b, self.pos) else {
                self.pos = n;
                return None;
            };
            let mut end = start;
            while end < n && b[end].is_ascii_digit() {
                end += 1;
            }
            self.pos = end;
            let run = end - start;
            let (code, sequence) = if run == SERVICE_CODE_WIDTH {
                // Separators, then the sequence's own run of digits.
                let mut seps = 0usize;
                let mut at = end;
                for c in text[end..].chars() {
                    if seps < MAX_SEPARATORS + 1 && is_separator(c) {
                        seps += 1;
                        at += c.len_utf8();
                    } else {
                        break;
                    }
                }
                if seps == 0 || seps > MAX_SEPARATORS {
                    continue;
                }
                let seq_start = at;
                let mut seq_end = seq_start;
                while seq_end < n && b[seq_end].is_ascii_digit() {
                    seq_end += 1;
                }
                let Some(seq) = sequence_value(&b[seq_start..seq_end]) else {
                    continue;
                };
                if digit_follows(text, seq_end) {
                    continue;
                }
                (digits_value(&b[start..end]), seq)
            } else if run >= SERVICE_CODE_WIDTH + 3 {
                let split = start + SERVICE_CODE_WIDTH;
                let Some(seq) = sequence_value(&b[split..end]) else {
                    continue;
                };
                if digit_follows(text, end) {
                    continue;
                }
                (digits_value(&b[start..split]), seq)
            } else {
                continue;
            };
            // Up to three separators before the code; more is not a reference.
            let mut prefix_end = start;
            let mut seps = 0usize;
            for c in text[..start].chars().rev() {
                if !is_separator(c) {
                    break;
                }
                seps += 1;
                if seps > MAX_SEPARATORS {
                    break;
                }
                prefix_end -= c.len_utf8();
            }
            if seps > MAX_SEPARATORS {
                continue;
            }
            return Some(Candidate {
                code,
                sequence,
                prefix_end,
                next_prefix: 0,
            });
        }
        None
    }
}

impl Iterator for ReferenceIter<'_, '_> {
    type Item = InvoiceNumber;

    fn next(&mut self) -> Option<InvoiceNumber> {
        loop {
            let mut cand = match self.pending.take() {
                Some(c) => c,
                None => self.next_candidate()?,
            };
            let prefixes = &self.finder.prefixes;
            while cand.next_prefix < prefixes.len() {
                let prefix = prefixes[cand.next_prefix];
                cand.next_prefix += 1;
                if ReferenceFinder::prefix_ends_at(self.text, cand.prefix_end, &prefix) {
                    let Ok(code) = ServiceCode::from_value(cand.code) else {
                        continue;
                    };
                    let Ok(number) = InvoiceNumber::new(prefix, code, cand.sequence) else {
                        continue;
                    };
                    if cand.next_prefix < prefixes.len() {
                        self.pending = Some(cand);
                    }
                    return Some(number);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Option<String> {
        ReferenceFinder::default()
            .classify(s)
            .one()
            .map(|n| n.to_string())
    }

    #[test]
    fn reads_the_variants() {
        let want = Some("HOR-11111-007".to_string());
        for s in [
            "HOR-11111-007",
            "hor-11111-007",
            "Hor 11111 007",
            "НОР-11111-007",
            "нор11111007",
            "HOР/11111/007",
            "H\u{041E}R_11111_007",
            "HOR – 11111 — 007",
            "HOR\u{2212}11111\u{2212}007",
            "HOR\u{00A0}11111\u{202F}007",
            "HOR - 11111 - 007",
            "Оплата за рах. №HOR-11111-007 без ПДВ",
            "(HOR-11111-007)",
            "HOR-11111-007грн",
            "HOR-11111-007.",
        ] {
            assert_eq!(one(s), want, "{s:?}");
        }
        assert_eq!(one("HOR-11111-1000").as_deref(), Some("HOR-11111-1000"));
        assert_eq!(one("HOR111111000").as_deref(), Some("HOR-11111-1000"));
    }

    #[test]
    fn rejects_the_non_references() {
        for s in [
            "XHOR-11111-007",
            "ВНОР-11111-007",
            "1HOR-11111-007",
            "HOR-11111-0071",
            "HOR-11111-007\u{0663}",
            "HOR-1111-007",
            "HOR-111111-007",
            "HOR-11111-07",
            "HOR-11111-0007",
            "HOR-11111-000",
            "HOR    11111-007",
            "HOR-11111    007",
            "HOR.11111.007",
            "HOP-11111-007",
            "HOR-11111-1234567890",
            "",
            "12345678",
        ] {
            assert_eq!(one(s), None, "{s:?}");
        }
    }

    #[test]
    fn counts_the_same_invoice_once() {
        let f = ReferenceFinder::default();
        assert_eq!(
            f.classify("HOR-11111-007 і ще раз нор 11111 007")
                .one()
                .map(|n| n.to_string()),
            Some("HOR-11111-007".to_string())
        );
        assert!(matches!(
            f.classify("HOR-11111-007, HOR-11111-008"),
            References::Many(_, _)
        ));
        assert_eq!(
            f.find_all("HOR-11111-007 HOR-11111-008 HOR-11111-007")
                .len(),
            2
        );
    }

    #[test]
    fn finds_digits_like_a_byte_scan() {
        let texts = [
            "",
            "7",
            "abc",
            "Оплата без ПДВ",
            "Оплата 1",
            "ПДВ\u{0663}9 х",
            "\u{7f}\u{80}/:09",
            "ааааааааааааааааа0",
        ];
        for t in texts {
            let b = t.as_bytes();
            for from in 0..=b.len() {
                let want = b[from..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|p| from + p);
                assert_eq!(find_digit(b, from), want, "{t:?} from {from}");
            }
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for from in 0..all.len() {
            let want = all[from..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|p| from + p);
            assert_eq!(find_digit(&all, from), want);
        }
    }

    #[test]
    fn other_prefixes() {
        let f = ReferenceFinder::new(["PAY".parse().unwrap()]);
        assert_eq!(
            f.classify("рау-00042-001").one().map(|n| n.to_string()),
            Some("PAY-00042-001".to_string())
        );
        assert_eq!(f.classify("HOR-00042-001"), References::None);
    }
}
