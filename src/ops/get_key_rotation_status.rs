//! GetKeyRotationStatus: whether automatic rotation is on, its period and next date.

use crate::api::{EpochSeconds, GetKeyRotationStatusRequest, GetKeyRotationStatusResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::rotation;

use super::Env;

/// Runs GetKeyRotationStatus.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GetKeyRotationStatusRequest,
) -> KmsResult<GetKeyRotationStatusResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    rotation::check_supported(&key)?;
    let enabled = rotation::reported_enabled(&key);
    Ok(GetKeyRotationStatusResponse {
        key_rotation_enabled: Some(enabled),
        key_id: Some(key.arn.clone()),
        rotation_period_in_days: key.rotation.period_days.filter(|_| enabled),
        next_rotation_date: key
            .rotation
            .next_rotation
            .filter(|_| enabled)
            .map(EpochSeconds),
        on_demand_rotation_start_date: None,
    })
}
