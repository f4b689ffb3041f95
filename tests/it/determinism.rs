//! Seeded engines (`Engine::with_seed`): the same calls on an empty state give byte-identical
//! results in every run; another seed gives other results; a seeded engine that loads state forks
//! its stream by the state, so it never re-issues the IDs the state holds.

use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

/// CreateKey (symmetric and ECC), Encrypt, GetPublicKey, CreateGrant: the outputs that carry
/// randomness.
fn session(e: &mut Engine) -> Vec<Value> {
    let c = ctx();
    let sym = ok(e, "CreateKey", &c, json!({}));
    let id = sym["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let blob = ok(
        e,
        "Encrypt",
        &c,
        json!({"KeyId": id, "Plaintext": b64(b"same every run")}),
    );
    let ecc = ok(
        e,
        "CreateKey",
        &c,
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    );
    let ecc_id = ecc["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let public = ok(e, "GetPublicKey", &c, json!({"KeyId": ecc_id}));
    let grant = ok(
        e,
        "CreateGrant",
        &c,
        json!({"KeyId": id, "GranteePrincipal": "arn:aws:iam::111122223333:role/App", "Operations": ["Decrypt"]}),
    );
    vec![sym, blob, ecc, public, grant]
}

#[test]
fn the_same_seed_gives_the_same_keys_ciphertexts_and_tokens() {
    let a = session(&mut Engine::with_seed(b"fixture seed"));
    let b = session(&mut Engine::with_seed(b"fixture seed"));
    assert_eq!(a, b);
    assert!(Engine::with_seed(b"x").is_seeded());
    assert!(!Engine::new().is_seeded());
}

#[test]
fn another_seed_gives_other_results() {
    let a = session(&mut Engine::with_seed(b"one"));
    let b = session(&mut Engine::with_seed(b"two"));
    assert_ne!(a[0]["KeyMetadata"]["KeyId"], b[0]["KeyMetadata"]["KeyId"]);
    assert_ne!(a[1]["CiphertextBlob"], b[1]["CiphertextBlob"]);
    assert_ne!(a[3]["PublicKey"], b[3]["PublicKey"]);
    assert_ne!(a[4]["GrantToken"], b[4]["GrantToken"]);
}

#[test]
fn a_seeded_engine_reopening_state_does_not_reissue_its_ids() {
    let mut first = Engine::with_seed(b"reopen");
    let (id, _) = new_key(&mut first, &ctx());
    let snapshot = first.snapshot();

    // A later process with the same seed and the same storage.
    let mut second = Engine::with_seed(b"reopen");
    second.restore(&snapshot).unwrap();
    let (next, _) = new_key(&mut second, &ctx());
    assert_ne!(next, id);
    // …and reproducibly so: the stream depends on the seed and the state only.
    let mut third = Engine::with_seed(b"reopen");
    third.restore(&snapshot).unwrap();
    assert_eq!(new_key(&mut third, &ctx()).0, next);
    // The key from the first process still decrypts in the second.
    let blob = encrypt(&mut first, &ctx(), &id, b"across processes", None);
    let out = ok(
        &mut second,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": blob}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"across processes");
}

#[test]
fn a_seeded_engine_refuses_host_keys() {
    let mut e = Engine::with_seed(b"no host keys");
    let err = e.provide_host_key("RSA_2048", &[0x30]).unwrap_err();
    assert_eq!(err.code.name(), "ValidationException");
    assert_eq!(e.host_keys_available("RSA_2048"), 0);
}

#[test]
fn replace_state_resets_to_empty_or_a_checkpoint_and_a_seeded_stream_restarts() {
    let mut e = Engine::with_seed(b"harness");
    let first = session(&mut e);
    // Reset to empty: one entry deletes everything; the next session replays the fresh stream.
    let entry = e.replace_state(b"").unwrap();
    e.commit();
    assert_eq!(e.snapshot(), Engine::new().snapshot());
    assert_eq!(session(&mut e), first);

    // Checkpoint, work, reset to the checkpoint: the state is the checkpoint's, and the stream after
    // it is the same every time.
    let checkpoint = e.snapshot();
    e.replace_state(&checkpoint).unwrap();
    e.commit();
    let after_a = ok(&mut e, "CreateKey", &ctx(), json!({}));
    e.replace_state(&checkpoint).unwrap();
    e.commit();
    assert_eq!(e.snapshot(), checkpoint);
    let after_b = ok(&mut e, "CreateKey", &ctx(), json!({}));
    assert_eq!(
        after_a["KeyMetadata"]["KeyId"],
        after_b["KeyMetadata"]["KeyId"]
    );

    // The entry is an ordinary journal entry: another engine that applies it reaches the same state.
    let mut other = Engine::new();
    other.apply(&entry).unwrap();
    assert_eq!(other.snapshot(), Engine::new().snapshot());

    // Aborted, it changes nothing; a snapshot that does not decode is refused.
    let before = e.snapshot();
    e.replace_state(b"").unwrap();
    e.abort();
    assert_eq!(e.snapshot(), before);
    assert!(e.replace_state(b"not a snapshot").is_err());
}

/// The hand-over between wasm modules (`Engine::session` → `Engine::from_session`): the moved
/// engine holds the same keys, draws the same bytes next (mid-stream and right after a reload,
/// whose reseed is still pending) and keeps the GetKeyLastUsage log.
#[test]
fn an_engine_moved_through_its_session_answers_as_the_original_would() {
    let c = ctx();
    let mut original = Engine::with_seed(b"move");
    let first = session(&mut original);
    let id = first[0]["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut moved = Engine::from_session(&original.session()).unwrap();
    assert_eq!(moved.snapshot(), original.snapshot());
    assert_eq!(session(&mut moved), session(&mut original));
    let usage = |e: &mut Engine| ok(e, "GetKeyLastUsage", &c, json!({"KeyId": id}));
    assert_eq!(usage(&mut moved), usage(&mut original));

    // A reload leaves a reseed pending; the session carries it.
    let mut reloaded = Engine::with_seed(b"move");
    reloaded.restore(&original.snapshot()).unwrap();
    let mut moved = Engine::from_session(&reloaded.session()).unwrap();
    assert_eq!(session(&mut moved), session(&mut reloaded));
    assert!(Engine::from_session(b"{}").is_err());
}
