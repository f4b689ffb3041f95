//! ListAliases: the aliases of the caller's account and Region (or of one key), by name, paged;
//! without KeyId, also the predefined `alias/aws/*` aliases whose AWS managed key does not exist yet.

use crate::api::{AliasListEntry, EpochSeconds, ListAliasesRequest, ListAliasesResponse};
use crate::error::KmsResult;
use crate::model::alias::AliasRecord;
use crate::model::aws_managed;
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
    let mut aliases: Vec<(String, Option<AliasRecord>)> = env
        .txn
        .aliases(env.ctx)
        .into_iter()
        .filter(|a| only.as_ref().is_none_or(|k| a.target_key_id == *k))
        .map(|a| (a.name.clone(), Some(a)))
        .collect();
    if only.is_none() {
        // The predefined AWS managed aliases, without TargetKeyId until their key exists.
        for s in aws_managed::SERVICES {
            let name = format!("{}{}", aws_managed::PREFIX, s.name);
            if !aliases.iter().any(|(n, _)| *n == name) {
                aliases.push((name, None));
            }
        }
        aliases.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let (page, next) = paging::page(
        aliases,
        |(name, _)| name.clone(),
        req.marker.as_deref(),
        req.limit.map(|l| l.min(MAX_LIMIT)),
        DEFAULT_LIMIT,
    )?;
    let entries = page
        .into_iter()
        .map(|(name, a)| AliasListEntry {
            alias_arn: Some(env.ctx.arn(&name)),
            alias_name: Some(name),
            target_key_id: a.as_ref().map(|a| a.target_key_id.clone()),
            creation_date: a.as_ref().map(|a| EpochSeconds(a.creation_date)),
            last_updated_date: a.as_ref().map(|a| EpochSeconds(a.last_updated_date)),
        })
        .collect();
    Ok(ListAliasesResponse {
        aliases: Some(entries),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
