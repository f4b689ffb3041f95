//! Property tests of the one wire door: any target × any body never panics, always answers a JSON
//! envelope with a string `__type` (and a non-empty `message`, or none, as AWS sends it) on
//! status ≥ 400, never reports an internal error
//! for a valid context, and leaves state untouched (and no journal entry) whenever it fails.
use crate::common;

use std::cell::RefCell;

use common::*;
use kms_wasm::api::Operation;
use kms_wasm::Engine;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

/// Cases per property: 2,000 in `npm test`; `npm run fuzz` sets `KMS_WASM_FUZZ_CASES` (10× that).
fn cases() -> u32 {
    std::env::var("KMS_WASM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Members that appear in KMS requests, so random objects reach past decoding.
const MEMBERS: &[&str] = &[
    "KeyId",
    "Plaintext",
    "CiphertextBlob",
    "EncryptionContext",
    "NumberOfBytes",
    "KeySpec",
    "KeyUsage",
    "CustomerMasterKeySpec",
    "Origin",
    "Description",
    "Policy",
    "PolicyName",
    "Tags",
    "TagKeys",
    "Limit",
    "Marker",
    "AliasName",
    "TargetKeyId",
    "PendingWindowInDays",
    "RotationPeriodInDays",
    "DryRun",
    "DryRunModifiers",
    "GrantTokens",
    "EncryptionAlgorithm",
    "DestinationKeyId",
    "SourceKeyId",
    "SourceEncryptionContext",
    "DestinationEncryptionContext",
    "MultiRegion",
    "BypassPolicyLockoutSafetyCheck",
    "CustomKeyStoreId",
    "Recipient",
    "XksKeyId",
];

struct World {
    engine: Engine,
    key_ids: Vec<String>,
    blobs: Vec<String>,
    /// Error types seen, and how many calls succeeded: proof the fuzz reaches past decoding.
    seen: std::collections::BTreeMap<String, usize>,
}

/// An engine with a few keys, an alias and ciphertexts, so random requests can hit real records.
fn world() -> World {
    let mut engine = engine();
    let c = ctx();
    let (a, a_arn) = new_key(&mut engine, &c);
    let (b, _) = new_key(&mut engine, &c);
    ok(
        &mut engine,
        "CreateAlias",
        &c,
        json!({"AliasName": "alias/fuzz", "TargetKeyId": a}),
    );
    ok(&mut engine, "DisableKey", &c, json!({"KeyId": b}));
    let blobs = vec![
        encrypt(&mut engine, &c, &a, b"fuzz", None),
        encrypt(&mut engine, &c, &a, b"fuzz", Some(json!({"k": "v"}))),
    ];
    World {
        engine,
        key_ids: vec![a, a_arn, b, "alias/fuzz".into(), c.arn("alias/fuzz")],
        blobs,
        seen: std::collections::BTreeMap::new(),
    }
}

fn targets() -> BoxedStrategy<String> {
    let known: Vec<String> = Operation::ALL
        .iter()
        .map(|op| format!("TrentService.{}", op.name()))
        .collect();
    prop_oneof![
        6 => proptest::sample::select(known),
        1 => any::<String>(),
        1 => "[A-Za-z]{0,12}".prop_map(|s| format!("TrentService.{s}")),
        1 => proptest::sample::select(vec![
            String::new(),
            "TrentService.".into(),
            "trentservice.CreateKey".into(),
            "TrentService.CreateKey ".into(),
            "TrentService.CreateKey\0".into(),
        ]),
    ]
    .boxed()
}

fn strings(key_ids: Vec<String>, blobs: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        2 => proptest::sample::select(key_ids),
        2 => proptest::sample::select(blobs),
        1 => proptest::sample::select(vec![
            String::new(),
            "====".into(),
            "YQ".into(),
            "YQ=".into(),
            "AQICAHg=".into(),
            "alias/".into(),
            "alias/aws/x".into(),
            "arn:aws:kms:us-east-1:111122223333:key/".into(),
            "arn:aws:kms:eu-west-1:111122223333:alias/x".into(),
            "arn:::::".into(),
            "mrk-00000000000000000000000000000000".into(),
            "SYMMETRIC_DEFAULT".into(),
            "AES_256".into(),
            "ENCRYPT_DECRYPT".into(),
            "IGNORE_CIPHERTEXT".into(),
            "default".into(),
            "AWS_RAM".into(),
            "a".repeat(5000),
        ]),
        2 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(|b| b64(&b)),
        2 => any::<String>(),
        1 => "[A-Za-z0-9+/=_-]{0,64}",
    ]
    .boxed()
}

fn json_values(key_ids: Vec<String>, blobs: Vec<String>) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-2i64..2000).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        strings(key_ids, blobs).prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        proptest::sample::select(MEMBERS).prop_map(String::from),
                        "[a-zA-Z]{1,8}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// Request-shaped objects: known member names with random JSON values.
fn objects(key_ids: Vec<String>, blobs: Vec<String>) -> BoxedStrategy<Vec<u8>> {
    proptest::collection::vec(
        (
            proptest::sample::select(MEMBERS),
            json_values(key_ids, blobs),
        ),
        0..8,
    )
    .prop_map(|pairs| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            .to_string()
            .into_bytes()
    })
    .boxed()
}

/// Bodies JSON parsers tend to choke on.
fn nasty_bodies() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        (1usize..5000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        (1usize..3000).prop_map(|n| {
            format!("{{\"KeyId\":{}1{}}}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes()
        }),
        proptest::sample::select(vec![
            "{\"NumberOfBytes\":1e400}",
            "{\"NumberOfBytes\":18446744073709551616}",
            "{\"NumberOfBytes\":-9223372036854775809}",
            "{\"NumberOfBytes\":1.5}",
            "{\"NumberOfBytes\":-0.0}",
            "{\"Limit\":9223372036854775807}",
            "{\"PendingWindowInDays\":-9223372036854775808,\"KeyId\":\"alias/fuzz\"}",
            "{\"KeyId\":\"\\ud800\"}",
            "{\"KeyId\":\"alias/fuzz\",\"KeyId\":\"x\"}",
            "{\"Plaintext\":\"\\u0000\",\"KeyId\":\"alias/fuzz\"}",
            "{} {}",
            "{\"a\":1,}",
            "\u{feff}{}",
            "null",
            "true",
            "\"str\"",
            "  ",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        // A valid object with a random byte flipped or cut short.
        (any::<prop::sample::Index>(), any::<u8>(), any::<bool>()).prop_map(|(i, b, cut)| {
            let mut body =
                json!({"KeyId": "alias/fuzz", "Plaintext": "aGVsbG8=", "NumberOfBytes": 16})
                    .to_string()
                    .into_bytes();
            let at = i.index(body.len());
            if cut {
                body.truncate(at);
            } else {
                body[at] = b;
            }
            body
        }),
    ]
    .boxed()
}

/// The property itself, for one request.
fn check(world: &RefCell<World>, target: &str, body: &[u8]) -> Result<(), TestCaseError> {
    let mut w = world.borrow_mut();
    let before = w.engine.snapshot();
    let out = kms_wasm::wire::handle(&mut w.engine, target, &ctx_json(&ctx()), body);
    let parsed: Value = serde_json::from_slice(&out.body).map_err(|e| {
        TestCaseError::fail(format!(
            "{target}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.body)
        ))
    })?;
    prop_assert!(parsed.is_object(), "{}: body is not an object", target);
    if out.status >= 400 {
        prop_assert!(
            parsed["__type"].is_string(),
            "{}: no __type: {}",
            target,
            parsed
        );
        // AWS either sends text or omits the member, never `"message": ""` (§2.21).
        let message = parsed.get("message");
        prop_assert!(
            message.is_none_or(|m| m.as_str().is_some_and(|m| !m.is_empty())),
            "{}: an empty or non-text message: {}",
            target,
            parsed
        );
        prop_assert_eq!(
            parsed.as_object().unwrap().len(),
            1 + usize::from(message.is_some())
        );
        prop_assert_ne!(
            parsed["__type"].as_str().unwrap(),
            "KMSInternalException",
            "{} {}: internal error {}",
            target,
            String::from_utf8_lossy(body),
            parsed
        );
        prop_assert_eq!(out.status, 400, "{}: {}", target, parsed);
        prop_assert!(
            out.entry.is_none(),
            "{}: error with a journal entry",
            target
        );
        w.engine.commit();
        prop_assert!(
            w.engine.snapshot() == before,
            "{}: error changed state",
            target
        );
        *w.seen
            .entry(parsed["__type"].as_str().unwrap().to_string())
            .or_default() += 1;
    } else {
        *w.seen.entry("200".into()).or_default() += 1;
        prop_assert_eq!(out.status, 200);
        prop_assert!(parsed.get("__type").is_none(), "{}: {}", target, parsed);
        if out.entry.is_some() {
            w.engine.commit();
        }
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn any_target_with_arbitrary_bytes_never_panics_and_answers_an_envelope() {
    let world = RefCell::new(world());
    runner()
        .run(&(targets(), nasty_bodies()), |(target, body)| {
            check(&world, &target, &body)
        })
        .unwrap();
    println!("wire_fuzz outcomes: {:?}", world.borrow().seen);
}

#[test]
fn any_target_with_request_shaped_json_never_panics_and_answers_an_envelope() {
    let w = world();
    let (ids, blobs) = (w.key_ids.clone(), w.blobs.clone());
    let world = RefCell::new(w);
    runner()
        .run(&(targets(), objects(ids, blobs)), |(target, body)| {
            check(&world, &target, &body)
        })
        .unwrap();
    println!("wire_fuzz outcomes: {:?}", world.borrow().seen);
}

#[test]
fn implemented_operations_with_mutated_valid_requests_never_panic() {
    let w = world();
    let (ids, blobs) = (w.key_ids.clone(), w.blobs.clone());
    let world = RefCell::new(w);
    let implemented: Vec<String> = Operation::ALL
        .iter()
        .filter(|op| kms_wasm::ops::is_implemented(**op))
        .map(|op| format!("TrentService.{}", op.name()))
        .collect();
    let base = json!({
        "KeyId": ids[0],
        "Plaintext": b64(b"hello"),
        "CiphertextBlob": blobs[0],
        "NumberOfBytes": 32,
        "AliasName": "alias/fuzz2",
        "TargetKeyId": ids[0],
        "Tags": [{"TagKey": "a", "TagValue": "b"}],
        "TagKeys": ["a"],
        "Policy": "{\"Statement\":[]}",
        "DestinationKeyId": ids[0],
    });
    let strategy = (
        proptest::sample::select(implemented),
        proptest::sample::subsequence(MEMBERS.to_vec(), 0..4),
        proptest::collection::vec(json_values(ids, blobs), 4),
        any::<bool>(),
    );
    runner()
        .run(&strategy, |(target, members, values, drop_base)| {
            let mut body = if drop_base { json!({}) } else { base.clone() };
            for (m, v) in members.iter().zip(values) {
                body[*m] = v;
            }
            check(&world, &target, body.to_string().as_bytes())
        })
        .unwrap();
    let seen = &world.borrow().seen;
    // `npm run fuzz` reads this line (executions and outcomes; any 5xx fails `check` instead).
    println!("wire_fuzz outcomes: {seen:?}");
    for outcome in [
        "200",
        "ValidationException",
        "SerializationException",
        "NotFoundException",
        "DisabledException",
    ] {
        assert!(seen.contains_key(outcome), "never saw {outcome}: {seen:?}");
    }
}
