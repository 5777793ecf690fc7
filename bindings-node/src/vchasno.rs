//! The Vchasno port implemented in JavaScript: `Engine.open(store, { vchasno: { checkCompany,
//! uploadAct, statuses } })`, adapted to `billing_core::ports::Vchasno` over napi thread-safe
//! functions (weak, like the registry's: they never keep the process alive).
//!
//! Each function may return its answer or a Promise of it. A function that throws or rejects, or
//! answers something malformed, fails the port call as `vchasno.unreachable` (retryable: the
//! engine changes nothing and the owner may try again). Without a JavaScript Vchasno the engine
//! uses the adapter its configuration names (the in-memory one by default).

use async_trait::async_trait;
use billing_core::ports::{
    ActUpload as CoreActUpload, CompanyCheck as CoreCompanyCheck, Vchasno, VchasnoPortError,
    VchasnoStatus,
};
use billing_core::TaxId;
use napi::bindgen_prelude::{
    Buffer, FromNapiValue, JsValuesTupleIntoVec, TypeName, ValidateNapiValue,
};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{check_status, sys, Status, ValueType};
use napi_derive::napi;

use crate::ports::MaybePromise;

/// A JavaScript function of one argument returning `R` or a Promise of it: weak, errors caught.
pub struct PortFunction<A: 'static + JsValuesTupleIntoVec, R: FromNapiValue + 'static>(
    ThreadsafeFunction<A, MaybePromise<R>, A, Status, false, true>,
);

impl<A: 'static + JsValuesTupleIntoVec, R: FromNapiValue + 'static> TypeName
    for PortFunction<A, R>
{
    fn type_name() -> &'static str {
        "Function"
    }

    fn value_type() -> ValueType {
        ValueType::Function
    }
}

impl<A: 'static + JsValuesTupleIntoVec, R: FromNapiValue + 'static> ValidateNapiValue
    for PortFunction<A, R>
{
}

impl<A: 'static + JsValuesTupleIntoVec, R: FromNapiValue + 'static> FromNapiValue
    for PortFunction<A, R>
{
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut kind = 0;
        check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
        if kind != sys::ValueType::napi_function {
            return Err(napi::Error::new(
                Status::FunctionExpected,
                "expected a function",
            ));
        }
        Ok(PortFunction(unsafe {
            ThreadsafeFunction::from_napi_value(env, value)?
        }))
    }
}

impl<A: 'static + JsValuesTupleIntoVec + Send, R: FromNapiValue + 'static> PortFunction<A, R> {
    /// Calls the function on the event loop and awaits its answer (or the Promise's).
    async fn call(&self, what: &str, arg: A) -> Result<R, VchasnoPortError> {
        let failed = |why: String| {
            VchasnoPortError::Unreachable(format!("the JavaScript Vchasno's {what} {why}"))
        };
        let returned = self
            .0
            .call_async_catch(arg)
            .await
            .map_err(|e| failed(format!("failed: {}", e.reason)))?;
        match returned {
            MaybePromise::Value(answer) => Ok(answer),
            MaybePromise::Promise(promise) => promise
                .await
                .map_err(|e| failed(format!("rejected: {}", e.reason))),
        }
    }
}

/// Vchasno implemented in JavaScript (the option `vchasno` of `Engine.open`).
#[napi(object, object_to_js = false)]
pub struct VchasnoPort {
    /// Whether a company (ЄДРПОУ) or sole proprietor (РНОКПП) has a Vchasno account.
    #[napi(ts_type = "(taxId: string) => CompanyCheck | Promise<CompanyCheck>")]
    pub check_company: PortFunction<String, CompanyCheck>,
    /// Uploads an act of services; returns Vchasno's document id.
    #[napi(ts_type = "(act: ActUpload) => string | Promise<string>")]
    pub upload_act: PortFunction<ActUpload, String>,
    /// The statuses of uploaded documents, by id (documents Vchasno does not know are left out).
    #[napi(ts_type = "(documentIds: string[]) => DocumentStatus[] | Promise<DocumentStatus[]>")]
    pub statuses: PortFunction<Vec<String>, Vec<DocumentStatus>>,
}

/// What a JavaScript Vchasno's `checkCompany` answers.
#[napi(object, object_to_js = false)]
pub struct CompanyCheck {
    /// Whether the company is registered in Vchasno.
    pub registered: bool,
    /// Its name in Vchasno, when known.
    pub name: Option<String>,
}

/// An act for a JavaScript Vchasno's `uploadAct`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ActUpload {
    /// The recipient's ЄДРПОУ/РНОКПП.
    pub recipient: String,
    /// The recipient's email, when known.
    pub recipient_email: Option<String>,
    /// The document title (`Акт наданих послуг № A-11111-2026-10 від 31.10.2026`).
    pub title: String,
    /// The act's number.
    pub number: String,
    /// The act's date, `YYYY-MM-DD`.
    pub date: String,
    /// The act's total, VAT included: a decimal string.
    pub amount: String,
    /// The file name to upload the PDF as.
    pub file_name: String,
    /// The PDF.
    pub pdf: Buffer,
}

/// One document's status, as a JavaScript Vchasno's `statuses` answers it.
#[napi(object, object_to_js = false)]
pub struct DocumentStatus {
    /// Vchasno's document id.
    pub document_id: String,
    /// The status.
    #[napi(
        ts_type = "'uploaded' | 'sent' | 'signed_by_us' | 'signed_by_recipient' | 'signed_by_both' | 'rejected' | 'annulled'"
    )]
    pub status: String,
}

/// The engine's Vchasno port, answered by JavaScript functions.
pub struct JsVchasno(VchasnoPort);

impl JsVchasno {
    /// The port over the functions.
    pub fn new(port: VchasnoPort) -> JsVchasno {
        JsVchasno(port)
    }
}

#[async_trait]
impl Vchasno for JsVchasno {
    async fn check_company(&self, tax_id: &TaxId) -> Result<CoreCompanyCheck, VchasnoPortError> {
        let answer = self
            .0
            .check_company
            .call("checkCompany", tax_id.to_string())
            .await?;
        Ok(CoreCompanyCheck {
            registered: answer.registered,
            name: answer.name,
        })
    }

    async fn upload_act(&self, act: &CoreActUpload) -> Result<String, VchasnoPortError> {
        let arg = ActUpload {
            recipient: act.recipient.to_string(),
            recipient_email: act.recipient_email.clone(),
            title: act.title.clone(),
            number: act.number.clone(),
            date: act.date.format("%Y-%m-%d").to_string(),
            amount: act.amount.to_string(),
            file_name: act.file_name.clone(),
            pdf: act.pdf.clone().into(),
        };
        let id = self.0.upload_act.call("uploadAct", arg).await?;
        if id.is_empty() {
            return Err(VchasnoPortError::Unreachable(
                "the JavaScript Vchasno's uploadAct answered an empty document id".into(),
            ));
        }
        Ok(id)
    }

    async fn statuses(
        &self,
        document_ids: &[String],
    ) -> Result<Vec<(String, VchasnoStatus)>, VchasnoPortError> {
        let answers = self
            .0
            .statuses
            .call("statuses", document_ids.to_vec())
            .await?;
        answers
            .into_iter()
            .map(|a| {
                let status = serde_json::from_value(serde_json::Value::String(a.status.clone()))
                    .map_err(|_| {
                        VchasnoPortError::Unreachable(format!(
                            "the JavaScript Vchasno's statuses answered an unknown status {:?}",
                            a.status
                        ))
                    })?;
                Ok((a.document_id, status))
            })
            .collect()
    }
}
