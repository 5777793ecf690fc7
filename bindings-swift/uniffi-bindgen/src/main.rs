//! `uniffi-bindgen`: generates Swift, Kotlin and Python sources from the built `billing_ffi` library.
fn main() {
    uniffi::uniffi_bindgen_main()
}
