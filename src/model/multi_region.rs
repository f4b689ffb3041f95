//! Multi-Region keys (AWS-KMS-BEHAVIOUR.md §2.20): which Region holds the primary and which hold
//! replicas. Every copy of the key (one record per Region, same key ID and material) carries the
//! same links, and the operations that change them (ReplicateKey, UpdatePrimaryRegion) rewrite
//! every copy in one transaction.

use serde::{Deserialize, Serialize};

use crate::api::{MultiRegionConfiguration, MultiRegionKey, MultiRegionKeyType};
use crate::context::partition_of;
use crate::model::key::KeyRecord;

/// The Regions of a Multi-Region key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiRegionLinks {
    /// The Region of the primary key.
    pub primary_region: String,
    /// The Regions of the replicas, in the order they were created.
    pub replica_regions: Vec<String>,
}

impl MultiRegionLinks {
    /// A new primary in `region` with no replicas.
    pub fn primary(region: &str) -> Self {
        Self {
            primary_region: region.to_string(),
            replica_regions: Vec::new(),
        }
    }

    /// Whether the copy in `region` is the primary.
    pub fn is_primary(&self, region: &str) -> bool {
        self.primary_region == region
    }

    /// Every Region that holds a copy, primary first.
    pub fn regions(&self) -> Vec<String> {
        let mut all = vec![self.primary_region.clone()];
        all.extend(self.replica_regions.iter().cloned());
        all
    }

    /// The links after `region` became the primary (the old primary becomes a replica).
    pub fn with_primary(&self, region: &str) -> Self {
        let mut replicas: Vec<String> = self
            .replica_regions
            .iter()
            .filter(|r| *r != region)
            .cloned()
            .collect();
        replicas.push(self.primary_region.clone());
        Self {
            primary_region: region.to_string(),
            replica_regions: replicas,
        }
    }

    /// The `MultiRegionConfiguration` of KeyMetadata, as seen from the copy `key`.
    pub fn configuration(&self, key: &KeyRecord) -> MultiRegionConfiguration {
        let entry = |region: &str| MultiRegionKey {
            arn: Some(arn_in(key, region)),
            region: Some(region.to_string()),
        };
        MultiRegionConfiguration {
            multi_region_key_type: Some(if self.is_primary(&key.region) {
                MultiRegionKeyType::PRIMARY
            } else {
                MultiRegionKeyType::REPLICA
            }),
            primary_key: Some(entry(&self.primary_region)),
            replica_keys: Some(self.replica_regions.iter().map(|r| entry(r)).collect()),
        }
    }
}

/// The ARN of the copy of `key` in `region`.
pub fn arn_in(key: &KeyRecord, region: &str) -> String {
    format!(
        "arn:{}:kms:{}:{}:key/{}",
        partition_of(region),
        region,
        key.account_id,
        key.key_id
    )
}

/// A new Multi-Region key ID: `mrk-` and 32 lower-case hex digits.
pub fn new_key_id(random: [u8; 16]) -> String {
    let mut out = String::from("mrk-");
    crate::hex::push(&mut out, &random);
    out
}

/// A primary in PendingReplicaDeletion waits for its replicas (§2.10): once every replica is gone
/// (absent, or pending deletion with its deletion date passed), its own waiting period runs from
/// the moment the last one went, and it is PendingDeletion. `replicas` are the raw records of the
/// Regions the links name.
pub fn settle_primary(key: &mut KeyRecord, replicas: &[Option<KeyRecord>], now: f64) {
    if key.state != crate::api::KeyState::PendingReplicaDeletion {
        return;
    }
    let mut last_gone = f64::NEG_INFINITY;
    for replica in replicas.iter().flatten() {
        match (replica.state, replica.deletion_date) {
            (crate::api::KeyState::PendingDeletion, Some(t)) if t <= now => {
                last_gone = last_gone.max(t);
            }
            _ => return,
        }
    }
    let start = if last_gone.is_finite() {
        last_gone
    } else {
        now
    };
    #[allow(clippy::cast_precision_loss)]
    let window = key.pending_window_days.unwrap_or(30) as f64;
    key.state = crate::api::KeyState::PendingDeletion;
    key.deletion_date = Some(start + window * crate::model::key::DAY);
}

/// Whether `key` is a primary with at least one replica that is not already gone at `now`.
pub fn has_live_replicas(key: &KeyRecord, replicas: &[Option<KeyRecord>], now: f64) -> bool {
    key.multi_region_links
        .as_ref()
        .is_some_and(|l| l.is_primary(&key.region))
        && replicas.iter().flatten().any(|r| {
            !(r.state == crate::api::KeyState::PendingDeletion
                && r.deletion_date.is_some_and(|t| t <= now))
        })
}
