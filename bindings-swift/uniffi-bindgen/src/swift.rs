//! `uniffi-bindgen-swift`: Swift sources, C headers and module maps laid out for SwiftPM/Xcode.
fn main() {
    uniffi::uniffi_bindgen_swift()
}
