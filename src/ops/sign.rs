//! Sign: a SIGN_VERIFY key signs under each algorithm's MessageType rule: RSA/ECDSA take a RAW
//! message (hashed once) or a DIGEST (used as given, exactly the hash length); Ed25519 takes
//! RAW (ED25519_SHA_512) or a SHA-512 DIGEST (ED25519_PH_SHA_512); ML-DSA takes RAW; SM2DSA takes
//! RAW (SM3 with Z_A) or a 32-byte DIGEST. ECDSA and SM2 signatures are ASN.1 DER; PSS salt =
//! digest length.

use crate::api::{Blob, KeyUsageType, SignRequest, SignResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;

use super::common;
use super::Env;

/// Runs Sign.
pub fn run(env: &mut Env<'_, '_>, req: SignRequest) -> KmsResult<SignResponse> {
    let key = common::usable_key(env, req.key_id.as_str(), KeyUsageType::SIGN_VERIFY, "Sign")?;
    let algorithm = asymmetric::signing_algorithm(&key, req.signing_algorithm)?;
    let message = req.message;
    let input = asymmetric::message_digest(algorithm, req.message_type, &message.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    let signature = asymmetric::sign(env.accelerators.ecdsa(), &key, algorithm, &input, env.rng)?;
    Ok(SignResponse {
        key_id: Some(key.arn.clone()),
        signature: Some(Blob(signature)),
        signing_algorithm: Some(algorithm),
    })
}
