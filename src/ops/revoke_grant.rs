//! RevokeGrant: the key's owner deletes a grant by KeyId + GrantId (authorized as kms:RevokeGrant
//! on the key by the engine, like any key operation).

use crate::api::{ErrorCode, RevokeGrantRequest, RevokeGrantResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::grant;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs RevokeGrant.
pub fn run(env: &mut Env<'_, '_>, req: RevokeGrantRequest) -> KmsResult<RevokeGrantResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let grant_id = req.grant_id;
    if !grant::is_grant_id(&grant_id) {
        return Err(grant::invalid_grant_id());
    }
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
    if req.dry_run == Some(true) {
        return Err(KmsError::dry_run());
    }
    env.txn.delete_grant(&key, &grant);
    Ok(RevokeGrantResponse {})
}
