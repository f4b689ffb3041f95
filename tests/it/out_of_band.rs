//! The in-process door: blob members as raw bytes beside the JSON (`wire::handle_with_blobs`,
//! `api::blob_channel`), equivalent to base64 inside it.
use crate::common;

use common::*;
use kms_wasm::wire::{self, Outcome};
use kms_wasm::Engine;
use serde_json::{json, Value};

fn call_with_blobs(
    engine: &mut Engine,
    op: &str,
    body: Value,
    blobs: Vec<Vec<u8>>,
) -> (Outcome, Value, Vec<Vec<u8>>) {
    let target = format!("TrentService.{op}");
    let (outcome, out) = wire::handle_with_blobs(
        engine,
        &target,
        &ctx_json(&ctx()),
        body.to_string().as_bytes(),
        blobs,
    );
    if outcome.status == 200 {
        engine.commit();
    }
    let value = serde_json::from_slice(&outcome.body).unwrap();
    (outcome, value, out)
}

#[test]
fn blobs_beside_the_json_round_trip_with_the_base64_door() {
    let mut engine = engine();
    let (key_id, _) = new_key(&mut engine, &ctx());
    let plaintext = vec![7u8; 4096];
    let (outcome, value, out) = call_with_blobs(
        &mut engine,
        "Encrypt",
        json!({"KeyId": key_id, "Plaintext": "#0"}),
        vec![plaintext.clone()],
    );
    assert_eq!(outcome.status, 200, "{value}");
    assert_eq!(value["CiphertextBlob"], "#0");
    assert_eq!(out.len(), 1);
    // The ciphertext made in process decrypts through the base64 door, and back.
    let decrypted = ok(
        &mut engine,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": b64(&out[0])}),
    );
    assert_eq!(decrypted["Plaintext"], b64(&plaintext));
    let encrypted = ok(
        &mut engine,
        "Encrypt",
        &ctx(),
        json!({"KeyId": key_id, "Plaintext": b64(b"hi")}),
    );
    let blob = base64_decode(encrypted["CiphertextBlob"].as_str().unwrap());
    let (_, value, out) = call_with_blobs(
        &mut engine,
        "Decrypt",
        json!({"CiphertextBlob": "#0"}),
        vec![blob],
    );
    assert_eq!(value["Plaintext"], "#0");
    assert_eq!(out, vec![b"hi".to_vec()]);
}

#[test]
fn journal_entries_keep_base64_when_written_in_process() {
    let mut engine = engine();
    let (outcome, value, _) = call_with_blobs(&mut engine, "CreateKey", json!({}), Vec::new());
    let key_id = value["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let entry = outcome.entry.expect("CreateKey writes");
    assert!(
        !String::from_utf8_lossy(&entry).contains("\"#"),
        "key material must not become a marker"
    );
    let mut replica = Engine::new();
    replica.apply(&entry).unwrap();
    let (_, value, out) = call_with_blobs(
        &mut engine,
        "Encrypt",
        json!({"KeyId": key_id, "Plaintext": "#0"}),
        vec![b"x".to_vec()],
    );
    assert_eq!(value["CiphertextBlob"], "#0");
    let (_, value, out) = call_with_blobs(
        &mut replica,
        "Decrypt",
        json!({"CiphertextBlob": "#0"}),
        out,
    );
    assert_eq!(
        (value["Plaintext"].as_str(), out),
        (Some("#0"), vec![b"x".to_vec()])
    );
}

#[test]
fn markers_without_blobs_fail_like_bad_base64_and_change_nothing() {
    let mut engine = engine();
    let (key_id, _) = new_key(&mut engine, &ctx());
    // Over the plain door a marker is not base64.
    let plain = err(
        &mut engine,
        "Encrypt",
        &ctx(),
        json!({"KeyId": key_id, "Plaintext": "#0"}),
    );
    let bad_base64 = err(
        &mut engine,
        "Encrypt",
        &ctx(),
        json!({"KeyId": key_id, "Plaintext": "!!"}),
    );
    assert_eq!(plain, bad_base64);
    assert_eq!(plain.0, "SerializationException");
    // In process, a marker with nothing behind it is the same error; an error returns no blobs.
    let (outcome, value, out) = call_with_blobs(
        &mut engine,
        "Encrypt",
        json!({"KeyId": key_id, "Plaintext": "#3"}),
        vec![b"x".to_vec()],
    );
    assert_eq!(
        (outcome.status, value["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    assert!(out.is_empty() && outcome.entry.is_none());
    // Constraints see the real length.
    let (_, value, _) = call_with_blobs(
        &mut engine,
        "Encrypt",
        json!({"KeyId": key_id, "Plaintext": "#0"}),
        vec![vec![0; 4097]],
    );
    assert_eq!(value["__type"], "ValidationException");
    assert!(
        value["message"].as_str().unwrap().contains("plaintext"),
        "{value}"
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}
