//! UpdateKeyDescription: replaces the description (not while pending deletion).

use crate::api::{UpdateKeyDescriptionRequest, UpdateKeyDescriptionResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs UpdateKeyDescription.
pub fn run(
    env: &mut Env<'_, '_>,
    req: UpdateKeyDescriptionRequest,
) -> KmsResult<UpdateKeyDescriptionResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.require_not_pending_deletion()?;
    key.description = req.description;
    env.txn.put_key(key);
    Ok(UpdateKeyDescriptionResponse {})
}
