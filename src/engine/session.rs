//! An engine's whole in-memory session as bytes, to move it into another wasm module: the core
//! module hands over to the full one when a call needs a key type only the full one carries
//! (`crypto::extra`). It holds everything later answers depend on beyond storage: the committed
//! state, a seeded stream's position and the GetKeyLastUsage log, so the calls that follow answer
//! exactly as they would have in the first module. Not a persistence format: both modules come
//! from one build, and the bytes live only for the hand-over.

use serde::{Deserialize, Serialize};

use super::Engine;
use crate::api::Blob;
use crate::crypto::rng::{OsRandom, RandomSource, SeededRandom};
use crate::model::last_usage::{LastUsage, LastUsageLog};
use crate::store::journal::{self, DecodeError};
use crate::store::RecordKey;

#[derive(Serialize, Deserialize)]
struct Session {
    snapshot: Blob,
    seed: Option<Blob>,
    /// `RandomSource::position` of a seeded engine's stream.
    position: Option<Blob>,
    reseed: bool,
    last_usage: Vec<(RecordKey, LastUsage)>,
    tracking_since: Option<f64>,
    recording: bool,
}

impl Engine {
    /// The session, for `from_session` in another module. Call it between calls: a pending write
    /// set is not part of it (a call that stopped for the full module leaves none).
    pub fn session(&self) -> Vec<u8> {
        let session = Session {
            snapshot: Blob(self.snapshot()),
            seed: self.seed.clone().map(Blob),
            position: self.rng.position().map(Blob),
            reseed: self.reseed,
            last_usage: self
                .last_usage
                .uses
                .iter()
                .map(|(k, u)| (k.clone(), u.clone()))
                .collect(),
            tracking_since: self.last_usage.tracking_since,
            recording: self.last_call.is_some(),
        };
        serde_json::to_vec(&session).unwrap_or_default()
    }

    /// The engine a `session` describes.
    pub fn from_session(bytes: &[u8]) -> Result<Engine, DecodeError> {
        let bad = |what: &str| DecodeError(format!("not an engine session: {what}"));
        let s: Session = serde_json::from_slice(bytes).map_err(|e| bad(&e.to_string()))?;
        let rng: Box<dyn RandomSource> = match &s.position {
            Some(p) => Box::new(SeededRandom::resume(&p.0).ok_or_else(|| bad("position"))?),
            None => Box::new(OsRandom::default()),
        };
        let mut engine = Engine::with_rng(rng);
        engine.store = journal::decode_snapshot(&s.snapshot.0)?;
        engine.seed = s.seed.map(|b| b.0);
        engine.reseed = s.reseed;
        engine.last_usage = LastUsageLog {
            uses: s.last_usage.into_iter().collect(),
            tracking_since: s.tracking_since,
        };
        engine.record_calls(s.recording);
        Ok(engine)
    }
}
