//! DeleteAlias: removes an alias; the key is untouched (but it is looked up, so the engine
//! authorizes kms:DeleteAlias on it as AWS does).

use crate::api::{DeleteAliasRequest, DeleteAliasResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::alias;

use super::Env;

/// Runs DeleteAlias.
pub fn run(env: &mut Env<'_, '_>, req: DeleteAliasRequest) -> KmsResult<DeleteAliasResponse> {
    let name = req.alias_name;
    alias::check_writable_name(&name)?;
    let Some(alias) = env.txn.alias(env.ctx, &name) else {
        return Err(KmsError::alias_not_found(&env.ctx.arn(&name)));
    };
    env.txn.key(env.ctx, &alias.target_key_id);
    env.txn.delete_alias(env.ctx, &name);
    Ok(DeleteAliasResponse {})
}
