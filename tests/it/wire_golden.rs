//! Golden AWS JSON 1.1 cases from `tests/fixtures/wire/*.json`, run through `wire::handle` exactly
//! as every front door does. The JS suite runs the same files against the built package.
//!
//! Fixture format (one case per file):
//!
//! ```json
//! {
//!   "description": "what AWS behaviour this pins",
//!   "setup": [ { "target": "TrentService.CreateKey", "request": {} } ],   // optional, must succeed
//!   "target": "TrentService.Encrypt",
//!   "request": { ... },            // or "rawBody": "<text sent verbatim>",
//!                                  // or "rawBodyBase64": "<bytes, base64>"
//!   "status": 400,
//!   "error": { "__type": "...", "message": "..." }   // compared byte for byte with the body;
//!                                                    // no "message" where AWS's body has none
//!   // or "response": { ... }                          // compared as JSON
//! }
//! ```
//!
//! Every case runs in a fresh engine with the context `{"accountId": "111122223333", "region":
//! "us-east-1", "requestId": "00000000-0000-4000-8000-000000000000", "now": 1700000000}`. Strings
//! in `request` and `error.message` may contain `{{setup.N.Path.To.Member}}`, replaced by that
//! member of the N-th setup response (e.g. `{{setup.0.KeyMetadata.Arn}}`), so no case depends on
//! IDs that must already exist or on randomness.
use crate::common;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use common::*;
use kms_wasm::Engine;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire")
}

fn fixtures() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name}: fixture is not JSON: {e}"));
            (name, value)
        })
        .collect()
}

/// Replaces `{{setup.N.a.b}}` placeholders in every string of `v`.
fn substitute(v: &Value, setup: &[Value]) -> Value {
    match v {
        Value::String(s) => Value::String(substitute_str(s, setup)),
        Value::Array(items) => Value::Array(items.iter().map(|i| substitute(i, setup)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, setup)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn substitute_str(s: &str, setup: &[Value]) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..].find("}}").expect("unclosed {{") + start;
        out.push_str(&rest[..start]);
        let path = &rest[start + 2..end];
        let mut parts = path.split('.');
        assert_eq!(parts.next(), Some("setup"), "placeholder {path}");
        let index: usize = parts.next().unwrap().parse().unwrap();
        let mut value = &setup[index];
        for p in parts {
            value = match p.parse::<usize>() {
                Ok(i) if value.is_array() => &value[i],
                _ => &value[p],
            };
        }
        out.push_str(
            value
                .as_str()
                .unwrap_or_else(|| panic!("{path} is not a string")),
        );
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The exact bytes of an error envelope: `{"__type":…,"message":…}` in that order, or
/// `{"__type":…}` alone where AWS omits the message.
fn envelope(kind: &str, message: Option<&str>) -> String {
    let kind = serde_json::to_string(kind).unwrap();
    match message {
        Some(m) => format!(
            "{{\"__type\":{kind},\"message\":{}}}",
            serde_json::to_string(m).unwrap()
        ),
        None => format!("{{\"__type\":{kind}}}"),
    }
}

fn run_case(name: &str, case: &Value) -> Result<(), String> {
    let mut engine = engine();
    let c = ctx();
    let mut responses = Vec::new();
    for (i, step) in case["setup"].as_array().into_iter().flatten().enumerate() {
        let target = step["target"].as_str().unwrap();
        let body = substitute(&step["request"], &responses).to_string();
        let out = call_raw(&mut engine, target, &c, body.as_bytes());
        if out.status != 200 {
            return Err(format!(
                "setup step {i} ({target}) failed: {}",
                String::from_utf8_lossy(&out.body)
            ));
        }
        responses.push(serde_json::from_slice(&out.body).unwrap());
    }
    let target = case["target"].as_str().unwrap();
    let body: Vec<u8> = if let Some(raw) = case.get("rawBody") {
        raw.as_str().unwrap().as_bytes().to_vec()
    } else if let Some(raw) = case.get("rawBodyBase64") {
        base64::engine::general_purpose::STANDARD
            .decode(raw.as_str().unwrap())
            .unwrap()
    } else {
        substitute(&case["request"], &responses)
            .to_string()
            .into_bytes()
    };
    let before = engine.snapshot();
    let out = call_raw(&mut engine, target, &c, &body);
    let got = String::from_utf8_lossy(&out.body).to_string();
    let status = case["status"].as_u64().unwrap();
    if u64::from(out.status) != status {
        return Err(format!("status {} != {status}: {got}", out.status));
    }
    if let Some(error) = case.get("error") {
        let error = substitute(error, &responses);
        let expected = envelope(
            error["__type"].as_str().unwrap(),
            error.get("message").map(|m| m.as_str().unwrap()),
        );
        // Checked on its own so that the reason is plain whatever the fixture says.
        let got_value: Value = serde_json::from_slice(&out.body).unwrap();
        if got_value.get("message").is_some_and(|m| m == "") {
            return Err(format!("an error body with an empty message: {got}"));
        }
        if got != expected {
            return Err(format!("\n  expected {expected}\n       got {got}"));
        }
        if out.entry.is_some() || engine.snapshot() != before {
            return Err("an error changed state".into());
        }
    } else {
        let expected = substitute(&case["response"], &responses);
        let got_value: Value = serde_json::from_slice(&out.body).unwrap();
        if got_value != expected {
            return Err(format!("\n  expected {expected}\n       got {got}"));
        }
    }
    let _ = name;
    Ok(())
}

#[test]
fn every_wire_fixture_matches() {
    let cases = fixtures();
    assert!(cases.len() >= 40, "only {} fixtures", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, case)| run_case(name, case).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_is_well_formed() {
    for (name, case) in fixtures() {
        let obj = case.as_object().unwrap();
        for key in obj.keys() {
            assert!(
                [
                    "description",
                    "setup",
                    "target",
                    "request",
                    "rawBody",
                    "rawBodyBase64",
                    "status",
                    "error",
                    "response"
                ]
                .contains(&key.as_str()),
                "{name}: unknown member {key}"
            );
        }
        assert!(case["description"].is_string(), "{name}");
        assert!(case["target"].is_string(), "{name}");
        let bodies = ["request", "rawBody", "rawBodyBase64"]
            .iter()
            .filter(|k| obj.contains_key(**k))
            .count();
        assert_eq!(
            bodies, 1,
            "{name}: exactly one of request/rawBody/rawBodyBase64"
        );
        let status = case["status"].as_u64().unwrap();
        assert_eq!(
            obj.contains_key("error"),
            status >= 400,
            "{name}: error iff status >= 400"
        );
        assert_eq!(obj.contains_key("response"), status == 200, "{name}");
        if let Some(e) = obj.get("error") {
            assert_eq!(status, 400, "{name}: every client error is 400");
            // AWS sends a message or omits the member; never an empty one (§2.21).
            let message = e.get("message");
            assert!(
                e["__type"].is_string()
                    && message.is_none_or(|m| m.as_str().is_some_and(|m| !m.is_empty())),
                "{name}: an error is a __type and, if any, a non-empty message"
            );
            assert_eq!(
                e.as_object().unwrap().len(),
                1 + usize::from(message.is_some()),
                "{name}"
            );
        }
    }
}

#[test]
fn invalid_request_context_is_an_internal_error() {
    let mut engine = Engine::new();
    for ctx_text in [
        "",
        "{}",
        r#"{"accountId":"123","region":"us-east-1","now":0}"#,
        r#"{"accountId":"111122223333","region":"US EAST","now":0}"#,
        r#"{"accountId":"111122223333","region":"us-east-1","now":-1}"#,
    ] {
        let out = kms_wasm::wire::handle(
            &mut engine,
            "TrentService.ListKeys",
            ctx_text.as_bytes(),
            b"{}",
        );
        assert_eq!(out.status, 500, "{ctx_text}");
        assert_eq!(
            String::from_utf8(out.body).unwrap(),
            envelope(
                "KMSInternalException",
                Some("The request context from the client is invalid.")
            )
        );
    }
}

#[test]
fn every_unimplemented_operation_names_itself() {
    let mut engine = engine();
    for op in kms_wasm::api::Operation::ALL {
        if kms_wasm::ops::is_implemented(*op) {
            continue;
        }
        let out = call_raw(
            &mut engine,
            &format!("TrentService.{}", op.name()),
            &ctx(),
            b"{}",
        );
        assert_eq!(out.status, 400);
        assert_eq!(
            String::from_utf8(out.body).unwrap(),
            envelope(
                "UnsupportedOperationException",
                Some(&format!("{} is not supported by kms-wasm yet.", op.name()))
            )
        );
    }
}
