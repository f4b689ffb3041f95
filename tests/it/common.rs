//! Shared helpers for the integration tests: a fixed clock and caller, an engine with seeded
//! randomness, and `call`, which goes through `kms_wasm::wire::handle` exactly as the JS client does
//! (target `TrentService.<Op>`, ctx as JSON, body bytes) and commits the pending entry on success.
use base64::Engine as _;
use kms_wasm::crypto::rng::SeededRandom;
use kms_wasm::{Engine, Outcome, RequestCtx};
use serde_json::{json, Value};

/// The default caller's account.
pub const ACCOUNT: &str = "111122223333";
/// The default caller's Region.
pub const REGION: &str = "us-east-1";
/// The fixed request time (2023-11-14T22:13:20Z).
pub const NOW: f64 = 1_700_000_000.0;
/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// The default caller at the fixed time.
pub fn ctx() -> RequestCtx {
    RequestCtx::new(ACCOUNT, REGION, NOW)
}

/// Another account and Region at the fixed time.
pub fn ctx_in(account: &str, region: &str) -> RequestCtx {
    RequestCtx::new(account, region, NOW)
}

/// The default caller at another time.
pub fn at(now: f64) -> RequestCtx {
    RequestCtx::new(ACCOUNT, REGION, now)
}

/// The context as the doors send it to `wire::handle`.
pub fn ctx_json(ctx: &RequestCtx) -> Vec<u8> {
    let mut v = json!({
        "accountId": ctx.account_id,
        "region": ctx.region,
        "requestId": "00000000-0000-4000-8000-000000000000",
        "now": ctx.now,
    });
    if let Some(p) = &ctx.principal {
        v["principal"] = json!(p);
    }
    if !ctx.identity_policies.is_empty() {
        v["identityPolicies"] = json!(ctx.identity_policies);
    }
    if !ctx.enforce_policies {
        v["enforcePolicies"] = json!(false);
    }
    v.to_string().into_bytes()
}

/// The default account and Region, called by `principal` with the given identity policies.
pub fn as_principal(principal: &str, identity_policies: &[Value]) -> RequestCtx {
    let mut c = ctx().with_principal(Some(principal));
    c.identity_policies = identity_policies.iter().map(Value::to_string).collect();
    c
}

/// An empty engine with reproducible randomness.
pub fn engine() -> Engine {
    Engine::with_rng(Box::new(SeededRandom::new(b"test")))
}

/// One raw request through the wire door; commits the entry when the call succeeded.
pub fn call_raw(engine: &mut Engine, target: &str, ctx: &RequestCtx, body: &[u8]) -> Outcome {
    let outcome = kms_wasm::wire::handle(engine, target, &ctx_json(ctx), body);
    if outcome.status == 200 {
        engine.commit();
    } else {
        assert!(
            outcome.entry.is_none(),
            "an error must not carry a journal entry"
        );
    }
    outcome
}

/// Calls `op` with a JSON body; `Ok(response)` or `Err((__type, message))`, where the message is
/// `""` when the body has none (see `error_message`).
pub fn call(
    engine: &mut Engine,
    op: &str,
    ctx: &RequestCtx,
    body: Value,
) -> Result<Value, (String, String)> {
    let outcome = call_raw(
        engine,
        &format!("TrentService.{op}"),
        ctx,
        body.to_string().as_bytes(),
    );
    let value: Value = serde_json::from_slice(&outcome.body).unwrap_or_else(|e| {
        panic!(
            "{op}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&outcome.body)
        )
    });
    if outcome.status == 200 {
        return Ok(value);
    }
    assert_eq!(outcome.status, 400, "{op}: client errors are 400: {value}");
    let kind = value["__type"].as_str().expect("__type").to_string();
    Err((kind, error_message(&value)))
}

/// The `message` of an error body, `""` when the member is absent. AWS either sends text or omits
/// the member, never `"message": ""` (AWS-KMS-BEHAVIOUR.md §2.21), so an empty or non-string
/// member fails the test that met it.
pub fn error_message(body: &Value) -> String {
    match body.get("message") {
        None => String::new(),
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(other) => {
            panic!("an error body's message must be absent or text, got {other}: {body}")
        }
    }
}

/// `call` that must succeed.
pub fn ok(engine: &mut Engine, op: &str, ctx: &RequestCtx, body: Value) -> Value {
    match call(engine, op, ctx, body.clone()) {
        Ok(v) => v,
        Err((t, m)) => panic!("{op} {body} failed: {t}: {m}"),
    }
}

/// `call` that must fail; returns `(__type, message)` (`""`: the body has no message).
pub fn err(engine: &mut Engine, op: &str, ctx: &RequestCtx, body: Value) -> (String, String) {
    match call(engine, op, ctx, body.clone()) {
        Ok(v) => panic!("{op} {body} succeeded but should fail: {v}"),
        Err(e) => e,
    }
}

/// `err`, also asserting that the failed call left the state untouched.
pub fn err_untouched(
    engine: &mut Engine,
    op: &str,
    ctx: &RequestCtx,
    body: Value,
) -> (String, String) {
    let before = engine.snapshot();
    let e = err(engine, op, ctx, body);
    assert_eq!(
        before,
        engine.snapshot(),
        "{op} failed with {e:?} but changed state"
    );
    e
}

/// Asserts an error's type and message.
pub fn assert_error(got: (String, String), kind: &str, message: &str) {
    assert_eq!(got, (kind.to_string(), message.to_string()));
}

/// Creates a symmetric key with default settings; returns its KeyMetadata.
pub fn create_key(engine: &mut Engine, ctx: &RequestCtx) -> Value {
    ok(engine, "CreateKey", ctx, json!({}))["KeyMetadata"].clone()
}

/// Creates a symmetric key; returns `(key ID, key ARN)`.
pub fn new_key(engine: &mut Engine, ctx: &RequestCtx) -> (String, String) {
    let md = create_key(engine, ctx);
    (
        md["KeyId"].as_str().unwrap().to_string(),
        md["Arn"].as_str().unwrap().to_string(),
    )
}

/// The key ARN of `key_id` for the caller.
pub fn key_arn(ctx: &RequestCtx, key_id: &str) -> String {
    ctx.arn(&format!("key/{key_id}"))
}

/// Standard padded base64.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes a base64 JSON string member.
pub fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("a base64 string"))
        .expect("valid base64")
}

/// The KeyMetadata of a key, via DescribeKey.
pub fn describe(engine: &mut Engine, ctx: &RequestCtx, key_id: &str) -> Value {
    ok(engine, "DescribeKey", ctx, json!({ "KeyId": key_id }))["KeyMetadata"].clone()
}

/// Encrypts `plaintext` under `key_id` with an optional context; returns the blob (base64).
pub fn encrypt(
    engine: &mut Engine,
    ctx: &RequestCtx,
    key_id: &str,
    plaintext: &[u8],
    context: Option<Value>,
) -> String {
    let mut body = json!({ "KeyId": key_id, "Plaintext": b64(plaintext) });
    if let Some(c) = context {
        body["EncryptionContext"] = c;
    }
    ok(engine, "Encrypt", ctx, body)["CiphertextBlob"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An identity policy allowing `actions` on every resource.
pub fn allow(actions: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})
}

/// AWS's AccessDeniedException when no `kind` (`resource-based`, `identity-based`) policy allows.
pub fn denied(principal: &str, action: &str, resource: &str, kind: &str) -> (String, String) {
    (
        "AccessDeniedException".into(),
        format!("User: {principal} is not authorized to perform: {action} on resource: {resource} because no {kind} policy allows the {action} action"),
    )
}

/// The message of every DryRunOperationException.
pub const DRY_RUN: &str = "The request would have succeeded, but the DryRun option is set.";

/// Bytes of a hex string (test vectors).
pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
