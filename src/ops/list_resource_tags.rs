//! ListResourceTags: a key's tags, by tag key, paged.

use crate::api::{ListResourceTagsRequest, ListResourceTagsResponse, Tag};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;
use crate::model::paging;

use super::Env;

const DEFAULT_LIMIT: usize = 50;

/// Runs ListResourceTags.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ListResourceTagsRequest,
) -> KmsResult<ListResourceTagsResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let mut tags = key.tags;
    tags.sort();
    let (page, next) = paging::page(
        tags,
        |(k, _)| k.clone(),
        req.marker.as_deref(),
        req.limit,
        DEFAULT_LIMIT,
    )?;
    Ok(ListResourceTagsResponse {
        tags: Some(
            page.into_iter()
                .map(|(k, v)| Tag {
                    tag_key: k,
                    tag_value: v,
                })
                .collect(),
        ),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
