//! The document side of a project: requisites, the Vchasno state machine and the monthly acts,
//! through [`Project`] (each transition, each refusal, and the help page's scenario).

use billing_core::account::{AccountCommand, BillingPolicy};
use billing_core::admin::{
    AdminCommand, DeletionChannel, DeletionReason, OwnerContact, Questionnaire,
};
use billing_core::calendar::BillingMonth;
use billing_core::invoice::InvoiceStatus;
use billing_core::paperwork::{
    ActState, PaperworkCommand, PaperworkError, PaperworkEvent, RequisitesForm, VchasnoAnswer,
    VchasnoState,
};
use billing_core::payment::PaymentId;
use billing_core::ports::VchasnoStatus;
use billing_core::project::{Project, ProjectCommand, ProjectError, ProjectEvent};
use billing_core::tariff::{BillingPeriod, Limits, Tariff};
use billing_core::{
    amount_in_words, Actor, AdminError, ErrorCode, InvoiceNumber, Money, ServiceCode, TaxId,
};
use chrono::{DateTime, TimeZone, Utc};

const EDRPOU: &str = "14360570";

fn code() -> ServiceCode {
    "11111".parse().unwrap()
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

fn month(s: &str) -> BillingMonth {
    s.parse().unwrap()
}

fn form() -> RequisitesForm {
    RequisitesForm {
        tax_id: EDRPOU.into(),
        iban: "UA213223130000026007233566001".into(),
        name: "ТОВ «Приклад»".into(),
        address: "65000, м. Одеса, вул. Дерибасівська, 1".into(),
        director: Some("Петренко Олена Іванівна".into()),
        vat_number: Some("143605715098".into()),
        single_tax_group: None,
    }
}

struct World {
    p: Project,
    policy: BillingPolicy,
    now: DateTime<Utc>,
    events: Vec<ProjectEvent>,
}

impl World {
    /// A registered project subscribed on `start` (a first of the month, Kyiv) for `period` at
    /// `price`, its first invoice paid by bank transfer.
    fn new(start: DateTime<Utc>, period: BillingPeriod, price: &str) -> World {
        let mut w = World {
            p: Project::new(code()),
            policy: BillingPolicy::default(),
            now: start,
            events: Vec::new(),
        };
        let owner = OwnerContact {
            full_name: "Олена Коваль".parse().unwrap(),
            email: "olena@shop.ua".parse().unwrap(),
            phone: "050 123 45 67".parse().unwrap(),
        };
        w.ok(ProjectCommand::Admin(AdminCommand::Register { owner }));
        let tariff = Tariff::new("biz", "Бізнес", Limits::default())
            .unwrap()
            .with_price(period, money(price));
        w.ok(ProjectCommand::Account(AccountCommand::Subscribe {
            tariff,
            period,
        }));
        w.pay(1);
        w
    }

    fn pay(&mut self, n: u32) {
        let number: InvoiceNumber = format!("HOR-11111-{n:03}").parse().unwrap();
        let total = self
            .p
            .account()
            .invoices()
            .iter()
            .find(|i| i.number == number)
            .unwrap()
            .total;
        self.ok(ProjectCommand::Account(
            AccountCommand::RecordBankTransfer {
                transaction: PaymentId::new(&format!("bank-{n}")).unwrap(),
                amount: total,
                invoice: Some(number),
            },
        ));
    }

    fn run(&mut self, cmd: ProjectCommand) -> Result<Vec<ProjectEvent>, ProjectError> {
        let actor = match &cmd {
            ProjectCommand::Paperwork(_) => Actor::Owner,
            ProjectCommand::Admin(AdminCommand::RequestDeletion { .. }) => Actor::Owner,
            _ => Actor::System,
        };
        let before = self.p.clone();
        match self.p.handle(&cmd, &actor, self.now, &self.policy) {
            Ok(records) => {
                let events: Vec<ProjectEvent> = records.into_iter().map(|r| r.event).collect();
                self.events.extend(events.iter().cloned());
                Ok(events)
            }
            Err(e) => {
                assert_eq!(self.p, before, "a refusal changes nothing");
                Err(e)
            }
        }
    }

    fn ok(&mut self, cmd: ProjectCommand) -> Vec<ProjectEvent> {
        self.run(cmd).unwrap()
    }

    fn paper(&mut self, cmd: PaperworkCommand) -> Result<Vec<ProjectEvent>, ProjectError> {
        self.run(ProjectCommand::Paperwork(cmd))
    }

    fn save(&mut self, form: RequisitesForm) -> Result<Vec<ProjectEvent>, ProjectError> {
        self.paper(PaperworkCommand::SaveRequisites { form })
    }

    fn activate(&mut self, answer: VchasnoAnswer) -> Result<Vec<ProjectEvent>, ProjectError> {
        let tax_id = self.p.paperwork().requisites().unwrap().tax_id;
        self.paper(PaperworkCommand::Activate { tax_id, answer })
    }

    fn registered() -> VchasnoAnswer {
        VchasnoAnswer::Registered {
            name: Some("ТОВ «Приклад»".into()),
        }
    }

    fn code_of(r: Result<Vec<ProjectEvent>, ProjectError>) -> &'static str {
        r.unwrap_err().code()
    }
}

fn oct1() -> DateTime<Utc> {
    // 1 October 2026, 09:00 Kyiv (UTC+3).
    Utc.with_ymd_and_hms(2026, 10, 1, 6, 0, 0).unwrap()
}

#[test]
fn scenario_from_the_help_page() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    // Save: requisites stored, not activated.
    w.save(form()).unwrap();
    assert_eq!(w.p.paperwork().vchasno(), &VchasnoState::NotActivated);
    // Save and activate: Vchasno does not know the company yet.
    let err = w.activate(VchasnoAnswer::NotRegistered).unwrap_err();
    assert_eq!(err.code(), "vchasno.not_registered");
    assert!(err.to_string().contains("register"), "{err}");
    assert!(!w.p.paperwork().is_activated());
    // The owner registers in Vchasno; activate again.
    w.activate(World::registered()).unwrap();
    assert!(w.p.paperwork().is_activated());
    // Try to edit: refused while activated.
    let mut edited = form();
    edited.address = "65000, м. Одеса, вул. Рішельєвська, 2".into();
    let err = w.save(edited.clone()).unwrap_err();
    assert_eq!(err.code(), "vchasno.edit_while_active");
    assert!(err.to_string().contains("deactivate"), "{err}");
    // Deactivate, edit, activate.
    w.paper(PaperworkCommand::Deactivate).unwrap();
    w.save(edited).unwrap();
    assert!(w
        .p
        .paperwork()
        .requisites()
        .unwrap()
        .address
        .contains("Рішельєвська"));
    w.activate(World::registered()).unwrap();
    // The October act, once October has closed (3 November).
    w.now = Utc.with_ymd_and_hms(2026, 11, 3, 8, 0, 0).unwrap();
    let events = w
        .paper(PaperworkCommand::PrepareAct {
            month: month("2026-10"),
        })
        .unwrap();
    assert!(matches!(
        &events[..],
        [ProjectEvent::Paperwork(PaperworkEvent::ActPrepared { .. })]
    ));
    let act = w.p.paperwork().act_for(month("2026-10")).unwrap().clone();
    assert_eq!(act.number, "A-11111-2026-10");
    assert_eq!(
        act.date,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()
    );
    assert_eq!(act.total, money("1200.00"));
    assert_eq!(act.vat, Some(money("200.00")));
    assert_eq!(act.total_in_words, "Одна тисяча двісті гривень 00 копійок");
    assert_eq!(act.lines.len(), 1);
    assert_eq!((act.lines[0].quantity, act.lines[0].share), (1, (1, 1)));
    assert!(
        act.buyer.address.contains("Рішельєвська"),
        "the act keeps the requisites of its time"
    );
    assert_eq!(act.state, ActState::Prepared);
    // Uploaded, then signed by both sides.
    w.paper(PaperworkCommand::RecordActUploaded {
        number: act.number.clone(),
        document_id: "doc-1".into(),
    })
    .unwrap();
    assert_eq!(w.p.paperwork().acts_to_follow().count(), 1);
    for status in [VchasnoStatus::SignedByUs, VchasnoStatus::SignedByBoth] {
        w.paper(PaperworkCommand::RecordActStatus {
            number: act.number.clone(),
            status,
        })
        .unwrap();
    }
    let act = w.p.paperwork().act(&act.number).unwrap();
    assert_eq!(act.state, ActState::InVchasno(VchasnoStatus::SignedByBoth));
    assert_eq!(act.document_id.as_deref(), Some("doc-1"));
    assert_eq!(w.p.paperwork().acts_to_follow().count(), 0);
    // The events rebuild the same state.
    assert_eq!(Project::replay(code(), &w.events), w.p);
}

#[test]
fn a_bad_form_is_refused_whole_with_every_field_named() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    let bad = RequisitesForm {
        tax_id: "14360571".into(),
        iban: "UA213223130000026007233566002".into(),
        name: String::new(),
        ..form()
    };
    let Err(ProjectError::Paperwork(PaperworkError::Form { errors })) = w.save(bad) else {
        panic!("a form error expected");
    };
    let fields: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("tax_id", "edrpou.checksum"),
            ("iban", "iban.checksum"),
            ("name", "requisites.required")
        ]
    );
    assert!(w.p.paperwork().requisites().is_none());
    let err = w
        .save(RequisitesForm {
            name: String::new(),
            ..form()
        })
        .unwrap_err();
    assert_eq!(err.code(), "requisites.invalid");
    assert!(err.is_invalid_input());
}

#[test]
fn activation_refusals_change_nothing() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    let tax_id: TaxId = EDRPOU.parse().unwrap();
    // Nothing saved yet.
    let err = w
        .paper(PaperworkCommand::Activate {
            tax_id,
            answer: World::registered(),
        })
        .unwrap_err();
    assert_eq!(err.code(), "requisites.missing");
    w.save(form()).unwrap();
    // Vchasno unreachable: typed, retryable.
    let err = w
        .activate(VchasnoAnswer::Unavailable {
            reason: "timed out".into(),
            retry_after_secs: Some(30),
        })
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.unreachable");
    assert!(matches!(&err, ProjectError::Paperwork(e) if e.is_retryable()));
    // An answer about another code.
    let err = w
        .paper(PaperworkCommand::Activate {
            tax_id: "32855961".parse().unwrap(),
            answer: World::registered(),
        })
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.stale_check");
    // Deactivate while not activated.
    assert_eq!(
        World::code_of(w.paper(PaperworkCommand::Deactivate)),
        "vchasno.not_activated"
    );
    // Activating twice is one activation.
    w.activate(World::registered()).unwrap();
    assert!(w.activate(World::registered()).unwrap().is_empty());
    // Saving the same requisites again changes nothing (and is no edit) only when not activated.
    w.paper(PaperworkCommand::Deactivate).unwrap();
    assert!(w.save(form()).unwrap().is_empty());
}

#[test]
fn changed_requisites_leave_vchasno_not_activated() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    w.save(form()).unwrap();
    w.activate(World::registered()).unwrap();
    w.paper(PaperworkCommand::Deactivate).unwrap();
    let fop = RequisitesForm {
        tax_id: "3652504575".into(),
        name: "ФОП Петренко Олена Іванівна".into(),
        director: None,
        vat_number: None,
        single_tax_group: Some(3),
        ..form()
    };
    w.save(fop).unwrap();
    assert!(!w.p.paperwork().is_activated());
    // An answer for the old code no longer activates.
    let err = w
        .paper(PaperworkCommand::Activate {
            tax_id: EDRPOU.parse().unwrap(),
            answer: World::registered(),
        })
        .unwrap_err();
    assert_eq!(err.code(), "vchasno.stale_check");
}

#[test]
fn acts_refusals() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    let oct = month("2026-10");
    w.save(form()).unwrap();
    w.now = Utc.with_ymd_and_hms(2026, 11, 3, 8, 0, 0).unwrap();
    // Vchasno not activated.
    let err = w
        .paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap_err();
    assert_eq!(err.code(), "act.vchasno_not_activated");
    assert!(err.to_string().contains("activate"));
    w.activate(World::registered()).unwrap();
    // November has not closed.
    let err = w
        .paper(PaperworkCommand::PrepareAct {
            month: month("2026-11"),
        })
        .unwrap_err();
    assert_eq!(err.code(), "act.month_not_closed");
    // September: nothing paid for it.
    let err = w
        .paper(PaperworkCommand::PrepareAct {
            month: month("2026-09"),
        })
        .unwrap_err();
    assert_eq!(err.code(), "act.nothing_rendered");
    // Unknown act.
    let err = w
        .paper(PaperworkCommand::RecordActStatus {
            number: "A-11111-2026-09".into(),
            status: VchasnoStatus::Sent,
        })
        .unwrap_err();
    assert_eq!(err.code(), "act.unknown");
    // Once drawn up, a repeated request changes nothing; one upload per act.
    w.paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap();
    assert!(w
        .paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap()
        .is_empty());
    let number = w.p.paperwork().act_for(oct).unwrap().number.clone();
    let up = |id: &str| PaperworkCommand::RecordActUploaded {
        number: number.clone(),
        document_id: id.into(),
    };
    w.paper(up("doc-1")).unwrap();
    assert!(w.paper(up("doc-1")).unwrap().is_empty());
    assert_eq!(World::code_of(w.paper(up("doc-2"))), "act.already_uploaded");
    // The same status twice is one change.
    let signed = PaperworkCommand::RecordActStatus {
        number: number.clone(),
        status: VchasnoStatus::SignedByUs,
    };
    assert_eq!(w.paper(signed.clone()).unwrap().len(), 1);
    assert!(w.paper(signed).unwrap().is_empty());
    // Once drawn up, the act stays even if Vchasno is deactivated later.
    w.paper(PaperworkCommand::Deactivate).unwrap();
    assert!(w
        .paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap()
        .is_empty());
}

#[test]
fn the_month_closes_at_kyiv_midnight() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    w.save(form()).unwrap();
    w.activate(World::registered()).unwrap();
    let oct = month("2026-10");
    // 31 October 2026 is winter time (UTC+2): 21:59 UTC is 23:59 in Kyiv.
    w.now = Utc.with_ymd_and_hms(2026, 10, 31, 21, 59, 0).unwrap();
    let err = w
        .paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap_err();
    assert_eq!(err.code(), "act.month_not_closed");
    w.now = Utc.with_ymd_and_hms(2026, 10, 31, 22, 0, 0).unwrap();
    w.paper(PaperworkCommand::PrepareAct { month: oct })
        .unwrap();
}

#[test]
fn a_yearly_prepayment_yields_twelve_acts_that_add_up_to_its_invoice() {
    let nov1 = Utc.with_ymd_and_hms(2026, 10, 31, 22, 0, 0).unwrap();
    let mut w = World::new(nov1, BillingPeriod::Yearly, "10000");
    let invoice = w.p.account().invoices()[0].clone();
    assert_eq!(invoice.status, InvoiceStatus::Paid);
    w.save(form()).unwrap();
    w.activate(World::registered()).unwrap();
    w.now = Utc.with_ymd_and_hms(2027, 11, 2, 8, 0, 0).unwrap();
    let mut m = month("2026-11");
    for _ in 0..12 {
        w.paper(PaperworkCommand::PrepareAct { month: m }).unwrap();
        m = m.next();
    }
    // No service rendered after the paid year (the next year's invoice is not paid).
    let acts = w.p.paperwork().acts().to_vec();
    assert_eq!(acts.len(), 12);
    let totals: Vec<Money> = acts.iter().map(|a| a.total).collect();
    assert!(totals[..11].iter().all(|t| *t == money("833.33")));
    assert_eq!(totals[11], money("833.37"));
    assert_eq!(Money::sum(totals).unwrap(), invoice.total);
    for a in &acts {
        // VAT once on each act's own total; words from the shared function.
        let expected = billing_core::invoice::VatRate::Standard20
            .included_in(a.total)
            .unwrap();
        assert_eq!(a.vat, expected);
        assert_eq!(a.total_in_words, amount_in_words(a.total));
        assert_eq!(a.date, a.month.last_day());
        assert_eq!(a.lines[0].invoice, invoice.number);
    }
    let vat_sum = Money::sum(acts.iter().filter_map(|a| a.vat)).unwrap();
    let diff = (vat_sum.kopiyky() - invoice.vat.unwrap().kopiyky()).abs();
    assert!(
        diff <= 6,
        "VAT rounded per act stays within half a kopiyka per act: {diff}"
    );
    let numbers: std::collections::BTreeSet<_> = acts.iter().map(|a| a.number.clone()).collect();
    assert_eq!(numbers.len(), 12, "numbers are unique");
}

#[test]
fn a_deleted_project_refuses_paperwork_changes_but_records_outcomes() {
    let mut w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    w.save(form()).unwrap();
    w.activate(World::registered()).unwrap();
    w.now = Utc.with_ymd_and_hms(2026, 11, 3, 8, 0, 0).unwrap();
    w.paper(PaperworkCommand::PrepareAct {
        month: month("2026-10"),
    })
    .unwrap();
    w.ok(ProjectCommand::Admin(AdminCommand::RequestDeletion {
        channel: DeletionChannel::Panel,
        questionnaire: Questionnaire {
            reasons: vec![DeletionReason::ClosingBusiness],
            comment: None,
        },
    }));
    let manager = Actor::Manager { id: "bob".into() };
    w.p.handle(
        &ProjectCommand::Admin(AdminCommand::ConfirmDeletion),
        &manager,
        w.now,
        &w.policy,
    )
    .unwrap();
    assert!(w.p.is_deleted());
    for cmd in [
        PaperworkCommand::SaveRequisites { form: form() },
        PaperworkCommand::Deactivate,
        PaperworkCommand::PrepareAct {
            month: month("2026-09"),
        },
    ] {
        let err = w.paper(cmd).unwrap_err();
        assert_eq!(err, ProjectError::Admin(AdminError::Deleted));
    }
    // The upload under way still gets recorded.
    w.paper(PaperworkCommand::RecordActUploaded {
        number: "A-11111-2026-10".into(),
        document_id: "doc-9".into(),
    })
    .unwrap();
}

#[test]
fn snapshots_without_paperwork_still_load() {
    let w = World::new(oct1(), BillingPeriod::Monthly, "1200");
    let mut json = serde_json::to_value(&w.p).unwrap();
    json.as_object_mut().unwrap().remove("paperwork");
    let back: Project = serde_json::from_value(json).unwrap();
    assert_eq!(back, w.p);
    let cmd = ProjectCommand::Paperwork(PaperworkCommand::PrepareAct {
        month: month("2026-10"),
    });
    let text = serde_json::to_string(&cmd).unwrap();
    assert_eq!(serde_json::from_str::<ProjectCommand>(&text).unwrap(), cmd);
}
