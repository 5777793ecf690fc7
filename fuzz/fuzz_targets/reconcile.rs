//! Any file, any format (detected), decided against a few invoices: no panic, and no line is ever
//! credited to an invoice its purpose does not name, or for another amount than it owes.
#![no_main]
use std::collections::HashMap;

use billing_core::reconcile::{decide_batch, Decision, InvoiceFacts, ReferenceFinder};
use billing_core::InvoiceNumber;
use billing_statements::{parse, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(statement) = parse(data, Format::Auto) else {
        return;
    };
    let mut book: HashMap<InvoiceNumber, InvoiceFacts> = HashMap::new();
    for (n, owed) in [
        ("HOR-11111-007", "1200"),
        ("HOR-11111-008", "1.00"),
        ("HOR-00000-001", "0.01"),
    ] {
        book.insert(
            n.parse().unwrap(),
            InvoiceFacts::open(owed.parse().unwrap()),
        );
    }
    let finder = ReferenceFinder::default();
    let decisions = decide_batch(&statement.lines, &book, &finder);
    for (line, d) in statement.lines.iter().zip(&decisions) {
        if let Decision::AutoCredit { invoice, amount } = d {
            assert_eq!(finder.find_all(&line.purpose), vec![*invoice]);
            assert_eq!(book[invoice].owed, *amount);
            assert!(line.currency.is_uah() && !line.reversal);
        }
    }
});
