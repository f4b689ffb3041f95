//! Steps several operations share that need the store (so they cannot live in `model`): finding
//! the key a ciphertext belongs to and decrypting it, for Decrypt and ReEncrypt; making a data key
//! pair for both GenerateDataKeyPair operations. A symmetric blob
//! names its key; an RSA ciphertext is plain OAEP output, so it needs KeyId and EncryptionAlgorithm.

use std::collections::BTreeMap;

use crate::api::{
    Blob, DataKeyPairSpec, DryRunModifierType, EncryptionAlgorithmSpec, KeySpec, KeyUsageType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::ciphertext;
use crate::model::key::KeyRecord;
use crate::model::key_ref::Forms;
use crate::model::{asymmetric, symmetric};

use super::Env;

/// A decrypted source ciphertext.
pub struct Opened {
    /// The key that made it.
    pub key: KeyRecord,
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The material version that made it (symmetric keys only, as AWS reports it).
    pub material_id: Option<String>,
    /// The algorithm used.
    pub algorithm: EncryptionAlgorithmSpec,
}

/// The inputs of a decrypt step.
pub struct Source<'r> {
    /// The ciphertext (optional in the model, but needed: AWS answers its absence as a
    /// ValidationException).
    pub blob: Option<&'r Blob>,
    /// The member name, for the ValidationException when the blob is missing.
    pub blob_member: &'r str,
    /// An optional KeyId the blob must have been made with.
    pub key_id: Option<&'r str>,
    /// The encryption context it was made with.
    pub context: Option<&'r BTreeMap<String, String>>,
    /// An optional EncryptionAlgorithm.
    pub algorithm: Option<EncryptionAlgorithmSpec>,
    /// The operation name for usage errors.
    pub operation: &'r str,
}

/// Resolves and checks the key a ciphertext names, then decrypts it. With `dry_run`, stops after
/// the checks with DryRunOperationException (`ignore_ciphertext` skips the ciphertext's own
/// validation, as DryRunModifiers IGNORE_CIPHERTEXT does).
pub fn open(
    env: &mut Env<'_, '_>,
    src: &Source<'_>,
    dry_run: bool,
    ignore_ciphertext: bool,
) -> KmsResult<Opened> {
    let Some(blob) = src.blob else {
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            src.blob_member
        )));
    };
    let parsed = ciphertext::parse(&blob.0);
    let named = match src.key_id {
        Some(id) => Some(env.txn.resolve_key(env.ctx, id, Forms::Any)?),
        None => None,
    };
    let key = match (&parsed, named) {
        (Some(p), Some(named)) if p.header.key_id != named.key_id => {
            if dry_run && ignore_ciphertext {
                named
            } else {
                return Err(KmsError::incorrect_key());
            }
        }
        (_, Some(named)) => named,
        // A blob naming a key that was never here is one this emulator did not make (or whose
        // key bytes were altered): InvalidCiphertextException, as AWS answers a blob it did not
        // make (§2.21), never a NotFoundException naming a made-up key. NotFoundException is
        // kept for a key that existed and was deleted, and for a Multi-Region blob in a Region
        // without a replica (AWS's answers to those two are not pinned down).
        (Some(p), None) => env
            .txn
            .key_by_id(env.ctx, &p.header.key_id)
            .ok_or_else(|| {
                let id = &p.header.key_id;
                if id.starts_with("mrk-") || env.txn.key_was_created(env.ctx, id) {
                    KmsError::key_not_found(&env.ctx.arn(&format!("key/{}", p.header.key_id)))
                } else {
                    KmsError::invalid_ciphertext()
                }
            })?,
        (None, None) => return Err(KmsError::invalid_ciphertext()),
    };
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return open_asymmetric(env, src, key, blob, dry_run, ignore_ciphertext);
    }
    symmetric::check_key(&key, src.operation)?;
    let algorithm = symmetric::algorithm(&key, src.algorithm)?;
    if dry_run && ignore_ciphertext {
        return Err(KmsError::dry_run());
    }
    let parsed = parsed.ok_or_else(KmsError::invalid_ciphertext)?;
    let (plaintext, material) =
        symmetric::decrypt(env.accelerators.aes_gcm(), &key, &parsed, src.context)?;
    if dry_run {
        return Err(KmsError::dry_run());
    }
    let material_id = Some(material.id.clone());
    Ok(Opened {
        key,
        plaintext,
        material_id,
        algorithm,
    })
}

/// Decrypt/ReEncrypt's source under an asymmetric key named by KeyId.
fn open_asymmetric(
    env: &mut Env<'_, '_>,
    src: &Source<'_>,
    key: KeyRecord,
    blob: &Blob,
    dry_run: bool,
    ignore_ciphertext: bool,
) -> KmsResult<Opened> {
    key.require_usable()?;
    // A KeyId that names no encryption key (HMAC, signing, key agreement…) cannot have made any
    // ciphertext: IncorrectKeyException, as AWS answers ReEncrypt with an HMAC SourceKeyId
    // [AWS-snap, §2.21] and Decrypt with a signing KeyId [AWS-snap 2023-04].
    if key.key_usage != KeyUsageType::ENCRYPT_DECRYPT {
        return Err(KmsError::incorrect_key());
    }
    let algorithm = symmetric::algorithm(&key, src.algorithm)?;
    asymmetric::reject_context(src.context)?;
    if dry_run && ignore_ciphertext {
        return Err(KmsError::dry_run());
    }
    let plaintext = asymmetric::decrypt(&key, algorithm, &blob.0, env.rng)?;
    if dry_run {
        return Err(KmsError::dry_run());
    }
    Ok(Opened {
        key,
        plaintext,
        material_id: None,
        algorithm,
    })
}

/// Whether DryRunModifiers contains IGNORE_CIPHERTEXT.
pub fn ignores_ciphertext(modifiers: Option<&Vec<DryRunModifierType>>) -> bool {
    modifiers.is_some_and(|m| m.contains(&DryRunModifierType::IGNORE_CIPHERTEXT))
}

/// A data key pair made for GenerateDataKeyPair(WithoutPlaintext).
pub struct DataKeyPair {
    /// The symmetric key that encrypted the private key.
    pub key: KeyRecord,
    /// The spec of the pair.
    pub spec: DataKeyPairSpec,
    /// The PKCS#8 DER private key.
    pub private_key: Vec<u8>,
    /// The DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// The private key encrypted under `key` with the encryption context.
    pub ciphertext: Vec<u8>,
    /// The material of `key` that encrypted it.
    pub material_id: String,
}

/// The request members both GenerateDataKeyPair operations share.
pub struct DataKeyPairRequest<'r> {
    /// The symmetric encryption key.
    pub key_id: &'r str,
    /// KeyPairSpec.
    pub spec: DataKeyPairSpec,
    /// The encryption context bound to the encrypted private key.
    pub context: Option<&'r BTreeMap<String, String>>,
    /// DryRun.
    pub dry_run: bool,
    /// The operation name, for usage errors.
    pub operation: &'r str,
}

/// Resolves and checks the symmetric key, generates the pair and encrypts its private key.
pub fn data_key_pair(
    env: &mut Env<'_, '_>,
    req: &DataKeyPairRequest<'_>,
) -> KmsResult<DataKeyPair> {
    let spec = req.spec;
    let key = env.txn.resolve_key(env.ctx, req.key_id, Forms::Any)?;
    symmetric::check_key(&key, req.operation)?;
    let kind = asymmetric::pair_kind(spec).ok_or_else(|| {
        KmsError::feature_not_implemented(&format!("KeyPairSpec {}", spec.as_str()))
    })?;
    if req.dry_run {
        return Err(KmsError::dry_run());
    }
    let pair = asymmetric::generate(kind, env.rng, env.host_keys)?;
    let nonce = env.random_array()?;
    let (ciphertext, material) = symmetric::encrypt(
        env.accelerators.aes_gcm(),
        &key,
        nonce,
        req.context,
        &pair.private_key,
    )?;
    let material_id = material.id.clone();
    Ok(DataKeyPair {
        key,
        spec,
        private_key: pair.private_key,
        public_key: pair.public_key,
        ciphertext,
        material_id,
    })
}

/// A data key made by GenerateDataKey or GenerateDataKeyWithoutPlaintext.
pub struct DataKey {
    /// The key it is encrypted under.
    pub key: KeyRecord,
    /// The data key in the clear.
    pub plaintext: Vec<u8>,
    /// The data key encrypted under `key`.
    pub blob: Vec<u8>,
    /// The material that encrypted it.
    pub material_id: String,
}

/// The shared body of the GenerateDataKey pair: length rules, key checks, DryRun, then a random
/// data key encrypted under the KMS key with the encryption context.
pub fn generate_data_key(
    env: &mut Env<'_, '_>,
    operation: &str,
    key_id: &str,
    length: usize,
    context: Option<&BTreeMap<String, String>>,
    dry_run: bool,
) -> KmsResult<DataKey> {
    let key = env.txn.resolve_key(env.ctx, key_id, Forms::Any)?;
    symmetric::check_key(&key, operation)?;
    if dry_run {
        return Err(KmsError::dry_run());
    }
    let plaintext = env.random(length)?;
    let nonce = env.random_array()?;
    let (blob, material) =
        symmetric::encrypt(env.accelerators.aes_gcm(), &key, nonce, context, &plaintext)?;
    let material_id = material.id.clone();
    Ok(DataKey {
        key,
        plaintext,
        blob,
        material_id,
    })
}

/// The first checks of every cryptographic operation on an asymmetric or HMAC key: resolve any of
/// the four identifier forms, then the key state, then the key usage (in AWS's order).
pub fn usable_key(
    env: &Env<'_, '_>,
    key_id: &str,
    usage: KeyUsageType,
    operation: &str,
) -> KmsResult<KeyRecord> {
    let key = env.txn.resolve_key(env.ctx, key_id, Forms::Any)?;
    key.require_usable()?;
    key.require_usage(usage, operation)?;
    Ok(key)
}
