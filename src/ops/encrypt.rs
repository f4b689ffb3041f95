//! Encrypt: up to 4096 bytes under a symmetric key, with the encryption context bound as AAD.

use crate::api::{Blob, EncryptRequest, EncryptResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref::Forms;
use crate::model::symmetric;

use super::Env;

/// Runs Encrypt.
pub fn run(env: &mut Env<'_, '_>, req: EncryptRequest) -> KmsResult<EncryptResponse> {
    let key = env.txn.resolve_key(
        env.ctx,
        req.key_id.as_deref().unwrap_or_default(),
        Forms::Any,
    )?;
    symmetric::check_key(&key, "Encrypt")?;
    let algorithm = symmetric::algorithm(&key, req.encryption_algorithm.as_deref())?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let nonce = env.random_array()?;
    let plaintext = req.plaintext.unwrap_or_default();
    let (blob, _) = symmetric::encrypt(&key, nonce, req.encryption_context.as_ref(), &plaintext.0)?;
    Ok(EncryptResponse {
        ciphertext_blob: Some(Blob(blob)),
        key_id: Some(key.arn.clone()),
        encryption_algorithm: Some(algorithm),
    })
}
