//! The symmetric ciphertext blob. Self-describing so Decrypt needs no KeyId and rotated keys keep
//! decrypting older blobs:
//!
//! ```text
//! 01 02 02 00 78 | flags (1) | key id (16) | key material id (32) | nonce (12) | AES-256-GCM ciphertext ‖ tag (16)
//! ```
//!
//! The first five bytes are the constant prefix real AWS blobs start with (`AQICAHg…` in base64), so a
//! blob looks familiar, but the format is our own: real AWS ciphertexts cannot be decrypted here and
//! ours cannot be decrypted by AWS (AWS-KMS-BEHAVIOUR.md §2.5). Everything before the nonce, plus the
//! canonical encryption context, is authenticated as AAD, so a blob moved to another key, material or
//! context fails as InvalidCiphertextException.

use crate::crypto::aes_gcm::{self, NONCE_LEN, TAG_LEN};
use crate::model::key_ref;

const MAGIC: [u8; 5] = [0x01, 0x02, 0x02, 0x00, 0x78];
const FLAG_MULTI_REGION: u8 = 0x01;
const HEADER_LEN: usize = MAGIC.len() + 1 + 16 + 32;
/// Bytes a ciphertext adds to its plaintext.
pub const OVERHEAD: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// What the header of a blob names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The key that made the blob.
    pub key_id: String,
    /// The material version (64 hex) that made the blob.
    pub material_id: String,
}

/// A parsed blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// Key and material.
    pub header: Header,
    header_bytes: &'a [u8],
    nonce: &'a [u8],
    body: &'a [u8],
}

/// Encrypts `plaintext` under `material` of `key_id`, binding `context` (canonical bytes).
pub fn seal(
    accelerator: Option<&dyn aes_gcm::Accelerator>,
    key_id: &str,
    material_id: &str,
    material: &[u8],
    nonce: [u8; NONCE_LEN],
    context: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let (mrk, id_bytes) = key_ref::key_id_bytes(key_id)?;
    let material_bytes = key_ref::decode_hex(material_id).filter(|b| b.len() == 32)?;
    let mut blob = Vec::with_capacity(OVERHEAD + plaintext.len());
    blob.extend_from_slice(&MAGIC);
    blob.push(if mrk { FLAG_MULTI_REGION } else { 0 });
    blob.extend_from_slice(&id_bytes);
    blob.extend_from_slice(&material_bytes);
    let aad = [blob.as_slice(), context].concat();
    let sealed = aes_gcm::seal(accelerator, material, &nonce, &aad, plaintext)?;
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    Some(blob)
}

/// Parses a blob's header without decrypting. `None` for anything that is not our format.
pub fn parse(blob: &[u8]) -> Option<Parsed<'_>> {
    if blob.len() < OVERHEAD || !blob.starts_with(&MAGIC) {
        return None;
    }
    let (header_bytes, rest) = blob.split_at_checked(HEADER_LEN)?;
    let (nonce, body) = rest.split_at_checked(NONCE_LEN)?;
    let flags = *header_bytes.get(MAGIC.len())?;
    if flags & !FLAG_MULTI_REGION != 0 {
        return None;
    }
    let id: [u8; 16] = header_bytes
        .get(MAGIC.len() + 1..MAGIC.len() + 17)?
        .try_into()
        .ok()?;
    let material = header_bytes.get(MAGIC.len() + 17..HEADER_LEN)?;
    Some(Parsed {
        header: Header {
            key_id: key_ref::key_id_from_bytes(flags & FLAG_MULTI_REGION != 0, &id),
            material_id: crate::hex::encode(material),
        },
        header_bytes,
        nonce,
        body,
    })
}

impl Parsed<'_> {
    /// Decrypts with the named material; `None` if anything fails to authenticate.
    pub fn open(
        &self,
        accelerator: Option<&dyn aes_gcm::Accelerator>,
        material: &[u8],
        context: &[u8],
    ) -> Option<Vec<u8>> {
        let aad = [self.header_bytes, context].concat();
        aes_gcm::open(accelerator, material, self.nonce, &aad, self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "1234abcd-12ab-44cd-96ef-1234567890ab";
    const MAT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn round_trip_and_header() {
        let blob = seal(None, KEY, MAT, &[9; 32], [3; 12], b"ctx", b"hello").unwrap();
        assert_eq!(blob.len(), OVERHEAD + 5);
        let parsed = parse(&blob).unwrap();
        assert_eq!(
            parsed.header,
            Header {
                key_id: KEY.into(),
                material_id: MAT.into()
            }
        );
        assert_eq!(parsed.open(None, &[9; 32], b"ctx").unwrap(), b"hello");
        assert!(parsed.open(None, &[9; 32], b"other").is_none());
    }

    #[test]
    fn garbage_is_rejected_not_panicking() {
        for len in 0..200 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            assert!(parse(&junk).is_none_or(|p| p.open(None, &[0; 32], b"").is_none()));
        }
        let mut blob = seal(None, KEY, MAT, &[9; 32], [3; 12], b"", b"x").unwrap();
        blob[5] = 0x80;
        assert!(parse(&blob).is_none());
    }
}
