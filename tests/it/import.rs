//! Importing key material: Origin EXTERNAL, GetParametersForImport, ImportKeyMaterial,
//! DeleteImportedKeyMaterial, expiry on the clock, and the key-state rows and footnotes [7][8][9]
//! for imported keys (AWS-KMS-BEHAVIOUR.md §2.3, §2.4, §2.12, §2.14). Material is wrapped here the
//! way an outside party would: RSAES-OAEP with the returned public key, or an OAEP-encrypted
//! AES-256 key followed by the material wrapped with AES-KWP (RFC 5649).
use crate::common;

use common::*;
use kms_wasm::crypto::digest::Hash;
use kms_wasm::crypto::rng::SeededRandom;
use kms_wasm::crypto::{hmac, rsa, wrap};
use kms_wasm::Engine;
use serde_json::{json, Value};

const PENDING_IMPORT: &str = "is pending import.";
const ALGORITHMS: [&str; 4] = [
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
];

fn external_key(e: &mut Engine, body: Value) -> Value {
    let mut body = body;
    body["Origin"] = json!("EXTERNAL");
    ok(e, "CreateKey", &ctx(), body)["KeyMetadata"].clone()
}

struct Params {
    token: String,
    public_key: Vec<u8>,
    algorithm: String,
}

fn params_at(
    e: &mut Engine,
    c: &kms_wasm::RequestCtx,
    key_id: &str,
    alg: &str,
    spec: &str,
) -> Params {
    let r = ok(
        e,
        "GetParametersForImport",
        c,
        json!({"KeyId": key_id, "WrappingAlgorithm": alg, "WrappingKeySpec": spec}),
    );
    Params {
        token: r["ImportToken"].as_str().unwrap().to_string(),
        public_key: unb64(&r["PublicKey"]),
        algorithm: alg.to_string(),
    }
}

fn params(e: &mut Engine, key_id: &str, alg: &str) -> Params {
    params_at(e, &ctx(), key_id, alg, "RSA_2048")
}

/// Wraps `material` as an outside party does for `p.algorithm`.
fn wrap_material(p: &Params, material: &[u8]) -> Vec<u8> {
    let mut rng = SeededRandom::new(b"outside");
    let hash = if p.algorithm.ends_with("SHA_1") {
        Hash::Sha1
    } else {
        Hash::Sha256
    };
    if p.algorithm.starts_with("RSAES_OAEP") {
        return rsa::encrypt(&p.public_key, hash, material, &mut rng).unwrap();
    }
    let aes_key = [0x42u8; 32];
    let mut out = rsa::encrypt(&p.public_key, hash, &aes_key, &mut rng).unwrap();
    out.extend(wrap::wrap_with_padding(&aes_key, material).unwrap());
    out
}

fn import_body(key_id: &str, p: &Params, material: &[u8]) -> Value {
    json!({
        "KeyId": key_id,
        "ImportToken": p.token,
        "EncryptedKeyMaterial": b64(&wrap_material(p, material)),
        "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
    })
}

/// Imports `material` (non-expiring) with a fresh token; returns the KeyMaterialId.
fn import(e: &mut Engine, key_id: &str, alg: &str, material: &[u8]) -> String {
    let p = params(e, key_id, alg);
    let r = ok(
        e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(key_id, &p, material),
    );
    r["KeyMaterialId"].as_str().unwrap().to_string()
}

#[test]
fn external_key_starts_pending_import_without_material_id() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    assert_eq!(md["KeyState"], "PendingImport");
    assert_eq!(md["Enabled"], false);
    assert_eq!(md["Origin"], "EXTERNAL");
    assert!(md.get("CurrentKeyMaterialId").is_none(), "{md}");
    assert!(md.get("ExpirationModel").is_none());
    let id = md["KeyId"].as_str().unwrap();
    let arn = md["Arn"].as_str().unwrap();
    assert_error(
        err(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(b"x")}),
        ),
        "KMSInvalidStateException",
        &format!("{arn} {PENDING_IMPORT}"),
    );
    assert_error(
        err_untouched(&mut e, "EnableKey", &ctx(), json!({"KeyId": id})),
        "KMSInvalidStateException",
        &format!("{arn} {PENDING_IMPORT}"),
    );
}

#[test]
fn get_parameters_for_import_answers_every_wrapping_algorithm_and_key_spec() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap();
    let arn = md["Arn"].as_str().unwrap();
    let material = [7u8; 32];
    let mut material_ids = Vec::new();
    // One outside-generated key per large size, offered through the host-keygen seam four times,
    // keeps this test from generating four RSA-4096 keys.
    let mut rng = SeededRandom::new(b"host keys");
    for (spec, bits) in [("RSA_3072", 3072), ("RSA_4096", 4096)] {
        let der = rsa::generate(&mut rng, bits).unwrap();
        for _ in 0..ALGORITHMS.len() {
            e.provide_host_key(spec, &der).unwrap();
        }
    }
    for (spec, bits) in [("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096)] {
        for alg in ALGORITHMS {
            let r = ok(
                &mut e,
                "GetParametersForImport",
                &ctx(),
                json!({"KeyId": id, "WrappingAlgorithm": alg, "WrappingKeySpec": spec}),
            );
            assert_eq!(r["KeyId"], arn);
            assert_eq!(r["ParametersValidTo"].as_f64().unwrap(), NOW + DAY);
            let public = unb64(&r["PublicKey"]);
            let parsed = rsa::public_key(&public).unwrap();
            use ::rsa::traits::PublicKeyParts;
            assert_eq!(parsed.n().bits(), bits, "{spec}");
            let p = Params {
                token: r["ImportToken"].as_str().unwrap().to_string(),
                public_key: public,
                algorithm: alg.to_string(),
            };
            let out = ok(
                &mut e,
                "ImportKeyMaterial",
                &ctx(),
                import_body(id, &p, &material),
            );
            assert_eq!(out["KeyId"], arn);
            material_ids.push(out["KeyMaterialId"].as_str().unwrap().to_string());
        }
    }
    assert!(material_ids.iter().all(|m| *m == material_ids[0]));
    assert_eq!(material_ids[0].len(), 64);
    let md = describe(&mut e, &ctx(), id);
    assert_eq!(md["KeyState"], "Enabled");
    assert_eq!(md["CurrentKeyMaterialId"], material_ids[0]);
}

#[test]
fn pkcs1_v1_5_and_sm2_wrapping_outside_china_are_validation_exceptions() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    for (alg, spec) in [
        ("RSAES_PKCS1_V1_5", "RSA_2048"),
        ("SM2PKE", "SM2"),
        ("RSAES_OAEP_SHA_256", "SM2"),
    ] {
        let (kind, _) = err_untouched(
            &mut e,
            "GetParametersForImport",
            &ctx(),
            json!({"KeyId": id, "WrappingAlgorithm": alg, "WrappingKeySpec": spec}),
        );
        assert_eq!(kind, "ValidationException", "{alg} {spec}");
    }
}

#[test]
fn rsa_material_needs_an_aes_key_wrap_algorithm() {
    let mut e = engine();
    let id = external_key(
        &mut e,
        json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
    )["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let (kind, _) = err(
        &mut e,
        "GetParametersForImport",
        &ctx(),
        json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_4096"}),
    );
    assert_eq!(kind, "ValidationException");
}

#[test]
fn expiring_material_needs_valid_to_with_aws_message() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p, &[1; 32]);
    body.as_object_mut().unwrap().remove("ExpirationModel");
    assert_error(
        err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body.clone()),
        "ValidationException",
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    );
    body["ExpirationModel"] = json!("KEY_MATERIAL_DOES_NOT_EXPIRE");
    body["ValidTo"] = json!(NOW + 3600.0);
    let (kind, _) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body.clone());
    assert_eq!(kind, "ValidationException");
    body["ExpirationModel"] = json!("KEY_MATERIAL_EXPIRES");
    body["ValidTo"] = json!(NOW - 1.0);
    let (kind, _) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body);
    assert_eq!(kind, "ValidationException");
}

#[test]
fn imported_symmetric_key_encrypts_and_decrypts() {
    let mut e = engine();
    let md = external_key(&mut e, json!({"Description": "imported"}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let material_id = import(&mut e, &id, "RSA_AES_KEY_WRAP_SHA_256", &[9; 32]);
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["KeyState"], "Enabled");
    assert_eq!(md["Enabled"], true);
    assert_eq!(md["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE");
    assert!(md.get("ValidTo").is_none());
    assert_eq!(md["CurrentKeyMaterialId"], material_id);
    let blob = encrypt(&mut e, &ctx(), &id, b"secret", None);
    let out = ok(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"secret");
    assert_eq!(out["KeyMaterialId"], material_id);
}

#[test]
fn key_material_id_depends_on_key_and_material() {
    let mut e = engine();
    let a = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let a1 = import(&mut e, &a, "RSAES_OAEP_SHA_1", &[1; 32]);
    let b1 = import(&mut e, &b, "RSAES_OAEP_SHA_1", &[1; 32]);
    assert_ne!(a1, b1);
    let a2 = import(&mut e, &a, "RSAES_OAEP_SHA_256", &[1; 32]);
    assert_eq!(a1, a2, "re-importing the same material keeps its ID");
}

#[test]
fn reimport_of_different_material_is_incorrect_key_material() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    import(&mut e, &id, "RSAES_OAEP_SHA_256", &[1; 32]);
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(&id, &p, &[2; 32]),
    );
    assert_eq!(kind, "IncorrectKeyMaterialException");
    let mut body = import_body(&id, &p, &[1; 32]);
    body["KeyMaterialId"] = json!("0".repeat(64));
    let (kind, _) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body);
    assert_eq!(kind, "IncorrectKeyMaterialException");
}

#[test]
fn new_key_material_is_staged_and_only_one_may_be_pending() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let first = import(&mut e, &id, "RSAES_OAEP_SHA_256", &[1; 32]);
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p, &[2; 32]);
    body["ImportType"] = json!("NEW_KEY_MATERIAL");
    body["KeyMaterialDescription"] = json!("second generation");
    let staged = ok(&mut e, "ImportKeyMaterial", &ctx(), body)["KeyMaterialId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(staged, first);
    // Still the first material until a rotation promotes the staged one.
    assert_eq!(describe(&mut e, &ctx(), &id)["CurrentKeyMaterialId"], first);
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p, &[3; 32]);
    body["ImportType"] = json!("NEW_KEY_MATERIAL");
    let (kind, message) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body);
    assert_eq!(kind, "KMSInvalidStateException");
    assert!(message.starts_with("New key material (id: "), "{message}");
    assert!(
        message.ends_with(&format!("cannot be imported into KMS key {id}, because another key material (id: {staged}) is pending rotation.")),
        "{message}"
    );
}

#[test]
fn import_token_of_another_key_is_invalid_import_token() {
    let mut e = engine();
    let a = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let b = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let p = params(&mut e, &a, "RSAES_OAEP_SHA_256");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(&b, &p, &[1; 32]),
    );
    assert_eq!(kind, "InvalidImportTokenException");
    let mut body = import_body(&a, &p, &[1; 32]);
    body["ImportToken"] = json!(b64(b"not a token"));
    let (kind, _) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body);
    assert_eq!(kind, "InvalidImportTokenException");
}

#[test]
fn import_token_expires_after_24_hours() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &at(NOW + DAY),
        import_body(&id, &p, &[1; 32]),
    );
    assert_eq!(kind, "ExpiredImportTokenException");
    ok(
        &mut e,
        "ImportKeyMaterial",
        &at(NOW + DAY - 1.0),
        import_body(&id, &p, &[1; 32]),
    );
}

#[test]
fn badly_wrapped_material_is_invalid_ciphertext() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    for alg in ALGORITHMS {
        let p = params(&mut e, &id, alg);
        let mut body = import_body(&id, &p, &[1; 32]);
        let mut wrapped = unb64(&body["EncryptedKeyMaterial"]);
        let last = wrapped.len() - 1;
        wrapped[last] ^= 1;
        body["EncryptedKeyMaterial"] = json!(b64(&wrapped));
        assert_error(
            err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body),
            "InvalidCiphertextException",
            "",
        );
    }
    // Material wrapped for another wrapping key.
    let p1 = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let p2 = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p1, &[1; 32]);
    body["ImportToken"] = json!(p2.token);
    let (kind, _) = err_untouched(&mut e, "ImportKeyMaterial", &ctx(), body);
    assert_eq!(kind, "InvalidCiphertextException");
}

#[test]
fn material_of_the_wrong_length_is_incorrect_key_material() {
    let mut e = engine();
    let sym = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let p = params(&mut e, &sym, "RSAES_OAEP_SHA_256");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(&sym, &p, &[1; 16]),
    );
    assert_eq!(kind, "IncorrectKeyMaterialException");
    for (spec, bad, good) in [
        ("HMAC_224", [27usize, 65], [28usize, 64]),
        ("HMAC_256", [31, 65], [32, 64]),
        ("HMAC_384", [47, 129], [48, 128]),
        ("HMAC_512", [63, 129], [64, 128]),
    ] {
        for len in bad {
            let id = external_key(
                &mut e,
                json!({"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC"}),
            )["KeyId"]
                .as_str()
                .unwrap()
                .to_string();
            let p = params(&mut e, &id, "RSA_AES_KEY_WRAP_SHA_256");
            let (kind, _) = err_untouched(
                &mut e,
                "ImportKeyMaterial",
                &ctx(),
                import_body(&id, &p, &vec![5; len]),
            );
            assert_eq!(kind, "IncorrectKeyMaterialException", "{spec} {len}");
        }
        for len in good {
            let id = external_key(
                &mut e,
                json!({"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC"}),
            )["KeyId"]
                .as_str()
                .unwrap()
                .to_string();
            import(&mut e, &id, "RSA_AES_KEY_WRAP_SHA_256", &vec![5; len]);
        }
    }
}

#[test]
fn imported_hmac_key_reproduces_rfc_4231_test_case_6() {
    // RFC 4231 §4.7: a 131-byte key, longer than the block, is first hashed; HMAC with the hash
    // as the key gives the same MAC. That 32-byte (SHA-256) / 64-byte (SHA-512) key is importable.
    let long_key = [0xaau8; 131];
    let message = b"Test Using Larger Than Block-Size Key - Hash Key First";
    let expected_256 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
    let expected_512 = "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598";
    let mut e = engine();
    for (spec, alg, hash, expected) in [
        ("HMAC_256", "HMAC_SHA_256", Hash::Sha256, expected_256),
        ("HMAC_512", "HMAC_SHA_512", Hash::Sha512, expected_512),
    ] {
        let md = external_key(
            &mut e,
            json!({"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC"}),
        );
        assert!(md.get("CurrentKeyMaterialId").is_none());
        let id = md["KeyId"].as_str().unwrap();
        import(
            &mut e,
            id,
            "RSA_AES_KEY_WRAP_SHA_1",
            &hash.digest(&long_key),
        );
        let mac = ok(
            &mut e,
            "GenerateMac",
            &ctx(),
            json!({"KeyId": id, "MacAlgorithm": alg, "Message": b64(message)}),
        );
        let hex: String = unb64(&mac["Mac"])
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, expected, "{spec}");
        assert_eq!(
            unb64(&mac["Mac"]),
            hmac::mac(hash, &long_key, message).unwrap()
        );
        let md = describe(&mut e, &ctx(), id);
        assert!(
            md.get("CurrentKeyMaterialId").is_none(),
            "HMAC keys carry none: {md}"
        );
    }
}

#[test]
fn imported_rsa_and_ecc_keys_sign_and_their_material_is_fixed() {
    let mut e = engine();
    let mut rng = SeededRandom::new(b"outside keys");
    let rsa_key = rsa::generate(&mut rng, 2048).unwrap();
    let md = external_key(
        &mut e,
        json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
    );
    let id = md["KeyId"].as_str().unwrap();
    import(&mut e, id, "RSA_AES_KEY_WRAP_SHA_256", &rsa_key);
    let public = ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}));
    assert_eq!(
        unb64(&public["PublicKey"]),
        rsa::public_spki(&rsa_key).unwrap()
    );
    let sig = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": "RSASSA_PSS_SHA_256"}),
    );
    ok(
        &mut e,
        "Verify",
        &ctx(),
        json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": "RSASSA_PSS_SHA_256", "Signature": sig["Signature"]}),
    );
    // A different RSA key is not the same material.
    let other = rsa::generate(&mut rng, 2048).unwrap();
    let p = params(&mut e, id, "RSA_AES_KEY_WRAP_SHA_256");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(id, &p, &other),
    );
    assert_eq!(kind, "IncorrectKeyMaterialException");
    // An RSA_3072 key does not fit an RSA_2048 KMS key.
    let md3 = external_key(
        &mut e,
        json!({"KeySpec": "RSA_3072", "KeyUsage": "SIGN_VERIFY"}),
    );
    let p = params(
        &mut e,
        md3["KeyId"].as_str().unwrap(),
        "RSA_AES_KEY_WRAP_SHA_256",
    );
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(md3["KeyId"].as_str().unwrap(), &p, &rsa_key),
    );
    assert_eq!(kind, "IncorrectKeyMaterialException");

    let ec = kms_wasm::crypto::ecc::generate(kms_wasm::crypto::ecc::Curve::P256, &mut rng).unwrap();
    let md = external_key(
        &mut e,
        json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
    );
    let id = md["KeyId"].as_str().unwrap();
    import(&mut e, id, "RSAES_OAEP_SHA_256", &ec);
    let sig = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    let public = unb64(&ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}))["PublicKey"]);
    let digest = Hash::Sha256.digest(b"m");
    assert!(kms_wasm::crypto::ecc::verify(
        kms_wasm::crypto::ecc::Curve::P256,
        &public,
        &digest,
        &unb64(&sig["Signature"])
    ));
}

#[test]
fn material_expires_lazily_at_valid_to() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p, &[4; 32]);
    body["ExpirationModel"] = json!("KEY_MATERIAL_EXPIRES");
    body["ValidTo"] = json!(NOW + 3600.0);
    let material_id = ok(&mut e, "ImportKeyMaterial", &ctx(), body)["KeyMaterialId"].clone();
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["ExpirationModel"], "KEY_MATERIAL_EXPIRES");
    assert_eq!(md["ValidTo"].as_f64().unwrap(), NOW + 3600.0);
    let before = at(NOW + 3599.0);
    let blob = encrypt(&mut e, &before, &id, b"soon gone", None);

    let after = at(NOW + 3600.0);
    let md = describe(&mut e, &after, &id);
    assert_eq!(md["KeyState"], "PendingImport");
    assert_eq!(md["Enabled"], false);
    assert!(
        md.get("ExpirationModel").is_none() && md.get("ValidTo").is_none(),
        "{md}"
    );
    assert_eq!(md["CurrentKeyMaterialId"], material_id);
    assert_error(
        err(&mut e, "Decrypt", &after, json!({"CiphertextBlob": blob})),
        "KMSInvalidStateException",
        &format!("{arn} {PENDING_IMPORT}"),
    );
    // Re-importing the same material brings the key (and its old ciphertexts) back.
    let p = params_at(&mut e, &after, &id, "RSAES_OAEP_SHA_256", "RSA_2048");
    ok(
        &mut e,
        "ImportKeyMaterial",
        &after,
        import_body(&id, &p, &[4; 32]),
    );
    let out = ok(&mut e, "Decrypt", &after, json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"soon gone");
}

#[test]
fn delete_imported_key_material_returns_to_pending_import_and_keeps_the_material_id() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    let material_id = import(&mut e, &id, "RSAES_OAEP_SHA_1", &[6; 32]);
    let blob = encrypt(&mut e, &ctx(), &id, b"kept", None);
    let r = ok(
        &mut e,
        "DeleteImportedKeyMaterial",
        &ctx(),
        json!({"KeyId": id}),
    );
    assert_eq!(r["KeyId"], arn.as_str());
    assert_eq!(r["KeyMaterialId"], material_id.as_str());
    let md = describe(&mut e, &ctx(), &id);
    assert_eq!(md["KeyState"], "PendingImport");
    assert_eq!(md["Enabled"], false);
    assert!(md.get("ExpirationModel").is_none());
    assert_eq!(md["CurrentKeyMaterialId"], material_id.as_str());
    assert_error(
        err(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob})),
        "KMSInvalidStateException",
        &format!("{arn} {PENDING_IMPORT}"),
    );
    // Again, on a PendingImport key: no effect, nothing written.
    let outcome = call_raw(
        &mut e,
        "TrentService.DeleteImportedKeyMaterial",
        &ctx(),
        json!({"KeyId": id}).to_string().as_bytes(),
    );
    assert_eq!(outcome.status, 200);
    assert!(outcome.entry.is_none());
    // Different material is refused; the same material restores the key.
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_1");
    let (kind, _) = err_untouched(
        &mut e,
        "ImportKeyMaterial",
        &ctx(),
        import_body(&id, &p, &[7; 32]),
    );
    assert_eq!(kind, "IncorrectKeyMaterialException");
    import(&mut e, &id, "RSAES_OAEP_SHA_1", &[6; 32]);
    let out = ok(&mut e, "Decrypt", &ctx(), json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"kept");
}

#[test]
fn import_operations_on_an_aws_kms_key_are_unsupported() {
    let mut e = engine();
    let (id, arn) = new_key(&mut e, &ctx());
    let message = format!("{arn} origin is AWS_KMS which is not valid for this operation.");
    for (op, body) in [
        (
            "GetParametersForImport",
            json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        ),
        (
            "ImportKeyMaterial",
            json!({"KeyId": id, "ImportToken": b64(b"t"), "EncryptedKeyMaterial": b64(b"m"), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}),
        ),
        ("DeleteImportedKeyMaterial", json!({"KeyId": id})),
    ] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body),
            "UnsupportedOperationException",
            &message,
        );
    }
}

#[test]
fn rotation_operations_on_an_external_key_are_unsupported() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let message = format!(
        "{} origin is EXTERNAL which is not valid for this operation.",
        md["Arn"].as_str().unwrap()
    );
    for step in 0..2 {
        for op in [
            "EnableKeyRotation",
            "DisableKeyRotation",
            "GetKeyRotationStatus",
        ] {
            assert_error(
                err_untouched(&mut e, op, &ctx(), json!({"KeyId": id})),
                "UnsupportedOperationException",
                &message,
            );
        }
        if step == 0 {
            import(&mut e, &id, "RSAES_OAEP_SHA_256", &[3; 32]);
        }
    }
}

#[test]
fn import_into_a_key_pending_deletion_is_invalid_state() {
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    let pending = format!("{arn} is pending deletion.");
    assert_error(
        err_untouched(
            &mut e,
            "ImportKeyMaterial",
            &ctx(),
            import_body(&id, &p, &[1; 32]),
        ),
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        err_untouched(
            &mut e,
            "GetParametersForImport",
            &ctx(),
            json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
        ),
        "KMSInvalidStateException",
        &pending,
    );
}

#[test]
fn disabled_imported_key_stays_disabled_on_reimport() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    import(&mut e, &id, "RSAES_OAEP_SHA_256", &[1; 32]);
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    import(&mut e, &id, "RSAES_OAEP_SHA_256", &[1; 32]);
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Disabled");
}

#[test]
fn imported_state_survives_snapshot_and_replay() {
    let mut e = engine();
    let id = external_key(&mut e, json!({}))["KeyId"]
        .as_str()
        .unwrap()
        .to_string();
    import(&mut e, &id, "RSA_AES_KEY_WRAP_SHA_256", &[8; 32]);
    let blob = encrypt(&mut e, &ctx(), &id, b"durable", None);
    let mut restored = engine();
    restored.restore(&e.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), e.snapshot());
    let out = ok(
        &mut restored,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": blob}),
    );
    assert_eq!(unb64(&out["Plaintext"]), b"durable");
}

#[test]
fn sm2pke_wrapping_imports_material_in_the_china_regions() {
    let mut e = engine();
    let china = ctx_in(ACCOUNT, "cn-north-1");
    let md = ok(&mut e, "CreateKey", &china, json!({"Origin": "EXTERNAL"}))["KeyMetadata"].clone();
    let id = md["KeyId"].as_str().unwrap().to_string();
    let (kind, _) = err_untouched(
        &mut e,
        "GetParametersForImport",
        &china,
        json!({"KeyId": id, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "SM2"}),
    );
    assert_eq!(kind, "ValidationException");
    let p = params_at(&mut e, &china, &id, "SM2PKE", "SM2");
    // The public key is an SM2 SubjectPublicKeyInfo that SM2PKE can encrypt to.
    let material = [0x5au8; 32];
    let wrapped =
        kms_wasm::crypto::sm2::encrypt(&p.public_key, &material, &mut SeededRandom::new(b"cn"))
            .unwrap();
    let r = ok(
        &mut e,
        "ImportKeyMaterial",
        &china,
        json!({
            "KeyId": id,
            "ImportToken": p.token,
            "EncryptedKeyMaterial": b64(&wrapped),
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
        }),
    );
    assert_eq!(r["KeyMaterialId"].as_str().unwrap().len(), 64);
    assert_eq!(describe(&mut e, &china, &id)["KeyState"], "Enabled");
    let blob = encrypt(&mut e, &china, &id, b"ni hao", None);
    let out = ok(&mut e, "Decrypt", &china, json!({"CiphertextBlob": blob}));
    assert_eq!(unb64(&out["Plaintext"]), b"ni hao");
}

/// Every use an Enabled key allows, on `id`: each must answer a client error (400), never a fault.
fn assert_unusable_pending_import(e: &mut Engine, c: &kms_wasm::RequestCtx, id: &str, arn: &str) {
    let md = describe(e, c, id);
    assert_eq!(md["KeyState"], "PendingImport", "{md}");
    assert_eq!(md["Enabled"], false);
    let pending = format!("{arn} {PENDING_IMPORT}");
    let (_, other) = new_key(e, c);
    for (op, body) in [
        ("EnableKey", json!({"KeyId": id})),
        ("DisableKey", json!({"KeyId": id})),
        ("Encrypt", json!({"KeyId": id, "Plaintext": b64(b"x")})),
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256"}),
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": id, "NumberOfBytes": 32}),
        ),
        (
            "GenerateDataKeyPair",
            json!({"KeyId": id, "KeyPairSpec": "ECC_NIST_P256"}),
        ),
        (
            "GenerateDataKeyPairWithoutPlaintext",
            json!({"KeyId": id, "KeyPairSpec": "ECC_NIST_P256"}),
        ),
        ("RotateKeyOnDemand", json!({"KeyId": id})),
    ] {
        assert_error(
            err_untouched(e, op, c, body),
            "KMSInvalidStateException",
            &pending,
        );
    }
    let blob = encrypt(e, c, &other, b"x", None);
    assert_error(
        err_untouched(
            e,
            "ReEncrypt",
            c,
            json!({"CiphertextBlob": blob, "DestinationKeyId": id}),
        ),
        "KMSInvalidStateException",
        &pending,
    );
    // Still PendingImport after all that, and an import makes it usable.
    assert_eq!(describe(e, c, id)["KeyState"], "PendingImport");
}

#[test]
fn cancelled_deletion_of_a_key_without_material_is_pending_import_never_disabled() {
    // Was: Disabled, then EnableKey succeeded and Encrypt answered 500 "key has no material".
    let mut e = engine();
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    ok(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_unusable_pending_import(&mut e, &ctx(), &id, &arn);
    import(&mut e, &id, "RSAES_OAEP_SHA_256", &[3; 32]);
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "Enabled");
    encrypt(&mut e, &ctx(), &id, b"usable now", None);
}

#[test]
fn material_deleted_or_expired_while_pending_deletion_leaves_the_key_pending_import_on_cancel() {
    let mut e = engine();
    // Deleted while pending deletion.
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    import(&mut e, &id, "RSAES_OAEP_SHA_256", &[5; 32]);
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    ok(
        &mut e,
        "DeleteImportedKeyMaterial",
        &ctx(),
        json!({"KeyId": id}),
    );
    // The material goes, the state stays (DeleteImportedKeyMaterial reference).
    assert_eq!(describe(&mut e, &ctx(), &id)["KeyState"], "PendingDeletion");
    ok(&mut e, "CancelKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_unusable_pending_import(&mut e, &ctx(), &id, &arn);

    // Expired while pending deletion.
    let md = external_key(&mut e, json!({}));
    let id = md["KeyId"].as_str().unwrap().to_string();
    let arn = md["Arn"].as_str().unwrap().to_string();
    let p = params(&mut e, &id, "RSAES_OAEP_SHA_256");
    let mut body = import_body(&id, &p, &[6; 32]);
    body["ExpirationModel"] = json!("KEY_MATERIAL_EXPIRES");
    body["ValidTo"] = json!(NOW + 3600.0);
    ok(&mut e, "ImportKeyMaterial", &ctx(), body);
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    let later = at(NOW + 7200.0);
    assert_eq!(describe(&mut e, &later, &id)["KeyState"], "PendingDeletion");
    ok(&mut e, "CancelKeyDeletion", &later, json!({"KeyId": id}));
    assert_unusable_pending_import(&mut e, &later, &id, &arn);
}
