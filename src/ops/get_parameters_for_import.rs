//! GetParametersForImport: a fresh RSA (or, in the China Regions, SM2) wrapping key pair for an EXTERNAL key, and the import token
//! that ties the public key to this key for 24 hours (AWS-KMS-BEHAVIOUR.md §2.12). The private half
//! stays on the key record for ImportKeyMaterial; RSA keys come from the host pool when it has one.

use crate::api::{
    Blob, EpochSeconds, GetParametersForImportRequest, GetParametersForImportResponse,
};
use crate::error::KmsResult;
use crate::model::asymmetric;
use crate::model::import::{self, WrappingParameters, TOKEN_LIFETIME};
use crate::model::key_ref::Forms;

use super::Env;

/// Runs GetParametersForImport.
pub fn run(
    env: &mut Env<'_, '_>,
    req: GetParametersForImportRequest,
) -> KmsResult<GetParametersForImportResponse> {
    let mut key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::KeyOnly)?;
    import::require_external(&key)?;
    import::require_not_pending_deletion(&key)?;
    let (algorithm, spec) = import::wrapping_choice(
        &key,
        &env.ctx.region,
        req.wrapping_algorithm,
        req.wrapping_key_spec,
    )?;
    let pair = asymmetric::generate(import::wrapping_kind(spec), env.rng, env.host_keys)?;
    let token_id: [u8; 16] = env.random_array()?;
    let valid_to = env.ctx.now + TOKEN_LIFETIME;
    let token = import::encode_token(&key.key_id, &token_id, valid_to)?;
    import::remember(
        &mut key,
        WrappingParameters {
            token_id: import::token_id_hex(&token_id),
            algorithm,
            spec,
            private_key: Blob(pair.private_key),
            valid_to,
        },
        env.ctx.now,
    );
    let response = GetParametersForImportResponse {
        key_id: Some(key.arn.clone()),
        import_token: Some(Blob(token)),
        public_key: Some(Blob(pair.public_key)),
        parameters_valid_to: Some(EpochSeconds(valid_to)),
    };
    env.txn.put_key(key);
    Ok(response)
}
