//! DisableKey: the key's state machine decides (see `KeyRecord::disable`).

use crate::api::{DisableKeyRequest, DisableKeyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs DisableKey.
pub fn run(env: &mut Env<'_, '_>, req: DisableKeyRequest) -> KmsResult<DisableKeyResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.disable()?;
    env.txn.put_key(key);
    Ok(DisableKeyResponse {})
}
