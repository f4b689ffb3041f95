//! TagResource: adds or replaces tags (not while pending deletion).

use crate::api::{TagResourceRequest, TagResourceResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::tags;

use super::Env;

/// Runs TagResource.
pub fn run(env: &mut Env<'_, '_>, req: TagResourceRequest) -> KmsResult<TagResourceResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.require_not_pending_deletion()?;
    let new = tags::check_new(&req.tags)?;
    key.tags = tags::merge(&key.tags, new)?;
    env.txn.put_key(key);
    Ok(TagResourceResponse {})
}
