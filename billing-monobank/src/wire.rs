//! The monobank acquiring wire format (JSON, amounts in kopiyky, `ccy` 980) and its mapping to the
//! port's types. Field names follow `shared/reference/acquirers.md` §1.

use billing_core::payment::{AttemptId, CardToken, PaymentId, SavedCard};
use billing_core::ports::{AcquirerError, PaymentEvent, PaymentStatus};
use billing_core::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// ISO 4217 numeric code of the hryvnia.
pub const UAH: u16 = 980;

/// The error body of a refused request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub err_code: Option<String>,
    #[serde(default)]
    pub err_text: Option<String>,
}

/// `merchantPaymInfo` of a create or wallet payment request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MerchantPaymInfo<'a> {
    pub reference: &'a str,
    pub destination: &'a str,
}

/// `saveCardData` of a create request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SaveCardData<'a> {
    pub save_card: bool,
    pub wallet_id: &'a str,
}

/// `POST /api/merchant/invoice/create`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateInvoice<'a> {
    pub amount: i64,
    pub ccy: u16,
    pub merchant_paym_info: MerchantPaymInfo<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_hook_url: Option<&'a str>,
    pub validity: i64,
    pub payment_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub save_card_data: Option<SaveCardData<'a>>,
}

/// The answer to `invoice/create`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateAnswer {
    pub invoice_id: String,
    pub page_url: String,
}

/// `POST /api/merchant/wallet/payment`. The card token is a secret: this value is built right before
/// the request and never logged (no `Debug`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WalletPayment<'a> {
    pub card_token: &'a str,
    pub amount: i64,
    pub ccy: u16,
    pub initiation_kind: &'a str,
    pub merchant_paym_info: MerchantPaymInfo<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_hook_url: Option<&'a str>,
}

/// The answer to `wallet/payment`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WalletPaymentAnswer {
    pub invoice_id: String,
    pub status: String,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub err_code: Option<String>,
    #[serde(default)]
    pub tds_url: Option<String>,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub modified_date: Option<DateTime<Utc>>,
}

/// `POST /api/merchant/invoice/cancel` (a refund).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CancelInvoice<'a> {
    pub invoice_id: &'a str,
    pub ext_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
}

/// The answer to `invoice/cancel`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CancelAnswer {
    pub status: String,
}

/// `POST /api/merchant/invoice/remove`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RemoveInvoice<'a> {
    pub invoice_id: &'a str,
}

/// The answer to `/pubkey`: base64 of a PEM `PUBLIC KEY`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PubkeyAnswer {
    pub key: String,
}

/// One refund of an invoice (`cancelList[]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CancelItem {
    pub status: String,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub ext_ref: Option<String>,
}

/// `walletData` of a status or webhook body. `cardToken` is a secret: no `Debug`.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WalletData {
    #[serde(default)]
    pub card_token: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `paymentInfo` of a status or webhook body (the parts shown to the owner).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentInfo {
    #[serde(default)]
    pub masked_pan: Option<String>,
}

/// The invoice as `invoice/status` returns it and as webhooks carry it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvoiceBody {
    pub invoice_id: String,
    pub status: String,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub err_code: Option<String>,
    pub amount: i64,
    #[serde(default)]
    pub ccy: Option<u16>,
    pub modified_date: DateTime<Utc>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub cancel_list: Vec<CancelItem>,
    #[serde(default)]
    pub payment_info: Option<PaymentInfo>,
    #[serde(default)]
    pub wallet_data: Option<WalletData>,
}

/// The answer to `/statement`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct StatementAnswer {
    #[serde(default)]
    pub list: Vec<StatementLine>,
}

/// One line of `/statement`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatementLine {
    pub invoice_id: String,
    pub status: String,
    pub amount: i64,
    #[serde(default)]
    pub ccy: Option<u16>,
    pub date: DateTime<Utc>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub masked_pan: Option<String>,
    #[serde(default)]
    pub approval_code: Option<String>,
    #[serde(default)]
    pub rrn: Option<String>,
    #[serde(default)]
    pub cancel_list: Vec<CancelItem>,
}

/// An amount in kopiyky from monobank.
pub(crate) fn money(kopiyky: i64) -> Result<Money, AcquirerError> {
    Money::from_kopiyky(kopiyky)
        .map_err(|_| AcquirerError::Protocol(format!("amount out of range: {kopiyky}")))
}

pub(crate) fn check_ccy(ccy: Option<u16>) -> Result<(), AcquirerError> {
    match ccy {
        None | Some(UAH) => Ok(()),
        Some(other) => Err(AcquirerError::Protocol(format!(
            "currency {other} is not UAH (980)"
        ))),
    }
}

pub(crate) fn payment_id(id: &str) -> Result<PaymentId, AcquirerError> {
    PaymentId::new(id).map_err(|_| AcquirerError::Protocol(format!("bad invoiceId {id:?}")))
}

/// The sum of the refunds that went through.
pub(crate) fn refunded(cancel_list: &[CancelItem]) -> i64 {
    cancel_list
        .iter()
        .filter(|c| c.status == "success")
        .filter_map(|c| c.amount)
        .sum()
}

/// Maps a monobank invoice status to the port's status.
///
/// | monobank | port |
/// |---|---|
/// | `created` | `Created` |
/// | `processing`, `hold` | `Processing` |
/// | `success` (no refund) | `Succeeded` |
/// | `success` with successful `cancelList` items | `PartiallyRefunded` |
/// | `failure` | `Failed { errCode, failureReason }` |
/// | `expired` | `Expired` |
/// | `reversed` | `Refunded` |
pub(crate) fn status_of(
    status: &str,
    err_code: Option<&str>,
    failure_reason: Option<&str>,
    refunded_kopiyky: i64,
) -> Result<PaymentStatus, AcquirerError> {
    Ok(match status {
        "created" => PaymentStatus::Created,
        "processing" | "hold" => PaymentStatus::Processing,
        "success" if refunded_kopiyky > 0 => PaymentStatus::PartiallyRefunded {
            refunded: money(refunded_kopiyky)?,
        },
        "success" => PaymentStatus::Succeeded,
        "failure" => PaymentStatus::Failed {
            code: err_code.map(str::to_string),
            reason: failure_reason.map(str::to_string),
        },
        "expired" => PaymentStatus::Expired,
        "reversed" => PaymentStatus::Refunded,
        other => {
            return Err(AcquirerError::Protocol(format!(
                "unknown invoice status {other:?}"
            )))
        }
    })
}

/// How far along monobank's invoice state machine a status is; breaks ties between events with the
/// same `modifiedDate` (`created` < `processing`/`hold` < final < `reversed`).
pub(crate) fn rank(status: &str) -> u8 {
    match status {
        "created" => 0,
        "processing" => 1,
        "hold" => 2,
        "success" | "failure" | "expired" => 3,
        "reversed" => 4,
        _ => 0,
    }
}

impl InvoiceBody {
    /// The event the body tells.
    pub(crate) fn to_event(&self) -> Result<PaymentEvent, AcquirerError> {
        check_ccy(self.ccy)?;
        let status = status_of(
            &self.status,
            self.err_code.as_deref(),
            self.failure_reason.as_deref(),
            refunded(&self.cancel_list),
        )?;
        let masked_pan = self
            .payment_info
            .as_ref()
            .and_then(|p| p.masked_pan.clone())
            .unwrap_or_default();
        let saved_card = self.wallet_data.as_ref().and_then(|w| {
            match (w.status.as_deref(), w.card_token.as_deref()) {
                (Some("created"), Some(token)) if !token.is_empty() => {
                    Some(SavedCard::new(CardToken::new(token), &masked_pan, ""))
                }
                _ => None,
            }
        });
        Ok(PaymentEvent {
            provider_ref: payment_id(&self.invoice_id)?,
            attempt: self
                .reference
                .as_deref()
                .and_then(|r| AttemptId::new(r).ok()),
            status,
            amount: money(self.amount)?,
            occurred_at: self.modified_date,
            saved_card,
        })
    }

    /// The ordering key of the body: `modifiedDate`, then the state machine's rank, then the amount
    /// refunded.
    pub(crate) fn order_key(&self) -> (DateTime<Utc>, u8, i64) {
        (
            self.modified_date,
            rank(&self.status),
            refunded(&self.cancel_list),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of the reference's signature vector parses, and maps as documented.
    #[test]
    fn reference_body_parses() {
        let body = crate::signature::tests::VECTOR_BODY;
        let parsed: InvoiceBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.invoice_id, "p2_9ZgpZVsl3");
        assert_eq!(parsed.amount, 4200);
        assert_eq!(parsed.cancel_list.len(), 1);
        assert_eq!(parsed.cancel_list[0].status, "processing");
        let event = parsed.to_event().unwrap();
        assert_eq!(event.status, PaymentStatus::Created);
        assert_eq!(event.amount, Money::from_kopiyky(4200).unwrap());
        assert_eq!(
            event.attempt.unwrap().as_str(),
            "84d0070ee4e44667b31371d8f8813947"
        );
        assert_eq!(event.occurred_at.to_rfc3339(), "2019-08-24T14:15:22+00:00");
    }

    #[test]
    fn statuses_map() {
        assert_eq!(
            status_of("success", None, None, 0).unwrap(),
            PaymentStatus::Succeeded
        );
        assert_eq!(
            status_of("success", None, None, 50).unwrap(),
            PaymentStatus::PartiallyRefunded {
                refunded: Money::from_kopiyky(50).unwrap()
            }
        );
        assert_eq!(
            status_of("hold", None, None, 0).unwrap(),
            PaymentStatus::Processing
        );
        assert_eq!(
            status_of("reversed", None, None, 100).unwrap(),
            PaymentStatus::Refunded
        );
        assert_eq!(
            status_of("failure", Some("59"), Some("Недостатньо коштів"), 0).unwrap(),
            PaymentStatus::Failed {
                code: Some("59".into()),
                reason: Some("Недостатньо коштів".into())
            }
        );
        assert_eq!(
            status_of("weird", None, None, 0).unwrap_err().to_string(),
            "acquirer protocol error: unknown invoice status \"weird\""
        );
    }

    #[test]
    fn saved_card_only_when_the_wallet_says_created() {
        let body = |wallet_status: &str| {
            format!(
                r#"{{"invoiceId":"p2_1","status":"success","amount":100,"ccy":980,
                "modifiedDate":"2026-03-16T08:00:00Z","reference":"B-11111-1",
                "paymentInfo":{{"maskedPan":"444111******1234"}},
                "walletData":{{"cardToken":"tok-secret","walletId":"11111","status":"{wallet_status}"}}}}"#
            )
        };
        let created: InvoiceBody = serde_json::from_str(&body("created")).unwrap();
        let card = created.to_event().unwrap().saved_card.unwrap();
        assert_eq!(card.token.expose_secret(), "tok-secret");
        assert_eq!(card.masked_pan, "444111******1234");
        let event = created.to_event().unwrap();
        assert!(!format!("{event:?}").contains("tok-secret"));
        let failed: InvoiceBody = serde_json::from_str(&body("failed")).unwrap();
        assert!(failed.to_event().unwrap().saved_card.is_none());
    }

    #[test]
    fn foreign_currency_is_a_protocol_error() {
        let body: InvoiceBody = serde_json::from_str(
            r#"{"invoiceId":"p2_1","status":"success","amount":100,"ccy":840,"modifiedDate":"2026-03-16T08:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            billing_core::ErrorCode::code(&body.to_event().unwrap_err()),
            "acquirer.protocol"
        );
    }
}
