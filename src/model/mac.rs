//! HMAC KMS keys: key lengths per spec and the GenerateMac/VerifyMac rules (AWS-KMS-BEHAVIOUR.md
//! §2.14). The key length equals the digest length of the spec's hash (HMAC_224: 28 bytes … HMAC_512:
//! 64 bytes): AWS's key-spec table gives HMAC key lengths of 224, 256, 384 and 512 bits.

use crate::api::{KeySpec, MacAlgorithmSpec as Mac};
use crate::crypto::digest::Hash;
use crate::crypto::hmac;
use crate::error::{KmsError, KmsResult};
use crate::model::key::KeyRecord;

fn hash(spec: KeySpec) -> Option<Hash> {
    match spec {
        KeySpec::HMAC_224 => Some(Hash::Sha224),
        KeySpec::HMAC_256 => Some(Hash::Sha256),
        KeySpec::HMAC_384 => Some(Hash::Sha384),
        KeySpec::HMAC_512 => Some(Hash::Sha512),
        _ => None,
    }
}

/// The key length in bytes of an HMAC spec (`None` for other specs).
pub fn key_length(spec: KeySpec) -> Option<usize> {
    hash(spec).map(Hash::output_len)
}

/// The requested MacAlgorithm must match the key's spec: `Algorithm HMAC_SHA_256 is incompatible
/// with key spec HMAC_224.`
pub fn algorithm(key: &KeyRecord, alg: Mac) -> KmsResult<Mac> {
    let allowed = crate::model::specs::algorithms(key.key_spec, key.key_usage)
        .unwrap_or_default()
        .mac;
    if !allowed.contains(&alg) {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    }
    Ok(alg)
}

fn key_and_hash(key: &KeyRecord) -> KmsResult<(&[u8], Hash)> {
    let hash = hash(key.key_spec).ok_or_else(|| KmsError::internal("not an HMAC key"))?;
    Ok((&key.current_material()?.bytes.0, hash))
}

/// The HMAC of `message` under the key.
pub fn generate(key: &KeyRecord, message: &[u8]) -> KmsResult<Vec<u8>> {
    let (bytes, hash) = key_and_hash(key)?;
    hmac::mac(hash, bytes, message).ok_or_else(|| KmsError::internal("HMAC failed."))
}

/// Checks a MAC; a mismatch is KMSInvalidMacException without a message, as AWS answers.
pub fn verify(key: &KeyRecord, message: &[u8], mac: &[u8]) -> KmsResult<()> {
    let (bytes, hash) = key_and_hash(key)?;
    if hmac::verify(hash, bytes, message, mac) {
        Ok(())
    } else {
        Err(KmsError::invalid_mac())
    }
}
