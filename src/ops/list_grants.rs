//! ListGrants: the grants of one key, optionally one grant or one grantee's, paged
//! (AWS-KMS-BEHAVIOUR.md §2.9, §2.17).

use crate::api::{ListGrantsRequest, ListGrantsResponse};
use crate::error::KmsResult;
use crate::model::grant;
use crate::model::key_ref::Forms;
use crate::model::paging;

use super::Env;

const DEFAULT_LIMIT: usize = 50;
/// The model allows Limit up to 1000, but ListGrants documents 1–100 (§2.17).
const MAX_LIMIT: i64 = 100;

/// Runs ListGrants.
pub fn run(env: &mut Env<'_, '_>, req: ListGrantsRequest) -> KmsResult<ListGrantsResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    if let Some(id) = &req.grant_id {
        if !grant::is_grant_id(id) {
            return Err(grant::invalid_grant_id());
        }
    }
    let grants: Vec<_> = env
        .txn
        .grants_of(&key)
        .into_iter()
        .filter(|g| req.grant_id.as_ref().is_none_or(|id| g.grant_id == *id))
        .filter(|g| {
            req.grantee_principal
                .as_ref()
                .is_none_or(|p| g.grantee_principal.as_ref() == Some(p))
        })
        .filter(|g| {
            req.grantee_service_principal
                .as_ref()
                .is_none_or(|p| g.grantee_service_principal.as_ref() == Some(p))
        })
        .collect();
    let (page, next) = paging::page(
        grants,
        |g| g.grant_id.clone(),
        req.marker.as_deref(),
        req.limit.map(|l| l.min(MAX_LIMIT)),
        DEFAULT_LIMIT,
    )?;
    Ok(ListGrantsResponse {
        grants: Some(page.iter().map(|g| g.list_entry()).collect()),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
