//! RSA: key generation (or a host-supplied key), PKCS#8/SPKI encoding, RSASSA-PKCS1-v1_5 and
//! RSASSA-PSS (salt length = digest length) over a precomputed digest, and RSAES-OAEP (MGF1 with
//! the same hash). Keys travel as DER bytes; every failure is opaque.
//!
//! Generating RSA keys in wasm is slow (seconds for 4096 bits), so `HostKeyPool` lets the host
//! hand in freshly generated keys (WebCrypto) which are validated here before use.

use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};

use super::digest::Hash;
use super::rng::{RandomSource, RngAdapter};

/// An RSA operation failed (bad key bytes, bad input, or the randomness failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsaError;

/// The public exponent of every generated key (as AWS and WebCrypto use).
const EXPONENT: u64 = 65_537;

/// How many host-supplied keys of one size the pool keeps.
const POOL_LIMIT: usize = 8;

/// A private key parsed from PKCS#8 DER.
pub fn private_key(pkcs8: &[u8]) -> Result<RsaPrivateKey, RsaError> {
    RsaPrivateKey::from_pkcs8_der(pkcs8).map_err(|_| RsaError)
}

/// A public key parsed from SubjectPublicKeyInfo DER.
pub fn public_key(spki: &[u8]) -> Result<RsaPublicKey, RsaError> {
    RsaPublicKey::from_public_key_der(spki).map_err(|_| RsaError)
}

/// The modulus size of a key, in bits.
pub fn modulus_bits(key: &RsaPrivateKey) -> usize {
    key.n().bits()
}

/// A fresh key of `bits` bits, as PKCS#8 DER.
pub fn generate(rng: &mut dyn RandomSource, bits: usize) -> Result<Vec<u8>, RsaError> {
    let mut rng = RngAdapter::new(rng);
    let exp = rsa::BigUint::from(EXPONENT);
    let key = RsaPrivateKey::new_with_exp(&mut rng, bits, &exp).map_err(|_| RsaError)?;
    let key = rng.check(key).map_err(|_| RsaError)?;
    encode_private(&key)
}

/// PKCS#8 DER of a private key.
pub fn encode_private(key: &RsaPrivateKey) -> Result<Vec<u8>, RsaError> {
    Ok(key
        .to_pkcs8_der()
        .map_err(|_| RsaError)?
        .as_bytes()
        .to_vec())
}

/// SubjectPublicKeyInfo DER of the public half of a PKCS#8 private key.
pub fn public_spki(pkcs8: &[u8]) -> Result<Vec<u8>, RsaError> {
    let key = private_key(pkcs8)?;
    Ok(key
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| RsaError)?
        .into_vec())
}

/// The signature schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// RSASSA-PKCS1-v1_5.
    Pkcs1v15,
    /// RSASSA-PSS with MGF1 of the same hash and a salt as long as the digest.
    Pss,
}

// No KMS signing algorithm uses SHA-1, so it is refused rather than supported.
fn pkcs1v15(hash: Hash) -> Result<Pkcs1v15Sign, RsaError> {
    Ok(match hash {
        Hash::Sha1 => return Err(RsaError),
        Hash::Sha224 => Pkcs1v15Sign::new::<sha2::Sha224>(),
        Hash::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        Hash::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        Hash::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    })
}

fn pss(hash: Hash) -> Pss {
    // Salt length = digest length: what AWS uses (AWS-KMS-BEHAVIOUR.md §2.13).
    match hash {
        Hash::Sha1 => Pss::new_with_salt::<sha1::Sha1>(hash.output_len()),
        Hash::Sha224 => Pss::new_with_salt::<sha2::Sha224>(hash.output_len()),
        Hash::Sha256 => Pss::new_with_salt::<sha2::Sha256>(hash.output_len()),
        Hash::Sha384 => Pss::new_with_salt::<sha2::Sha384>(hash.output_len()),
        Hash::Sha512 => Pss::new_with_salt::<sha2::Sha512>(hash.output_len()),
    }
}

fn oaep(hash: Hash) -> Oaep {
    match hash {
        Hash::Sha1 => Oaep::new::<sha1::Sha1>(),
        Hash::Sha224 => Oaep::new::<sha2::Sha224>(),
        Hash::Sha256 => Oaep::new::<sha2::Sha256>(),
        Hash::Sha384 => Oaep::new::<sha2::Sha384>(),
        Hash::Sha512 => Oaep::new::<sha2::Sha512>(),
    }
}

/// Signs a digest (already `hash.output_len()` bytes) with a PKCS#8 private key.
pub fn sign(
    pkcs8: &[u8],
    padding: Padding,
    hash: Hash,
    digest: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, RsaError> {
    let key = private_key(pkcs8)?;
    let mut rng = RngAdapter::new(rng);
    let sig = match padding {
        Padding::Pkcs1v15 => key.sign_with_rng(&mut rng, pkcs1v15(hash)?, digest),
        Padding::Pss => key.sign_with_rng(&mut rng, pss(hash), digest),
    }
    .map_err(|_| RsaError)?;
    rng.check(sig).map_err(|_| RsaError)
}

/// Whether `signature` is valid for `digest` under the SubjectPublicKeyInfo `spki`.
pub fn verify(spki: &[u8], padding: Padding, hash: Hash, digest: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = public_key(spki) else {
        return false;
    };
    match padding {
        Padding::Pkcs1v15 => pkcs1v15(hash)
            .and_then(|p| key.verify(p, digest, signature).map_err(|_| RsaError))
            .is_ok(),
        Padding::Pss => key.verify(pss(hash), digest, signature).is_ok(),
    }
}

/// The longest plaintext RSAES-OAEP with `hash` can encrypt under a `bits`-bit modulus.
pub fn oaep_max_plaintext(bits: usize, hash: Hash) -> usize {
    (bits / 8).saturating_sub(2 * hash.output_len() + 2)
}

/// RSAES-OAEP encryption under the SubjectPublicKeyInfo `spki`.
pub fn encrypt(
    spki: &[u8],
    hash: Hash,
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, RsaError> {
    let key = public_key(spki)?;
    let mut rng = RngAdapter::new(rng);
    let ct = key
        .encrypt(&mut rng, oaep(hash), plaintext)
        .map_err(|_| RsaError)?;
    rng.check(ct).map_err(|_| RsaError)
}

/// RSAES-OAEP decryption (blinded) with a PKCS#8 private key.
pub fn decrypt(
    pkcs8: &[u8],
    hash: Hash,
    ciphertext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, RsaError> {
    let key = private_key(pkcs8)?;
    let mut rng = RngAdapter::new(rng);
    let pt = key
        .decrypt_blinded(&mut rng, oaep(hash), ciphertext)
        .map_err(|_| RsaError)?;
    rng.check(pt).map_err(|_| RsaError)
}

/// A call stopped because it needs an RSA key the host is asked to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostKeyWanted;

/// Host-generated RSA private keys waiting to be used, by modulus size. In memory only: a key is
/// persisted only once an operation has taken it (as the material of a KMS key, or encrypted in a
/// data key pair), exactly like a key generated here.
///
/// While a call may ask the host (`ask_host`), an empty pool does not generate: `take_or_ask`
/// records the size wanted and the call stops, so that the host generates the key and the call
/// runs again (see `Engine::take_wanted_host_key`).
#[derive(Debug, Default)]
pub struct HostKeyPool {
    keys: Vec<(usize, Vec<u8>)>,
    ask_host: bool,
    wanted: Option<usize>,
}

impl HostKeyPool {
    /// Validates a PKCS#8 RSA private key of `bits` bits (it must parse, pass the rsa crate's
    /// consistency checks, have exactly that modulus size and exponent 65537) and parks it.
    pub fn offer(&mut self, bits: usize, pkcs8: &[u8]) -> Result<(), RsaError> {
        let key = private_key(pkcs8)?;
        if modulus_bits(&key) != bits || key.e() != &rsa::BigUint::from(EXPONENT) {
            return Err(RsaError);
        }
        key.validate().map_err(|_| RsaError)?;
        if self.keys.iter().filter(|(b, _)| *b == bits).count() >= POOL_LIMIT {
            return Ok(());
        }
        // Re-encode so what is stored is always our own canonical PKCS#8.
        self.keys.push((bits, encode_private(&key)?));
        Ok(())
    }

    /// Whether a call asks the host for missing keys instead of generating them.
    pub fn set_ask_host(&mut self, ask: bool) {
        self.ask_host = ask;
        self.wanted = None;
    }

    /// A parked key of `bits` bits; `Err` when there is none and the host is asked for one.
    pub fn take_or_ask(&mut self, bits: usize) -> Result<Option<Vec<u8>>, HostKeyWanted> {
        match self.take(bits) {
            Some(der) => Ok(Some(der)),
            None if self.ask_host => {
                self.wanted = Some(bits);
                Err(HostKeyWanted)
            }
            None => Ok(None),
        }
    }

    /// The modulus size a call asked the host for (cleared by the read).
    pub fn take_wanted(&mut self) -> Option<usize> {
        self.wanted.take()
    }

    /// Takes a parked key of `bits` bits, if any.
    pub fn take(&mut self, bits: usize) -> Option<Vec<u8>> {
        let i = self.keys.iter().position(|(b, _)| *b == bits)?;
        Some(self.keys.remove(i).1)
    }

    /// How many keys of `bits` bits are parked.
    pub fn available(&self, bits: usize) -> usize {
        self.keys.iter().filter(|(b, _)| *b == bits).count()
    }
}
