//! The document side through the engine: requisites prefilled from the registry port and the
//! project's own records, Vchasno activation through its port, the October act rendered, uploaded
//! once and followed to "signed by both", and the billing section showing all of it.

use std::sync::Arc;
use std::time::Duration;

use billing_core::admin::OwnerContact;
use billing_core::calendar::KYIV;
use billing_core::paperwork::{ActState, RequisitesForm};
use billing_core::ports::{RegistryAnswer, RegistryRecord, VatStatus, VchasnoStatus};
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ErrorCode, ServiceCode, TaxId};
use billing_engine::memory::{ManualClock, MemoryRegistry, MemoryVchasno};
use billing_engine::paperwork::{PrefillSource, SellerDetails};
use billing_engine::{Engine, EngineConfig, Ports};
use billing_store::MemoryStore;
use chrono::{DateTime, TimeZone, Utc};

const BUYER: &str = "14360570";

fn kyiv(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn seller() -> SellerDetails {
    SellerDetails {
        requisites: RequisitesForm {
            tax_id: "32855961".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Хорошоп»".into(),
            address: "01001, м. Київ, вул. Хрещатик, 1".into(),
            director: Some("Коваль Олена Іванівна".into()),
            vat_number: Some("328559626541".into()),
            single_tax_group: None,
        },
        contract: "Договір публічної оферти".into(),
        signatory_position: Some("Директор".into()),
        signatory_name: Some("Коваль О. І.".into()),
    }
}

struct World {
    engine: Engine,
    clock: Arc<ManualClock>,
    vchasno: Arc<MemoryVchasno>,
    registry: Arc<MemoryRegistry>,
    code: ServiceCode,
}

async fn world(with_seller: bool) -> World {
    let clock = Arc::new(ManualClock::new(kyiv(2026, 10, 1, 9)));
    let vchasno = Arc::new(MemoryVchasno::new());
    let registry = Arc::new(MemoryRegistry::new());
    let mut ports = Ports::with_store(Arc::new(MemoryStore::new()));
    ports.clock = clock.clone();
    ports.vchasno = vchasno.clone();
    ports.registry = registry.clone();
    let mut config = EngineConfig::with_defaults("memory");
    config.seller = with_seller.then(seller);
    let engine = Engine::new(config, ports);
    let code: ServiceCode = "11111".parse().unwrap();
    let owner = OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    };
    engine
        .open_project(
            code,
            owner,
            &TariffCode::new("start").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
    let section = engine.billing_section(code).await.unwrap();
    let invoice = &section.invoices[0];
    engine
        .credit_bank_transfer(
            code,
            &Actor::System,
            "PB-2026-0001",
            invoice.total,
            Some(invoice.number),
        )
        .await
        .unwrap();
    World {
        engine,
        clock,
        vchasno,
        registry,
        code,
    }
}

fn record() -> RegistryRecord {
    RegistryRecord {
        tax_id: BUYER.parse().unwrap(),
        name: "ТОВ «Приклад»".into(),
        address: Some("65000, м. Одеса, вул. Дерибасівська, 1".into()),
        director: Some("Петренко Олена Іванівна".into()),
        vat: Some(VatStatus::Payer {
            number: "143605715098".into(),
            since: None,
        }),
        single_tax_group: None,
        warnings: vec![],
    }
}

#[tokio::test]
async fn the_help_page_scenario_end_to_end() {
    let w = world(true).await;
    let (e, code, owner) = (&w.engine, w.code, &Actor::Owner);
    let buyer: TaxId = BUYER.parse().unwrap();
    // The form: filled from the registry, the IBAN typed by the owner.
    w.registry.insert(&buyer, RegistryAnswer::Found(record()));
    let prefill = e.requisites_prefill(code, Some(BUYER)).await.unwrap();
    assert_eq!(prefill.source, PrefillSource::Registry);
    assert_eq!(prefill.form.name, "ТОВ «Приклад»");
    assert_eq!(prefill.form.vat_number.as_deref(), Some("143605715098"));
    let mut form = prefill.form;
    form.iban = "UA213223130000026007233566001".into();
    // Save.
    e.save_requisites(code, owner, form.clone()).await.unwrap();
    // Save and activate: not registered in Vchasno.
    let err = e
        .save_and_activate_vchasno(code, owner, form.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.not_registered");
    assert!(!e.billing_section(code).await.unwrap().vchasno.activated);
    // Register, activate.
    w.vchasno.register(&buyer, "ТОВ «Приклад»");
    e.activate_vchasno(code, owner).await.unwrap();
    let section = e.billing_section(code).await.unwrap();
    assert!(section.vchasno.activated);
    assert_eq!(
        section.vchasno.vchasno_name.as_deref(),
        Some("ТОВ «Приклад»")
    );
    // Edit: refused.
    let mut edited = form.clone();
    edited.address = "65000, м. Одеса, вул. Рішельєвська, 2".into();
    let err = e
        .save_requisites(code, owner, edited.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.edit_while_active");
    // Deactivate, edit, activate.
    e.deactivate_vchasno(code, owner).await.unwrap();
    e.save_and_activate_vchasno(code, owner, edited)
        .await
        .unwrap();
    // The prefill now comes from the project's own records, read-only while activated.
    let prefill = e.requisites_prefill(code, None).await.unwrap();
    assert_eq!(prefill.source, PrefillSource::Records);
    assert!(prefill.read_only);
    assert!(prefill.form.address.contains("Рішельєвська"));
    // October is not over yet.
    let october = "2026-10".parse().unwrap();
    w.clock.set(kyiv(2026, 10, 31, 23));
    let err = e.request_act(code, owner, october).await.unwrap_err();
    assert_eq!(err.code(), "act.month_not_closed");
    // The October act, on 3 November.
    w.clock.set(kyiv(2026, 11, 3, 10));
    let act = e.request_act(code, owner, october).await.unwrap();
    assert_eq!(act.number, "A-11111-2026-10");
    assert_eq!(act.state, ActState::InVchasno(VchasnoStatus::Uploaded));
    let doc_id = act.document_id.clone().unwrap();
    assert_eq!(w.vchasno.document_ids(), vec![doc_id.clone()]);
    // Asking again returns the act already sent: no second upload.
    let again = e.request_act(code, owner, october).await.unwrap();
    assert_eq!(again, act);
    assert_eq!(w.vchasno.document_ids().len(), 1);
    // The PDF is a real act.
    let pdf = e.act_pdf(code, &act.number).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Signed by both sides in Vchasno; the poll records it once.
    w.vchasno.set_status(&doc_id, VchasnoStatus::SignedByUs);
    assert_eq!(
        e.poll_act_statuses(code).await.unwrap(),
        vec![(act.number.clone(), VchasnoStatus::SignedByUs)]
    );
    w.vchasno.set_status(&doc_id, VchasnoStatus::SignedByBoth);
    assert_eq!(
        e.poll_act_statuses(code).await.unwrap(),
        vec![(act.number.clone(), VchasnoStatus::SignedByBoth)]
    );
    assert!(
        e.poll_act_statuses(code).await.unwrap().is_empty(),
        "final: not followed"
    );
    // The billing section shows requisites, Vchasno and the act.
    let section = e.billing_section(code).await.unwrap();
    let r = section.requisites.as_ref().unwrap();
    assert_eq!(r.tax_id, BUYER);
    assert!(r.company);
    assert_eq!(r.tax_status, "Платник ПДВ, ІПН 143605715098");
    assert_eq!(r.bank_name.as_deref(), Some("АТ «Укрексімбанк»"));
    assert_eq!(section.acts.len(), 1);
    let a = &section.acts[0];
    assert_eq!(
        (a.month.as_str(), a.status.as_str()),
        ("2026-10", "signed_by_both")
    );
    assert_eq!(a.total, section.invoices[0].total);
    assert_eq!(a.document_id.as_deref(), Some(doc_id.as_str()));
    // The section round-trips through JSON.
    let json = serde_json::to_string(&section).unwrap();
    assert_eq!(
        serde_json::from_str::<billing_core::section::BillingSection>(&json).unwrap(),
        section
    );
}

#[tokio::test]
async fn an_unreachable_vchasno_is_a_retryable_refusal() {
    // The real adapter, pointed at a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut w = world(true).await;
    let client = billing_vchasno::VchasnoClient::new(
        billing_vchasno::VchasnoConfig::new(secrecy::SecretString::from("t"))
            .with_base_url(format!("http://{closed}"))
            .with_request_timeout(Duration::from_secs(2)),
    )
    .unwrap();
    let mut ports = w.engine.ports().clone();
    ports.vchasno = Arc::new(client);
    w.engine = Engine::new(w.engine.config().clone(), ports);
    let form = RequisitesForm {
        iban: "UA213223130000026007233566001".into(),
        ..RequisitesForm::from_registry(&record(), "")
    };
    let err = w
        .engine
        .save_and_activate_vchasno(w.code, &Actor::Owner, form)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
    let section = w.engine.billing_section(w.code).await.unwrap();
    assert!(!section.vchasno.activated);
    assert!(section.requisites.is_some(), "the requisites stay saved");
}

#[tokio::test]
async fn a_missing_lookup_leaves_the_fields_to_the_owner() {
    let w = world(true).await;
    let prefill = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    assert_eq!(prefill.source, PrefillSource::None);
    assert_eq!(prefill.form.tax_id, BUYER);
    assert!(prefill.form.name.is_empty());
    assert_eq!(prefill.notes, vec!["not found in the registry".to_string()]);
    let err = w
        .engine
        .requisites_prefill(w.code, Some("14360571"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "edrpou.checksum");
}

#[tokio::test]
async fn without_seller_requisites_the_act_stays_unsent() {
    let w = world(false).await;
    let (e, code, owner) = (&w.engine, w.code, &Actor::Owner);
    let form = RequisitesForm {
        iban: "UA213223130000026007233566001".into(),
        ..RequisitesForm::from_registry(&record(), "")
    };
    w.vchasno.register(&BUYER.parse().unwrap(), "ТОВ «Приклад»");
    e.save_and_activate_vchasno(code, owner, form)
        .await
        .unwrap();
    w.clock.set(kyiv(2026, 11, 3, 10));
    let err = e
        .request_act(code, owner, "2026-10".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "engine.config");
    assert!(w.vchasno.document_ids().is_empty());
    let section = e.billing_section(code).await.unwrap();
    assert_eq!(section.acts[0].status, "prepared");
}
