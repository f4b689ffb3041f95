//! AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext.
//!
//! The cipher is RustCrypto's `aes-gcm`. A host may lend the engine an [`Accelerator`] that does
//! the same computation faster (the engine passes it to each call, as it passes randomness): wasm has no AES-NI or carry-less multiply, so software AES-GCM in wasm
//! runs at ~45 MB/s where node:crypto (OpenSSL) runs at gigabytes per second (issue 7, figures a
//! and b). AES-GCM is deterministic, so both give the same bytes for the same input; anything the
//! accelerator cannot do falls back to the software cipher here.

use std::cell::RefCell;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};

/// Key length in bytes.
pub const KEY_LEN: usize = 32;
/// Nonce length in bytes.
pub const NONCE_LEN: usize = 12;
/// Tag length in bytes.
pub const TAG_LEN: usize = 16;

/// Below this many bytes of data the software cipher wins: a call out to the host costs ~3 µs, the
/// software cipher ~0.02 µs per byte (measured in Node 20; the crossover is ~170 bytes). Data keys
/// (32 bytes) stay in wasm, 4 KiB Encrypts go out.
const ACCELERATE_FROM: usize = 160;

/// An accelerator could not perform the call (and the software cipher should).
#[derive(Debug)]
pub struct Unavailable;

/// AES-256-GCM done outside this crate, e.g. by node:crypto through the wasm binding. Results are
/// written into `out`, which has exactly the result's size (so the binding needs no copy).
pub trait Accelerator {
    /// Writes ciphertext‖tag of `plaintext` under `key`/`nonce`, authenticating `aad`.
    fn seal(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<(), Unavailable>;
    /// Writes the plaintext of ciphertext‖tag; `Ok(false)` when it does not authenticate.
    fn open(
        &self,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<bool, Unavailable>;
}

/// Encrypts `plaintext`, authenticating `aad`, through `accelerator` where there is one and the
/// data is long enough; returns ciphertext‖tag. `None` only for a key of the wrong length, which is
/// the caller's invariant.
pub fn seal(
    accelerator: Option<&dyn Accelerator>,
    key: &[u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    if key.len() != KEY_LEN {
        return None;
    }
    if plaintext.len() < ACCELERATE_FROM {
        return software_seal(key, nonce, aad, plaintext);
    }
    let accelerated = accelerator.and_then(|accelerator| {
        let mut sealed = vec![0; plaintext.len().checked_add(TAG_LEN)?];
        accelerator
            .seal(key, nonce, aad, plaintext, &mut sealed)
            .ok()?;
        Some(sealed)
    });
    accelerated.or_else(|| software_seal(key, nonce, aad, plaintext))
}

/// Decrypts ciphertext‖tag, through `accelerator` as [`seal`] does; `None` when the key, nonce,
/// AAD or data do not authenticate.
pub fn open(
    accelerator: Option<&dyn Accelerator>,
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    if nonce.len() != NONCE_LEN || key.len() != KEY_LEN || ciphertext.len() < TAG_LEN {
        return None;
    }
    if ciphertext.len() < ACCELERATE_FROM + TAG_LEN {
        return software_open(key, nonce, aad, ciphertext);
    }
    let accelerated = accelerator.and_then(|accelerator| {
        let mut plaintext = vec![0; ciphertext.len() - TAG_LEN];
        let authentic = accelerator
            .open(key, nonce, aad, ciphertext, &mut plaintext)
            .ok()?;
        Some(authentic.then_some(plaintext))
    });
    match accelerated {
        Some(opened) => opened,
        None => software_open(key, nonce, aad, ciphertext),
    }
}

fn software_seal(
    key: &[u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    with_cipher(key, |cipher| {
        cipher
            .encrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .ok()
    })
}

fn software_open(key: &[u8], nonce: &[u8], aad: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    with_cipher(key, |cipher| {
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .ok()
    })
}

/// How many expanded keys `with_cipher` keeps.
const KEPT_CIPHERS: usize = 8;

thread_local! {
    // Most recently used first.
    static CIPHERS: RefCell<Vec<([u8; KEY_LEN], Aes256Gcm)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the cipher for `key`. Expanding an AES-256 key and deriving its GHASH key costs
/// about as much as sealing a data key, and a test suite uses the same few keys over and over, so
/// the last few expanded keys are kept. Keys are compared with `==`, not in constant time: the
/// timing would tell only this process which of its own keys it used, and this is an emulator.
fn with_cipher<R>(key: &[u8], f: impl FnOnce(&Aes256Gcm) -> Option<R>) -> Option<R> {
    let key: [u8; KEY_LEN] = key.try_into().ok()?;
    CIPHERS.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            return f(&Aes256Gcm::new(&key.into()));
        };
        match kept.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                let entry = kept.remove(i);
                kept.insert(0, entry);
            }
            None => {
                kept.truncate(KEPT_CIPHERS - 1);
                kept.insert(0, (key, Aes256Gcm::new(&key.into())));
            }
        }
        kept.first().and_then(|(_, cipher)| f(cipher))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // NIST GCM test vector (gcmEncryptExtIV256.rsp, Count 0 with 16-byte PT, no AAD).
    #[test]
    fn nist_vector() {
        let key = hex("b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4");
        let iv: [u8; 12] = hex("516c33929df5a3284ff463d7").try_into().unwrap();
        let ct = seal(None, &key, &iv, &[], &[]).unwrap();
        assert_eq!(ct, hex("bdc1ac884d332457a1d2664f168c76f0"));
        assert_eq!(open(None, &key, &iv, &[], &ct).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn tampering_fails() {
        let key = [7u8; 32];
        let iv = [1u8; 12];
        let mut ct = seal(None, &key, &iv, b"aad", b"hello").unwrap();
        assert_eq!(open(None, &key, &iv, b"aad", &ct).unwrap(), b"hello");
        assert!(open(None, &key, &iv, b"other", &ct).is_none());
        ct[0] ^= 1;
        assert!(open(None, &key, &iv, b"aad", &ct).is_none());
    }

    /// Counts its calls; answers with the software cipher, or nothing (`Unavailable`).
    struct Recording {
        calls: std::rc::Rc<std::cell::Cell<usize>>,
        mode: &'static str,
    }

    impl Accelerator for Recording {
        fn seal(
            &self,
            key: &[u8],
            nonce: &[u8],
            aad: &[u8],
            pt: &[u8],
            out: &mut [u8],
        ) -> Result<(), Unavailable> {
            self.calls.set(self.calls.get() + 1);
            if self.mode != "software" {
                return Err(Unavailable);
            }
            out.copy_from_slice(&software_seal(key, nonce.try_into().unwrap(), aad, pt).unwrap());
            Ok(())
        }
        fn open(
            &self,
            key: &[u8],
            nonce: &[u8],
            aad: &[u8],
            sealed: &[u8],
            out: &mut [u8],
        ) -> Result<bool, Unavailable> {
            self.calls.set(self.calls.get() + 1);
            if self.mode != "software" {
                return Err(Unavailable);
            }
            let opened = software_open(key, nonce, aad, sealed);
            if let Some(pt) = &opened {
                out.copy_from_slice(pt);
            }
            Ok(opened.is_some())
        }
    }

    fn recording(mode: &'static str) -> Recording {
        Recording {
            calls: std::rc::Rc::new(std::cell::Cell::new(0)),
            mode,
        }
    }

    #[test]
    fn accelerator_is_used_and_agrees_with_software() {
        let (key, iv) = ([9u8; 32], [3u8; 12]);
        let payload = [5u8; ACCELERATE_FROM];
        let expected = software_seal(&key, &iv, b"aad", &payload).unwrap();
        let host = recording("software");
        let (acc, calls) = (Some(&host as &dyn Accelerator), &host.calls);
        assert_eq!(seal(acc, &key, &iv, b"aad", &payload).unwrap(), expected);
        assert_eq!(open(acc, &key, &iv, b"aad", &expected).unwrap(), payload);
        assert!(open(acc, &key, &iv, b"other", &expected).is_none());
        assert_eq!(calls.get(), 3);
        // Short data stays in software.
        let short = seal(acc, &key, &iv, b"", b"tiny").unwrap();
        assert_eq!(open(acc, &key, &iv, b"", &short).unwrap(), b"tiny");
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn unavailable_accelerator_falls_back_to_software() {
        let (key, iv) = ([9u8; 32], [3u8; 12]);
        let payload = [5u8; 1000];
        let expected = software_seal(&key, &iv, b"", &payload).unwrap();
        let host = recording("unavailable");
        let acc = Some(&host as &dyn Accelerator);
        assert_eq!(seal(acc, &key, &iv, b"", &payload).unwrap(), expected);
        assert_eq!(open(acc, &key, &iv, b"", &expected).unwrap(), payload);
        assert_eq!(host.calls.get(), 2);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
