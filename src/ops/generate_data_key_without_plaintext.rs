//! GenerateDataKeyWithoutPlaintext: GenerateDataKey that returns only the encrypted data key.

use crate::api::{
    Blob, GenerateDataKeyWithoutPlaintextRequest, GenerateDataKeyWithoutPlaintextResponse,
};
use crate::error::KmsResult;
use crate::model::data_key;

use super::common;
use super::Env;

/// Runs GenerateDataKeyWithoutPlaintext.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyWithoutPlaintextRequest,
) -> KmsResult<GenerateDataKeyWithoutPlaintextResponse> {
    let length = data_key::length(req.key_spec, req.number_of_bytes)?;
    let made = common::generate_data_key(
        env,
        "GenerateDataKeyWithoutPlaintext",
        req.key_id.as_str(),
        length,
        req.encryption_context.as_ref(),
        req.dry_run == Some(true),
    )?;
    Ok(GenerateDataKeyWithoutPlaintextResponse {
        ciphertext_blob: Some(Blob(made.blob)),
        key_id: Some(made.key.arn),
        key_material_id: Some(made.material_id),
    })
}
