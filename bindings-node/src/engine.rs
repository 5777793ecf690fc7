//! The engine in Node: `await Engine.open(pathOrUrl, { config, clock, registry })`, then one
//! Promise-returning method per use case of `billing_engine::Engine`.
//!
//! Every method is an `async fn` on napi's tokio runtime: it parses its arguments with the core's
//! parsers, awaits the engine, and converts the result; the event loop never waits for the engine
//! or the database. Failures reject with a plain `Error` carrying the core's dotted `.code` (see
//! [`crate::reply`]). Arguments of the wrong JavaScript type (a number for a string) throw napi's
//! own `Error` synchronously, as the synchronous functions do.
//!
//! Adding a use case is one method here: parse, `engine.<use case>(..).await?`, convert. The
//! document side (requisites, Vchasno, acts and their PDFs) is in [`crate::paperwork`], the
//! dry-run reconciliation (no engine needed) in [`crate::reconcile`].

use std::collections::HashMap;
use std::sync::Arc;

use billing_core::account::AccountCommand;
use billing_core::admin::{AdminCommand, OwnerContact};
use billing_core::ports::{OutboxItem, PaymentEvent, StoredEvent};
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Audited, InvoiceNumber, Money, ProjectEvent, ServiceCode, TaxId};
use billing_engine::{Applied, EngineConfig, EngineError};
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::instant::Instant;
use crate::ports::{ClockFunction, JsClock, JsRegistry, RegistryAnswer, RegistryFunction};
use crate::reply::{call, Failure, Reply};
use crate::section::BillingSection;
use crate::vchasno::{JsVchasno, VchasnoPort};

/// How `Engine.open` sets the engine up, besides the store.
#[napi(object, object_to_js = false)]
pub struct EngineOptions {
    /// The engine's JSON configuration (the CLI's format: `policy`, `catalog`,
    /// `bank_job_every_minutes`, snake_case keys), as an object or JSON text. The keys given replace
    /// the platform's defaults (the standard catalog and the default policy); an unknown key is an
    /// `engine.config` error. `store` is the first argument of `open`.
    #[napi(ts_type = "string | Record<string, unknown>")]
    pub config: Option<Value>,
    /// The clock, when not the system clock: a function returning the current instant as a `Date`
    /// (a fixed clock in tests). It is called on the JavaScript thread whenever the engine asks
    /// the time; if it throws or returns anything but a valid `Date`, the call fails with
    /// `clock.failed` (`open` itself fails at once when its first reading does).
    #[napi(ts_type = "() => Date")]
    pub clock: Option<ClockFunction>,
    /// The registry lookup (ЄДРПОУ / РНОКПП → name, address, VAT status), when the platform has
    /// its own registry client: a function of the code returning a `RegistryAnswer` or a Promise of
    /// one. Throwing or rejecting fails the lookup with `registry.failed`. Without it, every
    /// lookup answers `not_found`.
    #[napi(ts_type = "(taxId: string) => RegistryAnswer | Promise<RegistryAnswer>")]
    pub registry: Option<RegistryFunction>,
    /// Vchasno, when the platform talks to it from JavaScript: `checkCompany`, `uploadAct` and
    /// `statuses`, each returning its answer or a Promise of it (throwing or rejecting is the
    /// retryable `vchasno.unreachable`). Without it, the engine uses the Vchasno adapter of its
    /// configuration (the in-memory one, where no company is registered, by default).
    pub vchasno: Option<VchasnoPort>,
}

/// The project owner's contact, as given at sign-up.
#[napi(object, object_to_js = false)]
pub struct OwnerInput {
    /// Full name (ПІБ), e.g. `"Олена Коваль"`.
    pub full_name: String,
    /// Email, e.g. `"olena@shop.ua"`.
    pub email: String,
    /// Phone as people write it, e.g. `"050 123 45 67"`.
    pub phone: String,
}

/// Who issued a command or caused a change.
#[napi(object, use_nullable = true)]
pub struct Actor {
    /// The kind of actor.
    #[napi(ts_type = "'owner' | 'support' | 'manager' | 'system'")]
    pub kind: String,
    /// The agent's id in the platform, for `support` and `manager`.
    pub id: Option<String>,
}

/// One change a command made: an audit record.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Change {
    /// When it was decided.
    #[napi(ts_type = "Date")]
    pub at: Instant,
    /// Who issued the command.
    pub actor: Actor,
    /// The event, in the core's JSON form (snake_case keys, instants as ISO strings).
    #[napi(ts_type = "{ aggregate: 'admin' | 'account'; event: { [field: string]: unknown } }")]
    pub event: Value,
}

/// What a command did.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct CommandResult {
    /// Whether its outside id (a bank transaction id, an acquirer callback) was recorded before:
    /// it took effect then, and nothing changed now.
    pub already_applied: bool,
    /// The changes it made, oldest first (none when already applied, or when nothing was due).
    pub changes: Vec<Change>,
}

/// A recorded event of a project's audit trail.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditRecord {
    /// The project's stream version after this event (1 for the first).
    pub version: i64,
    /// When it was decided.
    #[napi(ts_type = "Date")]
    pub at: Instant,
    /// Who issued the command.
    pub actor: Actor,
    /// The event, in the core's JSON form.
    #[napi(ts_type = "{ aggregate: 'admin' | 'account'; event: { [field: string]: unknown } }")]
    pub event: Value,
}

/// A payment page to send the owner to.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PaymentPage {
    /// The acquirer's page.
    pub url: String,
    /// Until when it works.
    #[napi(ts_type = "Date")]
    pub expires_at: Instant,
}

/// A notification waiting in the outbox, for the platform to send.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct OutboxNotification {
    /// The outbox id, for `acknowledge`.
    pub id: i64,
    /// The project's service code.
    pub project: String,
    /// When it was decided.
    #[napi(ts_type = "Date")]
    pub at: Instant,
    /// What to send, in the core's JSON form (`kind`: `invoice_issued`, `payment_received`, ...).
    #[napi(ts_type = "{ kind: string; [field: string]: unknown }")]
    pub notification: Value,
}

/// A project whose daily run failed.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct DailyFailure {
    /// The project's service code.
    pub service_code: String,
    /// The error's dotted code.
    pub code: String,
}

/// The daily job's report.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct DailyReport {
    /// Projects visited.
    pub projects: u32,
    /// Invoices issued.
    pub invoices_issued: u32,
    /// Autopay charges that succeeded.
    pub charges_succeeded: u32,
    /// Autopay charges that failed (retried on schedule).
    pub charges_failed: u32,
    /// Charges that asked for 3-D Secure (the owner got a payment link).
    #[napi(js_name = "charges3ds")]
    pub charges_3ds: u32,
    /// Charges whose outcome is not known yet (reconciled later through status reads).
    pub charges_pending: u32,
    /// Projects blocked today.
    pub blocked: u32,
    /// Projects unblocked today.
    pub unblocked: u32,
    /// Projects whose run failed, with the error code (the job goes on with the others).
    pub failures: Vec<DailyFailure>,
}

/// The billing engine over a store (a SQLite file or a PostgreSQL URL): the use cases the platform
/// backend calls, each returning a Promise.
///
/// ```js
/// const engine = await Engine.open('billing.db', { clock: () => new Date() })
/// const section = await engine.billingSection('11111')
/// section.totalOwed   // '309.68'
/// ```
#[napi]
pub struct Engine {
    pub(crate) inner: Arc<billing_engine::Engine>,
}

#[napi]
impl Engine {
    /// Opens the engine over a store: a SQLite file path (created and migrated on first open) or
    /// a `postgres://` URL. Rejects with `engine.config` for a bad configuration, `clock.failed`
    /// when the clock's first reading fails, `store.*` when the store cannot be opened.
    #[napi(ts_return_type = "Promise<Engine>")]
    pub async fn open(path_or_url: String, options: Option<EngineOptions>) -> Reply<Engine> {
        call(async move {
            let EngineOptions {
                config,
                clock,
                registry,
                vchasno,
            } = options.unwrap_or(EngineOptions {
                config: None,
                clock: None,
                registry: None,
                vchasno: None,
            });
            let config = engine_config(path_or_url, config)?;
            let clock = clock.map(JsClock::new).transpose()?;
            let opened = billing_engine::Engine::open(config).await?;
            let mut ports = opened.ports().clone();
            if let Some(clock) = clock {
                ports.clock = Arc::new(clock);
            }
            if let Some(registry) = registry {
                ports.registry = Arc::new(JsRegistry::new(registry));
            }
            if let Some(vchasno) = vchasno {
                ports.vchasno = Arc::new(JsVchasno::new(vchasno));
            }
            let inner = billing_engine::Engine::new(opened.config().clone(), ports);
            Ok(Engine {
                inner: Arc::new(inner),
            })
        })
        .await
    }

    /// Registers a new project with its owner and starts billing on a tariff of the catalog
    /// (`'start'`, `'business'`, `'pro'` in the standard one): the first invoice is issued at once,
    /// prorated to the month's end. Resolves to the events, in the core's JSON form.
    #[napi(
        ts_args_type = "serviceCode: string, owner: OwnerInput, tariff: string, period: 'monthly' | 'quarterly' | 'half_yearly' | 'yearly'",
        ts_return_type = "Promise<Array<{ aggregate: 'admin' | 'account'; event: { [field: string]: unknown } }>>"
    )]
    pub async fn open_project(
        &self,
        service_code: String,
        owner: OwnerInput,
        tariff: String,
        period: String,
    ) -> Reply<Vec<Value>> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let owner = OwnerContact {
                full_name: owner.full_name.parse()?,
                email: owner.email.parse()?,
                phone: owner.phone.parse()?,
            };
            let tariff = TariffCode::new(&tariff)?;
            let period: BillingPeriod = from_json("period", Value::String(period))?;
            let events = engine.open_project(code, owner, &tariff, period).await?;
            events.iter().map(to_json).collect()
        })
        .await
    }

    /// Records the daily usage counters the platform sends: products now, orders this month.
    #[napi(ts_return_type = "Promise<CommandResult>")]
    pub async fn record_usage(
        &self,
        service_code: String,
        products: u32,
        orders_this_month: u32,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            command_result(
                engine
                    .record_usage(code, products, orders_this_month)
                    .await?,
            )
        })
        .await
    }

    /// The billing section of a project: everything the help page shows, in one value.
    #[napi(ts_return_type = "Promise<BillingSection>")]
    pub async fn billing_section(&self, service_code: String) -> Reply<BillingSection> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            BillingSection::from_core(&engine.billing_section(code).await?)
        })
        .await
    }

    /// Credits a bank transfer (a decimal amount, e.g. `'309.68'`), matched to an invoice when
    /// given. Matched automatically the actor is `'system'` (the default); by support from the
    /// payer's receipt, `{ kind: 'support', id }`. The bank transaction id takes effect at most once:
    /// a repeat resolves with `alreadyApplied: true`.
    #[napi(
        ts_args_type = "serviceCode: string, transaction: string, amount: string, invoice?: string | null, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn credit_bank_transfer(
        &self,
        service_code: String,
        transaction: String,
        amount: String,
        invoice: Option<String>,
        actor: Option<Value>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let amount: Money = amount.parse()?;
            let invoice = invoice.map(|i| i.parse::<InvoiceNumber>()).transpose()?;
            let actor = parse_actor(actor)?;
            let applied = engine
                .credit_bank_transfer(code, &actor, &transaction, amount, invoice)
                .await?;
            command_result(applied)
        })
        .await
    }

    /// The card payment page of an open invoice: the valid one, or a new one when the last
    /// expired. The actor defaults to the owner.
    #[napi(
        ts_args_type = "serviceCode: string, invoice: string, actor?: 'owner' | 'system' | Actor",
        ts_return_type = "Promise<PaymentPage>"
    )]
    pub async fn payment_link(
        &self,
        service_code: String,
        invoice: String,
        actor: Option<Value>,
    ) -> Reply<PaymentPage> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let invoice: InvoiceNumber = invoice.parse()?;
            let actor = match actor {
                None => billing_core::Actor::Owner,
                given => parse_actor(given)?,
            };
            let page = engine.payment_link(code, &actor, invoice).await?;
            Ok(PaymentPage {
                url: page.url,
                expires_at: Instant(page.expires_at),
            })
        })
        .await
    }

    /// The owner binds (or changes) a card: a payment page that pays the open invoice with the
    /// card saved, or a 1 UAH verification refunded once it succeeds.
    #[napi(ts_return_type = "Promise<PaymentPage>")]
    pub async fn bind_card(&self, service_code: String) -> Reply<PaymentPage> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let page = engine.bind_card(code).await?;
            Ok(PaymentPage {
                url: page.url,
                expires_at: Instant(page.expires_at),
            })
        })
        .await
    }

    /// Verifies and applies an acquirer webhook: its headers (names as received) and raw body.
    #[napi(
        ts_args_type = "headers: Record<string, string>, body: Buffer | string",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn acquirer_webhook(
        &self,
        headers: HashMap<String, String>,
        body: Either<Buffer, String>,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let mut headers: Vec<(String, String)> = headers.into_iter().collect();
            headers.sort();
            let body: Vec<u8> = match body {
                Either::A(bytes) => bytes.to_vec(),
                Either::B(text) => text.into_bytes(),
            };
            command_result(engine.acquirer_webhook(&headers, &body).await?)
        })
        .await
    }

    /// Applies what the acquirer says about a payment (a status read, say), at most once: the
    /// event in the core's JSON form (`provider_ref`, `attempt`, `status`, `amount`,
    /// `occurred_at`, `saved_card`).
    #[napi(
        ts_args_type = "event: Record<string, unknown>",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn apply_payment_event(&self, event: Value) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let event: PaymentEvent = from_json("payment event", event)?;
            command_result(engine.apply_payment_event(&event).await?)
        })
        .await
    }

    /// The daily job over every project: issue due invoices, charge autopay, send reminders, block
    /// or unblock. A failing project is reported and the job goes on.
    #[napi(ts_return_type = "Promise<DailyReport>")]
    pub async fn run_daily(&self) -> Reply<DailyReport> {
        let engine = self.inner.clone();
        call(async move {
            let r = engine.run_daily().await?;
            let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
            Ok(DailyReport {
                projects: n(r.projects),
                invoices_issued: n(r.invoices_issued),
                charges_succeeded: n(r.charges_succeeded),
                charges_failed: n(r.charges_failed),
                charges_3ds: n(r.charges_3ds),
                charges_pending: n(r.charges_pending),
                blocked: n(r.blocked),
                unblocked: n(r.unblocked),
                failures: r
                    .failures
                    .into_iter()
                    .map(|(code, error)| DailyFailure {
                        service_code: code.to_string(),
                        code: error,
                    })
                    .collect(),
            })
        })
        .await
    }

    /// Up to `limit` notifications to send, oldest first; acknowledge them once sent.
    #[napi(ts_return_type = "Promise<OutboxNotification[]>")]
    pub async fn next_notifications(&self, limit: u32) -> Reply<Vec<OutboxNotification>> {
        let engine = self.inner.clone();
        call(async move {
            let items = engine.next_notifications(limit as usize).await?;
            items.into_iter().map(outbox_notification).collect()
        })
        .await
    }

    /// Marks notifications as sent, by their outbox ids.
    #[napi(ts_return_type = "Promise<void>")]
    pub async fn acknowledge(&self, ids: Vec<i64>) -> Reply<()> {
        let engine = self.inner.clone();
        call(async move { Ok(engine.acknowledge(&ids).await?) }).await
    }

    /// A project's audit trail, oldest first.
    #[napi(ts_return_type = "Promise<AuditRecord[]>")]
    pub async fn audit_trail(&self, service_code: String) -> Reply<Vec<AuditRecord>> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let events = engine.audit_trail(code).await?;
            events.into_iter().map(audit_record).collect()
        })
        .await
    }

    /// The service codes of all stored projects.
    #[napi(ts_return_type = "Promise<string[]>")]
    pub async fn projects(&self) -> Reply<Vec<String>> {
        let engine = self.inner.clone();
        call(async move {
            let codes = engine.projects().await?;
            Ok(codes.iter().map(ServiceCode::to_string).collect())
        })
        .await
    }

    /// Runs an administration command given in the core's JSON form, e.g.
    /// `{ command: 'add_domain', domain: 'shop.ua' }`; a malformed one is `input.invalid`.
    #[napi(
        ts_args_type = "serviceCode: string, actor: 'owner' | 'system' | Actor, command: { command: string; [field: string]: unknown }",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn admin(
        &self,
        service_code: String,
        actor: Value,
        command: Value,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let actor = parse_actor(Some(actor))?;
            let command: AdminCommand = from_json("admin command", command)?;
            command_result(engine.admin(code, &actor, command).await?)
        })
        .await
    }

    /// Runs a billing account command given in the core's JSON form, e.g.
    /// `{ type: 'stop_autopay', reason: '...' }`; a malformed one is `input.invalid`.
    #[napi(
        ts_args_type = "serviceCode: string, actor: 'owner' | 'system' | Actor, command: { type: string; [field: string]: unknown }",
        ts_return_type = "Promise<CommandResult>"
    )]
    pub async fn account(
        &self,
        service_code: String,
        actor: Value,
        command: Value,
    ) -> Reply<CommandResult> {
        let engine = self.inner.clone();
        call(async move {
            let code = parse_code(&service_code)?;
            let actor = parse_actor(Some(actor))?;
            let command: AccountCommand = from_json("account command", command)?;
            command_result(engine.account(code, &actor, command, None).await?)
        })
        .await
    }

    /// Looks a ЄДРПОУ or РНОКПП up in the state registries through the registry port (the
    /// `registry` function given to `open`, if any).
    #[napi(ts_return_type = "Promise<RegistryAnswer>")]
    pub async fn lookup_requisites(&self, tax_id: String) -> Reply<RegistryAnswer> {
        let engine = self.inner.clone();
        call(async move {
            let tax_id: TaxId = tax_id.parse()?;
            let answer = engine.ports().registry.lookup(&tax_id).await?;
            Ok(RegistryAnswer::from_core(answer))
        })
        .await
    }
}

/// The configuration: the platform's defaults over the store, with the given keys replacing them.
fn engine_config(store: String, given: Option<Value>) -> Result<EngineConfig, Failure> {
    let config_error = |message: String| Failure::from(EngineError::Config(message));
    let defaults = EngineConfig::with_defaults(store.clone());
    let Some(given) = given else {
        return Ok(defaults);
    };
    let given = match given {
        Value::String(text) => {
            serde_json::from_str(&text).map_err(|e| config_error(format!("not JSON: {e}")))?
        }
        other => other,
    };
    let Value::Object(given) = given else {
        return Err(config_error("expected an object".into()));
    };
    let mut config = match serde_json::to_value(&defaults) {
        Ok(Value::Object(map)) => map,
        _ => return Err(config_error("the defaults do not serialise".into())),
    };
    for (key, value) in given {
        if key == "store" {
            if value != Value::String(store.clone()) {
                return Err(config_error(
                    "`store` is the first argument of Engine.open".into(),
                ));
            }
        } else if !config.contains_key(&key) {
            return Err(config_error(format!("unknown key `{key}`")));
        }
        config.insert(key, value);
    }
    serde_json::from_value(Value::Object(config)).map_err(|e| config_error(e.to_string()))
}

pub(crate) fn parse_code(input: &str) -> Result<ServiceCode, Failure> {
    Ok(input.parse::<ServiceCode>()?)
}

/// Reads a value in the core's JSON form; what it refuses is `input.invalid`.
pub(crate) fn from_json<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, Failure> {
    serde_json::from_value(value).map_err(|e| Failure::new("input.invalid", format!("{what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::new("binding.conversion", e.to_string()))
}

/// An actor argument: `'owner'`, `'system'`, or `{ kind, id }`; `'system'` when omitted.
pub(crate) fn parse_actor(actor: Option<Value>) -> Result<billing_core::Actor, Failure> {
    let value = match actor {
        None | Some(Value::Null) => return Ok(billing_core::Actor::System),
        Some(Value::String(kind)) => serde_json::json!({ "kind": kind }),
        Some(other) => other,
    };
    from_json("actor", value)
}

fn actor_to_js(actor: &billing_core::Actor) -> Actor {
    let (kind, id) = match actor {
        billing_core::Actor::Owner => ("owner", None),
        billing_core::Actor::Support { id } => ("support", Some(id.clone())),
        billing_core::Actor::Manager { id } => ("manager", Some(id.clone())),
        billing_core::Actor::System => ("system", None),
    };
    Actor {
        kind: kind.to_string(),
        id,
    }
}

pub(crate) fn command_result(applied: Applied) -> Result<CommandResult, Failure> {
    let records: &[Audited<ProjectEvent>] = match &applied {
        Applied::Done(records) => records,
        Applied::AlreadyApplied => &[],
    };
    Ok(CommandResult {
        already_applied: matches!(applied, Applied::AlreadyApplied),
        changes: records
            .iter()
            .map(|r| {
                Ok(Change {
                    at: Instant(r.at),
                    actor: actor_to_js(&r.actor),
                    event: to_json(&r.event)?,
                })
            })
            .collect::<Result<_, Failure>>()?,
    })
}

fn audit_record(e: StoredEvent) -> Result<AuditRecord, Failure> {
    Ok(AuditRecord {
        version: i64::try_from(e.version).unwrap_or(i64::MAX),
        at: Instant(e.at),
        actor: actor_to_js(&e.actor),
        event: e.payload,
    })
}

fn outbox_notification(item: OutboxItem) -> Result<OutboxNotification, Failure> {
    Ok(OutboxNotification {
        id: item.id,
        project: item.project.to_string(),
        at: Instant(item.at),
        notification: to_json(&item.notification)?,
    })
}
