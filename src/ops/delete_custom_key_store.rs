//! DeleteCustomKeyStore: only a DISCONNECTED store with no KMS keys in it (keys pending deletion
//! still count until they are deleted).

use crate::api::ConnectionStateType;
use crate::api::{DeleteCustomKeyStoreRequest, DeleteCustomKeyStoreResponse, ErrorCode};
use crate::error::{KmsError, KmsResult};
use crate::model::custom_key_store;

use super::Env;

/// Runs DeleteCustomKeyStore.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DeleteCustomKeyStoreRequest,
) -> KmsResult<DeleteCustomKeyStoreResponse> {
    let id = req.custom_key_store_id;
    let store = env
        .txn
        .custom_key_store(env.ctx, &id)
        .ok_or_else(|| custom_key_store::not_found(&id))?;
    if env
        .txn
        .keys(env.ctx)
        .iter()
        .any(|k| k.custom_key_store_id.as_deref() == Some(id.as_str()))
    {
        return Err(KmsError::new(
            ErrorCode::CustomKeyStoreHasCMKsException,
            format!("Custom key store {id} contains KMS keys. Delete them before you delete the custom key store."),
        ));
    }
    if store.connection_state != ConnectionStateType::DISCONNECTED {
        return Err(store.invalid_state("DeleteCustomKeyStore"));
    }
    env.txn.delete_custom_key_store(env.ctx, &id);
    Ok(DeleteCustomKeyStoreResponse {})
}
