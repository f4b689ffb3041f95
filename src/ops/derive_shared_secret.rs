//! DeriveSharedSecret: ECDH between a KEY_AGREEMENT key (P-256/384/521) and the peer's DER
//! SubjectPublicKeyInfo; returns the raw shared secret, as OpenSSL derives it.

use crate::api::{Blob, DeriveSharedSecretRequest, DeriveSharedSecretResponse, KeyUsageType};
use crate::error::{KmsError, KmsResult};
use crate::model::asymmetric;

use super::common;
use super::Env;

/// Runs DeriveSharedSecret.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DeriveSharedSecretRequest,
) -> KmsResult<DeriveSharedSecretResponse> {
    if req.recipient.is_some() {
        return Err(KmsError::feature_not_implemented(
            "Recipient (Nitro Enclaves attestation)",
        ));
    }
    let key = common::usable_key(
        env,
        req.key_id.as_str(),
        KeyUsageType::KEY_AGREEMENT,
        "DeriveSharedSecret",
    )?;
    let algorithm = req.key_agreement_algorithm;
    let peer = req.public_key;
    let secret = asymmetric::derive_shared_secret(&key, &peer.0)?;
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    Ok(DeriveSharedSecretResponse {
        key_id: Some(key.arn.clone()),
        shared_secret: Some(Blob(secret)),
        ciphertext_for_recipient: None,
        key_agreement_algorithm: Some(algorithm),
        key_origin: Some(key.origin),
    })
}
