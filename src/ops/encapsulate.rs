//! Encapsulate: an ML-KEM ENCAPSULATE_DECAPSULATE key makes a fresh 32-byte shared secret and its
//! ciphertext (ML-KEM.Encaps with the key's encapsulation key); EncapsulationAlgorithm ML_KEM.

use crate::api::{Blob, EncapsulateRequest, EncapsulateResponse, KeyUsageType};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;

use super::common;
use super::Env;

/// Runs Encapsulate.
pub fn run(env: &mut Env<'_, '_>, req: EncapsulateRequest) -> KmsResult<EncapsulateResponse> {
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::ENCAPSULATE_DECAPSULATE,
        "Encapsulate",
    )?;
    let algorithm = asymmetric::encapsulation_algorithm(&key, req.encapsulation_algorithm)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let (ciphertext, secret) = asymmetric::encapsulate(&key, env.rng)?;
    Ok(EncapsulateResponse {
        key_id: Some(key.arn.clone()),
        shared_secret: Some(Blob(secret)),
        shared_secret_ciphertext_blob: Some(Blob(ciphertext)),
        encapsulation_algorithm: Some(algorithm),
    })
}
