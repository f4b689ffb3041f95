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

    /// Whether a seed determines every byte (`SeededRandom`). A caller drawing from such a source
    /// promises reproducible output, so nothing random may come from anywhere else (a host's
    /// signer, for one). Required, so that a new source has to decide.
    fn is_reproducible(&self) -> bool;

    /// Where a reproducible stream stands, as bytes `SeededRandom::resume` continues from (`None`
    /// for a source no seed determines): a call the engine undoes, or an engine moved into another
    /// module, must draw the same bytes next.
    fn position(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Bytes fetched from the OS per refill. In wasm each fetch is a call out to JS
/// (`crypto.getRandomValues`) that costs more than the bytes themselves, and a single CreateKey
/// asks several times, so the bytes are fetched in batches.
const OS_BATCH: usize = 4096;

/// The operating system's CSPRNG (`getrandom`; `crypto.getRandomValues` in wasm), batched.
#[derive(Debug, Default, Clone)]
pub struct OsRandom {
    batch: Vec<u8>,
}

impl RandomSource for OsRandom {
    fn is_reproducible(&self) -> bool {
        false
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        if buf.len() > OS_BATCH {
            return getrandom::getrandom(buf).map_err(|_| RngError);
        }
        if self.batch.len() < buf.len() {
            let mut fresh = vec![0u8; OS_BATCH];
            getrandom::getrandom(&mut fresh).map_err(|_| RngError)?;
            self.batch = fresh;
        }
        // Served from the end so the remaining batch never moves; served bytes are dropped.
        let rest = self.batch.len() - buf.len();
        buf.copy_from_slice(self.batch.get(rest..).ok_or(RngError)?);
        self.batch.truncate(rest);
        Ok(())
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

    /// The generator at a `position()` it reported (`None` when the bytes are not one).
    pub fn resume(position: &[u8]) -> Option<Self> {
        let seed = position.get(..32)?.try_into().ok()?;
        let counter = u64::from_be_bytes(position.get(32..40)?.try_into().ok()?);
        let buffer = position.get(40..)?.to_vec();
        (buffer.len() <= 32).then_some(Self {
            seed,
            counter,
            buffer,
        })
    }
}

impl RandomSource for SeededRandom {
    fn is_reproducible(&self) -> bool {
        true
    }

    fn position(&self) -> Option<Vec<u8>> {
        let mut at = Vec::with_capacity(40 + self.buffer.len());
        at.extend_from_slice(&self.seed);
        at.extend_from_slice(&self.counter.to_be_bytes());
        at.extend_from_slice(&self.buffer);
        Some(at)
    }

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

/// Lends a `RandomSource` to RustCrypto APIs, which want `rand_core::{RngCore, CryptoRng}`.
/// `RngCore::fill_bytes` cannot fail, so a host failure is recorded in `failed` (and the bytes are
/// left zero); the caller checks `failed` after the operation and discards its result.
pub struct RngAdapter<'a> {
    source: &'a mut dyn RandomSource,
    /// Whether any request for randomness failed.
    pub failed: bool,
}

impl<'a> RngAdapter<'a> {
    /// An adapter over `source`.
    pub fn new(source: &'a mut dyn RandomSource) -> Self {
        Self {
            source,
            failed: false,
        }
    }

    /// `Ok(value)` unless the randomness failed while producing it.
    pub fn check<T>(&self, value: T) -> Result<T, RngError> {
        if self.failed {
            Err(RngError)
        } else {
            Ok(value)
        }
    }
}

impl rand_core::RngCore for RngAdapter<'_> {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.source.fill(dest).is_err() {
            self.failed = true;
            dest.fill(0);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        if self.failed {
            Err(rand_core::Error::from(
                core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START)
                    .unwrap_or(core::num::NonZeroU32::MIN),
            ))
        } else {
            Ok(())
        }
    }
}

impl rand_core::CryptoRng for RngAdapter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_stream_resumes_from_its_position_mid_block() {
        let mut a = SeededRandom::new(b"seed");
        let mut skip = [0u8; 45]; // one whole SHA-256 block and part of the next
        a.fill(&mut skip).unwrap();
        let mut b = SeededRandom::resume(&a.position().unwrap()).unwrap();
        let (mut x, mut y) = ([0u8; 70], [0u8; 70]);
        a.fill(&mut x).unwrap();
        b.fill(&mut y).unwrap();
        assert_eq!(x, y);
        assert!(SeededRandom::resume(&[0; 39]).is_none());
        assert!(SeededRandom::resume(&[0; 73]).is_none());
        assert_eq!(OsRandom::default().position(), None);
    }

    #[test]
    fn os_random_serves_distinct_bytes_across_batches() {
        let mut rng = OsRandom::default();
        let mut seen = std::collections::HashSet::new();
        for len in [1, 16, 32, 4000, 4096, 5000, 12] {
            let mut a = vec![0u8; len];
            rng.fill(&mut a).unwrap();
            if len >= 16 {
                assert!(seen.insert(a.clone()), "repeated output");
                assert!(a.iter().any(|b| *b != 0));
            }
        }
    }
}
