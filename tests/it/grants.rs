//! Grants (AWS-KMS-BEHAVIOUR.md §2.9): CreateGrant, ListGrants, ListRetirableGrants, RetireGrant,
//! RevokeGrant, grant tokens, constraints, and grants authorizing their grantee.
use crate::common;

use common::*;
use kms_wasm::store::Txn;
use kms_wasm::Engine;
use serde_json::{json, Value};

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const BOB: &str = "arn:aws:iam::111122223333:user/bob";
const ROLE: &str = "arn:aws:iam::111122223333:role/App";

fn grant(e: &mut Engine, body: Value) -> (String, String) {
    let out = ok(e, "CreateGrant", &ctx(), body);
    (
        out["GrantId"].as_str().unwrap().into(),
        out["GrantToken"].as_str().unwrap().into(),
    )
}

fn list(e: &mut Engine, body: Value) -> Value {
    ok(e, "ListGrants", &ctx(), body)
}

#[test]
fn create_grant_returns_a_hex_id_and_a_fresh_token_every_time() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let body =
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"], "Name": "app"});
    let (g1, t1) = grant(&mut e, body.clone());
    assert_eq!(g1.len(), 64);
    assert!(g1
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert!(t1.starts_with("AQpA"), "{t1}");
    // Name idempotency: same GrantId, new token, no second grant.
    let (g2, t2) = grant(&mut e, body.clone());
    assert_eq!(g1, g2);
    assert_ne!(t1, t2);
    assert_eq!(
        list(&mut e, json!({"KeyId": id}))["Grants"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Without a name (or with other parameters) every call makes a new grant.
    let mut unnamed = body.clone();
    unnamed.as_object_mut().unwrap().remove("Name");
    let (g3, _) = grant(&mut e, unnamed.clone());
    let (g4, _) = grant(&mut e, unnamed);
    assert_ne!(g3, g4);
    let mut other = body;
    other["Operations"] = json!(["Decrypt"]);
    assert_ne!(grant(&mut e, other).0, g1);
}

#[test]
fn list_grants_shows_aws_entries() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let (gid, _) = grant(
        &mut e,
        json!({"KeyId": arn, "GranteePrincipal": ALICE, "RetiringPrincipal": BOB, "Operations": ["Encrypt", "Decrypt"],
               "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}}),
    );
    let out = list(&mut e, json!({"KeyId": id}));
    assert_eq!(
        out,
        json!({"Grants": [{
            "KeyId": arn, "GrantId": gid, "Name": "", "CreationDate": NOW,
            "GranteePrincipal": ALICE, "RetiringPrincipal": BOB,
            "IssuingAccount": "arn:aws:iam::111122223333:root",
            "Operations": ["Encrypt", "Decrypt"],
            "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}
        }], "Truncated": false})
    );
}

#[test]
fn list_grants_filters_and_pages() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let mut ids = Vec::new();
    for i in 0..5 {
        let who = if i % 2 == 0 { ALICE } else { BOB };
        ids.push(
            grant(
                &mut e,
                json!({"KeyId": id, "GranteePrincipal": who, "Operations": ["Encrypt"]}),
            )
            .0,
        );
    }
    ids.sort();
    let alice = list(&mut e, json!({"KeyId": id, "GranteePrincipal": ALICE}));
    assert_eq!(alice["Grants"].as_array().unwrap().len(), 3);
    let one = list(&mut e, json!({"KeyId": id, "GrantId": ids[1]}));
    assert_eq!(one["Grants"][0]["GrantId"], ids[1]);
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut body = json!({"KeyId": id, "Limit": 2});
        if let Some(m) = &marker {
            body["Marker"] = json!(m);
        }
        let page = list(&mut e, body);
        for g in page["Grants"].as_array().unwrap() {
            seen.push(g["GrantId"].as_str().unwrap().to_string());
        }
        if page["Truncated"] == json!(true) {
            marker = Some(page["NextMarker"].as_str().unwrap().into());
        } else {
            assert!(page.get("NextMarker").is_none());
            break;
        }
    }
    assert_eq!(seen, ids);
    assert_eq!(
        err(
            &mut e,
            "ListGrants",
            &ctx(),
            json!({"KeyId": id, "GrantId": "nope"})
        )
        .0,
        "InvalidGrantIdException"
    );
}

#[test]
fn create_grant_validates_operations_grantee_and_constraints() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (kind, message) = err_untouched(
        &mut e,
        "CreateGrant",
        &ctx(),
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt", "Sign"]}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(message.contains("Sign"), "{message}");
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &ctx(),
            json!({"KeyId": id, "Operations": ["Encrypt"]})
        )
        .0,
        "ValidationException"
    );
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &ctx(),
            json!({"KeyId": id, "GranteePrincipal": "alice", "Operations": ["Encrypt"]})
        )
        .0,
        "ValidationException"
    );
    let nine: serde_json::Map<String, Value> =
        (0..9).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &ctx(),
            json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"], "Constraints": {"EncryptionContextEquals": nine}}),
        )
        .0,
        "ValidationException"
    );
    let long = "x".repeat(385);
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &ctx(),
            json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"], "Constraints": {"EncryptionContextSubset": {"k": long}}}),
        )
        .0,
        "ValidationException"
    );
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &ctx(),
            json!({"KeyId": "alias/x", "GranteePrincipal": ALICE, "Operations": ["Encrypt"]})
        )
        .0,
        "NotFoundException"
    );
}

#[test]
fn a_grant_authorizes_exactly_its_operations_for_its_grantee() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let alice = as_principal(ALICE, &[]);
    let body = json!({"KeyId": id, "Plaintext": b64(b"x")});
    assert_eq!(
        err(&mut e, "Encrypt", &alice, body.clone()).0,
        "AccessDeniedException"
    );
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt", "GenerateDataKey"]}),
    );
    let blob = ok(&mut e, "Encrypt", &alice, body.clone())["CiphertextBlob"].clone();
    ok(
        &mut e,
        "GenerateDataKey",
        &alice,
        json!({"KeyId": id, "KeySpec": "AES_256"}),
    );
    assert_eq!(
        err(
            &mut e,
            "GenerateDataKeyWithoutPlaintext",
            &alice,
            json!({"KeyId": id, "KeySpec": "AES_256"})
        )
        .0,
        "AccessDeniedException",
        "a GenerateDataKey grant does not cover the WithoutPlaintext variant"
    );
    assert_eq!(
        err(&mut e, "Decrypt", &alice, json!({"CiphertextBlob": blob})),
        (
            "AccessDeniedException".to_string(),
            format!("User: {ALICE} is not authorized to perform: kms:Decrypt on resource: {arn} because no identity-based policy allows the kms:Decrypt action")
        )
    );
    // Bob is not the grantee.
    assert_eq!(
        err(&mut e, "Encrypt", &as_principal(BOB, &[]), body).0,
        "AccessDeniedException"
    );
}

#[test]
fn a_grant_to_a_role_covers_its_sessions() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ROLE, "Operations": ["DescribeKey"]}),
    );
    let session = as_principal("arn:aws:sts::111122223333:assumed-role/App/s", &[]);
    ok(&mut e, "DescribeKey", &session, json!({"KeyId": id}));
}

#[test]
fn grant_constraints_are_enforced_against_the_encryption_context() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"],
               "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}}),
    );
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Decrypt"],
               "Constraints": {"EncryptionContextEquals": {"Dept": "IT"}}}),
    );
    let alice = as_principal(ALICE, &[]);
    let enc = |ctx_: Value| json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionContext": ctx_});
    assert_eq!(
        err(&mut e, "Encrypt", &alice, enc(json!({}))).0,
        "AccessDeniedException"
    );
    assert_eq!(
        err(&mut e, "Encrypt", &alice, enc(json!({"Dept": "it"}))).0,
        "AccessDeniedException",
        "values are case-sensitive"
    );
    ok(&mut e, "Encrypt", &alice, enc(json!({"dept": "IT"})));
    let blob = ok(
        &mut e,
        "Encrypt",
        &alice,
        enc(json!({"Dept": "IT", "More": "1"})),
    )["CiphertextBlob"]
        .clone();
    assert_eq!(
        err(
            &mut e,
            "Decrypt",
            &alice,
            json!({"CiphertextBlob": blob, "EncryptionContext": {"Dept": "IT", "More": "1"}})
        )
        .0,
        "AccessDeniedException",
        "Equals allows no extra pairs"
    );
    let blob = ok(&mut e, "Encrypt", &alice, enc(json!({"Dept": "IT"})))["CiphertextBlob"].clone();
    let out = ok(
        &mut e,
        "Decrypt",
        &alice,
        json!({"CiphertextBlob": blob, "EncryptionContext": {"Dept": "IT"}}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"x");
}

#[test]
fn grant_tokens_must_parse() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (_, token) = grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"]}),
    );
    ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "GrantTokens": [token]}),
    );
    assert_eq!(
        err(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(b"x"), "GrantTokens": ["not-a-token"]})
        )
        .0,
        "InvalidGrantTokenException"
    );
    assert_eq!(
        err(
            &mut e,
            "DescribeKey",
            &ctx(),
            json!({"KeyId": id, "GrantTokens": ["AQ"]})
        )
        .0,
        "InvalidGrantTokenException"
    );
}

#[test]
fn retire_grant_by_token_or_by_key_and_id_for_the_right_principals() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let (g1, t1) = grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "RetiringPrincipal": BOB, "Operations": ["Encrypt"]}),
    );
    // The grantee without RetireGrant may not retire it.
    let (kind, message) = err_untouched(
        &mut e,
        "RetireGrant",
        &as_principal(ALICE, &[]),
        json!({"GrantToken": t1}),
    );
    assert_eq!(kind, "AccessDeniedException");
    assert!(message.contains("kms:RetireGrant"), "{message}");
    // The retiring principal may, and DryRun changes nothing.
    assert_error(
        err_untouched(
            &mut e,
            "RetireGrant",
            &as_principal(BOB, &[]),
            json!({"GrantToken": t1, "DryRun": true}),
        ),
        "DryRunOperationException",
        DRY_RUN,
    );
    ok(
        &mut e,
        "RetireGrant",
        &as_principal(BOB, &[]),
        json!({"GrantToken": t1}),
    );
    assert!(list(&mut e, json!({"KeyId": id}))["Grants"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        err(
            &mut e,
            "RetireGrant",
            &ctx(),
            json!({"KeyId": arn, "GrantId": g1})
        )
        .0,
        "NotFoundException"
    );
    // A grantee whose grant includes RetireGrant may retire it; the account root always may.
    let (g2, _) = grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt", "RetireGrant"]}),
    );
    ok(
        &mut e,
        "RetireGrant",
        &as_principal(ALICE, &[]),
        json!({"KeyId": arn, "GrantId": g2}),
    );
    let (g3, _) = grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"]}),
    );
    ok(
        &mut e,
        "RetireGrant",
        &ctx(),
        json!({"KeyId": arn, "GrantId": g3}),
    );
    assert_eq!(
        err(&mut e, "RetireGrant", &ctx(), json!({})).0,
        "ValidationException"
    );
    assert_eq!(
        err(
            &mut e,
            "RetireGrant",
            &ctx(),
            json!({"GrantToken": "bogus"})
        )
        .0,
        "InvalidGrantTokenException"
    );
    assert_eq!(
        err(
            &mut e,
            "RetireGrant",
            &ctx(),
            json!({"KeyId": arn, "GrantId": "xyz"})
        )
        .0,
        "InvalidGrantIdException"
    );
}

#[test]
fn revoke_grant_removes_the_grant_and_its_access() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (gid, _) = grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["DescribeKey"]}),
    );
    let alice = as_principal(ALICE, &[]);
    ok(&mut e, "DescribeKey", &alice, json!({"KeyId": id}));
    assert_error(
        err_untouched(
            &mut e,
            "RevokeGrant",
            &ctx(),
            json!({"KeyId": id, "GrantId": gid, "DryRun": true}),
        ),
        "DryRunOperationException",
        DRY_RUN,
    );
    // Revoking is the key owner's business: the grantee cannot.
    assert_eq!(
        err_untouched(
            &mut e,
            "RevokeGrant",
            &alice,
            json!({"KeyId": id, "GrantId": gid})
        )
        .0,
        "AccessDeniedException"
    );
    ok(
        &mut e,
        "RevokeGrant",
        &ctx(),
        json!({"KeyId": id, "GrantId": gid}),
    );
    assert_eq!(
        err(&mut e, "DescribeKey", &alice, json!({"KeyId": id})).0,
        "AccessDeniedException"
    );
    assert_eq!(
        err(
            &mut e,
            "RevokeGrant",
            &ctx(),
            json!({"KeyId": id, "GrantId": gid})
        )
        .0,
        "NotFoundException"
    );
    assert_eq!(
        err(
            &mut e,
            "RevokeGrant",
            &ctx(),
            json!({"KeyId": id, "GrantId": "g"})
        )
        .0,
        "InvalidGrantIdException"
    );
}

#[test]
fn create_grant_dry_run_and_authorization() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let body =
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"], "DryRun": true});
    assert_error(
        err_untouched(&mut e, "CreateGrant", &ctx(), body.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    assert_eq!(
        err_untouched(&mut e, "CreateGrant", &as_principal(BOB, &[]), body).0,
        "AccessDeniedException"
    );
    // A grantee with CreateGrant may pass on its own operations, and no others.
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt", "CreateGrant"]}),
    );
    let alice = as_principal(ALICE, &[]);
    ok(
        &mut e,
        "CreateGrant",
        &alice,
        json!({"KeyId": id, "GranteePrincipal": BOB, "Operations": ["Encrypt"]}),
    );
    assert_eq!(
        err_untouched(
            &mut e,
            "CreateGrant",
            &alice,
            json!({"KeyId": id, "GranteePrincipal": BOB, "Operations": ["Decrypt"]})
        )
        .0,
        "AccessDeniedException"
    );
}

#[test]
fn list_retirable_grants_finds_grants_by_retiring_principal() {
    let mut e = engine();
    let (a, _) = new_key(&mut e, &ctx());
    let (b, _) = new_key(&mut e, &ctx());
    grant(
        &mut e,
        json!({"KeyId": a, "GranteePrincipal": ALICE, "RetiringPrincipal": BOB, "Operations": ["Encrypt"]}),
    );
    grant(
        &mut e,
        json!({"KeyId": b, "GranteePrincipal": ALICE, "RetiringPrincipal": BOB, "Operations": ["Decrypt"]}),
    );
    grant(
        &mut e,
        json!({"KeyId": b, "GranteePrincipal": ALICE, "Operations": ["Decrypt"]}),
    );
    let out = ok(
        &mut e,
        "ListRetirableGrants",
        &ctx(),
        json!({"RetiringPrincipal": BOB}),
    );
    assert_eq!(out["Grants"].as_array().unwrap().len(), 2);
    assert_eq!(out["Truncated"], false);
    let page = ok(
        &mut e,
        "ListRetirableGrants",
        &ctx(),
        json!({"RetiringPrincipal": BOB, "Limit": 1}),
    );
    assert_eq!(page["Grants"].as_array().unwrap().len(), 1);
    assert_eq!(page["Truncated"], true);
    // A non-root caller needs kms:ListRetirableGrants in an identity policy.
    assert_eq!(
        err(
            &mut e,
            "ListRetirableGrants",
            &as_principal(BOB, &[]),
            json!({"RetiringPrincipal": BOB})
        )
        .0,
        "AccessDeniedException"
    );
}

#[test]
fn grants_survive_snapshots_and_die_with_their_key() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    grant(
        &mut e,
        json!({"KeyId": id, "GranteePrincipal": ALICE, "Operations": ["Encrypt"]}),
    );
    let mut restored = engine();
    restored.restore(&e.snapshot()).unwrap();
    assert_eq!(
        list(&mut restored, json!({"KeyId": id}))["Grants"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Deleting a key (the end of its deletion window) takes its grants along.
    let mut store = e.store().clone();
    let mut txn = Txn::new(&store);
    txn.delete_key(&ctx(), &id);
    let writes = txn.into_write_set();
    store.apply(writes);
    assert!(store.keys.is_empty());
    assert!(store.grants.is_empty());
}
