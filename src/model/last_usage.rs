//! GetKeyLastUsage data: the last cryptographic operation that used each key. Kept per engine
//! instance and never journaled — recording it durably would turn every Encrypt into a write — so a
//! new process or tab starts tracking afresh, and `TrackingStartDate` says from when.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::api::{KeyLastUsageTrackingOperation, Operation};
use crate::store::RecordKey;

/// The last use of one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastUsage {
    /// The operation.
    pub operation: KeyLastUsageTrackingOperation,
    /// When (epoch seconds).
    pub timestamp: f64,
    /// The request ID of that call.
    pub request_id: String,
}

/// Last uses by key, and when tracking began.
#[derive(Debug, Clone, Default)]
pub struct LastUsageLog {
    /// By (account, Region, key ID).
    pub uses: HashMap<RecordKey, LastUsage>,
    /// The time of the first request this engine saw.
    pub tracking_since: Option<f64>,
}

/// The tracked operation `op` counts as, if it is one.
pub fn tracked(op: Operation) -> Option<KeyLastUsageTrackingOperation> {
    KeyLastUsageTrackingOperation::from_str(op.name())
}
