//! The call log (`kms_wasm::trail`): the CloudTrail event of each call, checked against the shapes
//! of AWS's documented examples (developer guide ct-encrypt, ct-decrypt, ct-createkey,
//! ct-creategrant), and never carrying a blob — plaintext, ciphertext, key material, signatures,
//! MACs, import tokens, public keys — nor a grant token.
use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use common::*;
use kms_wasm::{Engine, Outcome, RequestCtx};
use serde_json::{json, Value};

const ALICE: &str = "arn:aws:iam::111122223333:user/Alice";
const REQUEST_ID: &str = "f3423043-63bc-11e4-bc2b-4198b6150d5c";

fn allow_all() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})
}

/// The context JSON a door sends, with the call-log fields an HTTP door fills.
fn door_ctx(principal: Option<&str>) -> Vec<u8> {
    let mut v = json!({
        "accountId": ACCOUNT,
        "region": REGION,
        "requestId": REQUEST_ID,
        "now": NOW,
        "sourceIpAddress": "192.0.2.0",
        "userAgent": "aws-cli/2.15.0",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    });
    if let Some(p) = principal {
        v["principal"] = json!(p);
        v["identityPolicies"] = json!([allow_all().to_string()]);
    }
    v.to_string().into_bytes()
}

/// One call with the log on: the outcome (committed on success) and its event.
fn logged(engine: &mut Engine, op: &str, ctx: &[u8], body: &Value) -> (Outcome, Value) {
    engine.record_calls(true);
    let target = format!("TrentService.{op}");
    let body = body.to_string();
    let out = kms_wasm::wire::handle(engine, &target, ctx, body.as_bytes());
    let event = kms_wasm::trail::record(engine, &target, ctx, &out)
        .unwrap_or_else(|| panic!("{op}: no event"));
    if out.status == 200 {
        engine.commit();
    }
    (out, serde_json::from_slice(&event).unwrap())
}

fn ok_logged(engine: &mut Engine, op: &str, ctx: &[u8], body: Value) -> (Value, Value) {
    let (out, event) = logged(engine, op, ctx, &body);
    assert_eq!(
        out.status,
        200,
        "{op}: {}",
        String::from_utf8_lossy(&out.body)
    );
    (serde_json::from_slice(&out.body).unwrap(), event)
}

fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
}

fn resources(arns: &[&str]) -> Value {
    Value::Array(
        arns.iter()
            .map(|a| json!({"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": a}))
            .collect(),
    )
}

#[test]
fn encrypt_event_has_the_documented_shape() {
    let mut e = engine();
    let ctx = door_ctx(Some(ALICE));
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let meta = &created["KeyMetadata"];
    let key_id = meta["KeyId"].as_str().unwrap();
    let (_, event) = ok_logged(
        &mut e,
        "Encrypt",
        &ctx,
        json!({"KeyId": key_arn(key_id), "Plaintext": "c2VjcmV0IGRhdGE=", "EncryptionContext": {"Department": "Engineering"}}),
    );
    let user = json!({
        "type": "IAMUser",
        "principalId": event["userIdentity"]["principalId"],
        "arn": ALICE,
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": "Alice",
    });
    let expected = json!({
        "eventVersion": "1.11",
        "userIdentity": user,
        "eventTime": "2023-11-14T22:13:20Z",
        "eventSource": "kms.amazonaws.com",
        "eventName": "Encrypt",
        "awsRegion": REGION,
        "sourceIPAddress": "192.0.2.0",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {
            "keyId": key_arn(key_id),
            "encryptionContext": {"Department": "Engineering"},
        },
        "responseElements": null,
        "additionalEventData": {"keyMaterialId": meta["CurrentKeyMaterialId"]},
        "requestID": REQUEST_ID,
        "eventID": event["eventID"],
        "readOnly": true,
        "resources": resources(&[&key_arn(key_id)]),
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    });
    assert_eq!(event, expected);
    let principal_id = event["userIdentity"]["principalId"].as_str().unwrap();
    assert!(principal_id.starts_with("AIDA") && principal_id.len() == 21);
    assert_eq!(event["eventID"].as_str().unwrap().len(), 36);
}

#[test]
fn events_keep_cloudtrails_member_order() {
    let mut e = engine();
    let (out, _) = logged(&mut e, "CreateKey", &door_ctx(None), &json!({}));
    let text =
        kms_wasm::trail::record(&e, "TrentService.CreateKey", &door_ctx(None), &out).unwrap();
    let text = String::from_utf8(text).unwrap();
    let order = [
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "requestParameters",
        "responseElements",
        "requestID",
        "eventID",
        "readOnly",
        "resources",
        "eventType",
        "managementEvent",
        "recipientAccountId",
        "eventCategory",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn decrypt_event_logs_context_and_material_but_no_ciphertext_or_plaintext() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let key_id = created["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let context = json!({"Department": "Engineering", "Project": "Alpha"});
    let (sealed, _) = ok_logged(
        &mut e,
        "Encrypt",
        &ctx,
        json!({"KeyId": key_id, "Plaintext": "c2VjcmV0IGRhdGE=", "EncryptionContext": context}),
    );
    let blob = sealed["CiphertextBlob"].as_str().unwrap();
    let (opened, event) = ok_logged(
        &mut e,
        "Decrypt",
        &ctx,
        json!({"CiphertextBlob": blob, "EncryptionContext": context, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    );
    assert_eq!(event["eventName"], "Decrypt");
    assert_eq!(
        event["requestParameters"],
        json!({"encryptionContext": context, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"})
    );
    assert_eq!(event["responseElements"], Value::Null);
    assert_eq!(
        event["additionalEventData"],
        json!({"keyMaterialId": opened["KeyMaterialId"]})
    );
    assert_eq!(event["readOnly"], true);
    assert_eq!(event["resources"], resources(&[&key_arn(&key_id)]));
    assert_eq!(
        event["userIdentity"],
        json!({"type": "Root", "principalId": ACCOUNT, "arn": format!("arn:aws:iam::{ACCOUNT}:root"), "accountId": ACCOUNT, "accessKeyId": "AKIAIOSFODNN7EXAMPLE"})
    );
    let text = event.to_string();
    assert!(!text.contains(blob));
    assert!(!text.contains("c2VjcmV0IGRhdGE="));
}

#[test]
fn create_key_event_logs_the_request_and_the_key_metadata_with_aws_dates() {
    let mut e = engine();
    let (created, event) = ok_logged(
        &mut e,
        "CreateKey",
        &door_ctx(None),
        json!({"Description": "", "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "EXTERNAL", "BypassPolicyLockoutSafetyCheck": false, "Tags": [{"TagKey": "Team", "TagValue": "Payments"}]}),
    );
    let meta = &created["KeyMetadata"];
    assert_eq!(
        event["requestParameters"],
        json!({"description": "", "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT", "origin": "EXTERNAL", "bypassPolicyLockoutSafetyCheck": false, "tags": [{"tagKey": "Team", "tagValue": "Payments"}]})
    );
    let logged = &event["responseElements"]["keyMetadata"];
    assert_eq!(logged["AWSAccountId"], ACCOUNT);
    assert_eq!(logged["keyId"], meta["KeyId"]);
    assert_eq!(logged["arn"], meta["Arn"]);
    assert_eq!(logged["creationDate"], "Nov 14, 2023, 10:13:20 PM");
    assert_eq!(logged["keyState"], "PendingImport");
    assert_eq!(logged["origin"], "EXTERNAL");
    assert_eq!(logged["encryptionAlgorithms"], json!(["SYMMETRIC_DEFAULT"]));
    assert_eq!(event["readOnly"], false);
    assert_eq!(
        event["resources"],
        resources(&[meta["Arn"].as_str().unwrap()])
    );
    assert!(event.get("additionalEventData").is_none());
}

#[test]
fn create_grant_event_logs_the_key_arn_and_never_the_grant_token() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let key_id = created["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let (grant, event) = ok_logged(
        &mut e,
        "CreateGrant",
        &ctx,
        json!({
            "KeyId": key_id,
            "GranteePrincipal": "arn:aws:iam::111122223333:role/Service",
            "Operations": ["Encrypt", "RetireGrant"],
            "Constraints": {"EncryptionContextSubset": {"ContextKey1": "Value1"}},
        }),
    );
    assert_eq!(
        event["requestParameters"],
        json!({
            "keyId": key_id,
            "granteePrincipal": "arn:aws:iam::111122223333:role/Service",
            "operations": ["Encrypt", "RetireGrant"],
            "constraints": {"encryptionContextSubset": {"ContextKey1": "Value1"}},
        })
    );
    assert_eq!(
        event["responseElements"],
        json!({"grantId": grant["GrantId"], "keyId": key_arn(&key_id)})
    );
    assert_eq!(event["readOnly"], false);
    let token = grant["GrantToken"].as_str().unwrap();
    assert!(!event.to_string().contains(token));

    // A grant token in a request is not logged either.
    let (_, event) = ok_logged(
        &mut e,
        "Encrypt",
        &ctx,
        json!({"KeyId": key_id, "Plaintext": "AQID", "GrantTokens": [token]}),
    );
    assert!(!event.to_string().contains(token));
    assert_eq!(event["requestParameters"], json!({"keyId": key_id}));
}

#[test]
fn writes_without_a_key_in_their_response_log_the_key_arn() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let key_id = created["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, event) = ok_logged(&mut e, "DisableKey", &ctx, json!({"KeyId": key_id}));
    assert_eq!(
        event["responseElements"],
        json!({"keyId": key_arn(&key_id)})
    );
    let (_, event) = ok_logged(
        &mut e,
        "CreateAlias",
        &ctx,
        json!({"AliasName": "alias/app", "TargetKeyId": key_id}),
    );
    assert_eq!(
        event["resources"],
        resources(&[
            &format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"),
            &key_arn(&key_id)
        ])
    );
    // Read-only calls log no response.
    let (_, event) = ok_logged(&mut e, "DescribeKey", &ctx, json!({"KeyId": "alias/app"}));
    assert_eq!(event["responseElements"], Value::Null);
    assert_eq!(event["requestParameters"], json!({"keyId": "alias/app"}));
    assert_eq!(event["resources"], resources(&[&key_arn(&key_id)]));
    // No members: null, and a call that touched no key has no resources.
    let (_, event) = ok_logged(&mut e, "ListKeys", &ctx, json!({}));
    assert_eq!(event["requestParameters"], Value::Null);
    assert!(event.get("resources").is_none());
}

#[test]
fn error_events_carry_the_code_and_message_and_no_response() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let key_id = created["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    ok_logged(&mut e, "DisableKey", &ctx, json!({"KeyId": key_id}));
    let (out, event) = logged(
        &mut e,
        "Encrypt",
        &ctx,
        &json!({"KeyId": key_id, "Plaintext": "aGVsbG8="}),
    );
    assert_eq!(out.status, 400);
    assert_eq!(event["errorCode"], "DisabledException");
    assert_eq!(
        event["errorMessage"],
        format!("{} is disabled.", key_arn(&key_id))
    );
    assert_eq!(event["requestParameters"], json!({"keyId": key_id}));
    assert_eq!(event["responseElements"], Value::Null);
    assert!(event.get("additionalEventData").is_none());
    assert_eq!(event["resources"], resources(&[&key_arn(&key_id)]));

    // A key that does not exist: no resources.
    let missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
    let (_, event) = logged(&mut e, "DescribeKey", &ctx, &json!({"KeyId": missing}));
    assert_eq!(event["errorCode"], "NotFoundException");
    assert!(event.get("resources").is_none());

    // An error without a message has no errorMessage (VerifyMac with a wrong MAC).
    let (mac_key, _) = ok_logged(
        &mut e,
        "CreateKey",
        &ctx,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    );
    let (_, event) = logged(
        &mut e,
        "VerifyMac",
        &ctx,
        &json!({"KeyId": mac_key["KeyMetadata"]["KeyId"], "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256", "Mac": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}),
    );
    assert_eq!(event["errorCode"], "KMSInvalidMacException");
    assert!(event.get("errorMessage").is_none(), "{event}");

    // A body that is not JSON: the call is still logged, with no parameters.
    e.record_calls(true);
    let target = "TrentService.Encrypt";
    let out = kms_wasm::wire::handle(&mut e, target, &ctx, b"{not json");
    let event: Value =
        serde_json::from_slice(&kms_wasm::trail::record(&e, target, &ctx, &out).unwrap()).unwrap();
    assert_eq!(event["errorCode"], "SerializationException");
    assert_eq!(event["requestParameters"], Value::Null);
}

#[test]
fn callers_are_logged_as_the_identity_type_aws_records() {
    let mut e = engine();
    let user = |ctx: &[u8], e: &mut Engine| {
        logged(e, "ListKeys", ctx, &json!({})).1["userIdentity"].clone()
    };

    let root = user(&door_ctx(None), &mut e);
    assert_eq!(root["type"], "Root");
    assert_eq!(root["principalId"], ACCOUNT);

    let session = "arn:aws:sts::111122223333:assumed-role/App/build-42";
    let assumed = user(&door_ctx(Some(session)), &mut e);
    assert_eq!(assumed["type"], "AssumedRole");
    assert_eq!(assumed["arn"], session);
    let role_id = assumed["sessionContext"]["sessionIssuer"]["principalId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(role_id.starts_with("AROA"));
    assert_eq!(assumed["principalId"], format!("{role_id}:build-42"));
    assert_eq!(
        assumed["sessionContext"]["sessionIssuer"],
        json!({"type": "Role", "principalId": role_id, "arn": "arn:aws:iam::111122223333:role/App", "accountId": ACCOUNT, "userName": "App"})
    );
    assert_eq!(
        assumed["sessionContext"]["attributes"],
        json!({"creationDate": "2023-11-14T22:13:20Z", "mfaAuthenticated": "false"})
    );
    // The role itself: the same role ID as its sessions.
    let role = user(
        &door_ctx(Some("arn:aws:iam::111122223333:role/App")),
        &mut e,
    );
    assert_eq!(role["type"], "AssumedRole");
    assert_eq!(role["principalId"], role_id);

    // Without the door's extras: the defaults, and no access key.
    let bare =
        json!({"accountId": ACCOUNT, "region": REGION, "requestId": "r", "now": NOW}).to_string();
    let (_, event) = logged(&mut e, "ListKeys", bare.as_bytes(), &json!({}));
    assert_eq!(
        event["sourceIPAddress"],
        kms_wasm::trail::defaults::SOURCE_IP
    );
    assert_eq!(event["userAgent"], kms_wasm::trail::defaults::USER_AGENT);
    assert!(event["userIdentity"].get("accessKeyId").is_none());
}

#[test]
fn an_escaped_spelling_is_logged_as_the_plain_one() {
    // The event's parameters come from the call's one parse of its body, so `\u` escapes in
    // member names and values, and `\/`, read as the plain spelling does.
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let arn = created["KeyMetadata"]["Arn"].as_str().unwrap().to_string();
    let mut events = Vec::new();
    for body in [
        format!(r#"{{"KeyId":"{arn}","Plaintext":"AQ==","EncryptionContext":{{"app":"a/b"}}}}"#),
        format!(
            r#"{{"\u004beyId":"{}","Plaintext":"AQ==","\u0045ncryptionContext":{{"\u0061pp":"a\/b"}}}}"#,
            arn.replace('/', "\\/")
        ),
    ] {
        e.record_calls(true);
        let out = kms_wasm::wire::handle(&mut e, "TrentService.Encrypt", &ctx, body.as_bytes());
        assert_eq!(out.status, 200, "{body}");
        let event = kms_wasm::trail::record(&e, "TrentService.Encrypt", &ctx, &out).unwrap();
        events.push(serde_json::from_slice::<Value>(&event).unwrap());
    }
    assert_eq!(
        events[0]["requestParameters"]["encryptionContext"],
        json!({"app": "a/b"})
    );
    assert_eq!(events[0], events[1]);

    // The alias an alias operation names leads `resources` however it is spelled.
    let key_id = created["KeyMetadata"]["KeyId"].as_str().unwrap();
    e.record_calls(true);
    let body = format!(r#"{{"\u0041liasName":"alias\/spelled","TargetKeyId":"{key_id}"}}"#);
    let out = kms_wasm::wire::handle(&mut e, "TrentService.CreateAlias", &ctx, body.as_bytes());
    assert_eq!(out.status, 200, "{}", String::from_utf8_lossy(&out.body));
    let event: Value = serde_json::from_slice(
        &kms_wasm::trail::record(&e, "TrentService.CreateAlias", &ctx, &out).unwrap(),
    )
    .unwrap();
    let alias_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/spelled");
    assert_eq!(event["resources"][0]["ARN"], alias_arn.as_str(), "{event}");
    assert_eq!(event["requestParameters"]["aliasName"], "alias/spelled");
}

#[test]
fn a_call_refused_before_it_ran_shows_none_of_the_last_calls_keys() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let (created, _) = ok_logged(&mut e, "CreateKey", &ctx, json!({}));
    let key_id = created["KeyMetadata"]["KeyId"].as_str().unwrap();
    ok_logged(
        &mut e,
        "Encrypt",
        &ctx,
        json!({"KeyId": key_id, "Plaintext": "AQ=="}),
    );
    // Refused while decoding: the call touched no key, whatever the call before it touched. (The
    // log stays on between the calls: `record_calls(true)` would start it afresh.)
    let target = "TrentService.Encrypt";
    for body in [json!({"KeyId": 1}), json!({"KeyId": key_id})] {
        let out = kms_wasm::wire::handle(&mut e, target, &ctx, body.to_string().as_bytes());
        assert_eq!(out.status, 400, "{body}");
        let event = kms_wasm::trail::record(&e, target, &ctx, &out).unwrap();
        let event: Value = serde_json::from_slice(&event).unwrap();
        assert!(event.get("resources").is_none(), "{event}");
    }
}

#[test]
fn nothing_is_recorded_while_the_log_is_off() {
    let mut e = engine();
    let ctx = door_ctx(None);
    let out = kms_wasm::wire::handle(&mut e, "TrentService.ListKeys", &ctx, b"{}");
    assert!(kms_wasm::trail::record(&e, "TrentService.ListKeys", &ctx, &out).is_none());
    e.record_calls(true);
    e.record_calls(false);
    let out = kms_wasm::wire::handle(&mut e, "TrentService.ListKeys", &ctx, b"{}");
    assert!(kms_wasm::trail::record(&e, "TrentService.ListKeys", &ctx, &out).is_none());
    // An unknown target names no operation: no event.
    e.record_calls(true);
    let out = kms_wasm::wire::handle(&mut e, "TrentService.Nope", &ctx, b"{}");
    assert!(kms_wasm::trail::record(&e, "TrentService.Nope", &ctx, &out).is_none());
}

#[test]
fn a_fixture_key_is_logged_as_the_create_key_it_stands_for_without_its_material() {
    let mut e = engine();
    e.record_calls(true);
    let ctx = door_ctx(None);
    let material = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let body = json!({"KeyId": "11111111-2222-3333-4444-555555555555", "Material": material, "Description": "fixture"}).to_string();
    let target = "KmsWasm.CreateFixtureKey";
    let out = kms_wasm::wire::handle(&mut e, target, &ctx, body.as_bytes());
    assert_eq!(out.status, 200, "{}", String::from_utf8_lossy(&out.body));
    let event: Value =
        serde_json::from_slice(&kms_wasm::trail::record(&e, target, &ctx, &out).unwrap()).unwrap();
    assert_eq!(event["eventName"], "CreateKey");
    assert_eq!(
        event["requestParameters"],
        json!({"description": "fixture"})
    );
    assert!(!event.to_string().contains(material));
}

// ---- No blob ever reaches an event -------------------------------------------------------------

/// Per operation, the paths of its request's and its response's blob members.
type BlobPaths = BTreeMap<String, (Vec<Vec<String>>, Vec<Vec<String>>)>;

/// The model's blob members, per operation: (input paths, output paths), a path being member
/// names from the top (a structure's members nest).
fn blob_paths() -> BlobPaths {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("model/kms-model-summary.json"),
    )
    .unwrap();
    let model: Value = serde_json::from_str(&text).unwrap();
    fn walk(model: &Value, members: &Value, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for (name, d) in members.as_object().unwrap() {
            let mut path = prefix.to_vec();
            path.push(name.clone());
            let t = d["type"].as_str().unwrap();
            if t == "blob" {
                out.push(path);
            } else if let Some(s) = t.strip_prefix("struct:") {
                walk(model, &model["structures"][s], &path, out);
            }
        }
    }
    let mut all = BTreeMap::new();
    for (op, d) in model["operations"].as_object().unwrap() {
        let (mut i, mut o) = (Vec::new(), Vec::new());
        walk(&model, &d["input"], &[], &mut i);
        walk(&model, &d["output"], &[], &mut o);
        all.insert(op.clone(), (i, o));
    }
    all
}

/// Every blob value of `doc` at `paths`, as its base64 text and as lower-case hex of its bytes.
fn blob_values(doc: &Value, paths: &[Vec<String>]) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let mut v = doc;
        for p in path {
            v = &v[p.as_str()];
        }
        if let Some(text) = v.as_str().filter(|t| t.len() >= 8) {
            out.push(text.to_string());
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text) {
                out.push(kms_wasm::hex::encode(&bytes));
            }
        }
    }
    out
}

/// Runs `(op, request)` steps with the log on; fails if any event shows a blob of its call.
struct BlobWatch {
    engine: Engine,
    paths: BlobPaths,
    responses: Vec<Value>,
    checked: usize,
}

impl BlobWatch {
    fn new() -> Self {
        Self {
            engine: engine(),
            paths: blob_paths(),
            responses: Vec::new(),
            checked: 0,
        }
    }

    fn call(&mut self, target: &str, body: &[u8]) -> Outcome {
        self.engine.record_calls(true);
        let ctx = door_ctx(None);
        let out = kms_wasm::wire::handle(&mut self.engine, target, &ctx, body);
        let event = kms_wasm::trail::record(&self.engine, target, &ctx, &out);
        if out.status == 200 {
            self.engine.commit();
        }
        let Some(event) = event else { return out };
        let event = String::from_utf8(event).unwrap();
        let op = target.rsplit('.').next().unwrap();
        let (input, output) = self.paths.get(op).cloned().unwrap_or_default();
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let response: Value = serde_json::from_slice(&out.body).unwrap_or(Value::Null);
        for secret in blob_values(&request, &input)
            .into_iter()
            .chain(blob_values(&response, &output))
        {
            assert!(
                !event.contains(&secret),
                "{op}: event shows {secret}: {event}"
            );
            self.checked += 1;
        }
        out
    }

    /// A successful call; its response joins `responses`.
    fn ok(&mut self, op: &str, body: Value) -> Value {
        let out = self.call(&format!("TrentService.{op}"), body.to_string().as_bytes());
        assert_eq!(
            out.status,
            200,
            "{op}: {}",
            String::from_utf8_lossy(&out.body)
        );
        let v: Value = serde_json::from_slice(&out.body).unwrap();
        self.responses.push(v.clone());
        v
    }
}

#[test]
fn no_event_of_any_golden_fixture_shows_a_blob() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut watch = BlobWatch::new();
        let mut setup = Vec::new();
        for step in case["setup"].as_array().into_iter().flatten() {
            let body = fill(&step["request"], &setup).to_string();
            let out = watch.call(step["target"].as_str().unwrap(), body.as_bytes());
            setup.push(serde_json::from_slice::<Value>(&out.body).unwrap());
        }
        let body = match (case.get("rawBody"), case.get("rawBodyBase64")) {
            (Some(raw), _) => raw.as_str().unwrap().as_bytes().to_vec(),
            (_, Some(raw)) => base64::engine::general_purpose::STANDARD
                .decode(raw.as_str().unwrap())
                .unwrap(),
            _ => fill(&case["request"], &setup).to_string().into_bytes(),
        };
        watch.call(case["target"].as_str().unwrap(), &body);
        checked += watch.checked;
    }
    assert!(checked > 0);
}

/// `{{setup.N.A.B}}` placeholders, as tests/wire_golden.rs fills them.
fn fill(v: &Value, setup: &[Value]) -> Value {
    match v {
        Value::String(s) if s.contains("{{setup.") => {
            let mut out = s.clone();
            while let Some(start) = out.find("{{") {
                let end = out[start..].find("}}").unwrap() + start;
                let path = out[start + 2..end].to_string();
                let mut parts = path.split('.').skip(1);
                let mut value = &setup[parts.next().unwrap().parse::<usize>().unwrap()];
                for p in parts {
                    value = &value[p];
                }
                out.replace_range(start..end + 2, value.as_str().unwrap_or_default());
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| fill(i, setup)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), fill(v, setup))).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn no_event_of_a_tour_of_every_blob_operation_shows_a_blob() {
    let mut w = BlobWatch::new();
    let sym = w.ok("CreateKey", json!({}))["KeyMetadata"]["KeyId"].clone();
    let other = w.ok("CreateKey", json!({}))["KeyMetadata"]["KeyId"].clone();
    let pt = "c2VjcmV0IHBsYWludGV4dCBieXRlcw==";
    let ct = w.ok("Encrypt", json!({"KeyId": sym, "Plaintext": pt}))["CiphertextBlob"].clone();
    w.ok("Decrypt", json!({"CiphertextBlob": ct}));
    w.ok(
        "ReEncrypt",
        json!({"CiphertextBlob": ct, "DestinationKeyId": other}),
    );
    w.ok(
        "GenerateDataKey",
        json!({"KeyId": sym, "KeySpec": "AES_256"}),
    );
    w.ok(
        "GenerateDataKeyWithoutPlaintext",
        json!({"KeyId": sym, "NumberOfBytes": 32}),
    );
    w.ok("GenerateRandom", json!({"NumberOfBytes": 32}));
    let ecc = w.ok(
        "CreateKey",
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    )["KeyMetadata"]["KeyId"]
        .clone();
    let sig = w.ok(
        "Sign",
        json!({"KeyId": ecc, "Message": pt, "SigningAlgorithm": "ECDSA_SHA_256"}),
    )["Signature"]
        .clone();
    w.ok(
        "Verify",
        json!({"KeyId": ecc, "Message": pt, "Signature": sig, "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    w.ok("GetPublicKey", json!({"KeyId": ecc}));
    w.ok(
        "GenerateDataKeyPair",
        json!({"KeyId": sym, "KeyPairSpec": "ECC_NIST_P256"}),
    );
    w.ok(
        "GenerateDataKeyPairWithoutPlaintext",
        json!({"KeyId": sym, "KeyPairSpec": "ECC_NIST_P256"}),
    );
    let hmac = w.ok(
        "CreateKey",
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    )["KeyMetadata"]["KeyId"]
        .clone();
    let mac = w.ok(
        "GenerateMac",
        json!({"KeyId": hmac, "Message": pt, "MacAlgorithm": "HMAC_SHA_256"}),
    )["Mac"]
        .clone();
    w.ok(
        "VerifyMac",
        json!({"KeyId": hmac, "Message": pt, "Mac": mac, "MacAlgorithm": "HMAC_SHA_256"}),
    );
    let agree = w.ok(
        "CreateKey",
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"}),
    )["KeyMetadata"]["KeyId"]
        .clone();
    let peer = w.ok("GetPublicKey", json!({"KeyId": agree}))["PublicKey"].clone();
    w.ok(
        "DeriveSharedSecret",
        json!({"KeyId": agree, "KeyAgreementAlgorithm": "ECDH", "PublicKey": peer}),
    );
    let kem = w.ok(
        "CreateKey",
        json!({"KeySpec": "ML_KEM_768", "KeyUsage": "ENCAPSULATE_DECAPSULATE"}),
    )["KeyMetadata"]["KeyId"]
        .clone();
    let enc = w.ok(
        "Encapsulate",
        json!({"KeyId": kem, "EncapsulationAlgorithm": "ML_KEM"}),
    );
    w.ok("Decapsulate", json!({"KeyId": kem, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": enc["SharedSecretCiphertextBlob"]}));
    let external = w.ok("CreateKey", json!({"Origin": "EXTERNAL"}))["KeyMetadata"]["KeyId"].clone();
    w.ok("GetParametersForImport", json!({"KeyId": external, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}));
    assert!(w.checked >= 30, "only {} blobs checked", w.checked);
    let _ = RequestCtx::new(ACCOUNT, REGION, NOW);
}
