//! One parse per request: the engine reads a request body once, and every layer (the operation,
//! authorization, grant tokens, the lockout check, AWS managed keys) reads that one decoded
//! request. So any JSON spelling of a request — member names and values with `\u` escapes, `\/`,
//! whitespace, member order — gives the same status, body and journal entry as the plain spelling.
use crate::common;

use std::path::Path;

use common::*;
use kms_wasm::{Engine, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::111122223333:role/Admin";

/// A policy that allows only another principal: CreateKey with it fails the lockout safety check.
fn locking_policy() -> String {
    json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"}]})
        .to_string()
}

fn call_text(engine: &mut Engine, op: &str, body: &str) -> Outcome {
    call_raw(
        engine,
        &format!("TrentService.{op}"),
        &ctx(),
        body.as_bytes(),
    )
}

fn error_type(out: &Outcome) -> String {
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    v["__type"].as_str().unwrap_or_default().to_string()
}

#[test]
fn encrypt_with_escaped_grant_tokens_member_is_invalid_grant_token_exception() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let plain = format!(r#"{{"KeyId":"{id}","Plaintext":"AQ==","GrantTokens":["nonsense"]}}"#);
    let escaped =
        format!(r#"{{"KeyId":"{id}","Plaintext":"AQ==","\u0047rantTokens":["nonsense"]}}"#);
    for body in [plain, escaped] {
        let out = call_text(&mut e, "Encrypt", &body);
        assert_eq!(out.status, 400, "{body}");
        assert_eq!(error_type(&out), "InvalidGrantTokenException", "{body}");
    }
}

#[test]
fn create_key_with_escaped_policy_member_is_lockout_checked() {
    let mut e = engine();
    let policy = serde_json::to_string(&locking_policy()).unwrap();
    for body in [
        format!(r#"{{"Policy":{policy}}}"#),
        format!(r#"{{"\u0050olicy":{policy}}}"#),
    ] {
        let before = e.snapshot();
        let out = call_text(&mut e, "CreateKey", &body);
        assert_eq!(out.status, 400, "{body}");
        assert_eq!(
            error_type(&out),
            "MalformedPolicyDocumentException",
            "{body}"
        );
        assert!(out.entry.is_none());
        assert_eq!(e.snapshot(), before, "a refused CreateKey created a key");
    }
}

#[test]
fn describe_key_with_escaped_slashes_creates_the_aws_managed_key() {
    let mut e = engine();
    let out = call_text(&mut e, "DescribeKey", r#"{"KeyId":"alias\/aws\/s3"}"#);
    assert_eq!(out.status, 200, "{}", String::from_utf8_lossy(&out.body));
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(v["KeyMetadata"]["KeyManager"], "AWS");
    // The alias now exists, spelled either way.
    let again = ok(
        &mut e,
        "DescribeKey",
        &ctx(),
        json!({"KeyId": "alias/aws/s3"}),
    );
    assert_eq!(again["KeyMetadata"]["KeyId"], v["KeyMetadata"]["KeyId"]);
}

/// The debug counter of `api::parse_body` around one call.
fn parses_of(engine: &mut Engine, target: &str, body: &str) -> usize {
    let before = kms_wasm::api::body_parses();
    call_raw(engine, target, &ctx(), body.as_bytes());
    kms_wasm::api::body_parses() - before
}

#[test]
fn every_request_body_is_parsed_exactly_once() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let policy =
        serde_json::to_string(&kms_wasm::model::policy::default_policy("aws", ACCOUNT)).unwrap();
    let token_holder = ok(
        &mut e,
        "CreateGrant",
        &ctx(),
        json!({"KeyId": id, "GranteePrincipal": ROLE, "Operations": ["Encrypt"]}),
    );
    let token = token_holder["GrantToken"].as_str().unwrap();
    let cases = [
        (
            "TrentService.CreateKey",
            format!(r#"{{"Policy":{policy},"Tags":[{{"TagKey":"a","TagValue":"b"}}]}}"#),
        ),
        (
            "TrentService.Encrypt",
            format!(
                r#"{{"KeyId":"{id}","Plaintext":"AQ==","EncryptionContext":{{"a":"b"}},"GrantTokens":["{token}"]}}"#
            ),
        ),
        (
            "TrentService.DescribeKey",
            r#"{"KeyId":"alias/aws/s3"}"#.to_string(),
        ),
        (
            "TrentService.CreateAlias",
            format!(r#"{{"AliasName":"alias/x","TargetKeyId":"{id}"}}"#),
        ),
        ("TrentService.Encrypt", r#"{"KeyId":1}"#.to_string()),
        ("TrentService.Encrypt", "not json".to_string()),
        (
            "KmsWasm.CreateFixtureKey",
            r#"{"Material":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","Policy":"{}"}"#
                .to_string(),
        ),
    ];
    for (target, body) in &cases {
        assert_eq!(parses_of(&mut e, target, body), 1, "{target} {body}");
    }
    // With the call log on, the event reads what that one parse gave (`trail::record` is not
    // handed the body at all).
    e.record_calls(true);
    for (target, body) in &cases {
        let before = kms_wasm::api::body_parses();
        let out = call_raw(&mut e, target, &ctx(), body.as_bytes());
        let event = kms_wasm::trail::record(&e, target, &ctx_json(&ctx()), &out);
        assert!(event.is_some(), "{target}");
        assert_eq!(kms_wasm::api::body_parses() - before, 1, "{target} {body}");
    }
    e.record_calls(false);
    // A principal other than the root goes through the key policy and grants: still one parse.
    let before = kms_wasm::api::body_parses();
    call_raw(
        &mut e,
        "TrentService.Encrypt",
        &as_principal(ROLE, &[]),
        format!(r#"{{"KeyId":"{id}","Plaintext":"AQ==","GrantTokens":["{token}"]}}"#).as_bytes(),
    );
    assert_eq!(kms_wasm::api::body_parses() - before, 1);
}

// ---- the property: every spelling of a request answers as its plain spelling ----

/// A small deterministic generator for the spelling choices (seeded by proptest).
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
    fn space(&mut self) -> &'static str {
        [" ", "", "\n", "\t ", "", "\r\n  "][self.next() as usize % 6]
    }
}

/// A JSON string literal of `s` with some characters escaped: `\uXXXX` (as UTF-16 units), `\/`.
fn spell_string(s: &str, c: &mut Choices, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if c.one_in(2) => out.push_str("\\/"),
            ch if (ch as u32) < 0x20 || c.one_in(3) => {
                let mut units = [0u16; 2];
                for u in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// `v` as JSON text, spelled by `c`: escapes, whitespace and a shuffled member order.
fn spell(v: &Value, c: &mut Choices, out: &mut String) {
    match v {
        Value::String(s) => spell_string(s, c, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(c.space());
                spell(item, c, out);
            }
            out.push_str(c.space());
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..members.len()).rev() {
                members.swap(i, (c.next() as usize) % (i + 1));
            }
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(c.space());
                spell_string(k, c, out);
                out.push_str(c.space());
                out.push(':');
                out.push_str(c.space());
                spell(v, c, out);
            }
            out.push_str(c.space());
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A state to run requests against, and the requests: the golden wire fixtures' and a corpus.
struct Case {
    name: String,
    snapshot: Vec<u8>,
    target: String,
    request: Value,
}

fn outcome_in(snapshot: &[u8], target: &str, body: &[u8]) -> (u16, Vec<u8>, Option<Vec<u8>>) {
    let mut e = Engine::with_seed(b"spellings");
    e.restore(snapshot).unwrap();
    let out = kms_wasm::wire::handle(&mut e, target, &ctx_json(&ctx()), body);
    (out.status, out.body, out.entry)
}

/// Replaces `{{setup.N.a.b}}` placeholders with the setup responses' members.
fn substitute(v: &Value, setup: &[Value]) -> Value {
    match v {
        Value::String(s) if s.contains("{{") => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                let end = rest[start..].find("}}").unwrap() + start;
                out.push_str(&rest[..start]);
                let mut parts = rest[start + 2..end].split('.').skip(1);
                let mut value = &setup[parts.next().unwrap().parse::<usize>().unwrap()];
                for p in parts {
                    value = match p.parse::<usize>() {
                        Ok(i) if value.is_array() => &value[i],
                        _ => &value[p],
                    };
                }
                out.push_str(value.as_str().unwrap());
                rest = &rest[end + 2..];
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| substitute(i, setup)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, setup)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn golden_cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(request) = fixture.get("request") else {
            continue; // raw bodies are spelled already
        };
        let mut e = Engine::with_seed(b"spellings-setup");
        let mut responses = Vec::new();
        for step in fixture["setup"].as_array().into_iter().flatten() {
            let body = substitute(&step["request"], &responses).to_string();
            let out = call_raw(
                &mut e,
                step["target"].as_str().unwrap(),
                &ctx(),
                body.as_bytes(),
            );
            assert_eq!(out.status, 200);
            responses.push(serde_json::from_slice(&out.body).unwrap());
        }
        cases.push(Case {
            name: path.file_stem().unwrap().to_string_lossy().to_string(),
            snapshot: e.snapshot(),
            target: fixture["target"].as_str().unwrap().to_string(),
            request: substitute(request, &responses),
        });
    }
    cases
}

/// Requests that reach every reader of the request: grant tokens, condition keys, the lockout
/// check, AWS managed keys (alias names with `/`), ReEncrypt's two keys, aliases.
fn corpus() -> Vec<Case> {
    let mut e = Engine::with_seed(b"spellings-setup");
    let c = ctx();
    let (id, arn) = new_key(&mut e, &c);
    ok(
        &mut e,
        "CreateAlias",
        &c,
        json!({"AliasName": "alias/app/one", "TargetKeyId": id}),
    );
    let grant = ok(
        &mut e,
        "CreateGrant",
        &c,
        json!({"KeyId": id, "GranteePrincipal": ROLE, "Operations": ["Encrypt", "Decrypt"]}),
    );
    let token = grant["GrantToken"].as_str().unwrap().to_string();
    let blob = ok(
        &mut e,
        "Encrypt",
        &c,
        json!({"KeyId": id, "Plaintext": "aGk=", "EncryptionContext": {"app/x": "v/1"}}),
    )["CiphertextBlob"]
        .clone();
    let snapshot = e.snapshot();
    let requests = [
        (
            "Encrypt",
            json!({"KeyId": id, "Plaintext": "aGk=", "GrantTokens": ["nonsense"]}),
        ),
        (
            "Encrypt",
            json!({"KeyId": id, "Plaintext": "aGk=", "GrantTokens": [token]}),
        ),
        (
            "Encrypt",
            json!({"KeyId": "alias/aws/s3", "Plaintext": "aGk=", "EncryptionContext": {"a/b": "c\u{e9}/d"}}),
        ),
        (
            "Encrypt",
            json!({"KeyId": "alias/app/one", "Plaintext": "aGk="}),
        ),
        (
            "Encrypt",
            json!({"KeyId": arn, "Plaintext": "aGk=", "DryRun": true}),
        ),
        (
            "Decrypt",
            json!({"CiphertextBlob": blob, "EncryptionContext": {"app/x": "v/1"}}),
        ),
        (
            "ReEncrypt",
            json!({"CiphertextBlob": blob, "SourceEncryptionContext": {"app/x": "v/1"}, "DestinationKeyId": "alias/aws/ebs"}),
        ),
        ("DescribeKey", json!({"KeyId": "alias/aws/s3"})),
        (
            "DescribeKey",
            json!({"KeyId": "arn:aws:kms:us-east-1:111122223333:alias/aws/lambda"}),
        ),
        ("CreateKey", json!({"Policy": locking_policy()})),
        (
            "CreateKey",
            json!({"Policy": locking_policy(), "BypassPolicyLockoutSafetyCheck": true, "Description": "a/b"}),
        ),
        (
            "CreateKey",
            json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Tags": [{"TagKey": "k/1", "TagValue": "v"}]}),
        ),
        (
            "CreateGrant",
            json!({"KeyId": id, "GranteePrincipal": ROLE, "Operations": ["Decrypt"], "Constraints": {"EncryptionContextSubset": {"a/b": "c"}}}),
        ),
        (
            "CreateAlias",
            json!({"AliasName": "alias/new/one", "TargetKeyId": id}),
        ),
        (
            "CreateAlias",
            json!({"AliasName": "alias/aws/nope", "TargetKeyId": id}),
        ),
        (
            "PutKeyPolicy",
            json!({"KeyId": id, "Policy": locking_policy()}),
        ),
        ("ScheduleKeyDeletion", json!({"KeyId": "alias/aws/s3"})),
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256", "GrantTokens": []}),
        ),
        ("GenerateRandom", json!({"NumberOfBytes": 0})),
    ];
    requests
        .into_iter()
        .enumerate()
        .map(|(i, (op, request))| Case {
            name: format!("corpus {i} {op}"),
            snapshot: snapshot.clone(),
            target: format!("TrentService.{op}"),
            request,
        })
        .collect()
}

#[test]
fn any_json_spelling_of_a_request_answers_as_the_plain_spelling() {
    let cases: Vec<Case> = golden_cases().into_iter().chain(corpus()).collect();
    assert!(cases.len() > 60, "{} cases", cases.len());
    let plain: Vec<_> = cases
        .iter()
        .map(|case| {
            outcome_in(
                &case.snapshot,
                &case.target,
                case.request.to_string().as_bytes(),
            )
        })
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&any::<u64>(), |seed| {
            let mut choices = Choices(seed | 1);
            for (case, expected) in cases.iter().zip(&plain) {
                let mut body = String::new();
                spell(&case.request, &mut choices, &mut body);
                let got = outcome_in(&case.snapshot, &case.target, body.as_bytes());
                prop_assert_eq!(
                    &got,
                    expected,
                    "{}: {} answered {} instead of {}",
                    case.name,
                    body,
                    String::from_utf8_lossy(&got.1),
                    String::from_utf8_lossy(&expected.1)
                );
            }
            Ok(())
        })
        .unwrap();
}
