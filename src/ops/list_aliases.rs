//! ListAliases: the aliases of the caller's account and Region (or of one key), by name, paged.

use crate::api::{AliasListEntry, EpochSeconds, ListAliasesRequest, ListAliasesResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::paging;

use super::Env;

const DEFAULT_LIMIT: usize = 50;
/// The model allows Limit up to 1000, but ListAliases documents 1–100 (§2.17); larger values get
/// at most 100 ("might return fewer").
const MAX_LIMIT: i64 = 100;

/// Runs ListAliases.
pub fn run(env: &mut Env<'_, '_>, req: ListAliasesRequest) -> KmsResult<ListAliasesResponse> {
    let only = match req.key_id.as_deref() {
        Some(id) => Some(env.txn.resolve_key(env.ctx, id, Forms::KeyOnly)?.key_id),
        None => None,
    };
    let aliases: Vec<_> = env
        .txn
        .aliases(env.ctx)
        .into_iter()
        .filter(|a| only.as_ref().is_none_or(|k| a.target_key_id == *k))
        .collect();
    let (page, next) = paging::page(
        aliases,
        |a| a.name.clone(),
        req.marker.as_deref(),
        req.limit.map(|l| l.min(MAX_LIMIT)),
        DEFAULT_LIMIT,
    )?;
    let entries = page
        .into_iter()
        .map(|a| AliasListEntry {
            alias_arn: Some(env.ctx.arn(&a.name)),
            alias_name: Some(a.name),
            target_key_id: Some(a.target_key_id),
            creation_date: Some(EpochSeconds(a.creation_date)),
            last_updated_date: Some(EpochSeconds(a.last_updated_date)),
        })
        .collect();
    Ok(ListAliasesResponse {
        aliases: Some(entries),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
