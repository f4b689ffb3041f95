//! Who may call what: key policies, identity policies from the caller's context, explicit denies,
//! the IAM delegation of the default policy, the lockout safety check, and AccessDeniedException
//! overriding whatever the operation would have answered (AWS-KMS-BEHAVIOUR.md §2.15, §2.18).
use crate::common;

use common::*;
use kms_wasm::{Engine, RequestCtx};
use serde_json::{json, Value};

const USER: &str = "arn:aws:iam::111122223333:user/alice";
const ROLE: &str = "arn:aws:iam::111122223333:role/App";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/App/s1";
const ROOT: &str = "arn:aws:iam::111122223333:root";

fn encrypt_body(id: &str) -> Value {
    json!({"KeyId": id, "Plaintext": b64(b"secret")})
}

/// A key whose policy keeps the root in charge and adds `statements`.
fn key_with(e: &mut Engine, statements: Value) -> (String, String) {
    let mut all = vec![
        json!({"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}),
    ];
    all.extend(statements.as_array().unwrap().iter().cloned());
    let policy = json!({"Version": "2012-10-17", "Statement": all}).to_string();
    let md = ok(e, "CreateKey", &ctx(), json!({"Policy": policy}))["KeyMetadata"].clone();
    (
        md["KeyId"].as_str().unwrap().into(),
        md["Arn"].as_str().unwrap().into(),
    )
}

#[test]
fn a_principal_without_identity_policies_is_denied_by_the_default_policy() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let alice = as_principal(USER, &[]);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, encrypt_body(&id)),
        denied(USER, "kms:Encrypt", &arn, "identity-based")
    );
    assert_eq!(
        err(&mut e, "DescribeKey", &alice, json!({"KeyId": id})),
        denied(USER, "kms:DescribeKey", &arn, "identity-based")
    );
}

#[test]
fn identity_policies_allow_exactly_their_actions() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let alice = as_principal(USER, &[allow(json!(["kms:Encrypt", "kms:DescribeKey"]))]);
    let blob = ok(&mut e, "Encrypt", &alice, encrypt_body(&id))["CiphertextBlob"].clone();
    ok(&mut e, "DescribeKey", &alice, json!({"KeyId": id}));
    assert_eq!(
        err(&mut e, "Decrypt", &alice, json!({"CiphertextBlob": blob})),
        denied(USER, "kms:Decrypt", &arn, "identity-based")
    );
}

#[test]
fn root_is_always_allowed_by_iam_and_by_the_default_policy() {
    let mut e = engine();
    let root = ctx().with_principal(Some(ROOT));
    let (id, _) = new_key(&mut e, &root);
    ok(&mut e, "Encrypt", &root, encrypt_body(&id));
    ok(&mut e, "ListKeys", &root, json!({}));
    ok(&mut e, "GenerateRandom", &root, json!({"NumberOfBytes": 8}));
}

#[test]
fn operations_on_no_key_need_an_identity_policy() {
    let mut e = engine();
    let alice = as_principal(USER, &[]);
    assert_eq!(
        err_untouched(&mut e, "CreateKey", &alice, json!({})),
        denied(USER, "kms:CreateKey", "*", "identity-based")
    );
    assert_eq!(
        err(&mut e, "ListKeys", &alice, json!({})),
        denied(USER, "kms:ListKeys", "*", "identity-based")
    );
    let only_hmac = json!({"Statement": [{"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*",
        "Condition": {"StringEquals": {"kms:KeySpec": "HMAC_256"}}}]});
    let alice = as_principal(USER, &[only_hmac]);
    err(&mut e, "CreateKey", &alice, json!({}));
    ok(
        &mut e,
        "CreateKey",
        &alice,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
}

#[test]
fn an_explicit_deny_in_the_key_policy_wins() {
    let mut e = engine();
    let (id, arn) = key_with(
        &mut e,
        json!([{"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "kms:Encrypt", "Resource": "*"}]),
    );
    let alice = as_principal(USER, &[allow(json!("kms:*"))]);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, encrypt_body(&id)),
        (
            "AccessDeniedException".into(),
            format!("User: {USER} is not authorized to perform: kms:Encrypt on resource: {arn} with an explicit deny in a resource-based policy")
        )
    );
    ok(&mut e, "DescribeKey", &alice, json!({"KeyId": id}));
}

#[test]
fn an_explicit_deny_in_an_identity_policy_wins() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let deny = json!({"Statement": [{"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}]});
    let alice = as_principal(USER, &[allow(json!("kms:*")), deny]);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, encrypt_body(&id)).1,
        format!("User: {USER} is not authorized to perform: kms:Encrypt on resource: {arn} with an explicit deny in an identity-based policy")
    );
}

#[test]
fn a_key_policy_naming_a_role_allows_its_sessions_without_iam() {
    let mut e = engine();
    let (id, arn) = key_with(
        &mut e,
        json!([{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]),
    );
    let session = as_principal(SESSION, &[]);
    let blob = ok(&mut e, "Encrypt", &session, encrypt_body(&id))["CiphertextBlob"].clone();
    ok(&mut e, "Decrypt", &session, json!({"CiphertextBlob": blob}));
    assert_eq!(
        err(&mut e, "DisableKey", &session, json!({"KeyId": id})),
        denied(SESSION, "kms:DisableKey", &arn, "identity-based")
    );
}

#[test]
fn access_denied_overrides_disabled_exception_and_dry_run() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    let alice = as_principal(USER, &[]);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, encrypt_body(&id)),
        denied(USER, "kms:Encrypt", &arn, "identity-based")
    );
    let allowed = as_principal(USER, &[allow(json!("kms:Encrypt"))]);
    assert_eq!(
        err(&mut e, "Encrypt", &allowed, encrypt_body(&id)).0,
        "DisabledException"
    );
    ok(&mut e, "EnableKey", &ctx(), json!({"KeyId": id}));
    let mut dry = encrypt_body(&id);
    dry["DryRun"] = json!(true);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, dry.clone()).0,
        "AccessDeniedException"
    );
    assert_eq!(
        err(&mut e, "Encrypt", &allowed, dry).0,
        "DryRunOperationException"
    );
}

#[test]
fn state_is_untouched_after_access_denied() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let alice = as_principal(USER, &[allow(json!("kms:Describe*"))]);
    for (op, body) in [
        ("ScheduleKeyDeletion", json!({"KeyId": id})),
        ("DisableKey", json!({"KeyId": id})),
        (
            "TagResource",
            json!({"KeyId": id, "Tags": [{"TagKey": "a", "TagValue": "b"}]}),
        ),
        (
            "CreateAlias",
            json!({"AliasName": "alias/x", "TargetKeyId": id}),
        ),
        (
            "UpdateKeyDescription",
            json!({"KeyId": id, "Description": "x"}),
        ),
        (
            "PutKeyPolicy",
            json!({"KeyId": id, "Policy": allow(json!("kms:*")).to_string()}),
        ),
    ] {
        assert_eq!(
            err_untouched(&mut e, op, &alice, body).0,
            "AccessDeniedException",
            "{op}"
        );
    }
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Enabled");
}

#[test]
fn alias_operations_need_iam_permission_on_the_alias_too() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let key_only = json!({"Statement": [{"Effect": "Allow", "Action": "kms:CreateAlias", "Resource": "arn:aws:kms:*:*:key/*"}]});
    let alice = as_principal(USER, &[key_only]);
    let (kind, message) = err_untouched(
        &mut e,
        "CreateAlias",
        &alice,
        json!({"AliasName": "alias/app", "TargetKeyId": id}),
    );
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains(":alias/app because"), "{message}");
    let both = as_principal(USER, &[allow(json!("kms:CreateAlias"))]);
    ok(
        &mut e,
        "CreateAlias",
        &both,
        json!({"AliasName": "alias/app", "TargetKeyId": id}),
    );
}

#[test]
fn encryption_context_conditions_are_enforced() {
    let mut e = engine();
    let (id, _) = key_with(
        &mut e,
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
            "Condition": {"StringEquals": {"kms:EncryptionContext:Dept": "IT"}}}]),
    );
    let alice = as_principal(USER, &[]);
    let mut body = encrypt_body(&id);
    assert_eq!(
        err(&mut e, "Encrypt", &alice, body.clone()).0,
        "AccessDeniedException"
    );
    body["EncryptionContext"] = json!({"Dept": "HR"});
    assert_eq!(
        err(&mut e, "Encrypt", &alice, body.clone()).0,
        "AccessDeniedException"
    );
    body["EncryptionContext"] = json!({"Dept": "IT", "Extra": "1"});
    let blob = ok(&mut e, "Encrypt", &alice, body)["CiphertextBlob"].clone();
    ok(
        &mut e,
        "Decrypt",
        &alice,
        json!({"CiphertextBlob": blob, "EncryptionContext": {"Dept": "IT", "Extra": "1"}}),
    );
}

#[test]
fn request_alias_and_resource_aliases_conditions() {
    let mut e = engine();
    let (id, _) = key_with(
        &mut e,
        json!([
            {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:Encrypt", "Resource": "*",
                "Condition": {"StringEquals": {"kms:RequestAlias": "alias/app"}}},
            {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:DescribeKey", "Resource": "*",
                "Condition": {"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/ap*"}}}
        ]),
    );
    let alice = as_principal(USER, &[]);
    assert_eq!(
        err(&mut e, "DescribeKey", &alice, json!({"KeyId": id})).0,
        "AccessDeniedException"
    );
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/app", "TargetKeyId": id}),
    );
    ok(&mut e, "DescribeKey", &alice, json!({"KeyId": id}));
    ok(&mut e, "Encrypt", &alice, encrypt_body("alias/app"));
    assert_eq!(
        err(&mut e, "Encrypt", &alice, encrypt_body(&id)).0,
        "AccessDeniedException"
    );
}

#[test]
fn re_encrypt_needs_from_on_the_source_and_to_on_the_destination() {
    let mut e = engine();
    let (a, a_arn) = key_with(
        &mut e,
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:ReEncryptFrom", "Resource": "*"}]),
    );
    let (b, b_arn) = key_with(
        &mut e,
        json!([{"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:ReEncryptTo", "Resource": "*"}]),
    );
    let alice = as_principal(USER, &[]);
    let blob_a = encrypt(&mut e, &ctx(), &a, b"x", None);
    let blob_b = encrypt(&mut e, &ctx(), &b, b"x", None);
    ok(
        &mut e,
        "ReEncrypt",
        &alice,
        json!({"CiphertextBlob": blob_a, "DestinationKeyId": b}),
    );
    let (kind, message) = err(
        &mut e,
        "ReEncrypt",
        &alice,
        json!({"CiphertextBlob": blob_b, "DestinationKeyId": a}),
    );
    assert_eq!(kind, "AccessDeniedException");
    assert!(
        message.contains(&format!("kms:ReEncryptTo on resource: {a_arn}"))
            || message.contains(&format!("kms:ReEncryptFrom on resource: {b_arn}")),
        "{message}"
    );
    // One key as both source and destination needs both actions.
    let blob = encrypt(&mut e, &ctx(), &a, b"x", None);
    let (kind, message) = err(
        &mut e,
        "ReEncrypt",
        &alice,
        json!({"CiphertextBlob": blob, "DestinationKeyId": a}),
    );
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains("kms:ReEncryptTo"), "{message}");
}

#[test]
fn enforce_policies_false_lets_anyone_do_anything() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let mut anyone = as_principal(USER, &[]);
    anyone.enforce_policies = false;
    ok(&mut e, "Encrypt", &anyone, encrypt_body(&id));
    ok(&mut e, "CreateKey", &anyone, json!({}));
}

#[test]
fn put_key_policy_lockout_safety_check() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let others_only = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"}]}).to_string();
    assert_error(
        err_untouched(
            &mut e,
            "PutKeyPolicy",
            &ctx(),
            json!({"KeyId": id, "Policy": others_only}),
        ),
        "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.",
    );
    assert_error(
        err_untouched(&mut e, "CreateKey", &ctx(), json!({"Policy": others_only})),
        "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.",
    );
    ok(
        &mut e,
        "PutKeyPolicy",
        &ctx(),
        json!({"KeyId": id, "Policy": others_only, "BypassPolicyLockoutSafetyCheck": true}),
    );
    // Now even the root user is locked out; the role is not.
    assert_eq!(
        err(&mut e, "DescribeKey", &ctx(), json!({"KeyId": id})),
        denied(ROOT, "kms:DescribeKey", &arn, "resource-based")
    );
    ok(
        &mut e,
        "DescribeKey",
        &as_principal(ROLE, &[]),
        json!({"KeyId": id}),
    );
}

#[test]
fn lockout_check_counts_identity_policies_through_delegation() {
    let mut e = engine();
    let alice = as_principal(USER, &[allow(json!("kms:*"))]);
    let (id, _) = new_key(&mut e, &alice);
    let root_only = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"}]}).to_string();
    ok(
        &mut e,
        "PutKeyPolicy",
        &alice,
        json!({"KeyId": id, "Policy": root_only}),
    );
    let no_put = as_principal(
        USER,
        &[
            allow(json!(["kms:Describe*", "kms:PutKeyPolicy"])),
            json!({"Statement": [{"Effect": "Deny", "Action": "kms:PutKeyPolicy", "Resource": "*", "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}]}),
        ],
    );
    ok(
        &mut e,
        "PutKeyPolicy",
        &no_put,
        json!({"KeyId": id, "Policy": root_only}),
    );
}

#[test]
fn invalid_principals_and_missing_elements_are_malformed() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let put = |e: &mut Engine, statement: Value| {
        err_untouched(
            e,
            "PutKeyPolicy",
            &ctx(),
            json!({"KeyId": id, "Policy": json!({"Statement": [statement]}).to_string()}),
        )
    };
    assert_error(
        put(
            &mut e,
            json!({"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}),
        ),
        "MalformedPolicyDocumentException",
        "Policy contains a statement with one or more invalid principals.",
    );
    for bad in [
        json!({"Principal": "*", "Action": "kms:*", "Resource": "*"}),
        json!({"Effect": "Permit", "Principal": "*", "Action": "kms:*", "Resource": "*"}),
        json!({"Effect": "Allow", "Principal": "*", "Resource": "*"}),
    ] {
        assert_eq!(
            put(&mut e, bad.clone()).0,
            "MalformedPolicyDocumentException",
            "{bad}"
        );
    }
}

#[test]
fn a_bad_principal_in_the_context_is_rejected_by_the_door() {
    let mut e = engine();
    let bad: RequestCtx = ctx().with_principal(Some("alice"));
    let out = kms_wasm::wire::handle(&mut e, "TrentService.ListKeys", &ctx_json(&bad), b"{}");
    assert_eq!(out.status, 500);
}

#[test]
fn validation_precedes_authorization_when_no_key_was_used() {
    let mut e = engine();
    let alice = as_principal(USER, &[]);
    assert_eq!(
        err(&mut e, "CreateKey", &alice, json!({"KeySpec": "NOPE"})).0,
        "ValidationException"
    );
    assert_eq!(
        err(
            &mut e,
            "GenerateRandom",
            &alice,
            json!({"NumberOfBytes": 0})
        )
        .0,
        "ValidationException"
    );
}
