//! The KMS API surface as data: the generated shapes (`generated`), the two wire scalar types the
//! model needs beyond JSON (`Blob`, `EpochSeconds`) and the constraint checker (`validate`).
//! Nothing here knows about keys or state.

pub mod blob_base64;
pub mod blob_channel;
pub mod generated;
pub mod validate;

pub use generated::*;

use crate::error::KmsError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A binary member: base64 (standard alphabet, padded) on the wire, raw bytes in Rust. The
/// in-process door passes them beside the JSON instead (`blob_channel`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match blob_channel::put_output(&self.0) {
            Some(marker) => s.serialize_str(&marker),
            None => s.serialize_str(&blob_base64::encode(&self.0)),
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
        blob_base64::decode(text.as_bytes())
            .map(Blob)
            .ok_or_else(|| serde::de::Error::custom("Invalid base64"))
    }
}

/// A timestamp: epoch seconds as a JSON number, possibly fractional (millisecond precision).
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EpochSeconds(pub f64);

/// Parses an AWS JSON 1.1 request body into its JSON object: the one parse of a request's bytes
/// (`decode` and the extensions start here). Malformed JSON is SerializationException, as is any
/// body that is not an object; an empty body is `{}`.
pub fn parse_body(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, KmsError> {
    #[cfg(debug_assertions)]
    BODY_PARSES.with(|n| n.set(n.get() + 1));
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err(KmsError::serialization(
            "Start of list found where not expected",
        )),
        Err(_) => Err(KmsError::serialization("Request body is not valid JSON.")),
    }
}

#[cfg(debug_assertions)]
thread_local! {
    static BODY_PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many request bodies this thread has parsed (debug builds only): the evidence that each
/// request is parsed exactly once.
#[cfg(debug_assertions)]
#[doc(hidden)]
pub fn body_parses() -> usize {
    BODY_PARSES.with(std::cell::Cell::get)
}

/// Decodes the request of `op` from its body (`parse_body`) and checks its model constraints: a
/// member of the wrong JSON type is SerializationException, a constraint violation is
/// ValidationException (with every violation listed, as AWS does).
pub fn decode(op: Operation, body: &[u8]) -> Result<Request, KmsError> {
    decode_object(op, parse_body(body)?)
}

/// [`decode`] from the body's JSON object, already parsed (`parse_body`).
pub fn decode_object(
    op: Operation,
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<Request, KmsError> {
    let mut violations = validate::Violations::default();
    let request = Request::decode(op, object, &mut violations)
        .map_err(|e| KmsError::serialization(serde_message(&e)))?;
    checked(request, &violations)
}

/// Decodes the unchecked shape `U` from a JSON object already parsed (`parse_body`), checks it and
/// returns its checked form.
pub fn from_object<U>(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<U::Output, KmsError>
where
    U: serde::de::DeserializeOwned + validate::Validate + validate::Checked,
{
    let mut violations = validate::Violations::default();
    let request = validate::check::<U>(serde_json::Value::Object(object), &mut violations)
        .map_err(|e| KmsError::serialization(serde_message(&e)))?;
    checked(request, &violations)
}

fn checked<T>(request: Option<T>, violations: &validate::Violations) -> Result<T, KmsError> {
    match violations.message() {
        Some(message) => Err(KmsError::validation(message)),
        None => request.ok_or_else(|| KmsError::internal("A validated request did not convert.")),
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
