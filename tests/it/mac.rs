//! HMAC keys: CreateKey per spec, GenerateMac and VerifyMac (AWS-KMS-BEHAVIOUR.md §2.3, §2.4, §2.14,
//! §2.16, §2.18). The RFC 4231 vectors live with the primitive (src/crypto/hmac.rs) because KMS
//! never exports an HMAC key; here they are re-checked through `kms_wasm::crypto::hmac`.
use crate::common;

use common::*;
use kms_wasm::crypto::digest::Hash;
use kms_wasm::crypto::hmac;
use kms_wasm::store::RecordKey;
use kms_wasm::Engine;
use serde_json::{json, Value};

const SPECS: [(&str, &str, usize); 4] = [
    ("HMAC_224", "HMAC_SHA_224", 28),
    ("HMAC_256", "HMAC_SHA_256", 32),
    ("HMAC_384", "HMAC_SHA_384", 48),
    ("HMAC_512", "HMAC_SHA_512", 64),
];

fn hmac_key(e: &mut Engine, spec: &str) -> Value {
    ok(
        e,
        "CreateKey",
        &ctx(),
        json!({"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC"}),
    )["KeyMetadata"]
        .clone()
}

#[test]
fn hmac_key_metadata_per_spec() {
    let mut e = engine();
    for (spec, alg, _) in SPECS {
        let md = hmac_key(&mut e, spec);
        assert_eq!(md["KeySpec"], spec);
        assert_eq!(md["CustomerMasterKeySpec"], spec);
        assert_eq!(md["KeyUsage"], "GENERATE_VERIFY_MAC");
        assert_eq!(md["MacAlgorithms"], json!([alg]));
        let keys: Vec<&String> = md.as_object().unwrap().keys().collect();
        for absent in [
            "CurrentKeyMaterialId",
            "EncryptionAlgorithms",
            "SigningAlgorithms",
            "KeyAgreementAlgorithms",
        ] {
            assert!(!keys.contains(&&absent.to_string()), "{spec}: {absent}");
        }
        assert_eq!(describe(&mut e, &ctx(), md["KeyId"].as_str().unwrap()), md);
    }
}

#[test]
fn hmac_key_length_is_the_digest_length() {
    let mut e = engine();
    for (spec, _, len) in SPECS {
        let md = hmac_key(&mut e, spec);
        let record =
            &e.store().keys[&RecordKey::new(ACCOUNT, REGION, md["KeyId"].as_str().unwrap())];
        assert_eq!(record.materials[0].bytes.0.len(), len, "{spec}");
        assert!(record.public_key.is_none());
    }
}

#[test]
fn generate_mac_then_verify_mac_for_every_spec() {
    let mut e = engine();
    for (spec, alg, len) in SPECS {
        let md = hmac_key(&mut e, spec);
        let (id, arn) = (md["KeyId"].as_str().unwrap(), md["Arn"].as_str().unwrap());
        let out = ok(
            &mut e,
            "GenerateMac",
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"message"), "MacAlgorithm": alg}),
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["KeyId", "Mac", "MacAlgorithm"]);
        assert_eq!(out["KeyId"], arn);
        assert_eq!(out["MacAlgorithm"], alg);
        let tag = unb64(&out["Mac"]);
        assert_eq!(tag.len(), len);
        // The MAC is HMAC with the key's own material, byte for byte.
        let record = &e.store().keys[&RecordKey::new(ACCOUNT, REGION, id)];
        let hash = [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512]
            [SPECS.iter().position(|s| s.0 == spec).unwrap()];
        assert_eq!(
            hmac::mac(hash, &record.materials[0].bytes.0, b"message").unwrap(),
            tag
        );
        let v = ok(
            &mut e,
            "VerifyMac",
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"message"), "MacAlgorithm": alg, "Mac": b64(&tag)}),
        );
        assert_eq!(
            v,
            json!({"KeyId": arn, "MacValid": true, "MacAlgorithm": alg})
        );
        // Deterministic: the same message gives the same MAC.
        let again = ok(
            &mut e,
            "GenerateMac",
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"message"), "MacAlgorithm": alg}),
        );
        assert_eq!(again["Mac"], out["Mac"]);
    }
}

#[test]
fn mac_operations_accept_every_identifier_form() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_256");
    let id = md["KeyId"].as_str().unwrap();
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/mac", "TargetKeyId": id}),
    );
    for form in [
        id.to_string(),
        md["Arn"].as_str().unwrap().to_string(),
        "alias/mac".into(),
        ctx().arn("alias/mac"),
    ] {
        let out = ok(
            &mut e,
            "GenerateMac",
            &ctx(),
            json!({"KeyId": form, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256"}),
        );
        assert_eq!(out["KeyId"], md["Arn"]);
    }
}

#[test]
fn verify_mac_with_a_wrong_mac_is_kms_invalid_mac_exception() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_384");
    let id = md["KeyId"].as_str().unwrap();
    let tag = unb64(
        &ok(
            &mut e,
            "GenerateMac",
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_384"}),
        )["Mac"],
    );
    let mut bad = tag.clone();
    bad[0] ^= 1;
    for (message, mac) in [
        (b"m".as_slice(), bad.as_slice()),
        (b"other", tag.as_slice()),
        (b"m", &tag[..47]),
    ] {
        let got = err_untouched(
            &mut e,
            "VerifyMac",
            &ctx(),
            json!({"KeyId": id, "Message": b64(message), "MacAlgorithm": "HMAC_SHA_384", "Mac": b64(mac)}),
        );
        assert_error(got, "KMSInvalidMacException", "");
    }
    // A MAC of another HMAC key of the same spec does not verify either.
    let other = hmac_key(&mut e, "HMAC_384");
    let got = err(
        &mut e,
        "VerifyMac",
        &ctx(),
        json!({"KeyId": other["KeyId"], "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_384", "Mac": b64(&tag)}),
    );
    assert_error(got, "KMSInvalidMacException", "");
}

#[test]
fn mac_algorithm_must_match_the_key_spec() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_224");
    let id = md["KeyId"].as_str().unwrap();
    for op in ["GenerateMac", "VerifyMac"] {
        let got = err_untouched(
            &mut e,
            op,
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256", "Mac": b64(&[0; 32])}),
        );
        assert_error(
            got,
            "InvalidKeyUsageException",
            "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
        );
    }
}

#[test]
fn mac_algorithm_outside_the_enum_is_validation_exception() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_256");
    let (kind, message) = err_untouched(
        &mut e,
        "GenerateMac",
        &ctx(),
        json!({"KeyId": md["KeyId"], "Message": b64(b"m"), "MacAlgorithm": "INVALID"}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(
        message.starts_with("1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: ["),
        "{message}"
    );
}

#[test]
fn hmac_key_spec_without_key_usage_is_validation_exception() {
    let mut e = engine();
    let got = err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeySpec": "HMAC_256"}));
    assert_error(
        got,
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    );
    let got = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"KeySpec": "HMAC_256", "KeyUsage": "ENCRYPT_DECRYPT"}),
    );
    assert_error(
        got,
        "ValidationException",
        "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256",
    );
}

#[test]
fn mac_operations_with_a_key_of_another_usage_are_invalid_key_usage() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    for op in ["GenerateMac", "VerifyMac"] {
        let got = err_untouched(
            &mut e,
            op,
            &ctx(),
            json!({"KeyId": id, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256", "Mac": b64(&[0; 32])}),
        );
        assert_error(
            got,
            "InvalidKeyUsageException",
            &format!("{arn} key usage is ENCRYPT_DECRYPT which is not valid for {op}."),
        );
    }
    // And the HMAC key is refused by the encryption operations.
    let md = hmac_key(&mut e, "HMAC_256");
    let harn = md["Arn"].as_str().unwrap();
    let got = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": md["KeyId"], "Plaintext": b64(b"x")}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        &format!("{harn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt."),
    );
    let got = err_untouched(
        &mut e,
        "GenerateDataKey",
        &ctx(),
        json!({"KeyId": md["KeyId"], "KeySpec": "AES_256"}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        &format!("{harn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey."),
    );
    let got = err_untouched(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": md["KeyId"], "Message": b64(b"x"), "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        &format!("{harn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign."),
    );
}

#[test]
fn mac_operations_follow_the_key_state() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_256");
    let (id, arn) = (md["KeyId"].as_str().unwrap(), md["Arn"].as_str().unwrap());
    let body = json!({"KeyId": id, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256"});
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "GenerateMac", &ctx(), body.clone()),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    assert_error(
        err_untouched(&mut e, "GenerateMac", &ctx(), body),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

#[test]
fn mac_dry_run_checks_everything_then_answers_dry_run() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_512");
    let got = err_untouched(
        &mut e,
        "GenerateMac",
        &ctx(),
        json!({"KeyId": md["KeyId"], "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_512", "DryRun": true}),
    );
    assert_error(
        got,
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    );
}

#[test]
fn get_public_key_of_an_hmac_key_is_unsupported_operation() {
    let mut e = engine();
    let md = hmac_key(&mut e, "HMAC_256");
    let (kind, _) = err_untouched(
        &mut e,
        "GetPublicKey",
        &ctx(),
        json!({"KeyId": md["KeyId"]}),
    );
    assert_eq!(kind, "UnsupportedOperationException");
}
