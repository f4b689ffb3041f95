//! GenerateMac: the HMAC of a message (1–4096 bytes) under an HMAC key whose spec matches the
//! MacAlgorithm.

use crate::api::{Blob, GenerateMacRequest, GenerateMacResponse, KeyUsageType};
use crate::error::{KmsError, KmsResult};
use crate::model::mac;

use super::common;
use super::Env;

/// Runs GenerateMac.
pub fn run(env: &mut Env<'_, '_>, req: GenerateMacRequest) -> KmsResult<GenerateMacResponse> {
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::GENERATE_VERIFY_MAC,
        "GenerateMac",
    )?;
    let algorithm = mac::algorithm(&key, req.mac_algorithm)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let message = req.message;
    let tag = mac::generate(&key, &message.0)?;
    Ok(GenerateMacResponse {
        mac: Some(Blob(tag)),
        mac_algorithm: Some(algorithm),
        key_id: Some(key.arn.clone()),
    })
}
