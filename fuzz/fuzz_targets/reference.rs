//! The reference finder on arbitrary text: never panics, and every reference it finds is found
//! again in its canonical form.
#![no_main]
use billing_core::reconcile::ReferenceFinder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let finder = ReferenceFinder::new(["HOR".parse().unwrap(), "PAY".parse().unwrap()]);
    for n in finder.find_all(&text) {
        let canonical = n.to_string();
        assert_eq!(finder.find_all(&canonical), vec![n]);
    }
    let _ = finder.classify(&text);
});
