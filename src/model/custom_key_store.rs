//! Custom key stores (CloudHSM and external key stores), simulated: the record, its connection
//! state machine and AWS's errors for each illegal step (the CustomKeyStoreInvalidStateException
//! rules of the model). There is no HSM and no XKS proxy: a store "connects" unless its
//! configuration cannot work, and the keys in it use material held here, like any other key.
//!
//! Connection is lazy, like every time-driven change here: ConnectCustomKeyStore leaves the store
//! CONNECTING, and the next request that reads it finds it CONNECTED (or FAILED with a
//! ConnectionErrorCode). DISCONNECTING is skipped: DisconnectCustomKeyStore leaves it DISCONNECTED.
//! The simulated failure: an XKS proxy whose host is under the reserved `.invalid` top-level domain
//! (RFC 6761: it never resolves) fails with XKS_PROXY_NOT_REACHABLE.

use serde::{Deserialize, Serialize};

use crate::api::{
    ConnectionErrorCodeType, ConnectionStateType, CustomKeyStoreType, CustomKeyStoresListEntry,
    EpochSeconds, ErrorCode, XksProxyConfigurationType, XksProxyConnectivityType,
};
use crate::error::KmsError;

/// The custom key stores an account may have in a Region [docs resource-limits].
pub const LIMIT: usize = 10;

/// How KMS reaches an external key store proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XksProxy {
    /// PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE.
    pub connectivity: XksProxyConnectivityType,
    /// `https://host`.
    pub uri_endpoint: String,
    /// `/…/kms/xks/v1`.
    pub uri_path: String,
    /// The VPC endpoint service (VPC_ENDPOINT_SERVICE only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_service_name: Option<String>,
    /// The account owning that service, when not the caller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_service_owner: Option<String>,
    /// The proxy authentication credential's access key ID.
    pub access_key_id: String,
    /// Its secret (never returned).
    pub secret_access_key: String,
}

/// A custom key store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomKeyStoreRecord {
    /// `cks-` and 17 hex digits.
    pub id: String,
    /// Unique in the account and Region.
    pub name: String,
    /// AWS_CLOUDHSM or EXTERNAL_KEY_STORE.
    pub store_type: CustomKeyStoreType,
    /// Creation time.
    pub creation_date: f64,
    /// The CloudHSM cluster (CloudHSM key stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_hsm_cluster_id: Option<String>,
    /// The cluster's trust anchor certificate (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_anchor_certificate: Option<String>,
    /// The `kmsuser` password (never returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_store_password: Option<String>,
    /// The proxy (external key stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xks: Option<XksProxy>,
    /// The connection state as last written (see `settle`).
    pub connection_state: ConnectionStateType,
    /// Why the last connection failed (FAILED only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_error_code: Option<ConnectionErrorCodeType>,
}

impl CustomKeyStoreRecord {
    /// The connection state as a later request sees it: CONNECTING has finished.
    pub fn settle(&mut self) {
        if self.connection_state == ConnectionStateType::CONNECTING {
            match self.connection_failure() {
                Some(code) => {
                    self.connection_state = ConnectionStateType::FAILED;
                    self.connection_error_code = Some(code);
                }
                None => self.connection_state = ConnectionStateType::CONNECTED,
            }
        }
    }

    /// Why connecting this store would fail, if it would.
    fn connection_failure(&self) -> Option<ConnectionErrorCodeType> {
        let xks = self.xks.as_ref()?;
        let host = xks
            .uri_endpoint
            .strip_prefix("https://")
            .unwrap_or(&xks.uri_endpoint)
            .trim_end_matches('.')
            .to_ascii_lowercase();
        (host == "invalid" || host.ends_with(".invalid"))
            .then_some(ConnectionErrorCodeType::XKS_PROXY_NOT_REACHABLE)
    }

    /// Whether keys in the store can be used.
    pub fn is_connected(&self) -> bool {
        self.connection_state == ConnectionStateType::CONNECTED
    }

    /// `CustomKeyStoreInvalidStateException` naming the store and its state.
    pub fn invalid_state(&self, operation: &str) -> KmsError {
        KmsError::new(
            ErrorCode::CustomKeyStoreInvalidStateException,
            format!(
                "Custom key store {} is in the {} state, in which {operation} is not valid.",
                self.id,
                self.connection_state.as_str()
            ),
        )
    }

    /// ConnectCustomKeyStore: valid in every state but DISCONNECTING and FAILED (a failed store is
    /// disconnected first); connecting a connected store changes nothing.
    pub fn connect(&mut self) -> Result<(), KmsError> {
        match self.connection_state {
            ConnectionStateType::DISCONNECTING | ConnectionStateType::FAILED => {
                Err(self.invalid_state("ConnectCustomKeyStore"))
            }
            ConnectionStateType::DISCONNECTED => {
                self.connection_state = ConnectionStateType::CONNECTING;
                self.connection_error_code = None;
                Ok(())
            }
            ConnectionStateType::CONNECTED | ConnectionStateType::CONNECTING => Ok(()),
        }
    }

    /// DisconnectCustomKeyStore: valid in every state but DISCONNECTING and DISCONNECTED.
    pub fn disconnect(&mut self) -> Result<(), KmsError> {
        match self.connection_state {
            ConnectionStateType::DISCONNECTING | ConnectionStateType::DISCONNECTED => {
                Err(self.invalid_state("DisconnectCustomKeyStore"))
            }
            _ => {
                self.connection_state = ConnectionStateType::DISCONNECTED;
                self.connection_error_code = None;
                Ok(())
            }
        }
    }

    /// The DescribeCustomKeyStores entry (secrets left out, as AWS does).
    pub fn entry(&self) -> CustomKeyStoresListEntry {
        CustomKeyStoresListEntry {
            custom_key_store_id: Some(self.id.clone()),
            custom_key_store_name: Some(self.name.clone()),
            cloud_hsm_cluster_id: self.cloud_hsm_cluster_id.clone(),
            trust_anchor_certificate: self.trust_anchor_certificate.clone(),
            connection_state: Some(self.connection_state),
            connection_error_code: self.connection_error_code,
            creation_date: Some(EpochSeconds(self.creation_date)),
            custom_key_store_type: Some(self.store_type),
            xks_proxy_configuration: self.xks.as_ref().map(|x| XksProxyConfigurationType {
                connectivity: Some(x.connectivity),
                access_key_id: Some(x.access_key_id.clone()),
                uri_endpoint: Some(x.uri_endpoint.clone()),
                uri_path: Some(x.uri_path.clone()),
                vpc_endpoint_service_name: x.vpc_endpoint_service_name.clone(),
                vpc_endpoint_service_owner: x.vpc_endpoint_service_owner.clone(),
            }),
        }
    }
}

/// A new store ID: `cks-` and 17 lower-case hex digits, as AWS's look.
pub fn new_id(random: [u8; 9]) -> String {
    let hex: String = crate::hex::encode(&random);
    format!("cks-{}", hex.get(..17).unwrap_or_default())
}

/// `CustomKeyStoreNotFoundException` for an ID or name that names no store.
pub fn not_found(what: &str) -> KmsError {
    KmsError::new(
        ErrorCode::CustomKeyStoreNotFoundException,
        format!("Custom key store {what} does not exist."),
    )
}

/// `CustomKeyStoreNameInUseException`.
pub fn name_in_use(name: &str) -> KmsError {
    KmsError::new(
        ErrorCode::CustomKeyStoreNameInUseException,
        format!("A custom key store with the name {name} already exists."),
    )
}

/// Whether a trust anchor certificate looks like one PEM certificate (IncorrectTrustAnchorException
/// otherwise; the emulator has no cluster to compare it with).
pub fn is_pem_certificate(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("-----BEGIN CERTIFICATE-----") && t.ends_with("-----END CERTIFICATE-----")
}

fn in_use(code: ErrorCode, message: String) -> KmsError {
    KmsError::new(code, message)
}

/// The rules a store's configuration must meet against the other stores of the account and
/// Region (`others` excludes the store itself): unique name, one store per CloudHSM cluster, a PEM
/// trust anchor, and a proxy no other external key store uses.
pub fn check(
    store: &CustomKeyStoreRecord,
    others: &[CustomKeyStoreRecord],
) -> Result<(), KmsError> {
    if others.iter().any(|o| o.name == store.name) {
        return Err(name_in_use(&store.name));
    }
    if let Some(cluster) = &store.cloud_hsm_cluster_id {
        if others
            .iter()
            .any(|o| o.cloud_hsm_cluster_id.as_ref() == Some(cluster))
        {
            return Err(in_use(
                ErrorCode::CloudHsmClusterInUseException,
                format!(
                    "CloudHSM cluster {cluster} is already associated with a custom key store."
                ),
            ));
        }
    }
    if let Some(anchor) = &store.trust_anchor_certificate {
        if !is_pem_certificate(anchor) {
            return Err(in_use(
                ErrorCode::IncorrectTrustAnchorException,
                "The trust anchor certificate is not the trust anchor certificate of the cluster."
                    .to_string(),
            ));
        }
    }
    let Some(xks) = &store.xks else {
        return Ok(());
    };
    let vpc = xks.connectivity == XksProxyConnectivityType::VPC_ENDPOINT_SERVICE;
    match (vpc, &xks.vpc_endpoint_service_name) {
        (true, None) => {
            return Err(KmsError::validation(
                "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
            ))
        }
        (false, Some(_)) => {
            return Err(KmsError::validation(
                "XksProxyVpcEndpointServiceName is valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
            ))
        }
        _ => {}
    }
    if !vpc && xks.vpc_endpoint_service_owner.is_some() {
        return Err(KmsError::validation(
            "XksProxyVpcEndpointServiceOwner is valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
        ));
    }
    for other in others.iter().filter_map(|o| o.xks.as_ref()) {
        if other.uri_endpoint == xks.uri_endpoint && other.uri_path == xks.uri_path {
            return Err(in_use(
                ErrorCode::XksProxyUriInUseException,
                format!(
                    "The XKS proxy URI {}{} is already used by another external key store.",
                    xks.uri_endpoint, xks.uri_path
                ),
            ));
        }
        if !vpc && other.uri_endpoint == xks.uri_endpoint {
            return Err(in_use(
                ErrorCode::XksProxyUriEndpointInUseException,
                format!(
                    "The XKS proxy URI endpoint {} is already used by another external key store.",
                    xks.uri_endpoint
                ),
            ));
        }
        if vpc && other.vpc_endpoint_service_name == xks.vpc_endpoint_service_name {
            return Err(in_use(
                ErrorCode::XksProxyVpcEndpointServiceInUseException,
                "The VPC endpoint service is already used by another external key store."
                    .to_string(),
            ));
        }
    }
    Ok(())
}

/// `<Member> is required …` for a member a store type needs.
pub fn required(member: &str, store_type: CustomKeyStoreType) -> KmsError {
    KmsError::validation(format!(
        "{member} is required for a custom key store of type {}.",
        store_type.as_str()
    ))
}

/// A member that does not belong to the store type.
pub fn not_valid_for(member: &str, store_type: CustomKeyStoreType) -> KmsError {
    KmsError::validation(format!(
        "{member} is not valid for a custom key store of type {}.",
        store_type.as_str()
    ))
}
