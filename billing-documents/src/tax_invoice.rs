//! The electronic tax invoice (ПН) in the DPS format **J1201016** (a legal-entity seller; `F1201016`
//! for a ФОП seller), written in Windows-1251, with the file name of the DPS convention.
//!
//! What goes where (see `../shared/reference/tax-and-registry.md`, A4 and A5):
//! - `DECLARHEAD`: `TIN` (the seller's ЄДРПОУ/РНОКПП), `C_DOC` `J12`/`F12`, `C_DOC_SUB` `010`,
//!   `C_DOC_VER` (setting, default 16), `C_DOC_TYPE` 0, `C_DOC_CNT` = `HNUM`, `C_REG`/`C_RAJ`
//!   (the seller's tax office, settings), the period (the ПН's month), `C_STI_ORIG` =
//!   `C_REG × 100 + C_RAJ`, `C_DOC_STAN` 1, `LINKED_DOCS` nil, `D_FILL` (the ПН's date), `SOFTWARE`.
//! - `DECLARBODY`: the head fields, the totals at rate code 20 (`R04G11`, `R03G11`, `R03G7`,
//!   `R01G7`), one service row (`RXXXXG3S` name, `RXXXXG33` ДКПП code, `RXXXXG4S` unit,
//!   `RXXXXG105_2S` unit code, `RXXXXG5` quantity 1, `RXXXXG6` price without VAT, `RXXXXG008` 20,
//!   `RXXXXG010` base, `RXXXXG11_10` VAT), then the signer (`HBOS`, `HKBOS`).
//! - A buyer who does not pay VAT: `HORIG1=1`, `HTYPR=02`, `HNAMEBUY=Неплатник`,
//!   `HKBUY=100000000000`, `HTINBUY` and `HKB` nil.
//! - Empty elements are written `xsi:nil="true"`.
//!
//! File name: `C_STI_ORIG(4) TIN(10, zero-padded) C_DOC(3) C_DOC_SUB(3) C_DOC_VER(2) C_DOC_STAN(1)
//! C_DOC_TYPE(2) C_DOC_CNT(7) PERIOD_TYPE(1) PERIOD_MONTH(2) PERIOD_YEAR(4) C_STI_ORIG(4).XML`.
//!
//! Not confirmed (settings with defaults, so they can be corrected without code): the version
//! (J1201016 was current in 2024–2025), the ДКПП code of the service (default `63.11`), the unit
//! (`послуга`) and its КСПОВО code (none by default: the element is left out). The element order
//! follows the generators the reference cites; the official XSD was not available, and no pure-Rust
//! XSD validator is used, so the output is checked by tests against the reference only.
//!
//! РК (J1201216) are not written yet: [`tax_invoice_xml`] refuses them (`tax_xml.correction`).

use std::fmt::Write as _;

use billing_core::tax_invoice::{TaxBuyer, TaxInvoice};
use billing_core::{ErrorCode, Money, TaxId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The format's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxXmlSettings {
    /// `C_DOC_VER` (default 16: J1201016).
    #[serde(default = "default_version")]
    pub version: u8,
    /// `C_REG`: the region of the seller's tax office (SPR_STI).
    pub c_reg: u8,
    /// `C_RAJ`: the district of the seller's tax office (SPR_STI).
    pub c_raj: u8,
    /// The service's ДКПП code (`RXXXXG33`; default `63.11`).
    #[serde(default = "default_dkpp")]
    pub dkpp: String,
    /// The unit's name (`RXXXXG4S`; default `послуга`).
    #[serde(default = "default_unit")]
    pub unit: String,
    /// The unit's КСПОВО code (`RXXXXG105_2S`; default none: left out).
    #[serde(default)]
    pub unit_code: Option<String>,
    /// `SOFTWARE` (default `billing-core`).
    #[serde(default = "default_software")]
    pub software: String,
}

fn default_version() -> u8 {
    16
}
fn default_dkpp() -> String {
    "63.11".into()
}
fn default_unit() -> String {
    "послуга".into()
}
fn default_software() -> String {
    "billing-core".into()
}

impl TaxXmlSettings {
    /// The defaults for a seller registered at tax office `c_reg`/`c_raj`.
    pub fn new(c_reg: u8, c_raj: u8) -> TaxXmlSettings {
        TaxXmlSettings {
            version: default_version(),
            c_reg,
            c_raj,
            dkpp: default_dkpp(),
            unit: default_unit(),
            unit_code: None,
            software: default_software(),
        }
    }

    /// `C_STI_ORIG`: `C_REG × 100 + C_RAJ`.
    pub fn c_sti_orig(&self) -> u32 {
        u32::from(self.c_reg) * 100 + u32::from(self.c_raj)
    }
}

/// The seller as the ПН names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSeller {
    /// The name (a ФОП: the full name).
    pub name: String,
    /// ЄДРПОУ (then `J12`) or РНОКПП of a ФОП (then `F12`).
    pub tax_id: TaxId,
    /// The 12-digit VAT payer number (`HKSEL`).
    pub ipn: String,
    /// Who signs (`HBOS`).
    #[serde(default)]
    pub signer_name: Option<String>,
    /// The signer's РНОКПП (`HKBOS`).
    #[serde(default)]
    pub signer_tax_number: Option<String>,
}

/// A written ПН.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxInvoiceXml {
    /// The file name of the DPS convention.
    pub file_name: String,
    /// The XML as text.
    pub xml: String,
    /// The XML in Windows-1251, as filed.
    pub bytes: Vec<u8>,
}

/// Why a ПН could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxXmlError {
    /// РК (J1201216) are not written yet.
    #[error("tax document {number} is a correction (РК): its XML (J1201216) is not supported yet")]
    Correction {
        /// The number.
        number: u64,
    },
    /// The number does not fit the 7 digits of `C_DOC_CNT`.
    #[error("tax invoice number {number} does not fit 7 digits")]
    NumberTooLarge {
        /// The number.
        number: u64,
    },
    /// The seller's VAT number is not 12 digits.
    #[error("the seller's VAT number {input:?} is not 12 digits")]
    SellerIpn {
        /// The number given.
        input: String,
    },
    /// A tax office code out of range (`C_REG` 1..=99, `C_RAJ` 0..=99).
    #[error("tax office codes C_REG {c_reg}, C_RAJ {c_raj} are out of range")]
    TaxOffice {
        /// The region.
        c_reg: u8,
        /// The district.
        c_raj: u8,
    },
}

impl ErrorCode for TaxXmlError {
    fn code(&self) -> &'static str {
        match self {
            TaxXmlError::Correction { .. } => "tax_xml.correction",
            TaxXmlError::NumberTooLarge { .. } => "tax_xml.number_too_large",
            TaxXmlError::SellerIpn { .. } => "tax_xml.seller_ipn",
            TaxXmlError::TaxOffice { .. } => "tax_xml.tax_office",
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn ddmmyyyy(d: NaiveDate) -> String {
    format!("{:02}{:02}{:04}", d.day(), d.month(), d.year())
}

fn amount(m: Money) -> String {
    m.to_string()
}

struct Writer {
    out: String,
}

impl Writer {
    fn el(&mut self, indent: &str, name: &str, value: Option<&str>) {
        match value {
            Some(v) => {
                let _ = writeln!(self.out, "{indent}<{name}>{}</{name}>", escape(v));
            }
            None => {
                let _ = writeln!(self.out, "{indent}<{name} xsi:nil=\"true\"/>");
            }
        }
    }

    fn row(&mut self, name: &str, row: u32, value: &str) {
        let _ = writeln!(
            self.out,
            "  <{name} ROWNUM=\"{row}\">{}</{name}>",
            escape(value)
        );
    }
}

fn code_kind(id: &TaxId) -> &'static str {
    if id.is_company() {
        "1"
    } else {
        "2"
    }
}

/// The ПН as J1201016 XML (Windows-1251) and its file name.
pub fn tax_invoice_xml(
    doc: &TaxInvoice,
    seller: &TaxSeller,
    settings: &TaxXmlSettings,
) -> Result<TaxInvoiceXml, TaxXmlError> {
    if doc.is_correction() {
        return Err(TaxXmlError::Correction { number: doc.number });
    }
    if doc.number > 9_999_999 {
        return Err(TaxXmlError::NumberTooLarge { number: doc.number });
    }
    let ipn = seller.ipn.trim();
    if ipn.len() != 12 || !ipn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TaxXmlError::SellerIpn {
            input: seller.ipn.clone(),
        });
    }
    if !(1..=99).contains(&settings.c_reg) || settings.c_raj > 99 {
        return Err(TaxXmlError::TaxOffice {
            c_reg: settings.c_reg,
            c_raj: settings.c_raj,
        });
    }
    let c_doc = if seller.tax_id.is_company() {
        "J12"
    } else {
        "F12"
    };
    let sti = settings.c_sti_orig();
    let date = ddmmyyyy(doc.date);
    let number = doc.number.to_string();
    let version = settings.version.to_string();
    let (month, year) = (doc.date.month(), doc.date.year());
    let mut w = Writer { out: String::new() };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n");
    let _ = writeln!(
        w.out,
        "<DECLAR xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"{c_doc}010{:02}.XSD\">",
        settings.version
    );
    w.out.push_str(" <DECLARHEAD>\n");
    let h = "  ";
    w.el(h, "TIN", Some(seller.tax_id.as_str()));
    w.el(h, "C_DOC", Some(c_doc));
    w.el(h, "C_DOC_SUB", Some("010"));
    w.el(h, "C_DOC_VER", Some(&version));
    w.el(h, "C_DOC_TYPE", Some("0"));
    w.el(h, "C_DOC_CNT", Some(&number));
    w.el(h, "C_REG", Some(&settings.c_reg.to_string()));
    w.el(h, "C_RAJ", Some(&settings.c_raj.to_string()));
    w.el(h, "PERIOD_MONTH", Some(&month.to_string()));
    w.el(h, "PERIOD_TYPE", Some("1"));
    w.el(h, "PERIOD_YEAR", Some(&year.to_string()));
    w.el(h, "C_STI_ORIG", Some(&sti.to_string()));
    w.el(h, "C_DOC_STAN", Some("1"));
    w.el(h, "LINKED_DOCS", None);
    w.el(h, "D_FILL", Some(&date));
    w.el(h, "SOFTWARE", Some(&settings.software));
    w.out.push_str(" </DECLARHEAD>\n <DECLARBODY>\n");
    let payer = match &doc.buyer {
        TaxBuyer::VatPayer { name, ipn, tax_id } => Some((name.as_str(), ipn.as_str(), tax_id)),
        TaxBuyer::NonPayer { .. } => None,
    };
    w.el(h, "R01G1", None);
    w.el(h, "R03G10S", None);
    w.el(h, "HORIG1", payer.is_none().then_some("1"));
    w.el(h, "HTYPR", payer.is_none().then_some("02"));
    w.el(h, "HFILL", Some(&date));
    w.el(h, "HNUM", Some(&number));
    w.el(h, "HNUM1", None);
    w.el(h, "HNAMESEL", Some(&seller.name));
    w.el(
        h,
        "HNAMEBUY",
        Some(payer.map_or("Неплатник", |(name, _, _)| name)),
    );
    w.el(h, "HKSEL", Some(ipn));
    w.el(h, "HNUM2", None);
    w.el(h, "HKBUY", Some(doc.buyer.ipn()));
    w.el(h, "HFBUY", None);
    w.el(h, "HTINSEL", Some(seller.tax_id.as_str()));
    w.el(h, "HKS", Some(code_kind(&seller.tax_id)));
    w.el(h, "HTINBUY", payer.map(|(_, _, id)| id.as_str()));
    w.el(h, "HKB", payer.map(|(_, _, id)| code_kind(id)));
    let (total, vat, base) = (amount(doc.amount), amount(doc.vat), amount(doc.base()));
    w.el(h, "R04G11", Some(&total));
    w.el(h, "R03G11", Some(&vat));
    w.el(h, "R03G7", Some(&vat));
    w.el(h, "R03G109", None);
    w.el(h, "R01G7", Some(&base));
    w.el(h, "R01G109", None);
    w.el(h, "R01G9", None);
    w.el(h, "R01G8", None);
    w.el(h, "R01G10", None);
    w.el(h, "R02G11", None);
    w.row("RXXXXG3S", 1, &doc.description);
    w.row("RXXXXG33", 1, &settings.dkpp);
    w.row("RXXXXG4S", 1, &settings.unit);
    if let Some(code) = &settings.unit_code {
        w.row("RXXXXG105_2S", 1, code);
    }
    w.row("RXXXXG5", 1, "1");
    w.row("RXXXXG6", 1, &base);
    w.row("RXXXXG008", 1, "20");
    w.row("RXXXXG010", 1, &base);
    w.row("RXXXXG11_10", 1, &vat);
    w.el(h, "HBOS", seller.signer_name.as_deref());
    w.el(h, "HKBOS", seller.signer_tax_number.as_deref());
    w.el(h, "R003G10S", None);
    w.out.push_str(" </DECLARBODY>\n</DECLAR>\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&w.out);
    let file_name = format!(
        "{sti:04}{:0>10}{c_doc}010{:02}1{:02}{:07}1{:02}{:04}{sti:04}.XML",
        seller.tax_id.as_str(),
        settings.version,
        0,
        doc.number,
        month,
        year
    );
    Ok(TaxInvoiceXml {
        file_name,
        bytes: bytes.into_owned(),
        xml: w.out,
    })
}
