//! EnableKeyRotation: automatic rotation every RotationPeriodInDays (90–2560, default 365).

use crate::api::{EnableKeyRotationRequest, EnableKeyRotationResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::rotation;

use super::Env;

/// Runs EnableKeyRotation.
pub fn run(
    env: &mut Env<'_, '_>,
    req: EnableKeyRotationRequest,
) -> KmsResult<EnableKeyRotationResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    rotation::check_state(&key)?;
    rotation::check_supported(&key)?;
    let period = req
        .rotation_period_in_days
        .or(key.rotation.period_days)
        .unwrap_or(rotation::DEFAULT_PERIOD_DAYS);
    key.rotation.enabled = true;
    key.rotation.period_days = Some(period);
    key.rotation.next_rotation = Some(rotation::next_rotation(env.ctx.now, period));
    env.txn.put_key(key);
    Ok(EnableKeyRotationResponse {})
}
