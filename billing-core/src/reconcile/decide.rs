//! The decision for each statement line: the first rule that applies wins.
//!
//! | rule | outcome | reason |
//! |---|---|---|
//! | pending at the bank (`PR_PR=p`, `PDNG`, hold) | `ignored` | `pending` (decided by a later import) |
//! | rejected by the bank (`PR_PR=n`) | `ignored` | `rejected` |
//! | 0. reversal (`RC`/`RD`, `PR_PR=t`, `RvslInd`) | `review` | `reversal`, linked to the credit it reverses when known |
//! | 0. outgoing (debit) | `ignored` | `outgoing` |
//! | 1. processed by an earlier import | `already_processed` | |
//! | 1. the same transaction id earlier in this batch | `review` | `duplicate_transaction` |
//! | 2. not in hryvnias | `review` | `currency_not_uah` |
//! | 3. no invoice number in the purpose | `review` | `no_invoice_reference` |
//! | 4. two or more different invoices | `review` | `multiple_invoices` |
//! | 5. no such invoice | `review` | `unknown_invoice` |
//! | 6. paid, cancelled, or credited by an earlier line | `review` | `invoice_not_open` |
//! | 7. the amount differs from what is still owed | `review` | `amount_mismatch` |
//! | 8. otherwise | `auto_credit` | |
//!
//! A reversal already processed by an earlier import is `already_processed` too, so importing a file
//! twice queues nothing twice. When in doubt the line goes to review: a false automatic credit is the
//! worst error this library can make.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::line::{BankLine, Currency, Direction, LineStatus};
use super::reference::{ReferenceFinder, References};
use crate::ids::InvoiceNumber;
use crate::invoice::InvoiceStatus;
use crate::money::Money;

/// What the decision needs to know about an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceFacts {
    /// Its status.
    pub status: InvoiceStatus,
    /// What is still owed on it.
    pub owed: Money,
    /// Its currency (invoices are in hryvnias).
    pub currency: Currency,
}

impl InvoiceFacts {
    /// An open UAH invoice with `owed` still to pay.
    pub fn open(owed: Money) -> InvoiceFacts {
        InvoiceFacts {
            status: InvoiceStatus::Open,
            owed,
            currency: Currency::UAH,
        }
    }
}

/// What the caller knows about a line processed by an earlier import, for linking a reversal to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EarlierCredit {
    /// The invoice it was credited to, if it was.
    pub invoice: Option<InvoiceNumber>,
}

/// The invoices and earlier imports the decision consults: a map in a dry run, the engine's state
/// for the bank job.
pub trait InvoiceLookup {
    /// The invoice with this number, if it exists.
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts>;

    /// Whether an earlier import already processed this line (by its transaction id, and for a
    /// reversal, as a reversal). Such a line changes nothing. No line is, by default.
    fn already_processed(&self, line: &BankLine<'_>) -> bool {
        let _ = line;
        false
    }

    /// An incoming line of an earlier import by its transaction id, for linking a reversal to it.
    fn earlier_credit(&self, transaction_id: &str) -> Option<EarlierCredit> {
        let _ = transaction_id;
        None
    }
}

impl<S: BuildHasher> InvoiceLookup for HashMap<InvoiceNumber, InvoiceFacts, S> {
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
        self.get(number).copied()
    }
}

impl<L: InvoiceLookup + ?Sized> InvoiceLookup for &L {
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
        (**self).invoice(number)
    }
    fn already_processed(&self, line: &BankLine<'_>) -> bool {
        (**self).already_processed(line)
    }
    fn earlier_credit(&self, transaction_id: &str) -> Option<EarlierCredit> {
        (**self).earlier_credit(transaction_id)
    }
}

/// The kind of decision, as printed (`auto_credit`, `review`, `ignored`, `already_processed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Credited automatically to the invoice named.
    AutoCredit,
    /// Sent to support with a reason.
    Review,
    /// Not for crediting (outgoing, pending, rejected).
    Ignored,
    /// Processed by an earlier import: changes nothing.
    AlreadyProcessed,
}

impl Outcome {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AutoCredit => "auto_credit",
            Outcome::Review => "review",
            Outcome::Ignored => "ignored",
            Outcome::AlreadyProcessed => "already_processed",
        }
    }
}

/// Why a line goes to support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// A reversal of an incoming transfer.
    Reversal,
    /// The same bank transaction id appeared earlier in the same batch.
    DuplicateTransaction,
    /// Not in hryvnias.
    CurrencyNotUah,
    /// No invoice number in the purpose.
    NoInvoiceReference,
    /// Two or more different invoice numbers in the purpose.
    MultipleInvoices,
    /// No such invoice.
    UnknownInvoice,
    /// Paid, cancelled, or already credited by an earlier line.
    InvoiceNotOpen,
    /// The amount differs from what is still owed.
    AmountMismatch,
}

impl ReviewReason {
    /// The stable code (`amount_mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::Reversal => "reversal",
            ReviewReason::DuplicateTransaction => "duplicate_transaction",
            ReviewReason::CurrencyNotUah => "currency_not_uah",
            ReviewReason::NoInvoiceReference => "no_invoice_reference",
            ReviewReason::MultipleInvoices => "multiple_invoices",
            ReviewReason::UnknownInvoice => "unknown_invoice",
            ReviewReason::InvoiceNotOpen => "invoice_not_open",
            ReviewReason::AmountMismatch => "amount_mismatch",
        }
    }

    /// Every reason, in rule order.
    pub const ALL: [ReviewReason; 8] = [
        ReviewReason::Reversal,
        ReviewReason::DuplicateTransaction,
        ReviewReason::CurrencyNotUah,
        ReviewReason::NoInvoiceReference,
        ReviewReason::MultipleInvoices,
        ReviewReason::UnknownInvoice,
        ReviewReason::InvoiceNotOpen,
        ReviewReason::AmountMismatch,
    ];
}

/// Why a line is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoreReason {
    /// Money out of our account.
    Outgoing,
    /// In progress at the bank: a later import decides it (not recorded as processed).
    Pending,
    /// Rejected by the bank.
    Rejected,
}

impl IgnoreReason {
    /// The stable code (`outgoing`).
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::Outgoing => "outgoing",
            IgnoreReason::Pending => "pending",
            IgnoreReason::Rejected => "rejected",
        }
    }
}

/// The credit a reversal reverses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReversalLink {
    /// The transaction id of the reversed line.
    pub id: String,
    /// Its index in this batch, when it is in this batch.
    pub line: Option<usize>,
    /// The invoice it was credited to, if it was.
    pub invoice: Option<InvoiceNumber>,
    /// Whether the bank named it (`true`), or it is the latest earlier incoming line of the same
    /// amount, currency and payer in this batch (`false`: a probable link for support to check).
    pub named_by_bank: bool,
}

/// What to do with one statement line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    /// Credit the whole amount to the invoice (which it pays in full).
    AutoCredit {
        /// The invoice named in the purpose.
        invoice: InvoiceNumber,
        /// The amount credited (the line's amount, equal to what was owed).
        amount: Money,
    },
    /// Support decides, for the reason given.
    Review {
        /// Why.
        reason: ReviewReason,
        /// The one invoice the purpose names, when it names exactly one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<InvoiceNumber>,
        /// For a reversal: the credit it reverses, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverses: Option<Box<ReversalLink>>,
    },
    /// Left alone.
    Ignored {
        /// Why.
        reason: IgnoreReason,
    },
    /// Processed by an earlier import: changes nothing.
    AlreadyProcessed,
}

impl Decision {
    fn review(reason: ReviewReason, reference: Option<InvoiceNumber>) -> Decision {
        Decision::Review {
            reason,
            reference,
            reverses: None,
        }
    }

    /// The kind of decision.
    pub fn outcome(&self) -> Outcome {
        match self {
            Decision::AutoCredit { .. } => Outcome::AutoCredit,
            Decision::Review { .. } => Outcome::Review,
            Decision::Ignored { .. } => Outcome::Ignored,
            Decision::AlreadyProcessed => Outcome::AlreadyProcessed,
        }
    }

    /// The reason code of a review or ignored line (`amount_mismatch`, `outgoing`).
    pub fn reason_code(&self) -> Option<&'static str> {
        match self {
            Decision::Review { reason, .. } => Some(reason.as_str()),
            Decision::Ignored { reason } => Some(reason.as_str()),
            _ => None,
        }
    }

    /// The review reason, for a review line.
    pub fn review_reason(&self) -> Option<ReviewReason> {
        match self {
            Decision::Review { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// The invoice credited, for an automatic credit.
    pub fn credited_invoice(&self) -> Option<InvoiceNumber> {
        match self {
            Decision::AutoCredit { invoice, .. } => Some(*invoice),
            _ => None,
        }
    }
}

/// FxHash (as in rustc): fast for short keys. The keys here are bank ids and invoice numbers from
/// one file, so flooding is not a concern.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (the table position) poorly mixed: rotate the well-mixed
        // high bits down, as rustc-hash 2 does.
        self.0.rotate_left(26)
    }
}

type Fx = BuildHasherDefault<FxHasher>;

/// How many earlier lines of the same amount a reversal without a named original looks back at.
const REVERSAL_LOOKBACK: usize = 64;

/// The batch state: ids seen, invoices credited by earlier lines, and an index for linking
/// reversals.
struct Batch<'a> {
    ids: HashMap<(&'a str, bool), u32, Fx>,
    credited: HashSet<InvoiceNumber, Fx>,
    by_amount: Option<HashMap<(i64, Currency), Vec<u32>, Fx>>,
    linked: HashSet<u32, Fx>,
}

fn is_plain_incoming(line: &BankLine<'_>) -> bool {
    line.status == LineStatus::Booked && !line.reversal && line.direction == Direction::Credit
}

/// Decides every line of one batch (one imported file), in order, against `lookup`.
///
/// Pure: the same lines and lookup give the same decisions. Lines credited here make their
/// invoices not open for the later lines of the batch.
pub fn decide_batch<L: InvoiceLookup + ?Sized>(
    lines: &[BankLine<'_>],
    lookup: &L,
    finder: &ReferenceFinder,
) -> Vec<Decision> {
    decide_batch_with(lines, lookup, |_, line| finder.classify(&line.purpose))
}

/// [`decide_batch`] with the references of each line given by `references(index, line)` (for
/// callers that found them beforehand, e.g. on several threads). It must give what
/// [`ReferenceFinder::classify`] gives for the line's purpose.
pub fn decide_batch_with<'a, L, F>(
    lines: &'a [BankLine<'a>],
    lookup: &L,
    mut references: F,
) -> Vec<Decision>
where
    L: InvoiceLookup + ?Sized,
    F: FnMut(usize, &BankLine<'_>) -> References,
{
    let mut batch = Batch {
        ids: HashMap::with_capacity_and_hasher(lines.len(), Fx::default()),
        credited: HashSet::default(),
        by_amount: None,
        linked: HashSet::default(),
    };
    let mut out: Vec<Decision> = Vec::with_capacity(lines.len());
    // Lines go in blocks: first the references and the invoice facts of the whole block (pure and
    // independent per line, so the processor overlaps the memory accesses of the lookups), then
    // the rules in order, line by line.
    let mut refs = [References::None; BLOCK];
    let mut facts: [Option<InvoiceFacts>; BLOCK] = [None; BLOCK];
    for (b, block) in lines.chunks(BLOCK).enumerate() {
        let base = b * BLOCK;
        for (k, line) in block.iter().enumerate() {
            refs[k] = if needs_references(line) {
                references(base + k, line)
            } else {
                References::None
            };
        }
        for k in 0..block.len() {
            facts[k] = match refs[k] {
                References::One(n) if is_plain_incoming(&block[k]) => lookup.invoice(&n),
                _ => None,
            };
        }
        for (k, line) in block.iter().enumerate() {
            let i = base + k;
            let d = decide_one(i, line, lines, &out, lookup, &mut batch, refs[k], facts[k]);
            if let Some(index) = batch.by_amount.as_mut() {
                if is_plain_incoming(line) {
                    index
                        .entry((line.amount.kopiyky(), line.currency))
                        .or_default()
                        .push(i as u32);
                }
            }
            out.push(d);
        }
    }
    out
}

/// Lines decided per block.
const BLOCK: usize = 32;

/// Whether the decision reads the line's references (booked lines coming in, and reversals).
fn needs_references(line: &BankLine<'_>) -> bool {
    line.status == LineStatus::Booked && (line.reversal || line.direction == Direction::Credit)
}

#[allow(clippy::too_many_arguments)]
fn decide_one<'a, L>(
    i: usize,
    line: &'a BankLine<'a>,
    lines: &'a [BankLine<'a>],
    earlier: &[Decision],
    lookup: &L,
    batch: &mut Batch<'a>,
    refs: References,
    facts: Option<InvoiceFacts>,
) -> Decision
where
    L: InvoiceLookup + ?Sized,
{
    match line.status {
        LineStatus::Pending => {
            return Decision::Ignored {
                reason: IgnoreReason::Pending,
            }
        }
        LineStatus::Rejected => {
            return Decision::Ignored {
                reason: IgnoreReason::Rejected,
            }
        }
        LineStatus::Booked => {}
    }
    // Rule 0: reversals are never dropped; outgoing lines are ignored.
    if line.reversal {
        if lookup.already_processed(line) {
            return Decision::AlreadyProcessed;
        }
        batch.ids.entry((&line.id, true)).or_insert(i as u32);
        let link = link_reversal(i, line, lines, earlier, lookup, batch);
        return Decision::Review {
            reason: ReviewReason::Reversal,
            reference: refs.one(),
            reverses: link.map(Box::new),
        };
    }
    if line.direction == Direction::Debit {
        return Decision::Ignored {
            reason: IgnoreReason::Outgoing,
        };
    }
    // Rule 1.
    if lookup.already_processed(line) {
        return Decision::AlreadyProcessed;
    }
    let reference = refs.one();
    if batch.ids.insert((&line.id, false), i as u32).is_some() {
        return Decision::review(ReviewReason::DuplicateTransaction, reference);
    }
    // Rule 2.
    if !line.currency.is_uah() {
        return Decision::review(ReviewReason::CurrencyNotUah, reference);
    }
    // Rules 3 and 4.
    let number = match refs {
        References::None => return Decision::review(ReviewReason::NoInvoiceReference, None),
        References::Many(..) => return Decision::review(ReviewReason::MultipleInvoices, None),
        References::One(n) => n,
    };
    // Rule 5.
    let Some(facts) = facts else {
        return Decision::review(ReviewReason::UnknownInvoice, Some(number));
    };
    // Rule 6.
    if facts.status != InvoiceStatus::Open
        || facts.owed.is_zero()
        || batch.credited.contains(&number)
    {
        return Decision::review(ReviewReason::InvoiceNotOpen, Some(number));
    }
    // Rule 7 (an invoice in another currency cannot be compared: review).
    if line.amount != facts.owed || !facts.currency.is_uah() {
        return Decision::review(ReviewReason::AmountMismatch, Some(number));
    }
    // Rule 8.
    batch.credited.insert(number);
    Decision::AutoCredit {
        invoice: number,
        amount: line.amount,
    }
}

fn link_reversal<'a, L: InvoiceLookup + ?Sized>(
    i: usize,
    line: &'a BankLine<'a>,
    lines: &'a [BankLine<'a>],
    earlier: &[Decision],
    lookup: &L,
    batch: &mut Batch<'a>,
) -> Option<ReversalLink> {
    if let Some(original) = line.reverses.as_deref() {
        if let Some(&j) = batch.ids.get(&(original, false)) {
            let j = j as usize;
            batch.linked.insert(j as u32);
            return Some(ReversalLink {
                id: original.to_string(),
                line: Some(j),
                invoice: earlier.get(j).and_then(Decision::credited_invoice),
                named_by_bank: true,
            });
        }
        return lookup.earlier_credit(original).map(|c| ReversalLink {
            id: original.to_string(),
            line: None,
            invoice: c.invoice,
            named_by_bank: true,
        });
    }
    // No original named: the latest earlier incoming line of this batch with the same amount,
    // currency and payer (where both name one) that no other reversal took.
    let index = batch.by_amount.get_or_insert_with(|| {
        let mut m: HashMap<(i64, Currency), Vec<u32>, Fx> = HashMap::default();
        for (j, l) in lines[..i].iter().enumerate() {
            if is_plain_incoming(l) {
                m.entry((l.amount.kopiyky(), l.currency))
                    .or_default()
                    .push(j as u32);
            }
        }
        m
    });
    let same =
        |a: &Option<std::borrow::Cow<'_, str>>, b: &Option<std::borrow::Cow<'_, str>>| match (a, b)
        {
            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
            _ => true,
        };
    let candidates = index.get(&(line.amount.kopiyky(), line.currency))?;
    let j = candidates
        .iter()
        .rev()
        .take(REVERSAL_LOOKBACK)
        .copied()
        .find(|&j| {
            let l = &lines[j as usize];
            !batch.linked.contains(&j)
                && same(&l.payer_iban, &line.payer_iban)
                && same(&l.payer_tax_id, &line.payer_tax_id)
        })?;
    batch.linked.insert(j);
    let j = j as usize;
    Some(ReversalLink {
        id: lines[j].id.to_string(),
        line: Some(j),
        invoice: earlier.get(j).and_then(Decision::credited_invoice),
        named_by_bank: false,
    })
}
