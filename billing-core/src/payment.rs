//! Payments (оплати): their sources and outside ids, saved cards (the token is a secret), payment
//! links, and credits (overpayments and settlement items) that support resolves.
//!
//! ```
//! use billing_core::payment::{CardToken, SavedCard};
//! let card = SavedCard::new(CardToken::new("tok_live_9f8e7d"), "4441 11** **** 1234", "IVAN PETRENKO");
//! assert!(!format!("{card:?}").contains("tok_live"));
//! assert_eq!(format!("{:?}", card.token), "CardToken(***)");
//! assert_eq!(card.token.expose_secret(), "tok_live_9f8e7d");
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{serde_as_string, InvoiceNumber};
use crate::money::Money;

/// Why a text is not an outside id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutsideIdError {
    /// Empty, longer than 128 characters, or with control characters.
    #[error("not an outside id (1 to 128 printable characters): {input:?}")]
    Format {
        /// The offending input.
        input: String,
    },
}

impl ErrorCode for OutsideIdError {
    fn code(&self) -> &'static str {
        "outside_id.format"
    }
}

macro_rules! outside_id {
    ($(#[$m:meta])* $t:ident) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $t(String);

        impl $t {
            /// Parses 1 to 128 printable characters.
            pub fn new(input: &str) -> Result<$t, OutsideIdError> {
                if (1..=128).contains(&input.chars().count()) && !input.chars().any(char::is_control) {
                    Ok($t(input.to_string()))
                } else {
                    Err(OutsideIdError::Format { input: input.to_string() })
                }
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.0)
            }
        }

        impl FromStr for $t {
            type Err = OutsideIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $t::new(s)
            }
        }

        serde_as_string!($t);
    };
}

outside_id!(
    /// The outside id that makes a payment idempotent: the acquirer's payment id or the bank
    /// transaction id. The same id applied twice changes nothing.
    PaymentId
);
outside_id!(
    /// Our id of an attempt at the acquirer (an autopay charge, a card binding), given by the caller.
    AttemptId
);
outside_id!(
    /// A payment link's id, given by the caller.
    LinkId
);
outside_id!(
    /// A refund's id at the acquirer or bank, given by the caller.
    RefundId
);

/// Where a payment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentSource {
    /// A charge of the saved card (autopay).
    CardAutopay,
    /// A card payment through an invoice's payment link (or a card binding that pays an invoice).
    CardLink,
    /// A bank transfer matched automatically to an invoice.
    BankTransferAuto,
    /// A bank transfer matched by support from the payer's receipt.
    BankTransferSupport,
    /// The 1 UAH card verification charge (refunded).
    CardVerification,
}

impl PaymentSource {
    /// Whether the money came by card.
    pub fn is_card(self) -> bool {
        matches!(
            self,
            PaymentSource::CardAutopay | PaymentSource::CardLink | PaymentSource::CardVerification
        )
    }
}

/// A saved card's token at the acquirer: a secret. `Debug` prints `***`; there is no `Display`;
/// audit text never shows it. It is serialized (the store must keep it to charge the card), so the
/// store treats serialized state and events as confidential.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardToken(String);

impl CardToken {
    /// Wraps a token.
    pub fn new(token: &str) -> CardToken {
        CardToken(token.to_string())
    }

    /// The token itself, for the call that charges the card. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CardToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardToken(***)")
    }
}

/// A saved card: the token (secret), and the masked number and holder name for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCard {
    /// The acquirer's token (secret).
    pub token: CardToken,
    /// The masked card number (`4441 11** **** 1234`).
    pub masked_pan: String,
    /// The holder's name as on the card.
    pub holder: String,
}

impl SavedCard {
    /// A card from the acquirer's answer.
    pub fn new(token: CardToken, masked_pan: &str, holder: &str) -> SavedCard {
        SavedCard {
            token,
            masked_pan: masked_pan.to_string(),
            holder: holder.to_string(),
        }
    }
}

/// A payment as recorded: how much, from where, and how it was allocated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    /// The outside id.
    pub id: PaymentId,
    /// The source.
    pub source: PaymentSource,
    /// The amount received.
    pub amount: Money,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The invoice it was meant for, if any.
    pub invoice: Option<InvoiceNumber>,
    /// The part applied to that invoice.
    pub applied: Money,
    /// The rest, kept as a [`Credit`] (overpayment or settlement item); `applied + credited = amount`.
    pub credited: Money,
}

/// A payment link's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// Usable until its expiry.
    Active,
    /// Recorded as expired when a new link replaced it (a payment on it is still credited while
    /// the invoice is open).
    Expired,
}

/// Why a link was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// The owner (or support) asked for it.
    Requested,
    /// An autopay charge needed 3-D Secure: the owner pays through a link instead.
    ThreeDsFallback,
}

/// A card payment link for an open invoice. The payment page states that the card will be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLink {
    /// The link's id.
    pub id: LinkId,
    /// The invoice it pays.
    pub invoice: InvoiceNumber,
    /// The amount: what was owed when the link was made.
    pub amount: Money,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops being offered.
    pub expires_at: DateTime<Utc>,
    /// Whether the card that pays is saved for autopay (always stated on the page).
    pub saves_card: bool,
    /// Why it was made.
    pub purpose: LinkPurpose,
    /// Its state.
    pub status: LinkStatus,
    /// The acquirer's page, once created.
    #[serde(default)]
    pub url: Option<String>,
    /// The acquirer's id of the payment, once created.
    #[serde(default)]
    pub provider: Option<PaymentId>,
}

impl PaymentLink {
    /// Whether the link can still be offered at `now`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.status == LinkStatus::Active && now < self.expires_at
    }
}

/// Why money is kept as a credit rather than applied to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CreditReason {
    /// More than the invoice owed.
    Overpayment {
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// The invoice was already paid.
    InvoiceAlreadyPaid {
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// The invoice was cancelled.
    InvoiceCancelled {
        /// The invoice.
        invoice: InvoiceNumber,
    },
    /// A payment that names no invoice.
    Unallocated,
    /// Money that arrived after the account was closed for deletion: a settlement item.
    AccountClosed,
    /// The 1 UAH card verification, refunded automatically.
    CardVerification,
}

/// A credit's refund, once requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRefund {
    /// The refund's id.
    pub id: RefundId,
    /// The amount refunded.
    pub amount: Money,
    /// Whether the acquirer or bank confirmed it.
    pub completed: bool,
}

/// Money kept for support to resolve (refund, or apply to an invoice): never silently lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// Its number in the project (1, 2, …).
    pub id: u32,
    /// The payment it came from (`None` for money paid on an invoice later cancelled).
    pub payment: Option<PaymentId>,
    /// The amount kept.
    pub amount: Money,
    /// What is left to resolve.
    pub remaining: Money,
    /// Why it was kept.
    pub reason: CreditReason,
    /// Its refund, if requested.
    pub refund: Option<CreditRefund>,
}

impl Credit {
    /// Whether something is left to resolve.
    pub fn is_open(&self) -> bool {
        !self.remaining.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert_eq!(PaymentId::new("").unwrap_err().code(), "outside_id.format");
        assert_eq!(
            PaymentId::new("a\nb").unwrap_err().code(),
            "outside_id.format"
        );
        assert_eq!(
            PaymentId::new(&"x".repeat(129)).unwrap_err().code(),
            "outside_id.format"
        );
        assert_eq!(PaymentId::new("mono-123").unwrap().to_string(), "mono-123");
    }

    #[test]
    fn token_never_in_debug() {
        let card = SavedCard::new(
            CardToken::new("secret-token-1"),
            "5168 75** **** 0001",
            "OLENA K",
        );
        let text = format!("{card:?}");
        assert!(!text.contains("secret-token-1"));
        assert!(text.contains("5168 75** **** 0001"));
    }

    #[test]
    fn links_expire() {
        use chrono::TimeZone;
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let link = PaymentLink {
            id: LinkId::new("l1").unwrap(),
            invoice: "HOR-00042-001".parse().unwrap(),
            amount: Money::from_hryvnias(300).unwrap(),
            created_at: at,
            expires_at: at + chrono::Duration::minutes(30),
            saves_card: true,
            purpose: LinkPurpose::Requested,
            status: LinkStatus::Active,
            url: None,
            provider: None,
        };
        assert!(link.is_valid_at(at + chrono::Duration::minutes(29)));
        assert!(!link.is_valid_at(at + chrono::Duration::minutes(30)));
    }
}
