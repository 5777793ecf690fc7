//! Unit tests for the rules that join administration and billing in [`Project`].

use billing_core::account::{AccountCommand, AccountEvent, BillingPolicy};
use billing_core::admin::{
    AdminCommand, AdminError, AdminEvent, ChangeKind, DeletionChannel, DeletionReason, DomainName,
    OwnerContact, Questionnaire,
};
use billing_core::invoice::InvoiceStatus;
use billing_core::payment::{
    AttemptId, CardToken, CreditReason, LinkId, PaymentId, RefundId, SavedCard,
};
use billing_core::project::{Project, ProjectCommand, ProjectError, ProjectEvent};
use billing_core::tariff::{BillingPeriod, Limits, Tariff};
use billing_core::{Actor, Audited, ErrorCode, InvoiceNumber, Money, Notification, ServiceCode};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    // 16 March 2026, 11:00 in Kyiv.
    Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap()
}

fn code() -> ServiceCode {
    ServiceCode::parse("00042").unwrap()
}

fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

fn manager() -> Actor {
    Actor::Manager { id: "bob".into() }
}

fn owner() -> OwnerContact {
    OwnerContact {
        full_name: "Олена Коваль".parse().unwrap(),
        email: "olena@shop.ua".parse().unwrap(),
        phone: "050 123 45 67".parse().unwrap(),
    }
}

fn tariff() -> Tariff {
    Tariff::new("start", "Старт", Limits::default())
        .unwrap()
        .with_price(BillingPeriod::Monthly, "310".parse().unwrap())
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

fn invoice(n: u32) -> InvoiceNumber {
    format!("HOR-00042-{n:03}").parse().unwrap()
}

fn card() -> SavedCard {
    SavedCard::new(
        CardToken::new("tok_secret_1"),
        "4441 11** **** 1234",
        "OLENA KOVAL",
    )
}

struct World {
    p: Project,
    policy: BillingPolicy,
    now: DateTime<Utc>,
    trail: Vec<Audited<ProjectEvent>>,
}

impl World {
    /// A registered project with a domain, subscribed (invoice 1 open, 160.00 for 16 of 31 days).
    fn new() -> World {
        let mut w = World {
            p: Project::new(code()),
            policy: BillingPolicy::default(),
            now: t0(),
            trail: Vec::new(),
        };
        w.admin(AdminCommand::Register { owner: owner() }, &Actor::System);
        w.admin(
            AdminCommand::AddDomain {
                domain: "shop.ua".parse::<DomainName>().unwrap(),
            },
            &Actor::Owner,
        );
        w.account(
            AccountCommand::Subscribe {
                tariff: tariff(),
                period: BillingPeriod::Monthly,
            },
            &Actor::Owner,
        );
        w
    }

    fn run(
        &mut self,
        cmd: ProjectCommand,
        actor: &Actor,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        let before = self.p.clone();
        match self.p.handle(&cmd, actor, self.now, &self.policy) {
            Ok(records) => {
                for r in &records {
                    assert_eq!((r.at, &r.actor), (self.now, actor));
                }
                let events = records.iter().map(|r| r.event.clone()).collect();
                self.trail.extend(records);
                Ok(events)
            }
            Err(e) => {
                assert_eq!(self.p, before, "a refused command changed the project");
                Err(e)
            }
        }
    }

    fn admin(&mut self, cmd: AdminCommand, actor: &Actor) -> Vec<ProjectEvent> {
        self.run(ProjectCommand::Admin(cmd.clone()), actor)
            .unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
    }

    fn account(&mut self, cmd: AccountCommand, actor: &Actor) -> Vec<ProjectEvent> {
        self.run(ProjectCommand::Account(cmd.clone()), actor)
            .unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
    }

    fn refused(&mut self, cmd: ProjectCommand, actor: &Actor) -> &'static str {
        self.run(cmd, actor).unwrap_err().code()
    }

    fn delete(&mut self) -> Vec<ProjectEvent> {
        self.admin(
            AdminCommand::RequestDeletion {
                channel: DeletionChannel::Panel,
                questionnaire: Questionnaire {
                    reasons: vec![DeletionReason::ClosingBusiness],
                    comment: None,
                },
            },
            &Actor::Owner,
        );
        self.admin(AdminCommand::ConfirmDeletion, &manager())
    }
}

fn account_events(events: &[ProjectEvent]) -> Vec<&AccountEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            ProjectEvent::Account(a) => Some(a),
            ProjectEvent::Admin(_) | ProjectEvent::Paperwork(_) | ProjectEvent::Tax(_) => None,
        })
        .collect()
}

#[test]
fn confirmed_deletion_closes_the_account_in_the_same_decision() {
    let mut w = World::new();
    assert_eq!(w.p.account().invoices()[0].total, money("160.00"));
    w.account(
        AccountCommand::RequestPaymentLink {
            invoice: invoice(1),
            link: LinkId::new("l1").unwrap(),
        },
        &Actor::Owner,
    );
    let events = w.delete();
    assert!(w.p.is_deleted());
    assert!(w.p.account().is_closed());
    assert!(!w.p.account().autopay_is_on());
    assert_eq!(w.p.account().open_invoices().count(), 0);
    assert_eq!(w.p.account().invoices()[0].status, InvoiceStatus::Cancelled);
    assert!(w.p.account().payment_link(&invoice(1), w.now).is_none());
    assert!(w.p.admin().domains().is_empty());
    // Admin events first (the deletion confirmed), then the account closing.
    let first_account = events
        .iter()
        .position(|e| matches!(e, ProjectEvent::Account(_)))
        .unwrap();
    assert!(matches!(
        events[first_account - 1],
        ProjectEvent::Admin(AdminEvent::DeletionConfirmed { .. })
    ));
    let acc = account_events(&events);
    assert!(acc.iter().any(
        |e| matches!(e, AccountEvent::InvoiceCancelled { invoice: n, .. } if *n == invoice(1))
    ));
    assert!(acc
        .iter()
        .any(|e| matches!(e, AccountEvent::PaymentLinkExpired { .. })));
    assert!(matches!(acc.last(), Some(AccountEvent::AccountClosed)));
    let notes: Vec<Notification> = events
        .iter()
        .flat_map(|e| e.notifications(code()))
        .collect();
    assert!(notes.contains(&Notification::DeletionConfirmed { project: code() }));
}

#[test]
fn deleted_project_refuses_admin_changes_and_new_billing() {
    let mut w = World::new();
    w.delete();
    w.now += Duration::days(40);
    let admin_cmds = [
        AdminCommand::AddDomain {
            domain: "new.ua".parse().unwrap(),
        },
        AdminCommand::ReceiveChangeRequest {
            sender: "olena@shop.ua".parse().unwrap(),
            kind: ChangeKind::OwnershipTransfer,
            new_contact: OwnerContact {
                email: "taras@mail.ua".parse().unwrap(),
                ..owner()
            },
        },
        AdminCommand::WithdrawDeletion,
    ];
    for cmd in admin_cmds {
        assert_eq!(
            w.refused(ProjectCommand::Admin(cmd), &support()),
            "project.deleted"
        );
    }
    let account_cmds = [
        (
            AccountCommand::Subscribe {
                tariff: tariff(),
                period: BillingPeriod::Monthly,
            },
            Actor::Owner,
        ),
        (
            AccountCommand::RequestPaymentLink {
                invoice: invoice(1),
                link: LinkId::new("l9").unwrap(),
            },
            Actor::Owner,
        ),
        (
            AccountCommand::StartCardBinding {
                attempt: AttemptId::new("b9").unwrap(),
            },
            Actor::Owner,
        ),
        (AccountCommand::ResumeAutopay, support()),
    ];
    for (cmd, actor) in account_cmds {
        assert_eq!(
            w.refused(ProjectCommand::Account(cmd.clone()), &actor),
            "project.deleted",
            "{cmd:?}"
        );
    }
    // The scheduler's run issues nothing any more.
    let before = w.p.account().invoices().len();
    let events = w.account(AccountCommand::DailyTick, &Actor::System);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(w.p.account().invoices().len(), before);
}

#[test]
fn the_account_closes_only_through_a_confirmed_deletion() {
    let mut w = World::new();
    let err = w
        .run(
            ProjectCommand::Account(AccountCommand::CloseForDeletion),
            &manager(),
        )
        .unwrap_err();
    assert_eq!(err, ProjectError::Admin(AdminError::DeletionNotConfirmed));
    let umbrella: billing_core::Error = err.clone().into();
    assert_eq!(umbrella.code(), "deletion.not_confirmed");
    assert_eq!(err.code(), "deletion.not_confirmed");
    assert!(!err.is_invalid_input());
    assert!(!w.p.account().is_closed());
}

#[test]
fn withdrawn_deletion_leaves_billing_as_it_was() {
    let mut w = World::new();
    w.admin(
        AdminCommand::RequestDeletion {
            channel: DeletionChannel::Email {
                sender: "Olena@Shop.UA".parse().unwrap(),
            },
            questionnaire: Questionnaire {
                reasons: vec![DeletionReason::TooExpensive],
                comment: None,
            },
        },
        &support(),
    );
    let events = w.admin(AdminCommand::WithdrawDeletion, &Actor::Owner);
    assert!(account_events(&events).is_empty());
    assert!(!w.p.account().is_closed());
    assert_eq!(w.p.account().open_invoices().count(), 1);
}

#[test]
fn card_binding_in_flight_settles_after_deletion_as_a_credit_for_support() {
    let mut w = World::new();
    // The owner starts binding a card by paying invoice 1; the acquirer answers after deletion.
    w.account(
        AccountCommand::StartCardBinding {
            attempt: AttemptId::new("b1").unwrap(),
        },
        &Actor::Owner,
    );
    w.delete();
    w.now += Duration::minutes(3);
    let events = w.account(
        AccountCommand::CardBindingSucceeded {
            attempt: AttemptId::new("b1").unwrap(),
            payment: PaymentId::new("acq-1").unwrap(),
            amount: money("160.00"),
            card: card(),
            refund: RefundId::new("r1").unwrap(),
        },
        &Actor::System,
    );
    let acc = account_events(&events);
    assert!(acc.iter().any(|e| matches!(e,
        AccountEvent::PaymentReceived { payment } if payment.applied.is_zero() && payment.credited == money("160.00"))));
    assert!(acc.iter().any(|e| matches!(e,
        AccountEvent::CreditRecorded { credit } if credit.reason == CreditReason::AccountClosed)));
    // Nothing else: no card saved, autopay stays off.
    assert!(!acc.iter().any(|e| matches!(
        e,
        AccountEvent::CardSaved { .. } | AccountEvent::AutopayEnabled { .. }
    )));
    assert!(!w.p.account().autopay_is_on());
    let notes: Vec<Notification> = events
        .iter()
        .flat_map(|e| e.notifications(code()))
        .collect();
    assert!(notes.contains(&Notification::CreditToResolve {
        project: code(),
        amount: money("160.00")
    }));
    // Support settles it: a refund, then the bank's answer.
    let credit = w.p.account().credits().last().unwrap().id;
    w.account(
        AccountCommand::RefundCredit {
            credit,
            refund: RefundId::new("r2").unwrap(),
        },
        &support(),
    );
    w.account(
        AccountCommand::RecordRefund {
            refund: RefundId::new("r2").unwrap(),
            succeeded: true,
        },
        &Actor::System,
    );
    assert_eq!(w.p.account().open_credits().count(), 0);
}

#[test]
fn autopay_charge_in_flight_and_late_bank_transfer_after_deletion() {
    let mut w = World::new();
    // Bind a card by paying invoice 1: autopay turns on.
    w.account(
        AccountCommand::StartCardBinding {
            attempt: AttemptId::new("b1").unwrap(),
        },
        &Actor::Owner,
    );
    w.account(
        AccountCommand::CardBindingSucceeded {
            attempt: AttemptId::new("b1").unwrap(),
            payment: PaymentId::new("acq-1").unwrap(),
            amount: money("160.00"),
            card: card(),
            refund: RefundId::new("r1").unwrap(),
        },
        &Actor::System,
    );
    assert!(w.p.account().autopay_is_on());
    // 1 April: the next invoice is issued and charged to the card.
    w.now = Utc.with_ymd_and_hms(2026, 4, 1, 6, 0, 0).unwrap();
    w.account(AccountCommand::DailyTick, &Actor::System);
    let (attempt, charge) =
        w.p.account()
            .charges_in_flight()
            .map(|(a, c)| (a.clone(), c.clone()))
            .next()
            .expect("a charge in flight");
    assert_eq!(charge.invoice, invoice(2));
    // The owner deletes the project while the charge is in flight.
    w.delete();
    assert!(!w.p.account().autopay_is_on());
    assert_eq!(
        w.p.account().invoice(&invoice(2)).unwrap().status,
        InvoiceStatus::Cancelled
    );
    // The acquirer's answer is still recorded, as money for support to settle.
    w.now += Duration::minutes(5);
    w.account(
        AccountCommand::ChargeSucceeded {
            attempt,
            payment: PaymentId::new("acq-2").unwrap(),
            amount: charge.amount,
        },
        &Actor::System,
    );
    // And so is a late bank transfer for invoice 1 (paid already).
    w.now += Duration::days(2);
    w.account(
        AccountCommand::RecordBankTransfer {
            transaction: PaymentId::new("bank-77").unwrap(),
            amount: money("160.00"),
            invoice: Some(invoice(1)),
        },
        &Actor::System,
    );
    let closed: Vec<_> =
        w.p.account()
            .credits()
            .iter()
            .filter(|c| c.reason == CreditReason::AccountClosed)
            .collect();
    assert_eq!(closed.len(), 2);
    assert_eq!(closed[0].amount, charge.amount);
    assert_eq!(closed[1].amount, money("160.00"));
    // No new invoices, charges or links came of it.
    assert_eq!(w.p.account().invoices().len(), 2);
    assert_eq!(w.p.account().charges_in_flight().count(), 0);
    // Every kopiyka received is either on a live invoice or in a credit.
    let received = Money::sum(w.p.account().payments().values().map(|p| p.amount)).unwrap();
    let on_invoices = Money::sum(
        w.p.account()
            .invoices()
            .iter()
            .filter(|i| i.status != InvoiceStatus::Cancelled)
            .map(|i| i.paid),
    )
    .unwrap();
    let in_credits = Money::sum(w.p.account().credits().iter().map(|c| c.amount)).unwrap();
    assert_eq!(received, on_invoices.checked_add(in_credits).unwrap());
}

#[test]
fn the_project_trail_is_audited_and_replays() {
    let mut w = World::new();
    w.admin(
        AdminCommand::AcceptOffer {
            version: "2026-01".into(),
            link: "https://platform.ua/oferta/2026-01".into(),
        },
        &Actor::Owner,
    );
    w.delete();
    let events: Vec<ProjectEvent> = w.trail.iter().map(|r| r.event.clone()).collect();
    assert_eq!(Project::replay(code(), &events), w.p);
    let json = serde_json::to_string(&w.trail).unwrap();
    assert!(json.contains(r#""aggregate":"admin""#), "{json}");
    assert!(json.contains(r#""aggregate":"account""#), "{json}");
    let back: Vec<Audited<ProjectEvent>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, w.trail);
    let cmd: ProjectCommand = serde_json::from_value(serde_json::json!({
        "aggregate": "admin", "command": {"command": "confirm_deletion"}
    }))
    .unwrap();
    assert_eq!(cmd, ProjectCommand::Admin(AdminCommand::ConfirmDeletion));
    let state: Project = serde_json::from_str(&serde_json::to_string(&w.p).unwrap()).unwrap();
    assert_eq!(state, w.p);
}
