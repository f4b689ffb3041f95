//! Tag rules beyond the model's lengths: duplicates, the reserved `aws:` prefix and the per-key
//! limit (AWS-KMS-BEHAVIOUR.md §2.8).

use crate::api::{ErrorCode, Tag};
use crate::error::{KmsError, KmsResult};

/// Tags a key may carry.
pub const MAX_TAGS_PER_KEY: usize = 50;

fn tag_error(message: &str) -> KmsError {
    KmsError::new(ErrorCode::TagException, message)
}

/// Validated (key, value) pairs of a request, in request order.
pub fn check_new(tags: &[Tag]) -> KmsResult<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(tags.len());
    for tag in tags {
        let key = tag.tag_key.clone();
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(tag_error("Tags beginning with aws: are reserved"));
        }
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(tag_error("Duplicate tag keys"));
        }
        pairs.push((key, tag.tag_value.clone()));
    }
    Ok(pairs)
}

/// `existing` with `new` applied: a known key gets the new value, others are appended.
pub fn merge(
    existing: &[(String, String)],
    new: Vec<(String, String)>,
) -> KmsResult<Vec<(String, String)>> {
    let mut out = existing.to_vec();
    for (k, v) in new {
        match out.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    if out.len() > MAX_TAGS_PER_KEY {
        return Err(tag_error("Too many tags"));
    }
    Ok(out)
}
