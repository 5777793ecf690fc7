//! The bank job: import statement lines, credit exact payments of named invoices automatically, and
//! keep every other line for support, who resolve them by hand.
//!
//! Every imported line is recorded in the store once, by its bank transaction id (`reversal:` and
//! the id for a reversal), so a statement imported twice changes nothing the second time, even when
//! two processes import it at the same moment: the one whose record lands first credits it, the
//! other reports it `already_processed`.
//!
//! An automatic credit is recorded first as `pending_credit`, then credited through the account
//! (where the bank transaction id is an outside id that takes effect at most once), then marked
//! `credited`. A process that dies in between leaves the line `pending_credit`; the next run of the
//! job finishes it, and the credit cannot happen twice. When the invoice changed between the decision
//! and the credit (a card payment came first), the line goes to support instead.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use billing_core::calendar::kyiv_date;
use billing_core::ports::{
    BankLineRecord, BankLineState, BankSourceError, BankStatementSource, OutsideId,
};
use billing_core::reconcile::ReconcileError;
use billing_core::reconcile::{
    decide_batch_with, resolve, BankLine, Currency, Decision, EarlierCredit, InvoiceFacts,
    InvoiceLookup, ReferenceFinder, References, Resolution, ResolutionRecord, ReviewReason,
};
use billing_core::{Actor, InvoiceNumber, InvoiceStatus, ServiceCode};
use billing_statements::dry_run::{LineResult, Summary};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{Engine, EngineError};

/// How many days back the scheduled bank job asks the source for lines (lines seen before are
/// skipped), so that a job that did not run for a while, or a line the bank books late, is not missed.
pub const BANK_LOOKBACK_DAYS: i64 = 7;

/// How many keys one store call reads or writes.
const CHUNK: usize = 1_000;

/// What an import did, line by line, in statement order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankImport {
    /// One result per statement line, as `billing reconcile --json` prints them.
    pub results: Vec<LineResult<'static>>,
    /// Counts per outcome and reason.
    pub summary: Summary,
    /// Automatic credits left `pending_credit` because the store or the project failed (the next
    /// run finishes them), with the error code.
    pub failures: Vec<(String, String)>,
    /// Lines left `pending_credit` by an earlier run and credited now.
    pub finished_earlier: usize,
}

/// A line waiting for support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewLine {
    /// The key to resolve it by.
    pub key: String,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// The project its purpose names, when it names one that exists.
    pub project: Option<ServiceCode>,
    /// The line.
    pub line: BankLine<'static>,
    /// Why it is waiting (the decision's reason, reference and reversal link).
    pub decision: Decision,
}

/// The key a line is recorded under.
pub fn line_key(line: &BankLine<'_>) -> String {
    if line.reversal {
        format!("reversal:{}", line.id)
    } else {
        line.id.to_string()
    }
}

/// The invoices the lines name (loaded from the store) and the lines recorded before.
struct StoreLookup {
    invoices: HashMap<InvoiceNumber, InvoiceFacts>,
    recorded: HashMap<String, BankLineRecord>,
}

impl InvoiceLookup for StoreLookup {
    fn invoice(&self, number: &InvoiceNumber) -> Option<InvoiceFacts> {
        self.invoices.get(number).copied()
    }

    fn already_processed(&self, line: &BankLine<'_>) -> bool {
        self.recorded.contains_key(&line_key(line))
    }

    fn earlier_credit(&self, transaction_id: &str) -> Option<EarlierCredit> {
        let record = self.recorded.get(transaction_id)?;
        let decision = Decision::deserialize(&record.decision).ok()?;
        let resolved = record
            .resolution
            .as_ref()
            .and_then(|r| ResolutionRecord::deserialize(r).ok())
            .and_then(|r| match r.resolution {
                Resolution::Credit { invoice, .. } => Some(invoice),
                Resolution::NotOurs { .. } => None,
            });
        Some(EarlierCredit {
            invoice: decision.credited_invoice().or(resolved),
        })
    }
}

fn record_state(decision: &Decision) -> Option<BankLineState> {
    match decision {
        Decision::AutoCredit { .. } => Some(BankLineState::PendingCredit),
        Decision::Review { .. } => Some(BankLineState::Review),
        // A line in progress at the bank is decided by a later import: not recorded.
        Decision::Ignored {
            reason: billing_core::reconcile::IgnoreReason::Pending,
        } => None,
        Decision::Ignored { .. } => Some(BankLineState::Ignored),
        Decision::AlreadyProcessed => None,
    }
}

fn decision_project(decision: &Decision) -> Option<ServiceCode> {
    match decision {
        Decision::AutoCredit { invoice, .. } => Some(invoice.service_code()),
        Decision::Review { reference, .. } => reference.map(|r| r.service_code()),
        _ => None,
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, EngineError> {
    serde_json::to_value(value).map_err(|e| EngineError::Config(format!("cannot encode: {e}")))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(billing_core::ports::StoreError::Corrupt(format!(
        "bad stored {what}: {e}"
    )))
}

fn stored_line(record: &BankLineRecord) -> Result<BankLine<'static>, EngineError> {
    BankLine::deserialize(record.line.clone()).map_err(|e| corrupt("bank line", e))
}

fn stored_decision(record: &BankLineRecord) -> Result<Decision, EngineError> {
    Decision::deserialize(&record.decision).map_err(|e| corrupt("bank line decision", e))
}

impl Engine {
    /// The reference finder for this platform's invoice prefix.
    fn finder(&self) -> ReferenceFinder {
        ReferenceFinder::new([self.config().policy.invoice_prefix])
    }

    /// The facts of every invoice of the given projects (projects not stored have none).
    async fn invoice_facts(
        &self,
        projects: impl IntoIterator<Item = ServiceCode>,
    ) -> Result<HashMap<InvoiceNumber, InvoiceFacts>, EngineError> {
        let mut facts = HashMap::new();
        for code in projects {
            let project = match self.project(code).await {
                Ok(p) => p,
                Err(EngineError::ProjectNotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            for invoice in project.account().invoices() {
                facts.insert(
                    invoice.number,
                    InvoiceFacts {
                        status: invoice.status,
                        owed: invoice.owed(),
                        currency: Currency::UAH,
                    },
                );
            }
        }
        Ok(facts)
    }

    async fn recorded_lines(
        &self,
        keys: Vec<String>,
    ) -> Result<HashMap<String, BankLineRecord>, EngineError> {
        let mut recorded = HashMap::new();
        for chunk in keys.chunks(CHUNK) {
            for record in self.ports().store.bank_lines(chunk).await? {
                recorded.insert(record.key.clone(), record);
            }
        }
        Ok(recorded)
    }

    /// Decides statement lines in order against the store, records each new line once, and credits
    /// the exact payments of named invoices. Lines recorded before (by an earlier import, or by
    /// another process a moment ago) change nothing and come back `already_processed`.
    pub async fn import_statement(
        &self,
        lines: &[BankLine<'_>],
    ) -> Result<BankImport, EngineError> {
        let finder = self.finder();
        let references: Vec<References> =
            lines.iter().map(|l| finder.classify(&l.purpose)).collect();
        let mut projects = BTreeSet::new();
        for r in &references {
            match r {
                References::None => {}
                References::One(n) => {
                    projects.insert(n.service_code());
                }
                References::Many(a, b) => {
                    projects.insert(a.service_code());
                    projects.insert(b.service_code());
                }
            }
        }
        let mut keys: Vec<String> = lines.iter().map(line_key).collect();
        keys.extend(
            lines
                .iter()
                .filter(|l| l.reversal)
                .map(|l| l.reverses.as_deref().unwrap_or(&l.id).to_string()),
        );
        let lookup = StoreLookup {
            invoices: self.invoice_facts(projects).await?,
            recorded: self.recorded_lines(keys).await?,
        };
        let mut decisions = decide_batch_with(lines, &lookup, |i, _| references[i]);

        // Record the new lines; those another process recorded first are theirs.
        let now = self.now();
        let mut to_record = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, (line, decision)) in lines.iter().zip(&decisions).enumerate() {
            if let Some(state) = record_state(decision) {
                // A repeat of a transaction id within the batch (a bank glitch) is queued for
                // support under a key of its own: `T1#2` for the second `T1`.
                let mut key = line_key(line);
                let n = seen.entry(key.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    key = format!("{key}#{n}");
                }
                to_record.push((
                    i,
                    BankLineRecord {
                        key,
                        imported_at: now,
                        state,
                        project: decision_project(decision),
                        line: to_json(line)?,
                        decision: to_json(decision)?,
                        resolution: None,
                    },
                ));
            }
        }
        let mut credits = Vec::new();
        for chunk in to_record.chunks(CHUNK) {
            let records: Vec<BankLineRecord> = chunk.iter().map(|(_, r)| r.clone()).collect();
            let inserted = self.ports().store.record_bank_lines(&records).await?;
            for ((i, record), new) in chunk.iter().zip(inserted) {
                if !new {
                    decisions[*i] = Decision::AlreadyProcessed;
                } else if record.state == BankLineState::PendingCredit {
                    credits.push((*i, record.clone()));
                }
            }
        }

        let mut failures = Vec::new();
        for (i, record) in credits {
            match self.finish_credit(&record).await {
                Ok(decision) => decisions[i] = decision,
                Err(e) => failures.push((
                    record.key.clone(),
                    billing_core::ErrorCode::code(&e).to_string(),
                )),
            }
        }
        let results = lines
            .iter()
            .zip(&decisions)
            .enumerate()
            .map(|(i, (line, d))| LineResult::new(i, line, d).into_owned())
            .collect();
        Ok(BankImport {
            results,
            summary: Summary::of(&decisions),
            failures,
            finished_earlier: 0,
        })
    }

    /// Credits a line recorded `pending_credit` and marks it `credited`; when the invoice is no
    /// longer open or owes another amount, sends it to support instead. Returns the final decision.
    async fn finish_credit(&self, record: &BankLineRecord) -> Result<Decision, EngineError> {
        let line = stored_line(record)?;
        let decision = stored_decision(record)?;
        let Decision::AutoCredit { invoice, amount } = decision else {
            return Err(corrupt(
                "pending credit",
                "the decision is not an automatic credit",
            ));
        };
        let code = invoice.service_code();
        let key = OutsideId::new("bank_transaction", line.id.to_string());
        let (state, decision) = match self.ports().store.outside_id(&key).await? {
            // Credited before, by a run that died before marking the line.
            Some(project) if project == code => (BankLineState::Credited, decision),
            Some(_) => (
                BankLineState::Review,
                review(ReviewReason::DuplicateTransaction, invoice),
            ),
            None => match self.recheck(invoice, amount).await? {
                Some(reason) => (BankLineState::Review, review(reason, invoice)),
                None => match self
                    .credit_bank_transfer(code, &Actor::System, &line.id, amount, Some(invoice))
                    .await
                {
                    Ok(_) => (BankLineState::Credited, decision),
                    Err(EngineError::Refused(_)) | Err(EngineError::ProjectNotFound(_)) => {
                        let reason = self
                            .recheck(invoice, amount)
                            .await?
                            .unwrap_or(ReviewReason::InvoiceNotOpen);
                        (BankLineState::Review, review(reason, invoice))
                    }
                    Err(e) => return Err(e),
                },
            },
        };
        let updated = BankLineRecord {
            state,
            decision: to_json(&decision)?,
            ..record.clone()
        };
        self.ports()
            .store
            .update_bank_line(BankLineState::PendingCredit, &updated)
            .await?;
        Ok(decision)
    }

    /// Why an automatic credit of `amount` to `invoice` no longer holds (the invoice changed since
    /// the decision: paid by card, cancelled), if it does not.
    async fn recheck(
        &self,
        invoice: InvoiceNumber,
        amount: billing_core::Money,
    ) -> Result<Option<ReviewReason>, EngineError> {
        let facts = self.invoice_facts([invoice.service_code()]).await?;
        Ok(match facts.get(&invoice) {
            None => Some(ReviewReason::UnknownInvoice),
            Some(f) if f.status != InvoiceStatus::Open || f.owed.is_zero() => {
                Some(ReviewReason::InvoiceNotOpen)
            }
            Some(f) if f.owed != amount => Some(ReviewReason::AmountMismatch),
            Some(_) => None,
        })
    }

    /// Finishes automatic credits that an earlier run left `pending_credit` (it died between
    /// recording the line and marking it credited). Returns how many it finished.
    pub async fn finish_pending_credits(&self) -> Result<usize, EngineError> {
        let mut finished = 0;
        loop {
            let pending = self
                .ports()
                .store
                .bank_lines_in(BankLineState::PendingCredit, CHUNK)
                .await?;
            if pending.is_empty() {
                return Ok(finished);
            }
            let mut progressed = false;
            for record in &pending {
                match self.finish_credit(record).await {
                    Ok(_) => {
                        finished += 1;
                        progressed = true;
                    }
                    // Another process finished it first.
                    Err(EngineError::Store(billing_core::ports::StoreError::BankLineChanged {
                        ..
                    })) => progressed = true,
                    Err(e) => return Err(e),
                }
            }
            if !progressed {
                return Ok(finished);
            }
        }
    }

    /// The bank job: finishes credits an earlier run left pending, then imports the lines the bank
    /// statement port shows for the last [`BANK_LOOKBACK_DAYS`] days (lines seen before change
    /// nothing). Run it every [`Engine::bank_job_interval`] (15 minutes by default), well within
    /// the 2 hours promised for crediting a transfer.
    pub async fn run_bank_job(&self) -> Result<BankImport, EngineError> {
        let finished_earlier = self.finish_pending_credits().await?;
        let since = kyiv_date(self.now()) - chrono::Duration::days(BANK_LOOKBACK_DAYS);
        let lines = self.ports().bank_statements.fetch(since).await?;
        let mut import = self.import_statement(&lines).await?;
        import.finished_earlier = finished_earlier;
        Ok(import)
    }

    /// How often the bank job should run (`bank_job_every_minutes` of the configuration).
    pub fn bank_job_interval(&self) -> Duration {
        Duration::from_secs(60 * u64::from(self.config().bank_job_every_minutes.max(1)))
    }

    /// Runs the bank job now and then every [`Engine::bank_job_interval`] until `stop` completes,
    /// handing each run's report (or error: the next run tries again) to `on_run`.
    pub async fn run_bank_job_every_interval<F>(
        &self,
        stop: impl std::future::Future<Output = ()>,
        mut on_run: F,
    ) where
        F: FnMut(Result<BankImport, EngineError>),
    {
        let mut ticks = tokio::time::interval(self.bank_job_interval());
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = ticks.tick() => on_run(self.run_bank_job().await),
            }
        }
    }

    /// Up to `limit` lines waiting for support, oldest first.
    pub async fn bank_review(&self, limit: usize) -> Result<Vec<ReviewLine>, EngineError> {
        let records = self
            .ports()
            .store
            .bank_lines_in(BankLineState::Review, limit)
            .await?;
        records
            .iter()
            .map(|r| {
                Ok(ReviewLine {
                    key: r.key.clone(),
                    imported_at: r.imported_at,
                    project: r.project,
                    line: stored_line(r)?,
                    decision: stored_decision(r)?,
                })
            })
            .collect()
    }

    /// Support resolves a line under review: credits it (partially or in full) to the invoice the
    /// payer's receipt names, or marks it as not ours. Recorded with who did it; the credit takes
    /// effect at most once, and of two agents resolving the same line at once, one wins.
    pub async fn resolve_bank_line(
        &self,
        key: &str,
        resolution: Resolution,
        actor: &Actor,
    ) -> Result<ResolutionRecord, EngineError> {
        let not_under_review = || {
            EngineError::Invalid(
                ReconcileError::NotUnderReview {
                    id: key.to_string(),
                }
                .into(),
            )
        };
        let record = self
            .ports()
            .store
            .bank_lines(&[key.to_string()])
            .await?
            .pop()
            .ok_or_else(not_under_review)?;
        if record.state != BankLineState::Review {
            return Err(not_under_review());
        }
        let line = stored_line(&record)?;
        let decision = stored_decision(&record)?;
        let projects = match &resolution {
            Resolution::Credit { invoice, .. } => vec![invoice.service_code()],
            Resolution::NotOurs { .. } => vec![],
        };
        let facts = self.invoice_facts(projects).await?;
        let resolved = resolve(
            &line,
            &decision,
            resolution,
            &facts,
            actor.clone(),
            self.now(),
        )
        .map_err(|e| EngineError::Invalid(e.into()))?;
        let mut project = record.project;
        if let Resolution::Credit { invoice, amount } = &resolved.resolution {
            project = Some(invoice.service_code());
            self.credit_bank_transfer(
                invoice.service_code(),
                actor,
                &line.id,
                *amount,
                Some(*invoice),
            )
            .await?;
        }
        let updated = BankLineRecord {
            state: BankLineState::Resolved,
            project,
            resolution: Some(to_json(&resolved)?),
            ..record
        };
        self.ports()
            .store
            .update_bank_line(BankLineState::Review, &updated)
            .await?;
        Ok(resolved)
    }
}

fn review(reason: ReviewReason, invoice: InvoiceNumber) -> Decision {
    Decision::Review {
        reason,
        reference: Some(invoice),
        reverses: None,
    }
}

/// Bank statement lines kept in memory, for tests and examples: push lines, the job fetches them.
#[derive(Debug, Default)]
pub struct MemoryStatements {
    lines: Mutex<Vec<BankLine<'static>>>,
}

impl MemoryStatements {
    /// No lines yet.
    pub fn new() -> MemoryStatements {
        MemoryStatements::default()
    }

    /// Lines the bank now shows.
    pub fn push(&self, lines: impl IntoIterator<Item = BankLine<'static>>) {
        if let Ok(mut held) = self.lines.lock() {
            held.extend(lines);
        }
    }
}

#[async_trait]
impl BankStatementSource for MemoryStatements {
    async fn fetch(&self, since: NaiveDate) -> Result<Vec<BankLine<'static>>, BankSourceError> {
        let held = self
            .lines
            .lock()
            .map_err(|_| BankSourceError::Unavailable("memory statements poisoned".into()))?;
        Ok(held
            .iter()
            .filter(|l| l.booked_on >= since)
            .cloned()
            .collect())
    }
}

/// Statement files in a folder, as a bank client drops them (any format `billing-statements`
/// reads, detected per file). Every call reads every file; lines seen before are skipped by the
/// job. A malformed file fails the whole fetch, naming the file and the line or element.
#[derive(Debug, Clone)]
pub struct StatementFolder {
    dir: PathBuf,
}

impl StatementFolder {
    /// The folder.
    pub fn new(dir: impl AsRef<Path>) -> StatementFolder {
        StatementFolder {
            dir: dir.as_ref().to_path_buf(),
        }
    }
}

#[async_trait]
impl BankStatementSource for StatementFolder {
    async fn fetch(&self, since: NaiveDate) -> Result<Vec<BankLine<'static>>, BankSourceError> {
        let unavailable = |e: std::io::Error| {
            BankSourceError::Unavailable(format!("{}: {e}", self.dir.display()))
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(unavailable)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let mut lines = Vec::new();
        for file in files {
            let bytes = std::fs::read(&file).map_err(unavailable)?;
            let statement = billing_statements::parse(&bytes, billing_statements::Format::Auto)
                .map_err(|e| BankSourceError::Malformed {
                    source_name: file.display().to_string(),
                    message: e.to_string(),
                })?;
            lines.extend(
                statement
                    .lines
                    .into_iter()
                    .filter(|l| l.booked_on >= since)
                    .map(BankLine::into_owned),
            );
        }
        Ok(lines)
    }
}
