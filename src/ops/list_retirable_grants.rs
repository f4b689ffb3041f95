//! ListRetirableGrants: every grant in the account and Region that names the given retiring
//! principal (and, for a principal of the caller's account, its grants on other accounts' keys),
//! paged like ListGrants (AWS-KMS-BEHAVIOUR.md §2.9, §2.17).

use crate::api::{ListRetirableGrantsRequest, ListRetirableGrantsResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::paging;
use crate::model::policy_eval::Caller;

use super::Env;

const DEFAULT_LIMIT: usize = 50;
/// The model allows Limit up to 1000, but ListRetirableGrants documents 1–100 (§2.17).
const MAX_LIMIT: i64 = 100;

/// Runs ListRetirableGrants.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ListRetirableGrantsRequest,
) -> KmsResult<ListRetirableGrantsResponse> {
    if req.retiring_principal.is_none() && req.retiring_service_principal.is_none() {
        return Err(KmsError::validation(
            "Either RetiringPrincipal or RetiringServicePrincipal must be specified.",
        ));
    }
    // A retiring principal of the caller's account sees its grants on other accounts' keys too
    // (the API reference's "Cross-account use" for ListRetirableGrants).
    let own_principal = req
        .retiring_principal
        .as_deref()
        .and_then(Caller::from_arn)
        .is_some_and(|c| c.account == env.ctx.account_id);
    let candidates = if own_principal {
        env.txn.grants_of_every_account(env.ctx)
    } else {
        env.txn.grants(env.ctx)
    };
    let grants: Vec<_> = candidates
        .into_iter()
        .filter(|g| {
            req.retiring_principal
                .as_ref()
                .is_none_or(|p| g.retiring_principal.as_ref() == Some(p))
                && req
                    .retiring_service_principal
                    .as_ref()
                    .is_none_or(|p| g.retiring_service_principal.as_ref() == Some(p))
        })
        .collect();
    let (page, next) = paging::page(
        grants,
        |g| format!("{}/{}", g.key_id, g.grant_id),
        req.marker.as_deref(),
        req.limit.map(|l| l.min(MAX_LIMIT)),
        DEFAULT_LIMIT,
    )?;
    Ok(ListRetirableGrantsResponse {
        grants: Some(page.iter().map(|g| g.list_entry()).collect()),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
