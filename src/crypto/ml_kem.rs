//! ML-KEM (FIPS 203) at the three parameter sets: key generation from the 64-byte seed d ‖ z,
//! seed-only PKCS#8 and SPKI encoding (OIDs 2.16.840.1.101.3.4.4.1/2/3), encapsulation to a public
//! key and decapsulation (implicit rejection: a wrong ciphertext of the right length yields an
//! unrelated secret, never an error). Keys travel as DER bytes; failures are opaque.

use ml_kem::kem::{Decapsulate, Encapsulate};
use ml_kem::{EncodedSizeUser, KemCore, MlKem1024, MlKem512, MlKem768, B32};
use spki::ObjectIdentifier;

use super::rng::{RandomSource, RngAdapter};
use super::seed_key;

/// A parameter set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// ML-KEM-512.
    MlKem512,
    /// ML-KEM-768.
    MlKem768,
    /// ML-KEM-1024.
    MlKem1024,
}

/// An ML-KEM operation failed (bad key bytes, a ciphertext of the wrong length, or the randomness
/// failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MlKemError;

/// The length of the key-generation seed d ‖ z.
pub const SEED_LEN: usize = 64;

impl Level {
    /// The AlgorithmIdentifier OID (NIST CSOR, id-alg-ml-kem-*).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Level::MlKem512 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.1"),
            Level::MlKem768 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.2"),
            Level::MlKem1024 => ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.4.3"),
        }
    }

    /// The ciphertext length in bytes.
    pub fn ciphertext_len(self) -> usize {
        match self {
            Level::MlKem512 => 768,
            Level::MlKem768 => 1088,
            Level::MlKem1024 => 1568,
        }
    }
}

// Runs `$body` with `$k` bound to the KEM type.
macro_rules! with_level {
    ($level:expr, $k:ident => $body:block) => {
        match $level {
            Level::MlKem512 => {
                type $k = MlKem512;
                $body
            }
            Level::MlKem768 => {
                type $k = MlKem768;
                $body
            }
            Level::MlKem1024 => {
                type $k = MlKem1024;
                $body
            }
        }
    };
}

/// A fresh private key (seed-only PKCS#8 DER; 86 bytes at every level).
pub fn generate(level: Level, rng: &mut dyn RandomSource) -> Result<Vec<u8>, MlKemError> {
    let mut seed = [0u8; SEED_LEN];
    rng.fill(&mut seed).map_err(|_| MlKemError)?;
    seed_key::encode_private(level.oid(), &seed).map_err(|_| MlKemError)
}

/// d and z of a seed-only private key.
fn seeds(level: Level, pkcs8: &[u8]) -> Result<(B32, B32), MlKemError> {
    let seed = seed_key::decode_private(level.oid(), pkcs8, SEED_LEN).map_err(|_| MlKemError)?;
    let (d, z) = seed.split_at(32);
    Ok((
        B32::try_from(d).map_err(|_| MlKemError)?,
        B32::try_from(z).map_err(|_| MlKemError)?,
    ))
}

/// The raw encapsulation key ML-KEM.KeyGen_internal(d, z) makes.
pub fn encapsulation_key(level: Level, pkcs8: &[u8]) -> Result<Vec<u8>, MlKemError> {
    let (d, z) = seeds(level, pkcs8)?;
    with_level!(level, K => {
        let (_, ek) = K::generate_deterministic(&d, &z);
        Ok(ek.as_bytes().to_vec())
    })
}

/// SubjectPublicKeyInfo DER of the encapsulation key of a private key.
pub fn public_spki(level: Level, pkcs8: &[u8]) -> Result<Vec<u8>, MlKemError> {
    seed_key::encode_public(level.oid(), &encapsulation_key(level, pkcs8)?).map_err(|_| MlKemError)
}

/// Whether `pkcs8` is a private key of `level`.
pub fn is_private_key(level: Level, pkcs8: &[u8]) -> bool {
    seeds(level, pkcs8).is_ok()
}

/// Encapsulates a fresh 32-byte shared secret to the SPKI `spki`: (ciphertext, shared secret).
pub fn encapsulate(
    level: Level,
    spki: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<(Vec<u8>, Vec<u8>), MlKemError> {
    let raw = seed_key::decode_public(level.oid(), spki).map_err(|_| MlKemError)?;
    let mut rng = RngAdapter::new(rng);
    with_level!(level, K => {
        let enc = ml_kem::Encoded::<<K as KemCore>::EncapsulationKey>::try_from(raw.as_slice())
            .map_err(|_| MlKemError)?;
        let ek = <K as KemCore>::EncapsulationKey::from_bytes(&enc);
        let (ct, ss) = ek.encapsulate(&mut rng).map_err(|_| MlKemError)?;
        rng.check((ct.to_vec(), ss.to_vec())).map_err(|_| MlKemError)
    })
}

/// Decapsulates `ciphertext` with a private key: the 32-byte shared secret. Only a ciphertext of
/// the wrong length (or a bad key) is an error.
pub fn decapsulate(level: Level, pkcs8: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, MlKemError> {
    let (d, z) = seeds(level, pkcs8)?;
    with_level!(level, K => {
        let (dk, _) = K::generate_deterministic(&d, &z);
        let ct = ml_kem::Ciphertext::<K>::try_from(ciphertext).map_err(|_| MlKemError)?;
        let ss = dk.decapsulate(&ct).map_err(|_| MlKemError)?;
        Ok(ss.to_vec())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::rng::SeededRandom;

    #[test]
    fn round_trips_at_every_level_with_seed_keys_of_one_length() {
        let mut rng = SeededRandom::new(b"ml-kem");
        for (level, ek_len) in [
            (Level::MlKem512, 800),
            (Level::MlKem768, 1184),
            (Level::MlKem1024, 1568),
        ] {
            let pkcs8 = generate(level, &mut rng).unwrap();
            assert_eq!(pkcs8.len(), 86, "seed-only PKCS#8");
            let spki = public_spki(level, &pkcs8).unwrap();
            assert_eq!(
                seed_key::decode_public(level.oid(), &spki).unwrap().len(),
                ek_len
            );
            let (ct, ss) = encapsulate(level, &spki, &mut rng).unwrap();
            assert_eq!(ct.len(), level.ciphertext_len());
            assert_eq!(ss.len(), 32);
            assert_eq!(decapsulate(level, &pkcs8, &ct).unwrap(), ss);
            // Implicit rejection: a tampered ciphertext gives another secret, not an error.
            let mut bad = ct.clone();
            bad[0] ^= 1;
            assert_ne!(decapsulate(level, &pkcs8, &bad).unwrap(), ss);
            assert!(decapsulate(level, &pkcs8, &ct[1..]).is_err());
            assert!(!is_private_key(Level::MlKem768, &[0u8; 10]));
        }
        let other = generate(Level::MlKem512, &mut rng).unwrap();
        assert!(public_spki(Level::MlKem768, &other).is_err());
    }
}
