//! CreateCustomKeyStore: a CloudHSM key store (cluster, trust anchor, `kmsuser` password) or an
//! external key store (proxy URI, path, credential, connectivity), created DISCONNECTED. At most
//! 10 per account and Region; names, clusters and proxies are not shared between stores.

use crate::api::{
    member, ConnectionStateType, CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse,
    CustomKeyStoreType, ErrorCode,
};
use crate::error::{KmsError, KmsResult};
use crate::model::custom_key_store::{self, required, CustomKeyStoreRecord, XksProxy, LIMIT};

use super::Env;

/// Runs CreateCustomKeyStore.
pub fn run(
    env: &mut Env<'_, '_>,
    req: CreateCustomKeyStoreRequest,
) -> KmsResult<CreateCustomKeyStoreResponse> {
    let store_type = req
        .custom_key_store_type
        .unwrap_or(CustomKeyStoreType::AWS_CLOUDHSM);
    let others = env.txn.custom_key_stores(env.ctx);
    let mut store = CustomKeyStoreRecord {
        id: String::new(),
        name: req.custom_key_store_name.clone(),
        store_type,
        creation_date: env.ctx.now,
        cloud_hsm_cluster_id: None,
        trust_anchor_certificate: None,
        key_store_password: None,
        xks: None,
        connection_state: ConnectionStateType::DISCONNECTED,
        connection_error_code: None,
    };
    match store_type {
        CustomKeyStoreType::AWS_CLOUDHSM => {
            reject_xks_members(&req, store_type)?;
            store.cloud_hsm_cluster_id = Some(
                req.cloud_hsm_cluster_id
                    .clone()
                    .ok_or_else(|| required(member::CLOUD_HSM_CLUSTER_ID, store_type))?,
            );
            store.trust_anchor_certificate = Some(
                req.trust_anchor_certificate
                    .clone()
                    .ok_or_else(|| required(member::TRUST_ANCHOR_CERTIFICATE, store_type))?,
            );
            store.key_store_password = Some(
                req.key_store_password
                    .clone()
                    .ok_or_else(|| required(member::KEY_STORE_PASSWORD, store_type))?,
            );
        }
        CustomKeyStoreType::EXTERNAL_KEY_STORE => {
            for (member, given) in [
                (
                    member::CLOUD_HSM_CLUSTER_ID,
                    req.cloud_hsm_cluster_id.is_some(),
                ),
                (
                    member::TRUST_ANCHOR_CERTIFICATE,
                    req.trust_anchor_certificate.is_some(),
                ),
                (member::KEY_STORE_PASSWORD, req.key_store_password.is_some()),
            ] {
                if given {
                    return Err(custom_key_store::not_valid_for(member, store_type));
                }
            }
            let credential = req
                .xks_proxy_authentication_credential
                .clone()
                .ok_or_else(|| required(member::XKS_PROXY_AUTHENTICATION_CREDENTIAL, store_type))?;
            store.xks = Some(XksProxy {
                connectivity: req
                    .xks_proxy_connectivity
                    .ok_or_else(|| required(member::XKS_PROXY_CONNECTIVITY, store_type))?,
                uri_endpoint: req
                    .xks_proxy_uri_endpoint
                    .clone()
                    .ok_or_else(|| required(member::XKS_PROXY_URI_ENDPOINT, store_type))?,
                uri_path: req
                    .xks_proxy_uri_path
                    .clone()
                    .ok_or_else(|| required(member::XKS_PROXY_URI_PATH, store_type))?,
                vpc_endpoint_service_name: req.xks_proxy_vpc_endpoint_service_name.clone(),
                vpc_endpoint_service_owner: req.xks_proxy_vpc_endpoint_service_owner.clone(),
                access_key_id: credential.access_key_id,
                secret_access_key: credential.raw_secret_access_key,
            });
        }
    }
    custom_key_store::check(&store, &others)?;
    if others.len() >= LIMIT {
        return Err(KmsError::new(
            ErrorCode::LimitExceededException,
            format!("You have reached the limit of {LIMIT} custom key stores in this account and Region."),
        ));
    }
    store.id = loop {
        let id = custom_key_store::new_id(env.random_array()?);
        if env.txn.custom_key_store(env.ctx, &id).is_none() {
            break id;
        }
    };
    let id = store.id.clone();
    env.txn.put_custom_key_store(env.ctx, store);
    Ok(CreateCustomKeyStoreResponse {
        custom_key_store_id: Some(id),
    })
}

fn reject_xks_members(req: &CreateCustomKeyStoreRequest, t: CustomKeyStoreType) -> KmsResult<()> {
    for (member, given) in [
        (
            member::XKS_PROXY_URI_ENDPOINT,
            req.xks_proxy_uri_endpoint.is_some(),
        ),
        (member::XKS_PROXY_URI_PATH, req.xks_proxy_uri_path.is_some()),
        (
            member::XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME,
            req.xks_proxy_vpc_endpoint_service_name.is_some(),
        ),
        (
            member::XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER,
            req.xks_proxy_vpc_endpoint_service_owner.is_some(),
        ),
        (
            member::XKS_PROXY_AUTHENTICATION_CREDENTIAL,
            req.xks_proxy_authentication_credential.is_some(),
        ),
        (
            member::XKS_PROXY_CONNECTIVITY,
            req.xks_proxy_connectivity.is_some(),
        ),
    ] {
        if given {
            return Err(custom_key_store::not_valid_for(member, t));
        }
    }
    Ok(())
}
