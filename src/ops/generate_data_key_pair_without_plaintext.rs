//! GenerateDataKeyPairWithoutPlaintext: GenerateDataKeyPair without the plaintext private key.

use crate::api::{
    Blob, GenerateDataKeyPairWithoutPlaintextRequest, GenerateDataKeyPairWithoutPlaintextResponse,
};
use crate::error::KmsResult;

use super::common::{self, DataKeyPairRequest};
use super::Env;

/// Runs GenerateDataKeyPairWithoutPlaintext.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyPairWithoutPlaintextRequest,
) -> KmsResult<GenerateDataKeyPairWithoutPlaintextResponse> {
    let pair = common::data_key_pair(
        env,
        &DataKeyPairRequest {
            key_id: req.key_id.as_str(),
            spec: req.key_pair_spec,
            context: req.encryption_context.as_ref(),
            dry_run: req.dry_run == Some(true),
            operation: "GenerateDataKeyPairWithoutPlaintext",
        },
    )?;
    Ok(GenerateDataKeyPairWithoutPlaintextResponse {
        private_key_ciphertext_blob: Some(Blob(pair.ciphertext)),
        public_key: Some(Blob(pair.public_key)),
        key_id: Some(pair.key.arn.clone()),
        key_pair_spec: Some(pair.spec),
        key_material_id: Some(pair.material_id),
    })
}
