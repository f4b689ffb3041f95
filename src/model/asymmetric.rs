//! Asymmetric KMS keys (RSA and ECC): which cryptography each KeySpec and DataKeyPairSpec means,
//! key-pair generation, and the rules of Sign/Verify, asymmetric Encrypt/Decrypt and
//! DeriveSharedSecret with AWS's error texts (AWS-KMS-BEHAVIOUR.md §2.2, §2.13, §2.16). The bytes
//! themselves are `crypto::{rsa, ecc}`'s business.

use crate::api::{
    Blob, DataKeyPairSpec, EncryptionAlgorithmSpec as Enc, ErrorCode, KeySpec, MessageType,
    SigningAlgorithmSpec as Sig,
};
use crate::crypto::digest::Hash;
use crate::crypto::ecc::{self, Curve};
use crate::crypto::rng::RandomSource;
use crate::crypto::rsa::{self, HostKeyPool, Padding};
use crate::error::{KmsError, KmsResult};
use crate::model::key::KeyRecord;
use crate::model::specs;

/// The cryptography behind an asymmetric spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// RSA with a modulus of this many bits.
    Rsa(usize),
    /// An elliptic curve.
    Ecc(Curve),
}

/// The kind of an asymmetric KeySpec this emulator implements (`None` for symmetric, HMAC and the
/// specs still to come).
pub fn kind(spec: KeySpec) -> Option<Kind> {
    Some(match spec {
        KeySpec::RSA_2048 => Kind::Rsa(2048),
        KeySpec::RSA_3072 => Kind::Rsa(3072),
        KeySpec::RSA_4096 => Kind::Rsa(4096),
        KeySpec::ECC_NIST_P256 => Kind::Ecc(Curve::P256),
        KeySpec::ECC_NIST_P384 => Kind::Ecc(Curve::P384),
        KeySpec::ECC_NIST_P521 => Kind::Ecc(Curve::P521),
        KeySpec::ECC_SECG_P256K1 => Kind::Ecc(Curve::Secp256k1),
        _ => return None,
    })
}

/// The kind of a DataKeyPairSpec this emulator implements.
pub fn pair_kind(spec: DataKeyPairSpec) -> Option<Kind> {
    KeySpec::from_str(spec.as_str()).and_then(kind)
}

/// A generated key pair.
pub struct KeyPair {
    /// PKCS#8 DER private key.
    pub private_key: Vec<u8>,
    /// DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
}

/// A fresh key pair of `kind`. RSA keys come from the host pool when it has one of that size
/// (validated when it was offered), else they are generated here.
pub fn generate(
    kind: Kind,
    rng: &mut dyn RandomSource,
    pool: &mut HostKeyPool,
) -> KmsResult<KeyPair> {
    let failed = || KmsError::internal("Key generation failed.");
    let private_key = match kind {
        Kind::Rsa(bits) => match pool.take(bits) {
            Some(der) => der,
            None => rsa::generate(rng, bits).map_err(|_| failed())?,
        },
        Kind::Ecc(curve) => ecc::generate(curve, rng).map_err(|_| failed())?,
    };
    let public_key = spki(kind, &private_key)?;
    Ok(KeyPair {
        private_key,
        public_key,
    })
}

fn spki(kind: Kind, private_key: &[u8]) -> KmsResult<Vec<u8>> {
    let failed = || KmsError::internal("The key material is corrupt.");
    match kind {
        Kind::Rsa(_) => rsa::public_spki(private_key).map_err(|_| failed()),
        Kind::Ecc(curve) => ecc::public_spki(curve, private_key).map_err(|_| failed()),
    }
}

fn key_kind(key: &KeyRecord) -> KmsResult<Kind> {
    kind(key.key_spec).ok_or_else(|| KmsError::internal("not an asymmetric key"))
}

fn private_key(key: &KeyRecord) -> KmsResult<&[u8]> {
    Ok(&key.current_material()?.bytes.0)
}

/// The DER SubjectPublicKeyInfo of an asymmetric key (cached, or derived from the private key).
pub fn public_key(key: &KeyRecord) -> KmsResult<Vec<u8>> {
    match &key.public_key {
        Some(Blob(der)) => Ok(der.clone()),
        None => spki(key_kind(key)?, private_key(key)?),
    }
}

/// GetPublicKey on a key with no public half (symmetric or HMAC). AWS answers with
/// UnsupportedOperationException; the text here is ours (not recorded from AWS).
pub fn require_public_key(key: &KeyRecord) -> KmsResult<()> {
    if kind(key.key_spec).is_some() {
        Ok(())
    } else {
        Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "{} key spec {} has no public key.",
                key.arn,
                key.key_spec.as_str()
            ),
        ))
    }
}

/// The requested SigningAlgorithm (present and a model value, validated already) must be one the
/// key offers: `Algorithm X is incompatible with key spec Y.`
pub fn signing_algorithm(key: &KeyRecord, requested: Option<&str>) -> KmsResult<Sig> {
    let name = requested.unwrap_or_default();
    let alg = Sig::from_str(name)
        .ok_or_else(|| KmsError::validation(format!("Unknown signing algorithm {name}")))?;
    let allowed = specs::algorithms(key.key_spec, key.key_usage)
        .unwrap_or_default()
        .signing;
    if !allowed.contains(&alg) {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    }
    Ok(alg)
}

fn signing_hash(alg: Sig) -> Option<(Hash, Option<Padding>)> {
    Some(match alg {
        Sig::RSASSA_PKCS1_V1_5_SHA_256 => (Hash::Sha256, Some(Padding::Pkcs1v15)),
        Sig::RSASSA_PKCS1_V1_5_SHA_384 => (Hash::Sha384, Some(Padding::Pkcs1v15)),
        Sig::RSASSA_PKCS1_V1_5_SHA_512 => (Hash::Sha512, Some(Padding::Pkcs1v15)),
        Sig::RSASSA_PSS_SHA_256 => (Hash::Sha256, Some(Padding::Pss)),
        Sig::RSASSA_PSS_SHA_384 => (Hash::Sha384, Some(Padding::Pss)),
        Sig::RSASSA_PSS_SHA_512 => (Hash::Sha512, Some(Padding::Pss)),
        Sig::ECDSA_SHA_256 => (Hash::Sha256, None),
        Sig::ECDSA_SHA_384 => (Hash::Sha384, None),
        Sig::ECDSA_SHA_512 => (Hash::Sha512, None),
        _ => return None,
    })
}

/// The digest to sign or verify: a RAW message is hashed once with the algorithm's hash; a DIGEST
/// is used as given (never hashed twice) and must be exactly the hash length.
pub fn message_digest(alg: Sig, message_type: Option<&str>, message: &[u8]) -> KmsResult<Vec<u8>> {
    let (hash, _) = signing_hash(alg).ok_or_else(|| unsupported_algorithm(alg))?;
    match message_type.and_then(MessageType::from_str) {
        None | Some(MessageType::RAW) => Ok(hash.digest(message)),
        Some(MessageType::DIGEST) if message.len() == hash.output_len() => Ok(message.to_vec()),
        Some(MessageType::DIGEST) => Err(KmsError::validation(format!(
            "Digest is invalid length for algorithm {}.",
            alg.as_str()
        ))),
        Some(other) => Err(KmsError::validation(format!(
            "MessageType {} is not supported for algorithm {}.",
            other.as_str(),
            alg.as_str()
        ))),
    }
}

fn unsupported_algorithm(alg: Sig) -> KmsError {
    KmsError::feature_not_implemented(&format!("SigningAlgorithm {}", alg.as_str()))
}

/// Signs a digest made by `message_digest`.
pub fn sign(
    key: &KeyRecord,
    alg: Sig,
    digest: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    let (hash, padding) = signing_hash(alg).ok_or_else(|| unsupported_algorithm(alg))?;
    let failed = || KmsError::internal("Signing failed.");
    match (key_kind(key)?, padding) {
        (Kind::Rsa(_), Some(p)) => {
            rsa::sign(private_key(key)?, p, hash, digest, rng).map_err(|_| failed())
        }
        (Kind::Ecc(curve), None) => {
            ecc::sign(curve, private_key(key)?, digest, rng).map_err(|_| failed())
        }
        _ => Err(failed()),
    }
}

/// Verifies a signature over a digest made by `message_digest`. A signature that does not verify
/// (or does not even parse) is KMSInvalidSignatureException with an empty message, as AWS answers:
/// never `SignatureValid: false`.
pub fn verify(key: &KeyRecord, alg: Sig, digest: &[u8], signature: &[u8]) -> KmsResult<()> {
    let (hash, padding) = signing_hash(alg).ok_or_else(|| unsupported_algorithm(alg))?;
    let spki = public_key(key)?;
    let valid = match (key_kind(key)?, padding) {
        (Kind::Rsa(_), Some(p)) => rsa::verify(&spki, p, hash, digest, signature),
        (Kind::Ecc(curve), None) => ecc::verify(curve, &spki, digest, signature),
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(KmsError::new(ErrorCode::KMSInvalidSignatureException, ""))
    }
}

fn oaep_hash(alg: Enc) -> Option<Hash> {
    match alg {
        Enc::RSAES_OAEP_SHA_1 => Some(Hash::Sha1),
        Enc::RSAES_OAEP_SHA_256 => Some(Hash::Sha256),
        _ => None,
    }
}

/// An asymmetric key takes no encryption context (docs encrypt_context: "You cannot specify an
/// encryption context in a cryptographic operation with an asymmetric KMS key"). The exception
/// text is ours; AWS's exact wording is not recorded.
pub fn reject_context(
    context: Option<&std::collections::BTreeMap<String, String>>,
) -> KmsResult<()> {
    match context {
        Some(c) if !c.is_empty() => Err(KmsError::validation(
            "EncryptionContext is not supported with asymmetric KMS keys.",
        )),
        _ => Ok(()),
    }
}

/// The plaintext limit of RSAES-OAEP for the key's size: `Algorithm RSAES_OAEP_SHA_1 and key spec
/// RSA_2048 cannot encrypt data larger than 214 bytes.` (a parameter check, so it precedes DryRun).
pub fn check_plaintext_length(key: &KeyRecord, alg: Enc, len: usize) -> KmsResult<Hash> {
    let (Kind::Rsa(bits), Some(hash)) = (key_kind(key)?, oaep_hash(alg)) else {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    };
    let max = rsa::oaep_max_plaintext(bits, hash);
    if len > max {
        return Err(KmsError::validation(format!(
            "Algorithm {} and key spec {} cannot encrypt data larger than {max} bytes.",
            alg.as_str(),
            key.key_spec.as_str()
        )));
    }
    Ok(hash)
}

/// RSAES-OAEP encryption with the key's public half, within AWS's per-spec plaintext limit.
pub fn encrypt(
    key: &KeyRecord,
    alg: Enc,
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    let hash = check_plaintext_length(key, alg, plaintext.len())?;
    rsa::encrypt(&public_key(key)?, hash, plaintext, rng)
        .map_err(|_| KmsError::internal("Encryption failed."))
}

/// RSAES-OAEP decryption; any failure is InvalidCiphertextException with an empty message.
pub fn decrypt(
    key: &KeyRecord,
    alg: Enc,
    ciphertext: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    let (Kind::Rsa(_), Some(hash)) = (key_kind(key)?, oaep_hash(alg)) else {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    };
    rsa::decrypt(private_key(key)?, hash, ciphertext, rng)
        .map_err(|_| KmsError::invalid_ciphertext())
}

/// ECDH with the peer's DER SubjectPublicKeyInfo. A peer key that is not a valid SPKI of the key's
/// curve is ValidationException with an empty message [AWS-snap 2024-12].
pub fn derive_shared_secret(key: &KeyRecord, peer_spki: &[u8]) -> KmsResult<Vec<u8>> {
    let Kind::Ecc(curve) = key_kind(key)? else {
        return Err(KmsError::internal("not an elliptic-curve key"));
    };
    ecc::diffie_hellman(curve, private_key(key)?, peer_spki).map_err(|_| KmsError::validation(""))
}
