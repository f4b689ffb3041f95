//! DeleteImportedKeyMaterial: the imported material goes, the key becomes PendingImport and loses
//! its ExpirationModel; a symmetric key keeps its CurrentKeyMaterialId (AWS-KMS-BEHAVIOUR.md §2.3).
//! On a key that is already PendingImport it changes nothing.

use crate::api::{DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse, KeySpec};
use crate::error::{KmsError, KmsResult};
use crate::model::import;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs DeleteImportedKeyMaterial.
pub fn run(
    env: &mut Env<'_, '_>,
    req: DeleteImportedKeyMaterialRequest,
) -> KmsResult<DeleteImportedKeyMaterialResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    import::require_external(&key)?;
    if let Some(id) = &req.key_material_id {
        if !key.materials.iter().any(|m| m.id == *id) {
            return Err(KmsError::validation(format!(
                "Key material {id} is not associated with {}.",
                key.arn
            )));
        }
    }
    let material_id = if key.key_spec == KeySpec::SYMMETRIC_DEFAULT {
        key.materials.last().map(|m| m.id.clone())
    } else {
        None
    };
    if import::has_material(&key) || key.expiration_model.is_some() {
        key.delete_imported_material();
        env.txn.put_key(key.clone());
    }
    Ok(DeleteImportedKeyMaterialResponse {
        key_id: Some(key.arn),
        key_material_id: material_id,
    })
}
