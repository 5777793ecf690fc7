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

/// `YYYY-MM-DD` (exactly; surrounding white space allowed).
pub(crate) fn date_iso(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Validates UTF-8 quickly (SIMD where the processor has it).
pub(crate) fn utf8(b: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(b).ok()
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

/// Calls `f(line, text, line_no)` on every line of `bytes` (`text` is the line as `&str` when the
/// part of the file it lies in is valid UTF-8; 1-based numbers, `\r\n` or `\n`, a leading byte
/// order mark dropped, blank lines skipped), on all cores for large inputs, keeping file order.
/// The first error in file order wins.
pub(crate) fn par_lines<'b, T, E, F>(bytes: &'b [u8], f: F, on_panic: E) -> Result<Vec<T>, E>
where
    T: Send,
    E: Send + Clone,
    F: Fn(&'b [u8], Option<&'b str>, usize) -> Result<T, E> + Sync,
{
    par_lines_from(bytes, 1, f, on_panic)
}

/// [`par_lines`] on a part of a file that starts at line `first` (1-based; a byte order mark is
/// only dropped on line 1).
pub(crate) fn par_lines_from<'b, T, E, F>(
    bytes: &'b [u8],
    first: usize,
    f: F,
    on_panic: E,
) -> Result<Vec<T>, E>
where
    T: Send,
    E: Send + Clone,
    F: Fn(&'b [u8], Option<&'b str>, usize) -> Result<T, E> + Sync,
{
    let chunk = |part: &'b [u8], first_line: usize, capacity: usize| -> Result<Vec<T>, E> {
        // Valid UTF-8 as a whole lets each line be read as text without checking it again.
        let text = utf8(part);
        let mut out = Vec::with_capacity(capacity);
        let mut start = 0usize;
        let mut line_no = first_line;
        let mut ends = memchr::memchr_iter(b'\n', part);
        while start < part.len() {
            let end = ends.next().unwrap_or(part.len());
            let mut stop = end;
            if stop > start && part[stop - 1] == b'\r' {
                stop -= 1;
            }
            let mut begin = start;
            if line_no == 1 && part[begin..stop].starts_with(b"\xEF\xBB\xBF") {
                begin += 3;
            }
            let line = &part[begin..stop];
            if !line.iter().all(u8::is_ascii_whitespace) {
                // Cut at ASCII bytes (a newline, a carriage return, after a BOM): char boundaries.
                let line_text = text.and_then(|t| t.get(begin..stop));
                out.push(f(line, line_text, line_no)?);
            }
            start = end + 1;
            line_no += 1;
        }
        Ok(out)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || bytes.len() < (1 << 20) {
        return chunk(bytes, first, bytes.len() / 256 + 1);
    }
    let mut bounds = vec![0usize];
    for t in 1..threads {
        let guess = bytes.len() * t / threads;
        let at = memchr::memchr(b'\n', &bytes[guess..]).map_or(bytes.len(), |p| guess + p + 1);
        if at > *bounds.last().unwrap_or(&0) && at < bytes.len() {
            bounds.push(at);
        }
    }
    bounds.push(bytes.len());
    // Each chunk's first line number; the first chunk's vector gets room for every line, so the
    // others are appended to it without growing it.
    let counts: Vec<usize> = bounds
        .windows(2)
        .map(|w| memchr::memchr_iter(b'\n', &bytes[w[0]..w[1]]).count() + 1)
        .collect();
    let total: usize = counts.iter().sum();
    let mut first_lines = vec![first];
    for c in &counts[..counts.len() - 1] {
        let prev = *first_lines.last().unwrap_or(&first);
        first_lines.push(prev + c - 1);
    }
    let chunk = &chunk;
    let results: Vec<Result<Vec<T>, E>> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .zip(first_lines.iter().zip(&counts))
            .enumerate()
            .map(|(i, (w, (&first, &count)))| {
                let part = &bytes[w[0]..w[1]];
                let capacity = if i == 0 { total } else { count };
                s.spawn(move || chunk(part, first, capacity))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(on_panic.clone())))
            .collect()
    });
    let mut parts = results.into_iter();
    let mut all: Vec<T> = match parts.next() {
        Some(r) => r?,
        None => Vec::new(),
    };
    for r in parts {
        all.append(&mut r?);
    }
    Ok(all)
}

/// A JSON string value as read by [`flat_object`]: borrowed from the line when it has no escapes.
pub(crate) type JsonStr<'a> = std::borrow::Cow<'a, str>;

/// Reads the one-level JSON object on `line` whose values are all strings or `null`, calling
/// `member(key, value)` for each member in order (`None` for `null`); `member` returns `false` to
/// give up. Returns `false` when the line is anything else or uses what this reader leaves out
/// (a value of another type, a control character anywhere, an escaped key, a `\u` escape): the
/// caller then reads the line with `serde_json`, which gives the exact result or error. What it
/// does read, it reads as `serde_json` does.
pub(crate) fn flat_object<'a>(
    line: &'a str,
    mut member: impl FnMut(&'a str, Option<JsonStr<'a>>) -> bool,
) -> bool {
    let b = line.as_bytes();
    // Control characters are only valid in JSON as white space between tokens: leave them (and
    // tabs, newlines, carriage returns) to serde_json.
    if b.iter().fold(false, |acc, &c| acc | (c < 0x20)) {
        return false;
    }
    let skip_ws = |mut at: usize| {
        while b.get(at) == Some(&b' ') {
            at += 1;
        }
        at
    };
    let mut at = skip_ws(0);
    if b.get(at) != Some(&b'{') {
        return false;
    }
    at = skip_ws(at + 1);
    if b.get(at) == Some(&b'}') {
        return skip_ws(at + 1) == b.len();
    }
    loop {
        if b.get(at) != Some(&b'"') {
            return false;
        }
        let Some(len) = memchr::memchr2(b'"', b'\\', &b[at + 1..]) else {
            return false;
        };
        if b[at + 1 + len] != b'"' {
            return false;
        }
        let key = &line[at + 1..at + 1 + len];
        at = skip_ws(at + 2 + len);
        if b.get(at) != Some(&b':') {
            return false;
        }
        at = skip_ws(at + 1);
        let value = match b.get(at) {
            Some(b'"') => {
                let Some((value, end)) = json_string(line, at + 1) else {
                    return false;
                };
                at = end;
                Some(value)
            }
            Some(b'n') if b[at..].starts_with(b"null") => {
                at += 4;
                None
            }
            _ => return false,
        };
        if !member(key, value) {
            return false;
        }
        at = skip_ws(at);
        match b.get(at) {
            Some(b',') => at = skip_ws(at + 1),
            Some(b'}') => return skip_ws(at + 1) == b.len(),
            _ => return false,
        }
    }
}

/// The JSON string whose text starts at byte `start` of `line` (after the opening quote), and the
/// byte after its closing quote; `None` for a `\u` escape or an invalid one.
fn json_string(line: &str, start: usize) -> Option<(JsonStr<'_>, usize)> {
    let b = line.as_bytes();
    let len = memchr::memchr2(b'"', b'\\', &b[start..])?;
    if b[start + len] == b'"' {
        return Some((
            std::borrow::Cow::Borrowed(&line[start..start + len]),
            start + len + 1,
        ));
    }
    let mut out = String::with_capacity(len + 16);
    let mut at = start;
    loop {
        let len = memchr::memchr2(b'"', b'\\', &b[at..])?;
        // Cut before an ASCII quote or backslash: a char boundary.
        out.push_str(&line[at..at + len]);
        at += len;
        if b[at] == b'"' {
            return Some((std::borrow::Cow::Owned(out), at + 1));
        }
        out.push(match b.get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        });
        at += 2;
    }
}
