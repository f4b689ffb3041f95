//! The DER the post-quantum keys travel in: PKCS#8 private keys in the seed-only form
//! (`privateKey` holds `[0] IMPLICIT OCTET STRING` of the FIPS 203/204 seed, as the IETF LAMPS ML-KEM
//! and ML-DSA key documents define it and OpenSSL 3.5 writes it) and SubjectPublicKeyInfo with an
//! absent-parameters AlgorithmIdentifier.

use spki::der::asn1::BitStringRef;
use spki::der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, ObjectIdentifier, SubjectPublicKeyInfoRef};

/// The context-specific tag `[0]` (primitive) that marks the seed choice.
const SEED_TAG: u8 = 0x80;

/// The key bytes were not DER of the expected algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedKeyError;

fn algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierRef<'static> {
    AlgorithmIdentifierRef {
        oid,
        parameters: None,
    }
}

/// PKCS#8 DER (v1) whose private key is the seed-only choice.
pub fn encode_private(oid: ObjectIdentifier, seed: &[u8]) -> Result<Vec<u8>, SeedKeyError> {
    let len = u8::try_from(seed.len())
        .ok()
        .filter(|l| *l < 0x80)
        .ok_or(SeedKeyError)?;
    let mut choice = Vec::with_capacity(seed.len().saturating_add(2));
    choice.push(SEED_TAG);
    choice.push(len);
    choice.extend_from_slice(seed);
    pkcs8::PrivateKeyInfo::new(algorithm(oid), &choice)
        .to_der()
        .map_err(|_| SeedKeyError)
}

/// The seed of a seed-only PKCS#8 key of algorithm `oid`, which must be `len` bytes.
pub fn decode_private(
    oid: ObjectIdentifier,
    pkcs8: &[u8],
    len: usize,
) -> Result<Vec<u8>, SeedKeyError> {
    let info = pkcs8::PrivateKeyInfo::try_from(pkcs8).map_err(|_| SeedKeyError)?;
    if info.algorithm.oid != oid || info.algorithm.parameters.is_some() {
        return Err(SeedKeyError);
    }
    match info.private_key {
        [SEED_TAG, l, seed @ ..] if usize::from(*l) == len && seed.len() == len => {
            Ok(seed.to_vec())
        }
        _ => Err(SeedKeyError),
    }
}

/// SubjectPublicKeyInfo DER carrying the raw public key of algorithm `oid`.
pub fn encode_public(oid: ObjectIdentifier, key: &[u8]) -> Result<Vec<u8>, SeedKeyError> {
    SubjectPublicKeyInfoRef {
        algorithm: algorithm(oid),
        subject_public_key: BitStringRef::from_bytes(key).map_err(|_| SeedKeyError)?,
    }
    .to_der()
    .map_err(|_| SeedKeyError)
}

/// The raw public key in a SubjectPublicKeyInfo of algorithm `oid`.
pub fn decode_public(oid: ObjectIdentifier, spki: &[u8]) -> Result<Vec<u8>, SeedKeyError> {
    let info = SubjectPublicKeyInfoRef::from_der(spki).map_err(|_| SeedKeyError)?;
    if info.algorithm.oid != oid || info.algorithm.parameters.is_some() {
        return Err(SeedKeyError);
    }
    info.subject_public_key
        .as_bytes()
        .map(<[u8]>::to_vec)
        .ok_or(SeedKeyError)
}
