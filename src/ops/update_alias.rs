//! UpdateAlias: points an existing alias at another key of the same type and usage.

use crate::api::{UpdateAliasRequest, UpdateAliasResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::alias;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs UpdateAlias.
pub fn run(env: &mut Env<'_, '_>, req: UpdateAliasRequest) -> KmsResult<UpdateAliasResponse> {
    let name = req.alias_name;
    alias::check_writable_name(&name)?;
    let mut record = env
        .txn
        .alias(env.ctx, &name)
        .ok_or_else(|| KmsError::alias_not_found(&env.ctx.arn(&name)))?;
    let target = env
        .txn
        .resolve_key(env.ctx, req.target_key_id.as_str(), Forms::KeyOnly)?;
    // The source key may be pending deletion; the destination may not (key-state table).
    target.require_not_pending_deletion()?;
    if let Some(current) = env.txn.key(env.ctx, &record.target_key_id) {
        if alias::key_class(&current) != alias::key_class(&target)
            || current.key_usage != target.key_usage
        {
            return Err(KmsError::validation(format!(
                "Alias {} cannot be changed from a {} {} key to a {} {} key.",
                env.ctx.arn(&name),
                alias::key_class(&current),
                current.key_usage.as_str(),
                alias::key_class(&target),
                target.key_usage.as_str()
            )));
        }
    }
    record.target_key_id = target.key_id;
    record.last_updated_date = env.ctx.now;
    env.txn.put_alias(env.ctx, record);
    Ok(UpdateAliasResponse {})
}
