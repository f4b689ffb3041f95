//! CreateAlias, UpdateAlias, DeleteAlias and ListAliases (AWS-KMS-BEHAVIOUR.md §2.7, §2.17 and the
//! key-state table of §2.3).
use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

const PREFIX_MESSAGE: &str = "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";

fn create_alias(e: &mut Engine, name: &str, target: &str) -> Result<Value, (String, String)> {
    call(
        e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": name, "TargetKeyId": target}),
    )
}

/// ListAliases without the predefined `alias/aws/*` entries (no TargetKeyId yet; see
/// tests/aws_managed.rs), which every account lists.
fn list_aliases(e: &mut Engine, body: Value) -> Value {
    let mut page = ok(e, "ListAliases", &ctx(), body);
    if let Some(list) = page["Aliases"].as_array_mut() {
        list.retain(|a| a.get("TargetKeyId").is_some());
    }
    page
}

#[test]
fn create_alias_then_list_aliases_shows_it() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_eq!(
        create_alias(&mut e, "alias/my-app_key/1", &id).unwrap(),
        json!({})
    );
    let listed = list_aliases(&mut e, json!({}));
    assert_eq!(
        listed,
        json!({
            "Aliases": [{
                "AliasName": "alias/my-app_key/1",
                "AliasArn": ctx().arn("alias/my-app_key/1"),
                "TargetKeyId": id,
                "CreationDate": NOW,
                "LastUpdatedDate": NOW,
            }],
            "Truncated": false,
        })
    );
}

#[test]
fn create_alias_accepts_a_key_arn_as_target() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/by-arn", &arn).unwrap();
    assert_eq!(describe(&mut e, &ctx(), "alias/by-arn")["KeyId"], id);
}

#[test]
fn alias_without_prefix_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "my-alias", "TargetKeyId": id}),
        ),
        "ValidationException",
        PREFIX_MESSAGE,
    );
    assert_error(
        err_untouched(
            &mut e,
            "UpdateAlias",
            &ctx(),
            json!({"AliasName": "my-alias", "TargetKeyId": id}),
        ),
        "ValidationException",
        PREFIX_MESSAGE,
    );
    assert_error(
        err_untouched(
            &mut e,
            "DeleteAlias",
            &ctx(),
            json!({"AliasName": "my-alias"}),
        ),
        "ValidationException",
        PREFIX_MESSAGE,
    );
}

#[test]
fn alias_with_invalid_characters_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/has space", "TargetKeyId": id}),
        ),
        "ValidationException",
        "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
    let long = format!("alias/{}", "a".repeat(251));
    let (kind, message) = err_untouched(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": long, "TargetKeyId": id}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(
        message.ends_with("Member must have length less than or equal to 256"),
        "{message}"
    );
}

#[test]
fn alias_aws_prefix_is_not_authorized_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/aws/s3", "TargetKeyId": id}),
        ),
        "NotAuthorizedException",
        "",
    );
}

#[test]
fn duplicate_alias_is_already_exists_exception() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/dup", &a).unwrap();
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/dup", "TargetKeyId": b}),
        ),
        "AlreadyExistsException",
        &format!(
            "An alias with the name {} already exists",
            ctx().arn("alias/dup")
        ),
    );
}

#[test]
fn create_alias_with_an_alias_as_target_is_rejected() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/first", &id).unwrap();
    for target in ["alias/first".to_string(), ctx().arn("alias/first")] {
        let (kind, _) = err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/second", "TargetKeyId": target}),
        );
        assert_eq!(kind, "NotFoundException");
    }
}

#[test]
fn create_alias_for_absent_key_is_not_found() {
    let mut e = engine();
    let id = "11111111-2222-4333-8444-555555555555";
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/x", "TargetKeyId": id}),
        ),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&ctx(), id)),
    );
}

#[test]
fn create_alias_for_key_pending_deletion_is_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(
            &mut e,
            "CreateAlias",
            &ctx(),
            json!({"AliasName": "alias/late", "TargetKeyId": id}),
        ),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

#[test]
fn create_alias_for_disabled_key_works() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    create_alias(&mut e, "alias/disabled", &id).unwrap();
}

#[test]
fn a_key_may_have_at_most_50_aliases() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for i in 0..50 {
        create_alias(&mut e, &format!("alias/a{i:02}"), &id).unwrap();
    }
    let (kind, _) = err_untouched(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/one-too-many", "TargetKeyId": id}),
    );
    assert_eq!(kind, "LimitExceededException");
}

#[test]
fn update_alias_points_it_at_another_key() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, b_arn) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/moving", &a).unwrap();
    let later = at(NOW + 60.0);
    assert_eq!(
        ok(
            &mut e,
            "UpdateAlias",
            &later,
            json!({"AliasName": "alias/moving", "TargetKeyId": b_arn}),
        ),
        json!({})
    );
    let entry = list_aliases(&mut e, json!({}))["Aliases"][0].clone();
    assert_eq!(entry["TargetKeyId"], b);
    assert_eq!(entry["CreationDate"], json!(NOW));
    assert_eq!(entry["LastUpdatedDate"], json!(NOW + 60.0));
    let blob = encrypt(&mut e, &ctx(), "alias/moving", b"x", None);
    let out = ok(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob}));
    assert_eq!(out["KeyId"], b_arn);
}

#[test]
fn update_alias_of_missing_alias_is_not_found() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "UpdateAlias",
            &ctx(),
            json!({"AliasName": "alias/ghost", "TargetKeyId": id}),
        ),
        "NotFoundException",
        &format!("Alias {} is not found.", ctx().arn("alias/ghost")),
    );
}

#[test]
fn update_alias_to_key_pending_deletion_is_kms_invalid_state_exception() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, b_arn) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/u", &a).unwrap();
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": b}));
    assert_error(
        err_untouched(
            &mut e,
            "UpdateAlias",
            &ctx(),
            json!({"AliasName": "alias/u", "TargetKeyId": b}),
        ),
        "KMSInvalidStateException",
        &format!("{b_arn} is pending deletion."),
    );
}

#[test]
fn update_alias_away_from_key_pending_deletion_works() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/escape", &a).unwrap();
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": a}));
    ok(
        &mut e,
        "UpdateAlias",
        &ctx(),
        json!({"AliasName": "alias/escape", "TargetKeyId": b}),
    );
    assert_eq!(describe(&mut e, &ctx(), "alias/escape")["KeyId"], b);
}

#[test]
fn delete_alias_removes_only_the_alias() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/gone", &id).unwrap();
    assert_eq!(
        ok(
            &mut e,
            "DeleteAlias",
            &ctx(),
            json!({"AliasName": "alias/gone"})
        ),
        json!({})
    );
    assert_eq!(list_aliases(&mut e, json!({}))["Aliases"], json!([]));
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Enabled");
    assert_error(
        err_untouched(
            &mut e,
            "DescribeKey",
            &ctx(),
            json!({"KeyId": "alias/gone"}),
        ),
        "NotFoundException",
        &format!("Alias {} is not found.", ctx().arn("alias/gone")),
    );
    // The name is free again.
    create_alias(&mut e, "alias/gone", &id).unwrap();
}

#[test]
fn delete_alias_of_missing_alias_is_not_found() {
    let mut e = engine();
    assert_error(
        err_untouched(
            &mut e,
            "DeleteAlias",
            &ctx(),
            json!({"AliasName": "alias/never"}),
        ),
        "NotFoundException",
        &format!("Alias {} is not found.", ctx().arn("alias/never")),
    );
}

#[test]
fn list_aliases_filters_by_key_id() {
    let mut e = engine();
    let (a, a_arn) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    create_alias(&mut e, "alias/a1", &a).unwrap();
    create_alias(&mut e, "alias/b1", &b).unwrap();
    create_alias(&mut e, "alias/a2", &a).unwrap();
    for key in [a.clone(), a_arn] {
        let names: Vec<Value> = list_aliases(&mut e, json!({"KeyId": key}))["Aliases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["AliasName"].clone())
            .collect();
        assert_eq!(names, [json!("alias/a1"), json!("alias/a2")]);
    }
    let (id, _) = new_key(&mut e, &ctx());
    assert_eq!(
        list_aliases(&mut e, json!({"KeyId": id})),
        json!({"Aliases": [], "Truncated": false})
    );
    let absent = "99999999-9999-4999-8999-999999999999";
    assert_error(
        err_untouched(&mut e, "ListAliases", &ctx(), json!({"KeyId": absent})),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&ctx(), absent)),
    );
}

#[test]
fn list_aliases_pages_with_limit_and_marker() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let names: Vec<String> = (0..5).map(|i| format!("alias/p{i}")).collect();
    for n in &names {
        create_alias(&mut e, n, &id).unwrap();
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut body = json!({"Limit": 2});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = list_aliases(&mut e, body);
        for a in page["Aliases"].as_array().unwrap() {
            seen.push(a["AliasName"].as_str().unwrap().to_string());
        }
        if page["Truncated"] == true {
            marker = Some(page["NextMarker"].as_str().unwrap().to_string());
        } else {
            assert!(page.get("NextMarker").is_none());
            break;
        }
    }
    assert_eq!(seen, names);
    assert_error(
        err_untouched(&mut e, "ListAliases", &ctx(), json!({"Limit": 1001})),
        "ValidationException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    let (kind, _) = err_untouched(
        &mut e,
        "ListAliases",
        &ctx(),
        json!({"Marker": "bm90LW91cnM"}),
    );
    assert_eq!(kind, "InvalidMarkerException");
}

#[test]
fn list_aliases_returns_at_most_100_per_page() {
    let mut e = engine();
    for k in 0..3 {
        let (id, _) = new_key(&mut e, &ctx());
        for i in 0..35 {
            create_alias(&mut e, &format!("alias/k{k}-{i:02}"), &id).unwrap();
        }
    }
    // 105 aliases and the 20 predefined AWS managed aliases.
    let page = ok(&mut e, "ListAliases", &ctx(), json!({"Limit": 1000}));
    assert_eq!(page["Aliases"].as_array().unwrap().len(), 100);
    assert_eq!(page["Truncated"], true);
    let rest = ok(
        &mut e,
        "ListAliases",
        &ctx(),
        json!({"Marker": page["NextMarker"]}),
    );
    assert_eq!(rest["Aliases"].as_array().unwrap().len(), 25);
    let default = ok(&mut e, "ListAliases", &ctx(), json!({}));
    assert_eq!(default["Aliases"].as_array().unwrap().len(), 50);
}
