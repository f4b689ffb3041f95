//! A host ECDSA signer (`crypto::ecc::Accelerator`, node:crypto in the Node entry) through the
//! engine: Sign with a RAW message on a NIST curve goes out, and its signature verifies; a DIGEST,
//! secp256k1 and every seeded engine stay in software; a host that fails changes nothing.
use crate::common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use kms_wasm::crypto::digest::Hash;
use kms_wasm::crypto::ecc::{self, Accelerator, Curve, Unavailable};
use kms_wasm::crypto::rng::OsRandom;
use kms_wasm::Engine;
use serde_json::json;

/// Signs with RustCrypto as a host would, or fails; counts its calls.
struct Host {
    calls: Rc<Cell<usize>>,
    fails: bool,
}

impl Accelerator for Host {
    fn sign_message(
        &self,
        curve: Curve,
        hash: Hash,
        pkcs8: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>, Unavailable> {
        self.calls.set(self.calls.get() + 1);
        if self.fails {
            return Err(Unavailable);
        }
        ecc::sign(
            curve,
            pkcs8,
            &hash.digest(message),
            &mut OsRandom::default(),
        )
        .map_err(|_| Unavailable)
    }
}

/// Lends `e` a host signer that counts its calls into `calls`.
fn lend(e: &mut Engine, calls: &Rc<Cell<usize>>, fails: bool) {
    e.accelerators_mut().ecdsa = Some(Box::new(Host {
        calls: calls.clone(),
        fails,
    }));
}

const SPECS: [(&str, &str); 4] = [
    ("ECC_NIST_P256", "ECDSA_SHA_256"),
    ("ECC_NIST_P384", "ECDSA_SHA_384"),
    ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
];

fn signing_key(e: &mut Engine, spec: &str) -> String {
    let body = json!({"KeySpec": spec, "KeyUsage": "SIGN_VERIFY"});
    ok(e, "CreateKey", &ctx(), body)["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Signs `message` and checks the engine's own Verify accepts the signature.
fn sign_and_verify(e: &mut Engine, id: &str, alg: &str, message: &[u8], kind: &str) -> Vec<u8> {
    let body =
        json!({"KeyId": id, "Message": b64(message), "MessageType": kind, "SigningAlgorithm": alg});
    let sig = unb64(&ok(e, "Sign", &ctx(), body.clone())["Signature"]);
    let mut verify = body;
    verify["Signature"] = json!(b64(&sig));
    assert_eq!(ok(e, "Verify", &ctx(), verify)["SignatureValid"], true);
    sig
}

#[test]
fn raw_messages_on_nist_curves_are_signed_by_the_host() {
    let (mut e, calls) = (Engine::new(), Rc::default());
    lend(&mut e, &calls, false);
    for (n, (spec, alg)) in SPECS.into_iter().take(3).enumerate() {
        let id = signing_key(&mut e, spec);
        sign_and_verify(&mut e, &id, alg, b"hello", "RAW");
        // RAW is also the default MessageType.
        let body = json!({"KeyId": id, "Message": b64(b"m"), "SigningAlgorithm": alg});
        ok(&mut e, "Sign", &ctx(), body);
        assert_eq!(calls.get(), 2 * (n + 1), "{spec}");
    }
    // Lent to one engine, not to the process: another engine signs in software.
    let mut other = Engine::new();
    let id = signing_key(&mut other, "ECC_NIST_P256");
    sign_and_verify(&mut other, &id, "ECDSA_SHA_256", b"hello", "RAW");
    assert_eq!(calls.get(), 6);
}

#[test]
fn digests_secp256k1_and_seeded_engines_stay_in_software() {
    let (mut e, calls) = (Engine::new(), Rc::default());
    lend(&mut e, &calls, false);
    for (spec, alg) in SPECS {
        let id = signing_key(&mut e, spec);
        let len = if alg.ends_with("384") {
            48
        } else if alg.ends_with("512") {
            64
        } else {
            32
        };
        sign_and_verify(&mut e, &id, alg, &vec![7; len], "DIGEST");
    }
    let id = signing_key(&mut e, "ECC_SECG_P256K1");
    sign_and_verify(&mut e, &id, "ECDSA_SHA_256", b"hello", "RAW");
    assert_eq!(calls.get(), 0);

    let signatures = || {
        let mut e = Engine::with_seed(b"ecdsa-host");
        lend(&mut e, &calls, false);
        SPECS
            .map(|(spec, alg)| {
                let id = signing_key(&mut e, spec);
                sign_and_verify(&mut e, &id, alg, b"hello", "RAW")
            })
            .to_vec()
    };
    assert_eq!(signatures(), signatures());
    assert_eq!(calls.get(), 0);
}

#[test]
fn a_failing_host_falls_back_to_software() {
    let (mut e, calls) = (Engine::new(), Rc::default());
    lend(&mut e, &calls, true);
    for (spec, alg) in SPECS.into_iter().take(3) {
        let id = signing_key(&mut e, spec);
        sign_and_verify(&mut e, &id, alg, b"hello", "RAW");
    }
    assert_eq!(calls.get(), 3);
}
