//! CreateKey, DescribeKey, ListKeys and the key state machine (AWS-KMS-BEHAVIOUR.md §2.1–2.4, §2.10,
//! §2.13, §2.14, §2.17).
use crate::common;

use std::collections::BTreeSet;

use common::*;
use kms_wasm::api::KeySpec;
use serde_json::{json, Value};

fn members(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn create_key_returns_symmetric_metadata_shape() {
    let mut e = engine();
    let md = create_key(&mut e, &ctx());
    let expected: BTreeSet<String> = [
        "AWSAccountId",
        "KeyId",
        "Arn",
        "CreationDate",
        "Enabled",
        "Description",
        "KeyUsage",
        "KeyState",
        "Origin",
        "KeyManager",
        "CustomerMasterKeySpec",
        "KeySpec",
        "EncryptionAlgorithms",
        "MultiRegion",
        "CurrentKeyMaterialId",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(members(&md), expected, "{md}");
    let id = md["KeyId"].as_str().unwrap();
    assert!(kms_wasm::model::key_ref::is_key_id(id), "{id}");
    assert_eq!(md["AWSAccountId"], ACCOUNT);
    assert_eq!(md["Arn"], key_arn(&ctx(), id));
    assert_eq!(md["CreationDate"], json!(NOW));
    assert_eq!(md["Enabled"], true);
    assert_eq!(md["Description"], "");
    assert_eq!(md["KeyUsage"], "ENCRYPT_DECRYPT");
    assert_eq!(md["KeyState"], "Enabled");
    assert_eq!(md["Origin"], "AWS_KMS");
    assert_eq!(md["KeyManager"], "CUSTOMER");
    assert_eq!(md["CustomerMasterKeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(md["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(md["EncryptionAlgorithms"], json!(["SYMMETRIC_DEFAULT"]));
    assert_eq!(md["MultiRegion"], false);
    let material = md["CurrentKeyMaterialId"].as_str().unwrap();
    assert_eq!(material.len(), 64);
    assert!(material
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
}

#[test]
fn create_key_keeps_description_and_describe_key_matches() {
    let mut e = engine();
    let md = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"Description": "my key", "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT"}),
    )["KeyMetadata"]
        .clone();
    assert_eq!(md["Description"], "my key");
    assert_eq!(describe(&mut e, &ctx(), md["KeyId"].as_str().unwrap()), md);
}

#[test]
fn create_key_with_deprecated_customer_master_key_spec_works() {
    let mut e = engine();
    let md = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"}),
    )["KeyMetadata"]
        .clone();
    assert_eq!(md["KeySpec"], "SYMMETRIC_DEFAULT");
}

#[test]
fn create_key_with_both_specs_is_validation_exception() {
    let mut e = engine();
    assert_error(
        err_untouched(
            &mut e,
            "CreateKey",
            &ctx(),
            json!({"KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"}),
        ),
        "ValidationException",
        "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec instead.",
    );
}

#[test]
fn create_key_with_unknown_key_spec_lists_the_enum() {
    let mut e = engine();
    let (kind, message) = err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeySpec": "INVALID"}));
    assert_eq!(kind, "ValidationException");
    assert_eq!(
        message,
        format!(
            "1 validation error detected: Value 'INVALID' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            KeySpec::ALL.join(", ")
        )
    );
}

#[test]
fn create_key_with_unknown_key_usage_lists_the_enum() {
    let mut e = engine();
    assert_error(
        err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeyUsage": "DANCE"})),
        "ValidationException",
        "1 validation error detected: Value 'DANCE' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT, ENCAPSULATE_DECAPSULATE]",
    );
}

#[test]
fn create_key_with_two_violations_counts_both() {
    let mut e = engine();
    let (kind, message) = err_untouched(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"KeyUsage": "X", "Origin": "Y"}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(
        message.starts_with("2 validation errors detected: Value 'X' at 'keyUsage'"),
        "{message}"
    );
    assert!(message.contains("; Value 'Y' at 'origin'"), "{message}");
}

#[test]
fn create_hmac_key_without_key_usage_is_validation_exception() {
    let mut e = engine();
    for spec in [
        "HMAC_224",
        "HMAC_256",
        "HMAC_384",
        "HMAC_512",
        "RSA_2048",
        "ECC_NIST_P256",
    ] {
        assert_error(
            err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeySpec": spec})),
            "ValidationException",
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
        );
    }
}

#[test]
fn create_key_with_incompatible_usage_is_validation_exception() {
    let mut e = engine();
    for (spec, usage) in [
        ("RSA_2048", "KEY_AGREEMENT"),
        ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
        ("SYMMETRIC_DEFAULT", "SIGN_VERIFY"),
        ("HMAC_256", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_P256", "ENCRYPT_DECRYPT"),
        ("ML_KEM_768", "SIGN_VERIFY"),
    ] {
        assert_error(
            err_untouched(
                &mut e,
                "CreateKey",
                &ctx(),
                json!({"KeySpec": spec, "KeyUsage": usage}),
            ),
            "ValidationException",
            &format!("KeyUsage {usage} is not compatible with KeySpec {spec}"),
        );
    }
}

#[test]
fn create_key_origins_need_their_custom_key_store() {
    // EXTERNAL and MultiRegion keys are covered in tests/import.rs and tests/multi_region.rs.
    let mut e = engine();
    for origin in ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] {
        let (kind, _) = err_untouched(&mut e, "CreateKey", &ctx(), json!({"Origin": origin}));
        assert_eq!(kind, "ValidationException", "{origin}");
    }
    // MultiRegion false is simply the default.
    let md = ok(&mut e, "CreateKey", &ctx(), json!({"MultiRegion": false}))["KeyMetadata"].clone();
    assert_eq!(md["MultiRegion"], false);
}

#[test]
fn describe_key_accepts_all_four_identifier_forms() {
    let mut e = engine();
    let c = ctx();
    let md = create_key(&mut e, &c);
    let id = md["KeyId"].as_str().unwrap();
    ok(
        &mut e,
        "CreateAlias",
        &c,
        json!({"AliasName": "alias/describe-me", "TargetKeyId": id}),
    );
    for form in [
        id.to_string(),
        key_arn(&c, id),
        "alias/describe-me".to_string(),
        c.arn("alias/describe-me"),
    ] {
        assert_eq!(describe(&mut e, &c, &form), md, "{form}");
    }
}

#[test]
fn describe_key_with_malformed_ids_is_invalid_key_id() {
    let mut e = engine();
    for id in [
        "fake-key-id",
        "134f2428cec14b25a1ae9048164dba47",
        "mrk-fake-key-id",
    ] {
        assert_error(
            err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": id})),
            "NotFoundException",
            &format!("Invalid keyId '{id}'"),
        );
    }
}

#[test]
fn describe_key_of_absent_key_names_the_arn() {
    let mut e = engine();
    let c = ctx();
    let id = "1234abcd-12ab-44cd-96ef-1234567890ab";
    for form in [id.to_string(), key_arn(&c, id)] {
        assert_error(
            err_untouched(&mut e, "DescribeKey", &c, json!({"KeyId": form})),
            "NotFoundException",
            &format!("Key '{}' does not exist", key_arn(&c, id)),
        );
    }
}

#[test]
fn describe_key_by_arn_of_another_region_is_invalid_arn() {
    let mut e = engine();
    let west = ctx_in(ACCOUNT, "eu-west-1");
    let (id, arn) = new_key(&mut e, &west);
    assert_error(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": arn})),
        "NotFoundException",
        "Invalid arn eu-west-1",
    );
    // A bare key ID that exists only in another Region names this Region's ARN.
    assert_error(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": id})),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&ctx(), &id)),
    );
}

#[test]
fn describe_key_of_missing_alias_names_the_alias_arn() {
    let mut e = engine();
    let c = ctx();
    for form in ["alias/nope".to_string(), c.arn("alias/nope")] {
        assert_error(
            err_untouched(&mut e, "DescribeKey", &c, json!({"KeyId": form})),
            "NotFoundException",
            &format!("Alias {} is not found.", c.arn("alias/nope")),
        );
    }
}

#[test]
fn describe_key_without_key_id_is_validation_exception() {
    let mut e = engine();
    assert_error(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({})),
        "ValidationException",
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
}

#[test]
fn list_keys_of_an_empty_region_is_empty_and_not_truncated() {
    let mut e = engine();
    let page = ok(&mut e, "ListKeys", &ctx(), json!({}));
    assert_eq!(page, json!({"Keys": [], "Truncated": false}));
}

#[test]
fn list_keys_pages_with_limit_and_marker() {
    let mut e = engine();
    let c = ctx();
    let mut created: Vec<(String, String)> = (0..7).map(|_| new_key(&mut e, &c)).collect();
    created.sort();
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"Limit": 3});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = ok(&mut e, "ListKeys", &c, body);
        pages += 1;
        let keys = page["Keys"].as_array().unwrap();
        assert!(keys.len() <= 3);
        for k in keys {
            assert_eq!(members(k), ["KeyArn", "KeyId"].map(String::from).into());
            seen.push((
                k["KeyId"].as_str().unwrap().to_string(),
                k["KeyArn"].as_str().unwrap().to_string(),
            ));
        }
        if page["Truncated"] == true {
            marker = Some(page["NextMarker"].as_str().unwrap().to_string());
        } else {
            assert_eq!(page["Truncated"], false);
            assert!(page.get("NextMarker").is_none(), "{page}");
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created);
}

#[test]
fn list_keys_default_limit_returns_everything_below_100() {
    let mut e = engine();
    for _ in 0..5 {
        new_key(&mut e, &ctx());
    }
    let page = ok(&mut e, "ListKeys", &ctx(), json!({}));
    assert_eq!(page["Keys"].as_array().unwrap().len(), 5);
    assert_eq!(page["Truncated"], false);
}

#[test]
fn list_keys_with_foreign_marker_is_invalid_marker_exception() {
    let mut e = engine();
    new_key(&mut e, &ctx());
    let (kind, _) = err_untouched(&mut e, "ListKeys", &ctx(), json!({"Marker": "garbage"}));
    assert_eq!(kind, "InvalidMarkerException");
}

#[test]
fn list_keys_limit_out_of_range_is_validation_exception() {
    let mut e = engine();
    assert_error(
        err_untouched(&mut e, "ListKeys", &ctx(), json!({"Limit": 0})),
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        err_untouched(&mut e, "ListKeys", &ctx(), json!({"Limit": 1001})),
        "ValidationException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
}

#[test]
fn disable_then_enable_key_moves_between_states() {
    let mut e = engine();
    let c = ctx();
    let (id, _) = new_key(&mut e, &c);
    assert_eq!(
        ok(&mut e, "DisableKey", &c, json!({"KeyId": id})),
        json!({})
    );
    let md = describe(&mut e, &c, &id);
    assert_eq!(
        (md["KeyState"].clone(), md["Enabled"].clone()),
        (json!("Disabled"), json!(false))
    );
    // Idempotent.
    ok(&mut e, "DisableKey", &c, json!({"KeyId": id}));
    ok(&mut e, "EnableKey", &c, json!({"KeyId": key_arn(&c, &id)}));
    let md = describe(&mut e, &c, &id);
    assert_eq!(
        (md["KeyState"].clone(), md["Enabled"].clone()),
        (json!("Enabled"), json!(true))
    );
    ok(&mut e, "EnableKey", &c, json!({"KeyId": id}));
}

#[test]
fn schedule_key_deletion_sets_pending_deletion_and_deletion_date() {
    let mut e = engine();
    let c = ctx();
    let (id, arn) = new_key(&mut e, &c);
    let resp = ok(
        &mut e,
        "ScheduleKeyDeletion",
        &c,
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    assert_eq!(
        resp,
        json!({"KeyId": arn, "DeletionDate": NOW + 7.0 * DAY, "KeyState": "PendingDeletion", "PendingWindowInDays": 7})
    );
    let md = describe(&mut e, &c, &id);
    assert_eq!(md["KeyState"], "PendingDeletion");
    assert_eq!(md["Enabled"], false);
    assert_eq!(md["DeletionDate"], json!(NOW + 7.0 * DAY));
    assert!(md.get("PendingDeletionWindowInDays").is_none(), "{md}");
}

#[test]
fn schedule_key_deletion_defaults_to_thirty_days() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let resp = ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_eq!(resp["PendingWindowInDays"], 30);
    assert_eq!(resp["DeletionDate"], json!(NOW + 30.0 * DAY));
}

#[test]
fn schedule_key_deletion_window_outside_7_to_30_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "ScheduleKeyDeletion",
            &ctx(),
            json!({"KeyId": id, "PendingWindowInDays": 6}),
        ),
        "ValidationException",
        "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7",
    );
    assert_error(
        err_untouched(
            &mut e,
            "ScheduleKeyDeletion",
            &ctx(),
            json!({"KeyId": id, "PendingWindowInDays": 31}),
        ),
        "ValidationException",
        "1 validation error detected: Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30",
    );
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 30}),
    );
}

#[test]
fn second_schedule_key_deletion_is_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id})),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

#[test]
fn schedule_key_deletion_of_disabled_key_works() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "PendingDeletion");
}

#[test]
fn enable_or_disable_key_pending_deletion_is_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    for op in ["EnableKey", "DisableKey", "UpdateKeyDescription"] {
        let mut body = json!({"KeyId": id});
        if op == "UpdateKeyDescription" {
            body["Description"] = json!("new");
        }
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "KMSInvalidStateException",
            &format!("{arn} is pending deletion."),
        );
    }
}

#[test]
fn cancel_key_deletion_leaves_the_key_disabled() {
    let mut e = engine();
    let c = ctx();
    let (id, arn) = new_key(&mut e, &c);
    ok(&mut e, "ScheduleKeyDeletion", &c, json!({"KeyId": id}));
    let resp = ok(&mut e, "CancelKeyDeletion", &c, json!({"KeyId": id}));
    assert_eq!(resp, json!({"KeyId": arn}));
    let md = describe(&mut e, &c, &id);
    assert_eq!(md["KeyState"], "Disabled");
    assert_eq!(md["Enabled"], false);
    assert!(md.get("DeletionDate").is_none(), "{md}");
    ok(&mut e, "EnableKey", &c, json!({"KeyId": id}));
    assert_eq!(describe(&mut e, &c, &id)["KeyState"], "Enabled");
}

#[test]
fn cancel_key_deletion_of_key_not_pending_deletion_is_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id})),
        "KMSInvalidStateException",
        &format!("{arn} is not pending deletion."),
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id})),
        "KMSInvalidStateException",
        &format!("{arn} is not pending deletion."),
    );
}

#[test]
fn update_key_description_replaces_it() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_eq!(
        ok(
            &mut e,
            "UpdateKeyDescription",
            &ctx(),
            json!({"KeyId": id, "Description": "hello"}),
        ),
        json!({})
    );
    assert_eq!(describe(&mut e, &ctx(), &id)["Description"], "hello");
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    ok(
        &mut e,
        "UpdateKeyDescription",
        &ctx(),
        json!({"KeyId": id, "Description": ""}),
    );
    assert_eq!(describe(&mut e, &ctx(), &id)["Description"], "");
}

#[test]
fn management_operations_on_absent_key_name_the_arn() {
    let mut e = engine();
    let c = ctx();
    let id = "0000abcd-12ab-44cd-96ef-1234567890ab";
    for op in [
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "GetKeyPolicy",
        "ListResourceTags",
        "GetKeyRotationStatus",
        "EnableKeyRotation",
        "DisableKeyRotation",
        "ListKeyPolicies",
    ] {
        assert_error(
            err_untouched(&mut e, op, &c, json!({"KeyId": id})),
            "NotFoundException",
            &format!("Key '{}' does not exist", key_arn(&c, id)),
        );
    }
}

#[test]
fn describe_key_still_works_while_disabled_or_pending_deletion() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Disabled");
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "PendingDeletion");
    let listed = ok(&mut e, "ListKeys", &ctx(), json!({}));
    assert_eq!(listed["Keys"].as_array().unwrap().len(), 1);
}

#[test]
fn customer_master_key_spec_mirrors_key_spec_even_for_newer_specs() {
    let mut e = engine();
    for (spec, usage) in [
        ("ML_DSA_44", "SIGN_VERIFY"),
        ("ML_KEM_768", "ENCAPSULATE_DECAPSULATE"),
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"),
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    ] {
        let md = ok(
            &mut e,
            "CreateKey",
            &ctx(),
            json!({ "KeySpec": spec, "KeyUsage": usage }),
        )["KeyMetadata"]
            .clone();
        assert_eq!(md["CustomerMasterKeySpec"], spec);
        assert_eq!(md["KeySpec"], spec);
    }
}
