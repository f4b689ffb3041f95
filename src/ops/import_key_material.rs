//! ImportKeyMaterial: unwraps material with the parameter set the import token names, checks it
//! fits the key spec and, on a re-import, that it is the same material (the KeyMaterialId is
//! derived from key ID and bytes, so the same bytes give the same ID), then makes the key usable
//! (AWS-KMS-BEHAVIOUR.md §2.3, §2.12). A symmetric key may stage different material with ImportType
//! NEW_KEY_MATERIAL, pending an on-demand rotation; asymmetric and HMAC material never changes.

use crate::api::{
    Blob, ErrorCode, ImportKeyMaterialRequest, ImportKeyMaterialResponse, ImportType, KeySpec,
    KeyState,
};
use crate::error::{KmsError, KmsResult};
use crate::model::import;
use crate::model::key::KeyMaterial;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs ImportKeyMaterial.
pub fn run(
    env: &mut Env<'_, '_>,
    req: ImportKeyMaterialRequest,
) -> KmsResult<ImportKeyMaterialResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    import::require_external(&key)?;
    import::require_not_pending_deletion(&key)?;
    let now = env.ctx.now;
    let (model, valid_to) =
        import::expiration(req.expiration_model, req.valid_to.map(|t| t.0), now)?;
    let symmetric = key.key_spec == KeySpec::SYMMETRIC_DEFAULT;
    let import_type = req.import_type;
    if !symmetric && (req.key_material_id.is_some() || import_type.is_some()) {
        return Err(KmsError::validation(
            "ImportType and KeyMaterialId are valid only for symmetric encryption keys.",
        ));
    }
    let import_type = import_type.unwrap_or(if key.materials.is_empty() {
        ImportType::NEW_KEY_MATERIAL
    } else {
        ImportType::EXISTING_KEY_MATERIAL
    });
    if import_type == ImportType::NEW_KEY_MATERIAL && req.key_material_id.is_some() {
        return Err(KmsError::validation(
            "You cannot specify a KeyMaterialId when the ImportType is NEW_KEY_MATERIAL.",
        ));
    }
    let token = req.import_token;
    let params = import::find_parameters(&key, &token.0, now)?;
    let encrypted = req.encrypted_key_material;
    let bytes = import::unwrap(params, &encrypted.0, env.rng)?;
    let (bytes, public_key) = import::check_material(&key, bytes)?;
    let mut material = KeyMaterial::new(&key.key_id, bytes, now);
    material.description = req.key_material_description.clone();
    let id = material.id.clone();
    if let Some(expected) = &req.key_material_id {
        if *expected != id {
            return Err(incorrect(&key.arn));
        }
    }

    let known = key.materials.iter().position(|m| m.id == id);
    match (import_type, known) {
        (ImportType::EXISTING_KEY_MATERIAL, Some(i)) | (ImportType::NEW_KEY_MATERIAL, Some(i)) => {
            if let Some(m) = key.materials.get_mut(i) {
                m.bytes = material.bytes;
                if material.description.is_some() {
                    m.description = material.description;
                }
            }
        }
        (ImportType::EXISTING_KEY_MATERIAL, None) => return Err(incorrect(&key.arn)),
        (ImportType::NEW_KEY_MATERIAL, None) if key.materials.is_empty() => {
            key.materials.push(material);
        }
        (ImportType::NEW_KEY_MATERIAL, None) => {
            if !symmetric {
                return Err(incorrect(&key.arn));
            }
            if let Some(pending) = &key.pending_rotation_material {
                if pending.id != id {
                    return Err(KmsError::new(ErrorCode::KMSInvalidStateException, format!(
                        "New key material (id: {id}) cannot be imported into KMS key {}, because another key material (id: {}) is pending rotation.",
                        key.key_id, pending.id
                    )));
                }
            }
            key.pending_rotation_material = Some(material);
        }
    }
    if public_key.is_some() && key.public_key.is_none() {
        key.public_key = public_key.map(Blob);
    }
    key.expiration_model = Some(model);
    key.valid_to = valid_to;
    if key.state == KeyState::PendingImport {
        key.state = KeyState::Enabled;
    }
    let response = ImportKeyMaterialResponse {
        key_id: Some(key.arn.clone()),
        key_material_id: Some(id),
    };
    env.txn.put_key(key);
    Ok(response)
}

/// Different material than the key had (AWS: "not the same key material that was previously
/// imported into this KMS key").
fn incorrect(arn: &str) -> KmsError {
    KmsError::new(
        ErrorCode::IncorrectKeyMaterialException,
        format!("The key material is not the key material previously imported into {arn}."),
    )
}
