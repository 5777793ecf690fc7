//! Property tests over random command sequences on a whole [`Project`] (administration and billing).
//!
//! Steps are generated as intents with selectors (which invoice, which charge in flight, which
//! credit) and resolved against the project's state when they run, so random sequences reach deep
//! states: autopay charges, card bindings, links, credits, refunds, deletion. Some steps use a random
//! actor instead of the proper one.
//!
//! After every step:
//! - a refused command changes nothing; a successful one records its events with its actor and time;
//! - the owner contact changed only through a change request applied by support, recorded from the
//!   owner's address at the time;
//! - the project is deleted exactly when its account is closed;
//! - after deletion: every administration command is refused; an account command records only money
//!   already under way (payments credited for support, charge and binding answers, refunds) and no new
//!   invoice, link, charge, card binding or autopay;
//! - no money is lost: every payment is split into applied + credited, and all money received is on a
//!   live invoice, in a credit, or refunded.
//!
//! At the end the audit trail replays to the same project, also after a JSON round trip.

use std::collections::HashMap;

use billing_core::account::{AccountCommand, AccountEvent, BillingPolicy};
use billing_core::admin::{
    AdminCommand, AdminEvent, ChangeKind, ChangeRequestId, DeletionChannel, DeletionReason,
    OwnerContact, Questionnaire,
};
use billing_core::invoice::InvoiceStatus;
use billing_core::payment::{
    AttemptId, CardToken, CreditReason, LinkId, PaymentId, RefundId, SavedCard,
};
use billing_core::project::{Project, ProjectCommand, ProjectEvent};
use billing_core::tariff::{BillingPeriod, Limits, Tariff};
use billing_core::{Actor, Audited, Email, ErrorCode, InvoiceNumber, Money, ServiceCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

const AMOUNTS: [&str; 5] = ["1.00", "50.00", "160.00", "310.00", "500.00"];
const BINDINGS: [&str; 3] = ["b0", "b1", "b2"];

#[derive(Debug, Clone)]
enum AdminStep {
    RequestDeletion {
        by_email: bool,
        from_owner: bool,
    },
    Withdraw,
    Confirm,
    ReceiveChange {
        from_owner: bool,
        contact: usize,
        transfer: bool,
    },
    ApplyChange {
        id: u32,
    },
    RejectChange {
        id: u32,
    },
    AddDomain {
        n: u8,
    },
}

#[derive(Debug, Clone)]
enum AccountStep {
    Subscribe,
    Tick,
    RequestLink {
        inv: u32,
        link: u8,
    },
    CardPaid {
        link: u8,
        pay: u8,
        amount: usize,
        save: bool,
    },
    BankTransfer {
        pay: u8,
        amount: usize,
        inv: Option<u32>,
        by_support: bool,
    },
    StartBinding {
        b: usize,
    },
    BindingOk {
        b: usize,
        pay: u8,
        amount: usize,
        exact: bool,
        refund: u8,
    },
    BindingFailed {
        b: usize,
    },
    ChargeOk {
        sel: usize,
        pay: u8,
        exact: bool,
        amount: usize,
    },
    ChargeFailed {
        sel: usize,
    },
    Charge3ds {
        sel: usize,
        link: u8,
    },
    StopAutopay,
    ResumeAutopay,
    Cancel {
        inv: u32,
    },
    ApplyCredit {
        credit: u32,
        inv: u32,
    },
    RefundCredit {
        credit: u32,
        refund: u8,
    },
    RecordRefund {
        sel: usize,
        ok: bool,
    },
    Close,
}

#[derive(Debug, Clone)]
enum Step {
    Admin(AdminStep),
    Account(AccountStep),
    Wait { hours: i64 },
}

fn admin_step() -> impl Strategy<Value = AdminStep> {
    prop_oneof![
        3 => (any::<bool>(), prop::bool::weighted(0.8))
            .prop_map(|(by_email, from_owner)| AdminStep::RequestDeletion { by_email, from_owner }),
        1 => Just(AdminStep::Withdraw),
        3 => Just(AdminStep::Confirm),
        2 => (prop::bool::weighted(0.7), 0usize..3, any::<bool>())
            .prop_map(|(from_owner, contact, transfer)| AdminStep::ReceiveChange { from_owner, contact, transfer }),
        2 => (1u32..4).prop_map(|id| AdminStep::ApplyChange { id }),
        1 => (1u32..4).prop_map(|id| AdminStep::RejectChange { id }),
        1 => (0u8..3).prop_map(|n| AdminStep::AddDomain { n }),
    ]
}

fn account_step() -> impl Strategy<Value = AccountStep> {
    let amount = 0..AMOUNTS.len();
    let b = 0..BINDINGS.len();
    prop_oneof![
        2 => Just(AccountStep::Subscribe),
        4 => Just(AccountStep::Tick),
        2 => (1u32..5, 0u8..4).prop_map(|(inv, link)| AccountStep::RequestLink { inv, link }),
        2 => (0u8..4, 0u8..8, amount.clone(), any::<bool>())
            .prop_map(|(link, pay, amount, save)| AccountStep::CardPaid { link, pay, amount, save }),
        3 => (0u8..8, amount.clone(), proptest::option::of(1u32..5), any::<bool>())
            .prop_map(|(pay, amount, inv, by_support)| AccountStep::BankTransfer { pay, amount, inv, by_support }),
        2 => b.clone().prop_map(|b| AccountStep::StartBinding { b }),
        2 => (b.clone(), 0u8..8, amount.clone(), prop::bool::weighted(0.7), 0u8..4)
            .prop_map(|(b, pay, amount, exact, refund)| AccountStep::BindingOk { b, pay, amount, exact, refund }),
        1 => b.prop_map(|b| AccountStep::BindingFailed { b }),
        3 => (0usize..4, 0u8..8, prop::bool::weighted(0.8), amount)
            .prop_map(|(sel, pay, exact, amount)| AccountStep::ChargeOk { sel, pay, exact, amount }),
        2 => (0usize..4).prop_map(|sel| AccountStep::ChargeFailed { sel }),
        1 => (0usize..4, 0u8..4).prop_map(|(sel, link)| AccountStep::Charge3ds { sel, link }),
        1 => Just(AccountStep::StopAutopay),
        1 => Just(AccountStep::ResumeAutopay),
        1 => (1u32..5).prop_map(|inv| AccountStep::Cancel { inv }),
        2 => (1u32..5, 1u32..5).prop_map(|(credit, inv)| AccountStep::ApplyCredit { credit, inv }),
        2 => (1u32..5, 0u8..4).prop_map(|(credit, refund)| AccountStep::RefundCredit { credit, refund }),
        2 => (0usize..4, any::<bool>()).prop_map(|(sel, ok)| AccountStep::RecordRefund { sel, ok }),
        1 => Just(AccountStep::Close),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => admin_step().prop_map(Step::Admin),
        8 => account_step().prop_map(Step::Account),
        3 => prop_oneof![1i64..6, 20i64..30, 100i64..300].prop_map(|hours| Step::Wait { hours }),
    ]
}

fn random_actor() -> impl Strategy<Value = Option<Actor>> {
    prop_oneof![
        17 => Just(None),
        1 => Just(Some(Actor::Owner)),
        1 => Just(Some(Actor::Support { id: "ann".into() })),
        1 => Just(Some(Actor::Manager { id: "bob".into() })),
        1 => Just(Some(Actor::System)),
    ]
}

fn support() -> Actor {
    Actor::Support { id: "ann".into() }
}

fn manager() -> Actor {
    Actor::Manager { id: "bob".into() }
}

fn contact(i: usize) -> OwnerContact {
    let people = [
        ("Олена Коваль", "olena@shop.ua", "050 123 45 67"),
        ("Олена Коваль", "olena@new.ua", "050 123 45 67"),
        ("Тарас Мельник", "taras@mail.ua", "+380671112233"),
    ];
    let (name, mail, phone) = people[i % people.len()];
    OwnerContact {
        full_name: name.parse().unwrap(),
        email: mail.parse().unwrap(),
        phone: phone.parse().unwrap(),
    }
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

fn invoice(n: u32) -> InvoiceNumber {
    format!("HOR-00042-{n:03}").parse().unwrap()
}

fn pay(n: u8) -> PaymentId {
    PaymentId::new(&format!("p{n}")).unwrap()
}

fn link(n: u8) -> LinkId {
    LinkId::new(&format!("l{n}")).unwrap()
}

fn refund(n: u8) -> RefundId {
    RefundId::new(&format!("r{n}")).unwrap()
}

fn card() -> SavedCard {
    SavedCard::new(
        CardToken::new("tok_1"),
        "4441 11** **** 1234",
        "OLENA KOVAL",
    )
}

/// Picks the `sel`-th item (cyclically), or `fallback` when there are none.
fn pick<T: Clone>(items: &[T], sel: usize, fallback: T) -> T {
    if items.is_empty() {
        fallback
    } else {
        items[sel % items.len()].clone()
    }
}

/// Turns an intent into a command and its proper actor, reading the project's state.
fn resolve(p: &Project, step: &Step) -> Option<(ProjectCommand, Actor)> {
    let acc = p.account();
    let owner_email = p.admin().owner().map(|o| o.email.clone());
    let charges: Vec<AttemptId> = acc.charges().keys().cloned().collect();
    let charge = |sel: usize| pick(&charges, sel, AttemptId::new("c-none").unwrap());
    Some(match step {
        Step::Wait { .. } => return None,
        Step::Admin(s) => {
            let (cmd, actor) = match s {
                AdminStep::RequestDeletion {
                    by_email,
                    from_owner,
                } => {
                    let sender: Email = if *from_owner {
                        owner_email.unwrap_or_else(|| "x@y.ua".parse().unwrap())
                    } else {
                        "stranger@evil.com".parse().unwrap()
                    };
                    let (channel, actor) = if *by_email {
                        (DeletionChannel::Email { sender }, Actor::System)
                    } else {
                        (DeletionChannel::Panel, Actor::Owner)
                    };
                    let questionnaire = Questionnaire {
                        reasons: vec![DeletionReason::TooExpensive],
                        comment: None,
                    };
                    (
                        AdminCommand::RequestDeletion {
                            channel,
                            questionnaire,
                        },
                        actor,
                    )
                }
                AdminStep::Withdraw => (AdminCommand::WithdrawDeletion, Actor::Owner),
                AdminStep::Confirm => (AdminCommand::ConfirmDeletion, manager()),
                AdminStep::ReceiveChange {
                    from_owner,
                    contact: c,
                    transfer,
                } => {
                    let sender = if *from_owner {
                        owner_email.unwrap_or_else(|| "x@y.ua".parse().unwrap())
                    } else {
                        "stranger@evil.com".parse().unwrap()
                    };
                    let kind = if *transfer {
                        ChangeKind::OwnershipTransfer
                    } else {
                        ChangeKind::ContactChange
                    };
                    (
                        AdminCommand::ReceiveChangeRequest {
                            sender,
                            kind,
                            new_contact: contact(*c),
                        },
                        support(),
                    )
                }
                AdminStep::ApplyChange { id } => (
                    AdminCommand::ApplyChangeRequest {
                        id: ChangeRequestId(*id),
                    },
                    support(),
                ),
                AdminStep::RejectChange { id } => (
                    AdminCommand::RejectChangeRequest {
                        id: ChangeRequestId(*id),
                        comment: "ні".into(),
                    },
                    support(),
                ),
                AdminStep::AddDomain { n } => (
                    AdminCommand::AddDomain {
                        domain: ["shop.ua", "кава.київ.ua", "магазин.укр"][usize::from(*n)]
                            .parse()
                            .unwrap(),
                    },
                    Actor::Owner,
                ),
            };
            (ProjectCommand::Admin(cmd), actor)
        }
        Step::Account(s) => {
            use AccountCommand as C;
            let (cmd, actor) = match s {
                AccountStep::Subscribe => (
                    C::Subscribe {
                        tariff: Tariff::new("start", "Старт", Limits::default())
                            .unwrap()
                            .with_price(BillingPeriod::Monthly, money("310")),
                        period: BillingPeriod::Monthly,
                    },
                    Actor::Owner,
                ),
                AccountStep::Tick => (C::DailyTick, Actor::System),
                AccountStep::RequestLink { inv, link: l } => (
                    C::RequestPaymentLink {
                        invoice: invoice(*inv),
                        link: link(*l),
                    },
                    Actor::Owner,
                ),
                AccountStep::CardPaid {
                    link: l,
                    pay: n,
                    amount,
                    save,
                } => {
                    // Pay what the link asks, or a random amount.
                    let asked = acc.links().get(&link(*l)).map(|x| x.amount);
                    (
                        C::CardPaymentSucceeded {
                            link: link(*l),
                            payment: pay(*n),
                            amount: asked.unwrap_or_else(|| money(AMOUNTS[*amount])),
                            card: save.then(card),
                        },
                        Actor::System,
                    )
                }
                AccountStep::BankTransfer {
                    pay: n,
                    amount,
                    inv,
                    by_support,
                } => (
                    C::RecordBankTransfer {
                        transaction: pay(*n),
                        amount: money(AMOUNTS[*amount]),
                        invoice: inv.map(invoice),
                    },
                    if *by_support {
                        support()
                    } else {
                        Actor::System
                    },
                ),
                AccountStep::StartBinding { b } => (
                    C::StartCardBinding {
                        attempt: AttemptId::new(BINDINGS[*b]).unwrap(),
                    },
                    Actor::Owner,
                ),
                AccountStep::BindingOk {
                    b,
                    pay: n,
                    amount,
                    exact,
                    refund: r,
                } => {
                    let attempt = AttemptId::new(BINDINGS[*b]).unwrap();
                    let asked = acc.binding(&attempt).map(|x| match &x.route {
                        billing_core::account::BindingRoute::PayInvoice { amount, .. } => *amount,
                        billing_core::account::BindingRoute::Verification { amount } => *amount,
                    });
                    let amount = match (exact, asked) {
                        (true, Some(a)) => a,
                        _ => money(AMOUNTS[*amount]),
                    };
                    (
                        C::CardBindingSucceeded {
                            attempt,
                            payment: pay(*n),
                            amount,
                            card: card(),
                            refund: refund(*r),
                        },
                        Actor::System,
                    )
                }
                AccountStep::BindingFailed { b } => (
                    C::CardBindingFailed {
                        attempt: AttemptId::new(BINDINGS[*b]).unwrap(),
                        reason: "declined".into(),
                    },
                    Actor::System,
                ),
                AccountStep::ChargeOk {
                    sel,
                    pay: n,
                    exact,
                    amount,
                } => {
                    let attempt = charge(*sel);
                    let asked = acc.charges().get(&attempt).map(|c| c.amount);
                    let amount = match (exact, asked) {
                        (true, Some(a)) => a,
                        _ => money(AMOUNTS[*amount]),
                    };
                    (
                        C::ChargeSucceeded {
                            attempt,
                            payment: pay(*n),
                            amount,
                        },
                        Actor::System,
                    )
                }
                AccountStep::ChargeFailed { sel } => (
                    C::ChargeFailed {
                        attempt: charge(*sel),
                        reason: "insufficient funds".into(),
                    },
                    Actor::System,
                ),
                AccountStep::Charge3ds { sel, link: l } => (
                    C::ChargeRequires3ds {
                        attempt: charge(*sel),
                        link: link(*l),
                    },
                    Actor::System,
                ),
                AccountStep::StopAutopay => (
                    C::StopAutopay {
                        reason: "chargeback".into(),
                    },
                    support(),
                ),
                AccountStep::ResumeAutopay => (C::ResumeAutopay, support()),
                AccountStep::Cancel { inv } => (
                    C::CancelInvoice {
                        invoice: invoice(*inv),
                        reason: "помилка".into(),
                    },
                    support(),
                ),
                AccountStep::ApplyCredit { credit, inv } => (
                    C::ApplyCredit {
                        credit: *credit,
                        invoice: invoice(*inv),
                    },
                    support(),
                ),
                AccountStep::RefundCredit { credit, refund: r } => (
                    C::RefundCredit {
                        credit: *credit,
                        refund: refund(*r),
                    },
                    support(),
                ),
                AccountStep::RecordRefund { sel, ok } => {
                    let refunds: Vec<RefundId> = acc
                        .credits()
                        .iter()
                        .filter_map(|c| c.refund.as_ref().map(|r| r.id.clone()))
                        .collect();
                    (
                        C::RecordRefund {
                            refund: pick(&refunds, *sel, refund(9)),
                            succeeded: *ok,
                        },
                        Actor::System,
                    )
                }
                AccountStep::Close => (C::CloseForDeletion, manager()),
            };
            (ProjectCommand::Account(cmd), actor)
        }
    })
}

/// Money received, and where it is: on live invoices, in credits, refunded.
fn check_money(p: &Project) -> Result<(), TestCaseError> {
    let acc = p.account();
    for pmt in acc.payments().values() {
        prop_assert_eq!(
            pmt.applied.checked_add(pmt.credited).unwrap(),
            pmt.amount,
            "payment {:?} split wrong",
            pmt.id
        );
    }
    let received = Money::sum(acc.payments().values().map(|p| p.amount)).unwrap();
    let on_invoices = Money::sum(
        acc.invoices()
            .iter()
            .filter(|i| i.status != InvoiceStatus::Cancelled)
            .map(|i| i.paid),
    )
    .unwrap();
    let in_credits = Money::sum(acc.credits().iter().map(|c| c.remaining)).unwrap();
    let refunded = Money::sum(
        acc.credits()
            .iter()
            .filter_map(|c| c.refund.as_ref().map(|r| r.amount)),
    )
    .unwrap();
    let held = Money::sum([on_invoices, in_credits, refunded]).unwrap();
    prop_assert_eq!(
        received,
        held,
        "money lost: received {}, on invoices {}, in credits {}, refunded {}",
        received,
        on_invoices,
        in_credits,
        refunded
    );
    Ok(())
}

fn is_money_under_way(e: &AccountEvent) -> bool {
    matches!(
        e,
        AccountEvent::PaymentReceived { .. }
            | AccountEvent::CreditRecorded { .. }
            | AccountEvent::ChargeSucceeded { .. }
            | AccountEvent::ChargeFailed { .. }
            | AccountEvent::ChargeNeeds3ds { .. }
            | AccountEvent::CardBindingSucceeded { .. }
            | AccountEvent::CardBindingFailed { .. }
            | AccountEvent::RefundRequested { .. }
            | AccountEvent::RefundCompleted { .. }
            | AccountEvent::RefundFailed { .. }
    )
}

/// Counts of what a deleted project must never gain.
fn new_business(p: &Project) -> (usize, usize, usize, usize) {
    let acc = p.account();
    let bindings = BINDINGS
        .iter()
        .filter(|b| acc.binding(&AttemptId::new(b).unwrap()).is_some())
        .count();
    (
        acc.invoices().len(),
        acc.links().len(),
        acc.charges().len(),
        bindings,
    )
}

#[derive(Default, Debug)]
struct Reached {
    deleted: bool,
    money_after_deletion: bool,
}

fn run_sequence(
    steps: Vec<(Step, Option<Actor>)>,
    reached: &mut Reached,
) -> Result<(), TestCaseError> {
    let code = ServiceCode::parse("00042").unwrap();
    let policy = BillingPolicy::default();
    let mut now: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap();
    let mut p = Project::new(code);
    let mut trail: Vec<Audited<ProjectEvent>> = p
        .handle(
            &ProjectCommand::Admin(AdminCommand::Register { owner: contact(0) }),
            &Actor::System,
            now,
            &policy,
        )
        .unwrap();
    let mut owner_email_at_receipt: HashMap<ChangeRequestId, Email> = HashMap::new();

    for (step, noise) in steps {
        if let Step::Wait { hours } = step {
            now += Duration::hours(hours);
            continue;
        }
        now += Duration::minutes(1);
        let (cmd, proper) = resolve(&p, &step).unwrap();
        let actor = noise.unwrap_or(proper);
        let before = p.clone();
        let decided = p.decide(&cmd, &actor, now, &policy);
        prop_assert_eq!(&decided, &p.decide(&cmd, &actor, now, &policy));
        match p.handle(&cmd, &actor, now, &policy) {
            Err(err) => {
                prop_assert_eq!(Err(err.clone()), decided);
                prop_assert_eq!(&p, &before, "refused {:?} changed the project", cmd);
                if before.is_deleted() && matches!(cmd, ProjectCommand::Admin(_)) {
                    prop_assert_eq!(err.code(), "project.deleted");
                }
            }
            Ok(records) => {
                for r in &records {
                    prop_assert_eq!(r.at, now);
                    prop_assert_eq!(&r.actor, &actor);
                }
                let events: Vec<ProjectEvent> = records.iter().map(|r| r.event.clone()).collect();
                prop_assert_eq!(Ok(events.clone()), decided);
                if !events.is_empty() {
                    prop_assert_ne!(&p, &before, "{:?} recorded events but changed nothing", cmd);
                }

                // The owner contact.
                for e in &events {
                    if let ProjectEvent::Admin(AdminEvent::ChangeRequestReceived {
                        id,
                        sender,
                        ..
                    }) = e
                    {
                        let owner = before.admin().owner().unwrap();
                        prop_assert!(sender.same_mailbox(&owner.email));
                        owner_email_at_receipt.insert(*id, owner.email.clone());
                    }
                }
                if p.admin().owner() != before.admin().owner() {
                    let applied: Vec<_> = events
                        .iter()
                        .filter_map(|e| match e {
                            ProjectEvent::Admin(AdminEvent::ChangeRequestApplied {
                                id,
                                owner,
                                ..
                            }) => Some((*id, owner.clone())),
                            _ => None,
                        })
                        .collect();
                    prop_assert_eq!(
                        applied.len(),
                        1,
                        "contact changed without an applied request"
                    );
                    let (id, new_owner) = &applied[0];
                    prop_assert!(
                        matches!(actor, Actor::Support { .. }),
                        "applied by {:?}",
                        actor
                    );
                    let req = before
                        .admin()
                        .change_requests()
                        .iter()
                        .find(|r| r.id == *id)
                        .unwrap();
                    prop_assert!(req.sender.same_mailbox(&owner_email_at_receipt[id]));
                    prop_assert_eq!(&req.new_contact, new_owner);
                }

                // After deletion: only money already under way.
                if before.is_deleted() {
                    prop_assert!(matches!(cmd, ProjectCommand::Account(_)), "{:?}", cmd);
                    prop_assert_eq!(new_business(&p), new_business(&before));
                    for e in &events {
                        let ProjectEvent::Account(e) = e else {
                            return Err(TestCaseError::fail(format!(
                                "admin event after deletion: {e:?}"
                            )));
                        };
                        prop_assert!(is_money_under_way(e), "after deletion: {:?}", e);
                        match e {
                            AccountEvent::PaymentReceived { payment } => {
                                prop_assert!(payment.applied.is_zero(), "{:?}", payment);
                                reached.money_after_deletion = true;
                            }
                            AccountEvent::CreditRecorded { credit } => prop_assert!(
                                matches!(
                                    credit.reason,
                                    CreditReason::AccountClosed | CreditReason::CardVerification
                                ),
                                "{:?}",
                                credit
                            ),
                            _ => {}
                        }
                    }
                }
                trail.extend(records);
            }
        }
        prop_assert_eq!(p.is_deleted(), p.account().is_closed());
        if p.is_deleted() {
            reached.deleted = true;
            prop_assert!(!p.account().autopay_is_on());
            prop_assert_eq!(p.account().open_invoices().count(), 0);
            prop_assert!(p.account().links().values().all(|l| !l.is_valid_at(now)));
            prop_assert!(p.admin().domains().is_empty());
        }
        check_money(&p)?;
    }

    let events: Vec<ProjectEvent> = trail.iter().map(|r| r.event.clone()).collect();
    prop_assert_eq!(&Project::replay(code, &events), &p);
    let json = serde_json::to_string(&trail).unwrap();
    let back: Vec<Audited<ProjectEvent>> = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &trail);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn project_rules_hold_over_random_command_sequences(
        steps in proptest::collection::vec((step(), random_actor()), 1..90)
    ) {
        run_sequence(steps, &mut Reached::default())?;
    }
}

/// The generator reaches what the properties are about: deleted projects, and money recorded after
/// deletion (otherwise the properties above would hold vacuously).
#[test]
fn random_sequences_reach_deletion_and_money_after_it() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Default::default()),
    );
    let strategy = proptest::collection::vec((step(), random_actor()), 40..90);
    let mut totals = (0, 0);
    for _ in 0..200 {
        let steps = strategy.new_tree(&mut runner).unwrap().current();
        let mut reached = Reached::default();
        run_sequence(steps, &mut reached).unwrap();
        totals.0 += usize::from(reached.deleted);
        totals.1 += usize::from(reached.money_after_deletion);
    }
    assert!(totals.0 >= 100, "deleted in {} of 200 sequences", totals.0);
    assert!(
        totals.1 >= 40,
        "money after deletion in {} of 200 sequences",
        totals.1
    );
}
