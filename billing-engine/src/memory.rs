//! In-memory adapters of every port but storage (that is `billing_store::MemoryStore`), for tests,
//! examples and the demo: a clock you move by hand, an acquirer you script, a Vchasno and a registry
//! you fill.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use billing_core::payment::{AttemptId, CardToken, PaymentId, SavedCard};
use billing_core::ports::{
    AcquirerError, ActUpload, CardAcquirer, ChargeOutcome, ChargeRequest, Clock, CompanyCheck,
    PaymentEvent, PaymentLinkRequest, PaymentStatus, ProviderLink, RefundRequest, RegistryAnswer,
    RegistryError, RegistryLookup, Vchasno, VchasnoPortError, VchasnoStatus,
};
use billing_core::{Money, TaxId};
use chrono::{DateTime, Duration, Utc};

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    /// Sets the time.
    pub fn set(&self, at: DateTime<Utc>) {
        *lock(&self.0) = at;
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        let mut t = lock(&self.0);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.0)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the scripted acquirer answers to the next charge of a saved card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeScript {
    /// The charge succeeds.
    Succeed,
    /// The bank declines.
    Decline(String),
    /// The bank asks for 3-D Secure.
    Require3ds,
    /// A timeout after the request was sent: the charge did (`true`) or did not go through.
    Unknown {
        /// Whether the acquirer actually charged.
        charged: bool,
    },
}

#[derive(Debug, Clone)]
struct MemPayment {
    id: PaymentId,
    attempt: AttemptId,
    amount: Money,
    status: PaymentStatus,
    saves_card: bool,
    at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct AcquirerState {
    next: u64,
    payments: BTreeMap<String, MemPayment>,
    script: VecDeque<ChargeScript>,
    calls: Vec<String>,
}

/// A scripted card acquirer: links and charges are recorded; charges answer from a script (success by
/// default); [`MemoryAcquirer::pay_link`] plays the payer.
#[derive(Debug, Default)]
pub struct MemoryAcquirer {
    state: Mutex<AcquirerState>,
}

/// The header the memory acquirer's webhooks are "signed" with, and its value.
pub const MEMORY_WEBHOOK_HEADER: (&str, &str) = ("x-memory-signature", "trusted");

impl MemoryAcquirer {
    /// A new acquirer.
    pub fn new() -> MemoryAcquirer {
        MemoryAcquirer::default()
    }

    /// Queues answers for the next charges of saved cards.
    pub fn script(&self, answers: impl IntoIterator<Item = ChargeScript>) {
        lock(&self.state).script.extend(answers);
    }

    /// The calls made so far (`link:<attempt>`, `charge:<attempt>`, `refund:<payment>`, ...).
    pub fn calls(&self) -> Vec<String> {
        lock(&self.state).calls.clone()
    }

    /// The state of the payment of an attempt.
    pub fn status(&self, attempt: &str) -> Option<PaymentStatus> {
        lock(&self.state)
            .payments
            .get(attempt)
            .map(|p| p.status.clone())
    }

    /// The payer pays the page of `attempt` (a link or a card verification) with a card; the event
    /// the acquirer would then send.
    pub fn pay_link(&self, attempt: &AttemptId, at: DateTime<Utc>) -> Option<PaymentEvent> {
        let mut s = lock(&self.state);
        let p = s.payments.get_mut(attempt.as_str())?;
        p.status = PaymentStatus::Succeeded;
        p.at = at;
        let p = p.clone();
        Some(event_of(&p))
    }

    fn new_payment(
        &self,
        attempt: &AttemptId,
        amount: Money,
        status: PaymentStatus,
        saves_card: bool,
        call: String,
    ) -> MemPayment {
        let mut s = lock(&self.state);
        s.next += 1;
        let payment = MemPayment {
            id: PaymentId::new(&format!("mem-{}", s.next)).expect("mem-<n> is a valid id"),
            attempt: attempt.clone(),
            amount,
            status,
            saves_card,
            at: DateTime::<Utc>::UNIX_EPOCH,
        };
        s.payments
            .insert(attempt.as_str().to_string(), payment.clone());
        s.calls.push(call);
        payment
    }
}

fn event_of(p: &MemPayment) -> PaymentEvent {
    let saved_card = (p.saves_card && p.status == PaymentStatus::Succeeded).then(|| {
        SavedCard::new(
            CardToken::new(&format!("tok-{}", p.attempt)),
            "4441 11** **** 1234",
            "OLENA KOVAL",
        )
    });
    PaymentEvent {
        provider_ref: p.id.clone(),
        attempt: Some(p.attempt.clone()),
        status: p.status.clone(),
        amount: p.amount,
        occurred_at: p.at,
        saved_card,
    }
}

#[async_trait]
impl CardAcquirer for MemoryAcquirer {
    fn provider(&self) -> &'static str {
        "memory"
    }

    async fn create_payment_link(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        let p = self.new_payment(
            &req.attempt,
            req.amount,
            PaymentStatus::Created,
            req.save_card_for.is_some(),
            format!("link:{}", req.attempt),
        );
        Ok(ProviderLink {
            provider_ref: p.id,
            url: format!("https://pay.example.test/{}", req.attempt),
            expires_at: req.expires_at,
        })
    }

    async fn cancel_payment_link(&self, link: &PaymentId) -> Result<(), AcquirerError> {
        let mut s = lock(&self.state);
        s.calls.push(format!("cancel:{link}"));
        for p in s.payments.values_mut() {
            if &p.id == link && p.status == PaymentStatus::Created {
                p.status = PaymentStatus::Expired;
            }
        }
        Ok(())
    }

    async fn start_card_verification(
        &self,
        req: PaymentLinkRequest,
    ) -> Result<ProviderLink, AcquirerError> {
        let p = self.new_payment(
            &req.attempt,
            req.amount,
            PaymentStatus::Created,
            true,
            format!("verify:{}", req.attempt),
        );
        Ok(ProviderLink {
            provider_ref: p.id,
            url: format!("https://pay.example.test/{}", req.attempt),
            expires_at: req.expires_at,
        })
    }

    async fn charge_saved_card(&self, req: ChargeRequest) -> Result<ChargeOutcome, AcquirerError> {
        let answer = lock(&self.state)
            .script
            .pop_front()
            .unwrap_or(ChargeScript::Succeed);
        let (status, error) = match &answer {
            ChargeScript::Succeed => (PaymentStatus::Succeeded, None),
            ChargeScript::Decline(reason) => (
                PaymentStatus::Failed {
                    code: Some("declined".into()),
                    reason: Some(reason.clone()),
                },
                None,
            ),
            ChargeScript::Require3ds => (
                PaymentStatus::RequiresAction {
                    url: format!("https://pay.example.test/3ds/{}", req.attempt),
                },
                None,
            ),
            ChargeScript::Unknown { charged } => (
                if *charged {
                    PaymentStatus::Succeeded
                } else {
                    PaymentStatus::Failed {
                        code: Some("timeout".into()),
                        reason: Some("no answer".into()),
                    }
                },
                Some(AcquirerError::OutcomeUnknown("timeout".into())),
            ),
        };
        let p = self.new_payment(
            &req.attempt,
            req.amount,
            status.clone(),
            false,
            format!("charge:{}", req.attempt),
        );
        match error {
            Some(e) => Err(e),
            None => Ok(ChargeOutcome {
                provider_ref: p.id,
                status,
            }),
        }
    }

    async fn refund(&self, req: RefundRequest) -> Result<PaymentStatus, AcquirerError> {
        let mut s = lock(&self.state);
        s.calls.push(format!("refund:{}", req.payment));
        let p = s
            .payments
            .values_mut()
            .find(|p| p.id == req.payment)
            .ok_or_else(|| AcquirerError::Rejected {
                code: "not_found".into(),
                message: format!("no payment {}", req.payment),
            })?;
        p.status = match req.amount {
            Some(a) if a < p.amount => PaymentStatus::PartiallyRefunded { refunded: a },
            _ => PaymentStatus::Refunded,
        };
        Ok(p.status.clone())
    }

    async fn fetch_status(&self, payment: &PaymentId) -> Result<PaymentEvent, AcquirerError> {
        let s = lock(&self.state);
        s.payments
            .values()
            .find(|p| &p.id == payment)
            .map(event_of)
            .ok_or_else(|| AcquirerError::Rejected {
                code: "not_found".into(),
                message: format!("no payment {payment}"),
            })
    }

    async fn find_by_attempt(
        &self,
        attempt: &AttemptId,
    ) -> Result<Option<PaymentEvent>, AcquirerError> {
        Ok(lock(&self.state)
            .payments
            .get(attempt.as_str())
            .map(event_of))
    }

    async fn verify_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<PaymentEvent, AcquirerError> {
        let signed = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case(MEMORY_WEBHOOK_HEADER.0) && v == MEMORY_WEBHOOK_HEADER.1
        });
        if !signed {
            return Err(AcquirerError::BadSignature);
        }
        serde_json::from_slice(body).map_err(|e| AcquirerError::Protocol(e.to_string()))
    }
}

/// A Vchasno that knows the companies you register in it, keeps the acts uploaded to it (found
/// again by recipient and number) and counts the uploads.
#[derive(Debug, Default)]
pub struct MemoryVchasno {
    registered: Mutex<BTreeMap<String, String>>,
    documents: Mutex<BTreeMap<String, (ActUpload, VchasnoStatus)>>,
    uploads: Mutex<u64>,
}

impl MemoryVchasno {
    /// A Vchasno with no companies.
    pub fn new() -> MemoryVchasno {
        MemoryVchasno::default()
    }

    /// Registers a company.
    pub fn register(&self, tax_id: &TaxId, name: &str) {
        lock(&self.registered).insert(tax_id.to_string(), name.to_string());
    }

    /// Sets a document's status (the recipient signs, rejects, ...).
    pub fn set_status(&self, document_id: &str, status: VchasnoStatus) {
        if let Some(d) = lock(&self.documents).get_mut(document_id) {
            d.1 = status;
        }
    }

    /// The uploaded documents' ids.
    pub fn document_ids(&self) -> Vec<String> {
        lock(&self.documents).keys().cloned().collect()
    }

    /// How many uploads were made.
    pub fn uploads(&self) -> u64 {
        *lock(&self.uploads)
    }
}

#[async_trait]
impl Vchasno for MemoryVchasno {
    async fn check_company(&self, tax_id: &TaxId) -> Result<CompanyCheck, VchasnoPortError> {
        let name = lock(&self.registered).get(tax_id.as_str()).cloned();
        Ok(CompanyCheck {
            registered: name.is_some(),
            name,
        })
    }

    async fn upload_act(&self, act: &ActUpload) -> Result<String, VchasnoPortError> {
        let mut docs = lock(&self.documents);
        let id = format!("doc-{}", docs.len() + 1);
        docs.insert(id.clone(), (act.clone(), VchasnoStatus::Uploaded));
        *lock(&self.uploads) += 1;
        Ok(id)
    }

    /// The act of this number uploaded for this recipient, whatever its date; one that is not
    /// annulled is preferred (as the real adapter does).
    async fn find_act(
        &self,
        recipient: &TaxId,
        number: &str,
        _date: chrono::NaiveDate,
    ) -> Result<Option<String>, VchasnoPortError> {
        let docs = lock(&self.documents);
        let mut found: Vec<(&String, VchasnoStatus)> = docs
            .iter()
            .filter(|(_, (a, _))| a.recipient == *recipient && a.number == number)
            .map(|(id, (_, status))| (id, *status))
            .collect();
        found.sort_by_key(|(_, status)| *status == VchasnoStatus::Annulled);
        Ok(found.first().map(|(id, _)| (*id).clone()))
    }

    async fn statuses(
        &self,
        document_ids: &[String],
    ) -> Result<Vec<(String, VchasnoStatus)>, VchasnoPortError> {
        let docs = lock(&self.documents);
        Ok(document_ids
            .iter()
            .filter_map(|id| docs.get(id).map(|d| (id.clone(), d.1)))
            .collect())
    }
}

/// A registry that answers from a table (a code not in it: "not found"), and counts its lookups.
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    answers: Mutex<BTreeMap<String, Result<RegistryAnswer, RegistryError>>>,
    lookups: Mutex<u64>,
}

impl MemoryRegistry {
    /// An empty registry: every lookup is "not found".
    pub fn new() -> MemoryRegistry {
        MemoryRegistry::default()
    }

    /// Sets the answer for a code.
    pub fn insert(&self, tax_id: &TaxId, answer: RegistryAnswer) {
        lock(&self.answers).insert(tax_id.to_string(), Ok(answer));
    }

    /// Makes the lookups of a code fail.
    pub fn fail(&self, tax_id: &TaxId, error: RegistryError) {
        lock(&self.answers).insert(tax_id.to_string(), Err(error));
    }

    /// How many lookups were made.
    pub fn lookups(&self) -> u64 {
        *lock(&self.lookups)
    }
}

#[async_trait]
impl RegistryLookup for MemoryRegistry {
    async fn lookup(&self, tax_id: &TaxId) -> Result<RegistryAnswer, RegistryError> {
        *lock(&self.lookups) += 1;
        lock(&self.answers)
            .get(tax_id.as_str())
            .cloned()
            .unwrap_or(Ok(RegistryAnswer::NotFound))
    }
}
