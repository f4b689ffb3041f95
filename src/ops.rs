//! The operation table: one line per implemented operation, routing to `ops::<op>::run`. Every
//! other operation answers UnsupportedOperationException naming itself, so nothing is faked.
//! Each `run` reads resolve → check → act → respond, and gets time and randomness only from `Env`.

mod cancel_key_deletion;
mod common;
mod connect_custom_key_store;
mod create_alias;
mod create_custom_key_store;
mod create_grant;
pub(crate) mod create_key;
mod decapsulate;
mod decrypt;
mod delete_alias;
mod delete_custom_key_store;
mod delete_imported_key_material;
mod derive_shared_secret;
mod describe_custom_key_stores;
mod describe_key;
mod disable_key;
mod disable_key_rotation;
mod disconnect_custom_key_store;
mod enable_key;
mod enable_key_rotation;
mod encapsulate;
mod encrypt;
mod generate_data_key;
mod generate_data_key_pair;
mod generate_data_key_pair_without_plaintext;
mod generate_data_key_without_plaintext;
mod generate_mac;
mod generate_random;
mod get_key_last_usage;
mod get_key_policy;
mod get_key_rotation_status;
mod get_parameters_for_import;
mod get_public_key;
mod import_key_material;
mod key_placement;
mod list_aliases;
mod list_grants;
mod list_key_policies;
mod list_key_rotations;
mod list_keys;
mod list_resource_tags;
mod list_retirable_grants;
mod put_key_policy;
mod re_encrypt;
mod replicate_key;
mod retire_grant;
mod revoke_grant;
mod rotate_key_on_demand;
mod schedule_key_deletion;
mod sign;
mod tag_resource;
mod untag_resource;
mod update_alias;
mod update_custom_key_store;
mod update_key_description;
mod update_primary_region;
mod verify;
mod verify_mac;

use serde::Serialize;

use crate::api::{blob_channel, Operation, Request};
use crate::context::RequestCtx;
use crate::crypto::rng::RandomSource;
use crate::crypto::rsa::HostKeyPool;
use crate::crypto::Accelerators;
use crate::error::{KmsError, KmsResult};
use crate::model::last_usage::LastUsageLog;
use crate::store::Txn;

/// What an operation may touch: the transaction, the caller's context and the randomness seam.
pub struct Env<'t, 's> {
    /// Reads and pending writes.
    pub txn: &'t mut Txn<'s>,
    /// Caller, Region, time.
    pub ctx: &'t RequestCtx,
    /// Randomness.
    pub rng: &'t mut dyn RandomSource,
    /// Crypto the host does faster (AES-GCM, ECDSA), lent to the engine like randomness.
    pub accelerators: &'t Accelerators,
    /// RSA keys the host generated ahead of demand (see `Engine::provide_host_key`).
    pub host_keys: &'t mut HostKeyPool,
    /// The last uses of keys seen by this engine (GetKeyLastUsage).
    pub last_usage: &'t LastUsageLog,
}

impl Env<'_, '_> {
    /// `n` random bytes.
    pub fn random(&mut self, n: usize) -> KmsResult<Vec<u8>> {
        let mut buf = vec![0u8; n];
        self.rng
            .fill(&mut buf)
            .map_err(|_| KmsError::internal("The random source failed."))?;
        Ok(buf)
    }

    /// A fixed number of random bytes.
    pub fn random_array<const N: usize>(&mut self) -> KmsResult<[u8; N]> {
        let mut buf = [0u8; N];
        self.rng
            .fill(&mut buf)
            .map_err(|_| KmsError::internal("The random source failed."))?;
        Ok(buf)
    }
}

/// The response body of an operation's result. Only this step and the request's decoding may read
/// or write out-of-band blobs (`api::blob_channel`).
fn respond<Resp: Serialize>(response: KmsResult<Resp>) -> KmsResult<Vec<u8>> {
    let response = response?;
    blob_channel::codec(|| serde_json::to_vec(&response))
        .map_err(|e| KmsError::internal(format!("response encoding failed: {e}")))
}

macro_rules! routes {
    ($($name:ident => $module:ident),* $(,)?) => {
        /// Runs the operation of `request` and encodes its response. The operation gets its own
        /// copy of the request: the engine's checks after it read the request too.
        pub fn dispatch(request: &Request, env: &mut Env<'_, '_>) -> KmsResult<Vec<u8>> {
            match request {
                $(Request::$name(r) => respond($module::run(env, r.clone())),)*
                // Every operation of the model is routed today; the arm keeps the table honest
                // when the model grows.
                #[allow(unreachable_patterns)]
                _ => Err(KmsError::not_implemented(request.operation().name())),
            }
        }

        /// Whether this emulator implements `op`.
        pub fn is_implemented(op: Operation) -> bool {
            matches!(op, $(Operation::$name)|*)
        }
    };
}

routes! {
    CancelKeyDeletion => cancel_key_deletion,
    UpdatePrimaryRegion => update_primary_region,
    UpdateCustomKeyStore => update_custom_key_store,
    ReplicateKey => replicate_key,
    ImportKeyMaterial => import_key_material,
    GetParametersForImport => get_parameters_for_import,
    DisconnectCustomKeyStore => disconnect_custom_key_store,
    DescribeCustomKeyStores => describe_custom_key_stores,
    DeleteImportedKeyMaterial => delete_imported_key_material,
    DeleteCustomKeyStore => delete_custom_key_store,
    CreateCustomKeyStore => create_custom_key_store,
    ConnectCustomKeyStore => connect_custom_key_store,
    CreateAlias => create_alias,
    CreateGrant => create_grant,
    CreateKey => create_key,
    Decapsulate => decapsulate,
    Decrypt => decrypt,
    DeleteAlias => delete_alias,
    DeriveSharedSecret => derive_shared_secret,
    DescribeKey => describe_key,
    DisableKey => disable_key,
    DisableKeyRotation => disable_key_rotation,
    EnableKey => enable_key,
    EnableKeyRotation => enable_key_rotation,
    Encapsulate => encapsulate,
    Encrypt => encrypt,
    GenerateDataKey => generate_data_key,
    GenerateDataKeyPair => generate_data_key_pair,
    GenerateDataKeyPairWithoutPlaintext => generate_data_key_pair_without_plaintext,
    GenerateDataKeyWithoutPlaintext => generate_data_key_without_plaintext,
    GenerateMac => generate_mac,
    GenerateRandom => generate_random,
    GetKeyLastUsage => get_key_last_usage,
    GetKeyPolicy => get_key_policy,
    GetKeyRotationStatus => get_key_rotation_status,
    GetPublicKey => get_public_key,
    ListAliases => list_aliases,
    ListGrants => list_grants,
    ListKeyPolicies => list_key_policies,
    ListKeyRotations => list_key_rotations,
    ListKeys => list_keys,
    ListResourceTags => list_resource_tags,
    ListRetirableGrants => list_retirable_grants,
    PutKeyPolicy => put_key_policy,
    ReEncrypt => re_encrypt,
    RetireGrant => retire_grant,
    RevokeGrant => revoke_grant,
    RotateKeyOnDemand => rotate_key_on_demand,
    ScheduleKeyDeletion => schedule_key_deletion,
    Sign => sign,
    TagResource => tag_resource,
    UntagResource => untag_resource,
    UpdateAlias => update_alias,
    UpdateKeyDescription => update_key_description,
    Verify => verify,
    VerifyMac => verify_mac,
}
