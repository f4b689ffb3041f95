//! DisconnectCustomKeyStore: → DISCONNECTED (AWS passes through DISCONNECTING; here it is done
//! when the call returns). The keys in the store become Unavailable until it connects again.

use crate::api::{DisconnectCustomKeyStoreRequest, DisconnectCustomKeyStoreResponse};
use crate::error::KmsResult;
use crate::model::custom_key_store;

use super::Env;

/// Runs DisconnectCustomKeyStore.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DisconnectCustomKeyStoreRequest,
) -> KmsResult<DisconnectCustomKeyStoreResponse> {
    let id = req.custom_key_store_id;
    let mut store = env
        .txn
        .custom_key_store(env.ctx, &id)
        .ok_or_else(|| custom_key_store::not_found(&id))?;
    store.disconnect()?;
    env.txn.put_custom_key_store(env.ctx, store);
    Ok(DisconnectCustomKeyStoreResponse {})
}
