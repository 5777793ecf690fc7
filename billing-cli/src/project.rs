//! `billing project show CODE` (the billing section as the admin panel shows it) and
//! `billing invoices CODE` (the invoice history).

use billing_core::section::{BillingSection, SectionInvoice};
use billing_core::tariff::LimitCheck;
use billing_core::Money;
use serde::Serialize;

use crate::output::{coded, table, Failure, Output};
use crate::setup::{service_code, Location};

/// The snake_case tag a value serialises to (`payment_due`, `open`, ...).
pub fn tag<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// An amount as documents print it: `1 200,00 грн`.
pub fn uah(m: Money) -> String {
    m.to_document_string()
}

fn limit(c: &Option<LimitCheck>) -> String {
    match c {
        None => "no counters yet".into(),
        Some(c) => {
            let cap = c.limit.map_or("unlimited".to_string(), |l| l.to_string());
            format!("{} / {} ({})", c.used, cap, tag(&c.state))
        }
    }
}

fn access(out: &Output, s: &BillingSection) -> String {
    let t = tag(&s.access);
    match t.as_str() {
        "active" => out.green(&t),
        "blocked" => out.red(&t),
        _ => out.yellow(&t),
    }
}

fn status(out: &Output, i: &SectionInvoice) -> String {
    let t = tag(&i.status);
    if i.overdue {
        out.red(&format!("{t}, overdue"))
    } else if t == "paid" {
        out.green(&t)
    } else {
        t
    }
}

/// The invoice history as a table.
fn invoice_table(out: &Output, invoices: &[SectionInvoice], links: bool) -> String {
    let rows: Vec<Vec<String>> = invoices
        .iter()
        .map(|i| {
            let mut row = vec![
                i.number.to_string(),
                i.kind.clone(),
                i.issued_on.to_string(),
                i.due_on.to_string(),
                uah(i.total),
                i.vat.map_or("без ПДВ".into(), uah),
                uah(i.owed),
                status(out, i),
            ];
            if links {
                row.push(
                    i.link
                        .as_ref()
                        .and_then(|l| l.url.clone())
                        .unwrap_or_default(),
                );
            }
            row
        })
        .collect();
    let mut header = vec![
        "number", "kind", "issued", "due", "total", "VAT", "owed", "status",
    ];
    if links {
        header.push("payment link");
    }
    table(&header, &rows)
}

/// Prints the billing section for people.
pub fn print_section(out: &Output, s: &BillingSection) {
    println!(
        "{}  access: {}{}",
        out.bold(&format!("Project {}", s.service_code)),
        access(out, s),
        if s.deleted { "  (deleted)" } else { "" }
    );
    println!("as of {}", s.as_of.format("%Y-%m-%d %H:%M UTC"));
    let field = |name: &str, value: String| println!("  {name:<12} {value}");
    match &s.owner {
        Some(o) => field(
            "owner",
            format!("{}, {}, {}", o.full_name, o.email, o.phone),
        ),
        None => field("owner", "none".into()),
    }
    if s.change_request_pending {
        field("", "a change request waits for support".into());
    }
    let domains: Vec<String> = s
        .domains
        .iter()
        .map(|d| {
            let mut t = d.unicode.clone();
            if d.ascii != d.unicode {
                t.push_str(&format!(" [{}]", d.ascii));
            }
            if d.primary {
                t.push_str(" (primary)");
            }
            t
        })
        .collect();
    field(
        "domains",
        if domains.is_empty() {
            "none".into()
        } else {
            domains.join(", ")
        },
    );
    let c = &s.contracts;
    let offer = match (&c.offer_version, c.offer_accepted_at) {
        (Some(v), Some(at)) => format!("public offer {v}, accepted {}", at.format("%Y-%m-%d")),
        _ => "public offer not accepted".into(),
    };
    let personal = match &c.personal_contract {
        Some(p) => format!("personal contract № {} of {}", p.number, p.date),
        None if c.personal_contract_requested => "personal contract requested".into(),
        None => "no personal contract".into(),
    };
    field("contracts", format!("{offer}; {personal}"));
    match &s.requisites {
        Some(r) => {
            let label = if r.company {
                "ЄДРПОУ"
            } else {
                "РНОКПП"
            };
            field("requisites", format!("{}, {label} {}", r.name, r.tax_id));
            let bank = r.bank_name.clone().unwrap_or_default();
            field("", format!("IBAN {} {bank}", r.iban).trim_end().to_string());
            field("", format!("{}; {}", r.address, r.tax_status));
        }
        None => field("requisites", "not saved".into()),
    }
    let v = &s.vchasno;
    field(
        "Vchasno",
        if v.activated {
            format!(
                "activated{}{}",
                v.since
                    .map(|t| format!(" since {}", t.format("%Y-%m-%d")))
                    .unwrap_or_default(),
                v.vchasno_name
                    .as_ref()
                    .map(|n| format!(" as {n}"))
                    .unwrap_or_default()
            )
        } else {
            "not activated".into()
        },
    );
    match &s.tariff {
        Some(t) => {
            let price = t.price.map(uah).unwrap_or_else(|| "no price".into());
            field(
                "tariff",
                format!(
                    "{} ({}), {} month(s) for {price}; paid period {} – {}",
                    t.name, t.code, t.period_months, t.period_start, t.period_end
                ),
            );
            field("", format!("products {}", limit(&t.products)));
            field(
                "",
                format!("orders this month {}", limit(&t.orders_this_month)),
            );
            if let Some(next) = &t.scheduled_tariff {
                field("", format!("changes to {next} at the end of the period"));
            }
            if let Some(m) = t.scheduled_period_months {
                field("", format!("next period: {m} month(s)"));
            }
            if !t.features.is_empty() {
                field("features", t.features.join(", "));
            }
        }
        None => field("tariff", "none".into()),
    }
    if !s.additional_features.is_empty() {
        let more: Vec<String> = s
            .additional_features
            .iter()
            .map(|f| format!("{} ({})", f.feature, f.cheapest_tariff))
            .collect();
        field("more with", more.join(", "));
    }
    let pm = &s.payment_method;
    let method = if pm.autopay {
        format!(
            "autopay by card {} {}",
            pm.card_masked_pan.clone().unwrap_or_default(),
            pm.card_holder.clone().unwrap_or_default()
        )
    } else if pm.bank_transfer_only {
        "bank transfer only (autopay stopped by support)".into()
    } else if let Some(pan) = &pm.card_masked_pan {
        format!("card {pan} saved, autopay off")
    } else {
        "bank transfer or card payment link".into()
    };
    field("payment", method.trim_end().to_string());
    field(
        "owed",
        format!("{}; credit {}", uah(s.total_owed), uah(s.open_credit)),
    );
    println!();
    if s.invoices.is_empty() {
        println!("No invoices.");
    } else {
        println!("{}", out.bold("Invoices"));
        print!("{}", invoice_table(out, &s.invoices, true));
    }
    if !s.acts.is_empty() {
        println!();
        println!("{}", out.bold("Acts"));
        let rows: Vec<Vec<String>> = s
            .acts
            .iter()
            .map(|a| {
                vec![
                    a.number.clone(),
                    a.month.clone(),
                    a.date.to_string(),
                    uah(a.total),
                    a.status.clone(),
                ]
            })
            .collect();
        print!(
            "{}",
            table(&["number", "month", "date", "total", "status"], &rows)
        );
    }
}

/// `billing project show CODE`.
pub async fn show(loc: &Location, code: &str, out: &Output) -> Result<(), Failure> {
    let code = service_code(code)?;
    let engine = loc.engine().await?;
    let section = engine.billing_section(code).await.map_err(coded)?;
    if out.json {
        out.print_json(&section)
    } else {
        print_section(out, &section);
        Ok(())
    }
}

/// `billing invoices CODE`: newest first; `--json` prints one invoice per line.
pub async fn invoices(loc: &Location, code: &str, out: &Output) -> Result<(), Failure> {
    let code = service_code(code)?;
    let engine = loc.engine().await?;
    let section = engine.billing_section(code).await.map_err(coded)?;
    if out.json {
        for i in &section.invoices {
            out.print_json(i)?;
        }
        return Ok(());
    }
    if section.invoices.is_empty() {
        println!("No invoices for project {code}.");
        return Ok(());
    }
    print!("{}", invoice_table(out, &section.invoices, false));
    let open = section
        .invoices
        .iter()
        .filter(|i| !i.owed.is_zero())
        .count();
    println!(
        "{} invoice(s), {open} open, owed {}",
        section.invoices.len(),
        uah(section.total_owed)
    );
    Ok(())
}
