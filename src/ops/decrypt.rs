//! Decrypt: a symmetric ciphertext, found by the key its header names (KeyId optional, but if given
//! it must be that key), with exactly the encryption context it was made with; or an RSAES-OAEP
//! ciphertext under the RSA key KeyId names, with its EncryptionAlgorithm.

use crate::api::{Blob, DecryptRequest, DecryptResponse};
use crate::error::{KmsError, KmsResult};

use super::common::{self, Source};
use super::Env;

/// Runs Decrypt.
pub fn run(env: &mut Env<'_, '_>, req: DecryptRequest) -> KmsResult<DecryptResponse> {
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let source = Source {
        blob: req.ciphertext_blob.as_ref(),
        blob_member: "ciphertextBlob",
        key_id: req.key_id.as_deref(),
        context: req.encryption_context.as_ref(),
        algorithm: req.encryption_algorithm,
        operation: "Decrypt",
    };
    let ignore = common::ignores_ciphertext(req.dry_run_modifiers.as_ref());
    let opened = common::open(env, &source, req.dry_run == Some(true), ignore)?;
    Ok(DecryptResponse {
        key_id: Some(opened.key.arn.clone()),
        plaintext: Some(Blob(opened.plaintext)),
        encryption_algorithm: Some(opened.algorithm),
        key_material_id: opened.material_id,
        ciphertext_for_recipient: None,
    })
}
