//! EnableKey: the key's state machine decides (see `KeyRecord::enable`).

use crate::api::{EnableKeyRequest, EnableKeyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs EnableKey.
pub fn run(env: &mut Env<'_, '_>, req: EnableKeyRequest) -> KmsResult<EnableKeyResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    key.enable()?;
    env.txn.put_key(key);
    Ok(EnableKeyResponse {})
}
