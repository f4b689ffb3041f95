//! `KmsWasm.CreateFixtureKey`: keys with a given ID and material, through the one wire, behaving
//! exactly like generated keys; AWS-style validation errors.

use crate::common;

use common::*;
use kms_wasm::Engine;
use serde_json::{json, Value};

const ID: &str = "11111111-2222-4333-8444-555555555555";
const RSA_PEM: &str = include_str!("../vectors/fixture-keys/rsa2048.pem");
const K1_PEM: &str = include_str!("../vectors/fixture-keys/k1.pem");
const ED_PEM: &str = include_str!("../vectors/fixture-keys/ed.pem");

fn fixture(e: &mut Engine, body: Value) -> Result<Value, (String, String)> {
    let out = call_raw(
        e,
        "KmsWasm.CreateFixtureKey",
        &ctx(),
        body.to_string().as_bytes(),
    );
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    if out.status == 200 {
        Ok(v)
    } else {
        Err((
            v["__type"].as_str().unwrap().to_string(),
            v["message"].as_str().unwrap().to_string(),
        ))
    }
}

fn symmetric(e: &mut Engine) -> Value {
    fixture(
        e,
        json!({"KeyId": ID, "KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32]), "Description": "fixture"}),
    )
    .unwrap()
}

#[test]
fn a_symmetric_fixture_decrypts_what_another_engine_with_it_encrypted() {
    let mut a = engine();
    let mut b = Engine::with_seed(b"another run");
    let meta = symmetric(&mut a)["KeyMetadata"].clone();
    assert_eq!(meta["KeyId"], ID);
    assert_eq!(meta["Origin"], "AWS_KMS");
    assert_eq!(meta["KeyManager"], "CUSTOMER");
    assert_eq!(meta["Description"], "fixture");
    symmetric(&mut b);
    let blob = encrypt(&mut a, &ctx(), ID, b"interop", Some(json!({"k": "v"})));
    let out = ok(
        &mut b,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "EncryptionContext": {"k": "v"}}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"interop");
    assert_eq!(out["KeyId"], key_arn(&ctx(), ID));
    // It behaves like any key: DescribeKey, rotation, aliases.
    assert_eq!(describe(&mut b, &ctx(), ID)["KeyState"], "Enabled");
    ok(&mut b, "RotateKeyOnDemand", &ctx(), json!({"KeyId": ID}));
    let out = ok(
        &mut b,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "EncryptionContext": {"k": "v"}}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"interop");
}

#[test]
fn asymmetric_fixtures_take_pkcs8_pem_and_der() {
    let mut e = engine();
    let rsa = fixture(
        &mut e,
        json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY", "Material": b64(RSA_PEM.as_bytes())}),
    )
    .unwrap();
    let rsa_id = rsa["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let sig = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": rsa_id, "Message": b64(b"m"), "SigningAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256"}),
    );
    let verified = ok(
        &mut e,
        "Verify",
        &ctx(),
        json!({"KeyId": rsa_id, "Message": b64(b"m"), "SigningAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256", "Signature": sig["Signature"]}),
    );
    assert_eq!(verified["SignatureValid"], true);

    let k1 = fixture(
        &mut e,
        json!({"KeySpec": "ECC_SECG_P256K1", "KeyUsage": "SIGN_VERIFY", "Material": b64(K1_PEM.as_bytes())}),
    )
    .unwrap();
    let public = ok(
        &mut e,
        "GetPublicKey",
        &ctx(),
        json!({"KeyId": k1["KeyMetadata"]["KeyId"]}),
    );
    let pem_body: String = include_str!("../vectors/fixture-keys/k1.pub.pem")
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(public["PublicKey"], pem_body);

    // DER works as well as PEM.
    let der = unb64(&json!(ED_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()));
    fixture(
        &mut e,
        json!({"KeySpec": "ECC_NIST_EDWARDS25519", "KeyUsage": "SIGN_VERIFY", "Material": b64(&der)}),
    )
    .unwrap();
}

#[test]
fn hmac_fixture_lengths_follow_import_rules() {
    let mut e = engine();
    let ok_key = fixture(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Material": b64(&[1u8; 32])}),
    )
    .unwrap();
    let id = ok_key["KeyMetadata"]["KeyId"].clone();
    let mac = ok(
        &mut e,
        "GenerateMac",
        &ctx(),
        json!({"KeyId": id, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_256"}),
    );
    assert!(mac["Mac"].is_string());
    let (kind, message) = fixture(
        &mut e,
        json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Material": b64(&[1u8; 16])}),
    )
    .unwrap_err();
    assert_eq!(kind, "ValidationException");
    assert!(message.contains("HMAC_256"), "{message}");
}

#[test]
fn fixture_errors_are_aws_style_and_write_nothing() {
    let mut e = engine();
    symmetric(&mut e);
    let before = e.snapshot();
    let cases = [
        (
            json!({"KeyId": ID, "KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32])}),
            "AlreadyExistsException",
        ),
        (
            json!({"KeyId": "not-a-uuid", "KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32])}),
            "ValidationException",
        ),
        (
            json!({"KeyId": ID.replace('1', "2"), "KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32]), "MultiRegion": true}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 31])}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "SYMMETRIC_DEFAULT"}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "RSA_3072", "KeyUsage": "SIGN_VERIFY", "Material": b64(RSA_PEM.as_bytes())}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY", "Material": b64(K1_PEM.as_bytes())}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32]), "Origin": "EXTERNAL"}),
            "ValidationException",
        ),
        (
            json!({"KeySpec": "SYMMETRIC_DEFAULT", "Material": "!!"}),
            "SerializationException",
        ),
    ];
    for (body, kind) in cases {
        let got = fixture(&mut e, body.clone()).unwrap_err();
        assert_eq!(got.0, kind, "{body}: {got:?}");
    }
    assert_eq!(e.snapshot(), before);
    let unknown = call_raw(&mut e, "KmsWasm.Nope", &ctx(), b"{}");
    assert!(String::from_utf8_lossy(&unknown.body).contains("UnknownOperationException"));
}

#[test]
fn multi_region_fixtures_use_mrk_ids() {
    let mut e = engine();
    let id = "mrk-0123456789abcdef0123456789abcdef";
    let out = fixture(
        &mut e,
        json!({"KeyId": id, "KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[9u8; 32]), "MultiRegion": true}),
    )
    .unwrap();
    assert_eq!(out["KeyMetadata"]["MultiRegion"], true);
    assert_eq!(out["KeyMetadata"]["KeyId"], id);
}

#[test]
fn fixtures_need_kms_create_key() {
    let mut e = engine();
    let c = as_principal("arn:aws:iam::111122223333:role/NoKms", &[]);
    let out = call_raw(
        &mut e,
        "KmsWasm.CreateFixtureKey",
        &c,
        json!({"KeySpec": "SYMMETRIC_DEFAULT", "Material": b64(&[7u8; 32])})
            .to_string()
            .as_bytes(),
    );
    assert!(String::from_utf8_lossy(&out.body).contains("AccessDeniedException"));
    assert!(e.store().keys.is_empty());
}
