//! Property tests over random sequences of administration commands from random actors.
//!
//! - The owner contact changes only through an applied change request, applied by support, that was
//!   recorded from the owner's address at the time.
//! - Every change has an audit record (the command's actor and time); a refused command changes
//!   nothing; replaying the events rebuilds the state.
//! - After deletion every command is refused.
//! - Domains: unique, and exactly one primary while any are connected; at most one pending request
//!   of each kind.

use std::collections::HashMap;

use billing_core::admin::{
    Admin, AdminCommand, AdminEvent, ChangeKind, ChangeRequestId, DeletionChannel, DeletionReason,
    DomainName, OwnerContact, Questionnaire,
};
use billing_core::{Actor, Audited, Email, ErrorCode, ServiceCode};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

const EMAILS: [&str; 5] = [
    "olena@shop.ua",
    "OLENA@Shop.UA",
    "taras@mail.ua",
    "mykola@кава.укр",
    "attacker@evil.com",
];
const DOMAINS: [&str; 4] = [
    "shop.ua",
    "SHOP.ua.",
    "кава.київ.ua",
    "xn--80aairftm.xn--j1amh",
];

fn contact(i: usize) -> OwnerContact {
    let people = [
        ("Олена Коваль", "olena@shop.ua", "050 123 45 67"),
        ("Олена Коваль", "olena@new.ua", "050 123 45 67"),
        ("Тарас Мельник", "taras@mail.ua", "+380671112233"),
        ("Микола Бойко", "mykola@кава.укр", "+48 601 234 567"),
    ];
    let (name, mail, phone) = people[i % people.len()];
    OwnerContact {
        full_name: name.parse().unwrap(),
        email: mail.parse().unwrap(),
        phone: phone.parse().unwrap(),
    }
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        3 => Just(Actor::Owner),
        3 => Just(Actor::Support { id: "ann".into() }),
        2 => Just(Actor::Manager { id: "bob".into() }),
        1 => Just(Actor::System),
    ]
}

fn email() -> impl Strategy<Value = Email> {
    (0..EMAILS.len()).prop_map(|i| EMAILS[i].parse().unwrap())
}

fn domain() -> impl Strategy<Value = DomainName> {
    (0..DOMAINS.len()).prop_map(|i| DOMAINS[i].parse().unwrap())
}

fn reasons() -> impl Strategy<Value = Vec<DeletionReason>> {
    proptest::collection::vec(proptest::sample::select(DeletionReason::ALL.to_vec()), 0..3)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_string()),
        Just("Коментар".to_string())
    ]
}

fn command() -> impl Strategy<Value = AdminCommand> {
    let id = (1u32..4).prop_map(ChangeRequestId);
    prop_oneof![
        1 => (0usize..4).prop_map(|i| AdminCommand::Register { owner: contact(i) }),
        2 => domain().prop_map(|domain| AdminCommand::AddDomain { domain }),
        1 => domain().prop_map(|domain| AdminCommand::RemoveDomain { domain }),
        1 => domain().prop_map(|domain| AdminCommand::SetPrimaryDomain { domain }),
        4 => (email(), any::<bool>(), 0usize..4).prop_map(|(sender, transfer, i)| {
            AdminCommand::ReceiveChangeRequest {
                sender,
                kind: if transfer { ChangeKind::OwnershipTransfer } else { ChangeKind::ContactChange },
                new_contact: contact(i),
            }
        }),
        3 => id.clone().prop_map(|id| AdminCommand::ApplyChangeRequest { id }),
        1 => (id, text()).prop_map(|(id, comment)| AdminCommand::RejectChangeRequest { id, comment }),
        1 => (0u8..3).prop_map(|v| AdminCommand::AcceptOffer {
            version: format!("2025-0{v}"),
            link: if v == 0 { "ftp://x".into() } else { format!("https://platform.ua/oferta/{v}") },
        }),
        1 => proptest::option::of(text())
            .prop_map(|comment| AdminCommand::RequestPersonalContract { comment }),
        1 => (1u32..28).prop_map(|day| AdminCommand::RecordPersonalContract {
            number: format!("{day}/2025"),
            date: NaiveDate::from_ymd_opt(2025, 2, day).unwrap(),
            document: format!("contracts/{day}.pdf"),
        }),
        1 => text().prop_map(|comment| AdminCommand::DeclinePersonalContract { comment }),
        2 => (proptest::option::of(email()), reasons(), proptest::option::of(text())).prop_map(
            |(sender, reasons, comment)| AdminCommand::RequestDeletion {
                channel: sender.map_or(DeletionChannel::Panel, |sender| DeletionChannel::Email { sender }),
                questionnaire: Questionnaire { reasons, comment },
            }
        ),
        1 => Just(AdminCommand::WithdrawDeletion),
        1 => Just(AdminCommand::ConfirmDeletion),
    ]
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap()
}

fn check_invariants(a: &Admin) {
    let primaries = a.domains().iter().filter(|d| d.primary).count();
    assert_eq!(
        primaries,
        usize::from(!a.domains().is_empty()),
        "{:?}",
        a.domains()
    );
    for (i, d) in a.domains().iter().enumerate() {
        assert!(
            a.domains()[i + 1..].iter().all(|o| o.name != d.name),
            "duplicate {d:?}"
        );
    }
    assert!(
        a.change_requests()
            .iter()
            .filter(|r| r.is_pending())
            .count()
            <= 1
    );
    if a.is_deleted() {
        assert!(a.domains().is_empty());
        assert!(a.pending_change_request().is_none());
        assert!(!a.contract_request().is_some_and(|r| r.is_pending()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn admin_rules_hold_over_random_command_sequences(
        steps in proptest::collection::vec((command(), actor(), 1i64..600), 1..60)
    ) {
        let project = ServiceCode::parse("00042").unwrap();
        let mut admin = Admin::new(project);
        let mut trail: Vec<Audited<AdminEvent>> = admin
            .handle(&AdminCommand::Register { owner: contact(0) }, &Actor::System, start())
            .unwrap();
        // For each recorded change request: the owner's email when it was recorded.
        let mut owner_email_at_receipt: HashMap<ChangeRequestId, Email> = HashMap::new();
        let mut now = start();
        let mut changes = 0usize;

        for (cmd, actor, minutes) in steps {
            now += Duration::minutes(minutes);
            let before = admin.clone();
            // decide is pure: the same inputs give the same answer.
            let decided = admin.decide(&cmd, &actor, now);
            prop_assert_eq!(&decided, &admin.decide(&cmd, &actor, now));
            match admin.handle(&cmd, &actor, now) {
                Err(err) => {
                    prop_assert_eq!(Err(err.clone()), decided);
                    prop_assert_eq!(&admin, &before, "a refused command changed the state");
                    if before.is_deleted() {
                        prop_assert_eq!(err.code(), "project.deleted");
                    }
                    if !cmd.allows(&actor) && !before.is_deleted() {
                        prop_assert_eq!(err.code(), "actor.forbidden");
                    }
                }
                Ok(records) => {
                    prop_assert!(!before.is_deleted(), "a deleted project accepted {:?}", cmd);
                    prop_assert!(cmd.allows(&actor));
                    prop_assert!(!records.is_empty(), "a successful command recorded nothing");
                    prop_assert_ne!(&admin, &before, "a successful command changed nothing");
                    changes += 1;
                    for r in &records {
                        prop_assert_eq!(r.at, now);
                        prop_assert_eq!(&r.actor, &actor);
                    }
                    let events: Vec<&AdminEvent> = records.iter().map(|r| &r.event).collect();
                    prop_assert_eq!(Ok(events.iter().map(|e| (*e).clone()).collect::<Vec<_>>()), decided);

                    for e in &events {
                        if let AdminEvent::ChangeRequestReceived { id, sender, .. } = e {
                            let owner = before.owner().unwrap();
                            prop_assert!(sender.same_mailbox(&owner.email));
                            owner_email_at_receipt.insert(*id, owner.email.clone());
                        }
                    }

                    // The owner contact changes only through an applied request from the owner's
                    // address, applied by support, to exactly the contact the request asked for.
                    if before.is_registered() && admin.owner() != before.owner() {
                        let applied: Vec<_> = events.iter().filter_map(|e| match e {
                            AdminEvent::ChangeRequestApplied { id, owner, .. } => Some((*id, owner)),
                            _ => None,
                        }).collect();
                        prop_assert_eq!(applied.len(), 1, "contact changed without an applied request");
                        let (id, new_owner) = applied[0];
                        prop_assert!(matches!(actor, Actor::Support { .. }), "applied by {:?}", actor);
                        let request = before.change_requests().iter().find(|r| r.id == id).unwrap();
                        prop_assert!(request.is_pending());
                        let at_receipt = &owner_email_at_receipt[&id];
                        prop_assert!(request.sender.same_mailbox(at_receipt));
                        prop_assert_eq!(&request.new_contact, new_owner);
                        prop_assert_eq!(admin.owner(), Some(new_owner));
                    }
                    trail.extend(records);
                }
            }
            check_invariants(&admin);
        }

        // The audit trail is complete: replaying it rebuilds the state, also after a JSON round trip.
        let events: Vec<AdminEvent> = trail.iter().map(|r| r.event.clone()).collect();
        prop_assert_eq!(&Admin::replay(project, &events), &admin);
        let json = serde_json::to_string(&trail).unwrap();
        let back: Vec<Audited<AdminEvent>> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &trail);
        prop_assert!(trail.len() >= changes);
    }
}
