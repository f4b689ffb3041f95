//! GenerateDataKey: a random data key (KeySpec AES_128/AES_256, or NumberOfBytes), returned in the
//! clear and encrypted under a symmetric KMS key with the encryption context.

use crate::api::{Blob, GenerateDataKeyRequest, GenerateDataKeyResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::data_key;

use super::common;
use super::Env;

/// Runs GenerateDataKey.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyRequest,
) -> KmsResult<GenerateDataKeyResponse> {
    let length = data_key::length(req.key_spec, req.number_of_bytes)?;
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let made = common::generate_data_key(
        env,
        "GenerateDataKey",
        req.key_id.as_str(),
        length,
        req.encryption_context.as_ref(),
        req.dry_run == Some(true),
    )?;
    Ok(GenerateDataKeyResponse {
        ciphertext_blob: Some(Blob(made.blob)),
        plaintext: Some(Blob(made.plaintext)),
        key_id: Some(made.key.arn),
        key_material_id: Some(made.material_id),
        ciphertext_for_recipient: None,
    })
}
