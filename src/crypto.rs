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
