//! The KMS API surface as data: the generated shapes (`generated`), the two wire scalar types the
//! model needs beyond JSON (`Blob`, `EpochSeconds`) and the constraint checker (`validate`).
//! Nothing here knows about keys or state.

pub mod blob_channel;
#[rustfmt::skip]
pub mod generated;
pub mod validate;

pub use generated::*;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A binary member: base64 (standard alphabet, padded) on the wire, raw bytes in Rust. The
/// in-process door passes them beside the JSON instead (`blob_channel`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match blob_channel::put_output(&self.0) {
            Some(marker) => s.serialize_str(&marker),
            None => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if let Some(raw) = blob_channel::take_input(&text) {
            return raw
                .map(Blob)
                .ok_or_else(|| serde::de::Error::custom("Invalid base64"));
        }
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(|_| serde::de::Error::custom("Invalid base64"))
    }
}

/// A timestamp: epoch seconds as a JSON number, possibly fractional (millisecond precision).
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EpochSeconds(pub f64);

/// Decodes an AWS JSON 1.1 request body into `T` and checks its model constraints: malformed JSON
/// or a member of the wrong JSON type is SerializationException, a constraint violation is
/// ValidationException (with every violation listed, as AWS does). An empty body is `{}`.
pub fn decode_request<T>(body: &[u8]) -> Result<T, crate::error::KmsError>
where
    T: serde::de::DeserializeOwned + validate::Validate,
{
    use crate::error::KmsError;
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| KmsError::serialization("Request body is not valid JSON."))?;
    if !value.is_object() {
        return Err(KmsError::serialization(
            "Start of list found where not expected",
        ));
    }
    let request: T =
        serde_json::from_value(value).map_err(|e| KmsError::serialization(serde_message(&e)))?;
    let mut violations = validate::Violations::default();
    request.validate(&mut violations);
    match violations.message() {
        Some(message) => Err(KmsError::validation(message)),
        None => Ok(request),
    }
}

/// serde's message without its line/column suffix (meaningless to a caller who sent base64 JSON).
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text.get(..i).unwrap_or_default().to_string(),
        None => text,
    }
}
