//! ML-DSA (FIPS 204) at the three parameter sets: key generation from a 32-byte seed ξ, seed-only
//! PKCS#8 and SPKI encoding (OIDs 2.16.840.1.101.3.4.3.17/18/19), and hedged (randomized) signing
//! of a message with an empty context; verification. Keys travel as DER bytes; failures are opaque.
//!
//! The ml-dsa release of this crate generation (0.0.4) computes μ = SHAKE256(tr ‖ M′) inside
//! signing and verification; signing or verifying a caller's μ (KMS MessageType EXTERNAL_MU) uses
//! the two entry points the patched copy in vendor/ml-dsa adds.

use ml_dsa::{KeyGen, MlDsa44, MlDsa65, MlDsa87, B32};
use spki::{EncodePublicKey, ObjectIdentifier};

use super::rng::{RandomSource, RngAdapter};
use super::seed_key;

/// A parameter set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// ML-DSA-44.
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

/// An ML-DSA operation failed (bad key bytes, bad input, or the randomness failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MlDsaError;

/// The length of the key-generation seed ξ.
pub const SEED_LEN: usize = 32;

impl Level {
    /// The AlgorithmIdentifier OID (NIST CSOR, id-ml-dsa-*).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Level::MlDsa44 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.17"),
            Level::MlDsa65 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.18"),
            Level::MlDsa87 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.19"),
        }
    }
}

// Runs `$body` with `$p` bound to the parameter-set type.
macro_rules! with_level {
    ($level:expr, $p:ident => $body:block) => {
        match $level {
            Level::MlDsa44 => {
                type $p = MlDsa44;
                $body
            }
            Level::MlDsa65 => {
                type $p = MlDsa65;
                $body
            }
            Level::MlDsa87 => {
                type $p = MlDsa87;
                $body
            }
        }
    };
}

/// A fresh private key (seed-only PKCS#8 DER).
pub fn generate(level: Level, rng: &mut dyn RandomSource) -> Result<Vec<u8>, MlDsaError> {
    let mut seed = [0u8; SEED_LEN];
    rng.fill(&mut seed).map_err(|_| MlDsaError)?;
    seed_key::encode_private(level.oid(), &seed).map_err(|_| MlDsaError)
}

fn seed(level: Level, pkcs8: &[u8]) -> Result<B32, MlDsaError> {
    let seed = seed_key::decode_private(level.oid(), pkcs8, SEED_LEN).map_err(|_| MlDsaError)?;
    B32::try_from(seed.as_slice()).map_err(|_| MlDsaError)
}

/// The key pair ML-DSA.KeyGen_internal(ξ) makes from a 32-byte seed, as (seed-only PKCS#8, SPKI).
pub fn from_seed(level: Level, xi: &[u8]) -> Result<(Vec<u8>, Vec<u8>), MlDsaError> {
    let pkcs8 = seed_key::encode_private(level.oid(), xi).map_err(|_| MlDsaError)?;
    let spki = public_spki(level, &pkcs8)?;
    Ok((pkcs8, spki))
}

/// SubjectPublicKeyInfo DER of the public half of a private key.
pub fn public_spki(level: Level, pkcs8: &[u8]) -> Result<Vec<u8>, MlDsaError> {
    let xi = seed(level, pkcs8)?;
    with_level!(level, P => {
        let pair = P::key_gen_internal(&xi);
        Ok(pair
            .verifying_key()
            .to_public_key_der()
            .map_err(|_| MlDsaError)?
            .into_vec())
    })
}

/// Whether `pkcs8` is a private key of `level`.
pub fn is_private_key(level: Level, pkcs8: &[u8]) -> bool {
    seed(level, pkcs8).is_ok()
}

/// A hedged ML-DSA signature (FIPS 204 Algorithm 2, empty context) over `message`.
pub fn sign(
    level: Level,
    pkcs8: &[u8],
    message: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, MlDsaError> {
    let xi = seed(level, pkcs8)?;
    let mut rng = RngAdapter::new(rng);
    with_level!(level, P => {
        let pair = P::key_gen_internal(&xi);
        let sig = pair
            .signing_key()
            .sign_randomized(message, &[], &mut rng)
            .map_err(|_| MlDsaError)?;
        rng.check(sig.encode().to_vec()).map_err(|_| MlDsaError)
    })
}

/// A hedged ML-DSA signature of a caller's message representative μ (FIPS 204 §6.2, "external μ":
/// μ = SHAKE256(SHAKE256(pk, 64) ‖ M′, 64), 64 bytes), as KMS MessageType EXTERNAL_MU signs.
pub fn sign_external_mu(
    level: Level,
    pkcs8: &[u8],
    mu: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, MlDsaError> {
    let xi = seed(level, pkcs8)?;
    let mut rnd = B32::default();
    rng.fill(&mut rnd).map_err(|_| MlDsaError)?;
    with_level!(level, P => {
        let pair = P::key_gen_internal(&xi);
        let sig = pair.signing_key().sign_external_mu(mu, &rnd).ok_or(MlDsaError)?;
        Ok(sig.encode().to_vec())
    })
}

/// Whether `signature` is a valid ML-DSA signature of the message representative `mu`.
pub fn verify_external_mu(level: Level, spki: &[u8], mu: &[u8], signature: &[u8]) -> bool {
    let Ok(info) = spki::SubjectPublicKeyInfoRef::try_from(spki) else {
        return false;
    };
    with_level!(level, P => {
        let Ok(key) = ml_dsa::VerifyingKey::<P>::try_from(info) else {
            return false;
        };
        let Ok(sig) = ml_dsa::Signature::<P>::try_from(signature) else {
            return false;
        };
        key.verify_external_mu(mu, &sig)
    })
}

/// Whether `signature` is a valid ML-DSA signature (empty context) of `message` under `spki`.
pub fn verify(level: Level, spki: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(info) = spki::SubjectPublicKeyInfoRef::try_from(spki) else {
        return false;
    };
    with_level!(level, P => {
        let Ok(key) = ml_dsa::VerifyingKey::<P>::try_from(info) else {
            return false;
        };
        let Ok(sig) = ml_dsa::Signature::<P>::try_from(signature) else {
            return false;
        };
        key.verify_with_context(message, &[], &sig)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::rng::SeededRandom;

    #[test]
    fn sign_verify_at_every_level() {
        let mut rng = SeededRandom::new(b"ml-dsa");
        for (level, pk_len, sig_len, oid_last) in [
            (Level::MlDsa44, 1312, 2420, 17u8),
            (Level::MlDsa65, 1952, 3309, 18),
            (Level::MlDsa87, 2592, 4627, 19),
        ] {
            let pkcs8 = generate(level, &mut rng).unwrap();
            assert_eq!(pkcs8.len(), 54, "seed-only PKCS#8");
            let spki = public_spki(level, &pkcs8).unwrap();
            let raw = seed_key::decode_public(level.oid(), &spki).unwrap();
            assert_eq!(raw.len(), pk_len);
            // AlgorithmIdentifier: 06 09 60 86 48 01 65 03 04 03 <17|18|19>, no parameters.
            let oid = [
                0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, oid_last,
            ];
            assert!(spki.windows(oid.len()).any(|w| w == oid));
            let sig = sign(level, &pkcs8, b"message", &mut rng).unwrap();
            assert_eq!(sig.len(), sig_len);
            assert!(verify(level, &spki, b"message", &sig));
            assert!(!verify(level, &spki, b"messagE", &sig));
            let mut bad = sig.clone();
            bad[5] ^= 1;
            assert!(!verify(level, &spki, b"message", &bad));
            assert!(!verify(level, &spki, b"message", &sig[1..]));
            assert!(!verify(level, b"not der", b"message", &sig));
            // Deterministic key generation from ξ.
            let xi = seed_key::decode_private(level.oid(), &pkcs8, SEED_LEN).unwrap();
            assert_eq!(
                from_seed(level, &xi).unwrap(),
                (pkcs8.clone(), spki.clone())
            );
        }
    }
}
