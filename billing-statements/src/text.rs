//! Small text helpers shared by the importers.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Kyiv;

/// The bytes without a leading UTF-8 byte order mark.
pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// UTF-8 when it is valid, otherwise Windows-1251 (every byte maps to a character).
pub(crate) fn decode_utf8_or_1251(b: &[u8]) -> std::borrow::Cow<'_, str> {
    let b = strip_bom(b);
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1251.decode_without_bom_handling(b).0,
    }
}

/// `DD.MM.YYYY`.
pub(crate) fn date_dmy(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%d.%m.%Y").ok()
}

/// `YYYY-MM-DD`.
pub(crate) fn date_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A Kyiv wall-clock time as a UTC instant (the earlier one when the clock repeats).
pub(crate) fn kyiv_to_utc(local: NaiveDateTime) -> Option<chrono::DateTime<Utc>> {
    Kyiv.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A stable 64-bit FNV-1a hash, for formats without a transaction id.
pub(crate) fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A text field: `None` when empty or blank.
pub(crate) fn non_empty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}
