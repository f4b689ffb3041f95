//! SM2 (GB/T 32918, the OSCCA curve): key generation, PKCS#8/SPKI encoding (id-ecPublicKey with
//! curve OID 1.2.156.10197.1.301), SM2DSA with SM3 and a distinguishing ID (DER signatures),
//! SM2 public-key encryption with C1C3C2 ciphertexts in the ASN.1 form of GB/T 35276
//! (`SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING, ciphertext OCTET STRING }`), and ECDH
//! (the raw x-coordinate). Keys travel as DER bytes; every failure is opaque.

use elliptic_curve::sec1::ToEncodedPoint;
use elliptic_curve::subtle::ConstantTimeEq;
use sm2::dsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use sm2::dsa::signature::{RandomizedSigner, Verifier};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use sm2::{NonZeroScalar, ProjectivePoint, PublicKey, SecretKey};
use sm3::{Digest, Sm3};
use spki::der::asn1::{OctetStringRef, UintRef};
use spki::der::{Decode, Encode, Header, Reader, SliceReader, Tag};

use super::rng::{RandomSource, RngAdapter};

/// An SM2 operation failed (bad key bytes, bad input, or the randomness failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sm2Error;

/// The default distinguishing ID of GB/T 35276, which AWS KMS uses for SM2DSA.
pub const DEFAULT_DISTID: &str = "1234567812345678";

/// The length of an SM3 digest (the DIGEST an SM2DSA caller passes).
pub const DIGEST_LEN: usize = 32;

// The curve coefficients a and b (GB/T 32918.5), which enter the signer's identity hash Z_A.
const A: [u8; 32] = [
    0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,
];
const B: [u8; 32] = [
    0x28, 0xe9, 0xfa, 0x9e, 0x9d, 0x9f, 0x5e, 0x34, 0x4d, 0x5a, 0x9e, 0x4b, 0xcf, 0x65, 0x09, 0xa7,
    0xf3, 0x97, 0x89, 0xf5, 0x15, 0xab, 0x8f, 0x92, 0xdd, 0xbc, 0xbd, 0x41, 0x4d, 0x94, 0x0e, 0x93,
];

/// A fresh private key as PKCS#8 DER.
pub fn generate(rng: &mut dyn RandomSource) -> Result<Vec<u8>, Sm2Error> {
    let mut rng = RngAdapter::new(rng);
    let secret = SecretKey::random(&mut rng);
    rng.check(()).map_err(|_| Sm2Error)?;
    Ok(secret
        .to_pkcs8_der()
        .map_err(|_| Sm2Error)?
        .as_bytes()
        .to_vec())
}

fn secret_key(pkcs8: &[u8]) -> Result<SecretKey, Sm2Error> {
    SecretKey::from_pkcs8_der(pkcs8).map_err(|_| Sm2Error)
}

fn public_key(spki: &[u8]) -> Result<PublicKey, Sm2Error> {
    PublicKey::from_public_key_der(spki).map_err(|_| Sm2Error)
}

/// SubjectPublicKeyInfo DER (uncompressed point) of the public half of a PKCS#8 private key.
pub fn public_spki(pkcs8: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    Ok(secret_key(pkcs8)?
        .public_key()
        .to_public_key_der()
        .map_err(|_| Sm2Error)?
        .into_vec())
}

/// Whether `pkcs8` is an SM2 private key.
pub fn is_private_key(pkcs8: &[u8]) -> bool {
    secret_key(pkcs8).is_ok()
}

/// `e = SM3(Z_A ‖ M)` with `Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A)`: the digest
/// SM2DSA signs, which a caller must compute itself to use MessageType DIGEST.
pub fn message_digest(spki: &[u8], distid: &str, message: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let public = public_key(spki)?;
    let entl = u16::try_from(distid.len().saturating_mul(8)).map_err(|_| Sm2Error)?;
    let g = ProjectivePoint::GENERATOR
        .to_affine()
        .to_encoded_point(false);
    let p = public.to_encoded_point(false);
    let mut z = Sm3::new();
    z.update(entl.to_be_bytes());
    z.update(distid.as_bytes());
    z.update(A);
    z.update(B);
    for coordinate in [g.x(), g.y(), p.x(), p.y()] {
        z.update(coordinate.ok_or(Sm2Error)?);
    }
    Ok(Sm3::new()
        .chain_update(z.finalize())
        .chain_update(message)
        .finalize()
        .to_vec())
}

/// What SM2DSA signs: a message (hashed here with Z_A of the default ID) or a ready digest `e`.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// The message M.
    Message(&'a [u8]),
    /// The 32-byte digest `e = SM3(Z_A ‖ M)`.
    Digest(&'a [u8]),
}

fn der_signature(sig: &sm2::dsa::Signature) -> Result<Vec<u8>, Sm2Error> {
    let sig = ecdsa::Signature::<sm2::Sm2>::from_scalars(sig.r_bytes(), sig.s_bytes())
        .map_err(|_| Sm2Error)?;
    Ok(sig.to_der().as_bytes().to_vec())
}

fn parse_signature(der: &[u8]) -> Option<sm2::dsa::Signature> {
    let sig = ecdsa::Signature::<sm2::Sm2>::from_der(der).ok()?;
    let (r, s) = sig.split_bytes();
    sm2::dsa::Signature::from_scalars(r, s).ok()
}

/// SM2DSA with the default distinguishing ID; returns the ASN.1 DER signature (SEQUENCE { r, s }).
pub fn sign(
    pkcs8: &[u8],
    input: Input<'_>,
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, Sm2Error> {
    let secret = secret_key(pkcs8)?;
    let key = sm2::dsa::SigningKey::new(DEFAULT_DISTID, &secret).map_err(|_| Sm2Error)?;
    let mut rng = RngAdapter::new(rng);
    let sig = match input {
        Input::Message(m) => key.try_sign_with_rng(&mut rng, m),
        Input::Digest(d) if d.len() == DIGEST_LEN => key.sign_prehash_with_rng(&mut rng, d),
        Input::Digest(_) => return Err(Sm2Error),
    }
    .map_err(|_| Sm2Error)?;
    let sig = rng.check(sig).map_err(|_| Sm2Error)?;
    der_signature(&sig)
}

/// Whether the DER `signature` is valid SM2DSA (default distinguishing ID) under `spki`.
pub fn verify(spki: &[u8], input: Input<'_>, signature: &[u8]) -> bool {
    let (Ok(public), Some(sig)) = (public_key(spki), parse_signature(signature)) else {
        return false;
    };
    let Ok(key) = sm2::dsa::VerifyingKey::new(DEFAULT_DISTID, public) else {
        return false;
    };
    match input {
        Input::Message(m) => key.verify(m, &sig).is_ok(),
        Input::Digest(d) => key.verify_prehash(d, &sig).is_ok(),
    }
}

/// The key derivation function of GB/T 32918.4 §5.4.3 over SM3: `klen` bytes.
fn kdf(z: &[&[u8]], klen: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(klen.saturating_add(32));
    let mut counter: u32 = 1;
    while out.len() < klen {
        let mut h = Sm3::new();
        for part in z {
            h.update(part);
        }
        h.update(counter.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        counter = counter.wrapping_add(1);
    }
    out.truncate(klen);
    out
}

/// (x, y) of a point as 32-byte big-endian coordinates.
fn coordinates(point: &ProjectivePoint) -> Result<([u8; 32], [u8; 32]), Sm2Error> {
    let encoded = point.to_affine().to_encoded_point(false);
    let x = encoded.x().ok_or(Sm2Error)?;
    let y = encoded.y().ok_or(Sm2Error)?;
    Ok(((*x).into(), (*y).into()))
}

fn c3(x2: &[u8], message: &[u8], y2: &[u8]) -> Vec<u8> {
    Sm3::new()
        .chain_update(x2)
        .chain_update(message)
        .chain_update(y2)
        .finalize()
        .to_vec()
}

fn encode_ciphertext(x1: &[u8], y1: &[u8], hash: &[u8], c2: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let mut body = Vec::new();
    UintRef::new(x1)
        .and_then(|v| v.encode_to_vec(&mut body))
        .map_err(|_| Sm2Error)?;
    UintRef::new(y1)
        .and_then(|v| v.encode_to_vec(&mut body))
        .map_err(|_| Sm2Error)?;
    OctetStringRef::new(hash)
        .and_then(|v| v.encode_to_vec(&mut body))
        .map_err(|_| Sm2Error)?;
    OctetStringRef::new(c2)
        .and_then(|v| v.encode_to_vec(&mut body))
        .map_err(|_| Sm2Error)?;
    let header = Header::new(Tag::Sequence, body.len()).map_err(|_| Sm2Error)?;
    let mut out = Vec::with_capacity(body.len().saturating_add(4));
    header.encode_to_vec(&mut out).map_err(|_| Sm2Error)?;
    out.extend_from_slice(&body);
    Ok(out)
}

struct Parsed {
    x1: [u8; 32],
    y1: [u8; 32],
    hash: Vec<u8>,
    c2: Vec<u8>,
}

fn left_pad(bytes: &[u8]) -> Option<[u8; 32]> {
    let start = 32usize.checked_sub(bytes.len())?;
    let mut out = [0u8; 32];
    out.get_mut(start..)?.copy_from_slice(bytes);
    Some(out)
}

fn decode_ciphertext(der: &[u8]) -> Option<Parsed> {
    let mut reader = SliceReader::new(der).ok()?;
    let parsed = reader
        .sequence(|r| {
            let x1 = UintRef::decode(r)?;
            let y1 = UintRef::decode(r)?;
            let hash = OctetStringRef::decode(r)?;
            let c2 = OctetStringRef::decode(r)?;
            Ok((
                x1.as_bytes().to_vec(),
                y1.as_bytes().to_vec(),
                hash.as_bytes().to_vec(),
                c2.as_bytes().to_vec(),
            ))
        })
        .ok()?;
    let (x1, y1, hash, c2) = reader.finish(parsed).ok()?;
    Some(Parsed {
        x1: left_pad(&x1)?,
        y1: left_pad(&y1)?,
        hash,
        c2,
    })
}

/// SM2 public-key encryption (GB/T 32918.4) under the SPKI `spki`; C1C3C2 in ASN.1 DER.
pub fn encrypt(
    spki: &[u8],
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, Sm2Error> {
    let public = ProjectivePoint::from(*public_key(spki)?.as_affine());
    let mut rng = RngAdapter::new(rng);
    // A zero key stream (all-zero t) forces a fresh k; it never happens in practice, so the retry
    // count only has to be bounded.
    for _ in 0..8 {
        let k = NonZeroScalar::random(&mut rng);
        rng.check(()).map_err(|_| Sm2Error)?;
        let (x1, y1) = coordinates(&(ProjectivePoint::GENERATOR * *k))?;
        let (x2, y2) = coordinates(&(public * *k))?;
        let t = kdf(&[&x2, &y2], plaintext.len());
        if t.iter().all(|b| *b == 0) {
            continue;
        }
        let c2: Vec<u8> = plaintext.iter().zip(&t).map(|(m, k)| m ^ k).collect();
        return encode_ciphertext(&x1, &y1, &c3(&x2, plaintext, &y2), &c2);
    }
    Err(Sm2Error)
}

/// SM2 public-key decryption of a C1C3C2 ASN.1 ciphertext with a PKCS#8 private key.
pub fn decrypt(pkcs8: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let secret = secret_key(pkcs8)?;
    let parsed = decode_ciphertext(ciphertext).ok_or(Sm2Error)?;
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(&parsed.x1);
    sec1.extend_from_slice(&parsed.y1);
    // from_sec1_bytes rejects points off the curve and the identity.
    let c1 = PublicKey::from_sec1_bytes(&sec1).map_err(|_| Sm2Error)?;
    let shared = ProjectivePoint::from(*c1.as_affine()) * *secret.to_nonzero_scalar();
    let (x2, y2) = coordinates(&shared)?;
    let t = kdf(&[&x2, &y2], parsed.c2.len());
    if t.iter().all(|b| *b == 0) {
        return Err(Sm2Error);
    }
    let message: Vec<u8> = parsed.c2.iter().zip(&t).map(|(c, k)| c ^ k).collect();
    let expected = c3(&x2, &message, &y2);
    if bool::from(expected.ct_eq(&parsed.hash)) {
        Ok(message)
    } else {
        Err(Sm2Error)
    }
}

/// ECDH on the SM2 curve between a PKCS#8 private key and a peer SPKI: the shared x-coordinate.
pub fn diffie_hellman(pkcs8: &[u8], peer_spki: &[u8]) -> Result<Vec<u8>, Sm2Error> {
    let secret = secret_key(pkcs8)?;
    let peer = public_key(peer_spki)?;
    let shared = elliptic_curve::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
    Ok(shared.raw_secret_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::rng::SeededRandom;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // The sm2 crate's own OpenSSL-made vector: `openssl pkeyutl -sign … -digest sm3 -pkeyopt
    // distid:example@rustcrypto.org` over "testing".
    #[test]
    fn openssl_sm2dsa_vector_verifies_through_our_digest() {
        let point = hex("0408D77AE04C01CC4C1104360DD8AF6B6F7DF334283D7C1A6AFD5652407B87BEE5014E2A57C36C150D16324DC664E31E6432359609C4E79847A5B161C8C7364C8A");
        let spki = PublicKey::from_sec1_bytes(&point)
            .unwrap()
            .to_public_key_der()
            .unwrap()
            .into_vec();
        let r = hex("d1dcccedd9fb785e0f67c16b7c52901625c0b69de9bca2144acc7be713cad2fc");
        let s = hex("f7d1eae6e3a157b36c65f672f738ca8b46298bf149a6510072c431b49cd88b1c");
        let sig = ecdsa::Signature::<sm2::Sm2>::from_scalars(
            *sm2::FieldBytes::from_slice(&r),
            *sm2::FieldBytes::from_slice(&s),
        )
        .unwrap();
        let der = sig.to_der().as_bytes().to_vec();
        let e = message_digest(&spki, "example@rustcrypto.org", b"testing").unwrap();
        assert!(verify(&spki, Input::Digest(&e), &der));
        // Under the default ID (what KMS uses) the same signature does not verify.
        assert!(!verify(&spki, Input::Message(b"testing"), &der));
    }

    #[test]
    fn sign_verify_encrypt_decrypt_round_trip() {
        let mut rng = SeededRandom::new(b"sm2");
        let pkcs8 = generate(&mut rng).unwrap();
        let spki = public_spki(&pkcs8).unwrap();
        let sig = sign(&pkcs8, Input::Message(b"hello"), &mut rng).unwrap();
        assert_eq!(sig[0], 0x30);
        assert!(verify(&spki, Input::Message(b"hello"), &sig));
        let e = message_digest(&spki, DEFAULT_DISTID, b"hello").unwrap();
        assert!(verify(&spki, Input::Digest(&e), &sig));
        assert!(!verify(&spki, Input::Message(b"hellO"), &sig));
        let sig2 = sign(&pkcs8, Input::Digest(&e), &mut rng).unwrap();
        assert!(verify(&spki, Input::Message(b"hello"), &sig2));
        assert!(sign(&pkcs8, Input::Digest(&e[..31]), &mut rng).is_err());

        for len in [1usize, 31, 32, 33, 1024] {
            let pt: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let ct = encrypt(&spki, &pt, &mut rng).unwrap();
            assert_eq!(decrypt(&pkcs8, &ct).unwrap(), pt);
            let parsed = decode_ciphertext(&ct).unwrap();
            assert_eq!(parsed.hash.len(), 32);
            assert_eq!(parsed.c2.len(), len);
            let mut bad = ct.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(decrypt(&pkcs8, &bad).is_err());
        }
        assert!(decrypt(&pkcs8, b"\x30\x00").is_err());
    }

    // GB/T 32918.4 KDF example structure: the KDF output is SM3(Z ‖ 00000001) ‖ SM3(Z ‖ 00000002)…
    #[test]
    fn kdf_concatenates_counter_blocks() {
        let z = b"abc";
        let out = kdf(&[z], 40);
        let mut h1 = Sm3::new();
        h1.update(z);
        h1.update(1u32.to_be_bytes());
        let mut h2 = Sm3::new();
        h2.update(z);
        h2.update(2u32.to_be_bytes());
        let mut want = h1.finalize().to_vec();
        want.extend_from_slice(&h2.finalize()[..8]);
        assert_eq!(out, want);
    }

    // GB/T 32905 (SM3) example 1: SM3("abc").
    #[test]
    fn sm3_known_answer() {
        assert_eq!(
            Sm3::digest(b"abc").to_vec(),
            hex("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        );
    }

    #[test]
    fn ecdh_is_symmetric() {
        let mut rng = SeededRandom::new(b"sm2-ecdh");
        let a = generate(&mut rng).unwrap();
        let b = generate(&mut rng).unwrap();
        let ab = diffie_hellman(&a, &public_spki(&b).unwrap()).unwrap();
        let ba = diffie_hellman(&b, &public_spki(&a).unwrap()).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(ab.len(), 32);
    }
}
