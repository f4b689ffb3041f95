//! Randomness behind a seam: the OS source (crypto.getRandomValues in wasm) in production, and a
//! seeded SHA-256 counter generator for reproducible tests and fixtures.

use sha2::{Digest, Sha256};

/// The randomness could not be produced (the host refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngError;

/// A source of random bytes.
pub trait RandomSource {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError>;
}

/// The operating system's CSPRNG (`getrandom`; `crypto.getRandomValues` in wasm).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        getrandom::getrandom(buf).map_err(|_| RngError)
    }
}

/// A deterministic generator: block i = SHA-256(seed ‖ i). Reproducible, not for secrets.
#[derive(Debug, Clone)]
pub struct SeededRandom {
    seed: [u8; 32],
    counter: u64,
    buffer: Vec<u8>,
}

impl SeededRandom {
    /// A generator for `seed`.
    pub fn new(seed: &[u8]) -> Self {
        Self {
            seed: Sha256::digest(seed).into(),
            counter: 0,
            buffer: Vec::new(),
        }
    }
}

impl RandomSource for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        for byte in buf.iter_mut() {
            if self.buffer.is_empty() {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_be_bytes());
                self.counter = self.counter.wrapping_add(1);
                self.buffer = h.finalize().to_vec();
                self.buffer.reverse();
            }
            *byte = self.buffer.pop().ok_or(RngError)?;
        }
        Ok(())
    }
}
