//! Asymmetric KMS keys (RSA, NIST/SECG ECC, Ed25519, SM2, ML-DSA, ML-KEM): which cryptography each
//! KeySpec and DataKeyPairSpec means, key-pair generation, and the rules of Sign/Verify (including
//! each algorithm's MessageType rule), asymmetric Encrypt/Decrypt, DeriveSharedSecret and
//! Encapsulate/Decapsulate with AWS's error texts (AWS-KMS-BEHAVIOUR.md §2.2, §2.13, §2.16). The
//! bytes themselves are `crypto::{rsa, ecc, ed25519, sm2, ml_dsa, ml_kem}`'s business.

use std::borrow::Cow;

use crate::api::{
    Blob, DataKeyPairSpec, EncapsulationAlgorithmSpec as Encap, EncryptionAlgorithmSpec as Enc,
    ErrorCode, KeySpec, MessageType, SigningAlgorithmSpec as Sig,
};
use crate::crypto::digest::Hash;
use crate::crypto::ecc::{self, Curve};
use crate::crypto::extra;
use crate::crypto::rng::RandomSource;
use crate::crypto::rsa::{self, HostKeyPool, Padding};
use crate::crypto::{ed25519, ml_dsa, ml_kem, sm2};
use crate::error::{KmsError, KmsResult};
use crate::model::key::KeyRecord;
use crate::model::specs;

/// The cryptography behind an asymmetric spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// RSA with a modulus of this many bits.
    Rsa(usize),
    /// A NIST or SECG elliptic curve (ECDSA, ECDH).
    Ecc(Curve),
    /// Ed25519 (EdDSA).
    Ed25519,
    /// The SM2 curve (SM2DSA, SM2PKE, ECDH).
    Sm2,
    /// ML-DSA at a parameter set.
    MlDsa(ml_dsa::Level),
    /// ML-KEM at a parameter set.
    MlKem(ml_kem::Level),
}

/// The kind of an asymmetric KeySpec (`None` for symmetric and HMAC specs).
pub fn kind(spec: KeySpec) -> Option<Kind> {
    Some(match spec {
        KeySpec::RSA_2048 => Kind::Rsa(2048),
        KeySpec::RSA_3072 => Kind::Rsa(3072),
        KeySpec::RSA_4096 => Kind::Rsa(4096),
        KeySpec::ECC_NIST_P256 => Kind::Ecc(Curve::P256),
        KeySpec::ECC_NIST_P384 => Kind::Ecc(Curve::P384),
        KeySpec::ECC_NIST_P521 => Kind::Ecc(Curve::P521),
        KeySpec::ECC_SECG_P256K1 => Kind::Ecc(Curve::Secp256k1),
        KeySpec::ECC_NIST_EDWARDS25519 => Kind::Ed25519,
        KeySpec::SM2 => Kind::Sm2,
        KeySpec::ML_DSA_44 => Kind::MlDsa(ml_dsa::Level::MlDsa44),
        KeySpec::ML_DSA_65 => Kind::MlDsa(ml_dsa::Level::MlDsa65),
        KeySpec::ML_DSA_87 => Kind::MlDsa(ml_dsa::Level::MlDsa87),
        KeySpec::ML_KEM_512 => Kind::MlKem(ml_kem::Level::MlKem512),
        KeySpec::ML_KEM_768 => Kind::MlKem(ml_kem::Level::MlKem768),
        KeySpec::ML_KEM_1024 => Kind::MlKem(ml_kem::Level::MlKem1024),
        KeySpec::SYMMETRIC_DEFAULT
        | KeySpec::HMAC_224
        | KeySpec::HMAC_256
        | KeySpec::HMAC_384
        | KeySpec::HMAC_512 => return None,
    })
}

/// The kind of a DataKeyPairSpec this emulator implements.
pub fn pair_kind(spec: DataKeyPairSpec) -> Option<Kind> {
    KeySpec::from_str(spec.as_str()).and_then(kind)
}

/// A generated key pair.
pub struct KeyPair {
    /// PKCS#8 DER private key (for ML-DSA and ML-KEM the seed-only form, so an ML-KEM private key
    /// is 86 bytes at every parameter set, as AWS documents for GenerateDataKeyPair).
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
    let private_key = match carried(kind)? {
        Kind::Rsa(bits) if extra::FULL => match pool.take_or_ask(bits) {
            Ok(Some(der)) => der,
            Ok(None) => rsa::generate(rng, bits).map_err(|_| failed())?,
            // The engine answers this call with the key size wanted, not with this error.
            Err(rsa::HostKeyWanted) => {
                return Err(KmsError::internal("The call waits for a host RSA key."))
            }
        },
        Kind::Ecc(curve) => ecc::generate(curve, rng).map_err(|_| failed())?,
        Kind::Ed25519 if extra::FULL => ed25519::generate(rng).map_err(|_| failed())?,
        Kind::Sm2 if extra::FULL => sm2::generate(rng).map_err(|_| failed())?,
        Kind::MlDsa(level) if extra::FULL => ml_dsa::generate(level, rng).map_err(|_| failed())?,
        Kind::MlKem(level) if extra::FULL => ml_kem::generate(level, rng).map_err(|_| failed())?,
        // `carried` refused the rest already.
        _ => return Err(failed()),
    };
    let public_key = spki(kind, &private_key)?;
    Ok(KeyPair {
        private_key,
        public_key,
    })
}

/// The DER SubjectPublicKeyInfo of a PKCS#8 private key of `kind` (fails when it is not one).
pub fn public_key_of(kind: Kind, private_key: &[u8]) -> KmsResult<Vec<u8>> {
    spki(kind, private_key)
}

fn spki(kind: Kind, private_key: &[u8]) -> KmsResult<Vec<u8>> {
    let failed = || KmsError::internal("The key material is corrupt.");
    match carried(kind)? {
        Kind::Rsa(_) if extra::FULL => rsa::public_spki(private_key).map_err(|_| failed()),
        Kind::Ecc(curve) => ecc::public_spki(curve, private_key).map_err(|_| failed()),
        Kind::Ed25519 if extra::FULL => ed25519::public_spki(private_key).map_err(|_| failed()),
        Kind::Sm2 if extra::FULL => sm2::public_spki(private_key).map_err(|_| failed()),
        Kind::MlDsa(level) if extra::FULL => {
            ml_dsa::public_spki(level, private_key).map_err(|_| failed())
        }
        Kind::MlKem(level) if extra::FULL => {
            ml_kem::public_spki(level, private_key).map_err(|_| failed())
        }
        // `carried` refused the rest already.
        _ => Err(failed()),
    }
}

fn key_kind(key: &KeyRecord) -> KmsResult<Kind> {
    carried(kind(key.key_spec).ok_or_else(|| KmsError::internal("not an asymmetric key"))?)
}

/// `kind`, when this build carries its cryptography. The core build (no feature `full`) carries
/// P-256 alone of the asymmetric kinds; any other marks the call (`crypto::extra`), which the
/// engine answers by asking the host for the full module. (The match arms of the other kinds are
/// guarded by the constant `extra::FULL`, so the core build's module holds none of their code.)
fn carried(kind: Kind) -> KmsResult<Kind> {
    if extra::FULL || kind == Kind::Ecc(Curve::P256) {
        Ok(kind)
    } else {
        extra::mark_missing();
        Err(KmsError::internal("This key type is in the full module."))
    }
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

/// The requested SigningAlgorithm must be one the key offers: `Algorithm X is incompatible with
/// key spec Y.`
pub fn signing_algorithm(key: &KeyRecord, alg: Sig) -> KmsResult<Sig> {
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

/// What Sign/Verify hand to the signature scheme after the MessageType rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInput {
    /// A digest of the algorithm's length: the RSA/ECDSA hash, the Ed25519ph prehash PH(M) or
    /// the SM2DSA `e = SM3(Z_A ‖ M)`.
    Digest(Vec<u8>),
    /// The message itself (MessageType RAW): PureEdDSA, ML-DSA and SM2DSA hash inside; RSA and
    /// ECDSA hash it with the algorithm's hash when they sign (`hashed`), so that a host signer,
    /// which only takes whole messages, can be handed the message.
    Message(Vec<u8>),
    /// An ML-DSA message representative μ computed by the caller (MessageType EXTERNAL_MU).
    ExternalMu(Vec<u8>),
}

/// The MessageType rule of each algorithm (AWS-KMS-BEHAVIOUR.md §2.13). RSA and ECDSA: a RAW
/// message is hashed once with the algorithm's hash (by the signer: `SignInput::Message`); a
/// DIGEST is used as given (never hashed twice) and must be exactly the hash length.
/// ED25519_SHA_512 takes RAW only; ED25519_PH_SHA_512 takes DIGEST only (a 64-byte SHA-512
/// digest, used as Ed25519ph's PH(M)). ML_DSA_SHAKE_256 takes RAW (and EXTERNAL_MU, a 64-byte μ);
/// SM2DSA takes RAW (hashed with Z_A of the default distinguishing ID) or a 32-byte DIGEST.
/// EXTERNAL_MU belongs to ML-DSA alone. The texts for a MessageType an algorithm does not take
/// are ours: AWS's wording is not recorded.
pub fn message_digest(
    alg: Sig,
    message_type: Option<MessageType>,
    message: &[u8],
) -> KmsResult<SignInput> {
    let message_type = message_type.unwrap_or(MessageType::RAW);
    let digest_of = |len: usize| {
        if message.len() == len {
            Ok(SignInput::Digest(message.to_vec()))
        } else {
            Err(KmsError::validation(format!(
                "Digest is invalid length for algorithm {}.",
                alg.as_str()
            )))
        }
    };
    let unsupported = || {
        Err(KmsError::validation(format!(
            "MessageType {} is not supported for algorithm {}.",
            message_type.as_str(),
            alg.as_str()
        )))
    };
    if let Some((hash, _)) = signing_hash(alg) {
        return match message_type {
            MessageType::RAW => Ok(SignInput::Message(message.to_vec())),
            MessageType::DIGEST => digest_of(hash.output_len()),
            MessageType::EXTERNAL_MU => unsupported(),
        };
    }
    match (alg, message_type) {
        (Sig::ED25519_SHA_512 | Sig::ML_DSA_SHAKE_256 | Sig::SM2DSA, MessageType::RAW) => {
            Ok(SignInput::Message(message.to_vec()))
        }
        (Sig::ED25519_PH_SHA_512, MessageType::DIGEST) => digest_of(ed25519::PREHASH_LEN),
        (Sig::SM2DSA, MessageType::DIGEST) => digest_of(sm2::DIGEST_LEN),
        (Sig::ML_DSA_SHAKE_256, MessageType::EXTERNAL_MU) => {
            if message.len() != EXTERNAL_MU_LEN {
                return Err(KmsError::validation(format!(
                    "External mu is invalid length for algorithm {}.",
                    alg.as_str()
                )));
            }
            Ok(SignInput::ExternalMu(message.to_vec()))
        }
        _ => unsupported(),
    }
}

/// The length of an ML-DSA external μ (FIPS 204 §6.2).
pub const EXTERNAL_MU_LEN: usize = 64;

fn unsupported_algorithm(alg: Sig) -> KmsError {
    KmsError::feature_not_implemented(&format!("SigningAlgorithm {}", alg.as_str()))
}

/// What RSA and ECDSA sign or verify: a DIGEST as given, a RAW message hashed once with `hash`.
fn hashed(hash: Hash, input: &SignInput) -> Option<Cow<'_, [u8]>> {
    match input {
        SignInput::Digest(d) => Some(Cow::Borrowed(d)),
        SignInput::Message(m) => Some(Cow::Owned(hash.digest(m))),
        SignInput::ExternalMu(_) => None,
    }
}

/// Signs what `message_digest` prepared.
pub fn sign(
    accelerator: Option<&dyn ecc::Accelerator>,
    key: &KeyRecord,
    alg: Sig,
    input: &SignInput,
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    let failed = || KmsError::internal("Signing failed.");
    let der = private_key(key)?;
    match (key_kind(key)?, input) {
        (Kind::Rsa(_), _) if extra::FULL => {
            let (hash, Some(p)) = signing_hash(alg).ok_or_else(|| unsupported_algorithm(alg))?
            else {
                return Err(failed());
            };
            let digest = hashed(hash, input).ok_or_else(failed)?;
            rsa::sign(der, p, hash, &digest, rng).map_err(|_| failed())
        }
        (Kind::Ecc(curve), SignInput::Digest(d)) => {
            ecc::sign(curve, der, d, rng).map_err(|_| failed())
        }
        (Kind::Ecc(curve), SignInput::Message(m)) => {
            let (hash, None) = signing_hash(alg).ok_or_else(|| unsupported_algorithm(alg))? else {
                return Err(failed());
            };
            ecc::sign_message(accelerator, curve, hash, der, m, rng).map_err(|_| failed())
        }
        (Kind::Ed25519, SignInput::Message(m)) if extra::FULL => {
            ed25519::sign(der, m).map_err(|_| failed())
        }
        (Kind::Ed25519, SignInput::Digest(d)) if extra::FULL => {
            ed25519::sign_prehashed(der, d).map_err(|_| failed())
        }
        (Kind::Sm2, SignInput::Message(m)) if extra::FULL => {
            sm2::sign(der, sm2::Input::Message(m), rng).map_err(|_| failed())
        }
        (Kind::Sm2, SignInput::Digest(d)) if extra::FULL => {
            sm2::sign(der, sm2::Input::Digest(d), rng).map_err(|_| failed())
        }
        (Kind::MlDsa(level), SignInput::Message(m)) if extra::FULL => {
            ml_dsa::sign(level, der, m, rng).map_err(|_| failed())
        }
        (Kind::MlDsa(level), SignInput::ExternalMu(mu)) if extra::FULL => {
            ml_dsa::sign_external_mu(level, der, mu, rng).map_err(|_| failed())
        }
        _ => Err(failed()),
    }
}

/// Verifies a signature over what `message_digest` prepared. A signature that does not verify (or
/// does not even parse) is KMSInvalidSignatureException without a message, as AWS answers:
/// never `SignatureValid: false`.
pub fn verify(key: &KeyRecord, alg: Sig, input: &SignInput, signature: &[u8]) -> KmsResult<()> {
    let spki = public_key(key)?;
    let valid = match (key_kind(key)?, input) {
        (Kind::Rsa(_), _) if extra::FULL => match signing_hash(alg) {
            Some((hash, Some(p))) => hashed(hash, input)
                .is_some_and(|digest| rsa::verify(&spki, p, hash, &digest, signature)),
            _ => false,
        },
        (Kind::Ecc(curve), _) => match signing_hash(alg) {
            Some((hash, None)) => hashed(hash, input)
                .is_some_and(|digest| ecc::verify(curve, &spki, &digest, signature)),
            _ => false,
        },
        (Kind::Ed25519, SignInput::Message(m)) if extra::FULL => {
            ed25519::verify(&spki, m, signature)
        }
        (Kind::Ed25519, SignInput::Digest(d)) if extra::FULL => {
            ed25519::verify_prehashed(&spki, d, signature)
        }
        (Kind::Sm2, SignInput::Message(m)) if extra::FULL => {
            sm2::verify(&spki, sm2::Input::Message(m), signature)
        }
        (Kind::Sm2, SignInput::Digest(d)) if extra::FULL => {
            sm2::verify(&spki, sm2::Input::Digest(d), signature)
        }
        (Kind::MlDsa(level), SignInput::Message(m)) if extra::FULL => {
            ml_dsa::verify(level, &spki, m, signature)
        }
        (Kind::MlDsa(level), SignInput::ExternalMu(mu)) if extra::FULL => {
            ml_dsa::verify_external_mu(level, &spki, mu, signature)
        }
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(KmsError::invalid_signature())
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

/// The plaintext limit of the key and algorithm (a parameter check, so it precedes DryRun):
/// RSAES-OAEP's per-spec limit, `Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt
/// data larger than 214 bytes.`, and SM2PKE's 1024 bytes (the same sentence; AWS's SM2 wording is
/// not recorded).
pub fn check_plaintext_length(key: &KeyRecord, alg: Enc, len: usize) -> KmsResult<()> {
    let max = match (key_kind(key)?, alg, oaep_hash(alg)) {
        (Kind::Rsa(bits), _, Some(hash)) => rsa::oaep_max_plaintext(bits, hash),
        (Kind::Sm2, Enc::SM2PKE, _) => SM2PKE_MAX_PLAINTEXT,
        _ => {
            return Err(KmsError::incompatible_algorithm(
                alg.as_str(),
                key.key_spec.as_str(),
            ))
        }
    };
    if len > max {
        return Err(KmsError::validation(format!(
            "Algorithm {} and key spec {} cannot encrypt data larger than {max} bytes.",
            alg.as_str(),
            key.key_spec.as_str()
        )));
    }
    Ok(())
}

/// The most an SM2PKE Encrypt takes (AWS key-spec docs: 1024 bytes of plaintext).
pub const SM2PKE_MAX_PLAINTEXT: usize = 1024;

/// Encryption with the key's public half (RSAES-OAEP, or SM2PKE with C1C3C2 ASN.1 output), within
/// AWS's plaintext limit.
pub fn encrypt(
    key: &KeyRecord,
    alg: Enc,
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    check_plaintext_length(key, alg, plaintext.len())?;
    let failed = || KmsError::internal("Encryption failed.");
    let spki = public_key(key)?;
    match (key_kind(key)?, oaep_hash(alg)) {
        (Kind::Rsa(_), Some(hash)) if extra::FULL => {
            rsa::encrypt(&spki, hash, plaintext, rng).map_err(|_| failed())
        }
        (Kind::Sm2, None) if extra::FULL => {
            sm2::encrypt(&spki, plaintext, rng).map_err(|_| failed())
        }
        _ => Err(failed()),
    }
}

/// Asymmetric decryption; any failure is InvalidCiphertextException with an empty message.
pub fn decrypt(
    key: &KeyRecord,
    alg: Enc,
    ciphertext: &[u8],
    rng: &mut dyn RandomSource,
) -> KmsResult<Vec<u8>> {
    match (key_kind(key)?, alg, oaep_hash(alg)) {
        (Kind::Rsa(_), _, Some(hash)) if extra::FULL => {
            rsa::decrypt(private_key(key)?, hash, ciphertext, rng)
                .map_err(|_| KmsError::invalid_ciphertext())
        }
        (Kind::Sm2, Enc::SM2PKE, _) if extra::FULL => {
            sm2::decrypt(private_key(key)?, ciphertext).map_err(|_| KmsError::invalid_ciphertext())
        }
        _ => Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        )),
    }
}

/// ECDH with the peer's DER SubjectPublicKeyInfo (NIST curves and SM2). A peer key that is not a
/// valid SPKI of the key's curve is ValidationException with no message text [AWS-snap 2024-12].
/// Not pinned down: botocore shows an absent and an empty message alike, so the recording cannot
/// tell them apart; we omit the member, since AWS never sends an empty one (§2.21).
pub fn derive_shared_secret(key: &KeyRecord, peer_spki: &[u8]) -> KmsResult<Vec<u8>> {
    let der = private_key(key)?;
    match key_kind(key)? {
        Kind::Ecc(curve) => ecc::diffie_hellman(curve, der, peer_spki),
        Kind::Sm2 if extra::FULL => sm2::diffie_hellman(der, peer_spki).map_err(|_| ecc::EccError),
        _ => return Err(KmsError::internal("not a key-agreement key")),
    }
    .map_err(|_| KmsError::without_message(ErrorCode::ValidationException))
}

/// The requested EncapsulationAlgorithm must be one the key offers.
pub fn encapsulation_algorithm(key: &KeyRecord, alg: Encap) -> KmsResult<Encap> {
    let allowed = specs::algorithms(key.key_spec, key.key_usage)
        .unwrap_or_default()
        .encapsulation;
    if !allowed.contains(&alg) {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    }
    Ok(alg)
}

fn kem_level(key: &KeyRecord) -> KmsResult<ml_kem::Level> {
    match key_kind(key)? {
        Kind::MlKem(level) => Ok(level),
        _ => Err(KmsError::internal("not an ML-KEM key")),
    }
}

/// ML-KEM encapsulation to the key's public half: (SharedSecretCiphertextBlob, SharedSecret).
pub fn encapsulate(key: &KeyRecord, rng: &mut dyn RandomSource) -> KmsResult<(Vec<u8>, Vec<u8>)> {
    let level = kem_level(key)?;
    if !extra::FULL {
        // Unreachable (`kem_level` refused), but says so to the compiler: no ML-KEM in the core.
        return Err(KmsError::internal("Encapsulation failed."));
    }
    ml_kem::encapsulate(level, &public_key(key)?, rng)
        .map_err(|_| KmsError::internal("Encapsulation failed."))
}

/// ML-KEM decapsulation. A ciphertext of the wrong length for the parameter set is
/// InvalidCiphertextException with an empty message; a wrong one of the right length yields an
/// unrelated secret (FIPS 203 implicit rejection), as any ML-KEM implementation answers.
pub fn decapsulate(key: &KeyRecord, ciphertext: &[u8]) -> KmsResult<Vec<u8>> {
    let level = kem_level(key)?;
    if !extra::FULL {
        // As in `encapsulate`.
        return Err(KmsError::invalid_ciphertext());
    }
    ml_kem::decapsulate(level, private_key(key)?, ciphertext)
        .map_err(|_| KmsError::invalid_ciphertext())
}
