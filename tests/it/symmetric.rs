//! Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and GenerateRandom
//! (AWS-KMS-BEHAVIOUR.md §2.2, §2.3 key-state table, §2.5, §2.6, §2.16, §2.18).
use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

fn decrypt(e: &mut Engine, body: Value) -> Result<Value, (String, String)> {
    call(e, "Decrypt", &ctx(), body)
}

#[test]
fn encrypt_then_decrypt_round_trips() {
    let mut e = engine();
    let md = create_key(&mut e, &ctx());
    let id = md["KeyId"].as_str().unwrap();
    let arn = md["Arn"].as_str().unwrap();
    let resp = ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"hello world")}),
    );
    let keys: Vec<&String> = resp.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["CiphertextBlob", "EncryptionAlgorithm", "KeyId"]);
    assert_eq!(resp["KeyId"], arn);
    assert_eq!(resp["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    let blob = resp["CiphertextBlob"].as_str().unwrap();
    assert!(blob.starts_with("AQICAH"), "{blob}");
    let out = decrypt(&mut e, json!({"CiphertextBlob": blob})).unwrap();
    assert_eq!(unb64(&out["Plaintext"]), b"hello world");
    assert_eq!(out["KeyId"], arn);
    assert_eq!(out["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(out["KeyMaterialId"], md["CurrentKeyMaterialId"]);
}

#[test]
fn encrypt_is_randomized() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let a = encrypt(&mut e, &ctx(), &id, b"same", None);
    let b = encrypt(&mut e, &ctx(), &id, b"same", None);
    assert_ne!(a, b);
}

#[test]
fn encrypt_and_decrypt_accept_every_identifier_form() {
    let mut e = engine();
    let c = ctx();
    let (id, arn) = new_key(&mut e, &c);
    ok(
        &mut e,
        "CreateAlias",
        &c,
        json!({"AliasName": "alias/sym", "TargetKeyId": id}),
    );
    for form in [
        id.clone(),
        arn.clone(),
        "alias/sym".into(),
        c.arn("alias/sym"),
    ] {
        let blob = encrypt(&mut e, &c, &form, b"x", None);
        let out = decrypt(&mut e, json!({"CiphertextBlob": blob, "KeyId": form})).unwrap();
        assert_eq!(unb64(&out["Plaintext"]), b"x");
        assert_eq!(out["KeyId"], arn);
    }
}

#[test]
fn decrypt_by_alias_finds_the_key() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/app", "TargetKeyId": id}),
    );
    let blob = encrypt(&mut e, &ctx(), "alias/app", b"secret", None);
    let out = decrypt(
        &mut e,
        json!({"CiphertextBlob": blob, "KeyId": "alias/app"}),
    )
    .unwrap();
    assert_eq!(out["KeyId"], arn);
}

#[test]
fn encrypt_plaintext_of_4096_bytes_works_and_4097_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &id, &[7u8; 4096], None);
    let out = decrypt(&mut e, json!({"CiphertextBlob": blob})).unwrap();
    assert_eq!(unb64(&out["Plaintext"]).len(), 4096);
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(&[7u8; 4097])}),
        ),
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
}

#[test]
fn encrypt_empty_or_missing_plaintext_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(&mut e, "Encrypt", &ctx(), json!({"KeyId": id, "Plaintext": ""})),
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    assert_error(
        err_untouched(&mut e, "Encrypt", &ctx(), json!({"KeyId": id})),
        "ValidationException",
        "1 validation error detected: Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
    );
}

#[test]
fn decrypt_requires_exactly_the_same_encryption_context() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let blob = encrypt(
        &mut e,
        &ctx(),
        &id,
        b"bound",
        Some(json!({"purpose": "test", "tenant": "a"})),
    );
    // Order does not matter.
    let out = decrypt(
        &mut e,
        json!({"CiphertextBlob": blob, "EncryptionContext": {"tenant": "a", "purpose": "test"}}),
    )
    .unwrap();
    assert_eq!(unb64(&out["Plaintext"]), b"bound");
    for context in [
        Value::Null,
        json!({}),
        json!({"purpose": "test"}),
        json!({"purpose": "test", "tenant": "b"}),
        json!({"purpose": "Test", "tenant": "a"}),
        json!({"Purpose": "test", "tenant": "a"}),
        json!({"purpose": "test", "tenant": "a", "extra": ""}),
    ] {
        let mut body = json!({"CiphertextBlob": blob});
        if !context.is_null() {
            body["EncryptionContext"] = context.clone();
        }
        assert_error(
            err_untouched(&mut e, "Decrypt", &ctx(), body),
            "InvalidCiphertextException",
            "",
        );
    }
}

#[test]
fn decrypt_with_context_when_none_was_used_is_invalid_ciphertext() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &id, b"x", None);
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": blob, "EncryptionContext": {"a": "b"}}),
        ),
        "InvalidCiphertextException",
        "",
    );
    // An empty context is the same as none.
    decrypt(
        &mut e,
        json!({"CiphertextBlob": blob, "EncryptionContext": {}}),
    )
    .unwrap();
}

#[test]
fn decrypt_with_key_id_of_another_key_is_incorrect_key_exception() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &a, b"x", None);
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": blob, "KeyId": b}),
        ),
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
}

#[test]
fn decrypt_of_tampered_blob_is_invalid_ciphertext_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let blob = unb64(&json!(encrypt(&mut e, &ctx(), &id, b"tamper me", None)));
    // Magic (0..5), material ID (22..54), nonce (54..66), body and tag (66..).
    let positions = [0usize, 4, 22, 40, 53, 54, 65, 66, blob.len() - 1];
    for i in positions {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        assert_error(
            err_untouched(
                &mut e,
                "Decrypt",
                &ctx(),
                json!({"CiphertextBlob": b64(&bad)}),
            ),
            "InvalidCiphertextException",
            "",
        );
    }
    // Flipping the flags (5) or a key-ID byte (6..22) names a key that does not exist: it must
    // fail, whatever the text.
    for i in 5..22 {
        let mut bad = blob.clone();
        bad[i] ^= 0x10;
        let (kind, _) = err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": b64(&bad)}),
        );
        assert!(
            kind == "InvalidCiphertextException" || kind == "NotFoundException",
            "{kind}"
        );
    }
}

#[test]
fn decrypt_of_truncated_or_garbage_blob_is_invalid_ciphertext_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let blob = unb64(&json!(encrypt(&mut e, &ctx(), &id, b"truncate me", None)));
    for len in [1, 5, 22, 54, 66, 81, 82, blob.len() - 1] {
        assert_error(
            err_untouched(
                &mut e,
                "Decrypt",
                &ctx(),
                json!({"CiphertextBlob": b64(&blob[..len])}),
            ),
            "InvalidCiphertextException",
            "",
        );
    }
    let mut extended = blob.clone();
    extended.push(0);
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": b64(&extended)}),
        ),
        "InvalidCiphertextException",
        "",
    );
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": b64(&[0u8; 200])}),
        ),
        "InvalidCiphertextException",
        "",
    );
    // With a KeyId, garbage is still InvalidCiphertextException.
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": b64(b"not a ciphertext"), "KeyId": id}),
        ),
        "InvalidCiphertextException",
        "",
    );
}

#[test]
fn decrypt_blob_over_6144_bytes_is_validation_exception() {
    let mut e = engine();
    let (kind, message) = err_untouched(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": b64(&[1u8; 6145])}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(
        message.ends_with("at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144"),
        "{message}"
    );
}

#[test]
fn decrypt_without_ciphertext_blob_is_validation_exception() {
    let mut e = engine();
    assert_error(
        err_untouched(&mut e, "Decrypt", &ctx(), json!({})),
        "ValidationException",
        "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    );
}

#[test]
fn cryptographic_operations_with_disabled_key_are_disabled_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let (other, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &id, b"x", None);
    let other_blob = encrypt(&mut e, &ctx(), &other, b"x", None);
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    let message = format!("{arn} is disabled.");
    for (op, body) in [
        ("Encrypt", json!({"KeyId": id, "Plaintext": b64(b"x")})),
        ("Decrypt", json!({"CiphertextBlob": blob})),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "DestinationKeyId": other}),
        ),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": other_blob, "DestinationKeyId": id}),
        ),
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256"}),
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": id, "KeySpec": "AES_256"}),
        ),
        // DryRun does not hide a state error (§2.18).
        (
            "Encrypt",
            json!({"KeyId": id, "Plaintext": b64(b"x"), "DryRun": true}),
        ),
    ] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "DisabledException",
            &message,
        );
    }
    ok(&mut e, "EnableKey", &ctx(), json!({"KeyId": id}));
    decrypt(&mut e, json!({"CiphertextBlob": blob})).unwrap();
}

#[test]
fn cryptographic_operations_with_key_pending_deletion_are_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let (other, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &id, b"x", None);
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    let message = format!("{arn} is pending deletion.");
    for (op, body) in [
        ("Encrypt", json!({"KeyId": id, "Plaintext": b64(b"x")})),
        ("Decrypt", json!({"CiphertextBlob": blob})),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "DestinationKeyId": other}),
        ),
        ("GenerateDataKey", json!({"KeyId": id, "NumberOfBytes": 8})),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": id, "NumberOfBytes": 8}),
        ),
    ] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "KMSInvalidStateException",
            &message,
        );
    }
    ok(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id}));
    ok(&mut e, "EnableKey", &ctx(), json!({"KeyId": id}));
    decrypt(&mut e, json!({"CiphertextBlob": blob})).unwrap();
}

#[test]
fn encrypt_with_asymmetric_algorithm_on_symmetric_key_is_invalid_key_usage() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (kind, _) = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(kind, "InvalidKeyUsageException");
    let resp = ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    );
    assert_eq!(resp["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
}

#[test]
fn encrypt_with_dry_run_is_dry_run_operation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(b"x"), "DryRun": true}),
        ),
        "DryRunOperationException",
        DRY_RUN,
    );
    // DryRun false is a normal call.
    ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "DryRun": false}),
    );
}

#[test]
fn decrypt_and_generate_with_dry_run_are_dry_run_operation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (other, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &id, b"x", None);
    for (op, body) in [
        ("Decrypt", json!({"CiphertextBlob": blob, "DryRun": true})),
        (
            "Decrypt",
            json!({"CiphertextBlob": b64(b"garbage"), "KeyId": id, "DryRun": true, "DryRunModifiers": ["IGNORE_CIPHERTEXT"]}),
        ),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "DestinationKeyId": other, "DryRun": true}),
        ),
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_128", "DryRun": true}),
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": id, "KeySpec": "AES_128", "DryRun": true}),
        ),
    ] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "DryRunOperationException",
            DRY_RUN,
        );
    }
    // Without IGNORE_CIPHERTEXT a bad ciphertext is still reported under DryRun.
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": b64(b"garbage"), "KeyId": id, "DryRun": true}),
        ),
        "InvalidCiphertextException",
        "",
    );
}

#[test]
fn re_encrypt_moves_a_ciphertext_to_another_key_and_context() {
    let mut e = engine();
    let src = create_key(&mut e, &ctx());
    let dst = create_key(&mut e, &ctx());
    let src_id = src["KeyId"].as_str().unwrap();
    let dst_id = dst["KeyId"].as_str().unwrap();
    let blob = encrypt(&mut e, &ctx(), src_id, b"moving", Some(json!({"a": "1"})));
    let resp = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({
            "CiphertextBlob": blob,
            "SourceEncryptionContext": {"a": "1"},
            "DestinationKeyId": dst_id,
            "DestinationEncryptionContext": {"b": "2"},
        }),
    );
    assert_eq!(resp["SourceKeyId"], src["Arn"]);
    assert_eq!(resp["KeyId"], dst["Arn"]);
    assert_eq!(resp["SourceEncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(resp["DestinationEncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    assert_eq!(resp["SourceKeyMaterialId"], src["CurrentKeyMaterialId"]);
    assert_eq!(
        resp["DestinationKeyMaterialId"],
        dst["CurrentKeyMaterialId"]
    );
    let new_blob = resp["CiphertextBlob"].as_str().unwrap();
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": new_blob}),
        ),
        "InvalidCiphertextException",
        "",
    );
    let out = decrypt(
        &mut e,
        json!({"CiphertextBlob": new_blob, "EncryptionContext": {"b": "2"}}),
    )
    .unwrap();
    assert_eq!(unb64(&out["Plaintext"]), b"moving");
    assert_eq!(out["KeyId"], dst["Arn"]);
}

#[test]
fn re_encrypt_checks_source_context_and_source_key_id() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &a, b"x", Some(json!({"k": "v"})));
    assert_error(
        err_untouched(
            &mut e,
            "ReEncrypt",
            &ctx(),
            json!({"CiphertextBlob": blob, "DestinationKeyId": b}),
        ),
        "InvalidCiphertextException",
        "",
    );
    assert_error(
        err_untouched(
            &mut e,
            "ReEncrypt",
            &ctx(),
            json!({"CiphertextBlob": blob, "SourceKeyId": b, "SourceEncryptionContext": {"k": "v"}, "DestinationKeyId": b}),
        ),
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
    // Re-encrypting under the same key is allowed.
    ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "SourceKeyId": a, "SourceEncryptionContext": {"k": "v"}, "DestinationKeyId": a}),
    );
}

#[test]
fn generate_data_key_returns_key_of_spec_length_and_its_ciphertext() {
    let mut e = engine();
    let md = create_key(&mut e, &ctx());
    let id = md["KeyId"].as_str().unwrap();
    for (body, len) in [
        (json!({"KeyId": id, "KeySpec": "AES_256"}), 32),
        (json!({"KeyId": id, "KeySpec": "AES_128"}), 16),
        (json!({"KeyId": id, "NumberOfBytes": 1}), 1),
        (json!({"KeyId": id, "NumberOfBytes": 1024}), 1024),
        (
            json!({"KeyId": id, "NumberOfBytes": 64, "EncryptionContext": {"x": "y"}}),
            64,
        ),
    ] {
        let resp = ok(&mut e, "GenerateDataKey", &ctx(), body.clone());
        let keys: Vec<&String> = resp.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["CiphertextBlob", "KeyId", "KeyMaterialId", "Plaintext"]
        );
        assert_eq!(resp["KeyId"], md["Arn"]);
        assert_eq!(resp["KeyMaterialId"], md["CurrentKeyMaterialId"]);
        let plaintext = unb64(&resp["Plaintext"]);
        assert_eq!(plaintext.len(), len);
        let mut dec = json!({"CiphertextBlob": resp["CiphertextBlob"]});
        if let Some(c) = body.get("EncryptionContext") {
            dec["EncryptionContext"] = c.clone();
        }
        let out = decrypt(&mut e, dec).unwrap();
        assert_eq!(unb64(&out["Plaintext"]), plaintext);
    }
}

#[test]
fn generate_data_key_without_plaintext_returns_only_the_ciphertext() {
    let mut e = engine();
    let md = create_key(&mut e, &ctx());
    let id = md["KeyId"].as_str().unwrap();
    let resp = ok(
        &mut e,
        "GenerateDataKeyWithoutPlaintext",
        &ctx(),
        json!({"KeyId": id, "KeySpec": "AES_128"}),
    );
    let keys: Vec<&String> = resp.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["CiphertextBlob", "KeyId", "KeyMaterialId"]);
    assert_eq!(resp["KeyId"], md["Arn"]);
    let out = decrypt(&mut e, json!({"CiphertextBlob": resp["CiphertextBlob"]})).unwrap();
    assert_eq!(unb64(&out["Plaintext"]).len(), 16);
}

#[test]
fn generate_data_key_needs_exactly_one_of_key_spec_and_number_of_bytes() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for op in ["GenerateDataKey", "GenerateDataKeyWithoutPlaintext"] {
        for body in [
            json!({"KeyId": id}),
            json!({"KeyId": id, "KeySpec": "AES_256", "NumberOfBytes": 32}),
        ] {
            assert_error(
                err_untouched(&mut e, op, &ctx(), body),
                "ValidationException",
                "Please specify either number of bytes or key spec.",
            );
        }
        assert_error(
            err_untouched(&mut e, op, &ctx(), json!({"KeyId": id, "NumberOfBytes": 0})),
            "ValidationException",
            "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
        );
        assert_error(
            err_untouched(&mut e, op, &ctx(), json!({"KeyId": id, "NumberOfBytes": 1025})),
            "ValidationException",
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
        );
        assert_error(
            err_untouched(&mut e, op, &ctx(), json!({"KeyId": id, "KeySpec": "AES_512"})),
            "ValidationException",
            "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
        );
    }
}

#[test]
fn generate_random_returns_the_requested_number_of_bytes() {
    let mut e = engine();
    let before = e.snapshot();
    let a = unb64(
        &ok(
            &mut e,
            "GenerateRandom",
            &ctx(),
            json!({"NumberOfBytes": 1}),
        )["Plaintext"],
    );
    assert_eq!(a.len(), 1);
    let b = ok(
        &mut e,
        "GenerateRandom",
        &ctx(),
        json!({"NumberOfBytes": 1024}),
    );
    assert_eq!(b.as_object().unwrap().len(), 1, "{b}");
    assert_eq!(unb64(&b["Plaintext"]).len(), 1024);
    let c = unb64(
        &ok(
            &mut e,
            "GenerateRandom",
            &ctx(),
            json!({"NumberOfBytes": 32}),
        )["Plaintext"],
    );
    let d = unb64(
        &ok(
            &mut e,
            "GenerateRandom",
            &ctx(),
            json!({"NumberOfBytes": 32}),
        )["Plaintext"],
    );
    assert_ne!(c, d);
    assert_eq!(before, e.snapshot(), "GenerateRandom writes nothing");
}

#[test]
fn generate_random_number_of_bytes_rules() {
    let mut e = engine();
    assert_error(
        err_untouched(&mut e, "GenerateRandom", &ctx(), json!({})),
        "ValidationException",
        "NumberOfBytes is required.",
    );
    assert_error(
        err_untouched(&mut e, "GenerateRandom", &ctx(), json!({"NumberOfBytes": 0})),
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        err_untouched(&mut e, "GenerateRandom", &ctx(), json!({"NumberOfBytes": 1025})),
        "ValidationException",
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
}

#[test]
fn encrypt_with_absent_or_malformed_key_is_not_found() {
    let mut e = engine();
    let id = "00000000-0000-4000-8000-000000000000";
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(b"x")}),
        ),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&ctx(), id)),
    );
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": "nope", "Plaintext": b64(b"x")}),
        ),
        "NotFoundException",
        "Invalid keyId 'nope'",
    );
    assert_error(
        err_untouched(
            &mut e,
            "GenerateDataKey",
            &ctx(),
            json!({"KeyId": "alias/missing", "KeySpec": "AES_256"}),
        ),
        "NotFoundException",
        &format!("Alias {} is not found.", ctx().arn("alias/missing")),
    );
}

#[test]
fn symmetric_operations_write_nothing() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let before = e.snapshot();
    let blob = encrypt(&mut e, &ctx(), &id, b"x", None);
    decrypt(&mut e, json!({"CiphertextBlob": blob})).unwrap();
    ok(
        &mut e,
        "GenerateDataKey",
        &ctx(),
        json!({"KeyId": id, "KeySpec": "AES_256"}),
    );
    let out = kms_wasm::wire::handle(
        &mut e,
        "TrentService.Encrypt",
        &ctx_json(&ctx()),
        json!({"KeyId": id, "Plaintext": b64(b"x")})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(out.status, 200);
    assert!(out.entry.is_none(), "Encrypt needs no journal entry");
    assert_eq!(before, e.snapshot());
}
