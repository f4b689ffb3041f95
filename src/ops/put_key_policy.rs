//! PutKeyPolicy: replaces the `default` policy document after checking it, including the lockout
//! safety check (the new policy must let the caller call PutKeyPolicy again) unless
//! BypassPolicyLockoutSafetyCheck is set. Authorization against the *old* policy happens in the
//! engine, after this runs.

use crate::api::{PutKeyPolicyRequest, PutKeyPolicyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::policy;

use super::Env;

/// Runs PutKeyPolicy.
pub fn run(env: &mut Env<'_, '_>, req: PutKeyPolicyRequest) -> KmsResult<PutKeyPolicyResponse> {
    policy::check_name(req.policy_name.as_deref(), true)?;
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let document = req.policy;
    policy::check_document(&document)?;
    if req.bypass_policy_lockout_safety_check != Some(true) {
        policy::check_lockout(env.ctx, &document, &key.arn)?;
    }
    key.policy = document;
    env.txn.put_key(key);
    Ok(PutKeyPolicyResponse {})
}
