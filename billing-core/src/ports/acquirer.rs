//! The card acquirer port (monobank, LiqPay, WayForPay), shaped after
//! `shared/reference/acquirers.md`: payment links that expire, card verification with 1 UAH,
//! merchant-initiated charges of a saved card, refunds, status reads and signed webhooks.
//!
//! Ids and saved cards are the account's own types ([`crate::payment`]): the acquirer's payment id
//! is a [`PaymentId`], our attempt id an [`AttemptId`].
//!
//! Rules the engine (not the adapter) enforces: the attempt is stored before the call; a call whose
//! outcome is unknown is reconciled through [`CardAcquirer::find_by_attempt`], never blindly repeated;
//! events are applied idempotently and in `occurred_at` order.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::money::Money;
use crate::payment::{AttemptId, CardToken, PaymentId, SavedCard};

/// A payment's state at the acquirer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created, not yet paid.
    Created,
    /// Being processed.
    Processing,
    /// The payer must act (3-D Secure): the URL to send them to.
    RequiresAction {
        /// Where the payer completes the payment.
        url: String,
    },
    /// Paid.
    Succeeded,
    /// Declined or failed.
    Failed {
        /// The acquirer's code.
        code: Option<String>,
        /// The acquirer's reason text.
        reason: Option<String>,
    },
    /// The link expired unpaid.
    Expired,
    /// Refunded in part.
    PartiallyRefunded {
        /// The amount refunded so far.
        refunded: Money,
    },
    /// Refunded in full.
    Refunded,
}

/// A request for a payment page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLinkRequest {
    /// Our attempt id.
    pub attempt: AttemptId,
    /// The amount.
    pub amount: Money,
    /// What the payer sees (`Оплата за рахунком № HOR-11111-007`).
    pub description: String,
    /// When the link stops working (30 minutes for invoices).
    pub expires_at: DateTime<Utc>,
    /// Save the card to this customer's wallet, for autopay.
    pub save_card_for: Option<String>,
}

/// A payment page created at the acquirer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderLink {
    /// The acquirer's id of the payment.
    pub provider_ref: PaymentId,
    /// The page to open.
    pub url: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// A merchant-initiated charge of a saved card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// Our attempt id.
    pub attempt: AttemptId,
    /// The saved card.
    pub card: CardToken,
    /// The amount.
    pub amount: Money,
    /// What the statement shows.
    pub description: String,
}

/// The synchronous answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeOutcome {
    /// The acquirer's id of the payment.
    pub provider_ref: PaymentId,
    /// Its state now (final, or pending a webhook).
    pub status: PaymentStatus,
}

/// A refund request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// Our id of the refund (idempotency key).
    pub refund: AttemptId,
    /// The payment refunded.
    pub payment: PaymentId,
    /// The amount; `None` refunds in full.
    pub amount: Option<Money>,
}

/// What the acquirer tells about a payment (a webhook or a status read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentEvent {
    /// The acquirer's id of the payment.
    pub provider_ref: PaymentId,
    /// Our attempt id, when the acquirer echoes it.
    pub attempt: Option<AttemptId>,
    /// The state.
    pub status: PaymentStatus,
    /// The amount.
    pub amount: Money,
    /// When the state changed at the acquirer (monobank `modifiedDate`): newer wins.
    pub occurred_at: DateTime<Utc>,
    /// The card saved by this payment, if any.
    pub saved_card: Option<SavedCard>,
}

/// Why an acquirer call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcquirerError {
    /// A timeout or 5xx after the request was sent: reconcile through a status read, never repeat.
    #[error("acquirer outcome unknown: {0}")]
    OutcomeUnknown(String),
    /// Refused by the acquirer (4xx, validation, duplicate id): not retryable.
    #[error("acquirer rejected the request: {code}: {message}")]
    Rejected {
        /// The acquirer's code.
        code: String,
        /// The acquirer's message.
        message: String,
    },
    /// The card was declined on a synchronous charge.
    #[error("card declined: {code}: {message}")]
    Declined {
        /// The acquirer's code.
        code: String,
        /// The acquirer's message.
        message: String,
    },
    /// Too many requests: try again after the delay.
    #[error("acquirer rate limit; retry after {retry_after_secs:?} s")]
    RateLimited {
        /// The delay the acquirer asked for, in seconds.
        retry_after_secs: Option<u64>,
    },
    /// The acquirer could not be reached before anything was sent: safe to retry.
    #[error("acquirer unreachable: {0}")]
    Unreachable(String),
    /// A webhook's signature did not verify.
    #[error("webhook signature is not valid")]
    BadSignature,
    /// The acquirer answered something the protocol does not allow.
    #[error("acquirer protocol error: {0}")]
    Protocol(String),
}

impl ErrorCode for AcquirerError {
    fn code(&self) -> &'static str {
        match self {
            AcquirerError::OutcomeUnknown(_) => "acquirer.outcome_unknown",
            AcquirerError::Rejected { .. } => "acquirer.rejected",
            AcquirerError::Declined { .. } => "acquirer.declined",
            AcquirerError::RateLimited { .. } => "acquirer.rate_limited",
            AcquirerError::Unreachable(_) => "acquirer.unreachable",
            AcquirerError::BadSignature => "acquirer.bad_signature",
            AcquirerError::Protocol(_) => "acquirer.protocol",
        }
    }

    fn is_invalid_input(&self) -> bool {
        false
    }
}

/// A card acquirer.
#[async_trait]
pub trait CardAcquirer: Send + Sync {
    /// The provider's name (`monobank`, `liqpay`, `memory`).
    fn provider(&self) -> &'static str;
    /// A payment page for an invoice; the card is saved when `save_card_for` is set.
    async fn create_payment_link(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError>;
    /// Removes an unpaid payment page.
    async fn cancel_payment_link(&self, link: &PaymentId) -> Result<(), AcquirerError>;
    /// A 1 UAH verification page that saves the card; the adapter refunds it once it succeeds.
    async fn start_card_verification(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError>;
    /// Charges a saved card (merchant-initiated).
    async fn charge_saved_card(&self, req: ChargeRequest) -> Result<ChargeOutcome, AcquirerError>;
    /// Refunds a payment in full or in part.
    async fn refund(&self, req: RefundRequest) -> Result<PaymentStatus, AcquirerError>;
    /// The payment's state now.
    async fn fetch_status(&self, payment: &PaymentId) -> Result<PaymentEvent, AcquirerError>;
    /// The payment of an attempt, if the acquirer has one (reconciles an unknown outcome).
    async fn find_by_attempt(
        &self,
        attempt: &AttemptId,
    ) -> Result<Option<PaymentEvent>, AcquirerError>;
    /// Verifies a webhook over its raw body (before anything is parsed) and reads it.
    async fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<PaymentEvent, AcquirerError>;
}
