//! ListKeyRotations: the material versions of a symmetric key, oldest first. ROTATIONS_ONLY (the
//! default) lists the rotations; ALL_KEY_MATERIAL adds the first material and any imported material
//! staged for rotation (AWS-KMS-BEHAVIOUR.md §2.11).

use crate::api::{
    EpochSeconds, ErrorCode, ExpirationModelType, ImportState, IncludeKeyMaterial,
    KeyMaterialState, KeySpec, ListKeyRotationsRequest, ListKeyRotationsResponse, OriginType,
    RotationsListEntry,
};
use crate::error::{KmsError, KmsResult};
use crate::model::key::{KeyMaterial, KeyRecord};
use crate::model::key_ref::Forms;
use crate::model::paging;

use super::Env;

const DEFAULT_LIMIT: usize = 100;

/// Runs ListKeyRotations.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ListKeyRotationsRequest,
) -> KmsResult<ListKeyRotationsResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    if key.key_spec != KeySpec::SYMMETRIC_DEFAULT {
        return Err(KmsError::new(
            ErrorCode::UnsupportedOperationException,
            format!(
                "{} key spec {} does not support rotation.",
                key.arn,
                key.key_spec.as_str()
            ),
        ));
    }
    let all = req.include_key_material == Some(IncludeKeyMaterial::ALL_KEY_MATERIAL);
    let current = key.materials.last().map(|m| m.id.clone());
    // Position-prefixed sort keys keep the pages in material order.
    let mut entries: Vec<(String, RotationsListEntry)> = key
        .materials
        .iter()
        .enumerate()
        .filter(|(i, _)| all || *i > 0)
        .map(|(i, m)| {
            let state = if Some(&m.id) == current.as_ref() {
                KeyMaterialState::CURRENT
            } else {
                KeyMaterialState::NON_CURRENT
            };
            (format!("{i:06}"), entry(&key, m, state))
        })
        .collect();
    if all {
        if let Some(staged) = &key.pending_rotation_material {
            let sort = format!("{:06}", key.materials.len());
            entries.push((
                sort,
                entry(&key, staged, KeyMaterialState::PENDING_ROTATION),
            ));
        }
    }
    let (page, next) = paging::page(
        entries,
        |(sort, _)| sort.clone(),
        req.marker.as_deref(),
        req.limit,
        DEFAULT_LIMIT,
    )?;
    Ok(ListKeyRotationsResponse {
        rotations: Some(page.into_iter().map(|(_, e)| e).collect()),
        truncated: Some(next.is_some()),
        next_marker: next,
    })
}

fn entry(key: &KeyRecord, material: &KeyMaterial, state: KeyMaterialState) -> RotationsListEntry {
    let imported = key.origin == OriginType::EXTERNAL;
    RotationsListEntry {
        key_id: Some(key.arn.clone()),
        key_material_id: Some(material.id.clone()),
        key_material_description: material.description.clone(),
        import_state: imported.then_some(if material.bytes.0.is_empty() {
            ImportState::PENDING_IMPORT
        } else {
            ImportState::IMPORTED
        }),
        key_material_state: Some(state),
        expiration_model: if imported {
            key.expiration_model
                .or(Some(ExpirationModelType::KEY_MATERIAL_DOES_NOT_EXPIRE))
        } else {
            None
        },
        valid_to: if imported {
            key.valid_to.map(EpochSeconds)
        } else {
            None
        },
        rotation_date: material
            .rotation_type
            .map(|_| EpochSeconds(material.created)),
        rotation_type: material.rotation_type,
    }
}
