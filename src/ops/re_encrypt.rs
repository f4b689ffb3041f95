//! ReEncrypt: decrypts under the source key and context, re-encrypts under the destination key and
//! context, without exposing the plaintext. Either side may be a symmetric key or an RSA
//! ENCRYPT_DECRYPT key (which needs its EncryptionAlgorithm and takes no context).

use crate::api::{Blob, KeySpec, KeyUsageType, ReEncryptRequest, ReEncryptResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::{asymmetric, symmetric};

use super::common::{self, Source};
use super::Env;

/// Runs ReEncrypt.
pub fn run(env: &mut Env<'_, '_>, req: ReEncryptRequest) -> KmsResult<ReEncryptResponse> {
    let dry_run = req.dry_run == Some(true);
    let destination = env
        .txn
        .resolve_key(env.ctx, req.destination_key_id.as_str(), Forms::Any)?;
    let asymmetric_destination = destination.key_spec != KeySpec::SYMMETRIC_DEFAULT;
    if asymmetric_destination {
        destination.require_usable()?;
        destination.require_usage(KeyUsageType::ENCRYPT_DECRYPT, "ReEncrypt")?;
    } else {
        symmetric::check_key(&destination, "ReEncrypt")?;
    }
    let destination_algorithm =
        symmetric::algorithm(&destination, req.destination_encryption_algorithm)?;
    if asymmetric_destination {
        asymmetric::reject_context(req.destination_encryption_context.as_ref())?;
    }
    let source = Source {
        blob: req.ciphertext_blob.as_ref(),
        blob_member: "ciphertextBlob",
        key_id: req.source_key_id.as_deref(),
        context: req.source_encryption_context.as_ref(),
        algorithm: req.source_encryption_algorithm,
        operation: "ReEncrypt",
    };
    let ignore = common::ignores_ciphertext(req.dry_run_modifiers.as_ref());
    let opened = common::open(env, &source, dry_run, ignore)?;
    let (blob, destination_material) = if asymmetric_destination {
        asymmetric::check_plaintext_length(
            &destination,
            destination_algorithm,
            opened.plaintext.len(),
        )?;
        let blob = asymmetric::encrypt(
            &destination,
            destination_algorithm,
            &opened.plaintext,
            env.rng,
        )?;
        (blob, None)
    } else {
        let nonce = env.random_array()?;
        let (blob, material) = symmetric::encrypt(
            env.accelerators.aes_gcm(),
            &destination,
            nonce,
            req.destination_encryption_context.as_ref(),
            &opened.plaintext,
        )?;
        (blob, Some(material.id.clone()))
    };
    Ok(ReEncryptResponse {
        ciphertext_blob: Some(Blob(blob)),
        source_key_id: Some(opened.key.arn.clone()),
        key_id: Some(destination.arn.clone()),
        source_encryption_algorithm: Some(opened.algorithm),
        destination_encryption_algorithm: Some(destination_algorithm),
        source_key_material_id: opened.material_id,
        destination_key_material_id: destination_material,
    })
}
