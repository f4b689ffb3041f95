//! GenerateDataKey: a random data key (KeySpec AES_128/AES_256, or NumberOfBytes), returned in the
//! clear and encrypted under a symmetric KMS key with the encryption context.

use crate::api::{Blob, GenerateDataKeyRequest, GenerateDataKeyResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::data_key;
use crate::model::key_ref::Forms;
use crate::model::symmetric;

use super::Env;

/// Runs GenerateDataKey.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyRequest,
) -> KmsResult<GenerateDataKeyResponse> {
    let length = data_key::length(req.key_spec.as_deref(), req.number_of_bytes)?;
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let key = env.txn.resolve_key(
        env.ctx,
        req.key_id.as_deref().unwrap_or_default(),
        Forms::Any,
    )?;
    symmetric::check_key(&key, "GenerateDataKey")?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let plaintext = env.random(length)?;
    let nonce = env.random_array()?;
    let (blob, material) =
        symmetric::encrypt(&key, nonce, req.encryption_context.as_ref(), &plaintext)?;
    Ok(GenerateDataKeyResponse {
        ciphertext_blob: Some(Blob(blob)),
        plaintext: Some(Blob(plaintext)),
        key_id: Some(key.arn.clone()),
        key_material_id: Some(material.id.clone()),
        ciphertext_for_recipient: None,
    })
}
