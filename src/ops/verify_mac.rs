//! VerifyMac: recomputes the HMAC and compares in constant time. A mismatch is
//! KMSInvalidMacException with an empty message; AWS never answers `MacValid: false`.

use crate::api::{KeyUsageType, VerifyMacRequest, VerifyMacResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::mac;

use super::common;
use super::Env;

/// Runs VerifyMac.
pub fn run(env: &mut Env<'_, '_>, req: VerifyMacRequest) -> KmsResult<VerifyMacResponse> {
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::GENERATE_VERIFY_MAC,
        "VerifyMac",
    )?;
    let algorithm = mac::algorithm(&key, req.mac_algorithm)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let message = req.message;
    let tag = req.mac;
    mac::verify(&key, &message.0, &tag.0)?;
    Ok(VerifyMacResponse {
        key_id: Some(key.arn.clone()),
        mac_valid: Some(true),
        mac_algorithm: Some(algorithm),
    })
}
