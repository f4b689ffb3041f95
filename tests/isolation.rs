//! Accounts × Regions are separate worlds: keys and aliases of one are never visible from another
//! (AWS-KMS-BEHAVIOUR.md §2.1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use kms_wasm::RequestCtx;
use serde_json::{json, Value};

const OTHER_ACCOUNT: &str = "444455556666";

fn worlds() -> [RequestCtx; 4] {
    [
        ctx(),
        ctx_in(ACCOUNT, "eu-west-1"),
        ctx_in(OTHER_ACCOUNT, REGION),
        ctx_in(OTHER_ACCOUNT, "eu-west-1"),
    ]
}

fn key_ids(v: &Value) -> Vec<String> {
    v["Keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["KeyId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_keys_shows_only_the_callers_account_and_region() {
    let mut e = engine();
    let mut ids = Vec::new();
    for (i, w) in worlds().iter().enumerate() {
        let mine: Vec<String> = (0..=i).map(|_| new_key(&mut e, w).0).collect();
        ids.push(mine);
    }
    for (w, mine) in worlds().iter().zip(&ids) {
        let mut listed = key_ids(&ok(&mut e, "ListKeys", w, json!({})));
        listed.sort();
        let mut expected = mine.clone();
        expected.sort();
        assert_eq!(listed, expected, "{} {}", w.account_id, w.region);
        for k in ok(&mut e, "ListKeys", w, json!({}))["Keys"]
            .as_array()
            .unwrap()
        {
            assert!(
                k["KeyArn"]
                    .as_str()
                    .unwrap()
                    .contains(&format!(":{}:{}:key/", w.region, w.account_id)),
                "{k}"
            );
        }
    }
}

#[test]
fn the_same_alias_name_lives_independently_in_each_account_and_region() {
    let mut e = engine();
    let mut targets = Vec::new();
    for w in worlds() {
        let (id, _) = new_key(&mut e, &w);
        ok(
            &mut e,
            "CreateAlias",
            &w,
            json!({"AliasName": "alias/shared", "TargetKeyId": id}),
        );
        targets.push(id);
    }
    for (w, id) in worlds().iter().zip(&targets) {
        assert_eq!(describe(&mut e, w, "alias/shared")["KeyId"], json!(id));
        let mut aliases = ok(&mut e, "ListAliases", w, json!({}))["Aliases"].clone();
        // Every account also lists the predefined AWS managed aliases (no TargetKeyId).
        aliases
            .as_array_mut()
            .unwrap()
            .retain(|a| a.get("TargetKeyId").is_some());
        assert_eq!(aliases.as_array().unwrap().len(), 1);
        assert_eq!(aliases[0]["TargetKeyId"], json!(id));
        assert_eq!(aliases[0]["AliasArn"], w.arn("alias/shared"));
    }
    // Deleting one leaves the others.
    ok(
        &mut e,
        "DeleteAlias",
        &ctx(),
        json!({"AliasName": "alias/shared"}),
    );
    let (kind, _) = err_untouched(
        &mut e,
        "DescribeKey",
        &ctx(),
        json!({"KeyId": "alias/shared"}),
    );
    assert_eq!(kind, "NotFoundException");
    for w in &worlds()[1..] {
        describe(&mut e, w, "alias/shared");
    }
}

#[test]
fn key_arn_of_another_account_is_refused_by_its_default_policy() {
    // Cross-account use is tests/cross_account.rs; here only that the worlds stay apart.
    let mut e = engine();
    let other = ctx_in(OTHER_ACCOUNT, REGION);
    let (id, arn) = new_key(&mut e, &other);
    let denied = |action: &str| {
        (
            "AccessDeniedException".to_string(),
            format!("User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: {action} on resource: {arn} because no resource-based policy allows the {action} action"),
        )
    };
    assert_eq!(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": arn})),
        denied("kms:DescribeKey")
    );
    // The bare ID names this account's ARN.
    assert_error(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": id})),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&ctx(), &id)),
    );
    for op in [
        "DisableKey",
        "EnableKey",
        "ScheduleKeyDeletion",
        "GetKeyPolicy",
    ] {
        let body = json!({"KeyId": arn, "PolicyName": "default"});
        let body = if op == "GetKeyPolicy" {
            body
        } else {
            json!({"KeyId": arn})
        };
        assert_eq!(
            err_untouched(&mut e, op, &ctx(), body),
            denied(&format!("kms:{op}")),
            "{op}"
        );
    }
    assert_eq!(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": arn, "Plaintext": b64(b"x")}),
        ),
        denied("kms:Encrypt")
    );
    assert_eq!(describe(&mut e, &other, &id)["KeyState"], "Enabled");
}

#[test]
fn alias_arn_of_another_account_names_its_alias_there() {
    let mut e = engine();
    let other = ctx_in(OTHER_ACCOUNT, REGION);
    let (id, arn) = new_key(&mut e, &other);
    ok(
        &mut e,
        "CreateAlias",
        &other,
        json!({"AliasName": "alias/theirs", "TargetKeyId": id}),
    );
    let alias_arn = other.arn("alias/theirs");
    let (kind, message) = err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": alias_arn}));
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains(&arn), "{message}");
    let missing = other.arn("alias/missing");
    assert_error(
        err_untouched(&mut e, "DescribeKey", &ctx(), json!({"KeyId": missing})),
        "NotFoundException",
        &format!("Alias {missing} is not found."),
    );
}

#[test]
fn ciphertext_of_another_account_or_region_does_not_decrypt() {
    let mut e = engine();
    let c = ctx();
    let (id, _) = new_key(&mut e, &c);
    let blob = encrypt(&mut e, &c, &id, b"private", None);
    for w in &worlds()[1..] {
        let (kind, _) = err_untouched(&mut e, "Decrypt", w, json!({"CiphertextBlob": blob}));
        // Another account finds the key and is refused by its default policy; in another Region
        // no such key was ever made, so the blob is not one that Region made.
        let expected = if w.region == c.region {
            "AccessDeniedException"
        } else {
            "InvalidCiphertextException"
        };
        assert_eq!(kind, expected, "{} {}", w.account_id, w.region);
    }
    ok(&mut e, "Decrypt", &c, json!({"CiphertextBlob": blob}));
}

#[test]
fn state_changes_stay_in_their_own_world() {
    let mut e = engine();
    let mut ids = Vec::new();
    for w in worlds() {
        ids.push(new_key(&mut e, &w).0);
    }
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": ids[0]}));
    ok(
        &mut e,
        "TagResource",
        &ctx(),
        json!({"KeyId": ids[0], "Tags": [{"TagKey": "a", "TagValue": "b"}]}),
    );
    for (w, id) in worlds().iter().zip(&ids).skip(1) {
        assert_eq!(describe(&mut e, w, id)["KeyState"], "Enabled");
        assert_eq!(
            ok(&mut e, "ListResourceTags", w, json!({"KeyId": id}))["Tags"],
            json!([])
        );
    }
}
