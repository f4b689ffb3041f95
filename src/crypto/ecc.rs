//! Elliptic curves: P-256, P-384, P-521 and secp256k1. Key generation, PKCS#8/SPKI encoding, ECDSA
//! over a precomputed digest with ASN.1 DER signatures, and ECDH (the raw x-coordinate, as
//! OpenSSL and node:crypto return it). Keys travel as DER bytes; every failure is opaque.
//!
//! A host may lend the engine an [`Accelerator`] for ECDSA over a whole message (the engine passes
//! it to each call, as it passes randomness): software P-256 in wasm
//! takes ~500 µs per signature, node:crypto (OpenSSL) ~25 µs (issue 7, figure f). It hashes the
//! message itself, so it serves `sign_message` only; a caller's own digest stays here.

use super::digest::Hash;
use super::rng::{RandomSource, RngAdapter};

/// A curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// secp256k1.
    Secp256k1,
}

/// An elliptic-curve operation failed (bad key bytes, bad input, or the randomness failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EccError;

// Runs `$body` with `$c` bound to the curve's crate; the four crates share one API shape. The core
// build carries P-256 only: the other arms are guarded by the constant `extra::FULL`, so the
// compiler drops them there, and another curve marks the call (`extra`) and yields `$missing`.
macro_rules! with_curve {
    ($curve:expr, $c:ident => $body:block else $missing:expr) => {
        match $curve {
            Curve::P256 => {
                use p256 as $c;
                $body
            }
            Curve::P384 if super::extra::FULL => {
                use p384 as $c;
                $body
            }
            Curve::P521 if super::extra::FULL => {
                use p521 as $c;
                $body
            }
            Curve::Secp256k1 if super::extra::FULL => {
                use k256 as $c;
                $body
            }
            _ => {
                super::extra::mark_missing();
                $missing
            }
        }
    };
}

/// A fresh private key as PKCS#8 DER.
pub fn generate(curve: Curve, rng: &mut dyn RandomSource) -> Result<Vec<u8>, EccError> {
    use p256::pkcs8::EncodePrivateKey;
    let mut rng = RngAdapter::new(rng);
    with_curve!(curve, c => {
        let secret = c::SecretKey::random(&mut rng);
        rng.check(()).map_err(|_| EccError)?;
        Ok(secret.to_pkcs8_der().map_err(|_| EccError)?.as_bytes().to_vec())
    } else Err(EccError))
}

/// SubjectPublicKeyInfo DER (uncompressed point) of the public half of a PKCS#8 private key.
pub fn public_spki(curve: Curve, pkcs8: &[u8]) -> Result<Vec<u8>, EccError> {
    use p256::pkcs8::{DecodePrivateKey, EncodePublicKey};
    with_curve!(curve, c => {
        let secret = c::SecretKey::from_pkcs8_der(pkcs8).map_err(|_| EccError)?;
        Ok(secret.public_key().to_public_key_der().map_err(|_| EccError)?.into_vec())
    } else Err(EccError))
}

/// Whether `pkcs8` is a private key on `curve`.
pub fn is_private_key(curve: Curve, pkcs8: &[u8]) -> bool {
    use p256::pkcs8::DecodePrivateKey;
    with_curve!(curve, c => { c::SecretKey::from_pkcs8_der(pkcs8).is_ok() } else false)
}

/// The PKCS#8 DER of a SEC1 `ECPrivateKey` (DER) on `curve`.
pub fn pkcs8_from_sec1(curve: Curve, sec1: &[u8]) -> Result<Vec<u8>, EccError> {
    use p256::pkcs8::EncodePrivateKey;
    with_curve!(curve, c => {
        let secret = c::SecretKey::from_sec1_der(sec1).map_err(|_| EccError)?;
        Ok(secret.to_pkcs8_der().map_err(|_| EccError)?.as_bytes().to_vec())
    } else Err(EccError))
}

/// An accelerator could not sign (and the software signer should).
#[derive(Debug)]
pub struct Unavailable;

/// ECDSA done outside this crate, e.g. by node:crypto through the wasm binding.
pub trait Accelerator {
    /// The DER signature of `message`, hashed with `hash`, under the PKCS#8 private key `pkcs8`
    /// on `curve`, with the accelerator's own randomness.
    fn sign_message(
        &self,
        curve: Curve,
        hash: Hash,
        pkcs8: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>, Unavailable>;
}

/// Signs `message` hashed once with `hash`, through `accelerator` where there is one; returns the
/// ASN.1 DER signature. The accelerator's randomness is not `rng`'s, so a reproducible `rng` (a
/// seeded engine) keeps to software.
pub fn sign_message(
    accelerator: Option<&dyn Accelerator>,
    curve: Curve,
    hash: Hash,
    pkcs8: &[u8],
    message: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, EccError> {
    if worth_accelerating(curve) && !rng.is_reproducible() {
        if let Some(der) = accelerator.and_then(|a| accelerated(a, curve, hash, pkcs8, message)) {
            return Ok(der);
        }
    }
    sign(curve, pkcs8, &hash.digest(message), rng)
}

/// secp256k1 stays in software: k256 in wasm signs in ~280 µs, node:crypto's OpenSSL (no
/// specialised code for that curve) in ~270 µs plus the call, so a Sign through it is ~100 µs
/// slower (Node 20); and k256's signatures are low-S, OpenSSL's are not. The NIST curves gain
/// 3–6× per Sign (P-256 ~650 → ~170 µs, P-384 ~4 → ~0.7 ms, P-521 ~6 → ~1.7 ms).
fn worth_accelerating(curve: Curve) -> bool {
    curve != Curve::Secp256k1
}

/// The accelerator's signature, if it gives one shaped like an ECDSA signature on `curve` (strict
/// DER, r and s in range). Not verified: that would cost more than software signing saves.
fn accelerated(
    accelerator: &dyn Accelerator,
    curve: Curve,
    hash: Hash,
    pkcs8: &[u8],
    message: &[u8],
) -> Option<Vec<u8>> {
    let der = accelerator.sign_message(curve, hash, pkcs8, message).ok()?;
    let well_formed =
        with_curve!(curve, c => { c::ecdsa::Signature::from_der(&der).is_ok() } else false);
    well_formed.then_some(der)
}

/// Signs a digest; returns the ASN.1 DER signature (SEQUENCE { r, s }).
pub fn sign(
    curve: Curve,
    pkcs8: &[u8],
    digest: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, EccError> {
    let mut rng = RngAdapter::new(rng);
    macro_rules! sign_on {
        ($c:ty) => {
            sign_prehash(&stored_secret::<$c>(pkcs8)?, digest, &mut rng)?
                .to_der()
                .as_bytes()
                .to_vec()
        };
    }
    let der = match curve {
        Curve::P256 => sign_on!(p256::NistP256),
        Curve::P384 if super::extra::FULL => sign_on!(p384::NistP384),
        // P-521 signs with a random nonce (p521's own SigningKey; it has no RFC 6979 digest).
        Curve::P521 if super::extra::FULL => {
            use p521::ecdsa::signature::hazmat::RandomizedPrehashSigner;
            let secret = stored_secret::<p521::NistP521>(pkcs8)?;
            let key =
                p521::ecdsa::SigningKey::from_slice(&secret.to_bytes()).map_err(|_| EccError)?;
            let sig: p521::ecdsa::Signature = key
                .sign_prehash_with_rng(&mut rng, digest)
                .map_err(|_| EccError)?;
            sig.to_der().as_bytes().to_vec()
        }
        Curve::Secp256k1 if super::extra::FULL => sign_on!(k256::Secp256k1),
        _ => {
            super::extra::mark_missing();
            return Err(EccError);
        }
    };
    rng.check(der).map_err(|_| EccError)
}

/// The private scalar of a PKCS#8 key this engine stored. Unlike `SecretKey::from_pkcs8_der`, it
/// does not recompute the public key to check the copy embedded in the DER — a scalar
/// multiplication, a third of a Sign's time — because stored keys were generated here or checked
/// when they were imported (`is_private_key`). The algorithm and curve are still checked.
fn stored_secret<C>(pkcs8: &[u8]) -> Result<elliptic_curve::SecretKey<C>, EccError>
where
    C: elliptic_curve::Curve + elliptic_curve::pkcs8::AssociatedOid,
{
    use elliptic_curve::pkcs8::der::Decode;
    let info = elliptic_curve::pkcs8::PrivateKeyInfo::try_from(pkcs8).map_err(|_| EccError)?;
    info.algorithm
        .assert_oids(elliptic_curve::ALGORITHM_OID, C::OID)
        .map_err(|_| EccError)?;
    let ec = sec1::EcPrivateKey::from_der(info.private_key).map_err(|_| EccError)?;
    elliptic_curve::SecretKey::<C>::from_slice(ec.private_key).map_err(|_| EccError)
}

/// ECDSA over a digest with the scalar itself, exactly as `SigningKey::sign_prehash_with_rng`
/// does (RFC 6979 nonce with added randomness) minus building a `SigningKey`, which derives the
/// verifying key: another scalar multiplication that signing never uses.
fn sign_prehash<C>(
    secret: &elliptic_curve::SecretKey<C>,
    digest: &[u8],
    rng: &mut RngAdapter<'_>,
) -> Result<ecdsa::Signature<C>, EccError>
where
    C: elliptic_curve::PrimeCurve
        + elliptic_curve::CurveArithmetic
        + ecdsa::hazmat::DigestPrimitive,
    elliptic_curve::Scalar<C>: elliptic_curve::ops::Invert<
            Output = elliptic_curve::subtle::CtOption<elliptic_curve::Scalar<C>>,
        > + ecdsa::hazmat::SignPrimitive<C>,
    ecdsa::SignatureSize<C>: elliptic_curve::generic_array::ArrayLength<u8>,
{
    use ecdsa::hazmat::SignPrimitive;
    use rand_core::RngCore;
    let z = ecdsa::hazmat::bits2field::<C>(digest).map_err(|_| EccError)?;
    let mut ad = elliptic_curve::FieldBytes::<C>::default();
    rng.fill_bytes(&mut ad);
    let scalar = secret.to_nonzero_scalar();
    let (sig, _) = (*scalar)
        .try_sign_prehashed_rfc6979::<C::Digest>(&z, &ad)
        .map_err(|_| EccError)?;
    Ok(sig)
}

/// Whether the DER `signature` is valid for `digest` under the SubjectPublicKeyInfo `spki`. A
/// high-S signature is accepted (normalised first), as OpenSSL accepts it.
pub fn verify(curve: Curve, spki: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::pkcs8::DecodePublicKey;
    with_curve!(curve, c => {
        let Ok(public) = c::PublicKey::from_public_key_der(spki) else {
            return false;
        };
        let Ok(key) = c::ecdsa::VerifyingKey::from_sec1_bytes(&public.to_sec1_bytes()) else {
            return false;
        };
        let Ok(sig) = c::ecdsa::Signature::from_der(signature) else {
            return false;
        };
        let sig = sig.normalize_s().unwrap_or(sig);
        key.verify_prehash(digest, &sig).is_ok()
    } else false)
}

/// ECDH between a PKCS#8 private key and a peer's SubjectPublicKeyInfo on the same curve: the
/// shared x-coordinate. `Err` when the peer key is not a valid point of this curve.
pub fn diffie_hellman(curve: Curve, pkcs8: &[u8], peer_spki: &[u8]) -> Result<Vec<u8>, EccError> {
    use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
    with_curve!(curve, c => {
        let secret = c::SecretKey::from_pkcs8_der(pkcs8).map_err(|_| EccError)?;
        let peer = c::PublicKey::from_public_key_der(peer_spki).map_err(|_| EccError)?;
        let shared = c::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
        Ok(shared.raw_secret_bytes().to_vec())
    } else Err(EccError))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::crypto::rng::{OsRandom, SeededRandom};

    type Answers = Rc<RefCell<Vec<Vec<u8>>>>;

    /// Keeps what it answered (empty for `Unavailable`): a software signature, nothing, or bytes
    /// that are not an ECDSA signature on the key's curve.
    struct Recording {
        answers: Answers,
        mode: &'static str,
    }

    impl Accelerator for Recording {
        fn sign_message(
            &self,
            curve: Curve,
            hash: Hash,
            pkcs8: &[u8],
            message: &[u8],
        ) -> Result<Vec<u8>, Unavailable> {
            let real = |curve, hash: Hash, pkcs8: &[u8]| {
                let digest = hash.digest(message);
                sign(curve, pkcs8, &digest, &mut OsRandom::default()).unwrap()
            };
            let answer = match self.mode {
                "software" => real(curve, hash, pkcs8),
                // A DER SEQUENCE of two INTEGERs, but r = 0 is never valid.
                "zero" => vec![0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01],
                // A valid signature with a byte appended: not strict DER.
                "trailing" => [real(curve, hash, pkcs8), vec![0]].concat(),
                // A P-521 signature: its integers are too long for the smaller curves.
                "p521" => real(Curve::P521, Hash::Sha512, &key(Curve::P521).0),
                _ => Vec::new(),
            };
            self.answers.borrow_mut().push(answer.clone());
            if answer.is_empty() {
                Err(Unavailable)
            } else {
                Ok(answer)
            }
        }
    }

    fn recording(mode: &'static str) -> Recording {
        Recording {
            answers: Answers::default(),
            mode,
        }
    }

    fn key(curve: Curve) -> (Vec<u8>, Vec<u8>) {
        let pkcs8 = generate(curve, &mut SeededRandom::new(b"ecc-accelerator")).unwrap();
        let spki = public_spki(curve, &pkcs8).unwrap();
        (pkcs8, spki)
    }

    const NIST: [(Curve, Hash); 3] = [
        (Curve::P256, Hash::Sha256),
        (Curve::P384, Hash::Sha384),
        (Curve::P521, Hash::Sha512),
    ];

    fn os_sign(host: &Recording, curve: Curve, hash: Hash, pkcs8: &[u8]) -> Vec<u8> {
        let host = Some(host as &dyn Accelerator);
        sign_message(
            host,
            curve,
            hash,
            pkcs8,
            b"message",
            &mut OsRandom::default(),
        )
        .unwrap()
    }

    #[test]
    fn the_accelerator_signs_raw_messages_on_nist_curves() {
        let host = recording("software");
        let answers = &host.answers;
        for (curve, hash) in NIST {
            let (pkcs8, spki) = key(curve);
            let sig = os_sign(&host, curve, hash, &pkcs8);
            assert_eq!(answers.borrow().last(), Some(&sig), "{curve:?}");
            assert!(verify(curve, &spki, &hash.digest(b"message"), &sig));
        }
        // A caller's digest never goes out: the host cannot sign one.
        let (pkcs8, _) = key(Curve::P256);
        sign(Curve::P256, &pkcs8, &[1; 32], &mut OsRandom::default()).unwrap();
        assert_eq!(answers.borrow().len(), 3);
    }

    #[test]
    fn reproducible_randomness_and_secp256k1_stay_in_software() {
        let host = recording("software");
        let answers = &host.answers;
        let (pkcs8, _) = key(Curve::P256);
        let seeded = |seed: &[u8]| {
            let mut rng = SeededRandom::new(seed);
            let host = Some(&host as &dyn Accelerator);
            sign_message(host, Curve::P256, Hash::Sha256, &pkcs8, b"m", &mut rng).unwrap()
        };
        assert_eq!(seeded(b"a"), seeded(b"a"));
        let (k1, k1_spki) = key(Curve::Secp256k1);
        let sig = os_sign(&host, Curve::Secp256k1, Hash::Sha256, &k1);
        assert!(verify(
            Curve::Secp256k1,
            &k1_spki,
            &Hash::Sha256.digest(b"message"),
            &sig
        ));
        assert!(answers.borrow().is_empty());
    }

    #[test]
    fn an_unavailable_or_malformed_answer_falls_back_to_software() {
        for mode in ["unavailable", "zero", "trailing", "p521"] {
            let host = recording(mode);
            let answers = &host.answers;
            for (curve, hash) in NIST {
                if mode == "p521" && curve == Curve::P521 {
                    continue;
                }
                let (pkcs8, spki) = key(curve);
                let sig = os_sign(&host, curve, hash, &pkcs8);
                assert_ne!(answers.borrow().last(), Some(&sig), "{mode} {curve:?}");
                assert!(verify(curve, &spki, &hash.digest(b"message"), &sig));
            }
            assert!(!answers.borrow().is_empty());
        }
    }
}
