//! Keys shared across accounts as AWS shares them: account B reaches account A's key only by its
//! ARN, only for the operations whose API reference says "Cross-account use: Yes", and only when
//! A's key policy (together with B's identity policies) or a grant allows it
//! (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
use crate::common;

use common::*;
use kms_wasm::{Engine, RequestCtx};
use serde_json::{json, Value};

/// The key owner is `common::ACCOUNT`; this is the other account.
const B: &str = "444455556666";
const B_ROOT: &str = "arn:aws:iam::444455556666:root";
const B_ROLE: &str = "arn:aws:iam::444455556666:role/App";
const B_USER: &str = "arn:aws:iam::444455556666:user/bob";
const A_ROOT: &str = "arn:aws:iam::111122223333:root";

fn b_root() -> RequestCtx {
    ctx_in(B, REGION)
}

/// A caller in account B with these identity policies.
fn b_as(principal: &str, identity_policies: &[Value]) -> RequestCtx {
    let mut c = b_root().with_principal(Some(principal));
    c.identity_policies = identity_policies.iter().map(Value::to_string).collect();
    c
}

/// A key in account A whose policy keeps A's root in charge and adds `statements`.
fn shared_key(e: &mut Engine, statements: Value) -> (String, String) {
    let mut all = vec![
        json!({"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": A_ROOT}, "Action": "kms:*", "Resource": "*"}),
    ];
    all.extend(statements.as_array().unwrap().iter().cloned());
    let policy = json!({"Version": "2012-10-17", "Statement": all}).to_string();
    let md = ok(e, "CreateKey", &ctx(), json!({"Policy": policy}))["KeyMetadata"].clone();
    (
        md["KeyId"].as_str().unwrap().into(),
        md["Arn"].as_str().unwrap().into(),
    )
}

/// A key of A whose policy allows B's root everything, with an alias in A.
fn shared_with_alias(e: &mut Engine, alias: &str) -> (String, String) {
    let (id, arn) = shared_key(e, json!([statement(B_ROOT, json!("kms:*"))]));
    ok(
        e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": alias, "TargetKeyId": id}),
    );
    (id, arn)
}

fn statement(principal: &str, actions: Value) -> Value {
    json!({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions, "Resource": "*"})
}

/// Asserts that `caller`'s `op` is refused with AWS's AccessDeniedException (for action
/// `kms:<op>` on `arn`, no `kind` policy allowing it) and leaves the state untouched.
fn assert_refused(
    e: &mut Engine,
    op: &str,
    caller: &RequestCtx,
    body: Value,
    arn: &str,
    kind: &str,
) {
    assert_eq!(
        err_untouched(e, op, caller, body),
        denied(&caller.principal_arn(), &format!("kms:{op}"), arn, kind),
        "{op}"
    );
}

fn encrypt_body(key: &str) -> Value {
    json!({"KeyId": key, "Plaintext": b64(b"shared secret")})
}

#[test]
fn key_policy_allowing_the_other_accounts_root_lets_it_use_the_key_by_arn() {
    let mut e = engine();
    let actions = json!([
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:GenerateDataKey"
    ]);
    let (id, arn) = shared_key(&mut e, json!([statement(B_ROOT, actions)]));
    let b = b_root();
    let md = ok(&mut e, "DescribeKey", &b, json!({"KeyId": arn}))["KeyMetadata"].clone();
    assert_eq!(md["AWSAccountId"], ACCOUNT);
    assert_eq!(md["KeyId"], id);
    let blob = ok(&mut e, "Encrypt", &b, encrypt_body(&arn))["CiphertextBlob"].clone();
    // The ciphertext names its key: Decrypt needs no KeyId, in either account.
    for caller in [&b, &ctx()] {
        let out = ok(&mut e, "Decrypt", caller, json!({"CiphertextBlob": blob}));
        assert_eq!(out["KeyId"], arn);
        assert_eq!(unb64(&out["Plaintext"]), b"shared secret");
    }
    let dk = ok(
        &mut e,
        "GenerateDataKey",
        &b,
        json!({"KeyId": arn, "KeySpec": "AES_256"}),
    );
    assert_eq!(dk["KeyId"], arn);
    // Only what the statement allows.
    assert_refused(
        &mut e,
        "GenerateDataKeyWithoutPlaintext",
        &b,
        json!({"KeyId": arn, "KeySpec": "AES_256"}),
        &arn,
        "resource-based",
    );
}

#[test]
fn key_policy_allowing_the_other_accounts_root_delegates_to_that_accounts_identity_policies() {
    let mut e = engine();
    let (_, arn) = shared_key(
        &mut e,
        json!([statement(B_ROOT, json!(["kms:Encrypt", "kms:DescribeKey"]))]),
    );
    let without = b_as(B_ROLE, &[]);
    assert_refused(
        &mut e,
        "Encrypt",
        &without,
        encrypt_body(&arn),
        &arn,
        "identity-based",
    );
    let with = b_as(B_ROLE, &[allow(json!("kms:Encrypt"))]);
    ok(&mut e, "Encrypt", &with, encrypt_body(&arn));
    // B's identity policy cannot reach past what A's key policy allows.
    let greedy = b_as(B_ROLE, &[allow(json!("kms:*"))]);
    assert_refused(
        &mut e,
        "Decrypt",
        &greedy,
        json!({"KeyId": arn, "CiphertextBlob": b64(&[0; 64])}),
        &arn,
        "resource-based",
    );
}

#[test]
fn key_policy_naming_a_principal_in_the_other_account_still_needs_its_identity_policy() {
    let mut e = engine();
    let (_, arn) = shared_key(&mut e, json!([statement(B_ROLE, json!("kms:Encrypt"))]));
    // Unlike the key's own account, a principal the key policy names still needs IAM in its own.
    assert_refused(
        &mut e,
        "Encrypt",
        &b_as(B_ROLE, &[]),
        encrypt_body(&arn),
        &arn,
        "identity-based",
    );
    ok(
        &mut e,
        "Encrypt",
        &b_as(B_ROLE, &[allow(json!("kms:Encrypt"))]),
        encrypt_body(&arn),
    );
    // Another principal of the same account is not named.
    let bob = b_as(B_USER, &[allow(json!("kms:Encrypt"))]);
    assert_refused(
        &mut e,
        "Encrypt",
        &bob,
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
    // Nor is B's root: the statement names the role only.
    assert_refused(
        &mut e,
        "Encrypt",
        &b_root(),
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
}

#[test]
fn a_grant_to_a_principal_in_the_other_account_allows_its_operations() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let grant = ok(
        &mut e,
        "CreateGrant",
        &ctx(),
        json!({"KeyId": id, "GranteePrincipal": B_ROLE, "Operations": ["Encrypt", "Decrypt", "RetireGrant"]}),
    );
    // A grant needs no identity policy in the grantee's account.
    let role = b_as(B_ROLE, &[]);
    let blob = ok(&mut e, "Encrypt", &role, encrypt_body(&arn))["CiphertextBlob"].clone();
    ok(&mut e, "Decrypt", &role, json!({"CiphertextBlob": blob}));
    assert_refused(
        &mut e,
        "DescribeKey",
        &role,
        json!({"KeyId": arn}),
        &arn,
        "resource-based",
    );
    assert_refused(
        &mut e,
        "Encrypt",
        &b_as(B_USER, &[]),
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
    // The grantee retires the grant by its token; it lives with the key, in account A.
    ok(
        &mut e,
        "RetireGrant",
        &role,
        json!({"GrantToken": grant["GrantToken"]}),
    );
    let grants = ok(&mut e, "ListGrants", &ctx(), json!({"KeyId": id}));
    assert_eq!(grants["Grants"], json!([]));
    assert_refused(
        &mut e,
        "Encrypt",
        &role,
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
}

#[test]
fn the_other_account_creates_and_lists_grants_on_the_key_when_the_key_policy_allows() {
    let mut e = engine();
    let (id, arn) = shared_key(
        &mut e,
        json!([statement(
            B_ROOT,
            json!(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"])
        )]),
    );
    let b = b_root();
    let created = ok(
        &mut e,
        "CreateGrant",
        &b,
        json!({"KeyId": arn, "GranteePrincipal": B_USER, "Operations": ["Encrypt"]}),
    );
    // The grant is on A's key: A lists it, issued by account B.
    let listed = ok(&mut e, "ListGrants", &ctx(), json!({"KeyId": id}))["Grants"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["GrantId"], created["GrantId"]);
    assert_eq!(listed[0]["IssuingAccount"], B_ROOT);
    assert_eq!(listed[0]["KeyId"], arn);
    assert_eq!(
        ok(&mut e, "ListGrants", &b, json!({"KeyId": arn}))["Grants"],
        listed
    );
    ok(&mut e, "Encrypt", &b_as(B_USER, &[]), encrypt_body(&arn));
    ok(
        &mut e,
        "RevokeGrant",
        &b,
        json!({"KeyId": arn, "GrantId": created["GrantId"]}),
    );
    assert_eq!(
        ok(&mut e, "ListGrants", &ctx(), json!({"KeyId": id}))["Grants"],
        json!([])
    );
}

#[test]
fn the_default_key_policy_refuses_the_other_account_with_access_denied() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let b = b_root();
    assert_refused(
        &mut e,
        "Encrypt",
        &b,
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
    assert_refused(
        &mut e,
        "DescribeKey",
        &b,
        json!({"KeyId": arn}),
        &arn,
        "resource-based",
    );
    assert_refused(
        &mut e,
        "CreateGrant",
        &b,
        json!({"KeyId": arn, "GranteePrincipal": B_ROLE, "Operations": ["Encrypt"]}),
        &arn,
        "resource-based",
    );
    // A ciphertext of A's key does not decrypt in B either.
    let blob = encrypt(&mut e, &ctx(), &id, b"private", None);
    assert_refused(
        &mut e,
        "Decrypt",
        &b,
        json!({"CiphertextBlob": blob}),
        &arn,
        "resource-based",
    );
    // Even B's identity policies allowing everything change nothing.
    let role = b_as(B_ROLE, &[allow(json!("kms:*"))]);
    assert_refused(
        &mut e,
        "Encrypt",
        &role,
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
}

#[test]
fn a_bare_key_id_or_alias_name_resolves_in_the_callers_own_account() {
    let mut e = engine();
    let (id, arn) = shared_with_alias(&mut e, "alias/shared");
    let b = b_root();
    assert_error(
        err_untouched(&mut e, "DescribeKey", &b, json!({"KeyId": id})),
        "NotFoundException",
        &format!("Key '{}' does not exist", key_arn(&b, &id)),
    );
    assert_error(
        err_untouched(&mut e, "Encrypt", &b, encrypt_body("alias/shared")),
        "NotFoundException",
        &format!("Alias {} is not found.", b.arn("alias/shared")),
    );
    // The alias ARN names A's alias, which the cryptographic operations accept.
    let alias_arn = ctx().arn("alias/shared");
    let out = ok(&mut e, "Encrypt", &b, encrypt_body(&alias_arn));
    assert_eq!(out["KeyId"], arn);
    let missing = ctx().arn("alias/missing");
    assert_error(
        err_untouched(&mut e, "Encrypt", &b, encrypt_body(&missing)),
        "NotFoundException",
        &format!("Alias {missing} is not found."),
    );
    // A key ARN of A that names no key.
    let absent = key_arn(&ctx(), "0123abcd-12ab-4cd3-96ef-1234567890ab");
    assert_error(
        err_untouched(&mut e, "DescribeKey", &b, json!({"KeyId": absent})),
        "NotFoundException",
        &format!("Key '{absent}' does not exist"),
    );
}

#[test]
fn operations_without_cross_account_use_are_refused_whatever_the_key_policy_allows() {
    let mut e = engine();
    let (id, arn) = shared_key(&mut e, json!([statement(B_ROOT, json!("kms:*"))]));
    let b = b_root();
    let policy = json!({"Version": "2012-10-17", "Statement": [statement(B_ROOT, json!("kms:*"))]})
        .to_string();
    let tags = json!([{"TagKey": "k", "TagValue": "v"}]);
    for (op, body) in [
        ("DisableKey", json!({"KeyId": arn})),
        ("ScheduleKeyDeletion", json!({"KeyId": arn})),
        (
            "PutKeyPolicy",
            json!({"KeyId": arn, "PolicyName": "default", "Policy": policy}),
        ),
        (
            "GetKeyPolicy",
            json!({"KeyId": arn, "PolicyName": "default"}),
        ),
        ("TagResource", json!({"KeyId": arn, "Tags": tags})),
        ("ListResourceTags", json!({"KeyId": arn})),
        ("EnableKeyRotation", json!({"KeyId": arn})),
        ("ListAliases", json!({"KeyId": arn})),
    ] {
        assert_refused(&mut e, op, &b, body, &arn, "resource-based");
    }
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["KeyState"], "Enabled");
    assert_eq!(
        ok(&mut e, "ListResourceTags", &ctx(), json!({"KeyId": id}))["Tags"],
        json!([])
    );
    // With policies unenforced the accounts stay apart all the same.
    let mut lax = b_root();
    lax.enforce_policies = false;
    assert_refused(
        &mut e,
        "DisableKey",
        &lax,
        json!({"KeyId": arn}),
        &arn,
        "resource-based",
    );
}

#[test]
fn list_keys_and_list_aliases_never_show_the_other_accounts_keys() {
    let mut e = engine();
    shared_with_alias(&mut e, "alias/of-a");
    let b = b_root();
    let (b_id, _) = new_key(&mut e, &b);
    let listed: Vec<Value> = ok(&mut e, "ListKeys", &b, json!({}))["Keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["KeyId"].clone())
        .collect();
    assert_eq!(listed, vec![json!(b_id)]);
    let aliases = ok(&mut e, "ListAliases", &b, json!({}))["Aliases"].clone();
    for alias in aliases.as_array().unwrap() {
        assert_ne!(alias["AliasName"], "alias/of-a");
        assert!(
            alias["AliasArn"]
                .as_str()
                .unwrap()
                .contains(&format!(":{B}:")),
            "{alias}"
        );
    }
    let own = ok(&mut e, "ListAliases", &ctx(), json!({}))["Aliases"].clone();
    assert!(own
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["AliasName"] == "alias/of-a"));
}

#[test]
fn kms_caller_account_condition_evaluates_the_callers_account() {
    let mut e = engine();
    let (_, arn) = shared_key(
        &mut e,
        json!([{
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Encrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": B}}
        }]),
    );
    ok(&mut e, "Encrypt", &b_root(), encrypt_body(&arn));
    let c = ctx_in("777788889999", REGION);
    assert_refused(
        &mut e,
        "Encrypt",
        &c,
        encrypt_body(&arn),
        &arn,
        "resource-based",
    );
}

#[test]
fn aws_principal_account_condition_evaluates_the_callers_account() {
    let mut e = engine();
    let (_, arn) = shared_key(
        &mut e,
        json!([
            statement(B_ROOT, json!("kms:DescribeKey")),
            {
                "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:DescribeKey", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": B}}
            }
        ]),
    );
    let (kind, message) = err_untouched(&mut e, "DescribeKey", &b_root(), json!({"KeyId": arn}));
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains("with an explicit deny"), "{message}");
    // The owner's account is not B: the Deny does not reach it.
    ok(&mut e, "DescribeKey", &ctx(), json!({"KeyId": arn}));
}

#[test]
fn caller_account_condition_keys_evaluate_in_the_other_accounts_identity_policies() {
    let mut e = engine();
    // A's key policy delegates to B's IAM; B's identity policy decides, on the caller's account.
    let (_, arn) = shared_key(&mut e, json!([statement(B_ROOT, json!("kms:Encrypt"))]));
    let allow_if = |account: &str| {
        json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": account}}
        }]})
    };
    ok(
        &mut e,
        "Encrypt",
        &b_as(B_USER, &[allow_if(B)]),
        encrypt_body(&arn),
    );
    // The key's account is not the caller's: the Allow does not apply.
    assert_refused(
        &mut e,
        "Encrypt",
        &b_as(B_USER, &[allow_if(ACCOUNT)]),
        encrypt_body(&arn),
        &arn,
        "identity-based",
    );
    // aws:PrincipalAccount in an identity-policy Deny: an explicit deny, whatever else allows.
    let deny = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": B}}
    }]});
    let caller = b_as(B_USER, &[allow_if(B), deny]);
    let (kind, message) = err_untouched(&mut e, "Encrypt", &caller, encrypt_body(&arn));
    assert_eq!(kind, "AccessDeniedException");
    assert!(
        message.contains("with an explicit deny in an identity-based policy"),
        "{message}"
    );
}

#[test]
fn list_retirable_grants_includes_grants_on_other_accounts_keys_for_a_principal_of_the_callers_account(
) {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let grant = ok(
        &mut e,
        "CreateGrant",
        &ctx(),
        json!({"KeyId": id, "GranteePrincipal": B_ROLE, "RetiringPrincipal": B_ROLE, "Operations": ["Encrypt"]}),
    );
    let listed = ok(
        &mut e,
        "ListRetirableGrants",
        &b_root(),
        json!({"RetiringPrincipal": B_ROLE}),
    )["Grants"]
        .clone();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["GrantId"], grant["GrantId"]);
    assert_eq!(listed[0]["KeyId"], arn);
    // A principal of another account than the caller's sees only the caller's own grants.
    let from_c = ok(
        &mut e,
        "ListRetirableGrants",
        &ctx_in("777788889999", REGION),
        json!({"RetiringPrincipal": B_ROLE}),
    );
    assert_eq!(from_c["Grants"], json!([]));
    // The retiring principal retires it by key ARN and grant ID.
    ok(
        &mut e,
        "RetireGrant",
        &b_as(B_ROLE, &[]),
        json!({"KeyId": arn, "GrantId": grant["GrantId"]}),
    );
    assert_eq!(
        ok(&mut e, "ListGrants", &ctx(), json!({"KeyId": id}))["Grants"],
        json!([])
    );
}

#[test]
fn re_encrypt_from_the_other_accounts_key_needs_re_encrypt_from_in_its_key_policy() {
    let mut e = engine();
    let (a_id, a_arn) = shared_key(
        &mut e,
        json!([statement(B_ROOT, json!("kms:ReEncryptFrom"))]),
    );
    let blob = encrypt(&mut e, &ctx(), &a_id, b"moved", None);
    let b = b_root();
    let (b_id, b_arn) = new_key(&mut e, &b);
    let out = ok(
        &mut e,
        "ReEncrypt",
        &b,
        json!({"CiphertextBlob": blob, "DestinationKeyId": b_id}),
    );
    assert_eq!(out["SourceKeyId"], a_arn);
    assert_eq!(out["KeyId"], b_arn);
    let back = ok(
        &mut e,
        "Decrypt",
        &b,
        json!({"CiphertextBlob": out["CiphertextBlob"]}),
    );
    assert_eq!(unb64(&back["Plaintext"]), b"moved");
    // Into A's key, B needs kms:ReEncryptTo there, which the policy does not give.
    assert_eq!(
        err_untouched(
            &mut e,
            "ReEncrypt",
            &b,
            json!({"CiphertextBlob": out["CiphertextBlob"], "DestinationKeyId": a_arn})
        ),
        denied(B_ROOT, "kms:ReEncryptTo", &a_arn, "resource-based")
    );
}

#[test]
fn the_call_log_names_the_key_in_its_own_account_and_the_caller_in_its_own() {
    let mut e = engine();
    let (_, arn) = shared_key(&mut e, json!([statement(B_ROOT, json!("kms:Encrypt"))]));
    e.record_calls(true);
    let target = "TrentService.Encrypt";
    let body = encrypt_body(&arn).to_string();
    let context = ctx_json(&b_root());
    let out = kms_wasm::wire::handle(&mut e, target, &context, body.as_bytes());
    assert_eq!(out.status, 200);
    let event = kms_wasm::trail::record(&e, target, &context, &out).unwrap();
    let event: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(event["userIdentity"]["accountId"], B);
    assert_eq!(event["resources"][0]["accountId"], ACCOUNT);
    assert_eq!(event["resources"][0]["ARN"], arn);
}
