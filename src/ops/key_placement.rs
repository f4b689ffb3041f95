//! Where CreateKey puts a key and where its material comes from: Origin (AWS_KMS, EXTERNAL,
//! AWS_CLOUDHSM, EXTERNAL_KEY_STORE), CustomKeyStoreId and XksKeyId, and MultiRegion. A helper of
//! CreateKey only, kept apart so the spec rules in create_key.rs stay readable. Keys go into a
//! custom key store only while it is CONNECTED; custom key stores hold symmetric encryption keys
//! only, and no Multi-Region keys.

use crate::api::{
    CreateKeyRequest, CustomKeyStoreType, ErrorCode, KeySpec, KeyUsageType, OriginType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::custom_key_store;

use super::Env;

/// The placement of a new key.
pub struct Placement {
    /// The Origin.
    pub origin: OriginType,
    /// Whether the key is a Multi-Region primary.
    pub multi_region: bool,
    /// The custom key store holding it.
    pub custom_key_store_id: Option<String>,
    /// That store's CloudHSM cluster.
    pub cloud_hsm_cluster_id: Option<String>,
    /// The external key (external key stores).
    pub xks_key_id: Option<String>,
}

/// Checks Origin, CustomKeyStoreId, XksKeyId and MultiRegion against each other, the spec and the
/// store.
pub fn placement(
    env: &Env<'_, '_>,
    req: &CreateKeyRequest,
    spec: KeySpec,
    usage: KeyUsageType,
) -> KmsResult<Placement> {
    let origin = req.origin.unwrap_or(OriginType::AWS_KMS);
    let multi_region = req.multi_region == Some(true);
    let store_origin = matches!(
        origin,
        OriginType::AWS_CLOUDHSM | OriginType::EXTERNAL_KEY_STORE
    );
    let Some(store_id) = req.custom_key_store_id.as_deref() else {
        if store_origin {
            return Err(KmsError::validation(format!(
                "A CustomKeyStoreId is required when the Origin is {}.",
                origin.as_str()
            )));
        }
        if req.xks_key_id.is_some() {
            return Err(KmsError::validation(
                "XksKeyId is valid only for keys in an external key store.",
            ));
        }
        return Ok(Placement {
            origin,
            multi_region,
            custom_key_store_id: None,
            cloud_hsm_cluster_id: None,
            xks_key_id: None,
        });
    };
    if !store_origin {
        return Err(KmsError::validation(
            "To create a KMS key in a custom key store, the Origin must be AWS_CLOUDHSM or EXTERNAL_KEY_STORE.",
        ));
    }
    let store = env
        .txn
        .custom_key_store(env.ctx, store_id)
        .ok_or_else(|| custom_key_store::not_found(store_id))?;
    let wanted = match store.store_type {
        CustomKeyStoreType::AWS_CLOUDHSM => OriginType::AWS_CLOUDHSM,
        CustomKeyStoreType::EXTERNAL_KEY_STORE => OriginType::EXTERNAL_KEY_STORE,
    };
    if origin != wanted {
        return Err(KmsError::validation(format!(
            "The Origin of a key in custom key store {store_id} must be {}.",
            wanted.as_str()
        )));
    }
    if multi_region {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            "Multi-Region keys cannot be created in a custom key store.",
        ));
    }
    if spec != KeySpec::SYMMETRIC_DEFAULT || usage != KeyUsageType::ENCRYPT_DECRYPT {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "KeySpec {} is not supported in a custom key store; only SYMMETRIC_DEFAULT keys are.",
                spec.as_str()
            ),
        ));
    }
    if !store.is_connected() {
        return Err(store.invalid_state("CreateKey"));
    }
    let xks_key_id = match (origin, req.xks_key_id.as_deref()) {
        (OriginType::EXTERNAL_KEY_STORE, None) => {
            return Err(KmsError::validation(
                "XksKeyId is required for keys in an external key store.",
            ))
        }
        (OriginType::EXTERNAL_KEY_STORE, Some(x)) => {
            let taken = env.txn.keys(env.ctx).iter().any(|k| {
                k.custom_key_store_id.as_deref() == Some(store_id)
                    && k.xks_key_id.as_deref() == Some(x)
            });
            if taken {
                return Err(KmsError::new(
                    ErrorCode::XksKeyAlreadyInUseException,
                    format!("External key {x} is already associated with a KMS key in custom key store {store_id}."),
                ));
            }
            Some(x.to_string())
        }
        (_, Some(_)) => {
            return Err(KmsError::validation(
                "XksKeyId is valid only for keys in an external key store.",
            ))
        }
        (_, None) => None,
    };
    Ok(Placement {
        origin,
        multi_region,
        custom_key_store_id: Some(store.id.clone()),
        cloud_hsm_cluster_id: store.cloud_hsm_cluster_id.clone(),
        xks_key_id,
    })
}
