//! AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};

/// Key length in bytes.
pub const KEY_LEN: usize = 32;
/// Nonce length in bytes.
pub const NONCE_LEN: usize = 12;
/// Tag length in bytes.
pub const TAG_LEN: usize = 16;

/// Encrypts `plaintext`, authenticating `aad`; returns ciphertext‖tag. `None` only for a key of the
/// wrong length, which is the caller's invariant.
pub fn seal(key: &[u8], nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .encrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .ok()
}

/// Decrypts ciphertext‖tag; `None` when the key, nonce, AAD or data do not authenticate.
pub fn open(key: &[u8], nonce: &[u8], aad: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    if nonce.len() != NONCE_LEN {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // NIST GCM test vector (gcmEncryptExtIV256.rsp, Count 0 with 16-byte PT, no AAD).
    #[test]
    fn nist_vector() {
        let key = hex("b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4");
        let iv: [u8; 12] = hex("516c33929df5a3284ff463d7").try_into().unwrap();
        let ct = seal(&key, &iv, &[], &[]).unwrap();
        assert_eq!(ct, hex("bdc1ac884d332457a1d2664f168c76f0"));
        assert_eq!(open(&key, &iv, &[], &ct).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn tampering_fails() {
        let key = [7u8; 32];
        let iv = [1u8; 12];
        let mut ct = seal(&key, &iv, b"aad", b"hello").unwrap();
        assert_eq!(open(&key, &iv, b"aad", &ct).unwrap(), b"hello");
        assert!(open(&key, &iv, b"other", &ct).is_none());
        ct[0] ^= 1;
        assert!(open(&key, &iv, b"aad", &ct).is_none());
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
