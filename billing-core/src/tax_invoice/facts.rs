//! Reading tax facts from a project's event stream.

use std::collections::BTreeMap;

use super::{FactKind, ReturnReason, Supply, TaxFact};
use crate::account::AccountEvent;
use crate::actor::Audited;
use crate::calendar::kyiv_date;
use crate::ids::InvoiceNumber;
use crate::invoice::{Invoice, InvoiceKind};
use crate::money::Money;
use crate::paperwork::PaperworkEvent;
use crate::payment::RefundId;
use crate::project::ProjectEvent;

/// Where a credit's money came from.
#[derive(Clone, Copy)]
enum Origin {
    /// Never applied to a supply (overpayment, unallocated, verification): not taxed.
    Untaxed,
    /// Paid on a supply that was then cancelled: taxed under that supply.
    Supply(InvoiceNumber),
}

fn description(inv: &Invoice) -> String {
    let what = match inv.kind {
        InvoiceKind::Period { .. } => "Доступ до платформи",
        InvoiceKind::TariffChange { .. } => "Доплата за зміну тарифу",
    };
    let detail = inv
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut text = if detail.is_empty() {
        format!("{what} (рахунок № {})", inv.number)
    } else {
        format!("{what}: {detail} (рахунок № {})", inv.number)
    };
    if text.chars().count() > 480 {
        text = text.chars().take(480).collect();
    }
    text
}

/// The supplies (every invoice issued) and the tax facts of a project's stream, in stream order.
///
/// - money applied to an invoice (`PaymentReceived` with a non-zero applied part): `Paid`, dated on
///   the Kyiv date it was received;
/// - a credit applied to an invoice: `Paid` on the day it is applied; when the credit is money kept
///   from a cancelled invoice, also `Returned` (moved) on that invoice;
/// - an act line: `Supplied`, dated on the act's date;
/// - a completed refund of money kept from a cancelled invoice: `Returned` (refund) on it;
/// - a cancellation: `Cancelled`.
pub fn facts_from_events(
    events: &[Audited<ProjectEvent>],
) -> (BTreeMap<InvoiceNumber, Supply>, Vec<TaxFact>) {
    let mut supplies = BTreeMap::new();
    let mut facts = Vec::new();
    let mut credits: BTreeMap<u32, Origin> = BTreeMap::new();
    let mut refunds: BTreeMap<RefundId, Money> = BTreeMap::new();
    let mut just_cancelled: Option<InvoiceNumber> = None;
    for record in events {
        let on = kyiv_date(record.at);
        let cancelled = just_cancelled.take();
        match &record.event {
            ProjectEvent::Account(e) => match e {
                AccountEvent::InvoiceIssued { invoice } => {
                    supplies.insert(
                        invoice.number,
                        Supply {
                            invoice: invoice.number,
                            description: description(invoice),
                            total: invoice.total,
                            vat_rate: invoice.vat_rate,
                        },
                    );
                }
                AccountEvent::PaymentReceived { payment } => {
                    if let (Some(n), false) = (payment.invoice, payment.applied.is_zero()) {
                        facts.push(TaxFact {
                            key: format!("pay:{}", payment.id),
                            supply: n,
                            on: kyiv_date(payment.received_at),
                            kind: FactKind::Paid {
                                amount: payment.applied,
                            },
                        });
                    }
                }
                AccountEvent::InvoiceCancelled { invoice, .. } => {
                    facts.push(TaxFact {
                        key: format!("cancel:{invoice}"),
                        supply: *invoice,
                        on,
                        kind: FactKind::Cancelled,
                    });
                    just_cancelled = Some(*invoice);
                }
                AccountEvent::CreditRecorded { credit } => {
                    // A credit without a payment right after a cancellation is the money paid on
                    // the cancelled invoice.
                    let origin = match (credit.payment.is_none(), cancelled) {
                        (true, Some(n)) => Origin::Supply(n),
                        _ => Origin::Untaxed,
                    };
                    credits.insert(credit.id, origin);
                }
                AccountEvent::CreditApplied {
                    credit,
                    invoice,
                    amount,
                } => {
                    if amount.is_zero() {
                        continue;
                    }
                    let origin = credits.get(credit).copied().unwrap_or(Origin::Untaxed);
                    match origin {
                        Origin::Untaxed => facts.push(TaxFact {
                            key: format!("credit:{credit}:{invoice}"),
                            supply: *invoice,
                            on,
                            kind: FactKind::Paid { amount: *amount },
                        }),
                        Origin::Supply(from) => {
                            facts.push(TaxFact {
                                key: format!("move:{credit}:{invoice}:out"),
                                supply: from,
                                on,
                                kind: FactKind::Returned {
                                    amount: *amount,
                                    reason: ReturnReason::MovedTo(*invoice),
                                },
                            });
                            facts.push(TaxFact {
                                key: format!("move:{credit}:{invoice}:in"),
                                supply: *invoice,
                                on,
                                kind: FactKind::Paid { amount: *amount },
                            });
                        }
                    }
                }
                AccountEvent::RefundRequested { refund, amount, .. } => {
                    refunds.insert(refund.clone(), *amount);
                }
                AccountEvent::RefundCompleted { credit, refund } => {
                    if let (Some(Origin::Supply(from)), Some(amount)) =
                        (credits.get(credit).copied(), refunds.get(refund).copied())
                    {
                        if !amount.is_zero() {
                            facts.push(TaxFact {
                                key: format!("refund:{refund}"),
                                supply: from,
                                on,
                                kind: FactKind::Returned {
                                    amount,
                                    reason: ReturnReason::Refund,
                                },
                            });
                        }
                    }
                }
                _ => {}
            },
            ProjectEvent::Paperwork(PaperworkEvent::ActPrepared { act }) => {
                let mut per_invoice: BTreeMap<InvoiceNumber, Money> = BTreeMap::new();
                for line in &act.lines {
                    let sum = per_invoice.entry(line.invoice).or_insert(Money::ZERO);
                    *sum = sum.checked_add(line.total).unwrap_or(Money::MAX);
                }
                for (invoice, amount) in per_invoice {
                    facts.push(TaxFact {
                        key: format!("act:{}:{invoice}", act.number),
                        supply: invoice,
                        on: act.date,
                        kind: FactKind::Supplied { amount },
                    });
                }
            }
            _ => {}
        }
    }
    (supplies, facts)
}
