//! Shared pieces of the examples in `examples/`: the seller (us) and a shop owner, Kyiv times, and
//! an engine on a manual clock over a store. Run an example with
//! `cargo run -p billing-examples --example open_project`; `cargo test -p billing-examples` runs
//! them all.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::paperwork::RequisitesForm;
use billing_core::ports::ProjectStore;
use billing_engine::memory::ManualClock;
use billing_engine::paperwork::SellerDetails;
use billing_engine::{Engine, EngineConfig, Ports};
use chrono::{DateTime, TimeZone, Utc};

/// Any error of an example.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A Kyiv wall-clock time as an instant.
pub fn kyiv(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("an unambiguous Kyiv time")
        .with_timezone(&Utc)
}

/// The seller (us) as invoices and acts print it. Valid test requisites, not a real company's.
pub fn seller() -> SellerDetails {
    SellerDetails {
        requisites: RequisitesForm {
            tax_id: "32855961".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Платформа Демо»".into(),
            address: "01001, м. Київ, вул. Хрещатик, буд. 1".into(),
            director: Some("Коваль Олена Іванівна".into()),
            vat_number: Some("328559626541".into()),
            single_tax_group: None,
        },
        contract: "Договір публічної оферти".into(),
        signatory_position: Some("Директор".into()),
        signatory_name: Some("Коваль О. І.".into()),
    }
}

/// A shop owner's contact.
pub fn owner() -> Result<OwnerContact, Error> {
    Ok(OwnerContact {
        full_name: "Олена Коваль".parse()?,
        email: "olena@kvity.com.ua".parse()?,
        phone: "050 123 45 67".parse()?,
    })
}

/// A sole proprietor's requisites (the buyer on invoices and acts).
pub fn buyer_requisites() -> RequisitesForm {
    RequisitesForm {
        tax_id: "3652504575".into(),
        iban: "UA743052990000026007233566001".into(),
        name: "ФОП Коваль Олена Іванівна".into(),
        address: "21000, м. Вінниця, вул. Соборна, буд. 12".into(),
        director: None,
        vat_number: None,
        single_tax_group: Some(3),
    }
}

/// An engine with the standard catalog and the seller over `store`, on a manual clock set to `now`
/// (in-memory acquirer, Vchasno and registry), and the clock to move time on.
pub fn engine(store: Arc<dyn ProjectStore>, now: DateTime<Utc>) -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(now));
    let mut ports = Ports::with_store(store);
    ports.clock = clock.clone();
    let mut config = EngineConfig::with_defaults("memory:");
    config.seller = Some(seller());
    (Engine::new(config, ports), clock)
}
