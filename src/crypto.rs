//! Thin wrappers over RustCrypto. No KMS vocabulary lives here: callers pass bytes and small enums,
//! and failures are opaque so nothing can leak why a decryption failed.

pub mod aes_gcm;
pub mod digest;
pub mod ecc;
pub mod ed25519;
pub mod extra;
pub mod hmac;
pub mod ml_dsa;
pub mod ml_kem;
pub mod rng;
pub mod rsa;
pub mod seed_key;
pub mod sm2;
pub mod wrap;

/// What a host lends the engine to do some crypto faster than software in wasm can (node:crypto's
/// OpenSSL through the wasm binding). The engine holds them and passes them to each call, as it
/// passes randomness; each falls back to software for anything it cannot do, with the same result.
#[derive(Default)]
pub struct Accelerators {
    /// AES-256-GCM (Encrypt, Decrypt and the other symmetric ciphertexts).
    pub aes_gcm: Option<Box<dyn aes_gcm::Accelerator>>,
    /// ECDSA over whole messages on the NIST curves (Sign with MessageType RAW).
    pub ecdsa: Option<Box<dyn ecc::Accelerator>>,
}

impl Accelerators {
    /// The AES-GCM accelerator, if any.
    pub fn aes_gcm(&self) -> Option<&dyn aes_gcm::Accelerator> {
        self.aes_gcm.as_deref()
    }

    /// The ECDSA accelerator, if any.
    pub fn ecdsa(&self) -> Option<&dyn ecc::Accelerator> {
        self.ecdsa.as_deref()
    }
}
