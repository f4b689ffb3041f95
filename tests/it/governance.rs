//! Tags (§2.8), key policies (§2.15) and automatic rotation (§2.11) of AWS-KMS-BEHAVIOUR.md.
use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"TagKey": k, "TagValue": v}))
            .collect(),
    )
}

fn list_tags(e: &mut Engine, id: &str) -> Value {
    ok(e, "ListResourceTags", &ctx(), json!({"KeyId": id}))
}

// ---------------------------------------------------------------------------------------------
// Tags

#[test]
fn tag_resource_then_list_resource_tags_shows_them() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    assert_eq!(
        ok(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("team", "crypto"), ("env", "")])}),
        ),
        json!({})
    );
    assert_eq!(
        list_tags(&mut e, &arn),
        json!({"Tags": tags(&[("env", ""), ("team", "crypto")]), "Truncated": false})
    );
    // Tags are not part of KeyMetadata.
    assert!(describe(&mut e, &ctx(), &id).get("Tags").is_none());
}

#[test]
fn tagging_an_existing_tag_key_replaces_its_value() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("k", "1")])}),
    );
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("k", "2")])}),
    );
    assert_eq!(list_tags(&mut e, &id)["Tags"], tags(&[("k", "2")]));
}

#[test]
fn create_key_with_tags_lists_them() {
    let mut e = engine();
    let md = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"Tags": tags(&[("b", "2"), ("a", "1")])}),
    )["KeyMetadata"]
        .clone();
    assert!(md.get("Tags").is_none());
    assert_eq!(
        list_tags(&mut e, md["KeyId"].as_str().unwrap())["Tags"],
        tags(&[("a", "1"), ("b", "2")])
    );
}

#[test]
fn duplicate_tag_keys_are_tag_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("k", "1"), ("k", "2")])}),
        ),
        "TagException",
        "Duplicate tag keys",
    );
    assert_error(
        err_untouched(
            &mut e,
            "CreateKey",
            &ctx(),
            json!({"Tags": tags(&[("k", "1"), ("k", "1")])}),
        ),
        "TagException",
        "Duplicate tag keys",
    );
}

#[test]
fn more_than_50_tags_is_tag_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let names: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&many)}),
        ),
        "TagException",
        "Too many tags",
    );
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&many[..50])}),
    );
    // Replacing a value keeps the count at 50; a new key makes 51.
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("t0", "new")])}),
    );
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("t50", "v")])}),
        ),
        "TagException",
        "Too many tags",
    );
}

#[test]
fn aws_prefixed_tag_keys_are_reserved() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for key in ["aws:owner", "AWS:owner", "Aws:x"] {
        assert_error(
            err_untouched(
                &mut e,
                "TagResource",
                &ctx(),
                json!({"KeyId": id, "Tags": tags(&[(key, "v")])}),
            ),
            "TagException",
            "Tags beginning with aws: are reserved",
        );
    }
    // Only the colon form is reserved.
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("awsome", "v")])}),
    );
}

#[test]
fn tag_lengths_are_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let long_value = "v".repeat(257);
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("k", &long_value)])}),
        ),
        "ValidationException",
        &format!("1 validation error detected: Value '{long_value}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256"),
    );
    let long_key = "k".repeat(129);
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("ok", "v"), (&long_key, "v")])}),
        ),
        "ValidationException",
        &format!("1 validation error detected: Value '{long_key}' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128"),
    );
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[(&"k".repeat(128), &"v".repeat(256))])}),
    );
}

#[test]
fn untag_resource_removes_tags_and_ignores_unknown_keys() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("a", "1"), ("b", "2")])}),
    );
    assert_eq!(
        ok(
            &mut e,
            "UntagResource",
            &ctx(),
            json!({"KeyId": id, "TagKeys": ["a", "zzz"]}),
        ),
        json!({})
    );
    assert_eq!(list_tags(&mut e, &id)["Tags"], tags(&[("b", "2")]));
}

#[test]
fn tag_and_untag_with_key_pending_deletion_are_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("a", "1")])}),
    );
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    let message = format!("{arn} is pending deletion.");
    assert_error(
        err_untouched(
            &mut e,
            "TagResource",
            &ctx(),
            json!({"KeyId": id, "Tags": tags(&[("b", "2")])}),
        ),
        "KMSInvalidStateException",
        &message,
    );
    assert_error(
        err_untouched(
            &mut e,
            "UntagResource",
            &ctx(),
            json!({"KeyId": id, "TagKeys": ["a"]}),
        ),
        "KMSInvalidStateException",
        &message,
    );
    // Listing still works.
    assert_eq!(list_tags(&mut e, &id)["Tags"], tags(&[("a", "1")]));
}

#[test]
fn tag_resource_on_disabled_key_works() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&[("a", "1")])}),
    );
}

#[test]
fn list_resource_tags_pages() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let names: Vec<String> = (0..5).map(|i| format!("t{i}")).collect();
    let five: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": id, "Tags": tags(&five)}),
    );
    let first = ok(
        &mut e,
        "ListResourceTags",
        &ctx(),
        json!({"KeyId": id, "Limit": 3}),
    );
    assert_eq!(first["Tags"], tags(&five[..3]));
    assert_eq!(first["Truncated"], true);
    let rest = ok(
        &mut e,
        "ListResourceTags",
        &ctx(),
        json!({"KeyId": id, "Limit": 3, "Marker": first["NextMarker"]}),
    );
    assert_eq!(rest, json!({"Tags": tags(&five[3..]), "Truncated": false}));
}

// ---------------------------------------------------------------------------------------------
// Key policies

const DEFAULT_POLICY: &str = "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::111122223333:root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";

#[test]
fn get_key_policy_returns_the_default_policy_byte_for_byte() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for body in [
        json!({"KeyId": id}),
        json!({"KeyId": id, "PolicyName": "default"}),
    ] {
        let resp = ok(&mut e, "GetKeyPolicy", &ctx(), body);
        assert_eq!(resp["Policy"].as_str().unwrap(), DEFAULT_POLICY);
        assert_eq!(resp["PolicyName"], "default");
    }
}

#[test]
fn default_policy_names_the_callers_account_and_partition() {
    let mut e = engine();
    let china = ctx_in("444455556666", "cn-north-1");
    let (id, arn) = new_key(&mut e, &china);
    assert!(
        arn.starts_with("arn:aws-cn:kms:cn-north-1:444455556666:key/"),
        "{arn}"
    );
    let policy = ok(&mut e, "GetKeyPolicy", &china, json!({"KeyId": id}))["Policy"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        policy,
        DEFAULT_POLICY.replace(
            "arn:aws:iam::111122223333:root",
            "arn:aws-cn:iam::444455556666:root"
        )
    );
}

#[test]
fn put_key_policy_replaces_the_policy() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]
    });
    assert_eq!(
        ok(
            &mut e,
            "PutKeyPolicy",
            &ctx(),
            json!({"KeyId": id, "PolicyName": "default", "Policy": policy.to_string()}),
        ),
        json!({})
    );
    let got = ok(&mut e, "GetKeyPolicy", &ctx(), json!({"KeyId": id}))["Policy"].clone();
    let parsed: Value = serde_json::from_str(got.as_str().unwrap()).unwrap();
    assert_eq!(parsed, policy);
}

/// A policy that keeps the account root in charge (so the lockout safety check passes).
const ROOT_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;

#[test]
fn create_key_with_policy_keeps_it() {
    let mut e = engine();
    let md = ok(&mut e, "CreateKey", &ctx(), json!({"Policy": ROOT_POLICY}))["KeyMetadata"].clone();
    let got = ok(
        &mut e,
        "GetKeyPolicy",
        &ctx(),
        json!({"KeyId": md["KeyId"]}),
    )["Policy"]
        .clone();
    let parsed: Value = serde_json::from_str(got.as_str().unwrap()).unwrap();
    assert_eq!(parsed, serde_json::from_str::<Value>(ROOT_POLICY).unwrap());
}

#[test]
fn get_key_policy_reformats_a_written_policy_as_aws_does() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let written = r#"{"Version":"2012-10-17","Id":"mine","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["kms:*"],"Resource":"*","Condition":{}}]}"#;
    ok(
        &mut e,
        "PutKeyPolicy",
        &ctx(),
        json!({"KeyId": id, "Policy": written}),
    );
    let got = ok(&mut e, "GetKeyPolicy", &ctx(), json!({"KeyId": id}))["Policy"].clone();
    assert_eq!(
        got.as_str().unwrap(),
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"mine\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Root\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"111122223333\"\n    },\n    \"Action\" : [ \"kms:*\" ],\n    \"Resource\" : \"*\",\n    \"Condition\" : { }\n  } ]\n}"
    );
}

#[test]
fn put_key_policy_with_malformed_document_is_malformed_policy_document_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for policy in ["not json", "{}", "[1,2]", "{\"Statement\": 5}"] {
        let (kind, _) = err_untouched(
            &mut e,
            "PutKeyPolicy",
            &ctx(),
            json!({"KeyId": id, "Policy": policy}),
        );
        assert_eq!(kind, "MalformedPolicyDocumentException", "{policy}");
    }
    let (kind, _) = err_untouched(&mut e, "CreateKey", &ctx(), json!({"Policy": "nope"}));
    assert_eq!(kind, "MalformedPolicyDocumentException");
}

#[test]
fn put_key_policy_over_32_kib_is_limit_exceeded_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let padding = "a".repeat(32_768);
    let big = format!("{{\"Statement\":[],\"Id\":\"{padding}\"}}");
    let (kind, _) = err_untouched(
        &mut e,
        "PutKeyPolicy",
        &ctx(),
        json!({"KeyId": id, "Policy": big}),
    );
    assert_eq!(kind, "LimitExceededException");
}

#[test]
fn put_key_policy_named_aws_ram_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_error(
        err_untouched(
            &mut e,
            "PutKeyPolicy",
            &ctx(),
            json!({"KeyId": id, "PolicyName": "AWS_RAM", "Policy": "{\"Statement\":[]}"}),
        ),
        "ValidationException",
        "The AWS_RAM policy can only be managed by the RAM service.",
    );
}

#[test]
fn put_key_policy_with_control_characters_is_validation_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (kind, message) = err_untouched(
        &mut e,
        "PutKeyPolicy",
        &ctx(),
        json!({"KeyId": id, "Policy": "{\"Statement\":[]}\u{0001}"}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(message.contains("at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern"), "{message}");
}

#[test]
fn put_key_policy_works_while_pending_deletion() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    ok(
        &mut e,
        "PutKeyPolicy",
        &ctx(),
        json!({"KeyId": id, "Policy": ROOT_POLICY}),
    );
    ok(&mut e, "GetKeyPolicy", &ctx(), json!({"KeyId": id}));
}

#[test]
fn list_key_policies_returns_default_not_truncated() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    assert_eq!(
        ok(&mut e, "ListKeyPolicies", &ctx(), json!({"KeyId": id})),
        json!({"PolicyNames": ["default"], "Truncated": false})
    );
}

// ---------------------------------------------------------------------------------------------
// Rotation

#[test]
fn get_key_rotation_status_of_new_key_is_disabled() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    assert_eq!(
        ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id})),
        json!({"KeyRotationEnabled": false, "KeyId": arn})
    );
}

#[test]
fn enable_key_rotation_defaults_to_365_days() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    assert_eq!(
        ok(&mut e, "EnableKeyRotation", &ctx(), json!({"KeyId": id})),
        json!({})
    );
    assert_eq!(
        ok(
            &mut e,
            "GetKeyRotationStatus",
            &ctx(),
            json!({"KeyId": arn})
        ),
        json!({
            "KeyRotationEnabled": true,
            "KeyId": arn,
            "RotationPeriodInDays": 365,
            "NextRotationDate": NOW + 365.0 * DAY,
        })
    );
}

#[test]
fn enable_key_rotation_accepts_periods_from_90_to_2560_days() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for days in [90, 2560] {
        ok(
            &mut e,
            "EnableKeyRotation",
            &ctx(),
            json!({"KeyId": id, "RotationPeriodInDays": days}),
        );
        let status = ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id}));
        assert_eq!(status["RotationPeriodInDays"], days);
        assert_eq!(
            status["NextRotationDate"],
            json!(NOW + f64::from(days) * DAY)
        );
    }
    for (days, bound) in [
        (89, "greater than or equal to 90"),
        (2561, "less than or equal to 2560"),
    ] {
        assert_error(
            err_untouched(
                &mut e,
                "EnableKeyRotation",
                &ctx(),
                json!({"KeyId": id, "RotationPeriodInDays": days}),
            ),
            "ValidationException",
            &format!("1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value {bound}"),
        );
    }
}

#[test]
fn disable_key_rotation_turns_it_off() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(
        &mut e,
        "EnableKeyRotation",
        &ctx(),
        json!({"KeyId": id, "RotationPeriodInDays": 100}),
    );
    assert_eq!(
        ok(&mut e, "DisableKeyRotation", &ctx(), json!({"KeyId": id})),
        json!({})
    );
    assert_eq!(
        ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id})),
        json!({"KeyRotationEnabled": false, "KeyId": arn})
    );
}

#[test]
fn key_rotation_changes_on_disabled_key_are_disabled_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    for op in ["EnableKeyRotation", "DisableKeyRotation"] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), json!({"KeyId": id})),
            "DisabledException",
            &format!("{arn} is disabled."),
        );
    }
    // Reading the status is allowed.
    ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id}));
}

#[test]
fn key_rotation_changes_on_key_pending_deletion_are_kms_invalid_state_exception() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    for op in ["EnableKeyRotation", "DisableKeyRotation"] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), json!({"KeyId": id})),
            "KMSInvalidStateException",
            &format!("{arn} is pending deletion."),
        );
    }
    ok(&mut e, "GetKeyRotationStatus", &ctx(), json!({"KeyId": id}));
}
