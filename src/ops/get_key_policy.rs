//! GetKeyPolicy: the `default` policy document, pretty-printed as AWS returns it (§2.15).

use crate::api::{GetKeyPolicyRequest, GetKeyPolicyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::policy;

use super::Env;

/// Runs GetKeyPolicy.
pub fn run(env: &mut Env<'_, '_>, req: GetKeyPolicyRequest) -> KmsResult<GetKeyPolicyResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    policy::check_name(req.policy_name.as_deref(), false)?;
    Ok(GetKeyPolicyResponse {
        policy: Some(policy::pretty(&key.policy)),
        policy_name: Some(policy::DEFAULT_POLICY_NAME.into()),
    })
}
