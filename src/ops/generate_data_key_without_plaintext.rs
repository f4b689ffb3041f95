//! GenerateDataKeyWithoutPlaintext: GenerateDataKey that returns only the encrypted data key.

use crate::api::{
    Blob, GenerateDataKeyWithoutPlaintextRequest, GenerateDataKeyWithoutPlaintextResponse,
};
use crate::error::{KmsError, KmsResult};
use crate::model::data_key;
use crate::model::key_ref::Forms;
use crate::model::symmetric;

use super::Env;

/// Runs GenerateDataKeyWithoutPlaintext.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyWithoutPlaintextRequest,
) -> KmsResult<GenerateDataKeyWithoutPlaintextResponse> {
    let length = data_key::length(req.key_spec.as_deref(), req.number_of_bytes)?;
    let key = env.txn.resolve_key(
        env.ctx,
        req.key_id.as_deref().unwrap_or_default(),
        Forms::Any,
    )?;
    symmetric::check_key(&key, "GenerateDataKeyWithoutPlaintext")?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let plaintext = env.random(length)?;
    let nonce = env.random_array()?;
    let (blob, material) =
        symmetric::encrypt(&key, nonce, req.encryption_context.as_ref(), &plaintext)?;
    Ok(GenerateDataKeyWithoutPlaintextResponse {
        ciphertext_blob: Some(Blob(blob)),
        key_id: Some(key.arn.clone()),
        key_material_id: Some(material.id.clone()),
    })
}
