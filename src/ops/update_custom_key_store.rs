//! UpdateCustomKeyStore: a new name, password or cluster (CloudHSM), or new proxy settings (external
//! key stores). A CloudHSM key store must be DISCONNECTED for any change; an external key store
//! may change its name, proxy credential and URI path while connected, and must be disconnected
//! for the rest. The same uniqueness rules as CreateCustomKeyStore apply to the result.

use crate::api::{
    member, ConnectionStateType, CustomKeyStoreType, UpdateCustomKeyStoreRequest,
    UpdateCustomKeyStoreResponse, XksProxyConnectivityType,
};
use crate::error::KmsResult;
use crate::model::custom_key_store::{self, not_valid_for};

use super::Env;

/// Runs UpdateCustomKeyStore.
pub fn run(
    env: &mut Env<'_, '_>,
    req: UpdateCustomKeyStoreRequest,
) -> KmsResult<UpdateCustomKeyStoreResponse> {
    let id = req.custom_key_store_id.clone();
    let mut store = env
        .txn
        .custom_key_store(env.ctx, &id)
        .ok_or_else(|| custom_key_store::not_found(&id))?;
    let t = store.store_type;
    let hsm_members = [
        (member::KEY_STORE_PASSWORD, req.key_store_password.is_some()),
        (
            member::CLOUD_HSM_CLUSTER_ID,
            req.cloud_hsm_cluster_id.is_some(),
        ),
    ];
    let xks_offline_members = [
        (
            member::XKS_PROXY_URI_ENDPOINT,
            req.xks_proxy_uri_endpoint.is_some(),
        ),
        (
            member::XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME,
            req.xks_proxy_vpc_endpoint_service_name.is_some(),
        ),
        (
            member::XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER,
            req.xks_proxy_vpc_endpoint_service_owner.is_some(),
        ),
        (
            member::XKS_PROXY_CONNECTIVITY,
            req.xks_proxy_connectivity.is_some(),
        ),
    ];
    let xks_online_members = [
        (member::XKS_PROXY_URI_PATH, req.xks_proxy_uri_path.is_some()),
        (
            member::XKS_PROXY_AUTHENTICATION_CREDENTIAL,
            req.xks_proxy_authentication_credential.is_some(),
        ),
    ];
    let needs_disconnect = match t {
        CustomKeyStoreType::AWS_CLOUDHSM => {
            for (member, given) in xks_offline_members.iter().chain(&xks_online_members) {
                if *given {
                    return Err(not_valid_for(member, t));
                }
            }
            true
        }
        CustomKeyStoreType::EXTERNAL_KEY_STORE => {
            for (member, given) in &hsm_members {
                if *given {
                    return Err(not_valid_for(member, t));
                }
            }
            xks_offline_members.iter().any(|(_, given)| *given)
        }
    };
    if needs_disconnect && store.connection_state != ConnectionStateType::DISCONNECTED {
        return Err(store.invalid_state("UpdateCustomKeyStore"));
    }
    if let Some(name) = &req.new_custom_key_store_name {
        store.name = name.clone();
    }
    if let Some(p) = &req.key_store_password {
        store.key_store_password = Some(p.clone());
    }
    if let Some(c) = &req.cloud_hsm_cluster_id {
        store.cloud_hsm_cluster_id = Some(c.clone());
    }
    if let Some(xks) = store.xks.as_mut() {
        if let Some(c) = req.xks_proxy_connectivity {
            xks.connectivity = c;
            if c == XksProxyConnectivityType::PUBLIC_ENDPOINT {
                xks.vpc_endpoint_service_name = None;
                xks.vpc_endpoint_service_owner = None;
            }
        }
        if let Some(v) = &req.xks_proxy_uri_endpoint {
            xks.uri_endpoint = v.clone();
        }
        if let Some(v) = &req.xks_proxy_uri_path {
            xks.uri_path = v.clone();
        }
        if let Some(v) = &req.xks_proxy_vpc_endpoint_service_name {
            xks.vpc_endpoint_service_name = Some(v.clone());
        }
        if let Some(v) = &req.xks_proxy_vpc_endpoint_service_owner {
            xks.vpc_endpoint_service_owner = Some(v.clone());
        }
        if let Some(c) = &req.xks_proxy_authentication_credential {
            xks.access_key_id = c.access_key_id.clone();
            xks.secret_access_key = c.raw_secret_access_key.clone();
        }
    }
    let others: Vec<_> = env
        .txn
        .custom_key_stores(env.ctx)
        .into_iter()
        .filter(|s| s.id != id)
        .collect();
    custom_key_store::check(&store, &others)?;
    env.txn.put_custom_key_store(env.ctx, store);
    Ok(UpdateCustomKeyStoreResponse {})
}
