//! RotateKeyOnDemand: new key material now, independent of the automatic schedule, at most 25
//! times per key. A key with imported material rotates to the material staged with ImportType
//! NEW_KEY_MATERIAL (AWS-KMS-BEHAVIOUR.md §2.11, §2.12).

use crate::api::{
    ErrorCode, KeySpec, OriginType, RotateKeyOnDemandRequest, RotateKeyOnDemandResponse,
    RotationType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref::Forms;
use crate::model::rotation::ON_DEMAND_LIMIT;

use super::Env;

/// Runs RotateKeyOnDemand.
pub fn run(
    env: &mut Env<'_, '_>,
    req: RotateKeyOnDemandRequest,
) -> KmsResult<RotateKeyOnDemandResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    // State before spec: a disabled RSA key is DisabledException [AWS-snap, §2.21]; asymmetric
    // and HMAC keys then get UnsupportedOperationException without a message [AWS-snap 2025-03].
    key.require_usable()?;
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return Err(KmsError::without_message(
            ErrorCode::UnsupportedOperationException,
        ));
    }
    if key.custom_key_store_id.is_some() {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "{} is in a custom key store, which does not support rotation.",
                key.arn
            ),
        ));
    }
    let on_demand = key
        .materials
        .iter()
        .filter(|m| m.rotation_type == Some(RotationType::ON_DEMAND))
        .count();
    if on_demand >= ON_DEMAND_LIMIT {
        return Err(KmsError::new(
            ErrorCode::LimitExceededException,
            format!(
                "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {}",
                key.arn
            ),
        ));
    }
    let now = env.ctx.now;
    if key.origin == OriginType::EXTERNAL {
        let Some(mut staged) = key.pending_rotation_material.take() else {
            return Err(KmsError::new(
                ErrorCode::KMSInvalidStateException,
                format!(
                    "No available key material pending rotation for the key: {}.",
                    key.arn
                ),
            ));
        };
        staged.created = now;
        staged.rotation_type = Some(RotationType::ON_DEMAND);
        key.materials.push(staged);
    } else {
        let bytes = env.random(32)?;
        key.add_material(bytes, now, RotationType::ON_DEMAND);
    }
    let response = RotateKeyOnDemandResponse {
        key_id: Some(key.arn.clone()),
    };
    env.txn.put_key(key);
    Ok(response)
}
