//! Aliases: the record, and the name rules AWS applies beyond the model's pattern
//! (AWS-KMS-BEHAVIOUR.md §2.7).

use serde::{Deserialize, Serialize};

use crate::api::ErrorCode;
use crate::error::{KmsError, KmsResult};

/// Aliases a key may have (docs resource-limits).
pub const MAX_ALIASES_PER_KEY: usize = 50;

/// An alias in one account and Region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasRecord {
    /// `alias/…`.
    pub name: String,
    /// The key ID it points at.
    pub target_key_id: String,
    /// Creation time.
    pub creation_date: f64,
    /// Last UpdateAlias time.
    pub last_updated_date: f64,
}

/// Checks a name a caller wants to create or point elsewhere.
pub fn check_writable_name(name: &str) -> KmsResult<()> {
    if !name.starts_with("alias/") {
        return Err(KmsError::validation(
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        ));
    }
    if name.starts_with("alias/aws/") {
        // AWS reserves these for AWS managed keys. The body's message is not pinned down (peers
        // send none; no AWS recording), so none is sent.
        return Err(KmsError::without_message(ErrorCode::NotAuthorizedException));
    }
    if name.len() <= "alias/".len() {
        return Err(KmsError::validation(
            "Alias name must not be empty after the prefix \"alias/\".",
        ));
    }
    // The model's pattern also allows `:`, AWS does not: only letters, digits, `/`, `_` and `-`
    // after the prefix (https://docs.aws.amazon.com/kms/latest/developerguide/alias-about.html).
    // AWS's text is not recorded; this is the one moto answers with.
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-');
    if !name.chars().all(allowed) {
        return Err(KmsError::validation(format!(
            "{name} contains invalid characters for an alias"
        )));
    }
    Ok(())
}

/// The key type UpdateAlias requires to match: symmetric, asymmetric or HMAC.
pub fn key_class(key: &crate::model::key::KeyRecord) -> &'static str {
    use crate::api::KeySpec as S;
    match key.key_spec {
        S::SYMMETRIC_DEFAULT => "symmetric",
        S::HMAC_224 | S::HMAC_256 | S::HMAC_384 | S::HMAC_512 => "HMAC",
        _ => "asymmetric",
    }
}
