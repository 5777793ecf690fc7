//! The tax documents issued for a project: numbered records in its stream, and their registration.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DraftKind, TaxDraft, TaxInvoiceError, Trigger};
use crate::ids::InvoiceNumber;
use crate::money::Money;
use crate::paperwork::{Requisites, RequisitesTax};
use crate::requisites::TaxId;

/// The conventional buyer ІПН of a supply to a non-payer of VAT (reason type 02).
pub const NON_PAYER_IPN: &str = "100000000000";

/// The buyer as a tax document names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaxBuyer {
    /// A VAT payer: its name, 12-digit ІПН and ЄДРПОУ/РНОКПП go into the document.
    VatPayer {
        /// The name.
        name: String,
        /// The 12-digit VAT payer number.
        ipn: String,
        /// ЄДРПОУ or РНОКПП.
        tax_id: TaxId,
    },
    /// Not a VAT payer (or unknown): the document is "not issued to the buyer" (`HORIG1=1`,
    /// `HTYPR=02`, `Неплатник`, `100000000000`). The real name and code are kept for our records
    /// only; they do not go into the XML.
    NonPayer {
        /// The name, when known.
        name: Option<String>,
        /// The code, when known.
        tax_id: Option<TaxId>,
    },
}

impl TaxBuyer {
    /// The buyer from a project's requisites: a VAT payer when they carry a VAT number, a non-payer
    /// otherwise (and when there are none). A VAT number must be 12 digits; for a company it must
    /// start with the ЄДРПОУ's first 7 digits.
    pub fn from_requisites(requisites: Option<&Requisites>) -> Result<TaxBuyer, TaxInvoiceError> {
        let Some(r) = requisites else {
            return Ok(TaxBuyer::NonPayer {
                name: None,
                tax_id: None,
            });
        };
        match &r.tax {
            RequisitesTax::VatPayer { number } => {
                TaxBuyer::vat_payer(r.name.clone(), number, r.tax_id)
            }
            _ => Ok(TaxBuyer::NonPayer {
                name: Some(r.name.clone()),
                tax_id: Some(r.tax_id),
            }),
        }
    }

    /// A VAT payer, its number checked (format only: no checksum of the ІПН is known).
    pub fn vat_payer(name: String, ipn: &str, tax_id: TaxId) -> Result<TaxBuyer, TaxInvoiceError> {
        let ipn = ipn.trim();
        let digits = ipn.len() == 12 && ipn.bytes().all(|b| b.is_ascii_digit());
        let prefix_ok = match tax_id {
            TaxId::Company(e) => ipn.get(..7) == e.as_str().get(..7),
            TaxId::SoleProprietor(_) => true,
        };
        if !digits || !prefix_ok || ipn == NON_PAYER_IPN {
            return Err(TaxInvoiceError::BuyerVatNumber {
                input: ipn.to_string(),
                tax_id: tax_id.to_string(),
            });
        }
        Ok(TaxBuyer::VatPayer {
            name,
            ipn: ipn.to_string(),
            tax_id,
        })
    }

    /// Whether the buyer pays VAT.
    pub fn is_vat_payer(&self) -> bool {
        matches!(self, TaxBuyer::VatPayer { .. })
    }

    /// The ІПН the document carries (`HKBUY`).
    pub fn ipn(&self) -> &str {
        match self {
            TaxBuyer::VatPayer { ipn, .. } => ipn,
            TaxBuyer::NonPayer { .. } => NON_PAYER_IPN,
        }
    }
}

/// ПН or РК, as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaxDocKind {
    /// A tax invoice (ПН).
    TaxInvoice,
    /// A correction (РК) reducing the ПН with number `corrects`.
    Correction {
        /// The number of the ПН.
        corrects: u64,
        /// The date of that ПН.
        corrects_date: NaiveDate,
    },
}

/// An issued tax document (ПН or РК) of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxInvoice {
    /// The number in the seller's sequence (unique across projects, never reused).
    pub number: u64,
    /// The draft's key (its triggering fact).
    pub key: String,
    /// ПН or РК.
    pub kind: TaxDocKind,
    /// The supply (invoice).
    pub supply: InvoiceNumber,
    /// The row's text.
    pub description: String,
    /// The document's date (the first event's date for a ПН).
    pub date: NaiveDate,
    /// The amount, VAT included (a РК: the reduction, positive).
    pub amount: Money,
    /// The VAT (a РК: the reduction, positive).
    pub vat: Money,
    /// What triggered it.
    pub trigger: Trigger,
    /// The buyer as the document names it.
    pub buyer: TaxBuyer,
    /// When it was registered in ЄРПН, once recorded.
    pub registered_on: Option<NaiveDate>,
}

impl TaxInvoice {
    /// The amount without VAT.
    pub fn base(&self) -> Money {
        self.amount.saturating_sub(self.vat)
    }

    /// Whether it is a РК.
    pub fn is_correction(&self) -> bool {
        matches!(self.kind, TaxDocKind::Correction { .. })
    }
}

/// A command on a project's tax documents (actor: the system or support).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaxCommand {
    /// Issue the drafts not issued yet (by key), numbered from `first_number` in order.
    Issue {
        /// The drafts (from [`super::derive`]); those already issued are skipped.
        drafts: Vec<TaxDraft>,
        /// The next free number of the seller's sequence.
        first_number: u64,
        /// The buyer, as the documents name it.
        buyer: TaxBuyer,
    },
    /// Record that a document was registered in ЄРПН.
    RecordRegistered {
        /// Its number.
        number: u64,
        /// The registration date.
        on: NaiveDate,
    },
}

/// What happened to a project's tax documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaxEvent {
    /// A ПН or РК was issued.
    Issued {
        /// The document.
        document: TaxInvoice,
    },
    /// A document was registered in ЄРПН.
    Registered {
        /// Its number.
        number: u64,
        /// The date.
        on: NaiveDate,
    },
}

/// A project's tax documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLedger {
    documents: Vec<TaxInvoice>,
}

impl TaxLedger {
    /// Every document, in the order issued.
    pub fn documents(&self) -> &[TaxInvoice] {
        &self.documents
    }

    /// A document by number.
    pub fn document(&self, number: u64) -> Option<&TaxInvoice> {
        self.documents.iter().find(|d| d.number == number)
    }

    /// A document by its draft's key.
    pub fn by_key(&self, key: &str) -> Option<&TaxInvoice> {
        self.documents.iter().find(|d| d.key == key)
    }

    /// The highest number used in this project.
    pub fn max_number(&self) -> Option<u64> {
        self.documents.iter().map(|d| d.number).max()
    }

    /// The drafts not issued yet, in order.
    pub fn pending<'a>(&self, drafts: &'a [TaxDraft]) -> Vec<&'a TaxDraft> {
        drafts
            .iter()
            .filter(|d| self.by_key(&d.key).is_none())
            .collect()
    }

    /// Decides a command. Issuing numbers the pending drafts `first_number`, `first_number + 1`, ...
    pub fn decide(&self, cmd: &TaxCommand) -> Result<Vec<TaxEvent>, TaxInvoiceError> {
        match cmd {
            TaxCommand::Issue {
                drafts,
                first_number,
                buyer,
            } => {
                if *first_number == 0 {
                    return Err(TaxInvoiceError::NumberZero);
                }
                let mut issued: Vec<TaxInvoice> = Vec::new();
                let mut number = *first_number;
                for d in self.pending(drafts) {
                    if issued.iter().any(|i| i.key == d.key) {
                        continue;
                    }
                    if self.document(number).is_some() {
                        return Err(TaxInvoiceError::NumberUsed { number });
                    }
                    let kind = match &d.kind {
                        DraftKind::TaxInvoice => TaxDocKind::TaxInvoice,
                        DraftKind::Correction { corrects } => {
                            let target = self
                                .by_key(corrects)
                                .or_else(|| issued.iter().find(|i| &i.key == corrects))
                                .ok_or_else(|| TaxInvoiceError::UnknownTarget {
                                    key: d.key.clone(),
                                    corrects: corrects.clone(),
                                })?;
                            TaxDocKind::Correction {
                                corrects: target.number,
                                corrects_date: target.date,
                            }
                        }
                    };
                    issued.push(TaxInvoice {
                        number,
                        key: d.key.clone(),
                        kind,
                        supply: d.supply,
                        description: d.description.clone(),
                        date: d.date,
                        amount: d.amount,
                        vat: d.vat,
                        trigger: d.trigger,
                        buyer: buyer.clone(),
                        registered_on: None,
                    });
                    number += 1;
                }
                Ok(issued
                    .into_iter()
                    .map(|document| TaxEvent::Issued { document })
                    .collect())
            }
            TaxCommand::RecordRegistered { number, on } => {
                let doc = self
                    .document(*number)
                    .ok_or(TaxInvoiceError::Unknown { number: *number })?;
                match doc.registered_on {
                    Some(d) if d == *on => Ok(vec![]),
                    Some(d) => Err(TaxInvoiceError::AlreadyRegistered {
                        number: *number,
                        on: d,
                    }),
                    None => Ok(vec![TaxEvent::Registered {
                        number: *number,
                        on: *on,
                    }]),
                }
            }
        }
    }

    /// Applies an event. Never fails.
    pub fn apply(&mut self, event: &TaxEvent) {
        match event {
            TaxEvent::Issued { document } => {
                if self.by_key(&document.key).is_none() {
                    self.documents.push(document.clone());
                }
            }
            TaxEvent::Registered { number, on } => {
                if let Some(d) = self.documents.iter_mut().find(|d| d.number == *number) {
                    d.registered_on = Some(*on);
                }
            }
        }
    }
}
