//! GenerateDataKeyPair: a fresh RSA or ECC key pair for use outside KMS: the PKCS#8 DER private key
//! in the clear and encrypted under a symmetric KMS key (with the encryption context), and the DER
//! SubjectPublicKeyInfo.

use crate::api::{Blob, GenerateDataKeyPairRequest, GenerateDataKeyPairResponse};
use crate::error::{KmsError, KmsResult};

use super::common::{self, DataKeyPairRequest};
use super::Env;

/// Runs GenerateDataKeyPair.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GenerateDataKeyPairRequest,
) -> KmsResult<GenerateDataKeyPairResponse> {
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let pair = common::data_key_pair(
        env,
        &DataKeyPairRequest {
            key_id: req.key_id.as_str(),
            spec: req.key_pair_spec,
            context: req.encryption_context.as_ref(),
            dry_run: req.dry_run == Some(true),
            operation: "GenerateDataKeyPair",
        },
    )?;
    Ok(GenerateDataKeyPairResponse {
        private_key_ciphertext_blob: Some(Blob(pair.ciphertext)),
        private_key_plaintext: Some(Blob(pair.private_key)),
        public_key: Some(Blob(pair.public_key)),
        key_id: Some(pair.key.arn.clone()),
        key_pair_spec: Some(pair.spec),
        ciphertext_for_recipient: None,
        key_material_id: Some(pair.material_id),
    })
}
