//! Time: scheduled deletion really deletes when the window passes, automatic rotation happens on
//! schedule, RotateKeyOnDemand and ListKeyRotations, and old ciphertexts keep decrypting. Time is
//! only ever the request's `now`, so every case runs at chosen instants.

use crate::common;

use common::*;
use serde_json::json;

fn decrypt_ok(
    engine: &mut kms_wasm::Engine,
    ctx: &kms_wasm::RequestCtx,
    blob: &str,
) -> serde_json::Value {
    ok(engine, "Decrypt", ctx, json!({ "CiphertextBlob": blob }))
}

#[test]
fn scheduled_deletion_deletes_the_key_and_its_aliases_when_the_window_passes() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({ "AliasName": "alias/doomed", "TargetKeyId": id }),
    );
    let blob = encrypt(&mut e, &ctx(), &id, b"bye", None);
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({ "KeyId": id, "PendingWindowInDays": 7 }),
    );

    let just_before = at(NOW + 7.0 * DAY - 1.0);
    assert_eq!(
        describe(&mut e, &just_before, &id)["KeyState"],
        "PendingDeletion"
    );

    let after = at(NOW + 7.0 * DAY + 1.0);
    assert_error(
        err(&mut e, "DescribeKey", &after, json!({ "KeyId": id })),
        "NotFoundException",
        &format!("Key '{arn}' does not exist"),
    );
    let keys = ok(&mut e, "ListKeys", &after, json!({}));
    assert!(keys["Keys"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["KeyId"] != id.as_str()));
    let aliases = ok(&mut e, "ListAliases", &after, json!({}));
    assert!(aliases["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["AliasName"] != "alias/doomed"));
    assert_error(
        err(
            &mut e,
            "DescribeKey",
            &after,
            json!({ "KeyId": "alias/doomed" }),
        ),
        "NotFoundException",
        &format!("Alias {} is not found.", after.arn("alias/doomed")),
    );
    let (kind, _) = err(&mut e, "Decrypt", &after, json!({ "CiphertextBlob": blob }));
    assert_eq!(kind, "NotFoundException");
    // The name is free again.
    let (other, _) = new_key(&mut e, &after);
    ok(
        &mut e,
        "CreateAlias",
        &after,
        json!({ "AliasName": "alias/doomed", "TargetKeyId": other }),
    );
}

#[test]
fn cancelled_deletion_keeps_the_key_past_the_old_date() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({ "KeyId": id, "PendingWindowInDays": 7 }),
    );
    ok(
        &mut e,
        "CancelKeyDeletion",
        &at(NOW + DAY),
        json!({ "KeyId": id }),
    );
    assert_eq!(
        describe(&mut e, &at(NOW + 30.0 * DAY), &id)["KeyState"],
        "Disabled"
    );
}

#[test]
fn automatic_rotation_happens_on_schedule_and_old_ciphertexts_still_decrypt() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let first = describe(&mut e, &ctx(), &id)["CurrentKeyMaterialId"].clone();
    let old_blob = encrypt(&mut e, &ctx(), &id, b"old", None);
    ok(
        &mut e,
        "EnableKeyRotation",
        &ctx(),
        json!({ "KeyId": id, "RotationPeriodInDays": 90 }),
    );

    assert_eq!(
        describe(&mut e, &at(NOW + 89.0 * DAY), &id)["CurrentKeyMaterialId"],
        first
    );

    let later = at(NOW + 91.0 * DAY);
    let second = describe(&mut e, &later, &id)["CurrentKeyMaterialId"].clone();
    assert_ne!(second, first);
    let status = ok(
        &mut e,
        "GetKeyRotationStatus",
        &later,
        json!({ "KeyId": id }),
    );
    assert_eq!(
        status["NextRotationDate"].as_f64().unwrap(),
        NOW + 180.0 * DAY
    );

    assert_eq!(
        decrypt_ok(&mut e, &later, &old_blob)["KeyMaterialId"],
        first
    );
    let new_blob = encrypt(&mut e, &later, &id, b"new", None);
    assert_eq!(
        decrypt_ok(&mut e, &later, &new_blob)["KeyMaterialId"],
        second
    );

    let rotations = ok(&mut e, "ListKeyRotations", &later, json!({ "KeyId": id }));
    let list = rotations["Rotations"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["RotationType"], "AUTOMATIC");
    assert_eq!(list[0]["KeyMaterialId"], second);
    assert_eq!(list[0]["RotationDate"].as_f64().unwrap(), NOW + 90.0 * DAY);
    assert_eq!(rotations["Truncated"], false);

    // Three more periods later: three more rotations, all applied lazily and identically.
    let much_later = at(NOW + 400.0 * DAY);
    let n = ok(
        &mut e,
        "ListKeyRotations",
        &much_later,
        json!({ "KeyId": id }),
    )["Rotations"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, 4);
    assert_eq!(
        decrypt_ok(&mut e, &much_later, &new_blob)["KeyMaterialId"],
        second
    );
}

#[test]
fn lazily_rotated_material_is_the_same_in_every_replica_of_the_state() {
    let mut a = engine();
    let (id, _) = new_key(&mut a, &ctx());
    ok(
        &mut a,
        "EnableKeyRotation",
        &ctx(),
        json!({ "KeyId": id, "RotationPeriodInDays": 90 }),
    );
    let mut b = kms_wasm::Engine::new();
    b.restore(&a.snapshot()).unwrap();
    let later = at(NOW + 100.0 * DAY);
    let blob = encrypt(&mut a, &later, &id, b"x", None);
    // `b` never saw the rotation happen, yet computes the same material.
    assert_eq!(decrypt_ok(&mut b, &later, &blob)["Plaintext"], b64(b"x"));
}

#[test]
fn disabled_keys_do_not_rotate() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "EnableKeyRotation",
        &ctx(),
        json!({ "KeyId": id, "RotationPeriodInDays": 90 }),
    );
    ok(&mut e, "DisableKey", &ctx(), json!({ "KeyId": id }));
    let rotations = ok(
        &mut e,
        "ListKeyRotations",
        &at(NOW + 200.0 * DAY),
        json!({ "KeyId": id }),
    );
    assert!(rotations["Rotations"].as_array().unwrap().is_empty());
}

#[test]
fn rotate_key_on_demand_changes_the_current_material_up_to_25_times() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let first = describe(&mut e, &ctx(), &id)["CurrentKeyMaterialId"].clone();
    let blob = encrypt(&mut e, &ctx(), &id, b"before", None);
    let out = ok(&mut e, "RotateKeyOnDemand", &ctx(), json!({ "KeyId": id }));
    assert_eq!(out["KeyId"], arn.as_str());
    assert_ne!(describe(&mut e, &ctx(), &id)["CurrentKeyMaterialId"], first);
    assert_eq!(decrypt_ok(&mut e, &ctx(), &blob)["KeyMaterialId"], first);
    for _ in 1..25 {
        ok(&mut e, "RotateKeyOnDemand", &ctx(), json!({ "KeyId": id }));
    }
    let (kind, message) =
        err_untouched(&mut e, "RotateKeyOnDemand", &ctx(), json!({ "KeyId": id }));
    assert_eq!(kind, "LimitExceededException");
    assert_eq!(
        message,
        format!("The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {arn}")
    );
    let all = ok(
        &mut e,
        "ListKeyRotations",
        &ctx(),
        json!({ "KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL", "Limit": 10 }),
    );
    assert_eq!(all["Rotations"].as_array().unwrap().len(), 10);
    assert_eq!(all["Truncated"], true);
    assert_eq!(all["Rotations"][0]["KeyMaterialId"], first);
    assert!(all["Rotations"][0].get("RotationType").is_none());
    assert_eq!(all["Rotations"][1]["RotationType"], "ON_DEMAND");
    let rest = ok(
        &mut e,
        "ListKeyRotations",
        &ctx(),
        json!({ "KeyId": id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL", "Marker": all["NextMarker"] }),
    );
    assert_eq!(rest["Rotations"].as_array().unwrap().len(), 16);
    assert_eq!(rest["Rotations"][15]["KeyMaterialState"], "CURRENT");
}

#[test]
fn rotate_key_on_demand_follows_the_key_state_and_type_rules() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({ "KeyId": id }));
    assert_error(
        err_untouched(&mut e, "RotateKeyOnDemand", &ctx(), json!({ "KeyId": id })),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    let hmac = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({ "KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC" }),
    );
    let hmac_id = hmac["KeyMetadata"]["KeyId"].as_str().unwrap();
    assert_error(
        err_untouched(
            &mut e,
            "RotateKeyOnDemand",
            &ctx(),
            json!({ "KeyId": hmac_id }),
        ),
        "UnsupportedOperationException",
        "",
    );
    let external = ok(&mut e, "CreateKey", &ctx(), json!({ "Origin": "EXTERNAL" }));
    let ext_arn = external["KeyMetadata"]["Arn"].as_str().unwrap();
    assert_error(
        err_untouched(
            &mut e,
            "RotateKeyOnDemand",
            &ctx(),
            json!({ "KeyId": ext_arn }),
        ),
        "KMSInvalidStateException",
        &format!("{ext_arn} is pending import."),
    );
}

#[test]
fn get_key_last_usage_reports_the_last_cryptographic_use() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let fresh = ok(&mut e, "GetKeyLastUsage", &ctx(), json!({ "KeyId": id }));
    assert_eq!(fresh["KeyId"], arn.as_str());
    assert!(fresh.get("KeyLastUsage").is_none());
    assert_eq!(fresh["KeyCreationDate"].as_f64().unwrap(), NOW);
    assert_eq!(fresh["TrackingStartDate"].as_f64().unwrap(), NOW);

    let blob = encrypt(&mut e, &at(NOW + 10.0), &id, b"x", None);
    ok(
        &mut e,
        "DescribeKey",
        &at(NOW + 20.0),
        json!({ "KeyId": id }),
    ); // not a cryptographic use
    let used = ok(
        &mut e,
        "GetKeyLastUsage",
        &at(NOW + 30.0),
        json!({ "KeyId": id }),
    );
    assert_eq!(used["KeyLastUsage"]["Operation"], "Encrypt");
    assert_eq!(
        used["KeyLastUsage"]["Timestamp"].as_f64().unwrap(),
        NOW + 10.0
    );

    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({ "AliasName": "alias/used", "TargetKeyId": id }),
    );
    decrypt_ok(&mut e, &at(NOW + 40.0), &blob);
    let by_alias = ok(
        &mut e,
        "GetKeyLastUsage",
        &at(NOW + 50.0),
        json!({ "KeyId": "alias/used" }),
    );
    assert_eq!(by_alias["KeyLastUsage"]["Operation"], "Decrypt");
    assert_eq!(
        by_alias["KeyLastUsage"]["Timestamp"].as_f64().unwrap(),
        NOW + 40.0
    );
}
