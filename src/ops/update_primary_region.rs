//! UpdatePrimaryRegion: the replica in PrimaryRegion becomes the primary and the old primary a
//! replica; every copy's MultiRegionConfiguration changes in one transaction. AWS shows both keys
//! `Updating` for a while; here the swap is complete when the call returns (AWS-KMS-BEHAVIOUR.md
//! §2.20), so `Updating` is never observed.

use crate::api::{UpdatePrimaryRegionRequest, UpdatePrimaryRegionResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref::Forms;
use crate::model::multi_region;

use super::Env;

/// Runs UpdatePrimaryRegion.
pub fn run(
    env: &mut Env<'_, '_>,
    req: UpdatePrimaryRegionRequest,
) -> KmsResult<UpdatePrimaryRegionResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let links = key
        .multi_region_links
        .clone()
        .filter(|l| l.is_primary(&key.region))
        .ok_or_else(|| {
            KmsError::new(
                crate::api::ErrorCode::UnsupportedOperationException,
                format!("{} is not a multi-region primary key.", key.arn),
            )
        })?;
    key.require_not_pending_deletion()?;
    let target = req.primary_region;
    if target == key.region {
        return Ok(UpdatePrimaryRegionResponse {});
    }
    if !links.replica_regions.contains(&target) {
        return Err(KmsError::key_not_found(&multi_region::arn_in(
            &key, &target,
        )));
    }
    let new_links = links.with_primary(&target);
    let now = env.ctx.now;
    for region in links.replica_regions.iter() {
        if let Some(mut copy) = env.txn.key_in(&key.account_id, region, &key.key_id, now) {
            copy.multi_region_links = Some(new_links.clone());
            env.txn.put_key(copy);
        }
    }
    let mut key = key;
    key.multi_region_links = Some(new_links);
    env.txn.put_key(key);
    Ok(UpdatePrimaryRegionResponse {})
}
