//! CancelKeyDeletion: PendingDeletion → Disabled.

use crate::api::{CancelKeyDeletionRequest, CancelKeyDeletionResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs CancelKeyDeletion.
pub fn run(
    env: &mut Env<'_, '_>,
    req: CancelKeyDeletionRequest,
) -> KmsResult<CancelKeyDeletionResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.cancel_deletion()?;
    let response = CancelKeyDeletionResponse {
        key_id: Some(key.arn.clone()),
    };
    env.txn.put_key(key);
    Ok(response)
}
