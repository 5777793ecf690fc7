//! Unit tests for each administration rule and refusal (asserting the error codes).

use billing_core::admin::{
    Admin, AdminCommand, AdminError, AdminEvent, ChangeKind, ChangeRequestId,
    ContractRequestStatus, DeletionChannel, DeletionReason, DeletionStatus, DomainName,
    OwnerContact, Questionnaire, RejectReason, RequestStatus, PROJECT_DELETED_COMMENT,
};
use billing_core::{Actor, Email, ErrorCode, Notification, ServiceCode};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
}

fn project() -> ServiceCode {
    ServiceCode::parse("00042").unwrap()
}

fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

fn manager() -> Actor {
    Actor::Manager { id: "bob".into() }
}

fn email(s: &str) -> Email {
    s.parse().unwrap()
}

fn domain(s: &str) -> DomainName {
    s.parse().unwrap()
}

fn contact(name: &str, mail: &str, phone: &str) -> OwnerContact {
    OwnerContact {
        full_name: name.parse().unwrap(),
        email: email(mail),
        phone: phone.parse().unwrap(),
    }
}

fn olena() -> OwnerContact {
    contact("Олена Коваль", "Olena@Shop.ua", "050 123 45 67")
}

fn taras() -> OwnerContact {
    contact("Тарас Мельник", "taras@mail.ua", "+380671112233")
}

/// A registered project, its owner Olena.
fn registered() -> Admin {
    let mut a = Admin::new(project());
    a.handle(
        &AdminCommand::Register { owner: olena() },
        &Actor::System,
        t0(),
    )
    .unwrap();
    a
}

/// Runs a command that must succeed, returning its events.
fn ok(a: &mut Admin, cmd: AdminCommand, actor: &Actor) -> Vec<AdminEvent> {
    a.handle(&cmd, actor, t0())
        .unwrap_or_else(|e| panic!("{cmd:?} by {actor:?}: {e}"))
        .into_iter()
        .map(|r| r.event)
        .collect()
}

/// Runs a command that must be refused; checks the state did not change; returns the code.
fn refused(a: &Admin, cmd: AdminCommand, actor: &Actor) -> &'static str {
    let mut copy = a.clone();
    let err = copy.handle(&cmd, actor, t0()).unwrap_err();
    assert_eq!(&copy, a, "a refused command changed the state");
    err.code()
}

fn receive(sender: &str, kind: ChangeKind, new_contact: OwnerContact) -> AdminCommand {
    AdminCommand::ReceiveChangeRequest {
        sender: email(sender),
        kind,
        new_contact,
    }
}

fn questionnaire(reasons: &[DeletionReason], comment: Option<&str>) -> Questionnaire {
    Questionnaire {
        reasons: reasons.to_vec(),
        comment: comment.map(str::to_string),
    }
}

fn panel_deletion() -> AdminCommand {
    AdminCommand::RequestDeletion {
        channel: DeletionChannel::Panel,
        questionnaire: questionnaire(&[DeletionReason::TooExpensive], None),
    }
}

// ---------------------------------------------------------------------------------------------
// Registration and actors

#[test]
fn registration() {
    let a = Admin::new(project());
    assert!(!a.is_registered());
    assert_eq!(
        refused(
            &a,
            AdminCommand::AddDomain {
                domain: domain("shop.ua")
            },
            &Actor::Owner
        ),
        "project.not_registered"
    );
    assert_eq!(
        refused(&a, AdminCommand::Register { owner: olena() }, &Actor::Owner),
        "actor.forbidden"
    );
    let a = registered();
    assert_eq!(a.owner(), Some(&olena()));
    assert_eq!(a.registered_at(), Some(t0()));
    assert_eq!(a.owner_since(), Some(t0()));
    assert_eq!(
        refused(&a, AdminCommand::Register { owner: taras() }, &support()),
        "project.already_registered"
    );
}

#[test]
fn forbidden_actors_are_refused_with_their_label() {
    let a = registered();
    let cases: Vec<(AdminCommand, Actor)> = vec![
        (
            AdminCommand::AddDomain {
                domain: domain("shop.ua"),
            },
            manager(),
        ),
        (
            AdminCommand::AddDomain {
                domain: domain("shop.ua"),
            },
            Actor::System,
        ),
        (
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            Actor::Owner,
        ),
        (
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            manager(),
        ),
        (
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(1),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(1),
            },
            manager(),
        ),
        (
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(1),
            },
            Actor::System,
        ),
        (
            AdminCommand::RejectChangeRequest {
                id: ChangeRequestId(1),
                comment: "x".into(),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::AcceptOffer {
                version: "v1".into(),
                link: "https://x.ua/o".into(),
            },
            support(),
        ),
        (
            AdminCommand::RequestPersonalContract { comment: None },
            manager(),
        ),
        (
            AdminCommand::RecordPersonalContract {
                number: "1".into(),
                date: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
                document: "d.pdf".into(),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::DeclinePersonalContract {
                comment: "no".into(),
            },
            Actor::Owner,
        ),
        (panel_deletion(), support()),
        (
            AdminCommand::RequestDeletion {
                channel: DeletionChannel::Email {
                    sender: email("olena@shop.ua"),
                },
                questionnaire: questionnaire(&[DeletionReason::TooExpensive], None),
            },
            Actor::Owner,
        ),
        (AdminCommand::WithdrawDeletion, Actor::System),
        (AdminCommand::ConfirmDeletion, Actor::Owner),
        (AdminCommand::ConfirmDeletion, support()),
    ];
    for (cmd, actor) in cases {
        assert!(!cmd.allows(&actor), "{cmd:?} {actor:?}");
        let err = a.decide(&cmd, &actor, t0()).unwrap_err();
        assert_eq!(err.code(), "actor.forbidden", "{cmd:?} {actor:?}");
        assert!(!err.is_invalid_input());
        assert!(err.to_string().contains(&actor.label()), "{err}");
        assert!(err.to_string().contains(cmd.name()), "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Domains

#[test]
fn first_domain_is_primary_and_both_forms_are_kept() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("Магазин.УКР"),
        },
        &Actor::Owner,
    );
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.com.ua"),
        },
        &support(),
    );
    let d = &a.domains()[0];
    assert!(d.primary);
    assert_eq!(d.name.unicode(), "магазин.укр");
    // Python's `"магазин.укр".encode("idna")` gives the same ASCII form.
    assert_eq!(d.name.ascii(), "xn--80aairftm.xn--j1amh");
    assert!(!a.domains()[1].primary);
    assert_eq!(a.primary_domain(), Some(&domain("xn--80aairftm.xn--j1amh")));
}

#[test]
fn domain_refusals() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.ua"),
        },
        &Actor::Owner,
    );
    // The same domain in another spelling is a duplicate.
    assert_eq!(
        refused(
            &a,
            AdminCommand::AddDomain {
                domain: domain("SHOP.ua.")
            },
            &Actor::Owner
        ),
        "domain.duplicate"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::RemoveDomain {
                domain: domain("other.ua")
            },
            &Actor::Owner
        ),
        "domain.not_found"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::SetPrimaryDomain {
                domain: domain("other.ua")
            },
            &Actor::Owner
        ),
        "domain.not_found"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::SetPrimaryDomain {
                domain: domain("shop.ua")
            },
            &Actor::Owner
        ),
        "domain.already_primary"
    );
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("кава.київ.ua"),
        },
        &Actor::Owner,
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::RemoveDomain {
                domain: domain("shop.ua")
            },
            &Actor::Owner
        ),
        "domain.primary"
    );
    // Invalid names never reach a command: they fail to parse.
    assert_eq!(
        "shop".parse::<DomainName>().unwrap_err().code(),
        "domain.invalid"
    );
    assert_eq!(
        "shop..ua".parse::<DomainName>().unwrap_err().code(),
        "domain.invalid"
    );
}

#[test]
fn switching_primary_then_removing() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.ua"),
        },
        &Actor::Owner,
    );
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("кава.київ.ua"),
        },
        &Actor::Owner,
    );
    ok(
        &mut a,
        AdminCommand::SetPrimaryDomain {
            domain: domain("xn--80aaf4a.xn--b1alf1j.ua"),
        },
        &Actor::Owner,
    );
    assert_eq!(a.primary_domain().unwrap().unicode(), "кава.київ.ua");
    assert_eq!(a.domains().iter().filter(|d| d.primary).count(), 1);
    ok(
        &mut a,
        AdminCommand::RemoveDomain {
            domain: domain("shop.ua"),
        },
        &Actor::Owner,
    );
    // The last domain may go even though it is primary.
    ok(
        &mut a,
        AdminCommand::RemoveDomain {
            domain: domain("кава.київ.ua"),
        },
        &Actor::Owner,
    );
    assert!(a.domains().is_empty());
    assert_eq!(a.primary_domain(), None);
}

#[test]
fn domain_names_round_trip_through_json_in_both_forms() {
    let d = domain("кава.київ.ua");
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["unicode"], "кава.київ.ua");
    assert_eq!(json["ascii"], "xn--80aaf4a.xn--b1alf1j.ua");
    assert_eq!(serde_json::from_value::<DomainName>(json).unwrap(), d);
    // A stored pair whose forms disagree is refused.
    let bad = serde_json::json!({"unicode": "shop.ua", "ascii": "xn--80aaf4a.xn--b1alf1j.ua"});
    assert!(serde_json::from_value::<DomainName>(bad).is_err());
}

// ---------------------------------------------------------------------------------------------
// Owner contact and change requests

#[test]
fn change_request_from_the_owners_address_is_recorded_and_applied_by_support() {
    let mut a = registered();
    let later = t0() + Duration::hours(2);
    // Same mailbox, other case: accepted.
    let events = a
        .handle(
            &receive(
                "OLENA@shop.UA",
                ChangeKind::ContactChange,
                contact("Олена Коваль", "olena@new.ua", "0501234567"),
            ),
            &Actor::System,
            t0(),
        )
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, Actor::System);
    let req = a.pending_change_request().unwrap().clone();
    assert_eq!(req.id, ChangeRequestId(1));
    assert_eq!(req.sender, email("OLENA@shop.UA"));
    assert_eq!(req.received_by, Actor::System);
    assert_eq!(req.status, RequestStatus::Pending);
    // Recording is not applying: the contact is unchanged.
    assert_eq!(a.owner(), Some(&olena()));

    let events = a
        .handle(
            &AdminCommand::ApplyChangeRequest { id: req.id },
            &support(),
            later,
        )
        .unwrap();
    assert_eq!(a.owner().unwrap().email, email("olena@new.ua"));
    assert_eq!(
        a.change_requests()[0].status,
        RequestStatus::Applied {
            by: support(),
            at: later
        }
    );
    match &events[0].event {
        AdminEvent::ChangeRequestApplied {
            previous, owner, ..
        } => {
            assert_eq!(previous, &olena());
            assert_eq!(owner.email, email("olena@new.ua"));
        }
        other => panic!("{other:?}"),
    }
    // A contact change keeps the ownership date.
    assert_eq!(a.owner_since(), Some(t0()));
    // The old address no longer counts.
    assert_eq!(
        refused(
            &a,
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            &support()
        ),
        "change_request.wrong_sender"
    );
}

#[test]
fn ownership_transfer_moves_the_ownership_date() {
    let mut a = registered();
    ok(
        &mut a,
        receive("olena@shop.ua", ChangeKind::OwnershipTransfer, taras()),
        &support(),
    );
    let later = t0() + Duration::days(3);
    a.handle(
        &AdminCommand::ApplyChangeRequest {
            id: ChangeRequestId(1),
        },
        &support(),
        later,
    )
    .unwrap();
    assert_eq!(a.owner(), Some(&taras()));
    assert_eq!(a.owner_since(), Some(later));
}

#[test]
fn change_request_refusals() {
    let mut a = registered();
    let wrong = AdminCommand::ReceiveChangeRequest {
        sender: email("olena@shop.ua.evil.com"),
        kind: ChangeKind::OwnershipTransfer,
        new_contact: taras(),
    };
    let err = a.decide(&wrong, &support(), t0()).unwrap_err();
    assert_eq!(
        err,
        AdminError::WrongSender {
            sender: email("olena@shop.ua.evil.com")
        }
    );
    assert_eq!(err.code(), "change_request.wrong_sender");
    assert_eq!(
        refused(
            &a,
            receive("olena@shop.ua", ChangeKind::ContactChange, olena()),
            &support()
        ),
        "change_request.no_change"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(1)
            },
            &support()
        ),
        "change_request.not_found"
    );
    ok(
        &mut a,
        receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
        &support(),
    );
    assert_eq!(
        refused(
            &a,
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            &support()
        ),
        "change_request.already_pending"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::RejectChangeRequest {
                id: ChangeRequestId(1),
                comment: "  ".into()
            },
            &support()
        ),
        "comment.required"
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::RejectChangeRequest {
                id: ChangeRequestId(1),
                comment: "x".repeat(2001)
            },
            &support()
        ),
        "comment.invalid"
    );
    ok(
        &mut a,
        AdminCommand::RejectChangeRequest {
            id: ChangeRequestId(1),
            comment: " Не той номер ".into(),
        },
        &support(),
    );
    assert_eq!(
        a.change_requests()[0].status,
        RequestStatus::Rejected {
            by: support(),
            at: t0(),
            reason: RejectReason::Declined {
                comment: "Не той номер".into()
            }
        }
    );
    assert_eq!(a.owner(), Some(&olena()));
    for cmd in [
        AdminCommand::ApplyChangeRequest {
            id: ChangeRequestId(1),
        },
        AdminCommand::RejectChangeRequest {
            id: ChangeRequestId(1),
            comment: "x".into(),
        },
    ] {
        assert_eq!(refused(&a, cmd, &support()), "change_request.not_pending");
    }
    // After a rejection a new request may come; it gets the next number.
    ok(
        &mut a,
        receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
        &support(),
    );
    assert_eq!(a.pending_change_request().unwrap().id, ChangeRequestId(2));
}

// ---------------------------------------------------------------------------------------------
// Contracts

#[test]
fn public_offer() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::AcceptOffer {
            version: " 2025-03 ".into(),
            link: "https://platform.ua/oferta/2025-03".into(),
        },
        &Actor::Owner,
    );
    let offer = a.offer().unwrap();
    assert_eq!(offer.version, "2025-03");
    assert_eq!(offer.link, "https://platform.ua/oferta/2025-03");
    assert_eq!(offer.accepted_at, t0());
    let code = |version: &str, link: &str| {
        refused(
            &a,
            AdminCommand::AcceptOffer {
                version: version.into(),
                link: link.into(),
            },
            &Actor::Owner,
        )
    };
    assert_eq!(
        code("2025-03", "https://platform.ua/o"),
        "offer.already_accepted"
    );
    assert_eq!(code("", "https://platform.ua/o"), "offer.version");
    assert_eq!(code("v 2", "https://platform.ua/o"), "offer.version");
    assert_eq!(
        code(&"v".repeat(33), "https://platform.ua/o"),
        "offer.version"
    );
    assert_eq!(code("v2", "http://platform.ua/o"), "offer.link");
    assert_eq!(code("v2", "https:///o"), "offer.link");
    assert_eq!(code("v2", "https://platform.ua/o o"), "offer.link");
    assert_eq!(code("v2", "platform.ua/o"), "offer.link");
    // A new version replaces the acceptance.
    ok(
        &mut a,
        AdminCommand::AcceptOffer {
            version: "2025-09".into(),
            link: "https://platform.ua/o".into(),
        },
        &Actor::Owner,
    );
    assert_eq!(a.offer().unwrap().version, "2025-09");
}

#[test]
fn personal_contract_request_and_record() {
    let mut a = registered();
    assert_eq!(
        refused(
            &a,
            AdminCommand::DeclinePersonalContract {
                comment: "no".into()
            },
            &support()
        ),
        "contract.not_requested"
    );
    let events = ok(
        &mut a,
        AdminCommand::RequestPersonalContract {
            comment: Some("ТОВ «Кава», ЄДРПОУ 32855961".into()),
        },
        &Actor::Owner,
    );
    assert_eq!(
        events[0].notifications(project()),
        vec![Notification::PersonalContractRequested { project: project() }]
    );
    assert!(a.contract_request().unwrap().is_pending());
    assert_eq!(
        refused(
            &a,
            AdminCommand::RequestPersonalContract { comment: None },
            &support()
        ),
        "contract.already_requested"
    );
    // 2025-03-01 09:00 UTC is 11:00 in Kyiv: the 2nd is in the future, the 1st is not.
    let record = |number: &str, day: u32, document: &str| AdminCommand::RecordPersonalContract {
        number: number.into(),
        date: NaiveDate::from_ymd_opt(2025, 3, day).unwrap(),
        document: document.into(),
    };
    assert_eq!(
        refused(&a, record("12/2025", 2, "c/12.pdf"), &support()),
        "contract.future_date"
    );
    assert_eq!(
        refused(&a, record(" ", 1, "c/12.pdf"), &support()),
        "contract.number"
    );
    assert_eq!(
        refused(&a, record(&"9".repeat(65), 1, "c/12.pdf"), &support()),
        "contract.number"
    );
    assert_eq!(
        refused(&a, record("12/2025", 1, ""), &support()),
        "contract.document"
    );
    assert_eq!(
        refused(&a, record("12/2025", 1, "c/1 2.pdf"), &support()),
        "contract.document"
    );
    ok(
        &mut a,
        record("12/2025-ПД", 1, "contracts/00042/12-2025.pdf"),
        &support(),
    );
    let c = a.personal_contract().unwrap();
    assert_eq!(c.number, "12/2025-ПД");
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
    assert_eq!(c.document, "contracts/00042/12-2025.pdf");
    assert_eq!(c.recorded_by, support());
    assert_eq!(
        a.contract_request().unwrap().status,
        ContractRequestStatus::Fulfilled {
            by: support(),
            at: t0()
        }
    );
}

#[test]
fn contract_date_follows_the_kyiv_calendar() {
    let mut a = registered();
    // 22:30 UTC on 1 March is 00:30 on 2 March in Kyiv (UTC+2 in winter).
    let late = Utc.with_ymd_and_hms(2025, 3, 1, 22, 30, 0).unwrap();
    let cmd = AdminCommand::RecordPersonalContract {
        number: "7".into(),
        date: NaiveDate::from_ymd_opt(2025, 3, 2).unwrap(),
        document: "c/7.pdf".into(),
    };
    assert_eq!(
        a.decide(&cmd, &support(), t0()).unwrap_err().code(),
        "contract.future_date"
    );
    a.handle(&cmd, &support(), late).unwrap();
    assert_eq!(a.personal_contract().unwrap().number, "7");
    // Recorded without a request: nothing to fulfil.
    assert_eq!(a.contract_request(), None);
}

#[test]
fn personal_contract_decline() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::RequestPersonalContract { comment: None },
        &Actor::Owner,
    );
    assert_eq!(
        refused(
            &a,
            AdminCommand::DeclinePersonalContract { comment: "".into() },
            &support()
        ),
        "comment.required"
    );
    ok(
        &mut a,
        AdminCommand::DeclinePersonalContract {
            comment: "Лише для ФОП 3 групи".into(),
        },
        &support(),
    );
    assert_eq!(
        a.contract_request().unwrap().status,
        ContractRequestStatus::Declined {
            by: support(),
            at: t0(),
            comment: "Лише для ФОП 3 групи".into()
        }
    );
    // Another request may follow.
    ok(
        &mut a,
        AdminCommand::RequestPersonalContract { comment: None },
        &Actor::Owner,
    );
}

// ---------------------------------------------------------------------------------------------
// Deletion

#[test]
fn deletion_requested_in_the_panel_and_withdrawn() {
    let mut a = registered();
    assert_eq!(
        refused(&a, AdminCommand::WithdrawDeletion, &Actor::Owner),
        "deletion.not_requested"
    );
    assert_eq!(
        refused(&a, AdminCommand::ConfirmDeletion, &manager()),
        "deletion.not_requested"
    );
    ok(&mut a, panel_deletion(), &Actor::Owner);
    assert!(a.is_deletion_pending());
    assert!(!a.is_deleted());
    assert_eq!(
        refused(&a, panel_deletion(), &Actor::Owner),
        "deletion.already_requested"
    );
    // The project goes on while the request waits.
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.ua"),
        },
        &Actor::Owner,
    );
    ok(&mut a, AdminCommand::WithdrawDeletion, &manager());
    assert_eq!(
        a.deletion().unwrap().status,
        DeletionStatus::Withdrawn {
            by: manager(),
            at: t0()
        }
    );
    assert_eq!(
        refused(&a, AdminCommand::ConfirmDeletion, &manager()),
        "deletion.not_requested"
    );
    // And may be asked again.
    ok(&mut a, panel_deletion(), &Actor::Owner);
}

#[test]
fn deletion_questionnaire_rules() {
    let a = registered();
    let ask = |reasons: &[DeletionReason], comment: Option<&str>| AdminCommand::RequestDeletion {
        channel: DeletionChannel::Panel,
        questionnaire: questionnaire(reasons, comment),
    };
    assert_eq!(
        refused(&a, ask(&[], Some("bye")), &Actor::Owner),
        "deletion.no_reason"
    );
    assert_eq!(
        refused(&a, ask(&[DeletionReason::Other], None), &Actor::Owner),
        "deletion.comment_required"
    );
    assert_eq!(
        refused(
            &a,
            ask(&[DeletionReason::Other], Some("   ")),
            &Actor::Owner
        ),
        "deletion.comment_required"
    );
    assert_eq!(
        refused(
            &a,
            ask(&[DeletionReason::PoorSupport], Some(&"x".repeat(2001))),
            &Actor::Owner
        ),
        "comment.invalid"
    );
    let events = a
        .decide(
            &ask(
                &[
                    DeletionReason::Other,
                    DeletionReason::TooExpensive,
                    DeletionReason::Other,
                ],
                Some(" Закриваємо сезон "),
            ),
            &Actor::Owner,
            t0(),
        )
        .unwrap();
    match &events[0] {
        AdminEvent::DeletionRequested { questionnaire, .. } => {
            assert_eq!(
                questionnaire.reasons,
                vec![DeletionReason::TooExpensive, DeletionReason::Other]
            );
            assert_eq!(questionnaire.comment.as_deref(), Some("Закриваємо сезон"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(DeletionReason::ALL.len(), 8);
    assert!(DeletionReason::ALL.iter().all(|r| !r.label_uk().is_empty()));
}

#[test]
fn deletion_by_email_only_from_the_owners_address() {
    let mut a = registered();
    let by_mail = |sender: &str| AdminCommand::RequestDeletion {
        channel: DeletionChannel::Email {
            sender: email(sender),
        },
        questionnaire: questionnaire(&[DeletionReason::ClosingBusiness], None),
    };
    assert_eq!(
        refused(&a, by_mail("someone@else.ua"), &support()),
        "deletion.wrong_sender"
    );
    ok(&mut a, by_mail("OLENA@SHOP.UA"), &Actor::System);
    let d = a.deletion().unwrap();
    assert_eq!(d.requested_by, Actor::System);
    assert_eq!(
        d.channel,
        DeletionChannel::Email {
            sender: email("OLENA@SHOP.UA")
        }
    );
}

#[test]
fn confirmed_deletion_closes_what_waits_and_refuses_everything_after() {
    let mut a = registered();
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.ua"),
        },
        &Actor::Owner,
    );
    ok(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("кава.київ.ua"),
        },
        &Actor::Owner,
    );
    ok(
        &mut a,
        receive("olena@shop.ua", ChangeKind::OwnershipTransfer, taras()),
        &support(),
    );
    ok(
        &mut a,
        AdminCommand::RequestPersonalContract { comment: None },
        &Actor::Owner,
    );
    ok(&mut a, panel_deletion(), &Actor::Owner);
    let events = ok(&mut a, AdminCommand::ConfirmDeletion, &manager());
    assert!(a.is_deleted());
    assert!(matches!(
        events.last(),
        Some(AdminEvent::DeletionConfirmed { .. })
    ));
    assert_eq!(
        a.change_requests()[0].status,
        RequestStatus::Rejected {
            by: manager(),
            at: t0(),
            reason: RejectReason::ProjectDeleted
        }
    );
    assert_eq!(
        a.contract_request().unwrap().status,
        ContractRequestStatus::Declined {
            by: manager(),
            at: t0(),
            comment: PROJECT_DELETED_COMMENT.into()
        }
    );
    assert!(a.domains().is_empty());
    // The contact did not change.
    assert_eq!(a.owner(), Some(&olena()));
    let notes: Vec<Notification> = events
        .iter()
        .flat_map(|e| e.notifications(project()))
        .collect();
    assert_eq!(
        notes,
        vec![Notification::DeletionConfirmed { project: project() }]
    );

    let every: Vec<(AdminCommand, Actor)> = vec![
        (AdminCommand::Register { owner: taras() }, Actor::System),
        (
            AdminCommand::AddDomain {
                domain: domain("new.ua"),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::RemoveDomain {
                domain: domain("shop.ua"),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::SetPrimaryDomain {
                domain: domain("shop.ua"),
            },
            Actor::Owner,
        ),
        (
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            support(),
        ),
        (
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(1),
            },
            support(),
        ),
        (
            AdminCommand::RejectChangeRequest {
                id: ChangeRequestId(1),
                comment: "x".into(),
            },
            support(),
        ),
        (
            AdminCommand::AcceptOffer {
                version: "v9".into(),
                link: "https://p.ua/o".into(),
            },
            Actor::Owner,
        ),
        (
            AdminCommand::RequestPersonalContract { comment: None },
            Actor::Owner,
        ),
        (
            AdminCommand::RecordPersonalContract {
                number: "1".into(),
                date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                document: "d".into(),
            },
            support(),
        ),
        (
            AdminCommand::DeclinePersonalContract {
                comment: "x".into(),
            },
            support(),
        ),
        (panel_deletion(), Actor::Owner),
        (AdminCommand::WithdrawDeletion, Actor::Owner),
        (AdminCommand::ConfirmDeletion, manager()),
    ];
    for (cmd, actor) in every {
        assert_eq!(
            refused(&a, cmd.clone(), &actor),
            "project.deleted",
            "{cmd:?}"
        );
        // Even an actor who could never issue the command learns only that the project is deleted.
        assert_eq!(refused(&a, cmd, &Actor::System), "project.deleted");
    }
}

// ---------------------------------------------------------------------------------------------
// Notifications, audit, serialisation

#[test]
fn notifications_per_event() {
    let mut a = registered();
    let p = project();
    let notes = |a: &mut Admin, cmd: AdminCommand, actor: &Actor| -> Vec<Notification> {
        ok(a, cmd, actor)
            .iter()
            .flat_map(|e| e.notifications(p))
            .collect()
    };
    assert!(notes(
        &mut a,
        AdminCommand::AddDomain {
            domain: domain("shop.ua")
        },
        &Actor::Owner
    )
    .is_empty());
    assert_eq!(
        notes(
            &mut a,
            receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            &support()
        ),
        vec![Notification::ChangeRequestReceived { project: p }]
    );
    assert_eq!(
        notes(
            &mut a,
            AdminCommand::RejectChangeRequest {
                id: ChangeRequestId(1),
                comment: "?".into()
            },
            &support()
        ),
        vec![Notification::ChangeRequestRejected { project: p }]
    );
    notes(
        &mut a,
        receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
        &support(),
    );
    assert_eq!(
        notes(
            &mut a,
            AdminCommand::ApplyChangeRequest {
                id: ChangeRequestId(2)
            },
            &support()
        ),
        vec![Notification::ChangeRequestApplied { project: p }]
    );
    assert_eq!(
        notes(&mut a, panel_deletion(), &Actor::Owner),
        vec![Notification::DeletionRequested { project: p }]
    );
    assert_eq!(
        notes(&mut a, AdminCommand::WithdrawDeletion, &Actor::Owner),
        vec![Notification::DeletionWithdrawn { project: p }]
    );
}

#[test]
fn audit_records_and_replay() {
    let mut a = registered();
    let mut trail = Vec::new();
    let later = t0() + Duration::minutes(5);
    trail.extend(
        a.handle(
            &AdminCommand::AddDomain {
                domain: domain("shop.ua"),
            },
            &Actor::Owner,
            later,
        )
        .unwrap(),
    );
    trail.extend(
        a.handle(
            &receive("olena@shop.ua", ChangeKind::ContactChange, taras()),
            &support(),
            later,
        )
        .unwrap(),
    );
    assert!(trail.iter().all(|r| r.at == later));
    assert_eq!(trail[0].actor, Actor::Owner);
    assert_eq!(trail[1].actor, support());

    // The audit trail round-trips through JSON with its tags, and replaying it rebuilds the state.
    let json = serde_json::to_string(&trail).unwrap();
    assert!(
        json.contains(r#""type":"change_request_received""#),
        "{json}"
    );
    assert!(json.contains(r#""kind":"support""#), "{json}");
    let back: Vec<billing_core::Audited<AdminEvent>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, trail);
    let mut events = vec![AdminEvent::Registered {
        owner: olena(),
        at: t0(),
    }];
    events.extend(back.into_iter().map(|r| r.event));
    assert_eq!(Admin::replay(project(), &events), a);
    // The state itself serialises too.
    let state: Admin = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    assert_eq!(state, a);
}

#[test]
fn commands_deserialise_from_tagged_json() {
    let cmd: AdminCommand = serde_json::from_value(serde_json::json!({
        "command": "receive_change_request",
        "sender": "olena@shop.ua",
        "kind": "ownership_transfer",
        "new_contact": {"full_name": "Тарас Мельник", "email": "taras@mail.ua", "phone": "067 111 22 33"}
    }))
    .unwrap();
    assert_eq!(
        cmd,
        receive("olena@shop.ua", ChangeKind::OwnershipTransfer, taras())
    );
    assert_eq!(cmd.name(), "receive_change_request");
    // An invalid email never becomes a command.
    let bad = serde_json::from_value::<AdminCommand>(serde_json::json!({
        "command": "request_deletion",
        "channel": {"channel": "email", "sender": "not-an-address"},
        "questionnaire": {"reasons": ["other"], "comment": "x"}
    }));
    assert!(bad.is_err());
}

#[test]
fn umbrella_error_keeps_the_codes() {
    let e: billing_core::Error = AdminError::Deleted.into();
    assert_eq!(e.code(), "project.deleted");
    assert!(!e.is_invalid_input());
    let e: billing_core::Error = "x".parse::<DomainName>().unwrap_err().into();
    assert_eq!(e.code(), "domain.invalid");
    assert!(e.is_invalid_input());
    let e: billing_core::Error = AdminError::DeletionNoReason.into();
    assert!(e.is_invalid_input());
}
