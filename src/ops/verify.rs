//! Verify: checks a signature made by Sign (or outside KMS with the public key). A bad signature is
//! KMSInvalidSignatureException with an empty message; AWS never answers `SignatureValid: false`.

use crate::api::{KeyUsageType, VerifyRequest, VerifyResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;

use super::common;
use super::Env;

/// Runs Verify.
pub fn run(env: &mut Env<'_, '_>, req: VerifyRequest) -> KmsResult<VerifyResponse> {
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::SIGN_VERIFY,
        "Verify",
    )?;
    let algorithm = asymmetric::signing_algorithm(&key, req.signing_algorithm)?;
    let input = asymmetric::message_digest(algorithm, req.message_type, &req.message.0)?;
    // The signature is checked before DryRun: DryRunOperationException means "the request would
    // have succeeded" (developer guide, Testing your permissions), which a bad signature would not.
    asymmetric::verify(&key, algorithm, &input, &req.signature.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    Ok(VerifyResponse {
        key_id: Some(key.arn.clone()),
        signature_valid: Some(true),
        signing_algorithm: Some(algorithm),
    })
}
