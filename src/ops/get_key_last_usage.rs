//! GetKeyLastUsage: the last cryptographic operation this engine saw use the key, with the time
//! tracking began (see `model::last_usage` for why tracking is per engine instance).

use crate::api::{EpochSeconds, GetKeyLastUsageRequest, GetKeyLastUsageResponse, KeyLastUsageData};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::store::RecordKey;

use super::Env;

/// Runs GetKeyLastUsage.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GetKeyLastUsageRequest,
) -> KmsResult<GetKeyLastUsageResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::Any)?;
    let used = env
        .last_usage
        .uses
        .get(&RecordKey::new(&key.account_id, &key.region, &key.key_id));
    // Tracking covers a key from its creation or from this engine's first request, whichever is later.
    let since = env
        .last_usage
        .tracking_since
        .unwrap_or(env.ctx.now)
        .max(key.creation_date);
    Ok(GetKeyLastUsageResponse {
        key_id: Some(key.arn.clone()),
        key_last_usage: used.map(|u| KeyLastUsageData {
            operation: Some(u.operation),
            timestamp: Some(EpochSeconds(u.timestamp)),
            kms_request_id: Some(u.request_id.clone()),
            cloud_trail_event_id: None,
        }),
        tracking_start_date: Some(EpochSeconds(since)),
        key_creation_date: Some(EpochSeconds(key.creation_date)),
    })
}
