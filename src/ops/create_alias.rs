//! CreateAlias: a new alias name pointing at a key (ID or ARN only, never another alias).

use crate::api::{CreateAliasRequest, CreateAliasResponse, ErrorCode};
use crate::error::{KmsError, KmsResult};
use crate::model::alias::{self, AliasRecord, MAX_ALIASES_PER_KEY};
use crate::model::key_ref::Forms;

use super::Env;

/// Runs CreateAlias.
pub fn run(env: &mut Env<'_, '_>, req: CreateAliasRequest) -> KmsResult<CreateAliasResponse> {
    let name = req.alias_name;
    alias::check_writable_name(&name)?;
    let key = env
        .txn
        .resolve_key(env.ctx, req.target_key_id.as_str(), Forms::KeyOnly)?;
    key.require_not_pending_deletion()?;
    if env.txn.alias(env.ctx, &name).is_some() {
        return Err(KmsError::alias_exists(&env.ctx.arn(&name)));
    }
    if env
        .txn
        .aliases(env.ctx)
        .iter()
        .filter(|a| a.target_key_id == key.key_id)
        .count()
        >= MAX_ALIASES_PER_KEY
    {
        return Err(KmsError::new(
            ErrorCode::LimitExceededException,
            format!(
                "Key {} has reached the limit of {MAX_ALIASES_PER_KEY} aliases.",
                key.arn
            ),
        ));
    }
    let now = env.ctx.now;
    env.txn.put_alias(
        env.ctx,
        AliasRecord {
            name,
            target_key_id: key.key_id,
            creation_date: now,
            last_updated_date: now,
        },
    );
    Ok(CreateAliasResponse {})
}
