//! The engine: loads a project, lets the pure core decide, writes the events, the snapshot, the outside
//! ids and the notifications in one transaction, and talks to the outside around decisions.

use std::sync::Arc;

use billing_core::account::{AccountCommand, AccountEvent, AttemptStatus, BindingRoute};
use billing_core::admin::{AdminCommand, OwnerContact};
use billing_core::payment::{AttemptId, LinkId, PaymentId, RefundId};
use billing_core::ports::{
    AcquirerError, AppendBatch, BankStatementSource, CardAcquirer, ChargeRequest, Clock, NewEvent,
    OutboxItem, OutsideId, PaymentEvent, PaymentLinkRequest, PaymentStatus, ProjectStore,
    RefundRequest, RegistryLookup, StoreError, StoredEvent, Vchasno,
};
use billing_core::project::{Project, ProjectCommand, ProjectEvent};
use billing_core::section::BillingSection;
use billing_core::tariff::{BillingPeriod, TariffCode, UsageSnapshot};
use billing_core::{Actor, Audited, InvoiceNumber, Money, ServiceCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::memory::{MemoryAcquirer, MemoryRegistry, MemoryVchasno, SystemClock};

/// The adapters the engine talks through.
#[derive(Clone)]
pub struct Ports {
    /// Storage.
    pub store: Arc<dyn ProjectStore>,
    /// The card acquirer.
    pub acquirer: Arc<dyn CardAcquirer>,
    /// Vchasno.
    pub vchasno: Arc<dyn Vchasno>,
    /// The registry lookup.
    pub registry: Arc<dyn RegistryLookup>,
    /// Where the bank job reads our account's statement lines.
    pub bank_statements: Arc<dyn BankStatementSource>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl Ports {
    /// In-memory adapters around a store, on the system clock.
    pub fn with_store(store: Arc<dyn ProjectStore>) -> Ports {
        Ports {
            store,
            acquirer: Arc::new(MemoryAcquirer::new()),
            vchasno: Arc::new(MemoryVchasno::new()),
            registry: Arc::new(MemoryRegistry::new()),
            bank_statements: Arc::new(crate::bank::MemoryStatements::new()),
            clock: Arc::new(SystemClock),
        }
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The command took effect: its audit records.
    Done(Vec<Audited<ProjectEvent>>),
    /// Its outside id was recorded before: it took effect then, and nothing changed now.
    AlreadyApplied,
}

impl Applied {
    /// The events of the command (none when it had taken effect before).
    pub fn events(&self) -> impl Iterator<Item = &ProjectEvent> {
        let records: &[Audited<ProjectEvent>] = match self {
            Applied::Done(r) => r,
            Applied::AlreadyApplied => &[],
        };
        records.iter().map(|r| &r.event)
    }
}

/// A payment page to send the owner to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPage {
    /// The page.
    pub url: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

/// The daily job's report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReport {
    /// Projects visited.
    pub projects: usize,
    /// Invoices issued.
    pub invoices_issued: usize,
    /// Autopay charges that succeeded.
    pub charges_succeeded: usize,
    /// Autopay charges that failed (retried on schedule).
    pub charges_failed: usize,
    /// Charges that asked for 3-D Secure (the owner got a payment link).
    pub charges_3ds: usize,
    /// Charges whose outcome is not known yet (reconciled later through status reads).
    pub charges_pending: usize,
    /// Projects blocked today.
    pub blocked: usize,
    /// Projects unblocked today.
    pub unblocked: usize,
    /// Projects whose run failed, with the error code (the job goes on with the others).
    pub failures: Vec<(ServiceCode, String)>,
}

/// The billing engine.
pub struct Engine {
    config: EngineConfig,
    ports: Ports,
}

/// How many times a command is decided again after a concurrent change.
const MAX_CONFLICT_RETRIES: u32 = 32;

impl Engine {
    /// An engine over the given adapters.
    pub fn new(config: EngineConfig, ports: Ports) -> Engine {
        Engine { config, ports }
    }

    /// Opens the configured store (a SQLite path, created and migrated on first open, or a
    /// PostgreSQL URL), with the real Vchasno and registry adapters when the configuration has
    /// their sections ([`EngineConfig::connect_adapters`]) and in-memory adapters for the rest.
    pub async fn open(config: EngineConfig) -> Result<Engine, EngineError> {
        config.check_adapters()?;
        let store = billing_store::open(&config.store).await?;
        let mut ports = Ports::with_store(store);
        config.connect_adapters(&mut ports)?;
        Ok(Engine::new(config, ports))
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The adapters.
    pub fn ports(&self) -> &Ports {
        &self.ports
    }

    /// The current time, from the clock port.
    pub fn now(&self) -> DateTime<Utc> {
        self.ports.clock.now()
    }

    async fn load(&self, code: ServiceCode) -> Result<(u64, Project), EngineError> {
        match self.ports.store.load(code).await? {
            None => Ok((0, Project::new(code))),
            Some(loaded) => {
                let project: Project = serde_json::from_value(loaded.snapshot)
                    .map_err(|e| StoreError::Corrupt(format!("project {code}: {e}")))?;
                Ok((loaded.version, project))
            }
        }
    }

    /// A stored project.
    pub async fn project(&self, code: ServiceCode) -> Result<Project, EngineError> {
        match self.load(code).await? {
            (0, _) => Err(EngineError::ProjectNotFound(code)),
            (_, p) => Ok(p),
        }
    }

    /// Runs one command on a project: decide on the latest state, then append events, snapshot,
    /// outside id and notifications atomically; decided again on a concurrent change. A command whose
    /// outside id was recorded before changes nothing ([`Applied::AlreadyApplied`]).
    pub async fn execute(
        &self,
        code: ServiceCode,
        actor: &Actor,
        cmd: &ProjectCommand,
        outside: Option<OutsideId>,
    ) -> Result<Applied, EngineError> {
        Ok(self.execute_with_state(code, actor, cmd, outside).await?.0)
    }

    /// [`Engine::execute`], also returning the project's state after the command (when it ran).
    async fn execute_with_state(
        &self,
        code: ServiceCode,
        actor: &Actor,
        cmd: &ProjectCommand,
        outside: Option<OutsideId>,
    ) -> Result<(Applied, Option<Project>), EngineError> {
        if let Some(key) = &outside {
            if self.ports.store.outside_id(key).await?.is_some() {
                return Ok((Applied::AlreadyApplied, None));
            }
        }
        let registers = matches!(cmd, ProjectCommand::Admin(AdminCommand::Register { .. }));
        for _ in 0..MAX_CONFLICT_RETRIES {
            let (version, mut project) = self.load(code).await?;
            if version == 0 && !registers {
                return Err(EngineError::ProjectNotFound(code));
            }
            let now = self.now();
            let records = project.handle(cmd, actor, now, &self.config.policy)?;
            if records.is_empty() && outside.is_none() {
                return Ok((Applied::Done(records), Some(project)));
            }
            let batch = self.batch(code, version, &project, &records, outside.clone())?;
            match self.ports.store.append(batch).await {
                Ok(_) => return Ok((Applied::Done(records), Some(project))),
                Err(StoreError::Conflict { .. }) => continue,
                // A tax number another writer claimed first: the caller takes the next one.
                Err(e @ StoreError::DuplicateOutsideId { .. })
                    if matches!(&e, StoreError::DuplicateOutsideId { kind, .. }
                        if kind == crate::tax::TAX_NUMBER_KIND) =>
                {
                    return Err(e.into())
                }
                Err(StoreError::DuplicateOutsideId { .. }) => {
                    return Ok((Applied::AlreadyApplied, None))
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(EngineError::Busy(code))
    }

    fn batch(
        &self,
        code: ServiceCode,
        version: u64,
        project: &Project,
        records: &[Audited<ProjectEvent>],
        outside: Option<OutsideId>,
    ) -> Result<AppendBatch, EngineError> {
        let mut events = Vec::with_capacity(records.len());
        let mut notifications = Vec::new();
        let mut invoice_numbers = Vec::new();
        let mut claims = Vec::new();
        for r in records {
            events.push(NewEvent {
                at: r.at,
                actor: r.actor.clone(),
                payload: to_json(&r.event)?,
            });
            notifications.extend(r.event.notifications(code));
            match &r.event {
                ProjectEvent::Account(AccountEvent::InvoiceIssued { invoice }) => {
                    invoice_numbers.push(invoice.number);
                }
                // The seller's tax numbers are claimed store-wide, in this same batch.
                ProjectEvent::Tax(billing_core::tax_invoice::TaxEvent::Issued { document }) => {
                    claims.push(crate::tax::tax_number_claim(document.number));
                }
                _ => {}
            }
        }
        Ok(AppendBatch {
            project: code,
            expected_version: version,
            events,
            snapshot: to_json(project)?,
            outside_ids: outside.into_iter().chain(claims).collect(),
            invoice_numbers,
            notifications,
        })
    }

    /// Runs an account command.
    pub async fn account(
        &self,
        code: ServiceCode,
        actor: &Actor,
        cmd: AccountCommand,
        outside: Option<OutsideId>,
    ) -> Result<Applied, EngineError> {
        self.execute(code, actor, &ProjectCommand::Account(cmd), outside)
            .await
    }

    /// Runs an administration command.
    pub async fn admin(
        &self,
        code: ServiceCode,
        actor: &Actor,
        cmd: AdminCommand,
    ) -> Result<Applied, EngineError> {
        self.execute(code, actor, &ProjectCommand::Admin(cmd), None)
            .await
    }

    /// Registers a new project with its owner and starts billing on a tariff of the catalog: the
    /// first invoice is issued at once.
    pub async fn open_project(
        &self,
        code: ServiceCode,
        owner: OwnerContact,
        tariff: &TariffCode,
        period: BillingPeriod,
    ) -> Result<Vec<ProjectEvent>, EngineError> {
        let tariff = self
            .config
            .catalog
            .get(tariff)
            .cloned()
            .ok_or_else(|| EngineError::Config(format!("no tariff {tariff} in the catalog")))?;
        let mut events: Vec<ProjectEvent> = Vec::new();
        let registered = self
            .admin(code, &Actor::System, AdminCommand::Register { owner })
            .await?;
        events.extend(registered.events().cloned());
        let subscribed = self
            .account(
                code,
                &Actor::System,
                AccountCommand::Subscribe { tariff, period },
                None,
            )
            .await?;
        events.extend(subscribed.events().cloned());
        Ok(events)
    }

    /// Records the daily usage counters that the platform sends.
    pub async fn record_usage(
        &self,
        code: ServiceCode,
        products: u32,
        orders_this_month: u32,
    ) -> Result<Applied, EngineError> {
        let snapshot = UsageSnapshot::new(products, orders_this_month, self.now());
        self.account(
            code,
            &Actor::System,
            AccountCommand::RecordUsage { snapshot },
            None,
        )
        .await
    }

    /// The billing section of a project: everything the help page shows, in one value.
    pub async fn billing_section(&self, code: ServiceCode) -> Result<BillingSection, EngineError> {
        let project = self.project(code).await?;
        Ok(BillingSection::of(
            &project,
            &self.config.catalog,
            &self.config.policy,
            self.now(),
        ))
    }

    /// Credits a bank transfer: matched automatically (actor system) or by support from the payer's
    /// receipt (actor support). The bank transaction id takes effect at most once.
    pub async fn credit_bank_transfer(
        &self,
        code: ServiceCode,
        actor: &Actor,
        transaction: &str,
        amount: Money,
        invoice: Option<InvoiceNumber>,
    ) -> Result<Applied, EngineError> {
        let id = PaymentId::new(transaction).map_err(|e| invalid(e.to_string()))?;
        self.account(
            code,
            actor,
            AccountCommand::RecordBankTransfer {
                transaction: id,
                amount,
                invoice,
            },
            Some(OutsideId::new("bank_transaction", transaction)),
        )
        .await
    }

    /// The card payment page of an open invoice: the valid one, or a new one when the last expired.
    pub async fn payment_link(
        &self,
        code: ServiceCode,
        actor: &Actor,
        invoice: InvoiceNumber,
    ) -> Result<PaymentPage, EngineError> {
        let project = self.project(code).await?;
        let account = project.account();
        let now = self.now();
        if let Some(link) = account.payment_link(&invoice, now) {
            // Valid: give it again (publishing it first if an earlier call stopped halfway).
            if link.amount == account.invoice(&invoice).map_or(link.amount, |i| i.owed()) {
                return self.publish_link(code, &link.id.clone()).await;
            }
        }
        let n = account
            .links()
            .values()
            .filter(|l| l.invoice == invoice)
            .count();
        let link_id =
            LinkId::new(&format!("{invoice}-l{}", n + 1)).map_err(|e| invalid(e.to_string()))?;
        self.account(
            code,
            actor,
            AccountCommand::RequestPaymentLink {
                invoice,
                link: link_id.clone(),
            },
            None,
        )
        .await?;
        self.publish_link(code, &link_id).await
    }

    /// The acquirer page of a link the account decided, created at the acquirer and recorded.
    async fn publish_link(
        &self,
        code: ServiceCode,
        link_id: &LinkId,
    ) -> Result<PaymentPage, EngineError> {
        let project = self.project(code).await?;
        if let Some(page) = self.published(&project, link_id) {
            return Ok(page);
        }
        let link = project
            .account()
            .links()
            .get(link_id)
            .cloned()
            .ok_or_else(|| invalid(format!("no payment link {link_id}")))?;
        let attempt = AttemptId::new(link_id.as_str()).map_err(|e| invalid(e.to_string()))?;
        let page = self
            .ports
            .acquirer
            .create_payment_link(PaymentLinkRequest {
                attempt,
                amount: link.amount,
                description: format!("Оплата за рахунком № {}", link.invoice),
                expires_at: link.expires_at,
                save_card_for: link.saves_card.then(|| code.to_string()),
            })
            .await?;
        self.account(
            code,
            &Actor::System,
            AccountCommand::PublishLink {
                link: link_id.clone(),
                url: page.url.clone(),
                provider: page.provider_ref.clone(),
            },
            None,
        )
        .await?;
        Ok(PaymentPage {
            url: page.url,
            expires_at: page.expires_at,
        })
    }

    fn published(&self, project: &Project, link: &LinkId) -> Option<PaymentPage> {
        let l = project.account().links().get(link)?;
        l.url.as_ref().map(|url| PaymentPage {
            url: url.clone(),
            expires_at: l.expires_at,
        })
    }

    /// The owner binds (or changes) a card: a payment page that pays the open invoice with the card
    /// saved, or a 1 UAH verification refunded once it succeeds.
    pub async fn bind_card(&self, code: ServiceCode) -> Result<PaymentPage, EngineError> {
        let project = self.project(code).await?;
        let n = project.account().bindings().len();
        let attempt =
            AttemptId::new(&format!("B-{code}-{}", n + 1)).map_err(|e| invalid(e.to_string()))?;
        let applied = self
            .account(
                code,
                &Actor::Owner,
                AccountCommand::StartCardBinding {
                    attempt: attempt.clone(),
                },
                None,
            )
            .await?;
        let route = applied.events().find_map(|e| match e {
            ProjectEvent::Account(AccountEvent::CardBindingStarted { route, .. }) => {
                Some(route.clone())
            }
            _ => None,
        });
        let expires_at = self.now() + self.config.policy.link_validity();
        let (amount, description) = match route {
            Some(BindingRoute::PayInvoice { invoice, amount }) => {
                (amount, format!("Оплата за рахунком № {invoice}"))
            }
            Some(BindingRoute::Verification { amount }) => (
                amount,
                "Перевірка картки (кошти буде повернуто)".to_string(),
            ),
            None => return Err(invalid("the card binding was not started".into())),
        };
        let req = PaymentLinkRequest {
            attempt,
            amount,
            description,
            expires_at,
            save_card_for: Some(code.to_string()),
        };
        let page = self.ports.acquirer.start_card_verification(req).await?;
        Ok(PaymentPage {
            url: page.url,
            expires_at: page.expires_at,
        })
    }

    /// Verifies and applies an acquirer webhook (raw headers and body).
    pub async fn acquirer_webhook(
        &self,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Applied, EngineError> {
        let event = self.ports.acquirer.verify_webhook(headers, body).await?;
        self.apply_payment_event(&event).await
    }

    /// Applies what the acquirer says about a payment (a webhook or a status read), at most once.
    pub async fn apply_payment_event(&self, event: &PaymentEvent) -> Result<Applied, EngineError> {
        let attempt = event
            .attempt
            .clone()
            .ok_or_else(|| invalid("the acquirer event names no attempt".into()))?;
        let code = project_of(attempt.as_str())
            .ok_or_else(|| invalid(format!("attempt {attempt} names no project")))?;
        let project = self.project(code).await?;
        let account = project.account();
        let key = OutsideId::new(
            "acquirer_event",
            format!("{}:{}", event.provider_ref, status_tag(&event.status)),
        );
        let cmd = if let Ok(link) = LinkId::new(attempt.as_str()) {
            if account.links().contains_key(&link) {
                match &event.status {
                    PaymentStatus::Succeeded => Some(AccountCommand::CardPaymentSucceeded {
                        link,
                        payment: event.provider_ref.clone(),
                        amount: event.amount,
                        card: event.saved_card.clone(),
                    }),
                    _ => None,
                }
            } else {
                None
            }
        } else {
            None
        };
        let cmd = match cmd {
            Some(c) => Some(c),
            // A result for an attempt already answered repeats what was recorded (an acquirer
            // answers synchronously and then calls back): nothing to do, except money arriving
            // late, which is always recorded.
            None if account
                .charges()
                .get(&attempt)
                .is_some_and(|c| c.status != AttemptStatus::InFlight)
                && event.status != PaymentStatus::Succeeded =>
            {
                return Ok(Applied::AlreadyApplied);
            }
            None if account
                .binding(&attempt)
                .is_some_and(|b| b.status != AttemptStatus::InFlight)
                && event.status != PaymentStatus::Succeeded =>
            {
                return Ok(Applied::AlreadyApplied);
            }
            None if account.charges().contains_key(&attempt) => {
                self.charge_result(&attempt, &event.status, &event.provider_ref, event.amount)
            }
            None if account.binding(&attempt).is_some() => match &event.status {
                PaymentStatus::Succeeded => match &event.saved_card {
                    Some(card) => Some(AccountCommand::CardBindingSucceeded {
                        attempt: attempt.clone(),
                        payment: event.provider_ref.clone(),
                        amount: event.amount,
                        card: card.clone(),
                        refund: RefundId::new(&format!("{attempt}-r"))
                            .map_err(|e| invalid(e.to_string()))?,
                    }),
                    None => Some(AccountCommand::CardBindingFailed {
                        attempt: attempt.clone(),
                        reason: "the acquirer saved no card".into(),
                    }),
                },
                PaymentStatus::Failed { .. } | PaymentStatus::Expired => {
                    Some(AccountCommand::CardBindingFailed {
                        attempt: attempt.clone(),
                        reason: reason_of(&event.status),
                    })
                }
                _ => None,
            },
            None => None,
        };
        let Some(cmd) = cmd else {
            return Ok(Applied::Done(Vec::new()));
        };
        let applied = self.account(code, &Actor::System, cmd, Some(key)).await?;
        self.refund_verifications(code, &applied).await?;
        Ok(applied)
    }

    /// Refunds through the acquirer the card payments that a command asked to refund (a card
    /// verification, a credit refunded to the card), and records each outcome.
    async fn refund_verifications(
        &self,
        code: ServiceCode,
        applied: &Applied,
    ) -> Result<(), EngineError> {
        let requested: Vec<(u32, RefundId, Money)> = applied
            .events()
            .filter_map(|e| match e {
                ProjectEvent::Account(AccountEvent::RefundRequested {
                    credit,
                    refund,
                    amount,
                }) => Some((*credit, refund.clone(), *amount)),
                _ => None,
            })
            .collect();
        if requested.is_empty() {
            return Ok(());
        }
        let project = self.project(code).await?;
        let account = project.account();
        for (credit, refund, amount) in requested {
            let Some(payment) = account
                .credits()
                .iter()
                .find(|c| c.id == credit)
                .and_then(|c| c.payment.clone())
            else {
                continue;
            };
            if !account
                .payment(&payment)
                .is_some_and(|p| p.source.is_card())
            {
                // Bank transfers are refunded by support through the bank.
                continue;
            }
            let outcome = self
                .ports
                .acquirer
                .refund(RefundRequest {
                    refund: AttemptId::new(refund.as_str()).map_err(|e| invalid(e.to_string()))?,
                    payment,
                    amount: Some(amount),
                })
                .await;
            let succeeded = matches!(
                outcome,
                Ok(PaymentStatus::Refunded | PaymentStatus::PartiallyRefunded { .. })
            );
            self.account(
                code,
                &Actor::System,
                AccountCommand::RecordRefund {
                    refund: refund.clone(),
                    succeeded,
                },
                Some(OutsideId::new("refund_result", refund.as_str())),
            )
            .await?;
        }
        Ok(())
    }

    fn charge_result(
        &self,
        attempt: &AttemptId,
        status: &PaymentStatus,
        payment: &PaymentId,
        amount: Money,
    ) -> Option<AccountCommand> {
        match status {
            PaymentStatus::Succeeded => Some(AccountCommand::ChargeSucceeded {
                attempt: attempt.clone(),
                payment: payment.clone(),
                amount,
            }),
            PaymentStatus::Failed { .. } | PaymentStatus::Expired => {
                Some(AccountCommand::ChargeFailed {
                    attempt: attempt.clone(),
                    reason: reason_of(status),
                })
            }
            PaymentStatus::RequiresAction { .. } => Some(AccountCommand::ChargeRequires3ds {
                attempt: attempt.clone(),
                link: LinkId::new(&format!("{attempt}-3ds")).ok()?,
            }),
            _ => None,
        }
    }

    /// Charges the autopay attempts of a project that await an answer: each attempt id was stored
    /// before the call; an unknown outcome is reconciled through the acquirer's records, never
    /// charged again blindly.
    pub async fn charge_autopay(
        &self,
        code: ServiceCode,
        report: &mut DailyReport,
    ) -> Result<(), EngineError> {
        let project = self.project(code).await?;
        let account = project.account();
        let Some(card) = account.card().cloned() else {
            return Ok(());
        };
        let attempts: Vec<(AttemptId, Money, InvoiceNumber)> = account
            .charges_in_flight()
            .map(|(a, c)| (a.clone(), c.amount, c.invoice))
            .collect();
        for (attempt, amount, invoice) in attempts {
            // An earlier call may have reached the acquirer: ask before charging.
            let known = self.ports.acquirer.find_by_attempt(&attempt).await?;
            let (status, payment) = match known {
                Some(ev) if !matches!(ev.status, PaymentStatus::Created) => {
                    (ev.status, ev.provider_ref)
                }
                _ => {
                    let req = ChargeRequest {
                        attempt: attempt.clone(),
                        card: card.token.clone(),
                        amount,
                        description: format!("Оплата за рахунком № {invoice}"),
                    };
                    match self.ports.acquirer.charge_saved_card(req).await {
                        Ok(outcome) => (outcome.status, outcome.provider_ref),
                        Err(AcquirerError::Declined { code, message }) => (
                            PaymentStatus::Failed {
                                code: Some(code),
                                reason: Some(message),
                            },
                            PaymentId::new(&format!("{attempt}-declined"))
                                .map_err(|e| invalid(e.to_string()))?,
                        ),
                        Err(
                            AcquirerError::OutcomeUnknown(_)
                            | AcquirerError::Unreachable(_)
                            | AcquirerError::RateLimited { .. },
                        ) => {
                            report.charges_pending += 1;
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            };
            let Some(cmd) = self.charge_result(&attempt, &status, &payment, amount) else {
                report.charges_pending += 1;
                continue;
            };
            match &cmd {
                AccountCommand::ChargeSucceeded { .. } => report.charges_succeeded += 1,
                AccountCommand::ChargeFailed { .. } => report.charges_failed += 1,
                AccountCommand::ChargeRequires3ds { link, .. } => {
                    report.charges_3ds += 1;
                    let link = link.clone();
                    let key = OutsideId::new("charge_result", attempt.as_str());
                    self.account(code, &Actor::System, cmd, Some(key)).await?;
                    self.publish_link(code, &link).await?;
                    continue;
                }
                _ => {}
            }
            let key = OutsideId::new("charge_result", attempt.as_str());
            self.account(code, &Actor::System, cmd, Some(key)).await?;
        }
        Ok(())
    }

    /// The daily job for one project: issue due invoices, request autopay charges and retries, send
    /// reminders, block or unblock; then charge.
    pub async fn run_daily_for(
        &self,
        code: ServiceCode,
        report: &mut DailyReport,
    ) -> Result<(), EngineError> {
        let (applied, after) = self
            .execute_with_state(
                code,
                &Actor::System,
                &ProjectCommand::Account(AccountCommand::DailyTick),
                None,
            )
            .await?;
        for e in applied.events() {
            match e {
                ProjectEvent::Account(AccountEvent::InvoiceIssued { .. }) => {
                    report.invoices_issued += 1
                }
                ProjectEvent::Account(AccountEvent::Blocked { .. }) => report.blocked += 1,
                ProjectEvent::Account(AccountEvent::Unblocked) => report.unblocked += 1,
                _ => {}
            }
        }
        let charges_due = after.is_some_and(|p| {
            p.account().card().is_some() && p.account().charges_in_flight().next().is_some()
        });
        if charges_due {
            self.charge_autopay(code, report).await?;
        }
        Ok(())
    }

    /// The daily job over every project. A failing project is reported and the job goes on.
    pub async fn run_daily(&self) -> Result<DailyReport, EngineError> {
        let mut report = DailyReport::default();
        for code in self.ports.store.projects().await? {
            report.projects += 1;
            if let Err(e) = self.run_daily_for(code, &mut report).await {
                use billing_core::ErrorCode;
                report.failures.push((code, e.code().to_string()));
            }
        }
        Ok(report)
    }

    /// Up to `limit` notifications to send, oldest first.
    pub async fn next_notifications(&self, limit: usize) -> Result<Vec<OutboxItem>, EngineError> {
        Ok(self.ports.store.next_notifications(limit).await?)
    }

    /// Marks notifications as sent.
    pub async fn acknowledge(&self, ids: &[i64]) -> Result<(), EngineError> {
        Ok(self.ports.store.acknowledge(ids).await?)
    }

    /// A project's audit trail, oldest first.
    pub async fn audit_trail(&self, code: ServiceCode) -> Result<Vec<StoredEvent>, EngineError> {
        Ok(self.ports.store.events(code, 0).await?)
    }

    /// All stored projects.
    pub async fn projects(&self) -> Result<Vec<ServiceCode>, EngineError> {
        Ok(self.ports.store.projects().await?)
    }
}

/// The project a generated id belongs to: its first dash-separated part of exactly five digits
/// (`HOR-11111-007-c1`, `B-11111-2`).
pub fn project_of(id: &str) -> Option<ServiceCode> {
    id.split('-').find_map(|part| ServiceCode::parse(part).ok())
}

fn status_tag(s: &PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::Created => "created",
        PaymentStatus::Processing => "processing",
        PaymentStatus::RequiresAction { .. } => "requires_action",
        PaymentStatus::Succeeded => "succeeded",
        PaymentStatus::Failed { .. } => "failed",
        PaymentStatus::Expired => "expired",
        PaymentStatus::PartiallyRefunded { .. } => "partially_refunded",
        PaymentStatus::Refunded => "refunded",
    }
}

fn reason_of(s: &PaymentStatus) -> String {
    match s {
        PaymentStatus::Failed { code, reason } => reason
            .clone()
            .or_else(|| code.clone())
            .unwrap_or_else(|| "declined".into()),
        PaymentStatus::Expired => "expired".into(),
        other => status_tag(other).into(),
    }
}

fn invalid(message: String) -> EngineError {
    EngineError::Config(message)
}

/// JSON for the store, with the serialisation error mapped.
fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
