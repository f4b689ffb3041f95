//! Symmetric encryption with a KMS key: the checks every Encrypt-like and Decrypt-like operation
//! makes on the key and algorithm, then the ciphertext format. Shared by Encrypt, Decrypt,
//! ReEncrypt and the GenerateDataKey family.

use std::collections::BTreeMap;

use crate::api::{EncryptionAlgorithmSpec, KeySpec, KeyUsageType};
use crate::crypto::aes_gcm::{self, NONCE_LEN};
use crate::error::{KmsError, KmsResult};
use crate::model::ciphertext::{self, Parsed};
use crate::model::encryption_context::canonical;
use crate::model::key::{KeyMaterial, KeyRecord};
use crate::model::specs;

/// Parses an optional `EncryptionAlgorithm` member (validated already) against the key.
pub fn algorithm(
    key: &KeyRecord,
    requested: Option<EncryptionAlgorithmSpec>,
) -> KmsResult<EncryptionAlgorithmSpec> {
    let alg = requested.unwrap_or(EncryptionAlgorithmSpec::SYMMETRIC_DEFAULT);
    let allowed = specs::algorithms(key.key_spec, key.key_usage)
        .unwrap_or_default()
        .encryption;
    if !allowed.contains(&alg) {
        return Err(KmsError::incompatible_algorithm(
            alg.as_str(),
            key.key_spec.as_str(),
        ));
    }
    Ok(alg)
}

/// The checks before using `key` for `operation`: state, then usage, then that it is a symmetric
/// encryption key at all (an RSA ENCRYPT_DECRYPT key cannot make or open symmetric ciphertexts:
/// `Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.`, AWS's text for Encrypt
/// without an EncryptionAlgorithm).
pub fn check_key(key: &KeyRecord, operation: &str) -> KmsResult<()> {
    key.require_usable()?;
    key.require_usage(KeyUsageType::ENCRYPT_DECRYPT, operation)?;
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return Err(KmsError::incompatible_algorithm(
            EncryptionAlgorithmSpec::SYMMETRIC_DEFAULT.as_str(),
            key.key_spec.as_str(),
        ));
    }
    Ok(())
}

/// Encrypts under the key's current material; returns the blob and the material used.
pub fn encrypt<'k>(
    accelerator: Option<&dyn aes_gcm::Accelerator>,
    key: &'k KeyRecord,
    nonce: [u8; NONCE_LEN],
    context: Option<&BTreeMap<String, String>>,
    plaintext: &[u8],
) -> KmsResult<(Vec<u8>, &'k KeyMaterial)> {
    let material = key.current_material()?;
    let blob = ciphertext::seal(
        accelerator,
        &key.key_id,
        &material.id,
        &material.bytes.0,
        nonce,
        &canonical(context),
        plaintext,
    )
    .ok_or_else(|| KmsError::internal("symmetric encryption failed"))?;
    Ok((blob, material))
}

/// Decrypts a parsed blob with the key it names; InvalidCiphertextException for any failure.
pub fn decrypt<'k>(
    accelerator: Option<&dyn aes_gcm::Accelerator>,
    key: &'k KeyRecord,
    parsed: &Parsed<'_>,
    context: Option<&BTreeMap<String, String>>,
) -> KmsResult<(Vec<u8>, &'k KeyMaterial)> {
    let material = key
        .material(&parsed.header.material_id)
        .ok_or_else(KmsError::invalid_ciphertext)?;
    let plaintext = parsed
        .open(accelerator, &material.bytes.0, &canonical(context))
        .ok_or_else(KmsError::invalid_ciphertext)?;
    Ok((plaintext, material))
}
