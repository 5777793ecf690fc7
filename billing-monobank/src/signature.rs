//! The webhook signature: header `X-Sign` is base64 of a DER-encoded ECDSA P-256 / SHA-256
//! signature over the raw body bytes; the merchant key comes from `GET /api/merchant/pubkey` as
//! base64 of a PEM `PUBLIC KEY`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;

use billing_core::ports::AcquirerError;

/// The merchant's webhook key, as read from `/pubkey`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookKey(VerifyingKey);

impl WebhookKey {
    /// Reads the `key` field of `/pubkey`: base64 of a PEM `PUBLIC KEY` (SPKI, prime256v1).
    pub fn from_base64_pem(key: &str) -> Result<WebhookKey, AcquirerError> {
        let pem = STANDARD
            .decode(key.trim())
            .map_err(|e| AcquirerError::Protocol(format!("pubkey is not base64: {e}")))?;
        let pem = std::str::from_utf8(&pem)
            .map_err(|_| AcquirerError::Protocol("pubkey is not a PEM text".into()))?;
        VerifyingKey::from_public_key_pem(pem)
            .map(WebhookKey)
            .map_err(|e| AcquirerError::Protocol(format!("pubkey is not a P-256 key: {e}")))
    }

    /// The key itself.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }

    /// Whether `x_sign` (the header's value) signs exactly `body`. Any malformed signature is
    /// simply not valid.
    pub fn verifies(&self, body: &[u8], x_sign: &str) -> bool {
        let Ok(der) = STANDARD.decode(x_sign.trim()) else {
            return false;
        };
        let Ok(sig) = DerSignature::try_from(der.as_slice()) else {
            return false;
        };
        self.0.verify(body, &sig).is_ok()
    }
}

/// The value of the `X-Sign` header among raw headers (case-insensitive name).
pub fn x_sign(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-sign"))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The verified vector of `shared/reference/acquirers.md` §1 (e).
    pub(crate) const VECTOR_KEY: &str = "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFQUc1LzZ3NnZubGJZb0ZmRHlYWE4vS29CbVVjTgo3NWJSUWg4MFBhaEdldnJoanFCQnI3OXNSS0JSbnpHODFUZVQ5OEFOakU1c0R3RmZ5Znhub0ZJcmZBPT0KLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg==";
    pub(crate) const VECTOR_SIGN: &str =
        "MEUCIQC/mVKhi8FKoayul2Mim3E2oaIOCNJk5dEXxTqbkeJSOQIgOM0hsW0qcP2H8iXy1aQYpmY0SJWEaWur7nQXlKDCFxA=";
    pub(crate) const VECTOR_BODY: &str = r#"{
  "invoiceId": "p2_9ZgpZVsl3",
  "status": "created",
  "failureReason": "string",
  "amount": 4200,
  "ccy": 980,
  "finalAmount": 4200,
  "createdDate": "2019-08-24T14:15:22Z",
  "modifiedDate": "2019-08-24T14:15:22Z",
  "reference": "84d0070ee4e44667b31371d8f8813947",
  "cancelList": [
    {
      "status": "processing",
      "amount": 4200,
      "ccy": 980,
      "createdDate": "2019-08-24T14:15:22Z",
      "modifiedDate": "2019-08-24T14:15:22Z",
      "approvalCode": "662476",
      "rrn": "060189181768",
      "extRef": "635ace02599849e981b2cd7a65f417fe"
    }
  ]
}"#;

    fn key() -> WebhookKey {
        WebhookKey::from_base64_pem(VECTOR_KEY).unwrap()
    }

    #[test]
    fn vector_body_is_the_documented_582_bytes() {
        use sha2::Digest;
        assert_eq!(VECTOR_BODY.len(), 582);
        let hash: String = sha2::Sha256::digest(VECTOR_BODY.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hash,
            "b68de0ef3e300b8813f0c39f87feea8519bd2b0628b5c2400b7bd1256f3bf58f"
        );
    }

    #[test]
    fn the_reference_vector_verifies() {
        assert!(key().verifies(VECTOR_BODY.as_bytes(), VECTOR_SIGN));
    }

    #[test]
    fn a_trailing_newline_fails() {
        let body = format!("{VECTOR_BODY}\n");
        assert!(!key().verifies(body.as_bytes(), VECTOR_SIGN));
    }

    #[test]
    fn a_changed_byte_fails() {
        let body = VECTOR_BODY.replace("4200", "4201");
        assert!(!key().verifies(body.as_bytes(), VECTOR_SIGN));
        let reserialized =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(VECTOR_BODY).unwrap())
                .unwrap();
        assert!(
            !key().verifies(reserialized.as_bytes(), VECTOR_SIGN),
            "never re-serialize"
        );
    }

    #[test]
    fn malformed_signatures_and_keys_are_refused() {
        assert!(!key().verifies(VECTOR_BODY.as_bytes(), "not base64!"));
        assert!(!key().verifies(VECTOR_BODY.as_bytes(), "AAAA"));
        assert!(!key().verifies(VECTOR_BODY.as_bytes(), ""));
        assert!(WebhookKey::from_base64_pem("bm90IGEga2V5").is_err());
        assert!(WebhookKey::from_base64_pem("%%%").is_err());
    }

    #[test]
    fn header_lookup_ignores_case() {
        let h = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-SIGN".to_string(), VECTOR_SIGN.to_string()),
        ];
        assert_eq!(x_sign(&h), Some(VECTOR_SIGN));
        assert_eq!(x_sign(&[]), None);
    }
}
