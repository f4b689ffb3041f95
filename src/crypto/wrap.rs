//! AES key wrap with padding (RFC 5649, "AES-KWP"), the inner layer of the RSA_AES_KEY_WRAP_*
//! import wrapping algorithms. 256-bit wrapping keys only; every failure is opaque.

use aes_kw::KekAes256;

/// Wrapping or unwrapping failed (wrong key, corrupt input, bad length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrapError;

/// The length of the AES key that wraps (AES-256).
pub const KEK_LEN: usize = 32;

fn kek(key: &[u8]) -> Result<KekAes256, WrapError> {
    let key: [u8; KEK_LEN] = key.try_into().map_err(|_| WrapError)?;
    Ok(KekAes256::from(key))
}

/// Wraps `data` (1 byte or more) under the 32-byte `key`.
pub fn wrap_with_padding(key: &[u8], data: &[u8]) -> Result<Vec<u8>, WrapError> {
    kek(key)?.wrap_with_padding_vec(data).map_err(|_| WrapError)
}

/// Unwraps RFC 5649 output under the 32-byte `key`; fails unless the integrity check passes.
pub fn unwrap_with_padding(key: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, WrapError> {
    kek(key)?
        .unwrap_with_padding_vec(wrapped)
        .map_err(|_| WrapError)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 5649 §6, the second example (7-byte key data under a 192-bit KEK) has no AES-256 form,
    // so round trips and tamper checks stand in; the JS interop test checks OpenSSL's output.
    #[test]
    #[allow(clippy::cast_possible_truncation)]
    fn round_trips_and_rejects_tampering() {
        let key = [7u8; 32];
        for len in [1usize, 7, 8, 20, 32, 64, 1217] {
            let data: Vec<u8> = (0..len).map(|i| (i * 13 % 256) as u8).collect();
            let wrapped = wrap_with_padding(&key, &data).unwrap();
            assert_eq!(unwrap_with_padding(&key, &wrapped).unwrap(), data);
            let mut bad = wrapped.clone();
            bad[3] ^= 1;
            assert!(unwrap_with_padding(&key, &bad).is_err());
            assert!(unwrap_with_padding(&[8u8; 32], &wrapped).is_err());
        }
        assert!(unwrap_with_padding(&key, &[1, 2, 3]).is_err());
        assert!(unwrap_with_padding(&[0u8; 16], &[0; 16]).is_err());
    }
}
