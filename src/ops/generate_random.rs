//! GenerateRandom: 1–1024 random bytes.

use crate::api::{Blob, ErrorCode, GenerateRandomRequest, GenerateRandomResponse};
use crate::error::{KmsError, KmsResult};

use super::Env;

/// Runs GenerateRandom.
pub fn run(env: &mut Env<'_, '_>, req: GenerateRandomRequest) -> KmsResult<GenerateRandomResponse> {
    // The model leaves NumberOfBytes optional; AWS requires it with this text (§2.2).
    let n = req
        .number_of_bytes
        .ok_or_else(|| KmsError::validation("NumberOfBytes is required."))?;
    if req.custom_key_store_id.is_some() {
        return Err(KmsError::new(
            ErrorCode::CustomKeyStoreNotFoundException,
            "",
        ));
    }
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let n =
        usize::try_from(n).map_err(|_| KmsError::validation("NumberOfBytes is out of range."))?;
    Ok(GenerateRandomResponse {
        plaintext: Some(Blob(env.random(n)?)),
        ciphertext_for_recipient: None,
    })
}
