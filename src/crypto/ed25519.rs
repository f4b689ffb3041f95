//! Ed25519 (RFC 8032): key generation, PKCS#8 v1 / SPKI encoding (OID 1.3.101.112), PureEdDSA
//! over a message and Ed25519ph over a given SHA-512 prehash (empty context). Keys travel as DER
//! bytes; every failure is opaque.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::digest::{self, consts::U64, FixedOutput, HashMarker, OutputSizeUser, Update};

use super::rng::RandomSource;

/// An Ed25519 operation failed (bad key bytes, bad input, or the randomness failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ed25519Error;

/// The length of the prehash Ed25519ph signs (a SHA-512 digest).
pub const PREHASH_LEN: usize = 64;

/// A fresh private key as PKCS#8 v1 DER (the 48-byte form OpenSSL and node:crypto write).
pub fn generate(rng: &mut dyn RandomSource) -> Result<Vec<u8>, Ed25519Error> {
    let mut seed = [0u8; 32];
    rng.fill(&mut seed).map_err(|_| Ed25519Error)?;
    encode_private(&seed)
}

/// PKCS#8 v1 DER of a 32-byte Ed25519 seed (no embedded public key, as AWS and OpenSSL write it).
pub fn encode_private(seed: &[u8; 32]) -> Result<Vec<u8>, Ed25519Error> {
    let pair = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: *seed,
        public_key: None,
    };
    Ok(pair
        .to_pkcs8_der()
        .map_err(|_| Ed25519Error)?
        .as_bytes()
        .to_vec())
}

fn signing_key(pkcs8: &[u8]) -> Result<SigningKey, Ed25519Error> {
    SigningKey::from_pkcs8_der(pkcs8).map_err(|_| Ed25519Error)
}

/// SubjectPublicKeyInfo DER of the public half of a PKCS#8 private key.
pub fn public_spki(pkcs8: &[u8]) -> Result<Vec<u8>, Ed25519Error> {
    Ok(signing_key(pkcs8)?
        .verifying_key()
        .to_public_key_der()
        .map_err(|_| Ed25519Error)?
        .into_vec())
}

/// Whether `pkcs8` is an Ed25519 private key.
pub fn is_private_key(pkcs8: &[u8]) -> bool {
    signing_key(pkcs8).is_ok()
}

/// A SHA-512 digest the caller already computed, handed to ed25519-dalek's prehashed API (which
/// takes a hasher and only ever finalizes it).
#[derive(Clone)]
struct Prehash([u8; PREHASH_LEN]);

impl Default for Prehash {
    fn default() -> Self {
        Self([0; PREHASH_LEN])
    }
}

impl HashMarker for Prehash {}

impl OutputSizeUser for Prehash {
    type OutputSize = U64;
}

impl Update for Prehash {
    fn update(&mut self, _data: &[u8]) {}
}

impl FixedOutput for Prehash {
    fn finalize_into(self, out: &mut digest::Output<Self>) {
        out.copy_from_slice(&self.0);
    }
}

fn prehash(digest: &[u8]) -> Result<Prehash, Ed25519Error> {
    Ok(Prehash(digest.try_into().map_err(|_| Ed25519Error)?))
}

/// PureEdDSA signature (64 bytes) over `message`.
pub fn sign(pkcs8: &[u8], message: &[u8]) -> Result<Vec<u8>, Ed25519Error> {
    Ok(signing_key(pkcs8)?.sign(message).to_bytes().to_vec())
}

/// Ed25519ph signature (64 bytes) over a SHA-512 prehash `PH(M)`, with an empty context.
pub fn sign_prehashed(pkcs8: &[u8], digest: &[u8]) -> Result<Vec<u8>, Ed25519Error> {
    let sig = signing_key(pkcs8)?
        .sign_prehashed(prehash(digest)?, None)
        .map_err(|_| Ed25519Error)?;
    Ok(sig.to_bytes().to_vec())
}

fn parse(spki: &[u8], signature: &[u8]) -> Option<(VerifyingKey, Signature)> {
    let key = VerifyingKey::from_public_key_der(spki).ok()?;
    let sig = Signature::from_slice(signature).ok()?;
    Some((key, sig))
}

/// Whether `signature` is a valid PureEdDSA signature of `message` under the SPKI `spki`.
pub fn verify(spki: &[u8], message: &[u8], signature: &[u8]) -> bool {
    parse(spki, signature).is_some_and(|(key, sig)| key.verify(message, &sig).is_ok())
}

/// Whether `signature` is a valid Ed25519ph signature of the prehash `digest` under `spki`.
pub fn verify_prehashed(spki: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    let (Some((key, sig)), Ok(ph)) = (parse(spki, signature), prehash(digest)) else {
        return false;
    };
    key.verify_prehashed(ph, None, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha512};

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn key(seed_hex: &str) -> (Vec<u8>, Vec<u8>) {
        let seed: [u8; 32] = hex(seed_hex).try_into().unwrap();
        let pkcs8 = encode_private(&seed).unwrap();
        let spki = public_spki(&pkcs8).unwrap();
        (pkcs8, spki)
    }

    // RFC 8032 §7.1 TEST 1 and TEST 3 (Ed25519).
    #[test]
    fn rfc8032_ed25519_vectors() {
        let cases = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
            ),
        ];
        for (seed, public, msg, sig) in cases {
            let (pkcs8, spki) = key(seed);
            assert_eq!(pkcs8.len(), 48, "PKCS#8 v1");
            // SPKI = 30 2a 30 05 06 03 2b 65 70 03 21 00 || public key.
            assert_eq!(&spki[..12], &hex("302a300506032b6570032100")[..]);
            assert_eq!(&spki[12..], &hex(public)[..]);
            assert_eq!(sign(&pkcs8, &hex(msg)).unwrap(), hex(sig));
            assert!(verify(&spki, &hex(msg), &hex(sig)));
            let mut bad = hex(sig);
            bad[0] ^= 1;
            assert!(!verify(&spki, &hex(msg), &bad));
        }
    }

    // RFC 8032 §7.3 TEST abc (Ed25519ph): PH(M) = SHA-512("abc").
    #[test]
    fn rfc8032_ed25519ph_vector() {
        let (pkcs8, spki) = key("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
        assert_eq!(
            &spki[12..],
            &hex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")[..]
        );
        let ph = Sha512::digest(b"abc").to_vec();
        let want = hex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406");
        assert_eq!(sign_prehashed(&pkcs8, &ph).unwrap(), want);
        assert!(verify_prehashed(&spki, &ph, &want));
        // Ed25519ph and PureEdDSA signatures are not interchangeable.
        assert!(!verify(&spki, b"abc", &want));
        assert!(!verify_prehashed(&spki, &ph[..63], &want));
        assert!(sign_prehashed(&pkcs8, &ph[..32]).is_err());
    }
}
