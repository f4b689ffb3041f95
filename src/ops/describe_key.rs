//! DescribeKey: the metadata of a key named in any of the four identifier forms.

use crate::api::{DescribeKeyRequest, DescribeKeyResponse};
use crate::error::KmsResult;
use crate::model::key_ref::Forms;

use super::Env;

/// Runs DescribeKey.
pub fn run(env: &mut Env<'_, '_>, req: DescribeKeyRequest) -> KmsResult<DescribeKeyResponse> {
    let key = env
        .txn
        .resolve_key(env.ctx, req.key_id.as_str(), Forms::Any)?;
    Ok(DescribeKeyResponse {
        key_metadata: Some(key.metadata()),
    })
}
