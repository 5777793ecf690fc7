//! The jsonl importer on arbitrary bytes: an error or lines, never a panic or a hang.
#![no_main]
use billing_statements::{parse, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data, Format::Jsonl);
});
