//! `billing invoice pdf CODE NUMBER [-o FILE]` and `billing act pdf CODE NUMBER [-o FILE]`.

use std::io::Write;
use std::path::PathBuf;

use crate::output::{coded, Coded, Failure, Output};
use crate::setup::{service_code, Location};

/// Which document.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// The invoice (рахунок на оплату) with the NBU payment QR code.
    Invoice,
    /// The act of services rendered (акт наданих послуг).
    Act,
}

/// Arguments of `billing invoice pdf` and `billing act pdf`.
#[derive(Debug, clap::Args)]
pub struct PdfArgs {
    /// The project's service code (`11111`).
    code: String,
    /// The document's number (`HOR-11111-001`; acts: `A-11111-2026-01`).
    number: String,
    /// Where to write the PDF (`-` for stdout). Default: `<NUMBER>.pdf` in the current directory.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Renders the document and writes it.
pub async fn pdf(kind: Kind, args: PdfArgs, loc: &Location, out: &Output) -> Result<(), Failure> {
    let code = service_code(&args.code)?;
    let engine = loc.engine().await?;
    let bytes = match kind {
        Kind::Invoice => engine.invoice_pdf(code, &args.number).await,
        Kind::Act => engine.act_pdf(code, args.number.trim()).await,
    }
    .map_err(coded)?;
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{}.pdf", args.number.trim())));
    if path.as_os_str() == "-" {
        std::io::stdout().write_all(&bytes)?;
        return Ok(());
    }
    std::fs::write(&path, &bytes).map_err(|e| -> Failure {
        Box::new(Coded::failed(
            "output.write",
            format!("{}: {e}", path.display()),
        ))
    })?;
    if out.json {
        out.print_json(&serde_json::json!({
            "file": path.display().to_string(),
            "bytes": bytes.len(),
        }))
    } else {
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
        Ok(())
    }
}
