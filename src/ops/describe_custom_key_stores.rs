//! DescribeCustomKeyStores: every custom key store of the account and Region (or the one named by
//! ID or name), with its connection state as of this request, paged. Passwords and proxy secrets
//! are never returned.

use crate::api::{DescribeCustomKeyStoresRequest, DescribeCustomKeyStoresResponse};
use crate::error::{KmsError, KmsResult};
use crate::model::{custom_key_store, paging};

use super::Env;

const DEFAULT_LIMIT: usize = 100;

/// Runs DescribeCustomKeyStores.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DescribeCustomKeyStoresRequest,
) -> KmsResult<DescribeCustomKeyStoresResponse> {
    let mut stores = env.txn.custom_key_stores(env.ctx);
    match (&req.custom_key_store_id, &req.custom_key_store_name) {
        (Some(_), Some(_)) => {
            return Err(KmsError::validation(
                "Specify either CustomKeyStoreId or CustomKeyStoreName, not both.",
            ))
        }
        (Some(id), None) => {
            stores.retain(|s| s.id == *id);
            if stores.is_empty() {
                return Err(custom_key_store::not_found(id));
            }
        }
        (None, Some(name)) => {
            stores.retain(|s| s.name == *name);
            if stores.is_empty() {
                return Err(custom_key_store::not_found(name));
            }
        }
        (None, None) => {}
    }
    let (page, next) = paging::page(
        stores,
        |s| s.id.clone(),
        req.marker.as_deref(),
        req.limit,
        DEFAULT_LIMIT,
    )?;
    Ok(DescribeCustomKeyStoresResponse {
        custom_key_stores: Some(page.iter().map(|s| s.entry()).collect()),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}
