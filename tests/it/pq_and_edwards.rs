//! Ed25519, ML-DSA, ML-KEM and SM2 keys: CreateKey metadata per spec × usage (§2.4, algorithms in
//! AWS's order), GetPublicKey SPKI, Sign/Verify under each algorithm's MessageType rule (§2.13),
//! Encapsulate/Decapsulate, SM2PKE Encrypt/Decrypt/ReEncrypt, SM2 DeriveSharedSecret, data key
//! pairs of the new specs, and the key-state/usage errors (§2.3, §2.16). Signatures, ciphertexts
//! and secrets are checked with the crypto layer from the public key alone, as a user outside KMS
//! would.
use crate::common;

use common::*;
use kms_wasm::crypto::rng::SeededRandom;
use kms_wasm::crypto::{ecc, ed25519, ml_dsa, ml_kem, seed_key, sm2};
use kms_wasm::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha512};

fn key(e: &mut Engine, spec: &str, usage: &str) -> Value {
    ok(
        e,
        "CreateKey",
        &ctx(),
        json!({"KeySpec": spec, "KeyUsage": usage}),
    )["KeyMetadata"]
        .clone()
}

fn ids(md: &Value) -> (String, String) {
    (
        md["KeyId"].as_str().unwrap().to_string(),
        md["Arn"].as_str().unwrap().to_string(),
    )
}

fn public_key(e: &mut Engine, id: &str) -> Vec<u8> {
    unb64(&ok(e, "GetPublicKey", &ctx(), json!({"KeyId": id}))["PublicKey"])
}

fn sign(e: &mut Engine, id: &str, alg: &str, message_type: &str, message: &[u8]) -> Vec<u8> {
    let out = ok(
        e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "SigningAlgorithm": alg, "MessageType": message_type, "Message": b64(message)}),
    );
    assert_eq!(out["SigningAlgorithm"], alg);
    unb64(&out["Signature"])
}

fn verify(
    e: &mut Engine,
    id: &str,
    alg: &str,
    message_type: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<Value, (String, String)> {
    let body = json!({"KeyId": id, "SigningAlgorithm": alg, "MessageType": message_type,
        "Message": b64(message), "Signature": b64(signature)});
    call(e, "Verify", &ctx(), body)
}

fn ml_dsa_level(spec: &str) -> ml_dsa::Level {
    match spec {
        "ML_DSA_44" => ml_dsa::Level::MlDsa44,
        "ML_DSA_65" => ml_dsa::Level::MlDsa65,
        _ => ml_dsa::Level::MlDsa87,
    }
}

fn ml_kem_level(spec: &str) -> ml_kem::Level {
    match spec {
        "ML_KEM_512" => ml_kem::Level::MlKem512,
        "ML_KEM_768" => ml_kem::Level::MlKem768,
        _ => ml_kem::Level::MlKem1024,
    }
}

// ---------------------------------------------------------------- metadata

#[test]
fn create_key_metadata_per_spec_and_usage_in_aws_order() {
    let mut e = engine();
    let cases: &[(&str, &str, &str, Value)] = &[
        (
            "ECC_NIST_EDWARDS25519",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ED25519_SHA_512", "ED25519_PH_SHA_512"]),
        ),
        (
            "ML_DSA_44",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ML_DSA_SHAKE_256"]),
        ),
        (
            "ML_DSA_65",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ML_DSA_SHAKE_256"]),
        ),
        (
            "ML_DSA_87",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ML_DSA_SHAKE_256"]),
        ),
        (
            "ML_KEM_512",
            "ENCAPSULATE_DECAPSULATE",
            "EncapsulationAlgorithms",
            json!(["ML_KEM"]),
        ),
        (
            "ML_KEM_768",
            "ENCAPSULATE_DECAPSULATE",
            "EncapsulationAlgorithms",
            json!(["ML_KEM"]),
        ),
        (
            "ML_KEM_1024",
            "ENCAPSULATE_DECAPSULATE",
            "EncapsulationAlgorithms",
            json!(["ML_KEM"]),
        ),
        (
            "SM2",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            json!(["SM2PKE"]),
        ),
        ("SM2", "SIGN_VERIFY", "SigningAlgorithms", json!(["SM2DSA"])),
        (
            "SM2",
            "KEY_AGREEMENT",
            "KeyAgreementAlgorithms",
            json!(["ECDH"]),
        ),
    ];
    let lists = [
        "EncryptionAlgorithms",
        "SigningAlgorithms",
        "KeyAgreementAlgorithms",
        "EncapsulationAlgorithms",
        "MacAlgorithms",
    ];
    for (spec, usage, list, algorithms) in cases {
        let md = key(&mut e, spec, usage);
        assert_eq!(md["KeySpec"], *spec);
        // The model's deprecated CustomerMasterKeySpec enum stops at SM2, so the generated
        // KeyMetadata cannot carry it for the later specs (reported as a fidelity gap).
        if *spec == "SM2" {
            assert_eq!(md["CustomerMasterKeySpec"], *spec);
        }
        assert_eq!(md["KeyUsage"], *usage);
        assert_eq!(md["KeyState"], "Enabled");
        assert_eq!(md["Enabled"], true);
        assert_eq!(md["Origin"], "AWS_KMS");
        assert_eq!(md["MultiRegion"], false);
        assert_eq!(md[*list], *algorithms, "{spec} {usage}");
        // Asymmetric keys carry no CurrentKeyMaterialId, and no list that does not apply.
        assert!(md.get("CurrentKeyMaterialId").is_none(), "{spec}");
        for other in lists.iter().filter(|l| **l != *list) {
            assert!(md.get(*other).is_none(), "{spec} {usage}: {other}");
        }
        let (id, _) = ids(&md);
        assert_eq!(describe(&mut e, &ctx(), &id), md);
    }
}

#[test]
fn invalid_spec_and_usage_pairs_are_validation_exceptions() {
    let mut e = engine();
    for (spec, usage) in [
        ("ECC_NIST_EDWARDS25519", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_EDWARDS25519", "KEY_AGREEMENT"),
        ("ML_DSA_65", "ENCRYPT_DECRYPT"),
        ("ML_DSA_65", "ENCAPSULATE_DECAPSULATE"),
        ("ML_KEM_768", "SIGN_VERIFY"),
        ("ML_KEM_768", "KEY_AGREEMENT"),
        ("SM2", "GENERATE_VERIFY_MAC"),
        ("SM2", "ENCAPSULATE_DECAPSULATE"),
        ("RSA_2048", "ENCAPSULATE_DECAPSULATE"),
    ] {
        let got = err_untouched(
            &mut e,
            "CreateKey",
            &ctx(),
            json!({"KeySpec": spec, "KeyUsage": usage}),
        );
        assert_error(
            got,
            "ValidationException",
            &format!("KeyUsage {usage} is not compatible with KeySpec {spec}"),
        );
    }
    for spec in ["ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_KEM_512", "SM2"] {
        let got = err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeySpec": spec}));
        assert_error(
            got,
            "ValidationException",
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
        );
    }
}

// ---------------------------------------------------------------- GetPublicKey

#[test]
fn get_public_key_is_spki_with_the_standard_oids() {
    let mut e = engine();
    // (spec, usage, the DER of the AlgorithmIdentifier's OID (and curve), raw key length or 0)
    let cases: &[(&str, &str, &[u8], usize)] = &[
        (
            "ECC_NIST_EDWARDS25519",
            "SIGN_VERIFY",
            &[0x06, 0x03, 0x2b, 0x65, 0x70],
            0,
        ),
        (
            "ML_DSA_44",
            "SIGN_VERIFY",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11],
            1312,
        ),
        (
            "ML_DSA_65",
            "SIGN_VERIFY",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12],
            1952,
        ),
        (
            "ML_DSA_87",
            "SIGN_VERIFY",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13],
            2592,
        ),
        (
            "ML_KEM_512",
            "ENCAPSULATE_DECAPSULATE",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x01],
            800,
        ),
        (
            "ML_KEM_768",
            "ENCAPSULATE_DECAPSULATE",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02],
            1184,
        ),
        (
            "ML_KEM_1024",
            "ENCAPSULATE_DECAPSULATE",
            &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x03],
            1568,
        ),
        // id-ecPublicKey with the SM2 curve 1.2.156.10197.1.301.
        (
            "SM2",
            "SIGN_VERIFY",
            &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d],
            0,
        ),
    ];
    for (spec, usage, oid, raw_len) in cases {
        let md = key(&mut e, spec, usage);
        let (id, arn) = ids(&md);
        let out = ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}));
        assert_eq!(out["KeyId"], arn);
        assert_eq!(out["KeySpec"], *spec);
        assert_eq!(out["KeyUsage"], *usage);
        for list in [
            "SigningAlgorithms",
            "EncapsulationAlgorithms",
            "EncryptionAlgorithms",
            "KeyAgreementAlgorithms",
        ] {
            assert_eq!(out.get(list), md.get(list), "{spec}: {list}");
        }
        let der = unb64(&out["PublicKey"]);
        assert_eq!(der[0], 0x30, "DER SEQUENCE");
        assert!(der.windows(oid.len()).any(|w| w == *oid), "{spec} OID");
        if spec.starts_with("ML_DSA") {
            let raw = seed_key::decode_public(ml_dsa_level(spec).oid(), &der).unwrap();
            assert_eq!(raw.len(), *raw_len);
        }
        if spec.starts_with("ML_KEM") {
            let raw = seed_key::decode_public(ml_kem_level(spec).oid(), &der).unwrap();
            assert_eq!(raw.len(), *raw_len);
        }
        if *spec == "ECC_NIST_EDWARDS25519" {
            assert_eq!(der.len(), 44);
        }
    }
}

// ---------------------------------------------------------------- Ed25519

#[test]
fn ed25519_sha_512_signs_raw_messages_verifiable_with_the_public_key() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY"));
    let spki = public_key(&mut e, &id);
    let msg = b"hello ed25519";
    let sig = sign(&mut e, &id, "ED25519_SHA_512", "RAW", msg);
    assert_eq!(sig.len(), 64);
    assert!(ed25519::verify(&spki, msg, &sig));
    // Ed25519 is deterministic: the same message signs the same.
    assert_eq!(sign(&mut e, &id, "ED25519_SHA_512", "RAW", msg), sig);
    let out = verify(&mut e, &id, "ED25519_SHA_512", "RAW", msg, &sig).unwrap();
    assert_eq!(out["SignatureValid"], true);
    assert_eq!(out["KeyId"], arn);
    assert_eq!(out["SigningAlgorithm"], "ED25519_SHA_512");
    let mut bad = sig.clone();
    bad[10] ^= 1;
    assert_error(
        verify(&mut e, &id, "ED25519_SHA_512", "RAW", msg, &bad).unwrap_err(),
        "KMSInvalidSignatureException",
        "",
    );
    // MessageType omitted means RAW.
    let out = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "SigningAlgorithm": "ED25519_SHA_512", "Message": b64(msg)}),
    );
    assert_eq!(unb64(&out["Signature"]), sig);
}

#[test]
fn ed25519_ph_sha_512_signs_a_sha_512_digest_as_ed25519ph() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY"));
    let spki = public_key(&mut e, &id);
    let msg = b"a large document";
    let digest = Sha512::digest(msg).to_vec();
    let sig = sign(&mut e, &id, "ED25519_PH_SHA_512", "DIGEST", &digest);
    assert!(ed25519::verify_prehashed(&spki, &digest, &sig));
    // Ed25519ph is not PureEdDSA over the message or over the digest.
    assert!(!ed25519::verify(&spki, msg, &sig));
    assert!(!ed25519::verify(&spki, &digest, &sig));
    verify(&mut e, &id, "ED25519_PH_SHA_512", "DIGEST", &digest, &sig).unwrap();
    assert_error(
        verify(&mut e, &id, "ED25519_SHA_512", "RAW", msg, &sig).unwrap_err(),
        "KMSInvalidSignatureException",
        "",
    );
}

#[test]
fn ed25519_message_type_rules() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY"));
    for (alg, message_type, message, text) in [
        (
            "ED25519_SHA_512",
            "DIGEST",
            vec![0u8; 64],
            "MessageType DIGEST is not supported for algorithm ED25519_SHA_512.",
        ),
        (
            "ED25519_SHA_512",
            "EXTERNAL_MU",
            vec![0u8; 64],
            "MessageType EXTERNAL_MU is not supported for algorithm ED25519_SHA_512.",
        ),
        (
            "ED25519_PH_SHA_512",
            "RAW",
            b"m".to_vec(),
            "MessageType RAW is not supported for algorithm ED25519_PH_SHA_512.",
        ),
        (
            "ED25519_PH_SHA_512",
            "DIGEST",
            vec![0u8; 32],
            "Digest is invalid length for algorithm ED25519_PH_SHA_512.",
        ),
    ] {
        for op in ["Sign", "Verify"] {
            let got = err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": id, "SigningAlgorithm": alg, "MessageType": message_type,
                    "Message": b64(&message), "Signature": b64(&[1; 64])}),
            );
            assert_error(got, "ValidationException", text);
        }
    }
    for alg in [
        "ECDSA_SHA_256",
        "ML_DSA_SHAKE_256",
        "SM2DSA",
        "RSASSA_PSS_SHA_512",
    ] {
        let got = err_untouched(
            &mut e,
            "Sign",
            &ctx(),
            json!({"KeyId": id, "SigningAlgorithm": alg, "Message": b64(b"m")}),
        );
        assert_error(
            got,
            "InvalidKeyUsageException",
            &format!("Algorithm {alg} is incompatible with key spec ECC_NIST_EDWARDS25519."),
        );
    }
}

// ---------------------------------------------------------------- ML-DSA

#[test]
fn ml_dsa_signs_raw_messages_at_every_level() {
    let mut e = engine();
    for (spec, sig_len) in [
        ("ML_DSA_44", 2420),
        ("ML_DSA_65", 3309),
        ("ML_DSA_87", 4627),
    ] {
        let (id, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        let spki = public_key(&mut e, &id);
        let msg = vec![0x5a; 4096];
        let sig = sign(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &msg);
        assert_eq!(sig.len(), sig_len, "{spec}");
        assert!(ml_dsa::verify(ml_dsa_level(spec), &spki, &msg, &sig));
        // Hedged signing: two signatures of one message differ, and both verify.
        let again = sign(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &msg);
        assert_ne!(again, sig);
        verify(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &msg, &again).unwrap();
        let mut bad = sig.clone();
        bad[0] ^= 1;
        assert_error(
            verify(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &msg, &bad).unwrap_err(),
            "KMSInvalidSignatureException",
            "",
        );
    }
}

#[test]
fn ml_dsa_message_type_rules() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ML_DSA_65", "SIGN_VERIFY"));
    let (ec, _) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    for (key_id, alg, message_type, len, kind, text) in [
        (
            &id,
            "ML_DSA_SHAKE_256",
            "DIGEST",
            64,
            "ValidationException",
            "MessageType DIGEST is not supported for algorithm ML_DSA_SHAKE_256.",
        ),
        (
            &id,
            "ML_DSA_SHAKE_256",
            "EXTERNAL_MU",
            32,
            "ValidationException",
            "External mu is invalid length for algorithm ML_DSA_SHAKE_256.",
        ),
        (
            &ec,
            "ECDSA_SHA_256",
            "EXTERNAL_MU",
            64,
            "ValidationException",
            "MessageType EXTERNAL_MU is not supported for algorithm ECDSA_SHA_256.",
        ),
    ] {
        for op in ["Sign", "Verify"] {
            let got = err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": key_id, "SigningAlgorithm": alg, "MessageType": message_type,
                    "Message": b64(&vec![7u8; len]), "Signature": b64(&[1; 64])}),
            );
            assert_error(got, kind, text);
        }
    }
}

// ---------------------------------------------------------------- SM2

#[test]
fn sm2dsa_signs_raw_with_the_default_distinguishing_id_and_digests_as_given() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "SM2", "SIGN_VERIFY"));
    let spki = public_key(&mut e, &id);
    let msg = b"message digest";
    let sig = sign(&mut e, &id, "SM2DSA", "RAW", msg);
    assert_eq!(sig[0], 0x30, "DER SEQUENCE {{ r, s }}");
    assert!(sm2::verify(&spki, sm2::Input::Message(msg), &sig));
    // e = SM3(Z_A ‖ M) with ID "1234567812345678": a DIGEST caller computes it itself.
    let digest = sm2::message_digest(&spki, "1234567812345678", msg).unwrap();
    assert!(sm2::verify(&spki, sm2::Input::Digest(&digest), &sig));
    verify(&mut e, &id, "SM2DSA", "DIGEST", &digest, &sig).unwrap();
    let sig2 = sign(&mut e, &id, "SM2DSA", "DIGEST", &digest);
    verify(&mut e, &id, "SM2DSA", "RAW", msg, &sig2).unwrap();
    assert_error(
        verify(&mut e, &id, "SM2DSA", "RAW", b"other", &sig2).unwrap_err(),
        "KMSInvalidSignatureException",
        "",
    );
    assert_error(
        err_untouched(
            &mut e,
            "Sign",
            &ctx(),
            json!({"KeyId": id, "SigningAlgorithm": "SM2DSA", "MessageType": "DIGEST", "Message": b64(&[1; 31])}),
        ),
        "ValidationException",
        "Digest is invalid length for algorithm SM2DSA.",
    );
}

#[test]
fn sm2pke_encrypts_c1c3c2_der_and_decrypts_offline_ciphertexts() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "SM2", "ENCRYPT_DECRYPT"));
    let spki = public_key(&mut e, &id);
    let plaintext = b"sm2 plaintext".to_vec();
    let out = ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(&plaintext), "EncryptionAlgorithm": "SM2PKE"}),
    );
    assert_eq!(out["EncryptionAlgorithm"], "SM2PKE");
    assert_eq!(out["KeyId"], arn);
    let blob = unb64(&out["CiphertextBlob"]);
    // SEQUENCE { INTEGER x, INTEGER y, OCTET STRING C3 (32), OCTET STRING C2 (|M|) }.
    assert_eq!(blob[0], 0x30);
    let tail = &blob[blob.len() - plaintext.len() - 2..];
    assert_eq!(&tail[..2], &[0x04, u8::try_from(plaintext.len()).unwrap()]);
    let c3 = &blob[blob.len() - plaintext.len() - 2 - 34..blob.len() - plaintext.len() - 2];
    assert_eq!(&c3[..2], &[0x04, 0x20]);
    let back = ok(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"KeyId": id, "CiphertextBlob": b64(&blob), "EncryptionAlgorithm": "SM2PKE"}),
    );
    assert_eq!(unb64(&back["Plaintext"]), plaintext);
    assert_eq!(back["EncryptionAlgorithm"], "SM2PKE");
    assert!(back.get("KeyMaterialId").is_none());

    // Encrypted outside KMS with the public key alone.
    let outside = sm2::encrypt(&spki, b"offline", &mut SeededRandom::new(b"o")).unwrap();
    let back = ok(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"KeyId": id, "CiphertextBlob": b64(&outside), "EncryptionAlgorithm": "SM2PKE"}),
    );
    assert_eq!(unb64(&back["Plaintext"]), b"offline");

    let mut bad = blob.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": b64(&bad), "EncryptionAlgorithm": "SM2PKE"}),
        ),
        "InvalidCiphertextException",
        "",
    );
}

#[test]
fn sm2pke_limits_and_algorithm_rules() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "SM2", "ENCRYPT_DECRYPT"));
    ok(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(&[1; 1024]), "EncryptionAlgorithm": "SM2PKE"}),
    );
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(&[1; 1025]), "EncryptionAlgorithm": "SM2PKE"}),
        ),
        "ValidationException",
        "Algorithm SM2PKE and key spec SM2 cannot encrypt data larger than 1024 bytes.",
    );
    for alg in [None, Some("RSAES_OAEP_SHA_256")] {
        let mut body = json!({"KeyId": id, "Plaintext": b64(b"x")});
        if let Some(a) = alg {
            body["EncryptionAlgorithm"] = json!(a);
        }
        assert_error(
            err_untouched(&mut e, "Encrypt", &ctx(), body),
            "InvalidKeyUsageException",
            &format!(
                "Algorithm {} is incompatible with key spec SM2.",
                alg.unwrap_or("SYMMETRIC_DEFAULT")
            ),
        );
    }
    let (kind, _) = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "SM2PKE",
            "EncryptionContext": {"a": "b"}}),
    );
    assert_eq!(kind, "ValidationException");
    assert_error(
        err_untouched(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "SM2PKE", "DryRun": true}),
        ),
        "DryRunOperationException",
        DRY_RUN,
    );
}

#[test]
fn re_encrypt_between_sm2_and_symmetric_keys() {
    let mut e = engine();
    let (sm2_key, _) = ids(&key(&mut e, "SM2", "ENCRYPT_DECRYPT"));
    let (sym, _) = new_key(&mut e, &ctx());
    let blob = unb64(
        &ok(
            &mut e,
            "Encrypt",
            &ctx(),
            json!({"KeyId": sym, "Plaintext": b64(b"secret")}),
        )["CiphertextBlob"],
    );
    let to_sm2 = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": b64(&blob), "DestinationKeyId": sm2_key,
            "DestinationEncryptionAlgorithm": "SM2PKE"}),
    );
    let back = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": to_sm2["CiphertextBlob"], "SourceKeyId": sm2_key,
            "SourceEncryptionAlgorithm": "SM2PKE", "DestinationKeyId": sym}),
    );
    let plain = ok(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": back["CiphertextBlob"]}),
    );
    assert_eq!(unb64(&plain["Plaintext"]), b"secret");
}

#[test]
fn sm2_derive_shared_secret_matches_ecdh_outside() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "SM2", "KEY_AGREEMENT"));
    let kms_spki = public_key(&mut e, &id);
    let mut rng = SeededRandom::new(b"peer");
    let peer = sm2::generate(&mut rng).unwrap();
    let peer_spki = sm2::public_spki(&peer).unwrap();
    let out = ok(
        &mut e,
        "DeriveSharedSecret",
        &ctx(),
        json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&peer_spki)}),
    );
    assert_eq!(out["KeyId"], arn);
    assert_eq!(out["KeyAgreementAlgorithm"], "ECDH");
    assert_eq!(out["KeyOrigin"], "AWS_KMS");
    let secret = unb64(&out["SharedSecret"]);
    assert_eq!(secret, sm2::diffie_hellman(&peer, &kms_spki).unwrap());
    // A P-256 peer key is not a point of the SM2 curve.
    let p256 = ecc::generate(ecc::Curve::P256, &mut rng).unwrap();
    let p256_spki = ecc::public_spki(ecc::Curve::P256, &p256).unwrap();
    assert_error(
        err_untouched(
            &mut e,
            "DeriveSharedSecret",
            &ctx(),
            json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&p256_spki)}),
        ),
        "ValidationException",
        "",
    );
}

// ---------------------------------------------------------------- ML-KEM

#[test]
fn encapsulate_and_decapsulate_at_every_level() {
    let mut e = engine();
    for (spec, ct_len) in [
        ("ML_KEM_512", 768),
        ("ML_KEM_768", 1088),
        ("ML_KEM_1024", 1568),
    ] {
        let (id, arn) = ids(&key(&mut e, spec, "ENCAPSULATE_DECAPSULATE"));
        let out = ok(
            &mut e,
            "Encapsulate",
            &ctx(),
            json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM"}),
        );
        assert_eq!(out["KeyId"], arn);
        assert_eq!(out["EncapsulationAlgorithm"], "ML_KEM");
        let ct = unb64(&out["SharedSecretCiphertextBlob"]);
        let secret = unb64(&out["SharedSecret"]);
        assert_eq!(ct.len(), ct_len, "{spec}");
        assert_eq!(secret.len(), 32);
        let back = ok(
            &mut e,
            "Decapsulate",
            &ctx(),
            json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b64(&ct)}),
        );
        assert_eq!(back["KeyId"], arn);
        assert_eq!(back["EncapsulationAlgorithm"], "ML_KEM");
        assert_eq!(unb64(&back["SharedSecret"]), secret);

        // Encapsulated outside KMS to the public key alone.
        let spki = public_key(&mut e, &id);
        let (outside_ct, outside_secret) =
            ml_kem::encapsulate(ml_kem_level(spec), &spki, &mut SeededRandom::new(b"x")).unwrap();
        let back = ok(
            &mut e,
            "Decapsulate",
            &ctx(),
            json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b64(&outside_ct)}),
        );
        assert_eq!(unb64(&back["SharedSecret"]), outside_secret);

        // Implicit rejection: a tampered ciphertext decapsulates to another secret.
        let mut bad = ct.clone();
        bad[3] ^= 1;
        let back = ok(
            &mut e,
            "Decapsulate",
            &ctx(),
            json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b64(&bad)}),
        );
        assert_ne!(unb64(&back["SharedSecret"]), secret);
        assert_error(
            err_untouched(
                &mut e,
                "Decapsulate",
                &ctx(),
                json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b64(&ct[1..])}),
            ),
            "InvalidCiphertextException",
            "",
        );
    }
}

#[test]
fn encapsulate_and_decapsulate_dry_run_state_and_usage() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "ML_KEM_768", "ENCAPSULATE_DECAPSULATE"));
    let ct = unb64(
        &ok(
            &mut e,
            "Encapsulate",
            &ctx(),
            json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM"}),
        )["SharedSecretCiphertextBlob"],
    );
    let encapsulate = json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "DryRun": true});
    let decapsulate = json!({"KeyId": id, "EncapsulationAlgorithm": "ML_KEM", "DryRun": true,
        "SharedSecretCiphertextBlob": b64(&ct)});
    assert_error(
        err_untouched(&mut e, "Encapsulate", &ctx(), encapsulate.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    assert_error(
        err_untouched(&mut e, "Decapsulate", &ctx(), decapsulate.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    for (op, body) in [("Encapsulate", &encapsulate), ("Decapsulate", &decapsulate)] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body.clone()),
            "DisabledException",
            &format!("{arn} is disabled."),
        );
    }
    ok(&mut e, "EnableKey", &ctx(), json!({"KeyId": id}));
    ok(
        &mut e,
        "ScheduleKeyDeletion",
        &ctx(),
        json!({"KeyId": id, "PendingWindowInDays": 7}),
    );
    for (op, body) in [("Encapsulate", &encapsulate), ("Decapsulate", &decapsulate)] {
        assert_error(
            err_untouched(&mut e, op, &ctx(), body.clone()),
            "KMSInvalidStateException",
            &format!("{arn} is pending deletion."),
        );
    }

    let (sym, sym_arn) = new_key(&mut e, &ctx());
    let (dsa, dsa_arn) = ids(&key(&mut e, "ML_DSA_44", "SIGN_VERIFY"));
    for (key_id, key_arn, usage) in [
        (sym, sym_arn, "ENCRYPT_DECRYPT"),
        (dsa, dsa_arn, "SIGN_VERIFY"),
    ] {
        for op in ["Encapsulate", "Decapsulate"] {
            assert_error(
                err_untouched(
                    &mut e,
                    op,
                    &ctx(),
                    json!({"KeyId": key_id, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": b64(&ct)}),
                ),
                "InvalidKeyUsageException",
                &format!("{key_arn} key usage is {usage} which is not valid for {op}."),
            );
        }
    }
    // An ML-KEM key cannot sign, encrypt or agree keys.
    let (kem, kem_arn) = ids(&key(&mut e, "ML_KEM_512", "ENCAPSULATE_DECAPSULATE"));
    assert_error(
        err_untouched(
            &mut e,
            "Sign",
            &ctx(),
            json!({"KeyId": kem, "SigningAlgorithm": "ML_DSA_SHAKE_256", "Message": b64(b"m")}),
        ),
        "InvalidKeyUsageException",
        &format!("{kem_arn} key usage is ENCAPSULATE_DECAPSULATE which is not valid for Sign."),
    );
}

// ---------------------------------------------------------------- data key pairs

#[test]
fn data_key_pairs_of_the_new_specs() {
    let mut e = engine();
    let (sym, sym_arn) = new_key(&mut e, &ctx());
    for spec in [
        "ECC_NIST_EDWARDS25519",
        "SM2",
        "ML_KEM_512",
        "ML_KEM_768",
        "ML_KEM_1024",
    ] {
        let out = ok(
            &mut e,
            "GenerateDataKeyPair",
            &ctx(),
            json!({"KeyId": sym, "KeyPairSpec": spec, "EncryptionContext": {"purpose": "test"}}),
        );
        assert_eq!(out["KeyId"], sym_arn);
        assert_eq!(out["KeyPairSpec"], spec);
        let private = unb64(&out["PrivateKeyPlaintext"]);
        let public = unb64(&out["PublicKey"]);
        assert_eq!(private[0], 0x30, "PKCS#8 DER");
        let derived = match spec {
            "ECC_NIST_EDWARDS25519" => {
                assert_eq!(private.len(), 48, "PKCS#8 v1");
                ed25519::public_spki(&private).unwrap()
            }
            "SM2" => sm2::public_spki(&private).unwrap(),
            _ => {
                // Seed format: the same length for every ML-KEM spec.
                assert_eq!(private.len(), 86, "{spec}");
                ml_kem::public_spki(ml_kem_level(spec), &private).unwrap()
            }
        };
        assert_eq!(derived, public, "{spec}");
        let opened = ok(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": out["PrivateKeyCiphertextBlob"], "EncryptionContext": {"purpose": "test"}}),
        );
        assert_eq!(unb64(&opened["Plaintext"]), private);

        let without = ok(
            &mut e,
            "GenerateDataKeyPairWithoutPlaintext",
            &ctx(),
            json!({"KeyId": sym, "KeyPairSpec": spec}),
        );
        assert!(without.get("PrivateKeyPlaintext").is_none());
        assert_eq!(without["KeyPairSpec"], spec);
    }
    // The pairs work: an ML-KEM pair decapsulates what its public key encapsulated.
    let out = ok(
        &mut e,
        "GenerateDataKeyPair",
        &ctx(),
        json!({"KeyId": sym, "KeyPairSpec": "ML_KEM_768"}),
    );
    let private = unb64(&out["PrivateKeyPlaintext"]);
    let public = unb64(&out["PublicKey"]);
    let mut rng = SeededRandom::new(b"dkp");
    let (ct, ss) = ml_kem::encapsulate(ml_kem::Level::MlKem768, &public, &mut rng).unwrap();
    assert_eq!(
        ml_kem::decapsulate(ml_kem::Level::MlKem768, &private, &ct).unwrap(),
        ss
    );
}

// ---------------------------------------------------------------- state and DryRun

#[test]
fn sign_and_get_public_key_follow_the_key_state_for_new_specs() {
    let mut e = engine();
    for (spec, alg) in [
        ("ECC_NIST_EDWARDS25519", "ED25519_SHA_512"),
        ("ML_DSA_87", "ML_DSA_SHAKE_256"),
        ("SM2", "SM2DSA"),
    ] {
        let (id, arn) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        let body = json!({"KeyId": id, "SigningAlgorithm": alg, "Message": b64(b"m")});
        let mut dry = body.clone();
        dry["DryRun"] = json!(true);
        assert_error(
            err_untouched(&mut e, "Sign", &ctx(), dry),
            "DryRunOperationException",
            DRY_RUN,
        );
        ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
        assert_error(
            err_untouched(&mut e, "Sign", &ctx(), body.clone()),
            "DisabledException",
            &format!("{arn} is disabled."),
        );
        assert_error(
            err_untouched(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id})),
            "DisabledException",
            &format!("{arn} is disabled."),
        );
    }
}

#[test]
fn new_key_material_survives_snapshot_and_replay() {
    let mut e = engine();
    let (ed, _) = ids(&key(&mut e, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY"));
    let (kem, _) = ids(&key(&mut e, "ML_KEM_768", "ENCAPSULATE_DECAPSULATE"));
    let sig = sign(&mut e, &ed, "ED25519_SHA_512", "RAW", b"persist");
    let ct = ok(
        &mut e,
        "Encapsulate",
        &ctx(),
        json!({"KeyId": kem, "EncapsulationAlgorithm": "ML_KEM"}),
    );
    let snapshot = e.snapshot();
    let mut restored = engine();
    restored.restore(&snapshot).unwrap();
    assert_eq!(
        sign(&mut restored, &ed, "ED25519_SHA_512", "RAW", b"persist"),
        sig
    );
    let back = ok(
        &mut restored,
        "Decapsulate",
        &ctx(),
        json!({"KeyId": kem, "EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": ct["SharedSecretCiphertextBlob"]}),
    );
    assert_eq!(back["SharedSecret"], ct["SharedSecret"]);
}

/// FIPS 204 §6.2: μ = SHAKE256(tr ‖ M′, 64) with tr = SHAKE256(pk, 64) and, for pure ML-DSA with
/// an empty context, M′ = 0x00 ‖ 0x00 ‖ M. Computed here from the public key alone, as a caller
/// who signs large messages without sending them would.
fn external_mu(public_key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha3::digest::{ExtendableOutput, Update, XofReader};
    let squeeze = |parts: &[&[u8]]| {
        let mut h = sha3::Shake256::default();
        for p in parts {
            h.update(p);
        }
        let mut out = vec![0u8; 64];
        h.finalize_xof().read(&mut out);
        out
    };
    let tr = squeeze(&[public_key]);
    squeeze(&[&tr, &[0, 0], message])
}

#[test]
fn ml_dsa_external_mu_signatures_are_signatures_of_the_message() {
    let mut e = engine();
    for spec in ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"] {
        let (id, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        let spki = public_key(&mut e, &id);
        let raw_key = seed_key::decode_public(ml_dsa_level(spec).oid(), &spki).unwrap();
        let message = b"a large document, hashed by the caller".to_vec();
        let mu = external_mu(&raw_key, &message);

        // Signed as μ, verified as the message (by KMS and by the crate), and the other way round.
        let by_mu = sign(&mut e, &id, "ML_DSA_SHAKE_256", "EXTERNAL_MU", &mu);
        verify(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &message, &by_mu).unwrap();
        assert!(
            ml_dsa::verify(ml_dsa_level(spec), &spki, &message, &by_mu),
            "{spec}"
        );
        let by_message = sign(&mut e, &id, "ML_DSA_SHAKE_256", "RAW", &message);
        verify(
            &mut e,
            &id,
            "ML_DSA_SHAKE_256",
            "EXTERNAL_MU",
            &mu,
            &by_message,
        )
        .unwrap();

        // A μ of another message does not verify.
        let other = external_mu(&raw_key, b"something else");
        assert_error(
            verify(
                &mut e,
                &id,
                "ML_DSA_SHAKE_256",
                "EXTERNAL_MU",
                &other,
                &by_mu,
            )
            .unwrap_err(),
            "KMSInvalidSignatureException",
            "",
        );
    }
}
