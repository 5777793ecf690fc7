//! The engine for Python: the native half of `billing_core.Engine`.
//!
//! Every use case runs the engine's async code on one shared tokio runtime, in two forms made from
//! one body by [`engine_ops!`]: a blocking method that releases the GIL while Rust works, and an
//! `_async` method that returns an `asyncio.Future` of the running loop, resolved from the runtime
//! with `loop.call_soon_threadsafe`. Results cross as the core's serde JSON (one Rust definition of
//! every read model), which `billing_core/engine.py` decodes into frozen dataclasses with `Decimal`,
//! `date`, aware `datetime` and enums; arguments cross as text and are parsed by the core.
//!
//! Adding a use case is one entry in the `engine_ops!` list here and one method pair in
//! `engine.py`. The document side (requisites, Vchasno, acts and their PDFs) takes the requisites
//! form as the core's JSON and returns the billing section's views of requisites and acts, so a
//! result reads the same as in the section. Later: `reconcile` against the store, once the engine
//! has it (the dry run over data is `billing_core.reconcile`, see `statements`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use billing_core as core;
use billing_core::admin::OwnerContact;
use billing_core::paperwork::RequisitesForm;
use billing_core::ports::{Clock, OutsideId};
use billing_core::project::ProjectCommand;
use billing_core::section::SectionAct;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, Audited, BillingMonth, InvoiceNumber, ServiceCode};
use billing_engine::{Applied, Engine, EngineConfig, EngineError, Ports};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::IntoPyObjectExt;
use serde::Serialize;

use crate::errors::{config_err, engine_err, to_py_err};
use crate::ports::{PyMemoryVchasno, PyRegistry};

/// The one tokio runtime behind every engine of the process (multi-threaded, built on first use).
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .thread_name("billing-core")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the tokio runtime: {e}")))
}

/// Set by the interpreter's `atexit` (see [`before_exit`]): runtime threads stop calling Python.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);
/// How many runtime threads are calling Python right now.
static ATTACHED: AtomicUsize = AtomicUsize::new(0);

/// Decrements [`ATTACHED`] when dropped.
struct Attached;

impl Drop for Attached {
    fn drop(&mut self) {
        ATTACHED.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `f` with the GIL from a runtime thread, or returns `None` once the interpreter is shutting
/// down: a thread that takes the GIL while Python finalizes crashes the process.
pub(crate) fn with_python<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        return None;
    }
    ATTACHED.fetch_add(1, Ordering::SeqCst);
    let _attached = Attached;
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        return None;
    }
    Some(Python::attach(f))
}

/// Called by `atexit` (registered in `billing_core.engine`): runtime threads stop calling Python,
/// and those inside Python finish (up to 5 s) before the interpreter finalizes. Engine calls still
/// running on the runtime complete without reporting back.
#[pyfunction]
pub fn _before_exit(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + Duration::from_secs(5);
        while ATTACHED.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// The payload a Python clock unwinds with when it fails: the Python exception, raised again from the
/// engine call (the use case stops at the clock, before anything is written).
struct ClockFailed(PyErr);

/// The engine's clock port, implemented by a Python callable that returns an aware UTC `datetime`
/// (`billing_core.engine` wraps the user's clock so that it does).
struct PyClock(Py<PyAny>);

impl Clock for PyClock {
    fn now(&self) -> DateTime<Utc> {
        let now = with_python(|py| self.0.call0(py)?.extract::<DateTime<Utc>>(py))
            .unwrap_or_else(|| Err(PyRuntimeError::new_err("the interpreter is shutting down")));
        match now {
            Ok(now) => now,
            // The port cannot fail; unwind to the call's `Guarded` wrapper, which raises the error.
            Err(e) => std::panic::resume_unwind(Box::new(ClockFailed(e))),
        }
    }
}

/// A future that turns a clock failure (or any panic) into a Python exception instead of unwinding.
struct Guarded<F>(Pin<Box<F>>);

impl<T, F: Future<Output = PyResult<T>>> Future for Guarded<F> {
    type Output = PyResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PyResult<T>> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(match payload.downcast::<ClockFailed>() {
                Ok(failed) => failed.0,
                Err(payload) => {
                    let message = payload
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| payload.downcast_ref::<&str>().copied())
                        .unwrap_or("the engine panicked");
                    PanicException::new_err(message.to_string())
                }
            })),
        }
    }
}

/// Runs a use case to completion on the shared runtime, with the GIL released.
fn run_blocking<T: Send>(
    py: Python<'_>,
    fut: impl Future<Output = PyResult<T>> + Send,
) -> PyResult<T> {
    let rt = runtime()?;
    py.detach(|| rt.block_on(Guarded(Box::pin(fut))))
}

/// `asyncio`, and `billing_core.engine._resolve` (sets a future's result unless it was cancelled).
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Spawns a use case on the shared runtime and returns an `asyncio.Future` of the running loop that
/// gets its result or exception. Cancelling the future does not stop the use case (it completes, and
/// its result is dropped), so a command never stops half-way.
fn spawn_future<'py, T>(
    py: Python<'py>,
    fut: impl Future<Output = PyResult<T>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let rt = runtime()?;
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()?;
    let future = event_loop.call_method0("create_future")?;
    let resolve = RESOLVE
        .import(py, "billing_core.engine", "_resolve")?
        .clone()
        .unbind();
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    rt.spawn(async move {
        let result = Guarded(Box::pin(fut)).await;
        with_python(|py| {
            let outcome = result.and_then(|value| value.into_py_any(py));
            let (ok, value) = match outcome {
                Ok(value) => (true, value),
                Err(e) => (false, e.into_value(py).into_any()),
            };
            // Fails only when the loop is closed: then nobody awaits the result.
            let _ =
                loop_ref.call_method1(py, "call_soon_threadsafe", (resolve, future_ref, ok, value));
        });
    });
    Ok(future)
}

/// The core's JSON of a value.
fn json(value: &impl Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| config_err(format!("cannot encode the result: {e}")))
}

fn code_of(code: &str) -> PyResult<ServiceCode> {
    code.parse::<ServiceCode>().map_err(to_py_err)
}

fn invoice_of(number: &str) -> PyResult<InvoiceNumber> {
    number.parse::<InvoiceNumber>().map_err(to_py_err)
}

fn actor_of(actor_json: &str) -> PyResult<Actor> {
    serde_json::from_str(actor_json).map_err(|e| config_err(format!("actor: {e}")))
}

fn form_of(form_json: &str) -> PyResult<RequisitesForm> {
    serde_json::from_str(form_json).map_err(|e| config_err(format!("requisites form: {e}")))
}

fn month_of(month: &str) -> PyResult<BillingMonth> {
    month.parse::<BillingMonth>().map_err(to_py_err)
}

/// An act as the billing section shows it (the section's own view, so both read the same).
async fn section_act(engine: &Engine, code: ServiceCode, number: &str) -> PyResult<SectionAct> {
    let section = engine.billing_section(code).await.or_raise()?;
    section
        .acts
        .into_iter()
        .find(|a| a.number == number)
        .ok_or_else(|| {
            let unknown = billing_core::paperwork::PaperworkError::UnknownAct {
                number: number.to_string(),
            };
            engine_err(EngineError::Refused(unknown.into()))
        })
}

/// `{"already_applied": bool, "events": [{at, actor, event}]}`.
fn applied_json(applied: &Applied) -> PyResult<String> {
    let events: &[Audited<core::ProjectEvent>] = match applied {
        Applied::Done(records) => records,
        Applied::AlreadyApplied => &[],
    };
    json(&serde_json::json!({
        "already_applied": matches!(applied, Applied::AlreadyApplied),
        "events": events,
    }))
}

/// Maps engine errors inside an op body: `engine.use_case(..).await.map_err(engine_err)?`.
trait OrRaise<T> {
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, EngineError> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(engine_err)
    }
}

/// The ports `open` takes from Python besides the store.
struct PyPorts {
    clock: Option<Py<PyAny>>,
    vchasno: Option<Arc<billing_engine::memory::MemoryVchasno>>,
    registry: Option<Py<PyAny>>,
}

impl PyPorts {
    fn new(
        clock: Option<Py<PyAny>>,
        vchasno: Option<&Bound<'_, PyMemoryVchasno>>,
        registry: Option<Py<PyAny>>,
    ) -> PyPorts {
        PyPorts {
            clock,
            vchasno: vchasno.map(|v| v.get().0.clone()),
            registry,
        }
    }
}

/// Opens an engine: the store from `store` (a SQLite path or a `postgres://` URL; `memory:` for an
/// in-memory store), the configuration's other keys from `config_json` over the defaults, the
/// clock (a callable returning an aware UTC datetime) or the system clock, the Vchasno given (or an
/// empty in-memory one) and the registry lookup (a callable returning the core's `RegistryAnswer`
/// JSON; by default every lookup finds nothing).
async fn open(
    store: String,
    config_json: Option<String>,
    given: PyPorts,
) -> PyResult<NativeEngine> {
    let mut config = serde_json::to_value(EngineConfig::with_defaults(store.clone()))
        .map_err(|e| config_err(e.to_string()))?;
    if let Some(text) = config_json {
        let given: serde_json::Value = serde_json::from_str(&text).map_err(config_err)?;
        let serde_json::Value::Object(given) = given else {
            return Err(config_err("the configuration must be a JSON object"));
        };
        if let Some(fields) = config.as_object_mut() {
            fields.extend(given);
            fields.insert("store".into(), serde_json::Value::String(store));
        }
    }
    let config = EngineConfig::from_json(&config.to_string()).or_raise()?;
    let store = billing_store::open(&config.store)
        .await
        .map_err(|e| engine_err(e.into()))?;
    let mut ports = Ports::with_store(store);
    if let Some(clock) = given.clock {
        ports.clock = Arc::new(PyClock(clock));
    }
    if let Some(vchasno) = given.vchasno {
        ports.vchasno = vchasno;
    }
    if let Some(registry) = given.registry {
        ports.registry = Arc::new(PyRegistry(registry));
    }
    Ok(NativeEngine {
        engine: Arc::new(Engine::new(config, ports)),
    })
}

/// Opens an engine, blocking (the GIL released); `billing_core.Engine.open` calls this.
#[pyfunction]
#[pyo3(signature = (store, config_json = None, clock = None, vchasno = None, registry = None))]
pub fn open_engine(
    py: Python<'_>,
    store: String,
    config_json: Option<String>,
    clock: Option<Py<PyAny>>,
    vchasno: Option<&Bound<'_, PyMemoryVchasno>>,
    registry: Option<Py<PyAny>>,
) -> PyResult<NativeEngine> {
    let given = PyPorts::new(clock, vchasno, registry);
    run_blocking(py, open(store, config_json, given))
}

/// Opens an engine, as an `asyncio.Future`; `billing_core.Engine.open_async` awaits this.
#[pyfunction]
#[pyo3(signature = (store, config_json = None, clock = None, vchasno = None, registry = None))]
pub fn open_engine_async<'py>(
    py: Python<'py>,
    store: String,
    config_json: Option<String>,
    clock: Option<Py<PyAny>>,
    vchasno: Option<&Bound<'py, PyMemoryVchasno>>,
    registry: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let given = PyPorts::new(clock, vchasno, registry);
    spawn_future(py, open(store, config_json, given))
}

/// An open engine. Python code uses `billing_core.Engine`, which wraps this with typed results.
#[pyclass(frozen, module = "billing_core._native", name = "NativeEngine")]
pub struct NativeEngine {
    engine: Arc<Engine>,
}

/// Declares engine use cases. Each entry is one async body over `engine: Arc<Engine>` and owned
/// arguments, returning `PyResult<T>`; it becomes the blocking method `name` (the GIL released while
/// the runtime runs the body) and the method `name_async` that returns an `asyncio.Future`.
macro_rules! engine_ops {
    ($(
        $(#[$meta:meta])*
        fn $name:ident / $name_async:ident($engine:ident $(, $arg:ident: $ty:ty)*) -> $out:ty
        $body:block
    )*) => {
        #[pymethods]
        impl NativeEngine {
            /// The current time from the engine's clock (aware, UTC).
            fn now(&self) -> PyResult<DateTime<Utc>> {
                let engine = self.engine.clone();
                std::panic::catch_unwind(AssertUnwindSafe(|| engine.now())).map_err(|payload| {
                    match payload.downcast::<ClockFailed>() {
                        Ok(failed) => failed.0,
                        Err(_) => PanicException::new_err("the clock panicked"),
                    }
                })
            }

            /// The store this engine was opened on (a path or URL).
            #[getter]
            fn store(&self) -> String {
                self.engine.config().store.clone()
            }

            /// The engine's configuration as JSON (`store`, `policy`, `catalog`,
            /// `bank_job_every_minutes`).
            fn config_json(&self) -> PyResult<String> {
                json(self.engine.config())
            }

            $(
                $(#[$meta])*
                #[allow(clippy::too_many_arguments)]
                fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<$out> {
                    let $engine = self.engine.clone();
                    run_blocking::<$out>(py, async move $body)
                }

                $(#[$meta])*
                #[doc = ""]
                #[doc = "As an `asyncio.Future` of the running loop."]
                #[allow(clippy::too_many_arguments)]
                fn $name_async<'py>(
                    &self,
                    py: Python<'py>,
                    $($arg: $ty),*
                ) -> PyResult<Bound<'py, PyAny>> {
                    let $engine = self.engine.clone();
                    spawn_future::<$out>(py, async move $body)
                }
            )*
        }
    };
}

engine_ops! {
    /// Registers a project with its owner and starts billing on a tariff of the catalog (the first
    /// invoice is issued at once): the events as JSON.
    fn open_project / open_project_async(
        engine, code: String, full_name: String, email: String, phone: String, tariff: String,
        period: String
    ) -> String {
        let code = code_of(&code)?;
        let owner = OwnerContact {
            full_name: full_name.parse().map_err(to_py_err)?,
            email: email.parse().map_err(to_py_err)?,
            phone: phone.parse().map_err(to_py_err)?,
        };
        let tariff = TariffCode::new(&tariff).map_err(to_py_err)?;
        let period: BillingPeriod = serde_json::from_value(serde_json::Value::String(period))
            .map_err(|e| config_err(format!("billing period: {e}")))?;
        let events = engine.open_project(code, owner, &tariff, period).await.or_raise()?;
        json(&events)
    }

    /// Records the daily usage counters: the applied command as JSON.
    fn record_usage / record_usage_async(
        engine, code: String, products: u32, orders_this_month: u32
    ) -> String {
        let code = code_of(&code)?;
        applied_json(&engine.record_usage(code, products, orders_this_month).await.or_raise()?)
    }

    /// The billing section of a project, as the core's JSON.
    fn billing_section / billing_section_async(engine, code: String) -> String {
        let code = code_of(&code)?;
        json(&engine.billing_section(code).await.or_raise()?)
    }

    /// Credits a bank transfer (at most once per bank transaction id): the applied command as JSON.
    fn credit_bank_transfer / credit_bank_transfer_async(
        engine, code: String, actor_json: String, transaction: String, amount: String,
        invoice: Option<String>
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        let amount: core::Money = amount.parse().map_err(to_py_err)?;
        let invoice = invoice.as_deref().map(invoice_of).transpose()?;
        let applied = engine
            .credit_bank_transfer(code, &actor, &transaction, amount, invoice)
            .await
            .or_raise()?;
        applied_json(&applied)
    }

    /// The card payment page of an open invoice, as JSON (`url`, `expires_at`).
    fn payment_link / payment_link_async(
        engine, code: String, actor_json: String, invoice: String
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        let invoice = invoice_of(&invoice)?;
        json(&engine.payment_link(code, &actor, invoice).await.or_raise()?)
    }

    /// The page on which the owner binds a card, as JSON (`url`, `expires_at`).
    fn bind_card / bind_card_async(engine, code: String) -> String {
        let code = code_of(&code)?;
        json(&engine.bind_card(code).await.or_raise()?)
    }

    /// Verifies and applies an acquirer webhook: the applied command as JSON.
    fn acquirer_webhook / acquirer_webhook_async(
        engine, headers: Vec<(String, String)>, body: Vec<u8>
    ) -> String {
        applied_json(&engine.acquirer_webhook(&headers, &body).await.or_raise()?)
    }

    /// Runs a raw project command (the core's `ProjectCommand` JSON) as `actor`, at most once per
    /// outside id: the applied command as JSON.
    fn execute / execute_async(
        engine, code: String, command_json: String, actor_json: String,
        outside_id: Option<(String, String)>
    ) -> String {
        let code = code_of(&code)?;
        let command: ProjectCommand = serde_json::from_str(&command_json)
            .map_err(|e| config_err(format!("command: {e}")))?;
        let actor = actor_of(&actor_json)?;
        let outside = outside_id.map(|(kind, id)| OutsideId::new(kind, id));
        applied_json(&engine.execute(code, &actor, &command, outside).await.or_raise()?)
    }

    /// The daily job over every project: its report as JSON.
    fn run_daily / run_daily_async(engine) -> String {
        json(&engine.run_daily().await.or_raise()?)
    }

    /// Up to `limit` notifications to send, oldest first, as JSON.
    fn next_notifications / next_notifications_async(engine, limit: usize) -> String {
        json(&engine.next_notifications(limit).await.or_raise()?)
    }

    /// Marks notifications as sent.
    fn acknowledge / acknowledge_async(engine, ids: Vec<i64>) -> () {
        engine.acknowledge(&ids).await.or_raise()
    }

    /// A project's audit trail, oldest first, as JSON.
    fn audit_trail / audit_trail_async(engine, code: String) -> String {
        let code = code_of(&code)?;
        json(&engine.audit_trail(code).await.or_raise()?)
    }

    /// The service codes of all stored projects.
    fn projects / projects_async(engine) -> Vec<String> {
        let codes = engine.projects().await.or_raise()?;
        Ok(codes.iter().map(ToString::to_string).collect())
    }

    /// The requisites form to show, prefilled from the project's records or the registry lookup
    /// for `tax_id`, as the engine's JSON (`form`, `source`, `notes`, `read_only`).
    fn requisites_prefill / requisites_prefill_async(
        engine, code: String, tax_id: Option<String>
    ) -> String {
        let code = code_of(&code)?;
        json(&engine.requisites_prefill(code, tax_id.as_deref()).await.or_raise()?)
    }

    /// "Save": stores the requisites form (the core's JSON); the applied command as JSON.
    fn save_requisites / save_requisites_async(
        engine, code: String, actor_json: String, form_json: String
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        let form = form_of(&form_json)?;
        applied_json(&engine.save_requisites(code, &actor, form).await.or_raise()?)
    }

    /// "Save and activate": stores the form and activates Vchasno; the applied command as JSON.
    fn save_and_activate_vchasno / save_and_activate_vchasno_async(
        engine, code: String, actor_json: String, form_json: String
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        let form = form_of(&form_json)?;
        let applied = engine.save_and_activate_vchasno(code, &actor, form).await.or_raise()?;
        applied_json(&applied)
    }

    /// Activates Vchasno for the saved requisites; the applied command as JSON.
    fn activate_vchasno / activate_vchasno_async(engine, code: String, actor_json: String) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        applied_json(&engine.activate_vchasno(code, &actor).await.or_raise()?)
    }

    /// Deactivates Vchasno; the applied command as JSON.
    fn deactivate_vchasno / deactivate_vchasno_async(
        engine, code: String, actor_json: String
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        applied_json(&engine.deactivate_vchasno(code, &actor).await.or_raise()?)
    }

    /// The act of a closed month (`2026-10`), drawn up and sent through Vchasno once: the act as
    /// the billing section shows it, as JSON.
    fn request_act / request_act_async(
        engine, code: String, actor_json: String, month: String
    ) -> String {
        let code = code_of(&code)?;
        let actor = actor_of(&actor_json)?;
        let month = month_of(&month)?;
        let act = engine.request_act(code, &actor, month).await.or_raise()?;
        json(&section_act(&engine, code, &act.number).await?)
    }

    /// The PDF of an act, rendered again from the record.
    fn act_pdf / act_pdf_async(engine, code: String, number: String) -> Vec<u8> {
        let code = code_of(&code)?;
        engine.act_pdf(code, &number).await.or_raise()
    }

    /// The PDF of an invoice (рахунок на оплату) with the NBU payment QR code.
    fn invoice_pdf / invoice_pdf_async(engine, code: String, number: String) -> Vec<u8> {
        let code = code_of(&code)?;
        engine.invoice_pdf(code, &number).await.or_raise()
    }

    /// Reads the Vchasno statuses of the acts that may still change and records the changes: the
    /// changed acts with their new status, as JSON pairs.
    fn poll_act_statuses / poll_act_statuses_async(engine, code: String) -> String {
        let code = code_of(&code)?;
        json(&engine.poll_act_statuses(code).await.or_raise()?)
    }

    /// The saved requisites as the billing section shows them, as JSON (`null` when none).
    fn requisites / requisites_async(engine, code: String) -> String {
        let code = code_of(&code)?;
        // Through the engine's use case (refuses an unknown project), then the section's view.
        if engine.requisites(code).await.or_raise()?.is_none() {
            return Ok("null".to_string());
        }
        json(&engine.billing_section(code).await.or_raise()?.requisites)
    }
}
