//! Durability as the engine sees it: committed entries and snapshots replay to the same state,
//! aborted or failed dispatches leave nothing behind, and stored bytes that are not ours are
//! rejected with an error rather than a panic.
use crate::common;

use common::*;
use kms_wasm::{Engine, RequestCtx};
use serde_json::{json, Value};

/// Runs one request like the JS journal does, collecting the entry it commits.
fn run(e: &mut Engine, journal: &mut Vec<Vec<u8>>, op: &str, c: &RequestCtx, body: Value) -> Value {
    let out = kms_wasm::wire::handle(
        e,
        &format!("TrentService.{op}"),
        &ctx_json(c),
        body.to_string().as_bytes(),
    );
    let value: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(out.status, 200, "{op}: {value}");
    if let Some(entry) = out.entry {
        journal.push(entry);
        e.commit();
    }
    value
}

/// A busy history over two accounts and Regions: keys, aliases, tags, policies, rotation,
/// disable/enable, deletion and its cancellation. Returns the journal and some ciphertexts.
/// A ciphertext with the caller and context that decrypt it.
type Sealed = (RequestCtx, String, Value);

fn history(e: &mut Engine) -> (Vec<Vec<u8>>, Vec<Sealed>) {
    let mut j = Vec::new();
    let mut blobs = Vec::new();
    let west = ctx_in("444455556666", "eu-west-1");
    for (i, c) in [ctx(), west.clone()].iter().enumerate() {
        let a = run(
            e,
            &mut j,
            "CreateKey",
            c,
            json!({"Description": format!("a{i}")}),
        )["KeyMetadata"]["KeyId"]
            .as_str()
            .unwrap()
            .to_string();
        let b = run(
            e,
            &mut j,
            "CreateKey",
            c,
            json!({"Tags": [{"TagKey": "t", "TagValue": "v"}]}),
        )["KeyMetadata"]["KeyId"]
            .as_str()
            .unwrap()
            .to_string();
        run(
            e,
            &mut j,
            "CreateAlias",
            c,
            json!({"AliasName": "alias/a", "TargetKeyId": a}),
        );
        run(
            e,
            &mut j,
            "CreateAlias",
            c,
            json!({"AliasName": "alias/b", "TargetKeyId": b}),
        );
        run(
            e,
            &mut j,
            "UpdateAlias",
            c,
            json!({"AliasName": "alias/b", "TargetKeyId": a}),
        );
        run(e, &mut j, "DeleteAlias", c, json!({"AliasName": "alias/a"}));
        run(
            e,
            &mut j,
            "TagResource",
            c,
            json!({"KeyId": a, "Tags": [{"TagKey": "x", "TagValue": "y"}]}),
        );
        run(
            e,
            &mut j,
            "UntagResource",
            c,
            json!({"KeyId": b, "TagKeys": ["t"]}),
        );
        run(
            e,
            &mut j,
            "PutKeyPolicy",
            c,
            json!({"KeyId": a, "Policy": r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}"#}),
        );
        run(
            e,
            &mut j,
            "EnableKeyRotation",
            c,
            json!({"KeyId": a, "RotationPeriodInDays": 180}),
        );
        run(
            e,
            &mut j,
            "UpdateKeyDescription",
            c,
            json!({"KeyId": b, "Description": "bee"}),
        );
        for (k, ctxt) in [(&a, json!({"n": "1"})), (&b, json!({}))] {
            let blob = run(
                e,
                &mut j,
                "Encrypt",
                c,
                json!({"KeyId": k, "Plaintext": b64(format!("secret {k}").as_bytes()), "EncryptionContext": ctxt}),
            )["CiphertextBlob"]
                .as_str()
                .unwrap()
                .to_string();
            blobs.push((c.clone(), blob, ctxt.clone()));
        }
        run(e, &mut j, "DisableKey", c, json!({"KeyId": b}));
        run(e, &mut j, "EnableKey", c, json!({"KeyId": b}));
        run(
            e,
            &mut j,
            "ScheduleKeyDeletion",
            c,
            json!({"KeyId": b, "PendingWindowInDays": 7}),
        );
        run(e, &mut j, "CancelKeyDeletion", c, json!({"KeyId": b}));
        run(e, &mut j, "EnableKey", c, json!({"KeyId": b}));
        let doomed = run(e, &mut j, "CreateKey", c, json!({}))["KeyMetadata"]["KeyId"].clone();
        run(
            e,
            &mut j,
            "ScheduleKeyDeletion",
            c,
            json!({"KeyId": doomed}),
        );
    }
    (j, blobs)
}

fn decrypt_all(e: &mut Engine, blobs: &[Sealed]) -> Vec<Value> {
    blobs
        .iter()
        .map(|(c, blob, ctxt)| {
            ok(
                e,
                "Decrypt",
                c,
                json!({"CiphertextBlob": blob, "EncryptionContext": ctxt}),
            )
        })
        .collect()
}

fn observe(e: &mut Engine) -> Vec<Value> {
    let mut seen = Vec::new();
    for c in [ctx(), ctx_in("444455556666", "eu-west-1")] {
        let keys = ok(e, "ListKeys", &c, json!({}));
        for k in keys["Keys"].as_array().unwrap() {
            let id = k["KeyId"].as_str().unwrap();
            seen.push(describe(e, &c, id));
            seen.push(ok(e, "ListResourceTags", &c, json!({"KeyId": id})));
            seen.push(ok(e, "GetKeyPolicy", &c, json!({"KeyId": id})));
            seen.push(ok(e, "GetKeyRotationStatus", &c, json!({"KeyId": id})));
        }
        seen.push(keys);
        seen.push(ok(e, "ListAliases", &c, json!({})));
    }
    seen
}

#[test]
fn replaying_every_committed_entry_reproduces_the_state() {
    let mut original = engine();
    let (journal, blobs) = history(&mut original);
    assert!(journal.len() > 30);

    // A fresh engine with different randomness: replay must not need any.
    let mut replica =
        Engine::with_rng(Box::new(kms_wasm::crypto::rng::SeededRandom::new(b"other")));
    for entry in &journal {
        replica.apply(entry).unwrap();
    }
    assert_eq!(replica.snapshot(), original.snapshot());
    assert_eq!(observe(&mut replica), observe(&mut original));
    assert_eq!(
        decrypt_all(&mut replica, &blobs),
        decrypt_all(&mut original, &blobs)
    );
}

#[test]
fn restoring_a_snapshot_reproduces_the_state() {
    let mut original = engine();
    let (_, blobs) = history(&mut original);
    let snapshot = original.snapshot();
    let mut restored = Engine::new();
    restored.restore(&snapshot).unwrap();
    assert_eq!(restored.snapshot(), snapshot);
    assert_eq!(observe(&mut restored), observe(&mut original));
    assert_eq!(
        decrypt_all(&mut restored, &blobs),
        decrypt_all(&mut original, &blobs)
    );
}

#[test]
fn snapshot_then_later_entries_reproduce_the_state() {
    let mut original = engine();
    let mut journal = Vec::new();
    let (a, _) = new_key(&mut original, &ctx());
    let snapshot = original.snapshot();
    run(
        &mut original,
        &mut journal,
        "DisableKey",
        &ctx(),
        json!({"KeyId": a}),
    );
    let b = run(&mut original, &mut journal, "CreateKey", &ctx(), json!({}))["KeyMetadata"]
        ["KeyId"]
        .clone();
    run(
        &mut original,
        &mut journal,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/b", "TargetKeyId": b}),
    );
    let mut restored = engine();
    restored.restore(&snapshot).unwrap();
    for entry in &journal {
        restored.apply(entry).unwrap();
    }
    assert_eq!(restored.snapshot(), original.snapshot());
}

#[test]
fn applying_an_entry_twice_is_harmless() {
    let mut e = engine();
    let mut journal = Vec::new();
    run(&mut e, &mut journal, "CreateKey", &ctx(), json!({}));
    let mut replica = engine();
    replica.apply(&journal[0]).unwrap();
    replica.apply(&journal[0]).unwrap();
    assert_eq!(replica.snapshot(), e.snapshot());
}

#[test]
fn restoring_empty_bytes_is_the_empty_state() {
    let mut e = engine();
    new_key(&mut e, &ctx());
    e.restore(b"").unwrap();
    assert_eq!(e.snapshot(), engine().snapshot());
    assert_eq!(
        ok(&mut e, "ListKeys", &ctx(), json!({})),
        json!({"Keys": [], "Truncated": false})
    );
}

#[test]
fn aborted_dispatch_leaves_nothing_behind() {
    let mut e = engine();
    let before = e.snapshot();
    let out = kms_wasm::wire::handle(&mut e, "TrentService.CreateKey", &ctx_json(&ctx()), b"{}");
    assert_eq!(out.status, 200);
    assert!(out.entry.is_some());
    e.abort();
    // A commit after abort has nothing to apply.
    e.commit();
    assert_eq!(e.snapshot(), before);
    assert_eq!(
        ok(&mut e, "ListKeys", &ctx(), json!({})),
        json!({"Keys": [], "Truncated": false})
    );
}

#[test]
fn uncommitted_dispatch_is_dropped_by_the_next_one() {
    let mut e = engine();
    let first = kms_wasm::wire::handle(&mut e, "TrentService.CreateKey", &ctx_json(&ctx()), b"{}");
    assert!(first.entry.is_some());
    let second = kms_wasm::wire::handle(&mut e, "TrentService.CreateKey", &ctx_json(&ctx()), b"{}");
    e.commit();
    let second_id =
        serde_json::from_slice::<Value>(&second.body).unwrap()["KeyMetadata"]["KeyId"].clone();
    let listed = ok(&mut e, "ListKeys", &ctx(), json!({}));
    assert_eq!(listed["Keys"].as_array().unwrap().len(), 1);
    assert_eq!(listed["Keys"][0]["KeyId"], second_id);
}

#[test]
fn uncommitted_writes_are_invisible_to_reads() {
    let mut e = engine();
    let out = kms_wasm::wire::handle(&mut e, "TrentService.CreateKey", &ctx_json(&ctx()), b"{}");
    let id = serde_json::from_slice::<Value>(&out.body).unwrap()["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = kms_wasm::wire::handle(
        &mut e,
        "TrentService.DescribeKey",
        &ctx_json(&ctx()),
        json!({"KeyId": id}).to_string().as_bytes(),
    );
    assert_eq!(seen.status, 400);
}

#[test]
fn failed_dispatch_carries_no_entry_and_changes_nothing() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let before = e.snapshot();
    for (target, body) in [
        (
            "TrentService.ScheduleKeyDeletion",
            json!({"KeyId": id, "PendingWindowInDays": 3}),
        ),
        (
            "TrentService.CreateAlias",
            json!({"AliasName": "nope", "TargetKeyId": id}),
        ),
        ("TrentService.CancelKeyDeletion", json!({"KeyId": id})),
        (
            "TrentService.CreateKey",
            json!({"Tags": [{"TagKey": "aws:x", "TagValue": ""}]}),
        ),
        ("TrentService.Sign", json!({})),
        ("TrentService.Nope", json!({})),
    ] {
        let out = kms_wasm::wire::handle(
            &mut e,
            target,
            &ctx_json(&ctx()),
            body.to_string().as_bytes(),
        );
        assert_eq!(out.status, 400, "{target}");
        assert!(out.entry.is_none(), "{target}");
        e.commit();
        assert_eq!(e.snapshot(), before, "{target}");
    }
}

#[test]
fn read_only_operations_produce_no_entry() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    for (op, body) in [
        ("DescribeKey", json!({"KeyId": id})),
        ("ListKeys", json!({})),
        ("ListAliases", json!({})),
        ("GetKeyPolicy", json!({"KeyId": id})),
        ("ListKeyPolicies", json!({"KeyId": id})),
        ("GetKeyRotationStatus", json!({"KeyId": id})),
        ("ListResourceTags", json!({"KeyId": id})),
        ("GenerateRandom", json!({"NumberOfBytes": 8})),
        ("Encrypt", json!({"KeyId": id, "Plaintext": b64(b"x")})),
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256"}),
        ),
    ] {
        let out = kms_wasm::wire::handle(
            &mut e,
            &format!("TrentService.{op}"),
            &ctx_json(&ctx()),
            body.to_string().as_bytes(),
        );
        assert_eq!(out.status, 200, "{op}");
        assert!(out.entry.is_none(), "{op} wrote a journal entry");
    }
}

#[test]
fn garbage_entries_are_rejected_without_panicking() {
    let mut e = engine();
    new_key(&mut e, &ctx());
    let before = e.snapshot();
    let mut valid = Vec::new();
    run(&mut engine(), &mut valid, "CreateKey", &ctx(), json!({}));
    let valid = String::from_utf8(valid.remove(0)).unwrap();
    let garbage: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"garbage".to_vec(),
        b"{}".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        vec![0xff, 0xfe, 0x00],
        br#"{"format":"kms-wasm","v":2,"writes":{}}"#.to_vec(),
        br#"{"format":"other","v":1,"writes":{}}"#.to_vec(),
        br#"{"format":"kms-wasm","v":1,"writes":{"keys":[[1,2]]}}"#.to_vec(),
        br#"{"format":"kms-wasm","v":1,"writes":{"keys":[[{"account_id":"1","region":"r","id":"x"},{"bogus":true}]]}}"#.to_vec(),
        valid.replace("\"v\":1", "\"v\":99").into_bytes(),
        valid.get(..valid.len() / 2).unwrap().as_bytes().to_vec(),
        valid.replace("SYMMETRIC_DEFAULT", "NOT_A_SPEC").into_bytes(),
    ];
    for g in &garbage {
        assert!(e.apply(g).is_err(), "{}", String::from_utf8_lossy(g));
        assert_eq!(e.snapshot(), before);
    }
}

#[test]
fn garbage_snapshots_are_rejected_without_panicking() {
    let mut e = engine();
    new_key(&mut e, &ctx());
    let before = e.snapshot();
    let text = String::from_utf8(before.clone()).unwrap();
    let garbage: Vec<Vec<u8>> = vec![
        b"garbage".to_vec(),
        b"{}".to_vec(),
        b"[1,2,3]".to_vec(),
        vec![0x80; 16],
        br#"{"format":"kms-wasm","v":7,"keys":[],"aliases":[]}"#.to_vec(),
        text.replace("kms-wasm", "kms-wasn").into_bytes(),
        text.get(..text.len() - 1).unwrap().as_bytes().to_vec(),
        text.replace("Enabled", "Sleeping").into_bytes(),
    ];
    for g in &garbage {
        assert!(e.restore(g).is_err(), "{}", String::from_utf8_lossy(g));
        assert_eq!(
            e.snapshot(),
            before,
            "a failed restore must keep the old state"
        );
    }
}
