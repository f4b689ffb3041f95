//! Sign: an RSA or ECC SIGN_VERIFY key signs a RAW message (hashed once here) or a DIGEST (used as
//! given, exactly the hash length). ECDSA signatures are ASN.1 DER; PSS salt = digest length.

use crate::api::{Blob, KeyUsageType, SignRequest, SignResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs Sign.
pub fn run(env: &mut Env<'_, '_>, req: SignRequest) -> KmsResult<SignResponse> {
    let key = env.txn.resolve_key(
        env.ctx,
        req.key_id.as_deref().unwrap_or_default(),
        Forms::Any,
    )?;
    key.require_usable()?;
    key.require_usage(KeyUsageType::SIGN_VERIFY, "Sign")?;
    let algorithm = asymmetric::signing_algorithm(&key, req.signing_algorithm.as_deref())?;
    let message = req.message.unwrap_or_default();
    let digest = asymmetric::message_digest(algorithm, req.message_type.as_deref(), &message.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let signature = asymmetric::sign(&key, algorithm, &digest, env.rng)?;
    Ok(SignResponse {
        key_id: Some(key.arn.clone()),
        signature: Some(Blob(signature)),
        signing_algorithm: Some(algorithm),
    })
}
