//! `billing init` (create and migrate the store, write the configuration beside it) and
//! `billing demo` (a realistic last month or two for a few projects, replayed day by day on a
//! simulated clock up to now, so that `project show` has something to show).

use std::sync::Arc;

use billing_core::admin::{AdminCommand, DomainName, OwnerContact};
use billing_core::calendar::{kyiv_date, BillingMonth, KYIV};
use billing_core::paperwork::RequisitesForm;
use billing_core::payment::{AttemptId, CardToken, SavedCard};
use billing_core::ports::{Clock, PaymentEvent, PaymentStatus};
use billing_core::reconcile::BankLine;
use billing_core::tariff::{BillingPeriod, TariffCode};
use billing_core::{Actor, ServiceCode};
use billing_engine::memory::{ManualClock, MemoryVchasno};
use billing_engine::paperwork::SellerDetails;
use billing_engine::{Engine, EngineConfig, Ports};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::output::{coded, table, Coded, Failure, Output};
use crate::project::{tag, uah};
use crate::setup::{sim_id, write_config, CliAcquirer, Location};

/// Arguments of `billing init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Write the configuration file again even when it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Serialize)]
struct InitReport {
    store: String,
    projects: usize,
    config: Option<String>,
    config_written: bool,
    engine_config: EngineConfig,
}

/// `billing init`.
pub async fn init(args: InitArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    let (config, _) = loc.load()?;
    let engine = crate::setup::open_engine(config.clone(), CliAcquirer::offline(), None).await?;
    let projects = engine.projects().await.map_err(coded)?.len();
    let path = loc.config_path(&config.store);
    let write = path.as_ref().is_some_and(|p| args.force || !p.exists());
    if let (true, Some(p)) = (write, &path) {
        write_config(p, &config)?;
    }
    let report = InitReport {
        store: config.store.clone(),
        projects,
        config: path.map(|p| p.display().to_string()),
        config_written: write,
        engine_config: config,
    };
    if out.json {
        return out.print_json(&report);
    }
    println!(
        "store   {} (ready, {} project(s))",
        report.store, report.projects
    );
    match (&report.config, report.config_written) {
        (Some(p), true) => println!("config  {p} (written)"),
        (Some(p), false) => println!("config  {p} (kept; --force writes it again)"),
        (None, _) => println!("config  built-in defaults (give --config FILE to keep one)"),
    }
    if report.engine_config.seller.is_none() {
        println!(
            "{}",
            out.yellow(
                "no `seller` in the configuration yet: invoices and acts print it; add yours"
            )
        );
    }
    Ok(())
}

/// The seller the demo prints on its documents when the configuration has none (valid test
/// requisites from the shared vectors, not a real company's).
fn demo_seller() -> SellerDetails {
    SellerDetails {
        requisites: RequisitesForm {
            tax_id: "32855961".into(),
            iban: "UA213223130000026007233566001".into(),
            name: "ТОВ «Платформа Демо»".into(),
            address: "01001, м. Київ, вул. Хрещатик, буд. 1".into(),
            director: Some("Коваль Олена Іванівна".into()),
            vat_number: Some("328559626541".into()),
            single_tax_group: None,
        },
        contract: "Договір публічної оферти".into(),
        signatory_position: Some("Директор".into()),
        signatory_name: Some("Коваль О. І.".into()),
    }
}

struct Shop {
    code: &'static str,
    owner: (&'static str, &'static str, &'static str),
    domains: &'static [&'static str],
    tariff: &'static str,
    period: BillingPeriod,
    requisites: Option<RequisitesForm>,
    /// Products and orders counted on the last day.
    usage: (u32, u32),
}

fn shops() -> Vec<Shop> {
    vec![
        Shop {
            code: "11111",
            owner: (
                "Олена Коваль",
                "olena@kvity-podillia.com.ua",
                "050 123 45 67",
            ),
            domains: &["kvity-podillia.com.ua", "квіти-поділля.укр"],
            tariff: "business",
            period: BillingPeriod::Monthly,
            requisites: Some(RequisitesForm {
                tax_id: "3652504575".into(),
                iban: "UA743052990000026007233566001".into(),
                name: "ФОП Коваль Олена Іванівна".into(),
                address: "21000, м. Вінниця, вул. Соборна, буд. 12".into(),
                director: None,
                vat_number: None,
                single_tax_group: Some(3),
            }),
            usage: (4_620, 1_310),
        },
        Shop {
            code: "22222",
            owner: ("Андрій Мельник", "andrii@sportmarket.ua", "(067) 555-12-34"),
            domains: &["sportmarket.ua"],
            tariff: "start",
            period: BillingPeriod::Monthly,
            requisites: Some(RequisitesForm {
                tax_id: "14360570".into(),
                iban: "UA753220010000026000012345678".into(),
                name: "ТОВ «Спортмаркет»".into(),
                address: "61000, м. Харків, просп. Науки, буд. 7".into(),
                director: Some("Мельник Андрій Петрович".into()),
                vat_number: None,
                single_tax_group: None,
            }),
            usage: (312, 140),
        },
        Shop {
            code: "33333",
            owner: ("Ірина Бондар", "iryna@zatyshok.shop", "093 765 43 21"),
            domains: &["zatyshok.shop"],
            tariff: "pro",
            period: BillingPeriod::Monthly,
            requisites: None,
            usage: (12_800, 410),
        },
        Shop {
            code: "44444",
            owner: ("Тарас Шевчук", "taras@slovo-books.com.ua", "066 222 33 44"),
            domains: &["slovo-books.com.ua"],
            tariff: "business",
            period: BillingPeriod::Quarterly,
            requisites: None,
            usage: (4_870, 2_050),
        },
    ]
}

/// What the demo did, for the summary.
#[derive(Debug, Default, Serialize)]
struct DemoReport {
    store: String,
    config: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    days: usize,
    invoices_issued: usize,
    bank_transfers: usize,
    review_lines: usize,
    card_charges: usize,
    acts: Vec<String>,
    projects: Vec<DemoProject>,
}

#[derive(Debug, Serialize)]
struct DemoProject {
    code: String,
    story: &'static str,
    access: String,
    invoices: usize,
    owed: String,
}

fn at(day: NaiveDate, hour: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    let t = KYIV
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    t.min(now)
}

fn err(e: billing_engine::EngineError) -> Failure {
    coded(e)
}

/// `billing demo`.
pub async fn demo(loc: &Location, out: &Output) -> Result<(), Failure> {
    let (mut config, _) = loc.load()?;
    let config_path = loc.config_path(&config.store);
    if config.seller.is_none() {
        config.seller = Some(demo_seller());
        if let Some(p) = &config_path {
            write_config(p, &config)?;
        }
    }
    let now = Utc::now();
    let today = kyiv_date(now);
    let this_month = BillingMonth::of_date(today);
    let last_month = BillingMonth::of_date(this_month.first_day() - Duration::days(1));
    let start = last_month.first_day() + Duration::days(4);

    let clock = Arc::new(ManualClock::new(at(start, 10, now)));
    let vchasno = Arc::new(MemoryVchasno::new());
    let store = billing_store::open(&config.store).await.map_err(coded)?;
    let mut ports = Ports::with_store(store);
    ports.acquirer = Arc::new(CliAcquirer::simulated());
    ports.clock = clock.clone();
    ports.vchasno = vchasno.clone();
    let engine = Engine::new(config.clone(), ports);

    let shops = shops();
    let mut existing = 0;
    for s in &shops {
        let code: ServiceCode = s.code.parse().map_err(coded)?;
        if engine.project(code).await.is_ok() {
            existing += 1;
        }
    }
    if existing == shops.len() {
        // An earlier run filled this store: show it again rather than fail.
        let mut report = DemoReport {
            store: config.store.clone(),
            config: config_path.map(|p| p.display().to_string()),
            ..DemoReport::default()
        };
        clock.set(now);
        summarize(&engine, &shops, &mut report).await?;
        return print_report(&report, out, true);
    }
    if existing > 0 {
        return Err(Box::new(Coded::failed(
            "demo.exists",
            format!(
                "{} holds some of the demo's projects (11111-44444) but not all: run the demo on a fresh --db",
                config.store
            ),
        )));
    }
    let mut report = DemoReport {
        store: config.store.clone(),
        config: config_path.map(|p| p.display().to_string()),
        from: Some(start),
        to: Some(today),
        ..DemoReport::default()
    };

    // Day one: three shops sign up.
    for s in shops.iter().filter(|s| s.code != "44444") {
        open_shop(&engine, s).await?;
        report.invoices_issued += 1;
    }
    let kvity: ServiceCode = "11111".parse().map_err(coded)?;
    let sport: ServiceCode = "22222".parse().map_err(coded)?;
    let slovo: ServiceCode = "44444".parse().map_err(coded)?;
    // 11111 works with Vchasno (acts of completed work are sent there).
    let form = shops[0].requisites.clone().unwrap_or_default();
    vchasno.register(&form.tax_id.parse().map_err(coded)?, &form.name);
    engine
        .activate_vchasno(kvity, &Actor::Owner)
        .await
        .map_err(err)?;
    // 22222 pays its first invoice by card and saves it: autopay from then on.
    clock.set(at(start, 11, now));
    pay_by_card(&engine, sport, clock.now()).await?;
    report.card_charges += 1;

    // Every day up to today: the daily job at 06:00, the bank transfers of 11111 at 10:00.
    let mut day = start + Duration::days(1);
    while day <= today {
        clock.set(at(day, 6, now));
        let r = engine.run_daily().await.map_err(err)?;
        report.invoices_issued += r.invoices_issued;
        report.card_charges += r.charges_succeeded;
        clock.set(at(day, 10, now));
        report.bank_transfers += pay_by_transfer(&engine, kvity, day).await?;
        if day == today - Duration::days(3) {
            open_shop(&engine, &shops[3]).await?;
            report.invoices_issued += 1;
        }
        report.days += 1;
        day += Duration::days(1);
    }
    report.days += 1;

    // Today: the counters, the act of last month for 11111, a payment link for 44444.
    clock.set(now);
    for s in &shops {
        let code: ServiceCode = s.code.parse().map_err(coded)?;
        engine
            .record_usage(code, s.usage.0, s.usage.1)
            .await
            .map_err(err)?;
    }
    report.review_lines += underpay(&engine, "33333".parse().map_err(coded)?, today).await?;
    let act = engine
        .request_act(kvity, &Actor::Owner, last_month)
        .await
        .map_err(err)?;
    report.acts.push(act.number);
    let open = engine.billing_section(slovo).await.map_err(err)?;
    if let Some(i) = open.invoices.iter().find(|i| !i.owed.is_zero()) {
        engine
            .payment_link(slovo, &Actor::Owner, i.number)
            .await
            .map_err(err)?;
    }

    summarize(&engine, &shops, &mut report).await?;
    print_report(&report, out, false)
}

const STORIES: [&str; 4] = [
    "pays by bank transfer; Vchasno acts",
    "card autopay",
    "underpaid once (review), overdue, blocked",
    "new this week: invoice open, payment link",
];

async fn summarize(
    engine: &Engine,
    shops: &[Shop],
    report: &mut DemoReport,
) -> Result<(), Failure> {
    for (s, story) in shops.iter().zip(STORIES) {
        let code: ServiceCode = s.code.parse().map_err(coded)?;
        let section = engine.billing_section(code).await.map_err(err)?;
        report.projects.push(DemoProject {
            code: s.code.to_string(),
            story,
            access: tag(&section.access),
            invoices: section.invoices.len(),
            owed: uah(section.total_owed),
        });
    }
    Ok(())
}

fn print_report(report: &DemoReport, out: &Output, earlier: bool) -> Result<(), Failure> {
    if out.json {
        return out.print_json(report);
    }
    if earlier {
        println!(
            "demo: {} already holds the demo (from an earlier run); a fresh one needs a fresh --db",
            report.store
        );
    } else {
        println!(
            "demo: {} day(s) replayed ({} – {}) into {}",
            report.days,
            report.from.map(|d| d.to_string()).unwrap_or_default(),
            report.to.map(|d| d.to_string()).unwrap_or_default(),
            report.store
        );
        if let Some(p) = &report.config {
            println!("config {p} (with a demo seller for invoices and acts)");
        }
        println!(
            "{} invoice(s) issued, {} bank transfer(s) credited, {} statement line(s) for support \
             review, {} card payment(s), act(s): {}",
            report.invoices_issued,
            report.bank_transfers,
            report.review_lines,
            report.card_charges,
            report.acts.join(", ")
        );
    }
    let rows: Vec<Vec<String>> = report
        .projects
        .iter()
        .map(|p| {
            vec![
                p.code.clone(),
                p.story.to_string(),
                p.access.clone(),
                p.invoices.to_string(),
                p.owed.clone(),
            ]
        })
        .collect();
    print!(
        "{}",
        table(&["project", "story", "access", "invoices", "owed"], &rows)
    );
    println!("next: billing project show 11111; billing review");
    Ok(())
}

async fn open_shop(engine: &Engine, s: &Shop) -> Result<(), Failure> {
    let code: ServiceCode = s.code.parse().map_err(coded)?;
    let owner = OwnerContact {
        full_name: s.owner.0.parse().map_err(coded)?,
        email: s.owner.1.parse().map_err(coded)?,
        phone: s.owner.2.parse().map_err(coded)?,
    };
    let tariff = TariffCode::new(s.tariff).map_err(coded)?;
    engine
        .open_project(code, owner, &tariff, s.period)
        .await
        .map_err(err)?;
    for d in s.domains {
        let domain = DomainName::parse(d).map_err(coded)?;
        engine
            .admin(code, &Actor::Owner, AdminCommand::AddDomain { domain })
            .await
            .map_err(err)?;
    }
    engine
        .admin(
            code,
            &Actor::Owner,
            AdminCommand::AcceptOffer {
                version: "2025-01".into(),
                link: "https://platform.example/offer/2025-01".into(),
            },
        )
        .await
        .map_err(err)?;
    if let Some(form) = &s.requisites {
        engine
            .save_requisites(code, &Actor::Owner, form.clone())
            .await
            .map_err(err)?;
    }
    Ok(())
}

/// The owner opens the card page of the open invoice and pays: the acquirer's webhook, as the
/// simulated acquirer would send it, saves the card.
async fn pay_by_card(
    engine: &Engine,
    code: ServiceCode,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let page = engine.bind_card(code).await.map_err(err)?;
    let attempt: AttemptId = page
        .url
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(coded)?;
    let section = engine.billing_section(code).await.map_err(err)?;
    let amount = section
        .invoices
        .iter()
        .find(|i| !i.owed.is_zero())
        .map(|i| i.owed)
        .unwrap_or_default();
    let event = PaymentEvent {
        provider_ref: sim_id(&attempt).map_err(coded)?,
        attempt: Some(attempt.clone()),
        status: PaymentStatus::Succeeded,
        amount,
        occurred_at: now,
        saved_card: Some(SavedCard::new(
            CardToken::new(&format!("tok-{attempt}")),
            "5375 41** **** 7788",
            "ANDRII MELNYK",
        )),
    };
    engine.apply_payment_event(&event).await.map_err(err)?;
    Ok(())
}

/// Credits the transfer of a payer who pays every open invoice of `code` issued two or more days
/// before `day` with the exact amount and the invoice number in the purpose: what the bank job
/// does with such a statement line (keyed by the bank's transaction id, at most once).
async fn pay_by_transfer(
    engine: &Engine,
    code: ServiceCode,
    day: NaiveDate,
) -> Result<usize, Failure> {
    let section = engine.billing_section(code).await.map_err(err)?;
    let mut paid = 0;
    for i in section
        .invoices
        .iter()
        .filter(|i| !i.owed.is_zero() && i.issued_on + Duration::days(2) <= day)
    {
        let transaction = format!("PB-{}", i.number);
        engine
            .credit_bank_transfer(code, &Actor::System, &transaction, i.owed, Some(i.number))
            .await
            .map_err(err)?;
        paid += 1;
    }
    Ok(paid)
}

/// A transfer support has to look at: the right invoice number, a wrong amount.
async fn underpay(engine: &Engine, code: ServiceCode, day: NaiveDate) -> Result<usize, Failure> {
    let section = engine.billing_section(code).await.map_err(err)?;
    let Some(i) = section.invoices.iter().rev().find(|i| !i.owed.is_zero()) else {
        return Ok(0);
    };
    let amount = "2000".parse().map_err(coded)?;
    let mut line = BankLine::incoming(
        format!("PB-{}-partial", i.number),
        day,
        amount,
        format!("Оплата за рахунком {} за послуги платформи", i.number),
    );
    line.payer_name = Some("ФОП Бондар Ірина Олегівна".into());
    let import = engine.import_statement(&[line]).await.map_err(err)?;
    Ok(import.summary.review)
}
