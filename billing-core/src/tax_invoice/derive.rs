//! The derivation: facts in, ПН and РК drafts out (see the module's documentation).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{
    CorrectionNeeded, Derivation, DraftKind, FactKind, ReturnReason, Supply, TaxDraft, TaxFact,
    TaxInvoiceError, Trigger,
};
use crate::ids::InvoiceNumber;
use crate::invoice::VatRate;
use crate::money::{Money, MoneyError};

/// The VAT included in an amount at 20%: `round(amount × 20 / 120)`, half away from zero.
pub fn vat_of(amount: Money) -> Result<Money, MoneyError> {
    Ok(VatRate::Standard20
        .included_in(amount)?
        .unwrap_or(Money::ZERO))
}

#[derive(Default)]
struct SupplyState {
    paid: Money,
    returned: Money,
    supplied: Money,
    cancelled_on: Option<NaiveDate>,
    /// The ПН of the supply, oldest first: key and the amount still carried.
    stack: Vec<(String, Money)>,
}

impl SupplyState {
    fn taxed(&self) -> Result<Money, MoneyError> {
        Money::sum(self.stack.iter().map(|(_, m)| *m))
    }

    fn target(&self) -> Money {
        self.paid.saturating_sub(self.returned).max(self.supplied)
    }
}

/// Derives every ПН and РК that `facts` (in stream order) call for, and the cancelled supplies that
/// still need support. Deterministic; more facts at the end only add drafts at the end.
pub fn derive(
    facts: &[TaxFact],
    supplies: &BTreeMap<InvoiceNumber, Supply>,
) -> Result<Derivation, TaxInvoiceError> {
    let mut states: BTreeMap<InvoiceNumber, SupplyState> = BTreeMap::new();
    let mut keys = BTreeSet::new();
    let mut drafts = Vec::new();
    for fact in facts {
        if !keys.insert(fact.key.as_str()) {
            return Err(TaxInvoiceError::DuplicateFact {
                key: fact.key.clone(),
            });
        }
        let supply = supplies
            .get(&fact.supply)
            .ok_or_else(|| TaxInvoiceError::UnknownSupply {
                key: fact.key.clone(),
                supply: fact.supply,
            })?;
        let st = states.entry(fact.supply).or_default();
        let trigger = match fact.kind {
            FactKind::Paid { amount } => {
                st.paid = st.paid.checked_add(amount)?;
                Trigger::Payment
            }
            FactKind::Supplied { amount } => {
                st.supplied = st.supplied.checked_add(amount)?;
                Trigger::Act
            }
            FactKind::Returned { amount, reason } => {
                let returned = st.returned.checked_add(amount)?;
                if returned > st.paid {
                    return Err(TaxInvoiceError::MoreThanKept {
                        key: fact.key.clone(),
                        supply: fact.supply,
                        amount,
                    });
                }
                st.returned = returned;
                match reason {
                    ReturnReason::Refund => Trigger::Refund,
                    ReturnReason::MovedTo(_) => Trigger::Moved,
                }
            }
            FactKind::Cancelled => {
                st.cancelled_on.get_or_insert(fact.on);
                continue;
            }
        };
        if supply.vat_rate != VatRate::Standard20 {
            continue;
        }
        let target = st.target();
        let mut taxed = st.taxed()?;
        if target > taxed {
            let amount = target.checked_sub(taxed)?;
            let key = format!("pn:{}", fact.key);
            drafts.push(TaxDraft {
                key: key.clone(),
                kind: DraftKind::TaxInvoice,
                supply: fact.supply,
                description: supply.description.clone(),
                date: fact.on,
                amount,
                vat: vat_of(target)?.checked_sub(vat_of(taxed)?)?,
                trigger,
            });
            st.stack.push((key, amount));
        } else if target < taxed {
            let mut reduce = taxed.checked_sub(target)?;
            for (pn, carried) in st.stack.iter_mut().rev() {
                if reduce.is_zero() {
                    break;
                }
                if carried.is_zero() {
                    continue;
                }
                let m = reduce.min(*carried);
                let after = taxed.checked_sub(m)?;
                drafts.push(TaxDraft {
                    key: format!("rk:{}:{pn}", fact.key),
                    kind: DraftKind::Correction {
                        corrects: pn.clone(),
                    },
                    supply: fact.supply,
                    description: supply.description.clone(),
                    date: fact.on,
                    amount: m,
                    vat: vat_of(taxed)?.checked_sub(vat_of(after)?)?,
                    trigger,
                });
                *carried = carried.checked_sub(m)?;
                reduce = reduce.checked_sub(m)?;
                taxed = after;
            }
        }
    }
    let mut attention = Vec::new();
    for (supply, st) in &states {
        let Some(cancelled_on) = st.cancelled_on else {
            continue;
        };
        let taxed = st.taxed()?;
        if taxed > st.supplied {
            attention.push(CorrectionNeeded {
                supply: *supply,
                amount: taxed.checked_sub(st.supplied)?,
                tax_invoices: st
                    .stack
                    .iter()
                    .filter(|(_, m)| !m.is_zero())
                    .map(|(k, _)| k.clone())
                    .collect(),
                cancelled_on,
            });
        }
    }
    Ok(Derivation { drafts, attention })
}
