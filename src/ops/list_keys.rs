//! ListKeys: the keys of the caller's account and Region, in key-ID order, paged.

use crate::api::{KeyListEntry, ListKeysRequest, ListKeysResponse};
use crate::error::KmsResult;
use crate::model::paging;

use super::Env;

const DEFAULT_LIMIT: usize = 100;

/// Runs ListKeys.
pub fn run(env: &mut Env<'_, '_>, req: ListKeysRequest) -> KmsResult<ListKeysResponse> {
    let keys = env.txn.keys(env.ctx);
    let (page, next) = paging::page(
        keys,
        |k| k.key_id.clone(),
        req.marker.as_deref(),
        req.limit,
        DEFAULT_LIMIT,
    )?;
    Ok(ListKeysResponse {
        keys: Some(
            page.into_iter()
                .map(|k| KeyListEntry {
                    key_id: Some(k.key_id),
                    key_arn: Some(k.arn),
                })
                .collect(),
        ),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
