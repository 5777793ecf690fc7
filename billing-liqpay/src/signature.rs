//! The LiqPay envelope: `data = base64(json)`, `signature = base64(H(private_key + data +
//! private_key))`, where H depends on the API version: SHA-1 for version 3, SHA3-256 for version 7
//! (`shared/reference/acquirers.md` §2). The string hashed is always the base64 `data` exactly as
//! sent or received; signatures are compared in constant time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha1::Digest as _;
use subtle::ConstantTimeEq;

/// The LiqPay API version, which selects the signature's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// Version 3 (the classic documentation): SHA-1.
    V3,
    /// Version 7 (LiqPay's current API): SHA3-256.
    V7,
}

impl ApiVersion {
    /// The number sent as `version`.
    pub fn number(self) -> u8 {
        match self {
            ApiVersion::V3 => 3,
            ApiVersion::V7 => 7,
        }
    }
}

/// Signs a base64 `data` string with the private key under a version's hash.
pub fn sign(private_key: &str, data: &str, version: ApiVersion) -> String {
    let mut input = String::with_capacity(private_key.len() * 2 + data.len());
    input.push_str(private_key);
    input.push_str(data);
    input.push_str(private_key);
    match version {
        ApiVersion::V3 => STANDARD.encode(sha1::Sha1::digest(input.as_bytes())),
        ApiVersion::V7 => STANDARD.encode(sha3::Sha3_256::digest(input.as_bytes())),
    }
}

/// Whether `signature` signs `data` under `version` (constant-time comparison).
pub fn verify(private_key: &str, data: &str, signature: &str, version: ApiVersion) -> bool {
    let expected = sign(private_key, data, version);
    expected
        .as_bytes()
        .ct_eq(signature.trim().as_bytes())
        .into()
}

/// `data` for a JSON value: base64 of its bytes.
pub fn encode_data(json: &serde_json::Value) -> String {
    STANDARD.encode(json.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "a4825234f4bae72a0be04eafe9e8e2bada209255";

    /// The verified vectors of `shared/reference/acquirers.md` §2.
    #[test]
    fn v3_vectors_are_sha1() {
        let data = "eyJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwidmVyc2lvbiI6IjMiLCJhY3Rpb24iOiJwYXkiLCJhbW91bnQiOiIzIiwiY3VycmVuY3kiOiJVQUgiLCJkZXNjcmlwdGlvbiI6InRlc3QiLCJvcmRlcl9pZCI6IjAwMDAwMSJ9";
        assert_eq!(
            sign(KEY, data, ApiVersion::V3),
            "wR+UZDC4jjeL/qUOvIsofIWpZh8="
        );
        let json = r#"{"public_key":"i00000000","version":"3","action":"pay","amount":"3","currency":"UAH","description":"test","order_id":"000001"}"#;
        assert_eq!(STANDARD.encode(json), data, "data is base64 of the JSON");
        let data2 = "eyJ2ZXJzaW9uIjozLCJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwiYWN0aW9uIjoicGF5IiwiYW1vdW50IjoxLCJjdXJyZW5jeSI6IlVTRCIsImRlc2NyaXB0aW9uIjoiZGVzY3JpcHRpb24gdGV4dCIsIm9yZGVyX2lkIjoib3JkZXJfaWRfMSJ9";
        assert_eq!(
            sign(KEY, data2, ApiVersion::V3),
            "38Px9/7zdpJMFiYkOV3KUnRnMBQ="
        );
        assert!(verify(
            KEY,
            data2,
            "38Px9/7zdpJMFiYkOV3KUnRnMBQ=",
            ApiVersion::V3
        ));
    }

    #[test]
    fn v7_vector_is_sha3_256_and_the_versions_do_not_mix() {
        let data = "eyJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwidmVyc2lvbiI6NywiYWN0aW9uIjoicGF5IiwiYW1vdW50IjoiMyIsImN1cnJlbmN5IjoiVUFIIiwiZGVzY3JpcHRpb24iOiJ0ZXN0Iiwib3JkZXJfaWQiOiIwMDAwMDEifQ==";
        assert_eq!(
            sign(KEY, data, ApiVersion::V7),
            "0adgJ8F2Ds5HCVkcz4AlmdLMRoIJf7IxsL3QmeFRz/s="
        );
        assert_eq!(
            sign(KEY, data, ApiVersion::V3),
            "CZQ2WPZ4+rJnKdg5BT9lSsJtXZk="
        );
        assert!(verify(
            KEY,
            data,
            "0adgJ8F2Ds5HCVkcz4AlmdLMRoIJf7IxsL3QmeFRz/s=",
            ApiVersion::V7
        ));
        assert!(!verify(
            KEY,
            data,
            "CZQ2WPZ4+rJnKdg5BT9lSsJtXZk=",
            ApiVersion::V7
        ));
        assert!(!verify(
            KEY,
            data,
            "0adgJ8F2Ds5HCVkcz4AlmdLMRoIJf7IxsL3QmeFRz/s=",
            ApiVersion::V3
        ));
    }

    /// The SDK's `mOw+9wla31Q+5cR8kWk/N2XCx68=` signs the raw JSON, not `data`: not the protocol.
    #[test]
    fn signing_the_raw_json_is_not_the_protocol() {
        let json = r#"{"public_key":"i00000000","version":"3","action":"pay","amount":"3","currency":"UAH","description":"test","order_id":"000001"}"#;
        let data = STANDARD.encode(json);
        assert_ne!(
            sign(KEY, &data, ApiVersion::V3),
            "mOw+9wla31Q+5cR8kWk/N2XCx68="
        );
        assert!(!verify(
            KEY,
            &data,
            "mOw+9wla31Q+5cR8kWk/N2XCx68=",
            ApiVersion::V3
        ));
        assert!(!verify(KEY, &data, "", ApiVersion::V3));
        assert!(!verify(
            "another-key",
            &data,
            "wR+UZDC4jjeL/qUOvIsofIWpZh8=",
            ApiVersion::V3
        ));
    }
}
