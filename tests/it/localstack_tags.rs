//! LocalStack's fixture tags on CreateKey (`model::localstack_tags`): `_custom_id_` picks the key
//! ID, `_custom_key_material_` the key material, so suites written for LocalStack keep their fixed
//! keys. The ID tag stays on the key; the material tag is never stored, listed or logged.
use crate::common;

use common::*;
use hmac::Mac as _;
use serde_json::{json, Value};

const ID: &str = "00000000-0000-4000-8000-000000000001";
const AES_KEY: [u8; 32] = [7; 32];

fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"TagKey": k, "TagValue": v}))
            .collect(),
    )
}

fn fixture_key(engine: &mut kms_wasm::Engine) -> Value {
    let c = ctx();
    ok(
        engine,
        "CreateKey",
        &c,
        json!({"Tags": tags(&[("_custom_id_", ID), ("_custom_key_material_", &b64(&AES_KEY)), ("Team", "a")])}),
    )
}

#[test]
fn custom_id_and_material_make_the_same_key_in_every_engine() {
    let c = ctx();
    let mut a = engine();
    let meta = fixture_key(&mut a)["KeyMetadata"].clone();
    assert_eq!(meta["KeyId"], ID);
    assert_eq!(meta["Arn"], key_arn(&c, ID));
    let sealed = ok(
        &mut a,
        "Encrypt",
        &c,
        json!({"KeyId": ID, "Plaintext": b64(b"fixed")}),
    );
    // Another engine (another test run) with the same fixture reads it.
    let mut b = kms_wasm::Engine::new();
    fixture_key(&mut b);
    let opened = ok(
        &mut b,
        "Decrypt",
        &c,
        json!({"CiphertextBlob": sealed["CiphertextBlob"]}),
    );
    assert_eq!(opened["Plaintext"], b64(b"fixed"));
    assert_eq!(opened["KeyId"], key_arn(&c, ID));
}

#[test]
fn the_id_tag_stays_and_the_material_tag_is_not_stored() {
    let c = ctx();
    let mut e = engine();
    fixture_key(&mut e);
    let listed = ok(&mut e, "ListResourceTags", &c, json!({"KeyId": ID}));
    assert_eq!(listed["Tags"], tags(&[("Team", "a"), ("_custom_id_", ID)]));
}

#[test]
fn custom_id_alone_draws_the_material() {
    let c = ctx();
    let mut e = engine();
    let meta = ok(
        &mut e,
        "CreateKey",
        &c,
        json!({"Tags": tags(&[("_custom_id_", ID)])}),
    );
    assert_eq!(meta["KeyMetadata"]["KeyId"], ID);
    ok(
        &mut e,
        "Encrypt",
        &c,
        json!({"KeyId": ID, "Plaintext": "AQID"}),
    );
    // The ID is taken now.
    let got = err(
        &mut e,
        "CreateKey",
        &c,
        json!({"Tags": tags(&[("_custom_id_", ID)])}),
    );
    assert_eq!(got.0, "AlreadyExistsException");
}

#[test]
fn custom_material_alone_draws_the_id() {
    let c = ctx();
    let mut e = engine();
    let material = [9u8; 32];
    let meta = ok(
        &mut e,
        "CreateKey",
        &c,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Tags": tags(&[("_custom_key_material_", &b64(&material))])}),
    );
    let key_id = meta["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    assert_ne!(key_id, ID);
    let mac = ok(
        &mut e,
        "GenerateMac",
        &c,
        json!({"KeyId": key_id, "Message": b64(b"msg"), "MacAlgorithm": "HMAC_SHA_256"}),
    );
    let mut expected = hmac::Hmac::<sha2::Sha256>::new_from_slice(&material).unwrap();
    expected.update(b"msg");
    assert_eq!(mac["Mac"], b64(&expected.finalize().into_bytes()));
}

#[test]
fn an_ecc_key_takes_sec1_material_as_localstack_examples_give_it() {
    use p256::pkcs8::EncodePublicKey;
    let c = ctx();
    let mut e = engine();
    let secret = p256::SecretKey::from_slice(&[0x42; 32]).unwrap();
    let sec1 = secret.to_sec1_der().unwrap();
    let meta = ok(
        &mut e,
        "CreateKey",
        &c,
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Tags": tags(&[("_custom_id_", ID), ("_custom_key_material_", &b64(&sec1))])}),
    );
    assert_eq!(meta["KeyMetadata"]["KeyId"], ID);
    let public = ok(&mut e, "GetPublicKey", &c, json!({"KeyId": ID}));
    let spki = secret.public_key().to_public_key_der().unwrap();
    assert_eq!(public["PublicKey"], b64(spki.as_bytes()));
}

#[test]
fn bad_fixture_tags_are_validation_exceptions_and_create_nothing() {
    let c = ctx();
    let mut e = engine();
    for (body, why) in [
        (
            json!({"Tags": tags(&[("_custom_id_", "my-key")])}),
            "not a key ID",
        ),
        (
            json!({"Tags": tags(&[("_custom_id_", ID)]), "MultiRegion": true}),
            "not mrk-",
        ),
        (
            json!({"Tags": tags(&[("_custom_key_material_", "not base64!")])}),
            "not base64",
        ),
        (
            json!({"Tags": tags(&[("_custom_key_material_", &b64(&[1; 16]))])}),
            "16 bytes",
        ),
        (
            json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Tags": tags(&[("_custom_key_material_", &b64(&[1; 32]))])}),
            "not a private key",
        ),
        (
            json!({"Origin": "EXTERNAL", "Tags": tags(&[("_custom_key_material_", &b64(&AES_KEY))])}),
            "EXTERNAL",
        ),
    ] {
        let got = err(&mut e, "CreateKey", &c, body);
        assert_eq!(got.0, "ValidationException", "{why}: {got:?}");
    }
    assert_eq!(ok(&mut e, "ListKeys", &c, json!({}))["Keys"], json!([]));
}

#[test]
fn the_call_log_leaves_the_material_tag_out() {
    let mut e = engine();
    e.record_calls(true);
    let ctx_json =
        json!({"accountId": ACCOUNT, "region": REGION, "requestId": "r", "now": NOW}).to_string();
    let body =
        json!({"Tags": tags(&[("_custom_id_", ID), ("_custom_key_material_", &b64(&AES_KEY))])})
            .to_string();
    let target = "TrentService.CreateKey";
    let out = kms_wasm::wire::handle(&mut e, target, ctx_json.as_bytes(), body.as_bytes());
    assert_eq!(out.status, 200);
    let event = kms_wasm::trail::record(&e, target, ctx_json.as_bytes(), &out).unwrap();
    let event: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(
        event["requestParameters"]["tags"],
        json!([{"tagKey": "_custom_id_", "tagValue": ID}])
    );
    assert!(!event.to_string().contains(&b64(&AES_KEY)));
}
