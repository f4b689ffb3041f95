//! `Engine`: the committed store, the randomness seam and at most one pending write set.
//! `dispatch` runs one operation in a transaction and leaves its writes pending; the caller makes
//! them durable and then `commit`s (or `abort`s). Replay (`restore`, `apply`) never re-runs
//! commands, it applies resulting records, so it needs no randomness and cannot diverge.

use crate::api::Operation;
use crate::context::RequestCtx;
use crate::crypto::rng::{OsRandom, RandomSource};
use crate::error::{KmsError, KmsResult};
use crate::ops::{self, Env};
use crate::store::journal::{self, DecodeError};
use crate::store::{Store, Txn, WriteSet};

/// The KMS engine for every account and Region.
pub struct Engine {
    store: Store,
    rng: Box<dyn RandomSource>,
    pending: Option<WriteSet>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An empty engine using the OS randomness.
    pub fn new() -> Self {
        Self::with_rng(Box::new(OsRandom))
    }

    /// An empty engine with the given randomness (tests, seeded fixtures).
    pub fn with_rng(rng: Box<dyn RandomSource>) -> Self {
        Self {
            store: Store::default(),
            rng,
            pending: None,
        }
    }

    /// Runs `op` with the request body; returns the response body and, when it wrote anything,
    /// the journal entry. The writes stay pending until `commit`.
    pub fn dispatch(
        &mut self,
        op: Operation,
        ctx: &RequestCtx,
        body: &[u8],
    ) -> KmsResult<(Vec<u8>, Option<Vec<u8>>)> {
        // A pending write set left by a caller that never answered is not acknowledged: drop it.
        self.pending = None;
        let mut txn = Txn::new(&self.store);
        let mut env = Env {
            txn: &mut txn,
            ctx,
            rng: self.rng.as_mut(),
        };
        let response = ops::dispatch(op, body, &mut env)?;
        let writes = txn.into_write_set();
        if writes.is_empty() {
            return Ok((response, None));
        }
        let entry = journal::encode_entry(&writes);
        self.pending = Some(writes);
        Ok((response, Some(entry)))
    }

    /// Applies the pending writes (after the caller made the entry durable).
    pub fn commit(&mut self) {
        if let Some(writes) = self.pending.take() {
            self.store.apply(writes);
        }
    }

    /// Drops the pending writes.
    pub fn abort(&mut self) {
        self.pending = None;
    }

    /// Replaces all state with a snapshot (empty bytes: empty state).
    pub fn restore(&mut self, snapshot: &[u8]) -> Result<(), DecodeError> {
        self.store = journal::decode_snapshot(snapshot)?;
        self.pending = None;
        Ok(())
    }

    /// Applies a committed journal entry (replay, or another process's write).
    pub fn apply(&mut self, entry: &[u8]) -> Result<(), DecodeError> {
        let writes = journal::decode_entry(entry)?;
        self.store.apply(writes);
        Ok(())
    }

    /// The whole state, for compaction.
    pub fn snapshot(&self) -> Vec<u8> {
        journal::encode_snapshot(&self.store)
    }

    /// Read access for tests and tools.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

impl From<DecodeError> for KmsError {
    fn from(e: DecodeError) -> Self {
        KmsError::internal(e.0)
    }
}
