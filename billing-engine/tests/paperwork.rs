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
        vat_unknown: None,
        details: Default::default(),
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

// --- The registry lookup in the form, and the real adapters from the configuration ---

use billing_core::ports::registry::VatUnknown;
use billing_core::ports::RegistryError;
use billing_engine::config::{RegistrySettings, VchasnoSettings};
use billing_engine::paperwork::PrefillIssue;

#[tokio::test]
async fn a_found_record_fills_the_form_and_keeps_the_vat_number() {
    let w = world(true).await;
    let buyer: TaxId = BUYER.parse().unwrap();
    let mut r = record();
    r.vat = Some(VatStatus::Payer {
        number: "143605715098".into(),
        since: chrono::NaiveDate::from_ymd_opt(2016, 1, 11),
    });
    r.details.kved = Some("62.01".into());
    w.registry.insert(&buyer, RegistryAnswer::Found(r.clone()));
    let prefill = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    assert_eq!(prefill.source, PrefillSource::Registry);
    assert!(prefill.issues.is_empty() && prefill.notes.is_empty());
    assert_eq!(prefill.vat_number(), Some("143605715098"));
    assert_eq!(prefill.vat, r.vat);
    assert_eq!(prefill.form.vat_number.as_deref(), Some("143605715098"));
    assert_eq!(
        prefill.form.director.as_deref(),
        Some("Петренко Олена Іванівна")
    );
    assert_eq!(
        prefill.registry.as_ref().unwrap().details.kved.as_deref(),
        Some("62.01")
    );
    // The owner corrects a field and saves: the number is in the saved requisites.
    let mut form = prefill.form;
    form.iban = "UA213223130000026007233566001".into();
    form.address = "65000, м. Одеса, вул. Рішельєвська, 2".into();
    w.engine
        .save_requisites(w.code, &Actor::Owner, form)
        .await
        .unwrap();
    let saved = w.engine.requisites(w.code).await.unwrap().unwrap();
    assert_eq!(
        saved.tax,
        billing_core::paperwork::RequisitesTax::VatPayer {
            number: "143605715098".into()
        }
    );
    assert!(saved.address.contains("Рішельєвська"));
    // From now on the prefill comes from the records, with the VAT status, without a lookup.
    let lookups = w.registry.lookups();
    let again = w.engine.requisites_prefill(w.code, None).await.unwrap();
    assert_eq!(again.source, PrefillSource::Records);
    assert_eq!(again.vat_number(), Some("143605715098"));
    assert_eq!(w.registry.lookups(), lookups);
}

#[tokio::test]
async fn a_pending_or_failed_lookup_leaves_the_fields_with_the_reason() {
    let w = world(true).await;
    let buyer: TaxId = BUYER.parse().unwrap();
    let blank = |p: &billing_engine::paperwork::RequisitesPrefill| {
        assert_eq!(p.source, PrefillSource::None);
        assert_eq!(p.form.tax_id, BUYER);
        assert!(p.form.name.is_empty() && p.form.address.is_empty());
        assert_eq!(p.vat, None);
        assert_eq!(p.registry, None);
    };
    w.registry.insert(
        &buyer,
        RegistryAnswer::Pending {
            retry_after_secs: 20,
        },
    );
    let p = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    blank(&p);
    assert_eq!(
        p.issues,
        vec![PrefillIssue::Pending {
            retry_after_secs: 20
        }]
    );
    assert_eq!(
        p.notes,
        vec!["the registry is refreshing the record; try again in 20 s".to_string()]
    );
    w.registry.fail(
        &buyer,
        RegistryError::RateLimited {
            retry_after_secs: Some(30),
        },
    );
    let p = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    blank(&p);
    assert!(matches!(
        &p.issues[..],
        [PrefillIssue::Failed { code, retryable: true, .. }] if code == "registry.rate_limited"
    ));
    w.registry
        .fail(&buyer, RegistryError::Unauthorized { status: 401 });
    let p = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    blank(&p);
    assert!(matches!(
        &p.issues[..],
        [PrefillIssue::Failed { code, retryable: false, .. }] if code == "registry.unauthorized"
    ));
    let p = w
        .engine
        .requisites_prefill(w.code, Some("32855961"))
        .await
        .unwrap();
    assert_eq!(p.issues, vec![PrefillIssue::NotFound]);
    // Nothing was saved by any of it.
    assert_eq!(w.engine.requisites(w.code).await.unwrap(), None);
}

#[tokio::test]
async fn a_pending_vat_status_and_a_terminated_company_are_shown() {
    let w = world(true).await;
    let buyer: TaxId = BUYER.parse().unwrap();
    let mut r = record();
    r.vat = None;
    r.vat_unknown = Some(VatUnknown::Pending {
        retry_after_secs: 20,
    });
    r.details.terminated = true;
    r.warnings = vec!["terminated or being terminated: припинено".into()];
    w.registry.insert(&buyer, RegistryAnswer::Found(r));
    let p = w
        .engine
        .requisites_prefill(w.code, Some(BUYER))
        .await
        .unwrap();
    assert_eq!(p.source, PrefillSource::Registry);
    assert_eq!(p.form.name, "ТОВ «Приклад»");
    assert_eq!(p.form.vat_number, None, "pending is not a number");
    assert_eq!(p.vat, None, "pending is not \"not a payer\" either");
    assert_eq!(
        p.issues,
        vec![
            PrefillIssue::Terminated,
            PrefillIssue::VatPending {
                retry_after_secs: 20
            }
        ]
    );
    assert_eq!(p.notes[0], "terminated or being terminated: припинено");
    assert!(p.notes[1].contains("try again in 20 s"), "{:?}", p.notes);
}

/// A local stand-in for YouScore and Vchasno: what the engine's configured adapters talk to.
mod local {
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use serde_json::{json, Value};

    pub const YOUSCORE_KEY: &str = "ys-key";
    pub const VCHASNO_TOKEN: &str = "vch-token";

    /// Requests seen: (path, authorization).
    pub type Log = Arc<Mutex<Vec<(String, String)>>>;

    fn auth(h: &HeaderMap) -> String {
        h.get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    async fn usr(State(log): State<Log>, Path(code): Path<String>, h: HeaderMap) -> Response {
        log.lock()
            .unwrap()
            .push((format!("/v1/usr/{code}"), auth(&h)));
        if auth(&h) != format!("bearer {YOUSCORE_KEY}") {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        match code.as_str() {
            "14360570" => Json(json!({
                "name": {"fullName": "ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ \"ПРИКЛАД\"",
                         "shortName": "ТОВ \"ПРИКЛАД\""},
                "code": "14360570", "status": "зареєстровано", "actualDate": "2026-09-30",
                "address": "м. Одеса, вул. Дерибасівська, буд. 1",
                "addressParts": {"zip": "65000"},
                "signers": [{"name": "ПЕТРЕНКО ОЛЕНА ІВАНІВНА", "role": "керівник"}],
                "mainEconomicActivity": {"code": "62.01", "description": "Комп'ютерне програмування"}
            }))
            .into_response(),
            _ => (StatusCode::NOT_FOUND, Json(json!({"code": "Not Found"}))).into_response(),
        }
    }

    async fn vat(State(log): State<Log>, Path(code): Path<String>, h: HeaderMap) -> Response {
        log.lock()
            .unwrap()
            .push((format!("/v1/vat/{code}"), auth(&h)));
        match code.as_str() {
            "14360570" => Json(
                json!({"code": "143605715098", "registrationDate": "2016-01-11",
                "note": "", "actualDate": "2026-09-30"}),
            )
            .into_response(),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    }

    async fn check(State(log): State<Log>, h: HeaderMap, body: String) -> Response {
        log.lock()
            .unwrap()
            .push(("/api/v2/check/company".into(), auth(&h)));
        if auth(&h) != VCHASNO_TOKEN {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        let v: Value = serde_json::from_str(&body).unwrap();
        let code = v["edrpou"].as_str().unwrap().to_string();
        Json(
            json!({"edrpou": code, "name": "ТОВ \"ПРИКЛАД\"", "is_registered": code == "14360570"}),
        )
        .into_response()
    }

    pub async fn start() -> (String, Log) {
        let log: Log = Arc::default();
        let app = Router::new()
            .route("/v1/usr/{code}", get(usr))
            .route("/v1/vat/{code}", get(vat))
            .route("/api/v2/check/company", post(check))
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (format!("http://{addr}"), log)
    }
}

#[tokio::test]
async fn a_configuration_with_vchasno_and_registry_opens_an_engine_on_the_real_adapters() {
    let (base, log) = local::start().await;
    // The sections as JSON, as the platform writes them.
    let mut json = serde_json::to_value(EngineConfig::with_defaults("memory:")).unwrap();
    json["vchasno"] = serde_json::json!({"base_url": base, "token": local::VCHASNO_TOKEN,
        "request_timeout_secs": 5});
    json["registry"] = serde_json::json!({"base_url": base, "api_key": local::YOUSCORE_KEY,
        "cache_days": 30, "request_timeout_secs": 5});
    let config = EngineConfig::from_json(&json.to_string()).unwrap();
    let engine = Engine::open(config).await.unwrap();
    let code: ServiceCode = "22222".parse().unwrap();
    engine
        .open_project(
            code,
            OwnerContact {
                full_name: "Олена Коваль".parse().unwrap(),
                email: "olena@shop.ua".parse().unwrap(),
                phone: "050 123 45 67".parse().unwrap(),
            },
            &TariffCode::new("start").unwrap(),
            BillingPeriod::Monthly,
        )
        .await
        .unwrap();
    // The form, from YouScore.
    let p = engine.requisites_prefill(code, Some(BUYER)).await.unwrap();
    assert_eq!(p.source, PrefillSource::Registry, "{:?}", p.notes);
    assert_eq!(
        p.form.name,
        "ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ \"ПРИКЛАД\""
    );
    assert_eq!(
        p.form.address,
        "65000, м. Одеса, вул. Дерибасівська, буд. 1"
    );
    assert_eq!(p.form.director.as_deref(), Some("Петренко Олена Іванівна"));
    assert_eq!(p.vat_number(), Some("143605715098"));
    // Asked again: the adapter's cache, no paid call.
    let again = engine.requisites_prefill(code, Some(BUYER)).await.unwrap();
    assert_eq!(again, p);
    // Another code: not found.
    let none = engine
        .requisites_prefill(code, Some("32855961"))
        .await
        .unwrap();
    assert_eq!(none.issues, vec![PrefillIssue::NotFound]);
    // Save and activate: the real Vchasno client asks the local server.
    let mut form = p.form;
    form.iban = "UA213223130000026007233566001".into();
    engine
        .save_and_activate_vchasno(code, &Actor::Owner, form)
        .await
        .unwrap();
    assert!(
        engine
            .billing_section(code)
            .await
            .unwrap()
            .vchasno
            .activated
    );
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        vec![
            ("/v1/usr/14360570".into(), "bearer ys-key".into()),
            ("/v1/vat/14360570".into(), "bearer ys-key".into()),
            ("/v1/usr/32855961".into(), "bearer ys-key".into()),
            ("/api/v2/check/company".into(), "vch-token".into()),
        ]
    );
}

#[tokio::test]
async fn a_bad_adapter_section_is_refused_before_the_store_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("billing.db");
    let mut config = EngineConfig::with_defaults(path.to_str().unwrap());
    config.registry = Some(RegistrySettings::new(""));
    let err = Engine::open(config.clone()).await.err().unwrap();
    assert_eq!(err.code(), "engine.config");
    assert!(!path.exists(), "nothing created");
    config.registry = None;
    let mut v = VchasnoSettings::new("t");
    v.base_url = "edo.vchasno.ua".into();
    config.vchasno = Some(v);
    assert_eq!(
        Engine::open(config).await.err().unwrap().code(),
        "engine.config"
    );
    assert!(!path.exists());
}

// --- An act that reached Vchasno but was never recorded is not uploaded twice ---

use std::sync::atomic::{AtomicBool, Ordering};

use billing_core::ports::{ActUpload, CompanyCheck, Vchasno, VchasnoPortError};

/// The memory Vchasno, where an upload can reach Vchasno and its answer be lost on the way back
/// (a timeout after Vchasno stored the document), and where the search can fail.
struct LossyVchasno {
    inner: Arc<MemoryVchasno>,
    lose_next_answer: AtomicBool,
    find_fails: AtomicBool,
}

#[async_trait::async_trait]
impl Vchasno for LossyVchasno {
    async fn check_company(&self, tax_id: &TaxId) -> Result<CompanyCheck, VchasnoPortError> {
        self.inner.check_company(tax_id).await
    }

    async fn upload_act(&self, act: &ActUpload) -> Result<String, VchasnoPortError> {
        let id = self.inner.upload_act(act).await?;
        if self.lose_next_answer.swap(false, Ordering::SeqCst) {
            return Err(VchasnoPortError::Unreachable("timed out".into()));
        }
        Ok(id)
    }

    async fn statuses(
        &self,
        document_ids: &[String],
    ) -> Result<Vec<(String, VchasnoStatus)>, VchasnoPortError> {
        self.inner.statuses(document_ids).await
    }

    async fn find_act(
        &self,
        recipient: &TaxId,
        number: &str,
        date: chrono::NaiveDate,
    ) -> Result<Option<String>, VchasnoPortError> {
        if self.find_fails.load(Ordering::SeqCst) {
            return Err(VchasnoPortError::Unreachable("connection failed".into()));
        }
        self.inner.find_act(recipient, number, date).await
    }
}

/// Requisites saved, Vchasno activated, the clock on 3 November 2026 (October closed).
async fn activated(w: &World) {
    let form = RequisitesForm {
        iban: "UA213223130000026007233566001".into(),
        ..RequisitesForm::from_registry(&record(), "")
    };
    w.vchasno.register(&BUYER.parse().unwrap(), "ТОВ «Приклад»");
    w.engine
        .save_and_activate_vchasno(w.code, &Actor::Owner, form)
        .await
        .unwrap();
    w.clock.set(kyiv(2026, 11, 3, 10));
}

#[tokio::test]
async fn an_upload_whose_answer_was_lost_is_recorded_not_uploaded_again() {
    let mut w = world(true).await;
    activated(&w).await;
    let lossy = Arc::new(LossyVchasno {
        inner: w.vchasno.clone(),
        lose_next_answer: AtomicBool::new(true),
        find_fails: AtomicBool::new(false),
    });
    let mut ports = w.engine.ports().clone();
    ports.vchasno = lossy.clone();
    w.engine = Engine::new(w.engine.config().clone(), ports);
    let (e, code, owner) = (&w.engine, w.code, &Actor::Owner);
    let october = "2026-10".parse().unwrap();
    // The upload reaches Vchasno, its answer does not come back: the act stays "prepared".
    let err = e.request_act(code, owner, october).await.unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
    assert_eq!(w.vchasno.uploads(), 1);
    let in_vchasno = w.vchasno.document_ids();
    assert_eq!(in_vchasno.len(), 1);
    let section = e.billing_section(code).await.unwrap();
    assert_eq!(section.acts[0].status, "prepared");
    assert_eq!(section.acts[0].document_id, None);
    // While Vchasno cannot be searched, nothing is uploaded and the act stays prepared.
    lossy.find_fails.store(true, Ordering::SeqCst);
    let err = e.request_act(code, owner, october).await.unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
    assert_eq!(w.vchasno.uploads(), 1);
    assert_eq!(
        e.billing_section(code).await.unwrap().acts[0].status,
        "prepared"
    );
    // Asked again: Vchasno has the act, so its document is recorded and nothing is uploaded.
    lossy.find_fails.store(false, Ordering::SeqCst);
    let act = e.request_act(code, owner, october).await.unwrap();
    assert_eq!(act.number, "A-11111-2026-10");
    assert_eq!(act.document_id.as_ref(), Some(&in_vchasno[0]));
    assert_eq!(act.state, ActState::InVchasno(VchasnoStatus::Uploaded));
    assert_eq!(w.vchasno.uploads(), 1, "exactly one upload");
    assert_eq!(w.vchasno.document_ids(), in_vchasno);
    // From now on the act is the one sent: asked again, no search and no upload change it.
    let again = e.request_act(code, owner, october).await.unwrap();
    assert_eq!(again, act);
    assert_eq!(w.vchasno.uploads(), 1);
    // And it is followed like any uploaded act.
    w.vchasno
        .set_status(&in_vchasno[0], VchasnoStatus::SignedByBoth);
    assert_eq!(
        e.poll_act_statuses(code).await.unwrap(),
        vec![(act.number.clone(), VchasnoStatus::SignedByBoth)]
    );
    let section = e.billing_section(code).await.unwrap();
    assert_eq!(section.acts[0].document_id.as_ref(), Some(&in_vchasno[0]));
    assert_eq!(section.acts[0].status, "signed_by_both");
}

#[tokio::test]
async fn an_upload_whose_record_was_lost_is_found_by_number_and_recipient() {
    // The first engine has no seller: the act is prepared (recorded) but cannot be drawn up.
    let mut w = world(false).await;
    activated(&w).await;
    let (code, owner) = (w.code, &Actor::Owner);
    let october = "2026-10".parse().unwrap();
    let err = w
        .engine
        .request_act(code, owner, october)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "engine.config");
    let prepared = w.engine.billing_section(code).await.unwrap().acts[0].clone();
    assert_eq!(prepared.status, "prepared");
    // Another act of the same recipient, and this act's number for another recipient: neither
    // is this act.
    let upload = |recipient: &str, number: &str| ActUpload {
        recipient: recipient.parse().unwrap(),
        recipient_email: None,
        title: format!("Акт наданих послуг № {number}"),
        number: number.into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        amount: prepared.total,
        file_name: format!("act-{number}.pdf"),
        pdf: b"%PDF-1.7".to_vec(),
    };
    w.vchasno
        .upload_act(&upload(BUYER, "A-11111-2026-09"))
        .await
        .unwrap();
    w.vchasno
        .upload_act(&upload("32855961", "A-11111-2026-10"))
        .await
        .unwrap();
    // This act reached Vchasno, and the process died before its document id was recorded.
    let lost = w
        .vchasno
        .upload_act(&upload(BUYER, "A-11111-2026-10"))
        .await
        .unwrap();
    assert_eq!(w.vchasno.uploads(), 3);
    // Restarted with the seller configured: the act is recorded with that document.
    let mut config = w.engine.config().clone();
    config.seller = Some(seller());
    w.engine = Engine::new(config, w.engine.ports().clone());
    let act = w.engine.request_act(code, owner, october).await.unwrap();
    assert_eq!(act.document_id.as_deref(), Some(lost.as_str()));
    assert_eq!(w.vchasno.uploads(), 3, "no second upload");
    let section = w.engine.billing_section(code).await.unwrap();
    assert_eq!(section.acts[0].document_id.as_deref(), Some(lost.as_str()));
    assert_eq!(section.acts[0].status, "uploaded");
}
