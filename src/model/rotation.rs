//! Which keys can rotate automatically, and the schedule: only symmetric encryption keys whose
//! material KMS generated (AWS-KMS-BEHAVIOUR.md §2.11 and key-state footnote [7]).

use crate::api::{ErrorCode, KeySpec, KeyState, OriginType};
use crate::crypto::digest::Hash;
use crate::crypto::hmac;
use crate::error::{KmsError, KmsResult};
use crate::model::key::{KeyRecord, DAY};

/// The default automatic-rotation period.
pub const DEFAULT_PERIOD_DAYS: i64 = 365;

/// Whether `key` supports automatic rotation at all.
pub fn check_supported(key: &KeyRecord) -> KmsResult<()> {
    if key.origin != OriginType::AWS_KMS {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "{} origin is {} which is not valid for this operation.",
                key.arn,
                key.origin.as_str()
            ),
        ));
    }
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "{} key spec {} does not support automatic rotation.",
                key.arn,
                key.key_spec.as_str()
            ),
        ));
    }
    Ok(())
}

/// What GetKeyRotationStatus reports: `false` while the key is pending deletion, the stored
/// setting otherwise, so CancelKeyDeletion brings the original status back
/// (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html).
pub fn reported_enabled(key: &KeyRecord) -> bool {
    key.rotation.enabled
        && !matches!(
            key.state,
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion
        )
}

/// The state check of Enable/DisableKeyRotation, made before `check_supported` (state before
/// spec, as AWS orders RotateKeyOnDemand [AWS-snap, §2.21]): Disabled and PendingDeletion keys
/// refuse. A PendingImport key is left to `check_supported`, whose "origin is EXTERNAL" is what
/// the key-state table gives for it (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
pub fn check_state(key: &KeyRecord) -> KmsResult<()> {
    match key.state {
        KeyState::Disabled => Err(KmsError::disabled(&key.arn)),
        KeyState::Enabled | KeyState::PendingImport => Ok(()),
        _ => key.require_usable(),
    }
}

/// When a rotation enabled at `now` with `period_days` next happens.
pub fn next_rotation(now: f64, period_days: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let days = period_days as f64;
    now + days * DAY
}

/// The material an automatic rotation at `when` brings in: HMAC-SHA-256 keyed with the previous
/// material over the key ID and the rotation time. Secret (only a holder of the previous material
/// can compute it), unique per key and rotation, and the same in every process that computes it,
/// which lets rotations be applied lazily on read instead of by a timer.
pub fn derive_material(previous: &[u8], key_id: &str, when: f64) -> Vec<u8> {
    let mut message = b"kms-wasm automatic rotation v1\0".to_vec();
    message.extend_from_slice(key_id.as_bytes());
    message.push(0);
    message.extend_from_slice(&when.to_bits().to_be_bytes());
    hmac::mac(Hash::Sha256, previous, &message).unwrap_or_default()
}

/// On-demand rotations allowed per key (AWS-KMS-BEHAVIOUR.md §2.2).
pub const ON_DEMAND_LIMIT: usize = 25;
