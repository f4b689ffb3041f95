//! ScheduleKeyDeletion: PendingDeletion for a 7–30 day window (default 30); PendingReplicaDeletion
//! for a Multi-Region primary that still has replicas.

use crate::api::{EpochSeconds, KeyState, ScheduleKeyDeletionRequest, ScheduleKeyDeletionResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref::Forms;
use crate::model::multi_region;

use super::Env;

const MIN_DAYS: i64 = 7;
const MAX_DAYS: i64 = 30;
const DEFAULT_DAYS: i64 = 30;

/// Runs ScheduleKeyDeletion.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ScheduleKeyDeletionRequest,
) -> KmsResult<ScheduleKeyDeletionResponse> {
    let days = req.pending_window_in_days.unwrap_or(DEFAULT_DAYS);
    // The model allows 1–365 (for Multi-Region primaries); AWS enforces 7–30 for a key's own window.
    if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
        let bound = if days < MIN_DAYS {
            format!("greater than or equal to {MIN_DAYS}")
        } else {
            format!("less than or equal to {MAX_DAYS}")
        };
        return Err(KmsError::validation(format!(
            "1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value {bound}"
        )));
    }
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.schedule_deletion(env.ctx.now, days)?;
    // A Multi-Region primary with replicas waits for them; its window starts when the last one is
    // deleted (§2.10), so it has no DeletionDate yet.
    let replicas: Vec<_> = key
        .multi_region_links
        .iter()
        .flat_map(|l| l.replica_regions.iter())
        .map(|r| env.txn.key_in(&key.account_id, r, &key.key_id, env.ctx.now))
        .collect();
    if multi_region::has_live_replicas(&key, &replicas, env.ctx.now) {
        key.state = KeyState::PendingReplicaDeletion;
        key.deletion_date = None;
    }
    let response = ScheduleKeyDeletionResponse {
        key_id: Some(key.arn.clone()),
        deletion_date: key.deletion_date.map(EpochSeconds),
        key_state: Some(key.state),
        pending_window_in_days: Some(days),
    };
    env.txn.put_key(key);
    Ok(response)
}
