//! Steps several operations share that need the store (so they cannot live in `model`): finding
//! the key a symmetric ciphertext names and decrypting it, for Decrypt and ReEncrypt.

use std::collections::BTreeMap;

use crate::api::{Blob, EncryptionAlgorithmSpec};
use crate::error::{KmsError, KmsResult};
use crate::model::ciphertext;
use crate::model::key::KeyRecord;
use crate::model::key_ref::Forms;
use crate::model::symmetric;

use super::Env;

/// A decrypted source ciphertext.
pub struct Opened {
    /// The key that made it.
    pub key: KeyRecord,
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The material version that made it.
    pub material_id: String,
    /// The algorithm used.
    pub algorithm: EncryptionAlgorithmSpec,
}

/// The inputs of a decrypt step.
pub struct Source<'r> {
    /// The ciphertext (required).
    pub blob: Option<&'r Blob>,
    /// The member name, for the ValidationException when the blob is missing.
    pub blob_member: &'r str,
    /// An optional KeyId the blob must have been made with.
    pub key_id: Option<&'r str>,
    /// The encryption context it was made with.
    pub context: Option<&'r BTreeMap<String, String>>,
    /// An optional EncryptionAlgorithm.
    pub algorithm: Option<&'r str>,
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
        (Some(p), None) => env.txn.key(env.ctx, &p.header.key_id).ok_or_else(|| {
            KmsError::key_not_found(&env.ctx.arn(&format!("key/{}", p.header.key_id)))
        })?,
        (None, None) => return Err(KmsError::invalid_ciphertext()),
    };
    symmetric::check_key(&key, src.operation)?;
    let algorithm = symmetric::algorithm(&key, src.algorithm)?;
    if dry_run && ignore_ciphertext {
        return Err(KmsError::dry_run());
    }
    let parsed = parsed.ok_or_else(KmsError::invalid_ciphertext)?;
    let (plaintext, material) = symmetric::decrypt(&key, &parsed, src.context)?;
    if dry_run {
        return Err(KmsError::dry_run());
    }
    let material_id = material.id.clone();
    Ok(Opened {
        key,
        plaintext,
        material_id,
        algorithm,
    })
}

/// Whether DryRunModifiers contains IGNORE_CIPHERTEXT.
pub fn ignores_ciphertext(modifiers: Option<&Vec<String>>) -> bool {
    modifiers.is_some_and(|m| m.iter().any(|x| x == "IGNORE_CIPHERTEXT"))
}
