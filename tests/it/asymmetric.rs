//! RSA and ECC keys: CreateKey per spec × usage, GetPublicKey, Sign/Verify, asymmetric
//! Encrypt/Decrypt/ReEncrypt, DeriveSharedSecret, GenerateDataKeyPair(WithoutPlaintext), the host
//! key pool, and known-answer vectors made by OpenSSL (node:crypto) checked at the crypto layer
//! (AWS-KMS-BEHAVIOUR.md §2.2, §2.3, §2.4, §2.13, §2.16).
use crate::common;

use common::*;
use kms_wasm::crypto::digest::Hash;
use kms_wasm::crypto::ecc::{self, Curve};
use kms_wasm::crypto::rng::SeededRandom;
use kms_wasm::crypto::rsa::{self, Padding};
use kms_wasm::Engine;
use serde_json::{json, Value};

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

fn hash_of(alg: &str) -> Hash {
    if alg.ends_with("384") {
        Hash::Sha384
    } else if alg.ends_with("512") {
        Hash::Sha512
    } else {
        Hash::Sha256
    }
}

const RSA_SIGNING: [&str; 6] = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
];

/// Every signing (spec, algorithms) pair this part implements.
fn signing_specs() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("RSA_2048", RSA_SIGNING.to_vec()),
        ("RSA_3072", RSA_SIGNING.to_vec()),
        ("RSA_4096", RSA_SIGNING.to_vec()),
        ("ECC_NIST_P256", vec!["ECDSA_SHA_256"]),
        ("ECC_NIST_P384", vec!["ECDSA_SHA_384"]),
        ("ECC_NIST_P521", vec!["ECDSA_SHA_512"]),
        ("ECC_SECG_P256K1", vec!["ECDSA_SHA_256"]),
    ]
}

// ---------------------------------------------------------------- metadata

#[test]
fn asymmetric_key_metadata_per_spec_and_usage() {
    let mut e = engine();
    let rsa_enc = json!(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]);
    let cases: Vec<(&str, &str, &str, Value)> = vec![
        (
            "RSA_2048",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            rsa_enc.clone(),
        ),
        (
            "RSA_3072",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            rsa_enc.clone(),
        ),
        (
            "RSA_4096",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            rsa_enc,
        ),
        (
            "RSA_2048",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(RSA_SIGNING),
        ),
        (
            "RSA_3072",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(RSA_SIGNING),
        ),
        (
            "RSA_4096",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(RSA_SIGNING),
        ),
        (
            "ECC_NIST_P256",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ECDSA_SHA_256"]),
        ),
        (
            "ECC_NIST_P384",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ECDSA_SHA_384"]),
        ),
        (
            "ECC_NIST_P521",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ECDSA_SHA_512"]),
        ),
        (
            "ECC_SECG_P256K1",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            json!(["ECDSA_SHA_256"]),
        ),
        (
            "ECC_NIST_P256",
            "KEY_AGREEMENT",
            "KeyAgreementAlgorithms",
            json!(["ECDH"]),
        ),
        (
            "ECC_NIST_P384",
            "KEY_AGREEMENT",
            "KeyAgreementAlgorithms",
            json!(["ECDH"]),
        ),
        (
            "ECC_NIST_P521",
            "KEY_AGREEMENT",
            "KeyAgreementAlgorithms",
            json!(["ECDH"]),
        ),
    ];
    for (spec, usage, list, algorithms) in cases {
        let md = key(&mut e, spec, usage);
        let keys: Vec<&str> = md.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = vec![
            "AWSAccountId",
            "Arn",
            "CreationDate",
            "CustomerMasterKeySpec",
            "Description",
            "Enabled",
            "KeyId",
            "KeyManager",
            "KeySpec",
            "KeyState",
            "KeyUsage",
            "MultiRegion",
            "Origin",
            list,
        ];
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want, "{spec} {usage}");
        assert_eq!(md[list], algorithms, "{spec} {usage}");
        assert_eq!(md["KeySpec"], spec);
        assert_eq!(md["CustomerMasterKeySpec"], spec);
        assert_eq!(md["KeyUsage"], usage);
        assert_eq!(md["KeyState"], "Enabled");
        assert_eq!(md["Origin"], "AWS_KMS");
        assert_eq!(md["MultiRegion"], false);
        assert_eq!(describe(&mut e, &ctx(), md["KeyId"].as_str().unwrap()), md);
    }
}

#[test]
fn invalid_spec_and_usage_pairs_are_validation_exceptions() {
    let mut e = engine();
    for (spec, usage) in [
        ("RSA_2048", "KEY_AGREEMENT"),
        ("RSA_4096", "GENERATE_VERIFY_MAC"),
        ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
        ("ECC_NIST_P256", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_P521", "GENERATE_VERIFY_MAC"),
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
    let got = err_untouched(&mut e, "CreateKey", &ctx(), json!({"KeySpec": "RSA_2048"}));
    assert_error(
        got,
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    );
}

#[test]
fn deprecated_customer_master_key_spec_creates_the_same_key() {
    let mut e = engine();
    let md = ok(
        &mut e,
        "CreateKey",
        &ctx(),
        json!({"CustomerMasterKeySpec": "ECC_NIST_P384", "KeyUsage": "SIGN_VERIFY"}),
    )["KeyMetadata"]
        .clone();
    assert_eq!(md["KeySpec"], "ECC_NIST_P384");
    assert_eq!(md["SigningAlgorithms"], json!(["ECDSA_SHA_384"]));
}

// ---------------------------------------------------------------- GetPublicKey

#[test]
fn get_public_key_returns_spki_and_the_key_description() {
    let mut e = engine();
    for (spec, usage, curve) in [
        ("ECC_NIST_P256", "SIGN_VERIFY", Some(Curve::P256)),
        ("ECC_NIST_P384", "KEY_AGREEMENT", Some(Curve::P384)),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", Some(Curve::Secp256k1)),
        ("RSA_2048", "ENCRYPT_DECRYPT", None),
    ] {
        let md = key(&mut e, spec, usage);
        let (id, arn) = ids(&md);
        let out = ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}));
        assert_eq!(out["KeyId"], arn);
        assert_eq!(out["KeySpec"], spec);
        assert_eq!(out["CustomerMasterKeySpec"], spec);
        assert_eq!(out["KeyUsage"], usage);
        for list in [
            "EncryptionAlgorithms",
            "SigningAlgorithms",
            "KeyAgreementAlgorithms",
        ] {
            assert_eq!(out.get(list), md.get(list), "{spec}: {list}");
        }
        let der = unb64(&out["PublicKey"]);
        assert_eq!(der[0], 0x30, "DER SEQUENCE");
        match curve {
            Some(c) => {
                // An SPKI of the right curve: ECDH with it works.
                let mut rng = SeededRandom::new(b"peer");
                let peer = ecc::generate(c, &mut rng).unwrap();
                assert!(ecc::diffie_hellman(c, &peer, &der).is_ok());
            }
            None => {
                let ct =
                    rsa::encrypt(&der, Hash::Sha256, b"x", &mut SeededRandom::new(b"r")).unwrap();
                assert_eq!(ct.len(), 256);
            }
        }
    }
}

#[test]
fn get_public_key_of_a_symmetric_key_is_unsupported_operation() {
    let mut e = engine();
    let (id, _) = new_key(&mut e, &ctx());
    let (kind, _) = err_untouched(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}));
    assert_eq!(kind, "UnsupportedOperationException");
}

#[test]
fn get_public_key_follows_the_key_state() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id})),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id})),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

// ---------------------------------------------------------------- Sign / Verify

fn sign(e: &mut Engine, id: &str, alg: &str, message: &[u8], message_type: &str) -> Vec<u8> {
    let out = ok(
        e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "Message": b64(message), "MessageType": message_type, "SigningAlgorithm": alg}),
    );
    assert_eq!(out["SigningAlgorithm"], alg);
    unb64(&out["Signature"])
}

fn verify(
    e: &mut Engine,
    id: &str,
    alg: &str,
    message: &[u8],
    message_type: &str,
    sig: &[u8],
) -> Result<Value, (String, String)> {
    call(
        e,
        "Verify",
        &ctx(),
        json!({"KeyId": id, "Message": b64(message), "MessageType": message_type, "SigningAlgorithm": alg, "Signature": b64(sig)}),
    )
}

#[test]
fn sign_and_verify_every_spec_algorithm_and_message_type() {
    let mut e = engine();
    let message = b"the quick brown fox";
    for (spec, algorithms) in signing_specs() {
        let md = key(&mut e, spec, "SIGN_VERIFY");
        let (id, arn) = ids(&md);
        let spki = unb64(&ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}))["PublicKey"]);
        for alg in algorithms {
            let hash = hash_of(alg);
            let digest = hash.digest(message);
            let raw = sign(&mut e, &id, alg, message, "RAW");
            let pre = sign(&mut e, &id, alg, &digest, "DIGEST");
            // Either signature verifies with either message type: DIGEST is never hashed twice.
            for sig in [&raw, &pre] {
                for (m, t) in [(message.as_slice(), "RAW"), (digest.as_slice(), "DIGEST")] {
                    let v = verify(&mut e, &id, alg, m, t, sig).unwrap();
                    assert_eq!(
                        v,
                        json!({"KeyId": arn, "SignatureValid": true, "SigningAlgorithm": alg})
                    );
                }
            }
            // And outside KMS, with nothing but the public key.
            let valid = if spec.starts_with("RSA") {
                let padding = if alg.contains("PSS") {
                    Padding::Pss
                } else {
                    Padding::Pkcs1v15
                };
                rsa::verify(&spki, padding, hash, &digest, &raw)
            } else {
                let curve = match spec {
                    "ECC_NIST_P256" => Curve::P256,
                    "ECC_NIST_P384" => Curve::P384,
                    "ECC_NIST_P521" => Curve::P521,
                    _ => Curve::Secp256k1,
                };
                assert_eq!(raw[0], 0x30, "ECDSA signatures are DER");
                ecc::verify(curve, &spki, &digest, &raw)
            };
            assert!(valid, "{spec} {alg}");
        }
    }
}

#[test]
fn message_type_defaults_to_raw_and_response_key_id_is_the_arn() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    ok(
        &mut e,
        "CreateAlias",
        &ctx(),
        json!({"AliasName": "alias/signer", "TargetKeyId": id}),
    );
    let out = ok(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": "alias/signer", "Message": b64(b"m"), "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["KeyId", "Signature", "SigningAlgorithm"]);
    assert_eq!(out["KeyId"], arn);
    let sig = unb64(&out["Signature"]);
    verify(&mut e, &id, "ECDSA_SHA_256", b"m", "RAW", &sig).unwrap();
}

#[test]
fn verify_of_a_bad_signature_is_kms_invalid_signature_exception() {
    let mut e = engine();
    for (spec, alg) in [
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
        ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
    ] {
        let (id, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        let sig = sign(&mut e, &id, alg, b"message", "RAW");
        let mut flipped = sig.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        for (message, s) in [
            (b"message".as_slice(), flipped.as_slice()),
            (b"other", sig.as_slice()),
            (b"message", b"not a signature".as_slice()),
        ] {
            let before = e.snapshot();
            let got = verify(&mut e, &id, alg, message, "RAW", s).unwrap_err();
            assert_eq!(before, e.snapshot());
            assert_error(got, "KMSInvalidSignatureException", "");
        }
        // A signature by another key of the same spec does not verify.
        let (other, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        assert_error(
            verify(&mut e, &other, alg, b"message", "RAW", &sig).unwrap_err(),
            "KMSInvalidSignatureException",
            "",
        );
    }
}

#[test]
fn digest_of_the_wrong_length_is_validation_exception() {
    let mut e = engine();
    for (spec, alg, wrong) in [
        ("ECC_NIST_P256", "ECDSA_SHA_256", 48),
        ("RSA_2048", "RSASSA_PSS_SHA_384", 32),
        ("ECC_NIST_P521", "ECDSA_SHA_512", 66),
    ] {
        let (id, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        let body = json!({"KeyId": id, "Message": b64(&vec![7; wrong]), "MessageType": "DIGEST", "SigningAlgorithm": alg});
        let got = err_untouched(&mut e, "Sign", &ctx(), body.clone());
        assert_error(
            got,
            "ValidationException",
            &format!("Digest is invalid length for algorithm {alg}."),
        );
        let mut vbody = body;
        vbody["Signature"] = json!(b64(&[1; 64]));
        let got = err_untouched(&mut e, "Verify", &ctx(), vbody);
        assert_error(
            got,
            "ValidationException",
            &format!("Digest is invalid length for algorithm {alg}."),
        );
    }
}

#[test]
fn raw_message_over_4096_bytes_is_validation_exception() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    let got = err_untouched(
        &mut e,
        "Sign",
        &ctx(),
        json!({"KeyId": id, "Message": b64(&[0; 4097]), "SigningAlgorithm": "ECDSA_SHA_256"}),
    );
    assert_error(got, "ValidationException", "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096");
    sign(&mut e, &id, "ECDSA_SHA_256", &[0; 4096], "RAW");
}

#[test]
fn signing_algorithm_must_suit_the_key() {
    let mut e = engine();
    for (spec, alg) in [
        ("ECC_NIST_P256", "ECDSA_SHA_384"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_512"),
        ("RSA_2048", "ECDSA_SHA_256"),
        ("ECC_NIST_P384", "RSASSA_PSS_SHA_384"),
        ("RSA_3072", "SM2DSA"),
    ] {
        let (id, _) = ids(&key(&mut e, spec, "SIGN_VERIFY"));
        for op in ["Sign", "Verify"] {
            let got = err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": alg, "Signature": b64(&[1; 8])}),
            );
            assert_error(
                got,
                "InvalidKeyUsageException",
                &format!("Algorithm {alg} is incompatible with key spec {spec}."),
            );
        }
    }
}

#[test]
fn sign_with_a_key_of_another_usage_is_invalid_key_usage() {
    let mut e = engine();
    let (sym, sym_arn) = new_key(&mut e, &ctx());
    let (enc, enc_arn) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let (agree, agree_arn) = ids(&key(&mut e, "ECC_NIST_P256", "KEY_AGREEMENT"));
    for (id, arn, usage) in [
        (sym, sym_arn, "ENCRYPT_DECRYPT"),
        (enc, enc_arn, "ENCRYPT_DECRYPT"),
        (agree, agree_arn, "KEY_AGREEMENT"),
    ] {
        for op in ["Sign", "Verify"] {
            let got = err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": "ECDSA_SHA_256", "Signature": b64(&[1; 8])}),
            );
            assert_error(
                got,
                "InvalidKeyUsageException",
                &format!("{arn} key usage is {usage} which is not valid for {op}."),
            );
        }
    }
}

#[test]
fn sign_and_verify_follow_the_key_state_and_dry_run() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    let sig = sign(&mut e, &id, "ECDSA_SHA_256", b"m", "RAW");
    let sbody = json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": "ECDSA_SHA_256", "DryRun": true});
    let mut vbody = sbody.clone();
    vbody["Signature"] = json!(b64(&sig));
    assert_error(
        err_untouched(&mut e, "Sign", &ctx(), sbody.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    assert_error(
        err_untouched(&mut e, "Verify", &ctx(), vbody.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "Sign", &ctx(), sbody.clone()),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    assert_error(
        err_untouched(&mut e, "Verify", &ctx(), vbody.clone()),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    ok(&mut e, "ScheduleKeyDeletion", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "Sign", &ctx(), sbody),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
    assert_error(
        err_untouched(&mut e, "Verify", &ctx(), vbody),
        "KMSInvalidStateException",
        &format!("{arn} is pending deletion."),
    );
}

// ---------------------------------------------------------------- Encrypt / Decrypt / ReEncrypt

fn rsa_encrypt(
    e: &mut Engine,
    id: &str,
    alg: &str,
    plaintext: &[u8],
) -> Result<Value, (String, String)> {
    call(
        e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(plaintext), "EncryptionAlgorithm": alg}),
    )
}

#[test]
fn rsa_encrypt_then_decrypt_for_every_spec_and_algorithm() {
    let mut e = engine();
    for spec in ["RSA_2048", "RSA_3072", "RSA_4096"] {
        let (id, arn) = ids(&key(&mut e, spec, "ENCRYPT_DECRYPT"));
        for alg in ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] {
            let out = rsa_encrypt(&mut e, &id, alg, b"secret").unwrap();
            assert_eq!(out["KeyId"], arn);
            assert_eq!(out["EncryptionAlgorithm"], alg);
            let blob = unb64(&out["CiphertextBlob"]);
            let bits: usize = spec[4..].parse().unwrap();
            assert_eq!(blob.len(), bits / 8, "plain OAEP output, no header");
            let d = ok(
                &mut e,
                "Decrypt",
                &ctx(),
                json!({"KeyId": id, "CiphertextBlob": b64(&blob), "EncryptionAlgorithm": alg}),
            );
            assert_eq!(unb64(&d["Plaintext"]), b"secret");
            assert_eq!(d["KeyId"], arn);
            assert_eq!(d["EncryptionAlgorithm"], alg);
            assert!(d.get("KeyMaterialId").is_none(), "{d}");
        }
    }
}

#[test]
fn rsa_plaintext_limits_are_awss() {
    let mut e = engine();
    for (spec, sha1, sha256) in [
        ("RSA_2048", 214, 190),
        ("RSA_3072", 342, 318),
        ("RSA_4096", 470, 446),
    ] {
        let (id, _) = ids(&key(&mut e, spec, "ENCRYPT_DECRYPT"));
        for (alg, max) in [("RSAES_OAEP_SHA_1", sha1), ("RSAES_OAEP_SHA_256", sha256)] {
            rsa_encrypt(&mut e, &id, alg, &vec![1; max]).unwrap();
            let got = rsa_encrypt(&mut e, &id, alg, &vec![1; max + 1]).unwrap_err();
            assert_error(got, "ValidationException", &format!("Algorithm {alg} and key spec {spec} cannot encrypt data larger than {max} bytes."));
        }
    }
}

#[test]
fn rsa_encrypt_needs_an_rsa_algorithm_and_no_context() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let got = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x")}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    );
    let got = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "SM2PKE"}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        "Algorithm SM2PKE is incompatible with key spec RSA_2048.",
    );
    let (kind, _) = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": id, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "RSAES_OAEP_SHA_1", "EncryptionContext": {"a": "b"}}),
    );
    assert_eq!(kind, "ValidationException");
    // And a symmetric key refuses the RSA algorithms.
    let (sym, _) = new_key(&mut e, &ctx());
    let got = err_untouched(
        &mut e,
        "Encrypt",
        &ctx(),
        json!({"KeyId": sym, "Plaintext": b64(b"x"), "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
    );
}

#[test]
fn rsa_decrypt_needs_key_id_and_the_right_algorithm() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let blob =
        rsa_encrypt(&mut e, &id, "RSAES_OAEP_SHA_256", b"x").unwrap()["CiphertextBlob"].clone();
    // Without KeyId nothing names the key: the blob is plain OAEP output.
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
        ),
        "InvalidCiphertextException",
        "",
    );
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": blob}),
        ),
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    );
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
        ),
        "InvalidCiphertextException",
        "",
    );
    let mut tampered = unb64(&blob);
    tampered[5] ^= 1;
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": b64(&tampered), "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
        ),
        "InvalidCiphertextException",
        "",
    );
    // A ciphertext of another RSA key.
    let (other, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": other, "CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
        ),
        "InvalidCiphertextException",
        "",
    );
    // DryRun after every check.
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256", "DryRun": true}),
        ),
        "DryRunOperationException",
        DRY_RUN,
    );
}

#[test]
fn symmetric_and_rsa_ciphertexts_given_to_the_other_kind_of_key() {
    let mut e = engine();
    let (rsa_id, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let (sym, _) = new_key(&mut e, &ctx());
    let sym_blob = encrypt(&mut e, &ctx(), &sym, b"x", None);
    let got = err_untouched(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"KeyId": rsa_id, "CiphertextBlob": sym_blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_error(
        got,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
    let rsa_blob =
        rsa_encrypt(&mut e, &rsa_id, "RSAES_OAEP_SHA_1", b"x").unwrap()["CiphertextBlob"].clone();
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": sym, "CiphertextBlob": rsa_blob}),
        ),
        "InvalidCiphertextException",
        "",
    );
}

#[test]
fn rsa_decrypt_with_an_encryption_context_is_validation_exception() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let blob =
        rsa_encrypt(&mut e, &id, "RSAES_OAEP_SHA_1", b"x").unwrap()["CiphertextBlob"].clone();
    let (kind, _) = err_untouched(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"KeyId": id, "CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1", "EncryptionContext": {"k": "v"}}),
    );
    assert_eq!(kind, "ValidationException");
}

#[test]
fn decrypt_of_an_openssl_oaep_ciphertext_through_the_crypto_layer() {
    let v: Value = serde_json::from_str(include_str!("../vectors/known-answers.json")).unwrap();
    for case in v["oaep"].as_array().unwrap() {
        let hash = if case["hash"] == "sha1" {
            Hash::Sha1
        } else {
            Hash::Sha256
        };
        let pkcs8 = hex(case["pkcs8"].as_str().unwrap());
        let ct = hex(case["ciphertext"].as_str().unwrap());
        let pt = rsa::decrypt(&pkcs8, hash, &ct, &mut SeededRandom::new(b"b")).unwrap();
        assert_eq!(pt, hex(case["plaintext"].as_str().unwrap()));
        assert_eq!(
            rsa::public_spki(&pkcs8).unwrap(),
            hex(case["spki"].as_str().unwrap())
        );
        let other = if hash == Hash::Sha1 {
            Hash::Sha256
        } else {
            Hash::Sha1
        };
        assert!(rsa::decrypt(&pkcs8, other, &ct, &mut SeededRandom::new(b"b")).is_err());
    }
}

#[test]
fn re_encrypt_between_symmetric_and_rsa_keys() {
    let mut e = engine();
    let (rsa_a, rsa_a_arn) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let (rsa_b, rsa_b_arn) = ids(&key(&mut e, "RSA_3072", "ENCRYPT_DECRYPT"));
    let sym_md = create_key(&mut e, &ctx());
    let (sym, sym_arn) = ids(&sym_md);
    let blob = encrypt(&mut e, &ctx(), &sym, b"payload", Some(json!({"c": "1"})));
    // symmetric → RSA
    let out = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "SourceEncryptionContext": {"c": "1"}, "DestinationKeyId": rsa_a, "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_256"}),
    );
    assert_eq!(out["SourceKeyId"], sym_arn);
    assert_eq!(out["KeyId"], rsa_a_arn);
    assert_eq!(out["SourceKeyMaterialId"], sym_md["CurrentKeyMaterialId"]);
    assert!(out.get("DestinationKeyMaterialId").is_none());
    assert_eq!(out["DestinationEncryptionAlgorithm"], "RSAES_OAEP_SHA_256");
    // RSA → RSA
    let out = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": out["CiphertextBlob"], "SourceKeyId": rsa_a, "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "DestinationKeyId": rsa_b, "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
    );
    assert_eq!(out["SourceKeyId"], rsa_a_arn);
    assert_eq!(out["KeyId"], rsa_b_arn);
    assert!(out.get("SourceKeyMaterialId").is_none());
    // RSA → symmetric
    let out = ok(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": out["CiphertextBlob"], "SourceKeyId": rsa_b, "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_1", "DestinationKeyId": sym, "DestinationEncryptionContext": {"d": "2"}}),
    );
    assert_eq!(
        out["DestinationKeyMaterialId"],
        sym_md["CurrentKeyMaterialId"]
    );
    let d = ok(
        &mut e,
        "Decrypt",
        &ctx(),
        json!({"CiphertextBlob": out["CiphertextBlob"], "EncryptionContext": {"d": "2"}}),
    );
    assert_eq!(unb64(&d["Plaintext"]), b"payload");
    // An RSA destination takes no context and keeps its size limit.
    let big = encrypt(&mut e, &ctx(), &sym, &[1; 300], None);
    let got = err_untouched(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": big, "DestinationKeyId": rsa_a, "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
    );
    assert_error(got, "ValidationException", "Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data larger than 214 bytes.");
    let (kind, _) = err_untouched(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "SourceEncryptionContext": {"c": "1"}, "DestinationKeyId": rsa_a, "DestinationEncryptionAlgorithm": "RSAES_OAEP_SHA_1", "DestinationEncryptionContext": {"x": "y"}}),
    );
    assert_eq!(kind, "ValidationException");
    // A symmetric blob named with an RSA source key.
    let got = err_untouched(
        &mut e,
        "ReEncrypt",
        &ctx(),
        json!({"CiphertextBlob": blob, "SourceKeyId": rsa_a, "SourceEncryptionAlgorithm": "RSAES_OAEP_SHA_1", "DestinationKeyId": sym}),
    );
    assert_error(
        got,
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    );
}

#[test]
fn symmetric_only_operations_refuse_rsa_encryption_keys() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    for (op, body) in [
        (
            "GenerateDataKey",
            json!({"KeyId": id, "KeySpec": "AES_256"}),
        ),
        (
            "GenerateDataKeyWithoutPlaintext",
            json!({"KeyId": id, "NumberOfBytes": 16}),
        ),
        (
            "GenerateDataKeyPair",
            json!({"KeyId": id, "KeyPairSpec": "ECC_NIST_P256"}),
        ),
    ] {
        let got = err_untouched(&mut e, op, &ctx(), body);
        assert_error(
            got,
            "InvalidKeyUsageException",
            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
        );
    }
}

#[test]
fn rsa_encryption_follows_the_key_state() {
    let mut e = engine();
    let (id, arn) = ids(&key(&mut e, "RSA_2048", "ENCRYPT_DECRYPT"));
    let blob =
        rsa_encrypt(&mut e, &id, "RSAES_OAEP_SHA_1", b"x").unwrap()["CiphertextBlob"].clone();
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        rsa_encrypt(&mut e, &id, "RSAES_OAEP_SHA_1", b"x").unwrap_err(),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    assert_error(
        err_untouched(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"KeyId": id, "CiphertextBlob": blob, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}),
        ),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
    let (sign_key, sign_arn) = ids(&key(&mut e, "RSA_2048", "SIGN_VERIFY"));
    assert_error(
        rsa_encrypt(&mut e, &sign_key, "RSAES_OAEP_SHA_1", b"x").unwrap_err(),
        "InvalidKeyUsageException",
        &format!("{sign_arn} key usage is SIGN_VERIFY which is not valid for Encrypt."),
    );
}

// ---------------------------------------------------------------- DeriveSharedSecret

#[test]
fn derive_shared_secret_equals_ecdh_with_an_outside_key_pair() {
    let mut e = engine();
    for (spec, curve, len) in [
        ("ECC_NIST_P256", Curve::P256, 32),
        ("ECC_NIST_P384", Curve::P384, 48),
        ("ECC_NIST_P521", Curve::P521, 66),
    ] {
        let (id, arn) = ids(&key(&mut e, spec, "KEY_AGREEMENT"));
        let kms_public =
            unb64(&ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}))["PublicKey"]);
        let outside = ecc::generate(curve, &mut SeededRandom::new(spec.as_bytes())).unwrap();
        let outside_public = ecc::public_spki(curve, &outside).unwrap();
        let out = ok(
            &mut e,
            "DeriveSharedSecret",
            &ctx(),
            json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&outside_public)}),
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "KeyAgreementAlgorithm",
                "KeyId",
                "KeyOrigin",
                "SharedSecret"
            ]
        );
        assert_eq!(out["KeyId"], arn);
        assert_eq!(out["KeyAgreementAlgorithm"], "ECDH");
        assert_eq!(out["KeyOrigin"], "AWS_KMS");
        let secret = unb64(&out["SharedSecret"]);
        assert_eq!(secret.len(), len);
        assert_eq!(
            secret,
            ecc::diffie_hellman(curve, &outside, &kms_public).unwrap()
        );
    }
}

#[test]
fn derive_shared_secret_with_a_bad_peer_key_is_validation_exception_with_no_message() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ECC_NIST_P256", "KEY_AGREEMENT"));
    let p384 = ecc::public_spki(
        Curve::P384,
        &ecc::generate(Curve::P384, &mut SeededRandom::new(b"x")).unwrap(),
    )
    .unwrap();
    let rsa_spki = hex(serde_json::from_str::<Value>(include_str!(
        "../vectors/known-answers.json"
    ))
    .unwrap()["rsa"][0]["spki"]
        .as_str()
        .unwrap());
    for peer in [b"garbage".to_vec(), p384, rsa_spki] {
        let got = err_untouched(
            &mut e,
            "DeriveSharedSecret",
            &ctx(),
            json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&peer)}),
        );
        assert_error(got, "ValidationException", "");
    }
}

#[test]
fn derive_shared_secret_needs_a_key_agreement_key() {
    let mut e = engine();
    let p256 = ecc::public_spki(
        Curve::P256,
        &ecc::generate(Curve::P256, &mut SeededRandom::new(b"x")).unwrap(),
    )
    .unwrap();
    let (sig, sig_arn) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    let (sym, sym_arn) = new_key(&mut e, &ctx());
    for (id, arn, usage) in [
        (sig, sig_arn, "SIGN_VERIFY"),
        (sym, sym_arn, "ENCRYPT_DECRYPT"),
    ] {
        let got = err_untouched(
            &mut e,
            "DeriveSharedSecret",
            &ctx(),
            json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&p256)}),
        );
        assert_error(
            got,
            "InvalidKeyUsageException",
            &format!("{arn} key usage is {usage} which is not valid for DeriveSharedSecret."),
        );
    }
    let (id, arn) = ids(&key(&mut e, "ECC_NIST_P256", "KEY_AGREEMENT"));
    let body = json!({"KeyId": id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b64(&p256), "DryRun": true});
    assert_error(
        err_untouched(&mut e, "DeriveSharedSecret", &ctx(), body.clone()),
        "DryRunOperationException",
        DRY_RUN,
    );
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": id}));
    assert_error(
        err_untouched(&mut e, "DeriveSharedSecret", &ctx(), body),
        "DisabledException",
        &format!("{arn} is disabled."),
    );
}

// ---------------------------------------------------------------- GenerateDataKeyPair

#[test]
fn generate_data_key_pair_for_every_supported_spec() {
    let mut e = engine();
    let (sym, sym_arn) = new_key(&mut e, &ctx());
    let material = describe(&mut e, &ctx(), &sym)["CurrentKeyMaterialId"].clone();
    for (spec, curve) in [
        ("RSA_2048", None),
        ("RSA_3072", None),
        ("RSA_4096", None),
        ("ECC_NIST_P256", Some(Curve::P256)),
        ("ECC_NIST_P384", Some(Curve::P384)),
        ("ECC_NIST_P521", Some(Curve::P521)),
        ("ECC_SECG_P256K1", Some(Curve::Secp256k1)),
    ] {
        let out = ok(
            &mut e,
            "GenerateDataKeyPair",
            &ctx(),
            json!({"KeyId": sym, "KeyPairSpec": spec, "EncryptionContext": {"purpose": "test"}}),
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "KeyId",
                "KeyMaterialId",
                "KeyPairSpec",
                "PrivateKeyCiphertextBlob",
                "PrivateKeyPlaintext",
                "PublicKey"
            ]
        );
        assert_eq!(out["KeyId"], sym_arn);
        assert_eq!(out["KeyPairSpec"], spec);
        assert_eq!(out["KeyMaterialId"], material);
        let private = unb64(&out["PrivateKeyPlaintext"]);
        let public = unb64(&out["PublicKey"]);
        let derived = match curve {
            Some(c) => ecc::public_spki(c, &private).unwrap(),
            None => rsa::public_spki(&private).unwrap(),
        };
        assert_eq!(
            derived, public,
            "{spec}: the public key matches the private key"
        );
        let d = ok(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": out["PrivateKeyCiphertextBlob"], "EncryptionContext": {"purpose": "test"}}),
        );
        assert_eq!(unb64(&d["Plaintext"]), private);
        assert_error(
            err(
                &mut e,
                "Decrypt",
                &ctx(),
                json!({"CiphertextBlob": out["PrivateKeyCiphertextBlob"]}),
            ),
            "InvalidCiphertextException",
            "",
        );
        let w = ok(
            &mut e,
            "GenerateDataKeyPairWithoutPlaintext",
            &ctx(),
            json!({"KeyId": sym, "KeyPairSpec": spec}),
        );
        let keys: Vec<&String> = w.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "KeyId",
                "KeyMaterialId",
                "KeyPairSpec",
                "PrivateKeyCiphertextBlob",
                "PublicKey"
            ]
        );
        let d = ok(
            &mut e,
            "Decrypt",
            &ctx(),
            json!({"CiphertextBlob": w["PrivateKeyCiphertextBlob"]}),
        );
        let private = unb64(&d["Plaintext"]);
        let derived = match curve {
            Some(c) => ecc::public_spki(c, &private).unwrap(),
            None => rsa::public_spki(&private).unwrap(),
        };
        assert_eq!(derived, unb64(&w["PublicKey"]));
    }
}

#[test]
fn generate_data_key_pair_of_an_unknown_spec_is_validation_exception() {
    let mut e = engine();
    let (sym, _) = new_key(&mut e, &ctx());
    let (kind, message) = err_untouched(
        &mut e,
        "GenerateDataKeyPair",
        &ctx(),
        json!({"KeyId": sym, "KeyPairSpec": "RSA_1024"}),
    );
    assert_eq!(kind, "ValidationException");
    assert!(message.contains("keyPairSpec"), "{message}");
}

#[test]
fn generate_data_key_pair_checks_the_symmetric_key() {
    let mut e = engine();
    let (sig, sig_arn) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    let got = err_untouched(
        &mut e,
        "GenerateDataKeyPair",
        &ctx(),
        json!({"KeyId": sig, "KeyPairSpec": "ECC_NIST_P256"}),
    );
    assert_error(
        got,
        "InvalidKeyUsageException",
        &format!("{sig_arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKeyPair."),
    );
    let (sym, arn) = new_key(&mut e, &ctx());
    for op in ["GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"] {
        assert_error(
            err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": sym, "KeyPairSpec": "RSA_2048", "DryRun": true}),
            ),
            "DryRunOperationException",
            DRY_RUN,
        );
    }
    ok(&mut e, "DisableKey", &ctx(), json!({"KeyId": sym}));
    for op in ["GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"] {
        assert_error(
            err_untouched(
                &mut e,
                op,
                &ctx(),
                json!({"KeyId": sym, "KeyPairSpec": "RSA_2048"}),
            ),
            "DisabledException",
            &format!("{arn} is disabled."),
        );
    }
}

// ---------------------------------------------------------------- host key pool

#[test]
fn create_key_takes_a_host_supplied_rsa_key_when_one_is_waiting() {
    let mut e = engine();
    let host = rsa::generate(&mut SeededRandom::new(b"host"), 2048).unwrap();
    let host_public = rsa::public_spki(&host).unwrap();
    e.provide_host_key("RSA_2048", &host).unwrap();
    assert_eq!(e.host_keys_available("RSA_2048"), 1);
    let (id, _) = ids(&key(&mut e, "RSA_2048", "SIGN_VERIFY"));
    let public = unb64(&ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id}))["PublicKey"]);
    assert_eq!(public, host_public);
    assert_eq!(e.host_keys_available("RSA_2048"), 0);
    // The pool is empty again, so the next key is generated here: a different key.
    let (id2, _) = ids(&key(&mut e, "RSA_2048", "SIGN_VERIFY"));
    let public2 = unb64(&ok(&mut e, "GetPublicKey", &ctx(), json!({"KeyId": id2}))["PublicKey"]);
    assert_ne!(public2, host_public);
    // Data key pairs draw from the same pool.
    e.provide_host_key("RSA_2048", &host).unwrap();
    let (sym, _) = new_key(&mut e, &ctx());
    let pair = ok(
        &mut e,
        "GenerateDataKeyPair",
        &ctx(),
        json!({"KeyId": sym, "KeyPairSpec": "RSA_2048"}),
    );
    assert_eq!(unb64(&pair["PublicKey"]), host_public);
}

#[test]
fn host_keys_that_do_not_fit_are_refused() {
    let mut e = engine();
    let host = rsa::generate(&mut SeededRandom::new(b"host"), 2048).unwrap();
    assert!(e.provide_host_key("RSA_4096", &host).is_err());
    assert!(e.provide_host_key("RSA_2048", b"not a key").is_err());
    assert!(e.provide_host_key("ECC_NIST_P256", &host).is_err());
    let ec = ecc::generate(Curve::P256, &mut SeededRandom::new(b"e")).unwrap();
    assert!(e.provide_host_key("RSA_2048", &ec).is_err());
    assert_eq!(e.host_keys_available("RSA_2048"), 0);
    assert_eq!(e.host_keys_available("RSA_4096"), 0);
}

#[test]
fn host_keys_are_not_part_of_the_persisted_state() {
    let mut e = engine();
    let before = e.snapshot();
    e.provide_host_key(
        "RSA_2048",
        &rsa::generate(&mut SeededRandom::new(b"h"), 2048).unwrap(),
    )
    .unwrap();
    assert_eq!(before, e.snapshot());
}

/// One call through the wire door with the engine asking the host for RSA keys.
fn asking(e: &mut Engine, op: &str, body: Value) -> kms_wasm::Outcome {
    e.ask_host_for_rsa_keys(true);
    let out = call_raw(
        e,
        &format!("TrentService.{op}"),
        &ctx(),
        body.to_string().as_bytes(),
    );
    e.ask_host_for_rsa_keys(false);
    out
}

#[test]
fn every_operation_that_makes_an_rsa_key_asks_the_host_for_it() {
    let mut e = engine();
    let (sym, _) = new_key(&mut e, &ctx());
    let md = ok(&mut e, "CreateKey", &ctx(), json!({"Origin": "EXTERNAL"}))["KeyMetadata"].clone();
    let external = md["KeyId"].as_str().unwrap().to_string();
    for (spec, bits) in [("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096)] {
        let wanted = format!(r#"{{"rsaModulusLength":{bits}}}"#);
        for (op, body) in [
            (
                "CreateKey",
                json!({"KeySpec": spec, "KeyUsage": "SIGN_VERIFY"}),
            ),
            (
                "CreateKey",
                json!({"CustomerMasterKeySpec": spec, "KeyUsage": "ENCRYPT_DECRYPT"}),
            ),
            (
                "GenerateDataKeyPair",
                json!({"KeyId": sym, "KeyPairSpec": spec}),
            ),
            (
                "GenerateDataKeyPairWithoutPlaintext",
                json!({"KeyId": sym, "KeyPairSpec": spec}),
            ),
            (
                "GetParametersForImport",
                json!({"KeyId": external, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": spec}),
            ),
        ] {
            let before = e.snapshot();
            let out = asking(&mut e, op, body.clone());
            assert_eq!(
                out.status,
                0,
                "{op} {body}: {}",
                String::from_utf8_lossy(&out.body)
            );
            assert_eq!(String::from_utf8(out.body).unwrap(), wanted, "{op} {body}");
            assert!(out.entry.is_none());
            assert_eq!(
                e.snapshot(),
                before,
                "{op}: a call that stopped changed state"
            );
        }
    }
    // No RSA key, or none generated: the call runs.
    for (op, body) in [
        (
            "CreateKey",
            json!({"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}),
        ),
        (
            "CreateKey",
            json!({"KeySpec": "RSA_4096", "KeyUsage": "SIGN_VERIFY", "Origin": "EXTERNAL"}),
        ),
        ("Encrypt", json!({"KeyId": sym, "Plaintext": "AQ=="})),
    ] {
        assert_eq!(asking(&mut e, op, body.clone()).status, 200, "{op} {body}");
    }
    // A seeded engine never asks.
    let mut seeded = Engine::with_seed(b"no host keys");
    let out = asking(
        &mut seeded,
        "CreateKey",
        json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
    );
    assert_eq!(out.status, 200);
}

#[test]
fn a_call_that_asked_for_a_host_key_runs_with_the_key_the_host_provides() {
    let mut e = engine();
    let body = json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"});
    assert_eq!(asking(&mut e, "CreateKey", body.clone()).status, 0);
    let host = rsa::generate(&mut SeededRandom::new(b"host"), 2048).unwrap();
    assert!(e.provide_rsa_key(b"not a key").is_err());
    e.provide_rsa_key(&host).unwrap();
    let out = asking(&mut e, "CreateKey", body);
    assert_eq!(out.status, 200);
    let md: Value = serde_json::from_slice(&out.body).unwrap();
    let public = unb64(
        &ok(
            &mut e,
            "GetPublicKey",
            &ctx(),
            json!({"KeyId": md["KeyMetadata"]["KeyId"]}),
        )["PublicKey"],
    );
    assert_eq!(public, rsa::public_spki(&host).unwrap());
}

// ---------------------------------------------------------------- persistence

#[test]
fn asymmetric_keys_survive_snapshot_and_restore() {
    let mut e = engine();
    let (id, _) = ids(&key(&mut e, "ECC_NIST_P256", "SIGN_VERIFY"));
    let sig = sign(&mut e, &id, "ECDSA_SHA_256", b"m", "RAW");
    let mut fresh = engine();
    fresh.restore(&e.snapshot()).unwrap();
    verify(&mut fresh, &id, "ECDSA_SHA_256", b"m", "RAW", &sig).unwrap();
}

#[test]
fn symmetric_key_records_do_not_grow_a_public_key_field() {
    let mut e = engine();
    new_key(&mut e, &ctx());
    let snap = String::from_utf8(e.snapshot()).unwrap();
    assert!(!snap.contains("public_key"), "{snap}");
}

// ---------------------------------------------------------------- known answers (crypto layer)

#[test]
fn openssl_ecdsa_signatures_verify_at_the_crypto_layer() {
    let v: Value = serde_json::from_str(include_str!("../vectors/known-answers.json")).unwrap();
    for case in v["ecdsa"].as_array().unwrap() {
        let curve = match case["curve"].as_str().unwrap() {
            "P-256" => Curve::P256,
            "P-384" => Curve::P384,
            "P-521" => Curve::P521,
            _ => Curve::Secp256k1,
        };
        let spki = hex(case["spki"].as_str().unwrap());
        let digest = hex(case["digest"].as_str().unwrap());
        for sig in case["valid"].as_array().unwrap() {
            assert!(
                ecc::verify(curve, &spki, &digest, &hex(sig.as_str().unwrap())),
                "{curve:?} valid"
            );
        }
        for sig in case["invalid"].as_array().unwrap() {
            assert!(
                !ecc::verify(curve, &spki, &digest, &hex(sig.as_str().unwrap())),
                "{curve:?} invalid {sig}"
            );
        }
        let mut other = digest.clone();
        other[0] ^= 1;
        let first = hex(case["valid"][0].as_str().unwrap());
        assert!(!ecc::verify(curve, &spki, &other, &first));
    }
}

#[test]
fn openssl_rsa_signatures_verify_at_the_crypto_layer() {
    let v: Value = serde_json::from_str(include_str!("../vectors/known-answers.json")).unwrap();
    for case in v["rsa"].as_array().unwrap() {
        let hash = hash_of(case["hash"].as_str().unwrap());
        let spki = hex(case["spki"].as_str().unwrap());
        let digest = hex(case["digest"].as_str().unwrap());
        let field = |k: &str| hex(case[k].as_str().unwrap());
        assert!(rsa::verify(
            &spki,
            Padding::Pkcs1v15,
            hash,
            &digest,
            &field("pkcs1v15")
        ));
        assert!(rsa::verify(
            &spki,
            Padding::Pss,
            hash,
            &digest,
            &field("pss")
        ));
        assert!(!rsa::verify(
            &spki,
            Padding::Pss,
            hash,
            &digest,
            &field("pkcs1v15")
        ));
        assert!(!rsa::verify(
            &spki,
            Padding::Pkcs1v15,
            hash,
            &digest,
            &field("pss")
        ));
        assert!(!rsa::verify(
            &spki,
            Padding::Pkcs1v15,
            hash,
            &digest,
            &field("pkcs1v15_tampered")
        ));
        // KMS's PSS uses salt = digest length; a maximum-salt signature is not one of those.
        assert!(!rsa::verify(
            &spki,
            Padding::Pss,
            hash,
            &digest,
            &field("pss_wrong_salt")
        ));
    }
}
