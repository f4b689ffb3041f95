//! UntagResource: removes tags by key; unknown keys are ignored, as AWS does.

use crate::api::{UntagResourceRequest, UntagResourceResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs UntagResource.
pub fn run(env: &mut Env<'_, '_>, req: UntagResourceRequest) -> KmsResult<UntagResourceResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.require_not_pending_deletion()?;
    let remove = req.tag_keys;
    key.tags.retain(|(k, _)| !remove.contains(k));
    env.txn.put_key(key);
    Ok(UntagResourceResponse {})
}
