//! PutKeyPolicy: replaces the `default` policy document after checking it.

use crate::api::{PutKeyPolicyRequest, PutKeyPolicyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::policy;

use super::Env;

/// Runs PutKeyPolicy.
pub fn run(env: &mut Env<'_, '_>, req: PutKeyPolicyRequest) -> KmsResult<PutKeyPolicyResponse> {
    policy::check_name(req.policy_name.as_deref(), true)?;
    let mut key = env.txn.resolve_key(
        env.ctx,
        req.key_id.as_deref().unwrap_or_default(),
        Forms::KeyOnly,
    )?;
    let document = req.policy.unwrap_or_default();
    policy::check_document(&document)?;
    key.policy = document;
    env.txn.put_key(key);
    Ok(PutKeyPolicyResponse {})
}
