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
    // The comparison comes before DryRun: DryRunOperationException means "the request would
    // have succeeded" (developer guide, Testing your permissions), which a wrong MAC would not
    // (§2.18: … key usage → MAC comparison → DryRun last).
    mac::verify(&key, &req.message.0, &req.mac.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    Ok(VerifyMacResponse {
        key_id: Some(key.arn.clone()),
        mac_valid: Some(true),
        mac_algorithm: Some(algorithm),
    })
}
