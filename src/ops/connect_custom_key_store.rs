//! ConnectCustomKeyStore: DISCONNECTED → CONNECTING; the next request finds the store CONNECTED
//! (or FAILED with a ConnectionErrorCode when its configuration cannot work). Refused while
//! DISCONNECTING or FAILED.

use crate::api::{ConnectCustomKeyStoreRequest, ConnectCustomKeyStoreResponse};
use crate::error::KmsResult;
use crate::model::custom_key_store;

use super::Env;

/// Runs ConnectCustomKeyStore.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ConnectCustomKeyStoreRequest,
) -> KmsResult<ConnectCustomKeyStoreResponse> {
    let id = req.custom_key_store_id;
    let mut store = env
        .txn
        .custom_key_store(env.ctx, &id)
        .ok_or_else(|| custom_key_store::not_found(&id))?;
    let before = store.clone();
    store.connect()?;
    if store != before {
        env.txn.put_custom_key_store(env.ctx, store);
    }
    Ok(ConnectCustomKeyStoreResponse {})
}
