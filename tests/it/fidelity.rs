//! AWS's recorded answers to the letter (issue 14): error bodies without a message where AWS sends
//! none, the order of checks (existence, key state, key spec and usage, then the request), and the
//! smaller answers AWS gives that we used to get wrong. Each test names the AWS behaviour it pins;
//! the texts are AWS's where AWS has one (AWS-KMS-BEHAVIOUR.md §2.21).
use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

/// The raw error body of a call that must fail.
fn error_body(e: &mut Engine, op: &str, body: Value) -> String {
    let out = call_raw(
        e,
        &format!("TrentService.{op}"),
        &ctx(),
        body.to_string().as_bytes(),
    );
    assert_eq!(out.status, 400, "{op} should fail");
    String::from_utf8(out.body).unwrap()
}

fn key_of(e: &mut Engine, body: Value) -> String {
    ok(e, "CreateKey", &ctx(), body)["KeyMetadata"]["Arn"]
        .as_str()
        .unwrap()
        .to_string()
}

const GRANTEE: &str = "arn:aws:iam::111122223333:role/app";

// ---- error bodies ----------------------------------------------------------------------------

#[test]
fn verify_with_a_bad_signature_is_kms_invalid_signature_without_a_message() {
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    );
    let body = json!({"KeyId": key, "Message": b64(b"m"), "Signature": b64(&[0x30, 0x06, 2, 1, 1, 2, 1, 1]), "SigningAlgorithm": "ECDSA_SHA_256"});
    assert_eq!(
        error_body(&mut e, "Verify", body),
        r#"{"__type":"KMSInvalidSignatureException"}"#
    );
}

#[test]
fn decrypt_with_the_wrong_encryption_context_is_invalid_ciphertext_without_a_message() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &arn, b"secret", Some(json!({"a": "1"})));
    for context in [json!({"a": "2"}), json!({})] {
        let body = json!({"CiphertextBlob": blob, "EncryptionContext": context});
        assert_eq!(
            error_body(&mut e, "Decrypt", body),
            r#"{"__type":"InvalidCiphertextException"}"#
        );
    }
}

#[test]
fn verify_mac_with_a_wrong_mac_is_kms_invalid_mac_without_a_message() {
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    let body = json!({"KeyId": key, "Message": b64(b"m"), "Mac": b64(&[0; 32]), "MacAlgorithm": "HMAC_SHA_256"});
    assert_eq!(
        error_body(&mut e, "VerifyMac", body),
        r#"{"__type":"KMSInvalidMacException"}"#
    );
}

#[test]
fn rotate_key_on_demand_on_a_non_symmetric_key_is_unsupported_without_a_message() {
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    assert_eq!(
        error_body(&mut e, "RotateKeyOnDemand", json!({"KeyId": key})),
        r#"{"__type":"UnsupportedOperationException"}"#
    );
}

// ---- order of checks -------------------------------------------------------------------------

#[test]
fn rotate_key_on_demand_on_a_disabled_rsa_key_is_disabled_exception() {
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": key}));
    let got = err_untouched(&mut e, "RotateKeyOnDemand", &ctx(), json!({"KeyId": key}));
    assert_error(got, "DisabledException", &format!("{key} is disabled."));
}

#[test]
fn re_encrypt_with_an_hmac_source_key_is_incorrect_key_exception() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    let blob = encrypt(&mut e, &ctx(), &arn, b"secret", None);
    let hmac = key_of(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    // Whether or not the blob is one of ours: an HMAC key cannot have made any ciphertext.
    for blob in [blob, b64(&[7; 64])] {
        let body = json!({"CiphertextBlob": blob, "SourceKeyId": hmac, "DestinationKeyId": arn});
        let got = err_untouched(&mut e, "ReEncrypt", &ctx(), body);
        assert_error(
            got,
            "IncorrectKeyException",
            "The key ID in the request does not identify a CMK that can perform this operation.",
        );
        let body = json!({"CiphertextBlob": blob, "KeyId": hmac});
        let got = err_untouched(&mut e, "Decrypt", &ctx(), body);
        assert_eq!(got.0, "IncorrectKeyException");
    }
}

#[test]
fn verify_under_dry_run_checks_the_signature_before_answering_dry_run() {
    // DryRunOperationException says "the request would have succeeded" (developer guide, Testing
    // your permissions); a bad signature would not have.
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    );
    let signed = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": key, "Message": b64(b"m"), "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    let mut body = json!({"KeyId": key, "Message": b64(b"m"), "Signature": signed["Signature"], "SigningAlgorithm": "ECDSA_SHA_256", "DryRun": true});
    let got = err_untouched(&mut e, "Verify", &ctx(), body.clone());
    assert_error(
        got,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    body["Message"] = json!(b64(b"other"));
    assert_eq!(
        error_body(&mut e, "Verify", body),
        r#"{"__type":"KMSInvalidSignatureException"}"#
    );
}

#[test]
fn verify_mac_under_dry_run_compares_the_mac_before_answering_dry_run() {
    // AWS-KMS-BEHAVIOUR.md §2.18: parameters → key → state → usage → MAC comparison → DryRun last.
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    let made = ok(
        &mut e,
        "GenerateMac",
        &ctx(),
        json!({"KeyId": key, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256"}),
    );
    let mut body = json!({"KeyId": key, "Message": b64(b"m"), "Mac": made["Mac"], "MacAlgorithm": "HMAC_SHA_256", "DryRun": true});
    let got = err_untouched(&mut e, "VerifyMac", &ctx(), body.clone());
    assert_error(
        got,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
    body["Mac"] = json!(b64(&[0; 32]));
    assert_eq!(
        error_body(&mut e, "VerifyMac", body),
        r#"{"__type":"KMSInvalidMacException"}"#
    );
}

#[test]
fn create_grant_on_a_disabled_key_is_disabled_exception() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": arn}));
    let body = json!({"KeyId": arn, "GranteePrincipal": GRANTEE, "Operations": ["Decrypt"]});
    let got = err_untouched(&mut e, "CreateGrant", &ctx(), body);
    assert_error(got, "DisabledException", &format!("{arn} is disabled."));
}

#[test]
fn create_grant_on_a_pending_import_key_is_kms_invalid_state() {
    // The key-state table (developer guide, key-state.md): CreateGrant on PendingImport →
    // KMSInvalidStateException.
    let mut e = engine();
    let arn = key_of(&mut e, json!({"Origin": "EXTERNAL"}));
    let body = json!({"KeyId": arn, "GranteePrincipal": GRANTEE, "Operations": ["Decrypt"]});
    let got = err_untouched(&mut e, "CreateGrant", &ctx(), body);
    assert_error(
        got,
        "KMSInvalidStateException",
        &format!("{arn} is pending import."),
    );
}

#[test]
fn create_grant_on_a_key_pending_deletion_is_kms_invalid_state() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": arn, "PendingWindowInDays": 7}),
    );
    // State comes before the grant's own validation (an operation a symmetric key lacks).
    let body = json!({"KeyId": arn, "GranteePrincipal": GRANTEE, "Operations": ["Sign"]});
    let got = err_untouched(&mut e, "CreateGrant", &ctx(), body);
    assert_error(
        got,
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

// ---- smaller answers -------------------------------------------------------------------------

#[test]
fn create_grant_with_no_operations_is_validation_exception() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    for body in [
        json!({"KeyId": arn, "GranteePrincipal": GRANTEE, "Operations": []}),
        json!({"KeyId": arn, "GranteePrincipal": GRANTEE}),
    ] {
        let (kind, _) = err_untouched(&mut e, "CreateGrant", &ctx(), body);
        assert_eq!(kind, "ValidationException");
    }
}

#[test]
fn create_alias_allows_only_letters_digits_slash_underscore_and_dash() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for name in ["alias/a:b", "alias/with:colon/x"] {
        let got = err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": name, "TargetKeyId": id}),
        );
        assert_error(
            got,
            "ValidationException",
            &format!("{name} contains invalid characters for an alias"),
        );
    }
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/Ok_9/x-y", "TargetKeyId": id}),
    );
}

#[test]
fn replicate_key_without_tags_omits_replica_tags() {
    let mut e = engine();
    let arn = key_of(&mut e, json!({"MultiRegion": true}));
    let out = ok(
        &mut e,
        "ReplicateKey",
        &ctx(),
        json!({"KeyId": arn, "ReplicaRegion": "eu-west-1"}),
    );
    assert!(out.get("ReplicaTags").is_none(), "{out}");
    assert!(out["ReplicaKeyMetadata"].is_object());
    let tagged = key_of(&mut e, json!({"MultiRegion": true}));
    let out = ok(
        &mut e,
        "ReplicateKey",
        &ctx(),
        json!({"KeyId": tagged, "ReplicaRegion": "eu-west-1", "Tags": [{"TagKey": "k", "TagValue": "v"}]}),
    );
    assert_eq!(
        out["ReplicaTags"],
        json!([{"TagKey": "k", "TagValue": "v"}])
    );
}

#[test]
fn get_key_rotation_status_is_false_while_pending_deletion_and_back_after_cancel() {
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "EnableKeyRotation", &ctx(), json!({"KeyId": arn}));
    let status = |e: &mut Engine| ok(e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": arn}));
    let before = status(&mut e);
    assert_eq!(before["KeyRotationEnabled"], true);
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": arn}));
    let pending = status(&mut e);
    assert_eq!(pending["KeyRotationEnabled"], false, "{pending}");
    assert!(pending.get("NextRotationDate").is_none(), "{pending}");
    ok(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": arn}));
    assert_eq!(status(&mut e), before);
}

#[test]
fn a_ciphertext_whose_key_id_bytes_were_altered_is_invalid_ciphertext() {
    let mut e = engine();
    let (_, arn) = new_key(&mut e, &ctx());
    let mut blob = unb64(&json!(encrypt(&mut e, &ctx(), &arn, b"secret", None)));
    // Bytes 6..22 hold the key ID (src/model/ciphertext.rs).
    blob[10] ^= 0x01;
    let out = error_body(&mut e, "Decrypt", json!({"CiphertextBlob": b64(&blob)}));
    assert_eq!(out, r#"{"__type":"InvalidCiphertextException"}"#);
}

#[test]
fn enable_key_rotation_on_a_disabled_hmac_key_is_disabled_exception() {
    // State before spec, as AWS orders RotateKeyOnDemand; an EXTERNAL key pending import still
    // gets the key-state table's "origin is EXTERNAL" answer.
    let mut e = engine();
    let key = key_of(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": key}));
    for op in ["EnableKeyRotation", "DisableKeyRotation"] {
        let got = err_untouched(&mut e, op, &ctx(), json!({"KeyId": key}));
        assert_error(got, "DisabledException", &format!("{key} is disabled."));
    }
    let external = key_of(&mut e, json!({"Origin": "EXTERNAL"}));
    let got = err_untouched(
        &mut e,
        "EnableKeyRotation",
        &ctx(),
        json!({"KeyId": external}),
    );
    assert_error(
        got,
        "UnsupportedOperationException",
        &format!("{external} origin is EXTERNAL which is not valid for this operation."),
    );
}
