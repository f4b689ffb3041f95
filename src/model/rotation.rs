//! Which keys can rotate automatically, and the schedule: only symmetric encryption keys whose
//! material KMS generated (AWS-KMS-BEHAVIOUR.md §2.11 and key-state footnote [7]).

use crate::api::{ErrorCode, KeySpec, KeyState, OriginType};
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

/// The state check of Enable/DisableKeyRotation: Disabled and PendingDeletion keys refuse.
pub fn check_state(key: &KeyRecord) -> KmsResult<()> {
    match key.state {
        KeyState::Disabled => Err(KmsError::disabled(&key.arn)),
        KeyState::Enabled => Ok(()),
        _ => key.require_usable(),
    }
}

/// When a rotation enabled at `now` with `period_days` next happens.
pub fn next_rotation(now: f64, period_days: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let days = period_days as f64;
    now + days * DAY
}
