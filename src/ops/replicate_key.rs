//! ReplicateKey: a copy of a Multi-Region primary in another Region of the same account, sharing
//! its key ID and material (so ciphertexts decrypt in either Region), with its own description,
//! policy and tags (AWS-KMS-BEHAVIOUR.md §2.20). The response shows the replica `Creating`; it is
//! Enabled (PendingImport for EXTERNAL keys, which import the same material again) from the next
//! request on. Every copy's MultiRegionConfiguration lists the new replica.

use crate::api::Blob;
use crate::api::{ErrorCode, KeyState, OriginType, ReplicateKeyRequest, ReplicateKeyResponse, Tag};
use crate::context::partition_of;
use crate::error::{KmsError, KmsResult};
use crate::model::key::KeyRecord;
use crate::model::key_ref::Forms;
use crate::model::multi_region::{self, MultiRegionLinks};
use crate::model::{policy, tags};

use super::Env;

/// `<ARN> is not a multi-region primary key.` (AWS-recorded for a replica; used for any key that is
/// not a primary).
fn not_primary(arn: &str) -> KmsError {
    KmsError::new(
        ErrorCode::UnsupportedOperationException,
        format!("{arn} is not a multi-region primary key."),
    )
}

/// Runs ReplicateKey.
pub fn run(env: &mut Env<'_, '_>, req: ReplicateKeyRequest) -> KmsResult<ReplicateKeyResponse> {
    let mut primary = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    let links = primary
        .multi_region_links
        .clone()
        .filter(|l| l.is_primary(&primary.region))
        .ok_or_else(|| not_primary(&primary.arn))?;
    primary.require_not_pending_deletion()?;
    let region = req.replica_region.clone();
    if partition_of(&region) != env.ctx.partition() {
        return Err(KmsError::validation(format!(
            "Region {region} is not in the partition of {}.",
            primary.arn
        )));
    }
    let account = primary.account_id.clone();
    let now = env.ctx.now;
    if region == primary.region
        || links.replica_regions.contains(&region)
        || env
            .txn
            .key_in(&account, &region, &primary.key_id, now)
            .is_some()
    {
        return Err(KmsError::new(
            ErrorCode::AlreadyExistsException,
            format!(
                "{} already exists.",
                multi_region::arn_in(&primary, &region)
            ),
        ));
    }
    let policy = match &req.policy {
        Some(p) => {
            policy::check_document(p)?;
            p.clone()
        }
        None => policy::default_policy(partition_of(&region), &account),
    };
    let replica_tags = tags::merge(
        &[],
        tags::check_new(req.tags.as_deref().unwrap_or_default())?,
    )?;

    let mut new_links = links.clone();
    new_links.replica_regions.push(region.clone());
    for other in &links.replica_regions {
        if let Some(mut copy) = env.txn.key_in(&account, other, &primary.key_id, now) {
            copy.multi_region_links = Some(new_links.clone());
            env.txn.put_key(copy);
        }
    }
    let replica = replica_of(
        &primary,
        &region,
        new_links.clone(),
        now,
        &req,
        policy,
        replica_tags,
    );
    primary.multi_region_links = Some(new_links);
    env.txn.put_key(primary);

    let mut metadata = replica.metadata();
    // The replica has no CurrentKeyMaterialId while it is being created [AWS-snap 2025-11].
    metadata.current_key_material_id = None;
    let response = ReplicateKeyResponse {
        replica_key_metadata: Some(metadata),
        replica_policy: Some(replica.policy.clone()),
        // AWS omits ReplicaTags when the replica has none [AWS-snap, §2.21].
        replica_tags: (!replica.tags.is_empty()).then(|| {
            replica
                .tags
                .iter()
                .map(|(k, v)| Tag {
                    tag_key: k.clone(),
                    tag_value: v.clone(),
                })
                .collect()
        }),
    };
    env.txn.put_key(replica);
    Ok(response)
}

fn replica_of(
    primary: &KeyRecord,
    region: &str,
    links: MultiRegionLinks,
    now: f64,
    req: &ReplicateKeyRequest,
    policy: String,
    tags: Vec<(String, String)>,
) -> KeyRecord {
    let external = primary.origin == OriginType::EXTERNAL;
    let mut materials = primary.materials.clone();
    if external {
        // Imported material is imported into each replica separately (the same material: its
        // KeyMaterialId must match), so the replica starts with the IDs only.
        for m in &mut materials {
            m.bytes = Blob(Vec::new());
        }
    }
    KeyRecord {
        key_id: primary.key_id.clone(),
        arn: multi_region::arn_in(primary, region),
        account_id: primary.account_id.clone(),
        region: region.to_string(),
        creation_date: now,
        description: req.description.clone().unwrap_or_default(),
        key_spec: primary.key_spec,
        key_usage: primary.key_usage,
        origin: primary.origin,
        key_manager: primary.key_manager,
        state: KeyState::Creating,
        deletion_date: None,
        pending_window_days: None,
        multi_region: true,
        policy,
        tags,
        rotation: primary.rotation.clone(),
        materials,
        public_key: primary.public_key.clone(),
        expiration_model: None,
        valid_to: None,
        import_parameters: Vec::new(),
        pending_rotation_material: None,
        multi_region_links: Some(links),
        custom_key_store_id: None,
        cloud_hsm_cluster_id: None,
        xks_key_id: None,
        state_when_available: None,
    }
}
