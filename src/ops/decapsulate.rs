//! Decapsulate: an ML-KEM ENCAPSULATE_DECAPSULATE key recovers the shared secret of a ciphertext
//! (made by Encapsulate, or outside KMS with the public key). A ciphertext of the wrong length is
//! InvalidCiphertextException; a wrong one of the right length yields an unrelated secret, as
//! ML-KEM's implicit rejection defines.

use crate::api::{Blob, DecapsulateRequest, DecapsulateResponse, KeyUsageType};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;

use super::common;
use super::Env;

/// Runs Decapsulate.
pub fn run(env: &mut Env<'_, '_>, req: DecapsulateRequest) -> KmsResult<DecapsulateResponse> {
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::ENCAPSULATE_DECAPSULATE,
        "Decapsulate",
    )?;
    let algorithm = asymmetric::encapsulation_algorithm(&key, req.encapsulation_algorithm)?;
    let ciphertext = req.shared_secret_ciphertext_blob;
    let secret = asymmetric::decapsulate(&key, &ciphertext.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    Ok(DecapsulateResponse {
        key_id: Some(key.arn.clone()),
        shared_secret: Some(Blob(secret)),
        encapsulation_algorithm: Some(algorithm),
    })
}
