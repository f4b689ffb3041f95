//! DisableKeyRotation: stops automatic rotation; existing material versions stay.

use crate::api::{DisableKeyRotationRequest, DisableKeyRotationResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::rotation;

use super::Env;

/// Runs DisableKeyRotation.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DisableKeyRotationRequest,
) -> KmsResult<DisableKeyRotationResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    rotation::check_state(&key)?;
    rotation::check_supported(&key)?;
    key.rotation.enabled = false;
    key.rotation.next_rotation = None;
    env.txn.put_key(key);
    Ok(DisableKeyRotationResponse {})
}
