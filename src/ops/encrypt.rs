//! Encrypt: up to 4096 bytes under a symmetric key, with the encryption context bound as AAD; or,
//! under an RSA ENCRYPT_DECRYPT key, plain RSAES-OAEP output (EncryptionAlgorithm required, no
//! encryption context, AWS's per-spec plaintext limits).

use crate::api::{Blob, EncryptRequest, EncryptResponse, KeySpec, KeyUsageType};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref::Forms;
use crate::model::{asymmetric, symmetric};

use super::Env;

/// Runs Encrypt.
pub fn run(env: &mut Env<'_, '_>, req: EncryptRequest) -> KmsResult<EncryptResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::Any)?;
    let plaintext = req.plaintext;
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        key.require_usable()?;
        key.require_usage(KeyUsageType::ENCRYPT_DECRYPT, "Encrypt")?;
        let algorithm = symmetric::algorithm(&key, req.encryption_algorithm)?;
        asymmetric::reject_context(req.encryption_context.as_ref())?;
        asymmetric::check_plaintext_length(&key, algorithm, plaintext.0.len())?;
        if req.dry_run == Some(true) {
            return Err(KmsError::dry_run());
        }
        let blob = asymmetric::encrypt(&key, algorithm, &plaintext.0, env.rng)?;
        return Ok(EncryptResponse {
            ciphertext_blob: Some(Blob(blob)),
            key_id: Some(key.arn.clone()),
            encryption_algorithm: Some(algorithm),
        });
    }
    symmetric::check_key(&key, "Encrypt")?;
    let algorithm = symmetric::algorithm(&key, req.encryption_algorithm)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let nonce = env.random_array()?;
    let (blob, _) = symmetric::encrypt(
        env.accelerators.aes_gcm(),
        &key,
        nonce,
        req.encryption_context.as_ref(),
        &plaintext.0,
    )?;
    Ok(EncryptResponse {
        ciphertext_blob: Some(Blob(blob)),
        key_id: Some(key.arn.clone()),
        encryption_algorithm: Some(algorithm),
    })
}
