//! RetireGrant: deletes a grant named by its token, or by KeyId + GrantId. Who may retire is
//! decided by the grant itself, here rather than by the engine's policy check: the account that
//! owns the key (its root; another account's root only as the grant names it), the grant's
//! retiring principal, and its grantee when the grant
//! includes RetireGrant (https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).

use crate::api::{ErrorCode, GrantOperation, RetireGrantRequest, RetireGrantResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::grant;
use crate::model::key_ref::Forms;
use crate::model::policy_eval::Caller;

use super::Env;

/// Runs RetireGrant.
pub fn run(env: &mut Env<'_, '_>, req: RetireGrantRequest) -> KmsResult<RetireGrantResponse> {
    let (key, grant_id) = match (&req.grant_token, &req.key_id, &req.grant_id) {
        (Some(token), _, _) => {
            let (key_id, grant_id) = grant::parse_token(token)?;
            let key = env
                .txn
                .key_by_id(env.ctx, &key_id)
                .ok_or_else(|| KmsError::key_not_found(&env.ctx.arn(&format!("key/{key_id}"))))?;
            (key, grant_id)
        }
        (None, Some(key_id), Some(grant_id)) => {
            let key = env.txn.resolve_key(env.ctx, key_id, Forms::KeyOnly)?;
            if !grant::is_grant_id(grant_id) {
                return Err(grant::invalid_grant_id());
            }
            (key, grant_id.clone())
        }
        _ => {
            return Err(KmsError::validation(
                "Either GrantToken, or both KeyId and GrantId, must be specified.",
            ))
        }
    };
    let grant = env
        .txn
        .grants_of(&key)
        .into_iter()
        .find(|g| g.grant_id == grant_id)
        .ok_or_else(|| {
            KmsError::new(
                ErrorCode::NotFoundException,
                format!("Grant ID {grant_id} not found for key {}.", key.arn),
            )
        })?;
    let principal = env.ctx.principal_arn();
    let role = Caller::from_arn(&principal)
        .filter(|c| c.role_name.is_some())
        .map(|c| c.principal_arn());
    let allowed = !env.ctx.enforce_policies
        || (env.ctx.is_root() && key.account_id == env.ctx.account_id)
        || grant.is_retiring(&principal, role.as_deref())
        || (grant.is_grantee(&principal, role.as_deref())
            && grant.operations.contains(&GrantOperation::RetireGrant));
    if !allowed {
        return Err(KmsError::access_denied(
            &principal,
            "kms:RetireGrant",
            &key.arn,
            "resource-based",
        ));
    }
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    env.txn.delete_grant(&key, &grant);
    Ok(RetireGrantResponse {})
}
