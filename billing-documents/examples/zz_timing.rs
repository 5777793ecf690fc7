use std::time::Instant;
#[path = "../tests/common/mod.rs"]
mod common;
use billing_core::invoice::VatRate;
use billing_core::NbuQrFormat;
fn main() {
    let doc = common::invoice(VatRate::Standard20, common::sample_lines(), NbuQrFormat::V002);
    let act = common::act(VatRate::Standard20);
    let n: u32 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let only = std::env::var("ONLY").unwrap_or_default();
    if only.is_empty() || only == "qr" {
    let t = Instant::now();
    for _ in 0..n { std::hint::black_box(billing_documents::payment_qr_image(&doc.payment_qr).unwrap()); }
    println!("qr image: {:?}", t.elapsed() / n);}
    if only.is_empty() || only == "invoice" {
    let t = Instant::now();
    for _ in 0..n { std::hint::black_box(billing_documents::render_invoice_pdf(&doc).unwrap()); }
    println!("invoice: {:?}", t.elapsed() / n);}
    if only.is_empty() || only == "act" {
    let t = Instant::now();
    for _ in 0..n { std::hint::black_box(billing_documents::render_act_pdf(&act).unwrap()); }
    println!("act: {:?}", t.elapsed() / n);}
}
