//! LocalStack's fixture tags on CreateKey, so suites written for LocalStack keep their fixed keys:
//! `_custom_id_` is the key ID to use and `_custom_key_material_` the key material, base64
//! (LocalStack's KMS guide, "Custom IDs for KMS keys via tags" and "Custom key material"). The
//! material is what `KmsWasm.CreateFixtureKey` takes: 32 raw bytes for SYMMETRIC_DEFAULT, raw HMAC
//! key bytes, a private key (PKCS#8, or SEC1 as LocalStack's examples use) for ECC specs.
//!
//! As in LocalStack, `_custom_id_` stays on the key as an ordinary tag and `_custom_key_material_`
//! is removed before the tags are stored, so the material is never readable back as a tag (and the
//! call log leaves it out of the request it records, `trail`).

use base64::Engine as _;

use crate::api::{CreateKeyRequest, OriginType};
use crate::error::{KmsError, KmsResult};
use crate::model::key_ref;

/// The tag naming the key ID.
pub const CUSTOM_ID: &str = "_custom_id_";
/// The tag carrying the key material.
pub const CUSTOM_KEY_MATERIAL: &str = "_custom_key_material_";

/// What a CreateKey request's fixture tags ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureTags {
    /// `_custom_id_`, checked to be a key ID of the right kind (`mrk-` for Multi-Region keys).
    pub key_id: Option<String>,
    /// `_custom_key_material_`, decoded (checked against the key spec by the caller).
    pub material: Option<Vec<u8>>,
}

/// Takes the fixture tags out of `req` (`_custom_key_material_` is removed from its tags), or
/// `None` when it has none. A malformed value is a ValidationException.
pub fn take(req: &mut CreateKeyRequest) -> KmsResult<Option<FixtureTags>> {
    let Some(tags) = req.tags.as_mut() else {
        return Ok(None);
    };
    let value = |name: &str| {
        tags.iter()
            .find(|t| t.tag_key == name)
            .map(|t| t.tag_value.clone())
    };
    let key_id = value(CUSTOM_ID).map(|v| v.trim().to_string());
    let material = value(CUSTOM_KEY_MATERIAL);
    if key_id.is_none() && material.is_none() {
        return Ok(None);
    }
    tags.retain(|t| t.tag_key != CUSTOM_KEY_MATERIAL);
    let multi_region = req.multi_region == Some(true);
    if let Some(id) = &key_id {
        if !key_ref::is_key_id(id) || id.starts_with("mrk-") != multi_region {
            return Err(KmsError::validation(format!(
                "Tag {CUSTOM_ID} value '{id}' is not a valid key ID: use a lower-case UUID, or mrk- and 32 lower-case hex digits with MultiRegion true."
            )));
        }
    }
    let material = match material {
        None => None,
        Some(text) => {
            if req.origin.unwrap_or(OriginType::AWS_KMS) != OriginType::AWS_KMS {
                return Err(KmsError::validation(format!(
                    "Tag {CUSTOM_KEY_MATERIAL} is valid only for keys with Origin AWS_KMS."
                )));
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| {
                    KmsError::validation(format!("Tag {CUSTOM_KEY_MATERIAL} value is not base64."))
                })?;
            Some(bytes)
        }
    };
    Ok(Some(FixtureTags { key_id, material }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::api::Tag;

    fn request(tags: &[(&str, &str)]) -> CreateKeyRequest {
        CreateKeyRequest {
            tags: Some(
                tags.iter()
                    .map(|(k, v)| Tag {
                        tag_key: (*k).into(),
                        tag_value: (*v).into(),
                    })
                    .collect(),
            ),
            ..CreateKeyRequest::default()
        }
    }

    #[test]
    fn the_material_tag_is_taken_and_the_id_tag_stays() {
        let id = "00000000-0000-4000-8000-000000000001";
        let mut req = request(&[
            (CUSTOM_ID, id),
            (CUSTOM_KEY_MATERIAL, "AQID"),
            ("Team", "a"),
        ]);
        let got = take(&mut req).unwrap().unwrap();
        assert_eq!(got.key_id.as_deref(), Some(id));
        assert_eq!(got.material, Some(vec![1, 2, 3]));
        let left: Vec<_> = req.tags.unwrap().into_iter().map(|t| t.tag_key).collect();
        assert_eq!(left, [CUSTOM_ID, "Team"]);
    }

    #[test]
    fn other_tags_are_no_fixture() {
        assert_eq!(take(&mut request(&[("Team", "a")])).unwrap(), None);
        assert_eq!(take(&mut CreateKeyRequest::default()).unwrap(), None);
    }

    #[test]
    fn bad_values_are_validation_exceptions() {
        for tags in [
            [(CUSTOM_ID, "not-a-key-id")],
            [(CUSTOM_ID, "mrk-0123456789abcdef0123456789abcdef")],
            [(CUSTOM_KEY_MATERIAL, "###")],
        ] {
            let e = take(&mut request(&tags)).unwrap_err();
            assert_eq!(
                e.code,
                crate::api::ErrorCode::ValidationException,
                "{tags:?}"
            );
        }
        let mut external = request(&[(CUSTOM_KEY_MATERIAL, "AQID")]);
        external.origin = Some(crate::api::OriginType::EXTERNAL);
        assert!(take(&mut external).is_err());
    }
}
