//! `KeyRecord`: one KMS key as stored (metadata, material versions, policy, tags, rotation) and the
//! KeyState machine. The transition methods are the only way state changes, and each returns the
//! error AWS gives for an illegal transition (AWS-KMS-BEHAVIOUR.md §2.3).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::{
    Blob, EpochSeconds, ExpirationModelType, KeyManagerType, KeyMetadata, KeySpec, KeyState,
    KeyUsageType, OriginType, RotationType, XksKeyConfigurationType,
};
use crate::error::{KmsError, KmsResult};
use crate::model::import::WrappingParameters;
use crate::model::multi_region::MultiRegionLinks;
use crate::model::{rotation, specs};

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// One version of a key's cryptographic material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyMaterial {
    /// 64 lower-case hex characters, derived from the key ID and the material (deterministic, so a
    /// re-import of the same bytes is recognisable).
    pub id: String,
    /// The secret bytes.
    pub bytes: Blob,
    /// When this material was created or rotated in.
    pub created: f64,
    /// The KeyMaterialDescription given when it was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How this material replaced the previous one; `None` for a key's first material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_type: Option<RotationType>,
}

impl KeyMaterial {
    /// Material for `key_id`, with its derived ID.
    pub fn new(key_id: &str, bytes: Vec<u8>, created: f64) -> Self {
        let mut h = Sha256::new();
        h.update(b"kms-wasm key material v1\0");
        h.update(key_id.as_bytes());
        h.update([0]);
        h.update(&bytes);
        let id = crate::hex::encode(&h.finalize());
        Self {
            id,
            bytes: Blob(bytes),
            created,
            description: None,
            rotation_type: None,
        }
    }
}

/// Automatic-rotation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Rotation {
    /// Whether automatic rotation is on.
    pub enabled: bool,
    /// The period in days (90–2560); kept when rotation is disabled, as AWS does.
    pub period_days: Option<i64>,
    /// When the next automatic rotation is due.
    pub next_rotation: Option<f64>,
}

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// The key ID (UUID, or `mrk-…`).
    pub key_id: String,
    /// The key ARN.
    pub arn: String,
    /// The owning account.
    pub account_id: String,
    /// The Region.
    pub region: String,
    /// Creation time (epoch seconds).
    pub creation_date: f64,
    /// The description (`""` by default).
    pub description: String,
    /// The key spec.
    pub key_spec: KeySpec,
    /// The key usage.
    pub key_usage: KeyUsageType,
    /// Where the material came from.
    pub origin: OriginType,
    /// CUSTOMER or AWS.
    pub key_manager: KeyManagerType,
    /// The current state.
    pub state: KeyState,
    /// Set while PendingDeletion.
    pub deletion_date: Option<f64>,
    /// The pending window of a scheduled deletion.
    pub pending_window_days: Option<i64>,
    /// Whether this is a Multi-Region key.
    pub multi_region: bool,
    /// The key policy document named `default` (stored compactly when it is the default policy).
    #[serde(with = "crate::model::policy::stored")]
    pub policy: String,
    /// Tags in insertion order.
    pub tags: Vec<(String, String)>,
    /// Automatic rotation.
    pub rotation: Rotation,
    /// Every material version, oldest first; the last is current. For RSA and ECC keys the bytes
    /// are the PKCS#8 DER private key; for HMAC keys, the raw HMAC key.
    pub materials: Vec<KeyMaterial>,
    /// The DER SubjectPublicKeyInfo of an asymmetric key, cached at creation (absent for symmetric
    /// and HMAC keys, and in journals written before asymmetric keys existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<Blob>,
    /// Imported material: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE (absent while no
    /// imported material is usable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_model: Option<ExpirationModelType>,
    /// When imported material expires (KEY_MATERIAL_EXPIRES only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<f64>,
    /// Wrapping key pairs handed out by GetParametersForImport and not yet expired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_parameters: Vec<WrappingParameters>,
    /// Imported material staged with ImportType NEW_KEY_MATERIAL, waiting for RotateKeyOnDemand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_rotation_material: Option<KeyMaterial>,
    /// The primary Region and replica Regions of a Multi-Region key (the same on every copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region_links: Option<MultiRegionLinks>,
    /// The custom key store holding the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_key_store_id: Option<String>,
    /// The CloudHSM cluster of that store (CloudHSM key stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_hsm_cluster_id: Option<String>,
    /// The external key's ID (external key stores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xks_key_id: Option<String>,
    /// While Unavailable (its custom key store is disconnected): the state to return to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_when_available: Option<KeyState>,
}

impl KeyRecord {
    /// The material new ciphertexts are made with.
    pub fn current_material(&self) -> KmsResult<&KeyMaterial> {
        self.materials
            .last()
            .ok_or_else(|| KmsError::internal("key has no material"))
    }

    /// The material with the given ID, for decrypting older ciphertexts.
    pub fn material(&self, id: &str) -> Option<&KeyMaterial> {
        self.materials.iter().find(|m| m.id == id)
    }

    /// Whether the key is one with imported material (Origin EXTERNAL) that has none to use: never
    /// imported, deleted, or expired. Such a key is `PendingImport` in every state but the deletion
    /// ones, and nothing can make it usable until material is imported (§2.3,
    /// DeleteImportedKeyMaterial reference).
    pub fn awaits_import(&self) -> bool {
        self.origin == OriginType::EXTERNAL
            && self.materials.last().is_none_or(|m| m.bytes.0.is_empty())
    }

    /// Whether the key can be used for cryptography now (`Enabled`).
    pub fn is_enabled(&self) -> bool {
        self.state == KeyState::Enabled
    }

    /// The check every cryptographic operation makes first: the key must be Enabled, and each other
    /// state answers with AWS's error.
    pub fn require_usable(&self) -> KmsResult<()> {
        match self.state {
            KeyState::Enabled => Ok(()),
            KeyState::Disabled => Err(KmsError::disabled(&self.arn)),
            other => Err(self.state_error(other)),
        }
    }

    /// The check of management operations that fail only while PendingDeletion (CreateAlias,
    /// TagResource, UntagResource, UpdateKeyDescription).
    pub fn require_not_pending_deletion(&self) -> KmsResult<()> {
        match self.state {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => {
                Err(self.state_error(self.state))
            }
            _ => Ok(()),
        }
    }

    /// The key usage must be `usage` for `operation`.
    pub fn require_usage(&self, usage: KeyUsageType, operation: &str) -> KmsResult<()> {
        if self.key_usage == usage {
            Ok(())
        } else {
            Err(KmsError::invalid_key_usage(
                &self.arn,
                self.key_usage.as_str(),
                operation,
            ))
        }
    }

    fn state_error(&self, state: KeyState) -> KmsError {
        let what = match state {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => "pending deletion",
            KeyState::PendingImport => "pending import",
            KeyState::Unavailable => "unavailable",
            KeyState::Creating => "creating",
            KeyState::Updating => "updating",
            KeyState::Disabled => "disabled",
            KeyState::Enabled => "enabled",
        };
        KmsError::invalid_state(&self.arn, what)
    }

    /// EnableKey: Disabled → Enabled (idempotent on Enabled).
    pub fn enable(&mut self) -> KmsResult<()> {
        match self.state {
            KeyState::Enabled | KeyState::Disabled => {
                self.state = KeyState::Enabled;
                Ok(())
            }
            // Accepted while the custom key store is disconnected; applies once it reconnects.
            KeyState::Unavailable => {
                self.state_when_available = Some(KeyState::Enabled);
                Ok(())
            }
            other => Err(self.state_error(other)),
        }
    }

    /// DisableKey: Enabled → Disabled (idempotent on Disabled).
    pub fn disable(&mut self) -> KmsResult<()> {
        match self.state {
            KeyState::Enabled | KeyState::Disabled => {
                self.state = KeyState::Disabled;
                Ok(())
            }
            KeyState::Unavailable => {
                self.state_when_available = Some(KeyState::Disabled);
                Ok(())
            }
            other => Err(self.state_error(other)),
        }
    }

    /// ScheduleKeyDeletion: any state but PendingDeletion → PendingDeletion.
    pub fn schedule_deletion(&mut self, now: f64, window_days: i64) -> KmsResult<()> {
        match self.state {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => {
                Err(self.state_error(self.state))
            }
            _ => {
                self.state = KeyState::PendingDeletion;
                self.pending_window_days = Some(window_days);
                // Window days are whole days, as AWS counts them (`window_days` is 7–30).
                #[allow(clippy::cast_precision_loss)]
                let window = window_days as f64;
                self.deletion_date = Some(now + window * DAY);
                Ok(())
            }
        }
    }

    /// CancelKeyDeletion: PendingDeletion → Disabled (not Enabled: AWS makes the owner re-enable), or
    /// PendingImport for a key without material.
    pub fn cancel_deletion(&mut self) -> KmsResult<()> {
        if !matches!(
            self.state,
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
        ) {
            return Err(KmsError::invalid_state(&self.arn, "not pending deletion"));
        }
        // A key without material cannot become Disabled (and then be enabled): it waits for import.
        self.state = if self.awaits_import() {
            KeyState::PendingImport
        } else {
            KeyState::Disabled
        };
        self.deletion_date = None;
        self.pending_window_days = None;
        Ok(())
    }

    /// The `KeyMetadata` DescribeKey, CreateKey and friends return.
    pub fn metadata(&self) -> KeyMetadata {
        let algorithms = specs::algorithms(self.key_spec, self.key_usage).unwrap_or_default();
        let symmetric = self.key_spec == KeySpec::SYMMETRIC_DEFAULT;
        KeyMetadata {
            aws_account_id: Some(self.account_id.clone()),
            key_id: Some(self.key_id.clone()),
            arn: Some(self.arn.clone()),
            creation_date: Some(EpochSeconds(self.creation_date)),
            enabled: Some(self.is_enabled()),
            description: Some(self.description.clone()),
            key_usage: Some(self.key_usage),
            key_state: Some(self.state),
            deletion_date: self.deletion_date.map(EpochSeconds),
            origin: Some(self.origin),
            key_manager: Some(self.key_manager),
            // Deprecated, and equal to KeySpec for every spec (AWS-KMS-BEHAVIOUR.md §2.4).
            customer_master_key_spec: Some(self.key_spec),
            key_spec: Some(self.key_spec),
            encryption_algorithms: non_empty(algorithms.encryption),
            signing_algorithms: non_empty(algorithms.signing),
            key_agreement_algorithms: non_empty(algorithms.key_agreement),
            encapsulation_algorithms: non_empty(algorithms.encapsulation),
            mac_algorithms: non_empty(algorithms.mac),
            multi_region: Some(self.multi_region),
            // AWS shows the window in metadata only for a primary in PendingReplicaDeletion.
            pending_deletion_window_in_days: self
                .pending_window_days
                .filter(|_| self.state == KeyState::PendingReplicaDeletion),
            // Only symmetric encryption keys carry a current material ID (§2.4).
            current_key_material_id: if symmetric {
                self.materials.last().map(|m| m.id.clone())
            } else {
                None
            },
            expiration_model: self.expiration_model,
            valid_to: self.valid_to.map(EpochSeconds),
            multi_region_configuration: self
                .multi_region_links
                .as_ref()
                .map(|links| links.configuration(self)),
            custom_key_store_id: self.custom_key_store_id.clone(),
            cloud_hsm_cluster_id: self.cloud_hsm_cluster_id.clone(),
            xks_key_configuration: self.xks_key_id.as_ref().map(|id| XksKeyConfigurationType {
                id: Some(id.clone()),
            }),
        }
    }

    /// The state as of `now`, applied to the record: every read of a key goes through this (the
    /// store's `Txn` calls it), so time-driven changes happen lazily, with no timers:
    /// - a new Multi-Region replica leaves `Creating` on its first later access;
    /// - imported material past its ValidTo is gone, and the key is PendingImport (§2.3);
    /// - a key in a disconnected custom key store is Unavailable, and returns to its own state
    ///   when the store connects (`store_connected`: `None` outside custom key stores).
    pub fn settle(&mut self, now: f64, store_connected: Option<bool>) {
        if self.state == KeyState::Creating {
            self.state = if self.origin == OriginType::EXTERNAL && self.expiration_model.is_none() {
                KeyState::PendingImport
            } else {
                KeyState::Enabled
            };
        }
        if self.expiration_model == Some(ExpirationModelType::KEY_MATERIAL_EXPIRES)
            && self.valid_to.is_some_and(|t| t <= now)
        {
            self.delete_imported_material();
        }
        // Records written before CancelKeyDeletion knew better hold such a key as Enabled or Disabled.
        if matches!(self.state, KeyState::Enabled | KeyState::Disabled) && self.awaits_import() {
            self.state = KeyState::PendingImport;
        }
        self.rotate_due(now);
        match (store_connected, self.state) {
            (Some(false), KeyState::Enabled | KeyState::Disabled) => {
                self.state_when_available = Some(self.state);
                self.state = KeyState::Unavailable;
            }
            (Some(true), KeyState::Unavailable) => {
                self.state = self
                    .state_when_available
                    .take()
                    .unwrap_or(KeyState::Enabled);
            }
            _ => {}
        }
    }

    /// Automatic rotations that fell due by `now`, applied in order. Each new material is derived
    /// from the previous one (`rotation::derive_material`), so this lazily computed view is the same
    /// on every read and in every process, and needs no timer and no randomness.
    fn rotate_due(&mut self, now: f64) {
        if !self.rotation.enabled
            || self.state != KeyState::Enabled
            || self.origin != OriginType::AWS_KMS
            || self.key_spec != KeySpec::SYMMETRIC_DEFAULT
        {
            return;
        }
        let Some(period) = self.rotation.period_days.filter(|p| *p > 0) else {
            return;
        };
        // At least 90 days apart, so even centuries of virtual time are a few hundred rotations.
        for _ in 0..100_000 {
            let Some(due) = self.rotation.next_rotation.filter(|t| *t <= now) else {
                return;
            };
            let Some(previous) = self.materials.last().filter(|m| !m.bytes.0.is_empty()) else {
                return;
            };
            let bytes = rotation::derive_material(&previous.bytes.0, &self.key_id, due);
            self.add_material(bytes, due, RotationType::AUTOMATIC);
            self.rotation.next_rotation = Some(rotation::next_rotation(due, period));
        }
    }

    /// Makes `bytes` the current material (rotated in at `when`, by `kind`).
    pub fn add_material(&mut self, bytes: Vec<u8>, when: f64, kind: RotationType) {
        let mut material = KeyMaterial::new(&self.key_id, bytes, when);
        material.rotation_type = Some(kind);
        self.materials.push(material);
    }

    /// Whether the key's deletion window has passed by `now`: it no longer exists for any caller.
    pub fn is_deleted_at(&self, now: f64) -> bool {
        self.state == KeyState::PendingDeletion && self.deletion_date.is_some_and(|d| d <= now)
    }

    /// DeleteImportedKeyMaterial (or expiry): the secret bytes go, the material IDs stay (a
    /// symmetric key keeps its CurrentKeyMaterialId, §2.3, and a re-import must bring the same
    /// material), and the key waits for an import.
    pub fn delete_imported_material(&mut self) {
        for m in &mut self.materials {
            m.bytes = Blob(Vec::new());
        }
        self.pending_rotation_material = None;
        self.expiration_model = None;
        self.valid_to = None;
        if matches!(self.state, KeyState::Enabled | KeyState::Disabled) {
            self.state = KeyState::PendingImport;
        }
    }
}

/// AWS omits algorithm lists that do not apply rather than sending `[]`.
fn non_empty<T: Clone>(items: &[T]) -> Option<Vec<T>> {
    (!items.is_empty()).then(|| items.to_vec())
}
