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

    /// The invoices with these numbers, `out[k]` for `numbers[k]` (`None` where there is no
    /// number). The decision asks for a block of lines at once, so that a lookup whose invoices
    /// lie far apart in memory can overlap its memory accesses; by default, [`invoice`] for each.
    ///
    /// [`invoice`]: InvoiceLookup::invoice
    fn invoices(&self, numbers: &[Option<InvoiceNumber>], out: &mut [Option<InvoiceFacts>]) {
        for (n, o) in numbers.iter().zip(out.iter_mut()) {
            *o = n.as_ref().and_then(|n| self.invoice(n));
        }
    }

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
    fn invoices(&self, numbers: &[Option<InvoiceNumber>], out: &mut [Option<InvoiceFacts>]) {
        (**self).invoices(numbers, out)
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

/// The hash of a transaction id for the batch's [`IndexTable`]: FxHash over the bytes, then a final mix so the
/// low bits (the table position) and the high bits (the tag) are both well spread.
#[inline]
fn id_hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    h.write_usize(id.len());
    let mut x = h.0;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// The hash of an invoice number for the batch's table of credited invoices.
#[inline]
fn invoice_hash(n: &InvoiceNumber) -> u64 {
    let mut prefix = [0u8; 8];
    let p = n.prefix();
    let p = p.as_str().as_bytes();
    prefix[..p.len()].copy_from_slice(p);
    let mut h = FxHasher::default();
    h.add(u64::from_le_bytes(prefix));
    h.add((u64::from(n.service_code().value()) << 32) | u64::from(n.sequence()));
    let mut x = h.0;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// A set of batch lines found by a hash of some key of theirs (the transaction id, the invoice
/// credited): an open-addressing table of 8-byte slots (a 24-bit tag from the hash, and the line
/// index + 1; 0 is an empty slot), at most half full. The caller confirms a tag match by
/// comparing the keys themselves (`same(j)` for line `j`), so the table is exact. The slot where
/// a search starts is known from the hash alone, so a block of lines can touch its slots before
/// deciding, and their cache misses overlap.
struct IndexTable {
    slots: Vec<u64>,
    mask: usize,
    len: usize,
}

const INDEX_BITS: u32 = 40;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

impl IndexTable {
    fn with_room_for(n: usize) -> IndexTable {
        let cap = n.saturating_mul(2).next_power_of_two().max(16);
        IndexTable {
            slots: vec![0; cap],
            mask: cap - 1,
            len: 0,
        }
    }

    #[inline]
    fn tag(hash: u64) -> u64 {
        (hash >> INDEX_BITS) << INDEX_BITS
    }

    /// The slot where the search for `hash` starts (for touching it ahead of time).
    #[inline]
    fn first_slot(&self, hash: u64) -> u64 {
        self.slots[hash as usize & self.mask]
    }

    /// The slot holding the line whose key is the one searched (`same`), or the empty slot where
    /// it would go.
    #[inline]
    fn find(&self, hash: u64, same: impl Fn(usize) -> bool) -> (usize, Option<usize>) {
        let tag = IndexTable::tag(hash);
        let mut at = hash as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return (at, None);
            }
            if slot & !INDEX_MASK == tag {
                let j = (slot & INDEX_MASK) as usize - 1;
                if same(j) {
                    return (at, Some(j));
                }
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The line with the key, if any.
    #[inline]
    fn get(&self, hash: u64, same: impl Fn(usize) -> bool) -> Option<usize> {
        self.find(hash, same).1
    }

    /// Makes line `i` the one with the key; the line that was, if any. `rehash(j)` gives the hash
    /// of line `j`'s key, for growing the table.
    fn insert(
        &mut self,
        hash: u64,
        i: usize,
        same: impl Fn(usize) -> bool,
        rehash: impl Fn(usize) -> u64,
    ) -> Option<usize> {
        let entry = IndexTable::tag(hash) | (i as u64 + 1);
        let (at, previous) = self.find(hash, same);
        self.slots[at] = entry;
        if previous.is_none() {
            self.len += 1;
            if self.len * 2 > self.slots.len() {
                self.grow(rehash);
            }
        }
        previous
    }

    fn grow(&mut self, rehash: impl Fn(usize) -> u64) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![0; old.len() * 2];
        self.mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let j = (slot & INDEX_MASK) as usize - 1;
            let mut at = rehash(j) as usize & self.mask;
            while self.slots[at] != 0 {
                at = (at + 1) & self.mask;
            }
            self.slots[at] = slot;
        }
    }
}

/// The batch state: ids seen, invoices credited by earlier lines, and an index for linking
/// reversals.
struct Batch {
    /// The ids of the incoming lines that reached rule 1, each with the latest such line.
    ids: IndexTable,
    /// The invoices credited by earlier lines, each with the line that credited it.
    credited: IndexTable,
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
        ids: IndexTable::with_room_for(lines.len()),
        credited: IndexTable::with_room_for(lines.len()),
        by_amount: None,
        linked: HashSet::default(),
    };
    let mut out: Vec<Decision> = Vec::with_capacity(lines.len());
    // Lines go in blocks: first the references and the invoice facts of the whole block (pure and
    // independent per line, so the processor overlaps the memory accesses of the lookups), then
    // the rules in order, line by line.
    let mut refs = [References::None; BLOCK];
    let mut facts: [Option<InvoiceFacts>; BLOCK] = [None; BLOCK];
    let mut hashes = [0u64; BLOCK];
    let mut invoice_hashes = [0u64; BLOCK];
    let mut numbers: [Option<InvoiceNumber>; BLOCK] = [None; BLOCK];
    for (b, block) in lines.chunks(BLOCK).enumerate() {
        let base = b * BLOCK;
        for (k, line) in block.iter().enumerate() {
            refs[k] = if needs_references(line) {
                references(base + k, line)
            } else {
                References::None
            };
        }
        // The loads of the block are independent: issued together, their cache misses overlap.
        // Their values are not used here (the rules below look again), only brought in; the
        // loops that only load are short, so that many of their iterations are in flight at once.
        for (k, line) in block.iter().enumerate() {
            hashes[k] = if is_plain_incoming(line) {
                id_hash(&line.id)
            } else {
                0
            };
        }
        let mut touched = 0u64;
        for &h in &hashes[..block.len()] {
            touched ^= batch.ids.first_slot(h);
        }
        for (k, line) in block.iter().enumerate() {
            numbers[k] = match refs[k] {
                References::One(n) if is_plain_incoming(line) => Some(n),
                _ => None,
            };
        }
        lookup.invoices(&numbers[..block.len()], &mut facts[..block.len()]);
        for k in 0..block.len() {
            invoice_hashes[k] = match (refs[k], facts[k]) {
                (References::One(n), Some(_)) => invoice_hash(&n),
                _ => 0,
            };
        }
        for &h in &invoice_hashes[..block.len()] {
            touched ^= batch.credited.first_slot(h);
        }
        std::hint::black_box(touched);
        for (k, line) in block.iter().enumerate() {
            let i = base + k;
            let d = decide_one(
                i,
                line,
                lines,
                &out,
                lookup,
                &mut batch,
                refs[k],
                facts[k],
                (hashes[k], invoice_hashes[k]),
            );
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
const BLOCK: usize = 64;

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
    batch: &mut Batch,
    refs: References,
    facts: Option<InvoiceFacts>,
    (hash, number_hash): (u64, u64),
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
    debug_assert_eq!(
        hash,
        id_hash(&line.id),
        "the block pass hashes every plain incoming line"
    );
    let same_id = |j: usize| lines.get(j).is_some_and(|l| l.id == line.id);
    if batch
        .ids
        .insert(hash, i, same_id, |j| id_hash(&lines[j].id))
        .is_some()
    {
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
    debug_assert_eq!(number_hash, invoice_hash(&number));
    let credited_by = |j: usize| earlier.get(j).and_then(Decision::credited_invoice);
    if facts.status != InvoiceStatus::Open
        || facts.owed.is_zero()
        || batch
            .credited
            .get(number_hash, |j| credited_by(j) == Some(number))
            .is_some()
    {
        return Decision::review(ReviewReason::InvoiceNotOpen, Some(number));
    }
    // Rule 7 (an invoice in another currency cannot be compared: review).
    if line.amount != facts.owed || !facts.currency.is_uah() {
        return Decision::review(ReviewReason::AmountMismatch, Some(number));
    }
    // Rule 8.
    // Not there (checked above): `i` goes in a free slot.
    batch.credited.insert(
        number_hash,
        i,
        |_| false,
        |j| credited_by(j).map_or(number_hash, |n| invoice_hash(&n)),
    );
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
    batch: &mut Batch,
) -> Option<ReversalLink> {
    if let Some(original) = line.reverses.as_deref() {
        let same = |j: usize| lines.get(j).is_some_and(|l| l.id == original);
        if let Some(j) = batch.ids.get(id_hash(original), same) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The table against a plain map, with keys whose hashes collide on purpose (same tag, same
    /// start slot), so probing, tag matches of different keys and growth are all exercised.
    #[test]
    fn index_table_is_exact_under_collisions() {
        let keys: Vec<u32> = (0..3000).map(|i| (i * 7919) % 1000).collect();
        for hash_of in [
            (|_k: u32| 0x1234_5678_9abc_def0_u64) as fn(u32) -> u64,
            |k: u32| u64::from(k % 3) << 50,
            |k: u32| id_hash(&k.to_string()),
        ] {
            let mut table = IndexTable::with_room_for(4);
            let mut latest: HashMap<u32, usize> = HashMap::new();
            for (i, &k) in keys.iter().enumerate() {
                let same = |j: usize| keys[j] == k;
                assert_eq!(table.get(hash_of(k), same), latest.get(&k).copied());
                let previous = table.insert(hash_of(k), i, same, |j| hash_of(keys[j]));
                assert_eq!(previous, latest.insert(k, i));
            }
            for k in 0..1100u32 {
                assert_eq!(
                    table.get(hash_of(k), |j| keys[j] == k),
                    latest.get(&k).copied()
                );
            }
        }
    }

    #[test]
    fn invoice_hashes_differ_by_every_part() {
        let h = |s: &str| invoice_hash(&s.parse().unwrap());
        let all = [
            h("HOR-11111-007"),
            h("HOR-11111-008"),
            h("HOR-11112-007"),
            h("HOP-11111-007"),
            h("HORA-11111-007"),
            h("HOR-11111-1000"),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
