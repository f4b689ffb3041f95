//! ListKeyPolicies: always `["default"]` for a caller's key.

use crate::api::{ListKeyPoliciesRequest, ListKeyPoliciesResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::{paging, policy};

use super::Env;

const DEFAULT_LIMIT: usize = 100;

/// Runs ListKeyPolicies.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ListKeyPoliciesRequest,
) -> KmsResult<ListKeyPoliciesResponse> {
    env.txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let names = vec![policy::DEFAULT_POLICY_NAME.to_string()];
    let (page, next) = paging::page(
        names,
        Clone::clone,
        req.marker.as_deref(),
        req.limit,
        DEFAULT_LIMIT,
    )?;
    Ok(ListKeyPoliciesResponse {
        policy_names: Some(page),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
