//! GetPublicKey: the DER SubjectPublicKeyInfo of an RSA or ECC key with its spec, usage and
//! algorithms. Symmetric and HMAC keys have no public key (UnsupportedOperationException).

use crate::api::{Blob, GetPublicKeyRequest, GetPublicKeyResponse};
use crate::error::KmsResult;
use crate::model::asymmetric;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs GetPublicKey.
pub fn run(env: &mut Env<'_, '_>, req: GetPublicKeyRequest) -> KmsResult<GetPublicKeyResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::Any)?;
    key.require_usable()?;
    asymmetric::require_public_key(&key)?;
    let public_key = asymmetric::public_key(&key)?;
    // The same algorithm lists (and omissions) DescribeKey shows.
    let md = key.metadata();
    Ok(GetPublicKeyResponse {
        key_id: Some(key.arn.clone()),
        public_key: Some(Blob(public_key)),
        customer_master_key_spec: md.customer_master_key_spec,
        key_spec: Some(key.key_spec),
        key_usage: Some(key.key_usage),
        encryption_algorithms: md.encryption_algorithms,
        signing_algorithms: md.signing_algorithms,
        key_agreement_algorithms: md.key_agreement_algorithms,
        encapsulation_algorithms: md.encapsulation_algorithms,
    })
}
